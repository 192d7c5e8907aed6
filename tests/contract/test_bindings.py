"""template.yaml (with its nested stacks, read as one), the contracts and functions/ must agree: a route, a method,
a function each."""

from __future__ import annotations

from pathlib import Path

import pytest

from sales.registry import ALL
from sales.registry import EVENTS_BY_KEY as EVENTS
from tests.support.api import function_module
from tests.support.aws import template

ROOT = Path(__file__).resolve().parents[2]
# Functions that serve no HTTP route: each is named here with what triggers it.
NON_HTTP_FUNCTIONS = {
    "SalesOutboxRelayFunction": "DynamoDB stream of SalesTable",
    "BillingOutboxRelayFunction": "DynamoDB stream of BillingTable",
}


def _functions() -> dict[str, dict]:
    return {
        name: resource
        for name, resource in template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def _api_events(resource: dict) -> list[dict]:
    events = resource.get("Properties", {}).get("Events", {}) or {}
    return [event["Properties"] for event in events.values() if event["Type"] == "Api"]


@pytest.mark.parametrize("contract", ALL, ids=lambda c: c.key)
def test_contract_has_its_function_route_and_module(contract):
    functions = _functions()
    assert contract.logical_id in functions, f"template.yaml lacks {contract.logical_id} for {contract.key}"
    properties = functions[contract.logical_id]["Properties"]
    assert properties["CodeUri"].rstrip("/") == f"functions/{contract.function_folder}"
    assert properties["Handler"] == "app.lambda_handler"
    assert str(properties.get("Description", "")).startswith(f"{contract.key}:")
    routes = _api_events(functions[contract.logical_id])
    assert [(r["Path"], r["Method"].upper()) for r in routes] == [(contract.http.path, contract.http.method)]
    module = function_module(contract.function_folder)
    assert module.lambda_handler.contract is contract, f"functions/{contract.function_folder} binds another contract"


def test_every_function_is_a_contract_or_a_named_consumer():
    keys = {contract.logical_id for contract in ALL}
    for name, resource in _functions().items():
        if name in NON_HTTP_FUNCTIONS:
            assert not _api_events(resource)
            continue
        assert name in keys, f"{name} in template.yaml has no contract"


def test_every_function_folder_is_deployed():
    deployed = {
        resource["Properties"]["CodeUri"].rstrip("/").removeprefix("functions/") for resource in _functions().values()
    }
    folders = {
        path.parent.relative_to(ROOT / "functions").as_posix() for path in (ROOT / "functions").glob("*/*/app.py")
    }
    assert folders == deployed


def test_routes_are_unique():
    routes = [(contract.http.method, contract.http.path) for contract in ALL]
    assert len(routes) == len(set(routes))


@pytest.mark.parametrize("contract", ALL, ids=lambda c: c.key)
def test_contract_is_complete(contract):
    assert contract.description and contract.goal and contract.context
    assert contract.scenarios, "acceptance scenarios are required"
    assert contract.examples, "acceptance examples are required"
    for emitted in contract.emits:
        assert emitted.key in EVENTS, f"{contract.key} emits {emitted.key}, which the event catalogue lacks"
        assert EVENTS[emitted.key].version == emitted.version


def test_every_catalogued_event_is_emitted_by_some_contract():
    emitted = {event.key for contract in ALL for event in contract.emits}
    assert set(EVENTS) == emitted


def test_every_function_has_a_sample_event():
    for name, resource in _functions().items():
        context, folder = resource["Properties"]["CodeUri"].rstrip("/").removeprefix("functions/").split("/")
        samples = list((ROOT / "events" / context).glob(f"*/{folder}.json"))
        assert samples, f"{name} has no sample event under events/{context}/"
