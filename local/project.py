"""A typed view of the template: functions, their API routes and event sources, and the resources to create.

Nothing here talks to AWS; values stay unresolved (intrinsics intact) until the backend has created the
resources they point at, then `Resolver.resolve` turns them into local names.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from local.template import Resolver, load_template, merge_globals

log = logging.getLogger("local.project")

FUNCTION_TYPES = ("AWS::Serverless::Function",)
TABLE_TYPES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")
API_TYPES = ("AWS::Serverless::Api",)
EMAIL_IDENTITY_TYPE = "AWS::SES::EmailIdentity"
IMPLICIT_API = "ServerlessRestApi"
# Lambda retries a failing stream batch until the records expire (-1); locally we stop after a few tries.
DEFAULT_STREAM_RETRIES = 3
# Asynchronous invocations (EventBridge -> Lambda) are retried twice by default.
DEFAULT_ASYNC_RETRIES = 2
SCHEDULER_KINDS = ("ScheduleV2", "AWS::Scheduler::Schedule")


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_dir: Path
    handler: str
    environment: Mapping[str, Any]
    timeout: int
    memory_size: int
    runtime: str

    @property
    def module_file(self) -> Path:
        module, _ = self.handler.rsplit(".", 1)
        return self.code_dir / (module.replace(".", "/") + ".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]


@dataclass(frozen=True)
class ApiRoute:
    method: str  # upper case, or ANY
    path: str  # as declared: /sales/deals/{id}
    function_id: str
    api_id: str
    stage: str
    authenticated: bool


@dataclass(frozen=True)
class StreamSource:
    """A `Type: DynamoDB` event: the function reads a table's stream."""

    function_id: str
    event_name: str
    stream: Any  # unresolved (usually !GetAtt Table.StreamArn)
    table_id: str | None
    batch_size: int
    starting_position: str
    filters: tuple[Mapping[str, Any], ...]
    max_retries: int
    report_batch_item_failures: bool
    enabled: bool
    bisect_on_error: bool = False
    on_failure: Any = None  # unresolved DestinationConfig.OnFailure.Destination


@dataclass(frozen=True)
class RuleSource:
    """An EventBridge rule whose target is a function (`EventBridgeRule`/`CloudWatchEvent` event or an
    `AWS::Events::Rule` resource targeting the function)."""

    function_id: str
    rule_key: str  # unique, used to name the local rule and its private queue
    bus: Any  # unresolved bus name (or ARN)
    pattern: Any  # unresolved event pattern
    max_retries: int
    input: Any = None
    input_path: str | None = None


@dataclass(frozen=True)
class QueueSource:
    """A `Type: SQS` event: the function consumes a queue."""

    function_id: str
    event_name: str
    queue: Any  # unresolved queue ARN
    batch_size: int
    filters: tuple[Mapping[str, Any], ...]
    report_batch_item_failures: bool


@dataclass(frozen=True)
class Schedule:
    """A function run on a schedule: a `Schedule` (EventBridge scheduled rule) or `ScheduleV2` (EventBridge
    Scheduler) event, or an `AWS::Events::Rule` with a `ScheduleExpression` or an `AWS::Scheduler::Schedule`
    whose target is a function of the template. Nothing fires it locally: `POST /_local/schedules/<name>` runs
    it once, with the event its scheduler would send."""

    # The schedule's logical id: the resource's, or for an event `<FunctionId><EventName>`, the id SAM gives
    # the rule or schedule it generates.
    logical_id: str
    function_id: str
    kind: str  # Schedule, ScheduleV2, AWS::Events::Rule or AWS::Scheduler::Schedule
    expression: Any  # unresolved, like every value below
    timezone: Any = None
    input: Any = None
    name: Any = None  # the physical name the template gives
    group: Any = None  # EventBridge Scheduler's schedule group
    state: Any = None  # ENABLED or DISABLED
    enabled: Any = None  # the `Schedule` event's older switch

    @property
    def by_scheduler(self) -> bool:
        """EventBridge Scheduler (rather than an EventBridge rule) invokes the function."""
        return self.kind in SCHEDULER_KINDS


@dataclass
class Project:
    template_path: Path
    root: Path
    template: dict[str, Any]
    resolver: Resolver
    functions: dict[str, Function] = field(default_factory=dict)
    routes: list[ApiRoute] = field(default_factory=list)
    stream_sources: list[StreamSource] = field(default_factory=list)
    rule_sources: list[RuleSource] = field(default_factory=list)
    queue_sources: list[QueueSource] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    layer_dirs: list[Path] = field(default_factory=list)

    def resources_of(self, *types: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.template["Resources"].items()
            if isinstance(resource, dict) and resource.get("Type") in types and self._included(resource)
        }

    def _included(self, resource: Mapping[str, Any]) -> bool:
        condition = resource.get("Condition")
        return condition is None or self.resolver.condition(str(condition))


def load_project(
    template_path: Path, root: Path | None = None, *, region: str, parameters: Mapping[str, str] | None = None
) -> Project:
    template_path = template_path.resolve()
    template = load_template(template_path)
    project = Project(
        template_path=template_path,
        root=(root or template_path.parent).resolve(),
        template=template,
        resolver=Resolver(template, region=region, parameters=parameters),
    )
    _read_layers(project)
    _read_functions(project)
    _read_template_rules(project)
    _read_template_schedules(project)
    return project


def _merge(defaults: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """SAM Globals semantics: maps merge, lists concatenate, scalars (intrinsics included) are replaced."""
    merged: dict[str, Any] = merge_globals(dict(defaults), dict(overrides))
    return merged


def _read_layers(project: Project) -> None:
    for layer in project.resources_of("AWS::Serverless::LayerVersion").values():
        content = (layer.get("Properties") or {}).get("ContentUri")
        if not isinstance(content, str):
            continue
        folder = project.root / content
        # A layer lands on /opt; /opt/python is on sys.path. SAM's python build copies ContentUri to python/.
        project.layer_dirs.append(folder / "python" if (folder / "python").is_dir() else folder)


def _api_stages(project: Project) -> dict[str, str]:
    """Api logical id -> stage name (SAM's implicit API is `ServerlessRestApi`)."""
    globals_api: Mapping[str, Any] = (project.template.get("Globals") or {}).get("Api") or {}
    stages = {IMPLICIT_API: str(project.resolver.resolve(globals_api.get("StageName", "Prod")))}
    for logical_id, api in project.resources_of(*API_TYPES).items():
        props = _merge(globals_api, api.get("Properties") or {})
        stages[logical_id] = str(project.resolver.resolve(props.get("StageName", "Prod")))
    return stages


def _api_id(rest_api_id: Any) -> str:
    if rest_api_id is None:
        return IMPLICIT_API
    if isinstance(rest_api_id, dict) and "Ref" in rest_api_id:
        return str(rest_api_id["Ref"])
    return str(rest_api_id)


def _filters(properties: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    criteria = properties.get("FilterCriteria") or {}
    patterns = []
    for item in criteria.get("Filters") or []:
        pattern = item.get("Pattern")
        patterns.append(json.loads(pattern) if isinstance(pattern, str) else pattern)
    return tuple(patterns)


def _getatt_target(node: Any) -> str | None:
    """`!GetAtt X.Attr` -> X (the logical id), else None."""
    if isinstance(node, dict) and "Fn::GetAtt" in node:
        target = node["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target.split(".", 1)[0])
    return None


def _read_functions(project: Project) -> None:
    globals_fn: Mapping[str, Any] = (project.template.get("Globals") or {}).get("Function") or {}
    stages = _api_stages(project)
    for logical_id, resource in project.resources_of(*FUNCTION_TYPES).items():
        props = _merge(globals_fn, resource.get("Properties") or {})
        code_uri = props.get("CodeUri", ".")
        if not isinstance(code_uri, str):
            log.warning("%s: CodeUri %r is not a local folder; skipped", logical_id, code_uri)
            continue
        project.functions[logical_id] = Function(
            logical_id=logical_id,
            code_dir=(project.root / code_uri).resolve(),
            handler=str(props.get("Handler", "app.lambda_handler")),
            environment=(props.get("Environment") or {}).get("Variables") or {},
            timeout=int(props.get("Timeout", 3)),
            memory_size=int(props.get("MemorySize", 128)),
            runtime=str(props.get("Runtime", "python3.12")),
        )
        for event_name, event in (props.get("Events") or {}).items():
            _read_event(project, logical_id, event_name, event.get("Type", ""), event.get("Properties") or {}, stages)


def _read_event(
    project: Project,
    function_id: str,
    event_name: str,
    kind: str,
    props: Mapping[str, Any],
    stages: Mapping[str, str],
) -> None:
    if kind == "Api":
        api_id = _api_id(props.get("RestApiId"))
        stage = stages.get(api_id, "Prod")
        authorizer = (props.get("Auth") or {}).get("Authorizer")
        project.routes.append(
            ApiRoute(
                method=str(props["Method"]).upper(),
                path="/" + str(props["Path"]).strip("/"),
                function_id=function_id,
                api_id=api_id,
                stage=stage,
                authenticated=authorizer != "NONE",
            )
        )
    elif kind == "DynamoDB":
        project.stream_sources.append(
            StreamSource(
                function_id=function_id,
                event_name=event_name,
                stream=props.get("Stream"),
                table_id=_getatt_target(props.get("Stream")),
                batch_size=int(props.get("BatchSize", 100)),
                starting_position=str(props.get("StartingPosition", "LATEST")),
                filters=_filters(props),
                max_retries=_retries(props.get("MaximumRetryAttempts"), DEFAULT_STREAM_RETRIES),
                report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
                enabled=props.get("Enabled", True) is not False,
                bisect_on_error=bool(props.get("BisectBatchOnFunctionError", False)),
                on_failure=((props.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination"),
            )
        )
    elif kind in ("EventBridgeRule", "CloudWatchEvent"):
        project.rule_sources.append(
            RuleSource(
                function_id=function_id,
                rule_key=f"{function_id}-{event_name}",
                bus=props.get("EventBusName", "default"),
                pattern=props.get("Pattern"),
                max_retries=_retries(
                    (props.get("RetryPolicy") or {}).get("MaximumRetryAttempts"), DEFAULT_ASYNC_RETRIES
                ),
                input=props.get("Input"),
                input_path=props.get("InputPath"),
            )
        )
    elif kind == "Schedule":
        project.schedules.append(
            Schedule(
                logical_id=f"{function_id}{event_name}",
                function_id=function_id,
                kind=kind,
                expression=props.get("Schedule"),
                input=props.get("Input"),
                name=props.get("Name"),
                state=props.get("State"),
                enabled=props.get("Enabled"),
            )
        )
    elif kind == "ScheduleV2":
        project.schedules.append(
            Schedule(
                logical_id=f"{function_id}{event_name}",
                function_id=function_id,
                kind=kind,
                expression=props.get("ScheduleExpression"),
                timezone=props.get("ScheduleExpressionTimezone"),
                input=props.get("Input"),
                name=props.get("Name"),
                group=props.get("GroupName"),
                state=props.get("State"),
            )
        )
    elif kind == "SQS":
        project.queue_sources.append(
            QueueSource(
                function_id=function_id,
                event_name=event_name,
                queue=props.get("Queue"),
                batch_size=int(props.get("BatchSize", 10)),
                filters=_filters(props),
                report_batch_item_failures="ReportBatchItemFailures" in (props.get("FunctionResponseTypes") or []),
            )
        )
    else:
        log.warning("%s.%s: event type %s is not emulated locally", function_id, event_name, kind)


def _retries(value: Any, default: int) -> int:
    if value is None or int(value) < 0:
        return default
    return int(value)


def _read_template_rules(project: Project) -> None:
    """`AWS::Events::Rule` resources whose targets are functions of this template."""
    for logical_id, rule in project.resources_of("AWS::Events::Rule").items():
        props = rule.get("Properties") or {}
        for target in props.get("Targets") or []:
            function_id = _getatt_target(target.get("Arn"))
            if function_id not in project.functions:
                continue
            if props.get("ScheduleExpression") is not None:
                if target.get("InputPath") or target.get("InputTransformer"):
                    log.warning("%s: a target's InputPath/InputTransformer is not applied locally", logical_id)
                project.schedules.append(
                    Schedule(
                        logical_id=logical_id,
                        function_id=function_id,
                        kind="AWS::Events::Rule",
                        expression=props["ScheduleExpression"],
                        input=target.get("Input"),
                        name=props.get("Name"),
                        state=props.get("State"),
                    )
                )
                continue
            retry = (target.get("RetryPolicy") or {}).get("MaximumRetryAttempts")
            project.rule_sources.append(
                RuleSource(
                    function_id=function_id,
                    rule_key=f"{logical_id}-{target.get('Id', function_id)}",
                    bus=props.get("EventBusName", "default"),
                    pattern=props.get("EventPattern"),
                    max_retries=_retries(retry, DEFAULT_ASYNC_RETRIES),
                    input=target.get("Input"),
                    input_path=target.get("InputPath"),
                )
            )


def _read_template_schedules(project: Project) -> None:
    """`AWS::Scheduler::Schedule` resources whose target is a function of this template."""
    for logical_id, schedule in project.resources_of("AWS::Scheduler::Schedule").items():
        props = schedule.get("Properties") or {}
        target = props.get("Target") or {}
        function_id = _getatt_target(target.get("Arn"))
        if function_id not in project.functions:
            continue
        project.schedules.append(
            Schedule(
                logical_id=logical_id,
                function_id=function_id,
                kind="AWS::Scheduler::Schedule",
                expression=props.get("ScheduleExpression"),
                timezone=props.get("ScheduleExpressionTimezone"),
                input=target.get("Input"),
                name=props.get("Name"),
                group=props.get("GroupName"),
                state=props.get("State"),
            )
        )
