"""docs/asyncapi.yaml: a valid AsyncAPI 3.0 document of the bus, one message per catalogue event."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker
from pydantic_asyncapi.v3 import AsyncAPI

from kernel.events import EventSpec
from tools import asyncapi, samples
from tools.registry import EVENTS as CATALOGUE
from tools.rules import matches, rules

ROOT = Path(__file__).resolve().parents[2]


@cache
def document() -> dict[str, Any]:
    return asyncapi.build()


def _resolve(ref: str) -> Any:
    """The object a `#/...` reference points at, following references to references."""
    target: Any = document()
    for part in ref.removeprefix("#/").split("/"):
        assert isinstance(target, dict) and part in target, f"{ref} does not resolve"
        target = target[part]
    return _resolve(target["$ref"]) if isinstance(target, dict) and "$ref" in target else target


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _validates(schema: dict[str, Any], instance: Any) -> list[str]:
    validator = Draft202012Validator({**schema, "components": document()["components"]}, format_checker=FormatChecker())
    return [error.message for error in validator.iter_errors(instance)]


def test_the_document_is_asyncapi_3():
    assert document()["asyncapi"] == "3.0.0"
    AsyncAPI.model_validate(document())


def test_the_committed_file_is_the_generated_document():
    assert yaml.safe_load((ROOT / "docs" / "asyncapi.yaml").read_text(encoding="utf-8")) == document()


def test_every_ref_resolves():
    for ref in set(_refs(document())):
        _resolve(ref)


def test_operations_reference_messages_of_their_own_channel():
    for name, operation in document()["operations"].items():
        channel = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(channel + "/messages/"), f"{name}: {message['$ref']}"


@pytest.mark.parametrize("spec", CATALOGUE, ids=lambda spec: spec.key)
def test_every_event_is_a_message_sent_on_the_bus(spec: EventSpec):
    bus = document()["channels"][asyncapi.BUS_CHANNEL]
    assert spec.key in bus["messages"]
    message = _resolve(bus["messages"][spec.key]["$ref"])
    assert message["x-eventbridge"] == {"source": spec.source, "detail-type": spec.key, "version": spec.version}
    sends = [
        operation
        for operation in document()["operations"].values()
        if operation["action"] == "send"
        and {"$ref": f"#/channels/{asyncapi.BUS_CHANNEL}/messages/{spec.key}"} in operation["messages"]
    ]
    assert len(sends) == 1
    # The payload is the event's detail: the sample validates against it, and a broken one does not.
    detail = samples.sample_detail(spec)
    assert not _validates(message["payload"], detail)
    assert _validates(message["payload"], {**detail, "data": {"unexpected": True}})


def test_every_rule_target_is_a_channel_receiving_what_the_rule_matches():
    for rule in rules():
        expected = {spec.key for spec in CATALOGUE if matches(rule.pattern, samples.sample_event(spec))}
        for target in rule.targets:
            receives = [
                operation
                for operation in document()["operations"].values()
                if operation["action"] == "receive"
                and _resolve(operation["channel"]["$ref"])["title"] == target.resource
            ]
            assert len(receives) == 1, f"{target.resource} has no receive operation"
            keys = {ref["$ref"].rsplit("/", 1)[-1] for ref in receives[0]["messages"]}
            assert keys == expected
            for ref in receives[0]["messages"]:
                message = _resolve(ref["$ref"])
                spec = next(spec for spec in CATALOGUE if spec.key == message["name"])
                assert not _validates(message["payload"], samples.sample_event(spec))


def test_provisioning_receives_deal_won_as_an_eventbridge_event():
    channel = document()["channels"]["provisioningQueue"]
    assert set(channel["messages"]) == {"deal.won"}
    assert channel["x-eventbridge-rule"]["rule"] == "DealWonToProvisioningRule"
    assert channel["x-eventbridge-rule"]["deadLetterQueue"] == "ProvisioningDeadLetterQueue"
