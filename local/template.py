"""Read template.yaml (CloudFormation short tags included) and resolve intrinsic functions locally.

Nested stacks whose template is a local file (`AWS::Serverless::Application` with a `Location`, or
`AWS::CloudFormation::Stack` with a `TemplateURL`) are inlined at load time, so everything downstream sees one
template: see `flatten`.

Physical names follow one rule: the name the template gives, else `<stack>-<LogicalId>`, so a restart (or a
second process such as `make invoke`) computes the same names without asking anyone.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger("local.template")

STACK_NAME = "sales-local"
ACCOUNT_ID = "123456789012"

_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


class _NoValue:
    """`AWS::NoValue`: removes the property that holds it."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()


class CfnLoader(yaml.SafeLoader):
    """YAML loader that turns `!Ref x` into `{"Ref": "x"}` and `!Sub s` into `{"Fn::Sub": "s"}` etc."""


def _construct_short_tag(loader: CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix in ("Ref", "Condition"):
        return {tag_suffix: value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{tag_suffix}": value}


CfnLoader.add_multi_constructor("!", _construct_short_tag)


def load_document(path: Path) -> dict[str, Any]:
    """One template file as written: nested stacks stay `Application` resources, Globals stay apart."""
    with path.open(encoding="utf-8") as handle:
        try:
            document = yaml.load(handle, Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader
        except yaml.YAMLError as error:
            raise ValueError(f"{path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise ValueError(f"{path}: not a CloudFormation/SAM template (no Resources mapping)")
    return document


def load_template(path: Path) -> dict[str, Any]:
    """The template at `path` with its local nested stacks inlined (`flatten`); one without is returned as is."""
    return flatten(load_document(path), path)


def default_physical_name(logical_id: str) -> str:
    return f"{STACK_NAME}-{logical_id}"


class Resolver:
    """Evaluates intrinsic functions against local physical ids.

    `attributes[logical_id]` holds what `Ref` and `Fn::GetAtt` return; defaults are derived from the
    template and the backend overwrites them with what it really created (queue URLs, stream ARNs).
    """

    def __init__(
        self,
        template: Mapping[str, Any],
        *,
        region: str,
        account_id: str = ACCOUNT_ID,
        stack_name: str = STACK_NAME,
        parameters: Mapping[str, str] | None = None,
    ) -> None:
        self.template = template
        self.region = region
        self.account_id = account_id
        self.stack_name = stack_name
        self.resources: Mapping[str, Any] = template.get("Resources", {})
        self.parameters: dict[str, Any] = {
            name: spec.get("Default")
            for name, spec in (template.get("Parameters") or {}).items()
            if isinstance(spec, dict)
        }
        self.parameters.update(parameters or {})
        self.attributes: dict[str, dict[str, Any]] = {}
        self._conditions: dict[str, bool] = {}

    # -- physical ids -------------------------------------------------------------------------------------

    def set_attributes(self, logical_id: str, **attributes: Any) -> None:
        self.attributes.setdefault(logical_id, {}).update(attributes)

    def attributes_of(self, logical_id: str) -> dict[str, Any]:
        if logical_id not in self.attributes:
            self.attributes[logical_id] = self._default_attributes(logical_id)
        return self.attributes[logical_id]

    def physical_name(self, logical_id: str) -> str:
        """The resource's name (table name, queue name, bus name, function name...)."""
        attributes = self.attributes_of(logical_id)
        return str(attributes.get("Name", attributes["Ref"]))

    def _named(self, properties: Mapping[str, Any], key: str, logical_id: str) -> str:
        value = properties.get(key)
        return str(self.resolve(value)) if value is not None else default_physical_name(logical_id)

    def _default_attributes(self, logical_id: str) -> dict[str, Any]:
        resource = self.resources.get(logical_id)
        if not isinstance(resource, dict):
            # SAM-generated resources (ServerlessRestApi, <Function>Role, ...) or typos: keep the logical id.
            log.debug("Ref to undeclared resource %s", logical_id)
            name = default_physical_name(logical_id)
            return {"Ref": name, "Name": name, "Arn": self._arn("local", logical_id)}
        kind = resource.get("Type", "")
        props: Mapping[str, Any] = resource.get("Properties") or {}
        region, account = self.region, self.account_id
        if kind in ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable"):
            name = self._named(props, "TableName", logical_id)
            arn = f"arn:aws:dynamodb:{region}:{account}:table/{name}"
            return {"Ref": name, "Name": name, "Arn": arn, "StreamArn": f"{arn}/stream/local"}
        if kind == "AWS::SQS::Queue":
            name = self._named(props, "QueueName", logical_id)
            if props.get("FifoQueue") and not name.endswith(".fifo"):
                name += ".fifo"
            url = f"http://localhost/{account}/{name}"
            return {
                "Ref": url,
                "Name": name,
                "QueueName": name,
                "QueueUrl": url,
                "Arn": f"arn:aws:sqs:{region}:{account}:{name}",
            }
        if kind == "AWS::Events::EventBus":
            name = self._named(props, "Name", logical_id)
            return {"Ref": name, "Name": name, "Arn": f"arn:aws:events:{region}:{account}:event-bus/{name}"}
        if kind == "AWS::Events::Rule":
            name = self._named(props, "Name", logical_id)
            return {"Ref": name, "Name": name, "Arn": f"arn:aws:events:{region}:{account}:rule/{name}"}
        if kind in ("AWS::Serverless::Function", "AWS::Lambda::Function"):
            name = self._named(props, "FunctionName", logical_id)
            return {"Ref": name, "Name": name, "Arn": f"arn:aws:lambda:{region}:{account}:function:{name}"}
        if kind == "AWS::SNS::Topic":
            name = self._named(props, "TopicName", logical_id)
            arn = f"arn:aws:sns:{region}:{account}:{name}"
            return {"Ref": arn, "Name": name, "TopicName": name, "TopicArn": arn, "Arn": arn}
        if kind == "AWS::Cognito::UserPool":
            pool_id = f"{region}_local{logical_id}"[:55]
            return {
                "Ref": pool_id,
                "Name": pool_id,
                "Arn": f"arn:aws:cognito-idp:{region}:{account}:userpool/{pool_id}",
                "ProviderName": f"cognito-idp.{region}.amazonaws.com/{pool_id}",
                "ProviderURL": f"https://cognito-idp.{region}.amazonaws.com/{pool_id}",
            }
        if kind in ("AWS::Serverless::Api", "AWS::ApiGateway::RestApi"):
            api_id = f"local{logical_id.lower()}"[:10]
            return {"Ref": api_id, "Name": api_id, "RootResourceId": "root", "Arn": self._arn("apigateway", api_id)}
        if kind == "AWS::SES::EmailIdentity":
            # Ref is the identity itself (the address or domain); it has no ARN attribute in CloudFormation.
            identity = self._named(props, "EmailIdentity", logical_id)
            return {"Ref": identity, "Name": identity}
        if kind == "AWS::SSM::Parameter":
            name = self._named(props, "Name", logical_id)
            return {"Ref": name, "Name": name, "Value": self.resolve(props.get("Value"))}
        name = default_physical_name(logical_id)
        return {"Ref": name, "Name": name, "Arn": self._arn(kind.split("::")[1].lower() or "local", name)}

    def _arn(self, service: str, resource: str) -> str:
        return f"arn:aws:{service}:{self.region}:{self.account_id}:{resource}"

    # -- intrinsic functions ------------------------------------------------------------------------------

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": self._arn("cloudformation", f"stack/{self.stack_name}/local"),
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            value = self.parameters[name]
            if value is None:
                log.warning("parameter %s has no Default; pass --parameter %s=... (using an empty string)", name, name)
                self.parameters[name] = value = ""
            return value
        return self.attributes_of(name)["Ref"]

    def get_att(self, logical_id: str, attribute: str) -> Any:
        attributes = self.attributes_of(logical_id)
        if attribute not in attributes:
            log.warning("Fn::GetAtt %s.%s: unknown locally, using the resource's ARN", logical_id, attribute)
            return attributes.get("Arn", attributes["Ref"])
        return attributes[attribute]

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            spec = (self.template.get("Conditions") or {}).get(name)
            if spec is None:
                raise KeyError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(spec))
        return self._conditions[name]

    def resolve(self, node: Any) -> Any:
        """Return `node` with every intrinsic function evaluated (recursively)."""
        if isinstance(node, list):
            items = [self.resolve(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, value), *_ = node.items()
            if key == "Ref":
                return self.ref(str(self.resolve(value)))
            if key == "Condition" and isinstance(value, str):
                return self.condition(value)
            if key.startswith("Fn::"):
                return self._function(key[4:], value)
        resolved = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not NO_VALUE}

    def _function(self, name: str, arg: Any) -> Any:
        if name == "GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else [self.resolve(a) for a in arg]
            return self.get_att(str(parts[0]), str(parts[1]))
        if name == "Sub":
            template, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))
            return self._sub(template, variables)
        if name == "If":
            condition, when_true, when_false = arg
            return self.resolve(when_true if self.condition(condition) else when_false)
        if name == "Equals":
            left, right = (self.resolve(a) for a in arg)
            return str(left) == str(right)
        if name == "Not":
            return not self.resolve(arg[0])
        if name == "And":
            return all(self.resolve(a) for a in arg)
        if name == "Or":
            return any(self.resolve(a) for a in arg)
        values = self.resolve(arg)
        if name == "Join":
            delimiter, items = values
            return str(delimiter).join(str(item) for item in items)
        if name == "Select":
            index, items = values
            return items[int(index)]
        if name == "Split":
            delimiter, text = values
            return str(text).split(str(delimiter))
        if name == "FindInMap":
            mapping, first, second = values
            return self.template["Mappings"][mapping][first][second]
        if name == "GetAZs":
            return [f"{self.region}{zone}" for zone in "abc"]
        if name in ("Base64", "ImportValue"):
            return values
        if name == "ToJsonString":
            return json.dumps(values)
        if name == "Length":
            return len(values)
        raise ValueError(f"Fn::{name} is not supported by the local runtime")

    def _sub(self, template: str, variables: Mapping[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            expression = match.group(1).strip()
            if expression.startswith("!"):
                return "${" + expression[1:] + "}"
            if expression in variables:
                return str(variables[expression])
            if "." in expression and not expression.startswith("AWS::"):
                logical_id, attribute = expression.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self.ref(expression))

        return _SUB_VARIABLE.sub(replace, template)


# -- nested stacks -------------------------------------------------------------------------------------------
# A nested stack's template property, by resource type.
NESTED_STACK_TYPES = {"AWS::Serverless::Application": "Location", "AWS::CloudFormation::Stack": "TemplateURL"}
# SAM Globals sections and the resource type each applies to.
GLOBALS_SECTIONS = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "StateMachine": "AWS::Serverless::StateMachine",
    "LayerVersion": "AWS::Serverless::LayerVersion",
}
# Properties that name a local file or folder, relative to the template that declares them.
LOCAL_PATH_PROPERTIES = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::Api": "DefinitionUri",
    "AWS::Serverless::HttpApi": "DefinitionUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
    "AWS::Lambda::Function": "Code",
    "AWS::Lambda::LayerVersion": "Content",
}
# Lists SAM replaces rather than concatenates when a resource sets them too.
_REPLACED_LISTS = {("AWS::Serverless::Function", "Architectures")}


@dataclass(frozen=True)
class Stack:
    """One template file of the tree: the root (`path` empty) or a nested stack (`path` = the logical ids of
    the Application resources leading to it, as `sam build` lays out its output: SalesStack/...)."""

    path: tuple[str, ...]
    file: Path
    document: dict[str, Any]

    @property
    def name(self) -> str:
        return "/".join(self.path) or "root"


def nested_location(resource: Any, template_dir: Path) -> Path | None:
    """The file of a nested stack whose template is local, else None (a SAR application, an S3 URL...)."""
    if not isinstance(resource, dict) or resource.get("Type") not in NESTED_STACK_TYPES:
        return None
    location = (resource.get("Properties") or {}).get(NESTED_STACK_TYPES[resource["Type"]])
    if not isinstance(location, str) or not location:
        return None
    if location.startswith("file://"):
        location = location.removeprefix("file://")
    elif "://" in location:
        return None
    return Path(os.path.normpath(template_dir / location))


def nested_stacks(path: Path) -> list[Stack]:
    """The template at `path` and every local nested stack under it, depth first, in template order."""
    found: list[Stack] = []

    def visit(stack_path: tuple[str, ...], file: Path, chain: tuple[Path, ...]) -> None:
        if file in chain:
            raise ValueError(f"{file}: nested stacks include each other ({_chain(*chain, file)})")
        document = load_document(file)
        found.append(Stack(stack_path, file, document))
        for logical_id, resource in document["Resources"].items():
            child = nested_location(resource, file.parent)
            if child is not None:
                visit((*stack_path, logical_id), child, (*chain, file))

    visit((), Path(os.path.abspath(path)), ())
    return found


def _is_intrinsic(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key in ("Ref", "Condition") or key.startswith("Fn::")


def merge_globals(defaults: Any, overrides: Any, *, replace_lists: bool = False) -> Any:
    """SAM Globals semantics: maps merge, lists concatenate (globals first), scalars and intrinsic functions
    (which resolve to scalars) take the resource's value; values of different kinds take the resource's."""
    if _is_intrinsic(defaults) or _is_intrinsic(overrides):
        return overrides
    if isinstance(defaults, dict) and isinstance(overrides, dict):
        merged = dict(defaults)
        for key, value in overrides.items():
            merged[key] = merge_globals(merged[key], value) if key in merged else value
        return merged
    if isinstance(defaults, list) and isinstance(overrides, list) and not replace_lists:
        return defaults + overrides
    return overrides


def apply_globals(document: Mapping[str, Any]) -> dict[str, Any]:
    """The template's resources with its Globals applied to its own serverless resources (deep copies)."""
    sections: Mapping[str, Any] = document.get("Globals") or {}
    resources: dict[str, Any] = {}
    for logical_id, resource in document["Resources"].items():
        resource = copy.deepcopy(resource)
        kind = resource.get("Type") if isinstance(resource, dict) else None
        section = next((name for name, type_ in GLOBALS_SECTIONS.items() if type_ == kind), None)
        defaults = sections.get(section) if section else None
        if defaults:
            properties = dict(copy.deepcopy(defaults))
            for key, value in (resource.get("Properties") or {}).items():
                replace = (kind, key) in _REPLACED_LISTS
                properties[key] = (
                    merge_globals(properties[key], value, replace_lists=replace) if key in properties else value
                )
            resource["Properties"] = properties
        resources[logical_id] = resource
    return resources


def flatten(document: dict[str, Any], path: Path) -> dict[str, Any]:
    """One template equivalent to `document` and its local nested stacks, for the local runtime and the tools.

    Each nested stack is inlined in place of its Application resource, recursively:
    - its resources join the parent's (logical ids must be unique across the whole tree: the runtime names
      resources after them), with its own Globals applied to them (the parent's apply to the parent's only);
    - a `Ref` to one of its parameters becomes the expression the parent passes (`!Ref ServiceEventBus`), or
      the parameter's Default; `${Parameter}` in a `Fn::Sub` becomes a variable of that Sub;
    - local paths (CodeUri, ContentUri, ...) are rewritten relative to the root template's folder;
    - its Conditions and Mappings join the parent's (a name both declare differently is an error); an
      Application's Condition carries over to the resources it inlines;
    - `!GetAtt Stack.Outputs.Name` in the parent becomes that output's value expression.
    A template without local nested stacks is returned unchanged (its Globals included)."""
    root = Path(os.path.abspath(path))
    if not any(nested_location(resource, root.parent) for resource in document["Resources"].values()):
        return document
    return _inline(document, root, root.parent, (root,))


def _inline(document: Mapping[str, Any], file: Path, root_dir: Path, chain: tuple[Path, ...]) -> dict[str, Any]:
    """`document` (read from `file`) with Globals applied, paths relative to `root_dir`, nested stacks inlined."""
    flat: dict[str, Any] = {key: value for key, value in document.items() if key != "Globals"}
    resources: dict[str, Any] = {}
    origin: dict[str, Path] = {}
    conditions: dict[str, Any] = dict(document.get("Conditions") or {})
    mappings: dict[str, Any] = dict(document.get("Mappings") or {})
    outputs: dict[str, dict[str, Any]] = {}

    def add(logical_id: str, resource: Any, source: Path) -> None:
        if logical_id in resources:
            raise ValueError(
                f"{logical_id} is declared in both {origin[logical_id]} and {source}: logical ids must be unique "
                "across nested stacks (the local runtime names resources after them)"
            )
        resources[logical_id] = resource
        origin[logical_id] = source

    for logical_id, resource in apply_globals(document).items():
        child_file = nested_location(resource, file.parent)
        if child_file is None:
            add(logical_id, _rebase(resource, file.parent, root_dir), file)
            continue
        if child_file in chain:
            raise ValueError(f"{file}: nested stacks include each other ({_chain(*chain, child_file)})")
        child = _inline(load_document(child_file), child_file, root_dir, (*chain, child_file))
        values = _parameter_values(logical_id, resource, child, child_file)
        child = {key: _substitute(value, values, {}) for key, value in child.items() if key != "Parameters"}
        for name, spec in (child.get("Conditions") or {}).items():
            _merge_named(conditions, "condition", name, spec, child_file)
        for name, spec in (child.get("Mappings") or {}).items():
            _merge_named(mappings, "mapping", name, spec, child_file)
        condition = resource.get("Condition")
        for child_id, child_resource in child["Resources"].items():
            if condition is not None and isinstance(child_resource, dict):
                child_resource = _with_condition(child_resource, str(condition), conditions)
            add(child_id, child_resource, child_file)
        declared: Mapping[str, Any] = child.get("Outputs") or {}
        outputs[logical_id] = {
            name: output.get("Value") for name, output in declared.items() if isinstance(output, dict)
        }

    flat["Resources"] = resources
    if conditions:
        flat["Conditions"] = conditions
    if mappings:
        flat["Mappings"] = mappings
    if outputs:
        flat = {key: _substitute(value, {}, outputs) if key != "Parameters" else value for key, value in flat.items()}
    return flat


def _chain(*files: Path) -> str:
    return " -> ".join(map(str, files))


def _parameter_values(
    logical_id: str, application: Mapping[str, Any], child: Mapping[str, Any], child_file: Path
) -> dict[str, Any]:
    """What each parameter of the nested stack stands for: the parent's expression, else the Default."""
    passed: Mapping[str, Any] = (application.get("Properties") or {}).get("Parameters") or {}
    declared: Mapping[str, Any] = child.get("Parameters") or {}
    unknown = sorted(set(passed) - set(declared))
    if unknown:
        raise ValueError(f"{logical_id} passes {', '.join(unknown)}, which {child_file} does not declare")
    values: dict[str, Any] = {}
    for name, spec in declared.items():
        if name in passed:
            values[name] = passed[name]
        elif isinstance(spec, dict) and "Default" in spec:
            values[name] = spec["Default"]
        else:
            raise ValueError(f"{logical_id} passes no {name}, which {child_file} declares without a Default")
    return values


def _merge_named(into: dict[str, Any], kind: str, name: str, spec: Any, source: Path) -> None:
    if name in into and into[name] != spec:
        raise ValueError(f"{source} declares the {kind} {name} differently from another stack of the template")
    into[name] = spec


def _with_condition(resource: dict[str, Any], condition: str, conditions: dict[str, Any]) -> dict[str, Any]:
    """The resource under its Application's condition too (both, when it has its own)."""
    own = resource.get("Condition")
    if own is None or own == condition:
        return {**resource, "Condition": condition}
    combined = f"{condition}And{own}"
    conditions[combined] = {"Fn::And": [{"Condition": condition}, {"Condition": own}]}
    return {**resource, "Condition": combined}


def _rebase(resource: Any, template_dir: Path, root_dir: Path) -> Any:
    """A resource of a nested template with its local paths made relative to the root template's folder."""
    if template_dir == root_dir or not isinstance(resource, dict):
        return resource
    key = LOCAL_PATH_PROPERTIES.get(str(resource.get("Type")))
    properties = resource.get("Properties") or {}
    value = properties.get(key) if key else None
    if not isinstance(value, str) or "://" in value or os.path.isabs(value):
        return resource
    rebased = Path(os.path.relpath(os.path.normpath(template_dir / value), root_dir)).as_posix()
    if value.endswith("/") and not rebased.endswith("/"):
        rebased += "/"
    return {**resource, "Properties": {**properties, key: rebased}}


def _output_target(value: Any) -> tuple[str, str] | None:
    """`Stack.Outputs.Name` (or its list form) -> (Stack, Name)."""
    parts = value.split(".", 1) if isinstance(value, str) else value
    if not isinstance(parts, list) or len(parts) != 2 or not all(isinstance(part, str) for part in parts):
        return None
    stack, attribute = parts
    return (stack, attribute.removeprefix("Outputs.")) if attribute.startswith("Outputs.") else None


def _output(outputs: Mapping[str, Mapping[str, Any]], target: tuple[str, str]) -> Any:
    stack, name = target
    if name not in outputs[stack]:
        raise ValueError(f"{stack} has no output {name} (it declares: {', '.join(outputs[stack]) or 'none'})")
    return copy.deepcopy(outputs[stack][name])


def _substitute(node: Any, parameters: Mapping[str, Any], outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    """`node` with Refs to `parameters` replaced by their values and GetAtts of nested stacks' outputs by the
    outputs' values (both also inside `Fn::Sub`, as Sub variables)."""
    if isinstance(node, list):
        return [_substitute(item, parameters, outputs) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) == 1:
        ((key, value),) = node.items()
        if key == "Ref" and isinstance(value, str) and value in parameters:
            return copy.deepcopy(parameters[value])
        if key == "Fn::GetAtt":
            target = _output_target(value)
            if target is not None and target[0] in outputs:
                return _output(outputs, target)
        if key == "Fn::Sub":
            return {"Fn::Sub": _substitute_sub(value, parameters, outputs)}
    return {key: _substitute(value, parameters, outputs) for key, value in node.items()}


def _substitute_sub(arg: Any, parameters: Mapping[str, Any], outputs: Mapping[str, Mapping[str, Any]]) -> Any:
    if isinstance(arg, str):
        text, variables = arg, {}
    elif isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], dict):
        text, variables = arg[0], {name: _substitute(value, parameters, outputs) for name, value in arg[1].items()}
    else:
        return _substitute(arg, parameters, outputs)
    added: dict[str, Any] = {}
    for match in _SUB_VARIABLE.finditer(text):
        name = match.group(1).strip()
        if name.startswith("!") or name in variables or name in added:
            continue
        if name in parameters:
            added[name] = copy.deepcopy(parameters[name])
            continue
        target = _output_target(name)
        if target is not None and target[0] in outputs:
            added[name] = _output(outputs, target)
    if not added:
        return arg if isinstance(arg, str) else [text, variables]
    return [text, {**variables, **added}]
