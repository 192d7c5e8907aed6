"""Bind one operation contract to API Gateway: the whole body of every HTTP handler.

functions/<operation>/app.py is two lines: `lambda_handler = http_handler(CONTRACT)`.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from kernel import clients
from kernel.context import RequestContext
from kernel.contract import Contract
from kernel.errors import DomainError, Forbidden, ServiceUnavailable
from kernel.http import envelope, idempotency
from kernel.http.envelope import Response
from kernel.http.errors import BadRequest, Unauthenticated, from_validation, status_of
from kernel.http.observability import logger, metrics, tracer
from kernel.http.principal import principal_from

MAX_BODY_BYTES = 64 * 1024
MAX_DEPTH = 20
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,12})"?\s*$')
_CORRELATION = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _depth(value: Any, level: int = 0) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(inner, level + 1) for inner in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(inner, level + 1) for inner in value), default=level + 1)
    return level


def parse_body(raw: str | None, base64_encoded: bool, limit: int = MAX_BODY_BYTES) -> dict[str, Any]:
    if raw is None or raw == "":
        return {}
    try:
        data = base64.b64decode(raw, validate=True) if base64_encoded else raw.encode("utf-8", "surrogatepass")
    except (binascii.Error, ValueError):
        raise BadRequest("the body is not valid base64") from None
    if len(data) > limit:
        raise BadRequest(f"the body exceeds {limit} bytes", "PAYLOAD_TOO_LARGE", 413)
    try:
        body = json.loads(data, parse_constant=_reject_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        raise BadRequest("the body is not valid JSON", "MALFORMED_JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object", "MALFORMED_JSON")
    if _depth(body) > MAX_DEPTH:
        raise BadRequest(f"the body nests deeper than {MAX_DEPTH} levels")
    return body


def expected_version(headers: Mapping[str, str]) -> int | None:
    value = headers.get("if-match")
    if value is None or value.strip() == "*":
        return None
    match = _ETAG.match(value)
    if not match:
        raise BadRequest('If-Match must be an ETag such as "3"', field="If-Match")
    return int(match.group(1))


def raw_input(contract: Contract, event: Mapping[str, Any], path_params: Mapping[str, str]) -> dict[str, Any]:
    """Query string for reads, JSON body for writes, then path parameters (which win).

    Unknown query parameters are ignored (caches and proxies add their own); unknown body fields are not.
    """
    if contract.http.method in ("GET", "DELETE"):
        accepted = _field_names(contract)
        query = event.get("queryStringParameters") or {}
        values: dict[str, Any] = {name: value for name, value in query.items() if name in accepted}
    else:
        values = parse_body(event.get("body"), bool(event.get("isBase64Encoded")), contract.max_body_bytes)
    for placeholder, field in contract.http.path_params.items():
        values.pop(field, None)
        values.pop(to_camel(field), None)
        values[field] = path_params[placeholder]
    return values


def _field_names(contract: Contract) -> set[str]:
    if contract.input is None:
        return set()
    names = set()
    for name, field in contract.input.model_fields.items():
        names.add(name)
        names.add(field.alias or to_camel(name))
    return names


def _lower(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {name.lower(): value for name, value in (headers or {}).items()}


@dataclass(frozen=True)
class Prepared:
    command: Any
    ctx: RequestContext
    # Canonical request, the payload an Idempotency-Key is bound to.
    fingerprint: dict[str, Any]
    idempotency_key: str | None


def prepare(contract: Contract, event: Mapping[str, Any], path_params: Mapping[str, str]) -> Prepared:
    """Authenticate, authorize and validate: everything that may refuse the request before it runs."""
    principal = principal_from(event)
    if principal is None:
        raise Unauthenticated()
    if not principal.groups & {role.value for role in contract.policy.roles}:
        raise Forbidden()
    headers = _lower(event.get("headers"))
    correlation = headers.get("x-correlation-id", "")
    if not _CORRELATION.match(correlation):
        correlation = (event.get("requestContext") or {}).get("requestId") or "local"
    logger.set_correlation_id(correlation)
    logger.append_keys(operation=contract.key, actor=principal.user_id)
    values = raw_input(contract, event, path_params)
    try:
        command = contract.input.model_validate(values) if contract.input else None
    except ValidationError as error:
        raise from_validation(error) from None
    key = headers.get(idempotency.HEADER)
    if key is not None and not idempotency.valid_key(key):
        raise BadRequest("Idempotency-Key must be 1-128 characters of A-Z a-z 0-9 . _ : -", field="Idempotency-Key")
    scoped_key = key if contract.http.method == "POST" else None
    ctx = RequestContext(
        principal=principal,
        correlation_id=correlation,
        expected_version=expected_version(headers),
        command_key=f"{contract.key}#{principal.user_id}#{scoped_key}" if scoped_key else None,
    )
    fingerprint = {"input": command.model_dump(mode="json") if command else None, "if_match": ctx.expected_version}
    return Prepared(command, ctx, fingerprint, scoped_key)


def run(contract: Contract, prepared: Prepared) -> Response:
    result = contract.use_case(prepared.command, prepared.ctx)
    headers = {"X-Correlation-Id": prepared.ctx.correlation_id}
    version = getattr(result, "version", None)
    if isinstance(version, int):
        headers["ETag"] = f'"{version}"'
    return envelope.success(result, contract.http.status, headers)


def execute(
    contract: Contract,
    event: Mapping[str, Any],
    path_params: Mapping[str, str],
    lambda_context: LambdaContext | None = None,
) -> Response:
    prepared = prepare(contract, event, path_params)
    if prepared.idempotency_key is None:
        return run(contract, prepared)

    def first_time() -> dict[str, Any]:
        response = run(contract, prepared)
        return {"status": response.status_code, "body": response.body, "headers": response.headers}

    stored = idempotency.once(
        contract.key, prepared.ctx.actor, prepared.idempotency_key, prepared.fingerprint, first_time, lambda_context
    )
    headers = {**stored["headers"], "X-Correlation-Id": prepared.ctx.correlation_id}
    if stored["status"] != 204:
        headers["Content-Type"] = envelope.JSON
    return Response(status_code=stored["status"], body=stored["body"], headers=headers)


def _correlation_header() -> dict[str, str]:
    correlation = logger.get_correlation_id()
    return {"X-Correlation-Id": correlation} if correlation else {}


def _refused(error: DomainError) -> Response:
    status = status_of(error)
    headers = _correlation_header()
    if isinstance(error, ServiceUnavailable):
        # Throttling is no mistake of the caller's: counted apart, and the answer says when to come back.
        metrics.add_metric(name="Throttled", unit=MetricUnit.Count, value=1)
        logger.warning("request throttled", extra={"code": error.code, "status": status})
        headers["Retry-After"] = str(error.retry_after)
    else:
        metrics.add_metric(name="ClientError", unit=MetricUnit.Count, value=1)
        logger.info("request refused", extra={"code": error.code, "status": status})
    return envelope.error(status, error.code, error.message, error.details, headers)


def _fault() -> Response:
    """Called while handling an exception: the caller gets a stable code, the traceback stays in the logs."""
    metrics.add_metric(name="Fault", unit=MetricUnit.Count, value=1)
    logger.exception("unexpected failure")
    return envelope.error(
        500,
        "INTERNAL_ERROR",
        "an unexpected error occurred; retry later or quote the X-Correlation-Id",
        headers=_correlation_header(),
    )


def _unexpected(error: Exception) -> Response:
    """An exception no layer mapped. Throttling behind it (a client call outside the kernel's adapters, or a
    library that wrapped the client's error) is still a 503 with Retry-After; anything else is a 500."""
    if clients.throttling_code(error) is not None:
        return _refused(ServiceUnavailable())
    return _fault()


def respond(contract: Contract, event: Mapping[str, Any], context: LambdaContext | None) -> Response:
    """One request to the contract's operation. API Gateway has routed it already (the function serves one
    resource and method), so there is nothing to match; a request for another route is a 404."""
    if event.get("resource") != contract.http.path or str(event.get("httpMethod", "")).upper() != contract.http.method:
        return envelope.error(404, "ROUTE_NOT_FOUND", "no such route", headers=_correlation_header())
    try:
        return execute(contract, event, event.get("pathParameters") or {}, context)
    except DomainError as error:
        return _refused(error)
    except Exception as error:
        return _unexpected(error)


def http_handler(contract: Contract) -> Handler:
    """The Lambda entry point for one contract: envelopes, errors and telemetry."""

    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
    @tracer.capture_lambda_handler(capture_response=False)
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        metrics.add_dimension(name="operation", value=contract.key)
        metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
        return respond(contract, event, context).to_proxy()

    # Lets the template/contract consistency test see which contract a module really binds.
    lambda_handler.contract = contract
    return cast(Handler, lambda_handler)
