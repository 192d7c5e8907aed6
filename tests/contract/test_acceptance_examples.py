"""Every contract's acceptance examples, executed against the real handlers under moto."""

from __future__ import annotations

from typing import Any

import pytest

from kernel.contract import Contract, Example
from sales.registry import ALL
from tests.support.api import Api
from tests.support.assertions import assert_error
from tests.support.examples import example_request, fill, setup_records

EXAMPLES = [(contract, example) for contract in ALL for example in contract.examples]


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


@pytest.mark.parametrize(("contract", "example"), EXAMPLES, ids=[f"{c.key}:{e.key}" for c, e in EXAMPLES])
def test_acceptance_example(api: Api, contract: Contract, example: Example) -> None:
    made = setup_records(api, example.setup)
    path, rest = example_request(contract, fill(example.input, made))
    if contract.http.method in ("GET", "DELETE"):
        reply = api.call(contract.http.method, path, query=rest or None)
    else:
        reply = api.call(contract.http.method, path, rest)
    if example.error_code:
        assert_error(reply, example.status, example.error_code)
        return
    assert reply.status == example.status, reply.body
    if example.status == 204:
        assert reply.body is None
        return
    assert reply.body["status"] == "success"
    expected = dict(fill(example.output or {}, made))
    if "__items__" in expected:
        _contains(reply.data, expected.pop("__items__"), "data")
    if "__pagination__" in expected:
        _contains(reply.body["pagination"], expected.pop("__pagination__"), "pagination")
    if expected:
        _contains(reply.data, expected, "data")
