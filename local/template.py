"""Read template.yaml (CloudFormation short tags included) and resolve intrinsic functions locally.

Physical names follow one rule: the name the template gives, else `<stack>-<LogicalId>`, so a restart (or a
second process such as `make invoke`) computes the same names without asking anyone.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
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


def load_template(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        try:
            document = yaml.load(handle, Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader
        except yaml.YAMLError as error:
            raise ValueError(f"{path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise ValueError(f"{path}: not a CloudFormation/SAM template (no Resources mapping)")
    return document


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
