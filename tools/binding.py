"""How a contract appears on the wire, read the way `kernel.http.handler` binds it to API Gateway.

One place for the rules every generated surface shares: which input field comes from the path, the query
string or the body, under which name; which headers apply; which error codes an operation can answer with.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.alias_generators import to_camel

from kernel.contract import COMMAND_ERRORS, COMMON_ERRORS, Contract, ErrorCase

Location = Literal["path", "query", "body"]
ErrorOrigin = Literal["operation", "common", "command", "request body", "API Gateway"]

# Refusals of the HTTP request itself, raised by kernel.http.handler.parse_body before the input model runs.
BODY_ERRORS: tuple[ErrorCase, ...] = (ErrorCase("MALFORMED_JSON", 400, "the body is not a JSON object"),)


def _too_large(contract: Contract) -> ErrorCase:
    return ErrorCase("PAYLOAD_TOO_LARGE", 413, f"the body exceeds {contract.max_body_bytes // 1024} KiB")


# Answered by API Gateway before any handler runs (template.yaml GatewayResponses keep the envelope; the
# code is API Gateway's response type).
GATEWAY_ERRORS: tuple[ErrorCase, ...] = (
    ErrorCase("THROTTLED", 429, "API Gateway throttled the request; retry with backoff"),
)
_CODE = {case.code: case for case in COMMAND_ERRORS}
# Response headers kernel.http.handler adds to an error besides X-Correlation-Id: a 503 says when to retry.
ERROR_HEADERS: dict[str, tuple[str, ...]] = {"SERVICE_UNAVAILABLE": ("Retry-After",)}


@dataclass(frozen=True)
class InputField:
    field: str  # the model's field name (snake_case)
    name: str  # the name on the wire: the URL placeholder for path fields, else the field's own name
    location: Location
    required: bool
    camel: str | None  # the camelCase alias also accepted, when it differs from `name`


@dataclass(frozen=True)
class ErrorEntry:
    case: ErrorCase
    origin: ErrorOrigin


def has_body(contract: Contract) -> bool:
    return contract.http.method in ("POST", "PUT", "PATCH")


def wire_name(model: type[BaseModel], field: str) -> str:
    """An explicit alias (`from` for from_month) is the name; a generated camelCase alias is not."""
    info = model.model_fields[field]
    if info.alias and (info.alias_priority or 0) >= 2:
        return info.alias
    return field


def input_fields(contract: Contract) -> list[InputField]:
    if contract.input is None:
        return []
    by_field = {field: placeholder for placeholder, field in contract.http.path_params.items()}
    rest: Location = "body" if has_body(contract) else "query"
    fields = []
    for field, info in contract.input.model_fields.items():
        if field in by_field:
            fields.append(InputField(field, by_field[field], "path", True, None))
            continue
        name = wire_name(contract.input, field)
        camel = to_camel(field) if name == field and to_camel(field) != field else None
        fields.append(InputField(field, name, rest, info.is_required(), camel))
    return fields


def takes_if_match(contract: Contract) -> bool:
    """Commands on an existing record check `If-Match` against its version (application/commands.py)."""
    return contract.kind == "command" and bool(contract.http.path_params)


def takes_idempotency_key(contract: Contract) -> bool:
    """kernel.http.handler honours Idempotency-Key on every POST."""
    return contract.http.method == "POST"


def returns_etag(contract: Contract) -> bool:
    """The handler sets ETag whenever the result carries an integer `version`."""
    output = contract.output
    return output is not None and not contract.paginated and "version" in output.model_fields


def errors(contract: Contract) -> list[ErrorEntry]:
    """Every error code the operation can answer with, its own first; one entry per code."""
    entries = [ErrorEntry(case, "operation") for case in contract.errors]
    entries += [ErrorEntry(case, "common") for case in COMMON_ERRORS]
    if contract.kind == "command":
        entries.append(ErrorEntry(_CODE["CONFLICT"], "command"))
        if takes_if_match(contract):
            entries.append(ErrorEntry(_CODE["PRECONDITION_FAILED"], "command"))
        if takes_idempotency_key(contract):
            entries.append(ErrorEntry(_CODE["IDEMPOTENCY_KEY_REUSED"], "command"))
    if has_body(contract):
        entries += [ErrorEntry(case, "request body") for case in (*BODY_ERRORS, _too_large(contract))]
    entries += [ErrorEntry(case, "API Gateway") for case in GATEWAY_ERRORS]
    seen: set[str] = set()
    unique = []
    for entry in entries:
        if entry.case.code not in seen:
            seen.add(entry.case.code)
            unique.append(entry)
    return unique


@dataclass(frozen=True)
class Request:
    """An example's input laid out as an HTTP request."""

    method: str
    path: str  # placeholders replaced by the example's values
    path_values: dict[str, Any]  # URL placeholder -> value
    query: dict[str, Any]
    body: dict[str, Any] | None  # None for GET/DELETE


def request_of(contract: Contract, values: Mapping[str, Any]) -> Request:
    """Split an example input the way the acceptance runner sends it (path fields by snake or camel name)."""
    rest = dict(values)
    path = contract.http.path
    path_values: dict[str, Any] = {}
    for placeholder, field in contract.http.path_params.items():
        value = rest.pop(field, None)
        camel = rest.pop(to_camel(field), None)
        value = camel if value is None else value
        if value is None:
            raise ValueError(f"{contract.key}: an example lacks the path field {field}")
        path_values[placeholder] = value
        path = path.replace("{" + placeholder + "}", str(value))
    if has_body(contract):
        return Request(contract.http.method, path, path_values, {}, rest)
    return Request(contract.http.method, path, path_values, rest, None)
