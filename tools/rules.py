"""The EventBridge rules template.yaml and its nested stacks declare (read as one), and which events they match.

Both kinds count: `AWS::Events::Rule` resources and `EventBridgeRule` events of serverless functions. Patterns
are evaluated with moto's EventBridge matcher (the one its put_events uses): exact values, prefix, suffix,
anything-but, exists, numeric, wildcard, $or.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from moto.events.models import EventPattern

from local.template import load_template
from tools import ROOT


@dataclass(frozen=True)
class Target:
    resource: str  # logical id of the target in the templates
    type: str  # its CloudFormation type, e.g. AWS::SQS::Queue
    dead_letter: str | None  # logical id of the dead-letter queue of undeliverable events
    retry: Mapping[str, Any]  # RetryPolicy as declared


@dataclass(frozen=True)
class Rule:
    name: str  # logical id, or <Function>.<EventName> for a function's EventBridgeRule event
    description: str
    bus: str | None  # logical id of the bus (None: the account's default bus)
    pattern: Mapping[str, Any]
    targets: tuple[Target, ...]


@cache
def template() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")


def logical_id(value: Any) -> str | None:
    """`!Ref X` / `!GetAtt X.Arn` -> X; a literal name stays as it is."""
    if isinstance(value, Mapping):
        if "Ref" in value:
            return str(value["Ref"])
        if "Fn::GetAtt" in value:
            return str(value["Fn::GetAtt"][0])
        return None
    return None if value is None else str(value)


def _type_of(resources: Mapping[str, Any], name: str | None) -> str:
    return str(resources.get(name or "", {}).get("Type", "external"))


def rules(document: Mapping[str, Any] | None = None) -> list[Rule]:
    resources: Mapping[str, Any] = (document or template())["Resources"]
    found = []
    for name, resource in resources.items():
        properties = resource.get("Properties") or {}
        if resource.get("Type") == "AWS::Events::Rule" and "EventPattern" in properties:
            targets = tuple(
                Target(
                    resource=logical_id(target["Arn"]) or "?",
                    type=_type_of(resources, logical_id(target["Arn"])),
                    dead_letter=logical_id((target.get("DeadLetterConfig") or {}).get("Arn")),
                    retry=target.get("RetryPolicy") or {},
                )
                for target in properties.get("Targets", [])
            )
            found.append(
                Rule(
                    name,
                    str(properties.get("Description", "")),
                    logical_id(properties.get("EventBusName")),
                    properties["EventPattern"],
                    targets,
                )
            )
        elif resource.get("Type") == "AWS::Serverless::Function":
            for event_name, event in (properties.get("Events") or {}).items():
                if event.get("Type") != "EventBridgeRule":
                    continue
                event_properties = event.get("Properties") or {}
                dead_letter = (event_properties.get("DeadLetterConfig") or {}).get("Arn")
                target = Target(
                    name, resource["Type"], logical_id(dead_letter), event_properties.get("RetryPolicy") or {}
                )
                found.append(
                    Rule(
                        f"{name}.{event_name}",
                        f"triggers {name}",
                        logical_id(event_properties.get("EventBusName")),
                        event_properties["Pattern"],
                        (target,),
                    )
                )
    return found


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any]) -> bool:
    """Whether EventBridge would route `event` (as put on the bus) to a rule with `pattern`."""
    event_message: Any = dict(event)
    return bool(EventPattern.load(json.dumps(pattern)).matches_event(event_message))
