"""Every contract's acceptance examples, executed against the real handlers under moto."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic.alias_generators import to_camel

from kernel.contract import Contract, Example
from sales.registry import ALL
from tests.support.api import Api

EXAMPLES = [(contract, example) for contract in ALL for example in contract.examples]
_PLACEHOLDER = re.compile(r"^\{([a-z_]+)(?:\.([a-z_]+)(?:\[(\d+)\])?)?\}$")


def _fixtures(api: Api, names: tuple[str, ...]) -> dict[str, Any]:
    """Create what an example's `setup` names, through the API like a user would."""
    future = (date.today() + timedelta(days=45)).isoformat()
    made: dict[str, Any] = {"future_date": future}

    def contact() -> dict[str, Any]:
        if "contact" not in made:
            made["contact"] = api.post(
                "/sales/contacts",
                {"kind": "organization", "display_name": "Acme Devices GmbH", "emails": ["sales@acme.example"]},
            ).data
        return made["contact"]

    def deal(name: str = "Enterprise Software License") -> dict[str, Any]:
        body = {"customer_id": contact()["id"], "name": name, "value": 50000000, "currency": "USD"}
        reply = api.post("/sales/deals", {**body, "expected_close_date": future})
        assert reply.status == 201, reply.body
        return reply.data

    for name in names:
        if name == "contact":
            contact()
        elif name == "deal":
            made["deal"] = deal()
        elif name == "won_deal":
            made["won_deal"] = api.post(f"/sales/deals/{deal('Won')['id']}/win").data
        elif name == "lost_deal":
            made["lost_deal"] = api.post(f"/sales/deals/{deal('Lost')['id']}/lose").data
        elif name == "deleted_deal":
            made["deleted_deal"] = deal("Deleted")
            assert api.delete(f"/sales/deals/{made['deleted_deal']['id']}").status == 204
        elif name == "deleted_contact":
            made["deleted_contact"] = api.post("/sales/contacts", {"kind": "person", "display_name": "Gone"}).data
            assert api.delete(f"/sales/contacts/{made['deleted_contact']['id']}").status == 204
        else:
            raise AssertionError(f"unknown setup fixture {name!r}")
    return made


def _fill(value: Any, made: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _fill(inner, made) for key, inner in value.items()}
    if isinstance(value, list):
        return [_fill(inner, made) for inner in value]
    if isinstance(value, str) and (match := _PLACEHOLDER.match(value)):
        found = made[match.group(1)]
        if match.group(2):
            found = found[match.group(2)]
        if match.group(3):
            found = found[int(match.group(3))]
        return found
    return value


def _contains(actual: Any, expected: Any, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{where}.{key} missing"
            _contains(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) >= len(expected), f"{where}: {actual!r}"
        for index, value in enumerate(expected):
            _contains(actual[index], value, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: {actual!r} != {expected!r}"


def _request(contract: Contract, example_input: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    values = dict(example_input)
    path = contract.http.path
    for placeholder, field in contract.http.path_params.items():
        value = values.pop(field, None) or values.pop(to_camel(field), None)
        assert value is not None, f"example lacks path field {field}"
        path = path.replace("{" + placeholder + "}", str(value))
    return path, values


@pytest.mark.parametrize(("contract", "example"), EXAMPLES, ids=[f"{c.key}:{e.key}" for c, e in EXAMPLES])
def test_acceptance_example(api: Api, contract: Contract, example: Example) -> None:
    made = _fixtures(api, example.setup)
    path, rest = _request(contract, _fill(example.input, made))
    if contract.http.method in ("GET", "DELETE"):
        reply = api.call(contract.http.method, path, query=rest or None)
    else:
        reply = api.call(contract.http.method, path, rest)
    assert reply.status == example.status, reply.body
    if example.error_code:
        assert reply.error_code == example.error_code
        assert reply.body["status"] == "error" and reply.body["error"]["message"]
        return
    if example.status == 204:
        assert reply.body is None
        return
    assert reply.body["status"] == "success"
    expected = dict(_fill(example.output or {}, made))
    if "__items__" in expected:
        _contains(reply.data, expected.pop("__items__"), "data")
    if "__pagination__" in expected:
        _contains(reply.body["pagination"], expected.pop("__pagination__"), "pagination")
    if expected:
        _contains(reply.data, expected, "data")
