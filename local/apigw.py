"""API Gateway (REST API, Lambda proxy integration) in front of the functions: routing, the dev principal
that stands in for the Cognito authorizer, proxy events in, proxy responses out."""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from kernel.http.principal import DEV_BEARER_FORMAT, DevTokenError, dev_token_claims
from local.project import ApiRoute

log = logging.getLogger("local.apigw")

DEFAULT_CLAIMS: Mapping[str, str] = {
    "sub": "00000000-0000-7000-8000-000000000001",
    "cognito:groups": "sales",
    "email": "dev@example.com",
}
_LITERAL, _PARAM, _GREEDY = 0, 1, 2


class UnauthenticatedError(Exception):
    pass


def claims_for(authorization: str | None) -> dict[str, str]:
    """The authorizer claims for an `Authorization` header (None: the default dev principal). The dev token is
    read by the kernel's parser, the one handlers use under `sam local start-api`."""
    if authorization is None:
        return dict(DEFAULT_CLAIMS)
    try:
        return dev_token_claims(authorization)
    except DevTokenError as error:
        raise UnauthenticatedError(
            f"{error}: the local runtime accepts no Authorization header (default dev principal) or "
            f"'{DEV_BEARER_FORMAT}'"
        ) from None


@dataclass(frozen=True)
class HttpRequest:
    method: str
    target: str  # path and query string, as received
    headers: Sequence[tuple[str, str]]
    body: bytes
    client_ip: str
    host: str

    def header(self, name: str) -> str | None:
        found = [value for key, value in self.headers if key.lower() == name.lower()]
        return found[-1] if found else None


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    function_id: str | None = None


def json_response(status: int, payload: Any, headers: Sequence[tuple[str, str]] = ()) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json"), *headers], json.dumps(payload).encode("utf-8"))


def error_response(
    status: int,
    code: str,
    message: str,
    headers: Sequence[tuple[str, str]] = (),
    *,
    details: Sequence[Mapping[str, str]] = (),
) -> HttpResponse:
    """The service's error envelope; `details` name the fields at fault (`{"field", "message"}`)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = [dict(detail) for detail in details]
    return json_response(status, {"status": "error", "error": error}, headers)


# -- routing ------------------------------------------------------------------------------------------------


def _segments(path: str) -> list[str]:
    return [segment for segment in path.strip("/").split("/") if segment]


@dataclass(frozen=True)
class _Resource:
    """One API resource (path template) and its methods."""

    path: str
    shape: tuple[tuple[int, str], ...]
    methods: dict[str, ApiRoute]

    def match(self, segments: Sequence[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for index, (kind, name) in enumerate(self.shape):
            if kind == _GREEDY:
                rest = segments[index:]
                if not rest:
                    return None
                params[name] = "/".join(rest)
                return params
            if index >= len(segments):
                return None
            if kind == _LITERAL:
                if segments[index] != name:
                    return None
            else:
                params[name] = segments[index]
        return params if len(segments) == len(self.shape) else None

    @property
    def specificity(self) -> tuple[int, ...]:
        """Lower sorts first: literal segments beat `{param}`, which beats `{proxy+}`."""
        return tuple(kind for kind, _ in self.shape)


def _shape(path: str) -> tuple[tuple[int, str], ...]:
    shape = []
    for segment in _segments(path):
        if segment.startswith("{") and segment.endswith("+}"):
            shape.append((_GREEDY, segment[1:-2]))
        elif segment.startswith("{") and segment.endswith("}"):
            shape.append((_PARAM, segment[1:-1]))
        else:
            shape.append((_LITERAL, segment))
    return tuple(shape)


@dataclass(frozen=True)
class RouteMatch:
    route: ApiRoute
    path: str  # without the stage prefix
    path_parameters: dict[str, str]


class Router:
    def __init__(self, routes: Sequence[ApiRoute]) -> None:
        resources: dict[str, _Resource] = {}
        for route in routes:
            resource = resources.setdefault(route.path, _Resource(route.path, _shape(route.path), {}))
            if route.method in resource.methods:
                other = resource.methods[route.method].function_id
                log.warning("%s %s declared twice (%s, %s)", route.method, route.path, other, route.function_id)
            resource.methods[route.method] = route
        self.resources = sorted(resources.values(), key=lambda r: (r.specificity, r.path))
        self.stages = sorted({route.stage for route in routes})

    def resolve(self, method: str, path: str) -> RouteMatch | tuple[int, list[str]]:
        """The matching route, or (404, []) / (405, allowed methods)."""
        segments = [unquote(segment) for segment in _segments(path)]
        candidates = [segments]
        if segments and segments[0] in self.stages:
            candidates.insert(0, segments[1:])
        for candidate in candidates:
            for resource in self.resources:  # most specific first: API Gateway picks the resource, then the method
                params = resource.match(candidate)
                if params is None:
                    continue
                route = resource.methods.get(method) or resource.methods.get("ANY")
                if route is None:
                    return 405, sorted(resource.methods)
                return RouteMatch(route, "/" + "/".join(candidate), params)
        return 404, []


# -- proxy events and responses -------------------------------------------------------------------------------


def _multi(pairs: Sequence[tuple[str, str]]) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    if not pairs:
        return None, None
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for key, value in pairs:
        single[key] = value
        multi.setdefault(key, []).append(value)
    return single, multi


def proxy_event(request: HttpRequest, match: RouteMatch, claims: Mapping[str, str] | None) -> dict[str, Any]:
    """The event API Gateway sends a Lambda proxy integration (REST API, payload 1.0)."""
    query = urlsplit(request.target).query
    query_single, query_multi = _multi(parse_qsl(query, keep_blank_values=True))
    headers_single, headers_multi = _multi(list(request.headers))
    route = match.route
    now = datetime.now(UTC)
    try:
        body: str | None = request.body.decode("utf-8") if request.body else None
        is_base64 = False
    except UnicodeDecodeError:
        body, is_base64 = base64.b64encode(request.body).decode("ascii"), True
    request_id = str(uuid.uuid4())
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "resourceId": "local",
        "resourcePath": route.path,
        "httpMethod": request.method,
        "path": f"/{route.stage}{match.path}",
        "stage": route.stage,
        "protocol": "HTTP/1.1",
        "requestId": request_id,
        "extendedRequestId": request_id,
        "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": int(now.timestamp() * 1000),
        "domainName": request.host,
        "identity": {
            "sourceIp": request.client_ip,
            "userAgent": request.header("User-Agent"),
            "accountId": None,
            "caller": None,
            "user": None,
            "userArn": None,
        },
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": dict(claims)}
    return {
        "resource": route.path,
        "path": match.path,
        "httpMethod": request.method,
        "headers": headers_single,
        "multiValueHeaders": headers_multi,
        "queryStringParameters": query_single,
        "multiValueQueryStringParameters": query_multi,
        "pathParameters": match.path_parameters or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": body,
        "isBase64Encoded": is_base64,
    }


class MalformedProxyResponseError(ValueError):
    pass


def http_response(result: Any) -> HttpResponse:
    """Translate the handler's proxy response the way API Gateway does."""
    if not isinstance(result, Mapping) or not isinstance(result.get("statusCode"), int):
        raise MalformedProxyResponseError(f"not a proxy response: {str(result)[:200]}")
    headers: list[tuple[str, str]] = []
    for name, values in (result.get("multiValueHeaders") or {}).items():
        headers += [(name, str(value)) for value in values]
    for name, value in (result.get("headers") or {}).items():
        if not any(existing.lower() == name.lower() for existing, _ in headers):
            headers.append((name, str(value)))
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    body = result.get("body")
    if body is None:
        payload = b""
    elif result.get("isBase64Encoded"):
        payload = base64.b64decode(body)
    else:
        payload = str(body).encode("utf-8")
    return HttpResponse(int(result["statusCode"]), headers, payload)


class ApiGateway:
    def __init__(self, routes: Sequence[ApiRoute], invoke: Callable[..., Any]) -> None:
        self.router = Router(routes)
        self._invoke = invoke

    def handle(self, request: HttpRequest) -> HttpResponse:
        path = urlsplit(request.target).path
        found = self.router.resolve(request.method, path)
        if not isinstance(found, RouteMatch):
            status, allowed = found
            if status == 405:
                return error_response(
                    405,
                    "METHOD_NOT_ALLOWED",
                    f"{request.method} is not allowed on {path}; allowed: {', '.join(allowed)}",
                    [("Allow", ", ".join(allowed))],
                )
            return error_response(404, "ROUTE_NOT_FOUND", f"no route for {request.method} {path} in template.yaml")
        claims: dict[str, str] | None = None
        if found.route.authenticated:
            try:
                claims = claims_for(request.header("Authorization"))
            except UnauthenticatedError as error:
                response = error_response(401, "UNAUTHENTICATED", str(error))
                response.function_id = found.route.function_id
                return response
        event = proxy_event(request, found, claims)
        started = time.monotonic()
        try:
            result = self._invoke(found.route.function_id, event, mutating=request.method not in ("GET", "HEAD"))
            response = http_response(result)
        except MalformedProxyResponseError as error:
            log.error("%s: %s", found.route.function_id, error)
            response = json_response(502, {"message": "Internal server error"})
        except Exception:
            log.exception("%s raised (API Gateway answers 502)", found.route.function_id)
            response = json_response(502, {"message": "Internal server error"})
        log.debug("%s took %.0f ms", found.route.function_id, (time.monotonic() - started) * 1000)
        response.function_id = found.route.function_id
        return response
