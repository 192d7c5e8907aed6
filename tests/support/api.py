"""Drive the real handlers in-process, routed exactly like API Gateway routes template paths."""

from __future__ import annotations

import base64
import importlib.util
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import Any

from kernel.contract import Contract, Role
from tests.support.aws import ROOT, context_of
from tests.support.events import DEFAULT_USER, api_event, claims
from tools.registry import ALL

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
_loaded = itertools.count(1)


class LambdaContext:
    function_name = "test"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:test"
    aws_request_id = "test-request"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 10_000


def _load(folder: str, name: str) -> ModuleType:
    path = ROOT / "functions" / folder / "app.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def function_module(folder: str) -> ModuleType:
    """functions/<folder>/app.py, loaded under a unique name (every function module is `app`)."""
    return _load(folder, "fn_" + folder.replace("/", "_"))


def fresh_handler(folder: str) -> Handler:
    """functions/<folder>/app.py loaded once more under a new name: its own resolver, as a second Lambda
    execution environment has. Threads must not share one resolver (it keeps the current event)."""
    module = _load(folder, f"fresh_{folder.replace('/', '_')}_{next(_loaded)}")
    return module.lambda_handler  # type: ignore[no-any-return]


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path) + "$")


def route(method: str, path: str) -> tuple[Contract, dict[str, str]] | None:
    """Literal segments beat placeholders, as in API Gateway."""
    candidates = []
    for contract in ALL:
        match = _pattern(contract.http.path).match(path)
        if match and contract.http.method == method:
            literal = sum(1 for part in contract.http.path.split("/") if part and not part.startswith("{"))
            candidates.append((literal, contract, match.groupdict()))
    if not candidates:
        return None
    _, contract, params = max(candidates, key=lambda c: c[0])
    return contract, params


def staff_claims(method: str, path: str, user: str = DEFAULT_USER) -> dict[str, str]:
    """The default caller's claims for a request: a sales rep, a billing clerk on billing routes, or an admin where
    the route is admin-only."""
    found = route(method, path)
    if found is None or Role.SALES in found[0].policy.roles:
        return claims(user)
    if Role.BILLING in found[0].policy.roles:
        return claims(user, "billing")
    return claims(user, "admin")


def routed_event(
    method: str,
    path: str,
    *,
    query: dict[str, Any] | None = None,
    body: Any = None,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
    principal: dict[str, str] | None = None,
) -> tuple[dict[str, Any], str]:
    """The API Gateway event for a request and the function folder API Gateway would route it to."""
    found = route(method, path)
    assert found, f"no contract routes {method} {path}"
    contract, params = found
    event = api_event(
        method,
        path,
        resource=contract.http.path,
        path_params=params,
        query={name: str(value) for name, value in (query or {}).items()} or None,
        body=body,
        raw_body=raw_body,
        headers=headers,
        principal=principal,
    )
    return event, contract.function_folder


def request_event(
    method: str,
    path: str,
    *,
    query: dict[str, Any] | None = None,
    body: Any = None,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
    principal: dict[str, str] | None = None,
) -> tuple[dict[str, Any], Any]:
    """The API Gateway event for a request and the handler API Gateway would route it to, wrapped to run in the
    environment of its context (its table)."""
    event, folder = routed_event(
        method, path, query=query, body=body, raw_body=raw_body, headers=headers, principal=principal
    )
    handler = function_module(folder).lambda_handler

    def in_context(event: dict[str, Any], context: Any) -> Any:
        with context_of(folder):
            return handler(event, context)

    return event, in_context


def decode(response: dict[str, Any]) -> tuple[int, dict[str, str], dict[str, Any] | None]:
    """Status, headers (single- and multi-value merged) and JSON body of a proxy response; a binary body (a PDF,
    base64-encoded as API Gateway wants it) is kept as `{"content": <bytes>}`."""
    headers = dict(response.get("headers") or {})
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(name, values[-1])
    text = response.get("body")
    if response.get("isBase64Encoded"):
        return response["statusCode"], headers, {"content": base64.b64decode(text or "")}
    return response["statusCode"], headers, json.loads(text) if text else None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: dict[str, Any] | None

    @property
    def data(self) -> Any:
        assert self.body is not None, f"no body (status {self.status})"
        return self.body["data"]

    @property
    def error_code(self) -> str | None:
        return ((self.body or {}).get("error") or {}).get("code")


class Api:
    """Requests routed like API Gateway, each served by the function's handler (one module per function)."""

    def __init__(self, principal: dict[str, str] | None = None) -> None:
        # None: the default staff caller, a sales rep, or an admin on the routes only admins may call.
        self.principal = principal

    def as_user(self, user: str, groups: str = "sales", partner_id: str | None = None) -> Api:
        return type(self)(claims(user, groups, partner_id))

    def handler(self, folder: str) -> Handler:
        return function_module(folder).lambda_handler  # type: ignore[no-any-return]

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        raw_body: str | None = None,
        anonymous: bool = False,
    ) -> Reply:
        principal = None if anonymous else self.principal if self.principal is not None else staff_claims(method, path)
        event, folder = routed_event(
            method, path, query=query, body=body, raw_body=raw_body, headers=headers, principal=principal
        )
        handler = self.handler(folder)
        with context_of(folder):
            return Reply(*decode(handler(event, LambdaContext())))

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.call("POST", path, body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.call("PUT", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.call("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.call("DELETE", path, **kwargs)


class Lambdas(Api):
    """Requests routed like `Api`, each operation served by its own freshly loaded handler: a second
    execution environment, safe to call from another thread or from inside a running request."""

    def __init__(self, principal: dict[str, str] | None = None) -> None:
        super().__init__(principal)
        self._handlers: dict[str, Handler] = {}

    def handler(self, folder: str) -> Handler:
        if folder not in self._handlers:
            self._handlers[folder] = fresh_handler(folder)
        return self._handlers[folder]


def invoke(
    handler: Handler,
    method: str,
    path: str,
    *,
    resource: str,
    path_params: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    principal: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    raw_body: str | None = None,
    base64: bool = False,
) -> Reply:
    """Call one handler with a hand-made API Gateway event (for routes `Api` cannot express)."""
    event = api_event(
        method,
        path,
        resource=resource,
        path_params=path_params,
        body=body,
        headers=headers,
        principal=principal,
        query=query,
        raw_body=raw_body,
    )
    event["isBase64Encoded"] = base64
    return Reply(*decode(handler(event, LambdaContext())))
