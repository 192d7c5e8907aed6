"""docs/openapi.json: a valid OpenAPI 3.1 document that describes exactly the contracts, examples included.

(test_docs_current.py checks the committed file is what tools.openapi generates; these check what it says.)
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from openapi_spec_validator.validation import OpenAPIV31SpecValidator
from pydantic.alias_generators import to_camel

from kernel.contract import Contract, Example
from tools import openapi, samples
from tools.binding import errors, request_of
from tools.registry import ALL

ROOT = Path(__file__).resolve().parents[2]
OK_EXAMPLES = [(c, e) for c in ALL for e in c.examples if 200 <= e.status < 300]
FAILING_EXAMPLES = [(c, e) for c in ALL for e in c.examples if e.error_code]


def _ids(pairs: list[tuple[Contract, Example]]) -> list[str]:
    return [f"{contract.key}:{example.key}" for contract, example in pairs]


@cache
def document() -> dict[str, Any]:
    return openapi.build()


def _operation(contract: Contract) -> dict[str, Any]:
    return document()["paths"][contract.http.path][contract.http.method.lower()]


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    """A validator for a schema inside the document: its `#/components/...` refs resolve against it."""
    return Draft202012Validator({**schema, "components": document()["components"]}, format_checker=FormatChecker())


def _parameters(operation: dict[str, Any]) -> list[dict[str, Any]]:
    resolved = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = document()["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        resolved.append(parameter)
    return resolved


def test_the_document_is_valid_openapi_3_1():
    assert document()["openapi"] == "3.1.0"
    validate(document(), cls=OpenAPIV31SpecValidator)


def test_the_committed_file_is_the_generated_document():
    assert json.loads((ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")) == document()


def test_every_ref_resolves():
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return found + [ref for value in node.values() for ref in refs(value)]
        if isinstance(node, list):
            return [ref for value in node for ref in refs(value)]
        return []

    for ref in set(refs(document())):
        target: Any = document()
        for part in ref.removeprefix("#/").split("/"):
            assert isinstance(target, dict) and part in target, f"{ref} does not resolve"
            target = target[part]


def test_paths_and_methods_are_exactly_the_contracts():
    documented = {
        (path, method, operation["operationId"])
        for path, item in document()["paths"].items()
        for method, operation in item.items()
    }
    declared = {(c.http.path, c.http.method.lower(), c.key) for c in ALL}
    assert documented == declared


@pytest.mark.parametrize("contract", ALL, ids=lambda c: c.key)
def test_operation_follows_its_contract(contract: Contract):
    operation = _operation(contract)
    assert operation["tags"] == [contract.aggregate]
    assert operation["summary"] == contract.description
    assert operation["x-contract"]["version"] == contract.version
    assert [event["key"] for event in operation["x-contract"]["emits"]] == [event.key for event in contract.emits]

    parameters = _parameters(operation)
    in_path = {p["name"] for p in parameters if p["in"] == "path"}
    assert in_path == set(re.findall(r"\{(\w+)\}", contract.http.path)) == set(contract.http.path_params)
    headers = {p["name"] for p in parameters if p["in"] == "header"}
    assert ("Idempotency-Key" in headers) == (contract.http.method == "POST")
    assert ("If-Match" in headers) == (contract.kind == "command" and bool(contract.http.path_params))

    success = operation["responses"][str(contract.http.status)]
    if contract.http.status == 204:
        assert "content" not in success
    elif contract.produces != "application/json":
        assert success["content"] == {contract.produces: {"schema": {"type": "string", "format": "binary"}}}
    else:
        envelope = success["content"]["application/json"]["schema"]
        assert envelope["properties"]["status"] == {"const": "success"}
        assert ("pagination" in envelope["properties"]) == contract.paginated
    by_id = contract.http.method == "GET" and contract.http.path_params and not contract.paginated
    if by_id and contract.output is not None and "version" in contract.output.model_fields:
        assert "ETag" in success["headers"], "a GET by id returns the ETag for If-Match"

    for entry in errors(contract):
        response = operation["responses"][str(entry.case.status)]
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorEnvelope"}
        assert entry.case.code in response["content"]["application/json"]["examples"]
        assert entry.case.code in document()["components"]["schemas"]["ErrorCode"]["enum"]
    unavailable = operation["responses"]["503"]
    assert "SERVICE_UNAVAILABLE" in unavailable["content"]["application/json"]["examples"]
    assert unavailable["headers"]["Retry-After"] == {"$ref": "#/components/headers/RetryAfter"}, "a 503 says when"


def test_query_parameters_are_the_input_fields_of_reads():
    for contract in ALL:
        if contract.http.method not in ("GET", "DELETE") or contract.input is None:
            continue
        query = {p["name"] for p in _parameters(_operation(contract)) if p["in"] == "query"}
        fields = set(contract.input.model_fields) - set(contract.http.path_params.values())
        # An explicit alias (`from` for from_month) is the parameter's name; the generated camelCase one is not.
        aliases = {f: contract.input.model_fields[f].alias for f in fields}
        names = {alias if alias and alias != to_camel(f) else f for f, alias in aliases.items()}
        assert query == names, contract.key


@pytest.mark.parametrize(("contract", "example"), OK_EXAMPLES, ids=_ids(OK_EXAMPLES))
def test_successful_examples_are_valid_requests(contract: Contract, example: Example):
    operation = _operation(contract)
    request = request_of(contract, samples.fill(example.input))
    if request.body is not None:
        body = operation.get("requestBody")
        if body is None:
            assert not request.body, f"{example.key} sends a body the operation does not take"
            return
        media = body["content"]["application/json"]
        errors_found = [error.message for error in _validator(media["schema"]).iter_errors(request.body)]
        assert not errors_found, f"{example.key}: {errors_found}"
        assert media["examples"][example.key]["value"] == request.body
    else:
        parameters = {p["name"]: p for p in _parameters(operation) if p["in"] == "query"}
        for name, value in request.query.items():
            assert name in parameters, f"{example.key} sends ?{name}=, which is not documented"
            assert not list(_validator(parameters[name]["schema"]).iter_errors(value)), f"{example.key}: {name}"


@pytest.mark.parametrize(("contract", "example"), FAILING_EXAMPLES, ids=_ids(FAILING_EXAMPLES))
def test_failing_examples_are_documented_errors(contract: Contract, example: Example):
    response = _operation(contract)["responses"][str(example.status)]
    examples = response["content"]["application/json"]["examples"]
    assert examples[example.key]["value"]["error"]["code"] == example.error_code
    request = request_of(contract, samples.fill(example.input))
    if example.error_code == "VALIDATION_ERROR" and request.body:
        schema = _operation(contract)["requestBody"]["content"]["application/json"]["schema"]
        assert list(_validator(schema).iter_errors(request.body)), f"the body schema accepts {request.body}"


def test_security_is_the_cognito_bearer_token_everywhere():
    scheme = document()["components"]["securitySchemes"]["cognito"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    assert document()["security"] == [{"cognito": []}]
    for item in document()["paths"].values():
        for operation in item.values():
            assert "security" not in operation, "no operation is public"
