"""template.yaml (with its nested stacks, read as one), the contracts and functions/ must agree: a route, a method,
a function each."""

from __future__ import annotations

from pathlib import Path

import pytest

from local.template import apply_globals, nested_stacks
from tests.support.api import function_module
from tests.support.aws import template
from tools.registry import ALL, CONSUMER_EMITS
from tools.registry import EVENTS_BY_KEY as EVENTS

ROOT = Path(__file__).resolve().parents[2]
# Functions that serve no HTTP route: each is named here with what triggers it.
NON_HTTP_FUNCTIONS = {
    "SalesOutboxRelayFunction": "DynamoDB stream of SalesTable",
    "SalesEmailSenderFunction": "DynamoDB stream of SalesTable (outgoing emails)",
    "BillingOutboxRelayFunction": "DynamoDB stream of BillingTable",
    "SalesConversionBridgeFunction": "SQS queue fed by FederationToConversionBridgeRule",
    "SalesContactMergeWorkerFunction": "SQS queue fed by ContactMergedToMergeWorkerRule",
    "SalesCampaignWonProjectionFunction": "SQS queue fed by DealWonToCampaignFiguresRule",
    "BillingJobsFromWonDealsFunction": "SQS queue fed by DealWonToBillingJobsRule",
    "BillingJobsFromProvisioningFunction": "SQS queue fed by ProvisioningCompletedToBillingJobsRule",
    "BillingOverdueInvoicesFunction": "EventBridge Scheduler, daily",
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


def _layer_id(name: str) -> str:
    """A layer folder's logical id: phones (layers/phones/) -> PhonesLayer."""
    return "".join(word.capitalize() for word in name.split("_")) + "Layer"


def _function_layers() -> dict[str, tuple[str, list, list, dict]]:
    """Function logical id -> (its stack's name, the stack's Globals layers, its layers after Globals, the
    stack's resources), read per template file as SAM reads it (Globals apply to their own file only)."""
    found = {}
    for stack in nested_stacks(ROOT / "template.yaml"):
        globals_layers = ((stack.document.get("Globals") or {}).get("Function") or {}).get("Layers") or []
        resources = apply_globals(stack.document)
        for name, resource in resources.items():
            if resource["Type"] == "AWS::Serverless::Function":
                layers = (resource.get("Properties") or {}).get("Layers") or []
                found[name] = (stack.name, list(globals_layers), list(layers), resources)
    return found


def test_function_layers_are_the_globals_plus_what_the_contract_declares():
    """A function carries its context's Globals layers and, beyond them, exactly the layers its contract lists in
    `layers` (a function without a contract, such as a relay, carries none beyond them): a library on its own
    layer (PhonesLayer) is attached where the code needs it and nowhere else."""
    declared = {contract.logical_id: contract for contract in ALL}
    functions = _function_layers()
    problems = []
    for name, (stack, globals_layers, layers, resources) in sorted(functions.items()):
        contract = declared.get(name)
        wanted = [_layer_id(layer) for layer in contract.layers] if contract else []
        who = f"{name} ({contract.key})" if contract else name
        missing_globals = [layer for layer in globals_layers if layer not in layers]
        if missing_globals:
            problems.append(f"{who} in {stack}: lacks the Globals layers {missing_globals}")
        extra = [layer for layer in layers if layer not in globals_layers]
        # A layer shared by several contexts is declared in the root stack and passed in as `<LayerId>Arn`.
        extra_ids = [
            str(layer["Ref"]).removesuffix("Arn") if isinstance(layer, dict) and "Ref" in layer else layer
            for layer in extra
        ]
        for layer_id in wanted:
            if layer_id not in extra_ids:
                problems.append(
                    f"{who} in {stack}: its contract declares layers={contract.layers} (so {layer_id}), but the "
                    f"template's Layers after Globals are {layers}: add `Layers: [!Ref {layer_id}]` to the function"
                )
            elif {"Ref": f"{layer_id}Arn"} in extra:
                if template()["Resources"].get(layer_id, {}).get("Type") != "AWS::Serverless::LayerVersion":
                    problems.append(f"{who}: {layer_id}Arn names no AWS::Serverless::LayerVersion of the root stack")
            elif resources.get(layer_id, {}).get("Type") != "AWS::Serverless::LayerVersion":
                problems.append(f"{who}: {layer_id} is no AWS::Serverless::LayerVersion of {stack}")
        for layer_id in extra_ids:
            if layer_id not in wanted:
                problems.append(
                    f"{who} in {stack}: carries {layer_id} beyond the Globals layers, which its contract does not "
                    f"declare ({'layers=' + repr(contract.layers) if contract else 'no contract'}): remove it from "
                    "the template or declare it in the contract"
                )
        if len(extra_ids) != len(set(extra_ids)):
            problems.append(f"{who} in {stack}: a layer is listed twice: {layers}")
    assert not problems, "\n".join(problems)


def test_every_declared_layer_is_a_layer_folder():
    """`layers=("phones",)` names layers/phones/ (its requirements.txt), deployed from there as PhonesLayer."""
    resources = template()["Resources"]
    for contract in ALL:
        for layer in contract.layers:
            assert (ROOT / "layers" / layer / "requirements.txt").is_file(), (
                f"{contract.logical_id} ({contract.key}): layers/{layer}/requirements.txt is missing"
            )
            resource = resources.get(_layer_id(layer), {})
            assert resource.get("Type") == "AWS::Serverless::LayerVersion", (
                f"{contract.logical_id} ({contract.key}): the template declares no {_layer_id(layer)}"
            )
            content = str(resource["Properties"]["ContentUri"]).rstrip("/")
            assert content == f"layers/{layer}", f"{_layer_id(layer)} is built from {content}, not layers/{layer}/"


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
    emitted |= {key for keys in CONSUMER_EMITS.values() for key in keys}
    assert set(EVENTS) == emitted


def test_every_function_has_a_sample_event():
    for name, resource in _functions().items():
        context, folder = resource["Properties"]["CodeUri"].rstrip("/").removeprefix("functions/").split("/")
        samples = list((ROOT / "events" / context).glob(f"*/{folder}.json"))
        assert samples, f"{name} has no sample event under events/{context}/"
