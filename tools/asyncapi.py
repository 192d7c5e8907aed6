"""docs/asyncapi.yaml (AsyncAPI 3.0.0): the sales bus, one message per catalogue event, who sends and who
receives through the rules of template.yaml. Deterministic: catalogue order, fixed sample events."""

from __future__ import annotations

from typing import Any

from kernel.events import EventSpec
from tools import project_version, samples
from tools.registry import ALL
from tools.registry import EVENTS as CATALOGUE
from tools.rules import Rule, Target, matches, rules
from tools.schemas import JsonSchema, SchemaSet

SCHEMAS = "#/components/schemas/"
BUS_CHANNEL = "salesBus"
ENVELOPE = "EventBridgeEvent"


def _camel(*words: str) -> str:
    parts = [part for word in words for part in word.replace(".", "_").split("_") if part]
    return parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:])


def _pascal(name: str) -> str:
    camel = _camel(name)
    return camel[:1].upper() + camel[1:]


def detail_schema_name(spec: EventSpec) -> str:
    return spec.schema_file.removesuffix(".schema.json")  # deal.won.v1


def _detail_schemas(schemas: SchemaSet) -> None:
    for spec in CATALOGUE:
        schema = {key: value for key, value in spec.json_schema().items() if key not in ("$schema", "$id")}
        schemas.hoist(detail_schema_name(spec), schema)


def _envelope_schema(spec: EventSpec, schemas: SchemaSet) -> JsonSchema:
    """The event as a rule target receives it: EventBridge's envelope around the `detail`."""
    return {
        "type": "object",
        "description": f"EventBridge event carrying {spec.key} v{spec.version} (what a rule target receives)",
        "required": ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"],
        "properties": {
            "version": {"type": "string", "const": "0"},
            "id": {"type": "string", "description": "EventBridge's id; deduplicate on detail.metadata.event_id"},
            "detail-type": {"type": "string", "const": spec.key},
            "source": {"type": "string", "const": spec.source},
            "account": {"type": "string"},
            "time": {"type": "string", "format": "date-time"},
            "region": {"type": "string"},
            "resources": {"type": "array", "items": {"type": "string"}},
            "detail": schemas.ref(detail_schema_name(spec)),
        },
    }


def _emitted_by(spec: EventSpec) -> list[str]:
    return [f"{contract.key} ({event.when})" for contract in ALL for event in contract.emits if event.key == spec.key]


def _message(spec: EventSpec, schemas: SchemaSet) -> dict[str, Any]:
    return {
        "name": spec.key,
        "title": f"{spec.key} v{spec.version}",
        "summary": spec.description,
        "description": f"EventBridge `Source` `{spec.source}`, `DetailType` `{spec.key}`; the payload is the "
        f"`Detail` (JSON Schema: `docs/events/{spec.schema_file}`). Emitted by: "
        + "; ".join(_emitted_by(spec))
        + ". Delivery is at-least-once: deduplicate on `metadata.event_id`.",
        "contentType": "application/json",
        "correlationId": {"location": "$message.payload#/metadata/correlation_id"},
        "tags": [{"name": spec.key.split(".")[0]}],
        "payload": schemas.ref(detail_schema_name(spec)),
        "examples": [{"name": "sample", "payload": samples.sample_detail(spec)}],
        "x-eventbridge": {"source": spec.source, "detail-type": spec.key, "version": spec.version},
    }


def _envelope_message(spec: EventSpec, schemas: SchemaSet) -> dict[str, Any]:
    name = f"{_pascal(detail_schema_name(spec))}{ENVELOPE}"
    return {
        "name": spec.key,
        "title": f"{spec.key} v{spec.version} (EventBridge event)",
        "summary": spec.description,
        "description": "The whole EventBridge event, as a rule delivers it to its target; `detail` is the "
        f"{spec.key} payload.",
        "contentType": "application/json",
        "correlationId": {"location": "$message.payload#/detail/metadata/correlation_id"},
        "tags": [{"name": spec.key.split(".")[0]}],
        "payload": schemas.add(name, _envelope_schema(spec, schemas)),
        "examples": [{"name": "sample", "payload": samples.sample_event(spec)}],
        "x-eventbridge": {"source": spec.source, "detail-type": spec.key, "version": spec.version},
    }


def _target_channel(rule: Rule, target: Target, specs: list[EventSpec]) -> dict[str, Any]:
    delivery = {"rule": rule.name, "bus": rule.bus, "pattern": dict(rule.pattern)}
    if target.retry:
        delivery["retryPolicy"] = dict(target.retry)
    if target.dead_letter:
        delivery["deadLetterQueue"] = target.dead_letter
    kind = "SQS queue" if target.type == "AWS::SQS::Queue" else target.type
    return {
        "address": None,
        "title": target.resource,
        "description": f"`{target.resource}` ({kind} in template.yaml), fed by the rule `{rule.name}`"
        + (f": {rule.description}" if rule.description else "")
        + (f". Undeliverable events go to `{target.dead_letter}`." if target.dead_letter else "."),
        "messages": {spec.key: {"$ref": f"#/components/messages/{_envelope_key(spec)}"} for spec in specs},
        "x-eventbridge-rule": delivery,
    }


def _envelope_key(spec: EventSpec) -> str:
    return f"{spec.key}.eventbridge"


def build() -> dict[str, Any]:
    schemas = SchemaSet(SCHEMAS)
    _detail_schemas(schemas)
    messages: dict[str, Any] = {spec.key: _message(spec, schemas) for spec in CATALOGUE}
    channels: dict[str, Any] = {
        BUS_CHANNEL: {
            "address": "{stack}-events",
            "title": "Service event bus",
            "description": "The EventBridge bus `ServiceEventBus` of the root stack (template.yaml, stack output "
            "EventBusName), shared by every bounded context. The Sales outbox relay puts every committed Sales "
            "domain event on it as `Source` (`sales`) / `DetailType` / `Detail`; rules route them on.",
            "parameters": {"stack": {"description": "the root CloudFormation stack name"}},
            "servers": [{"$ref": "#/servers/eventbridge"}],
            "messages": {spec.key: {"$ref": f"#/components/messages/{spec.key}"} for spec in CATALOGUE},
        }
    }
    operations: dict[str, Any] = {}
    for spec in CATALOGUE:
        operations[_camel("send", spec.key)] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{BUS_CHANNEL}"},
            "title": f"Publish {spec.key}",
            "summary": spec.description,
            "description": "Sent by the outbox relay (`SalesOutboxRelayFunction`) once the command's transaction "
            "committed. Emitted by: " + "; ".join(_emitted_by(spec)) + ".",
            "messages": [{"$ref": f"#/channels/{BUS_CHANNEL}/messages/{spec.key}"}],
        }
    for rule in rules():
        specs = [spec for spec in CATALOGUE if matches(rule.pattern, samples.sample_event(spec))]
        for spec in specs:
            messages.setdefault(_envelope_key(spec), _envelope_message(spec, schemas))
        for target in rule.targets:
            channel = _camel(target.resource[:1].lower() + target.resource[1:])
            channels[channel] = _target_channel(rule, target, specs)
            operations[_camel("receive", target.resource, "from", rule.name)] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{channel}"},
                "title": f"{target.resource} receives {', '.join(spec.key for spec in specs)}",
                "summary": f"Delivered by the rule {rule.name}.",
                "description": f"Not performed by the Sales service: whoever reads `{target.resource}` "
                f"(e.g. provisioning for its inbox) receives the events the rule `{rule.name}` matches.",
                "messages": [{"$ref": f"#/channels/{channel}/messages/{spec.key}"} for spec in specs],
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Sales service events",
            "version": project_version(),
            "description": "The published language of the Sales bounded context: every domain event it puts on "
            "its EventBridge bus, generated from `layers/sales/sales/contracts/events.py` (`make docs`). "
            "Each event is versioned; its `detail` is `{metadata, data}` with snake_case keys. Pages per "
            "event: `docs/events/`.",
        },
        "defaultContentType": "application/json",
        "servers": {
            "eventbridge": {
                "host": "events.{region}.amazonaws.com",
                "protocol": "https",
                "title": "Amazon EventBridge",
                "description": "The EventBridge API of the stack's region (PutEvents); no AsyncAPI binding exists "
                "for EventBridge, so `x-eventbridge` on each message names its Source and DetailType.",
                "variables": {"region": {"default": "eu-west-1", "description": "the stack's AWS region"}},
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas.sorted(), "messages": messages},
    }
