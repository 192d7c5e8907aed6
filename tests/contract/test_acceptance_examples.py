"""Every contract's acceptance examples, executed against the real handlers under moto."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from kernel.contract import Contract, Example
from tests.support.api import Api
from tests.support.assertions import assert_error
from tests.support.examples import example_request, fill, setup_records
from tools.registry import ALL

EXAMPLES = [(contract, example) for contract in ALL for example in contract.examples]
# What each layer beyond a context's own ships, by the top-level modules code imports from it. In Lambda a function
# has only the layers its template gives it; here every handler shares .venv, so an example runs with the modules
# of the layers its contract does not declare made unimportable: a handler that reaches one fails here, not in AWS.
LAYER_MODULES = {"phones": ("phonenumbers",), "pdf": ("fpdf", "babel")}


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
def test_acceptance_example(api: Api, contract: Contract, example: Example, monkeypatch: pytest.MonkeyPatch) -> None:
    made = setup_records(api, example.setup)
    path, rest = example_request(contract, fill(example.input, made))
    for layer, modules in LAYER_MODULES.items():
        if layer not in contract.layers:
            for module in modules:
                monkeypatch.setitem(sys.modules, module, None)  # `import` raises ImportError
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


def test_every_library_layer_names_the_modules_it_ships() -> None:
    contexts = {"kernel", "sales", "billing"}
    library_layers = {path.name for path in (Path(__file__).parents[2] / "layers").iterdir() if path.is_dir()}
    assert library_layers - contexts == set(LAYER_MODULES)
