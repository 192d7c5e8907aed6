"""docs/openapi.json (OpenAPI 3.1) from the operation contracts, bound the way kernel.http.handler binds them.

Deterministic: paths in registry order, components sorted by name, examples with fixed sample values.
"""

from __future__ import annotations

import json
from typing import Any

from kernel.contract import Contract, ErrorCase, Example
from kernel.types import Pagination
from tools import project_version, samples
from tools.binding import (
    ERROR_HEADERS,
    ErrorEntry,
    errors,
    has_body,
    input_fields,
    request_of,
    returns_etag,
    takes_idempotency_key,
    takes_if_match,
)
from tools.registry import ALL
from tools.schemas import JsonSchema, SchemaSet, non_null, without_property_titles

SCHEMAS = "#/components/schemas/"
JSON = "application/json"
CAMEL = "CamelCase"
AGGREGATES = {
    "deal": "Deals: the pipeline from lead to won or lost, its statistics and forecast.",
    "contact": "Contacts: organizations and persons Sales deals with.",
}
_SUCCESS_TEXT = {200: "OK", 201: "Created", 204: "No Content"}


def _error_body(code: str, message: str) -> dict[str, Any]:
    return {"status": "error", "error": {"code": code, "message": message}}


def _all_codes() -> dict[str, ErrorCase]:
    codes: dict[str, ErrorCase] = {}
    for contract in ALL:
        for entry in errors(contract):
            codes.setdefault(entry.case.code, entry.case)
    return dict(sorted(codes.items()))


def _error_schemas(schemas: SchemaSet) -> None:
    codes = _all_codes()
    schemas.add(
        "ErrorCode",
        {
            "type": "string",
            "title": "ErrorCode",
            "description": "Stable error codes; clients branch on the code, never on the message.\n\n"
            + "\n".join(f"- `{code}` ({case.status}): {case.when}" for code, case in codes.items()),
            "enum": list(codes),
        },
    )
    schemas.add(
        "FieldIssue",
        {
            "type": "object",
            "title": "FieldIssue",
            "required": ["field", "message"],
            "properties": {
                "field": {"type": "string", "description": "dotted path of the input field, or the header name"},
                "message": {"type": "string"},
            },
        },
    )
    schemas.add(
        "ErrorEnvelope",
        {
            "type": "object",
            "title": "ErrorEnvelope",
            "description": "Every error, from a handler or from API Gateway itself. Never a stack trace.",
            "required": ["status", "error"],
            "properties": {
                "status": {"const": "error"},
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {
                            "anyOf": [
                                schemas.ref("ErrorCode"),
                                {
                                    "type": "string",
                                    "pattern": "^[A-Z][A-Z0-9_]*$",
                                    "description": "another API Gateway response type (e.g. ACCESS_DENIED, "
                                    "INTEGRATION_TIMEOUT) for failures before any handler runs",
                                },
                            ]
                        },
                        "message": {"type": "string", "description": "for humans; may change"},
                        "details": {"type": "array", "items": schemas.ref("FieldIssue")},
                    },
                },
            },
        },
    )


def _parameters() -> dict[str, Any]:
    # No `example` on these optional headers: Swagger UI's "Try it out" pre-fills a parameter with its example,
    # so every create would send the same Idempotency-Key (a second, different create gets 422
    # IDEMPOTENCY_KEY_REUSED) and every change If-Match "3" (412 unless the record is at version 3).
    token = {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,128}$"}
    return {
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "Makes a retry safe: the same key and body replay the first response for 24 h; "
            "the same key with another body is refused with 422 `IDEMPOTENCY_KEY_REUSED`. Scoped per "
            "operation and caller. A fresh UUID per logical request, e.g. `5f0c1c8e-0b7a-4c1e-9a53-2f4d8e6b7a10`.",
            "schema": token,
        },
        "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "required": False,
            "description": 'Optimistic concurrency: the ETag (version) the change is based on, e.g. `"3"`. '
            "412 `PRECONDITION_FAILED` when the record has moved on; `*` or no header skips the check; "
            "anything else is refused with 400 `VALIDATION_ERROR`.",
            # What kernel.http.handler.expected_version accepts: `*`, or a version, quoted or not, maybe weak.
            "schema": {"type": "string", "pattern": r'^\s*(\*|(W/)?"?[0-9]{1,12}"?)\s*$'},
        },
        "CorrelationId": {
            "name": "X-Correlation-Id",
            "in": "header",
            "required": False,
            "description": "Carried into logs and event metadata; defaults to the API Gateway request id.",
            "schema": token,
        },
    }


def _headers() -> dict[str, Any]:
    return {
        "ETag": {
            "description": 'The record\'s version as a strong ETag, e.g. `"3"`: send it back as `If-Match`.',
            "schema": {"type": "string"},
        },
        "XCorrelationId": {
            "description": "The request's correlation id (as sent, else the API Gateway request id).",
            "schema": {"type": "string"},
        },
        "RetryAfter": {
            "description": "Whole seconds to wait before sending the same request again, e.g. `1`.",
            "schema": {"type": "integer", "minimum": 1},
        },
    }


def _input_parameters(contract: Contract, schemas: SchemaSet) -> list[dict[str, Any]]:
    if contract.input is None:
        return []
    model_schema = contract.input.model_json_schema(by_alias=False, ref_template=SCHEMAS + "{model}")
    for name, inner in model_schema.pop("$defs", {}).items():
        schemas.add(name, without_property_titles(inner))
    properties = model_schema.get("properties", {})
    examples = [
        (example, request_of(contract, samples.fill(example.input)))
        for example in contract.examples
        if 200 <= example.status < 300
    ]
    parameters = []
    for field in input_fields(contract):
        if field.location == "body":
            continue
        schema, _ = non_null(properties[field.field])
        schema = {key: value for key, value in schema.items() if key not in ("title", "description")}
        if schema.get("default", 0) is None:
            schema.pop("default")
        description = properties[field.field].get("description", "")
        if field.location == "path":
            description = description or f"`{field.field}`"
            values = {example.key: request.path_values[field.name] for example, request in examples}
        else:
            if field.camel:
                description = (description + "; " if description else "") + f"`{field.camel}` also accepted"
            values = {
                example.key: request.query[key]
                for example, request in examples
                for key in (field.name, field.field, field.camel)
                if key and key in request.query
            }
        parameter: dict[str, Any] = {"name": field.name, "in": field.location, "required": field.required}
        if description:
            parameter["description"] = description
        parameter["schema"] = schema
        if values:
            parameter["examples"] = {key: {"value": value} for key, value in values.items()}
        parameters.append(parameter)
    return parameters


def _request_body(contract: Contract, schemas: SchemaSet) -> dict[str, Any] | None:
    model = contract.input
    if model is None or not has_body(contract):
        return None
    fields = [field for field in input_fields(contract) if field.location == "body"]
    if not fields:
        return None
    path_fields = list(contract.http.path_params.values())
    snake = schemas.model(model, mode="validation", by_alias=False, omit=path_fields)
    description = "A JSON object; unknown keys are refused."
    camel_names = [f"`{field.field}` or `{field.camel}`" for field in fields if field.camel]
    if camel_names:
        camel_path_fields = [model.model_fields[field].alias or field for field in path_fields]
        camel = schemas.model(
            model, mode="validation", by_alias=True, name=model.__name__ + CAMEL, omit=camel_path_fields, suffix=CAMEL
        )
        schema: JsonSchema = {"anyOf": [snake, camel]}
        description += f" Keys are snake_case or camelCase ({camel_names[0]}), one spelling per request."
    else:
        schema = snake
    if path_fields:
        description += " " + ", ".join(f"`{field}`" for field in path_fields) + " comes from the path."
    content: dict[str, Any] = {"schema": schema}
    examples = {
        example.key: {
            "summary": _example_summary(example),
            "value": request_of(contract, samples.fill(example.input)).body,
        }
        for example in contract.examples
        if 200 <= example.status < 300
    }
    if examples:
        content["examples"] = examples
    return {
        "description": description,
        "required": any(field.required for field in fields),
        "content": {JSON: content},
    }


def _example_summary(example: Example) -> str:
    words = example.key.replace("-", " ")
    setup = f" (given: {', '.join(name.replace('_', ' ') for name in example.setup)})" if example.setup else ""
    return words[:1].upper() + words[1:] + setup


def _success(contract: Contract, schemas: SchemaSet) -> dict[str, Any]:
    status = contract.http.status
    headers: dict[str, Any] = {"X-Correlation-Id": {"$ref": "#/components/headers/XCorrelationId"}}
    if returns_etag(contract):
        headers["ETag"] = {"$ref": "#/components/headers/ETag"}
    if contract.produces != JSON:
        return {
            "description": _SUCCESS_TEXT.get(status, "Success") + f": the {contract.produces} file",
            "headers": {**headers, "Content-Disposition": {"schema": {"type": "string"}}},
            "content": {contract.produces: {"schema": {"type": "string", "format": "binary"}}},
        }
    if status == 204 or contract.output is None:
        return {"description": _SUCCESS_TEXT.get(status, "Success") + ": no body", "headers": headers}
    data = schemas.model(contract.output, mode="serialization", by_alias=True)
    properties: dict[str, Any] = {"status": {"const": "success"}}
    required = ["status", "data"]
    if contract.paginated:
        properties["data"] = {"type": "array", "items": data}
        properties["pagination"] = schemas.model(Pagination, mode="serialization", by_alias=True)
        required.append("pagination")
    else:
        properties["data"] = data
    envelope = {"type": "object", "required": required, "properties": properties}
    response = {
        "description": _SUCCESS_TEXT.get(status, "Success"),
        "headers": headers,
        "content": {JSON: {"schema": envelope}},
    }
    links = _links(contract)
    if links:
        response["links"] = links
    return response


def _links(contract: Contract) -> dict[str, Any]:
    """OpenAPI links from a create to the operations that take the id it returns.

    Read from the contracts' acceptance examples: an input set to `{<aggregate>.id}` (the record the
    aggregate's create made, see tools/samples.FIXTURES) takes `data.id` of that create's response. Clients and
    tools that follow links (Swagger UI shows them, Schemathesis' stateful tests chain calls along them) learn
    that a deal's `customer_id` is a contact's id, that `GET /sales/deals/{id}` reads what `POST` created, ...
    """
    output = contract.output
    if contract.http.status != 201 or output is None or "id" not in output.model_fields:
        return {}
    placeholder = "{" + contract.aggregate + ".id}"
    links: dict[str, Any] = {}
    for target in ALL:
        if target is contract:
            continue
        used = {key for example in target.examples for key, value in example.input.items() if value == placeholder}
        fields = [field for field in input_fields(target) if {field.field, field.name, field.camel} & used]
        parameters = {f"{f.location}.{f.name}": "$response.body#/data/id" for f in fields if f.location != "body"}
        body = {field.name: "$response.body#/data/id" for field in fields if field.location == "body"}
        if not parameters and not body:
            continue
        link: dict[str, Any] = {
            "operationId": target.key,
            "description": f"The created {contract.aggregate}'s `data.id` is the "
            + ", ".join(f"`{field.name}`" for field in fields)
            + f" of `{target.http.method} {target.http.path}`.",
        }
        if parameters:
            link["parameters"] = parameters
        if body:
            link["requestBody"] = body
        links[target.key] = link
    return links


def _error_responses(contract: Contract) -> dict[str, Any]:
    by_status: dict[int, list[ErrorEntry]] = {}
    for entry in errors(contract):
        by_status.setdefault(entry.case.status, []).append(entry)
    failing = [example for example in contract.examples if example.error_code]
    responses: dict[str, Any] = {}
    for status in sorted(by_status):
        entries = by_status[status]
        examples: dict[str, Any] = {
            entry.case.code: {"summary": entry.case.when, "value": _error_body(entry.case.code, entry.case.when)}
            for entry in entries
        }
        for example in failing:
            if example.status != status:
                continue
            case = next((entry.case for entry in entries if entry.case.code == example.error_code), None)
            if case is None:
                raise ValueError(
                    f"{contract.key}: example {example.key} expects {example.error_code} with {status}, "
                    "which the contract does not declare with that status"
                )
            request = request_of(contract, samples.fill(example.input))
            sent = f"`{request.method} {request.path}`"
            if request.query:
                sent += " with query " + ", ".join(f"`{key}={value}`" for key, value in request.query.items())
            if request.body:
                sent += " with body `" + _compact(request.body) + "`"
            examples[example.key] = {
                "summary": "Acceptance example: " + _example_summary(example),
                "description": "Request: " + sent,
                "value": _error_body(case.code, case.when),
            }
        description = "; ".join(f"`{entry.case.code}`: {entry.case.when}" for entry in entries)
        response: dict[str, Any] = {"description": description}
        headers = [name for entry in entries for name in ERROR_HEADERS.get(entry.case.code, ())]
        if headers:
            response["headers"] = {
                name: {"$ref": "#/components/headers/" + name.replace("-", "")} for name in dict.fromkeys(headers)
            }
        response["content"] = {JSON: {"schema": {"$ref": SCHEMAS + "ErrorEnvelope"}, "examples": examples}}
        responses[str(status)] = response
    return responses


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def _description(contract: Contract) -> str:
    parts = [f"**Goal:** {contract.goal}", f"**Context:** {contract.context}"]
    roles = ", ".join(f"`{role.value}`" for role in sorted(contract.policy.roles))
    parts.append(f"**Roles:** {roles} (Cognito groups).")
    if contract.emits:
        emits = "; ".join(f"`{event.key}` v{event.version} when {event.when.lower()}" for event in contract.emits)
        parts.append(f"**Emits:** {emits}.")
    parts.append(f"Operation page: `docs/operations/{contract.key}.md`.")
    return "\n\n".join(parts)


def _operation(contract: Contract, schemas: SchemaSet) -> dict[str, Any]:
    parameters = _input_parameters(contract, schemas)
    if takes_idempotency_key(contract):
        parameters.append({"$ref": "#/components/parameters/IdempotencyKey"})
    if takes_if_match(contract):
        parameters.append({"$ref": "#/components/parameters/IfMatch"})
    parameters.append({"$ref": "#/components/parameters/CorrelationId"})
    operation: dict[str, Any] = {
        "operationId": contract.key,
        "summary": contract.description,
        "description": _description(contract),
        "tags": [contract.aggregate],
        "parameters": parameters,
    }
    body = _request_body(contract, schemas)
    if body is not None:
        operation["requestBody"] = body
    operation["responses"] = {str(contract.http.status): _success(contract, schemas), **_error_responses(contract)}
    operation["x-contract"] = {
        "key": contract.key,
        "version": contract.version,
        "kind": contract.kind,
        "stability": contract.stability,
        "owners": list(contract.owners),
        "tags": list(contract.tags),
        "roles": sorted(role.value for role in contract.policy.roles),
        "emits": [{"key": event.key, "version": event.version, "when": event.when} for event in contract.emits],
    }
    if contract.stability == "deprecated":
        operation["deprecated"] = True
    return operation


def build() -> dict[str, Any]:
    schemas = SchemaSet(SCHEMAS)
    _error_schemas(schemas)
    paths: dict[str, dict[str, Any]] = {}
    for contract in ALL:
        paths.setdefault(contract.http.path, {})[contract.http.method.lower()] = _operation(contract, schemas)
    aggregates = list(dict.fromkeys(contract.aggregate for contract in ALL))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Sales service API",
            "version": project_version(),
            "description": "The Sales bounded context: contacts and the deal pipeline. Generated from the "
            "operation contracts (`make docs`); every operation has a page under `docs/operations/`.\n\n"
            "Responses are `{status: success, data}` (plus `pagination` on lists) or the `ErrorEnvelope`. "
            "JSON is snake_case; request bodies also accept camelCase keys. Money is integer minor units "
            "with an ISO 4217 code; ids are UUIDs (v7 when generated here); business dates are "
            "`YYYY-MM-DD`, timestamps RFC 3339 UTC.",
        },
        "servers": [
            {
                "url": "https://{api-id}.execute-api.{region}.amazonaws.com/v1",
                "description": "Deployed stack, stage v1 (stack output ApiUrl)",
                "variables": {
                    "api-id": {"default": "a1b2c3d4e5", "description": "the REST API id of the stack"},
                    "region": {"default": "eu-west-1", "description": "the stack's AWS region"},
                },
            },
            {"url": "http://127.0.0.1:3000", "description": "`make dev` (local runtime, no stage prefix)"},
        ],
        "security": [{"cognito": []}],
        "tags": [{"name": name, "description": AGGREGATES.get(name, name)} for name in aggregates],
        "paths": paths,
        "components": {
            "schemas": schemas.sorted(),
            "parameters": _parameters(),
            "headers": _headers(),
            "securitySchemes": {
                "cognito": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Cognito user pool token (the stack's `CognitoUserPoolArn`) in the "
                    "Authorization header, checked by API Gateway's Cognito authorizer. Claims used: `sub` "
                    "(the caller), `cognito:groups`: `sales` (default user), `admin`, `partner` (acts only "
                    "for its own `custom:partner_id`). Locally (`make dev`) no header means a `sales` dev "
                    "user, and `Bearer dev:<user-id>:<group>[,<group>][:<partner-id>]` picks another (in the "
                    "local Swagger UI at `/docs`, **Authorize** with `dev:<user-id>:<groups>`, without `Bearer`).",
                }
            },
        },
    }
