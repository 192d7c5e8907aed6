"""The HTTP front door: API routes from the template plus the runtime's own `/_local/*` endpoints."""

from __future__ import annotations

import logging
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local.apidocs import ApiDocs
from local.apigw import ApiGateway, HttpRequest, HttpResponse, RouteMatch, error_response, json_response
from local.runtime import LocalRuntime

log = logging.getLogger("local.server")


def _last(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[-1] if values else None


class LocalApp:
    def __init__(self, runtime: LocalRuntime) -> None:
        self.runtime = runtime
        self.gateway = ApiGateway(runtime.project.routes, runtime.runner.invoke)
        self.docs = ApiDocs(runtime.settings.root)

    def handle(self, request: HttpRequest) -> HttpResponse:
        url = urlsplit(request.target)
        if url.path.startswith("/_local/"):
            return self._local(request.method, url.path, parse_qs(url.query))
        if self.docs.handles(url.path) and not self._routed(url.path):
            return self.docs.handle(request.method, url.path, request.host or "127.0.0.1")
        return self.gateway.handle(request)

    def _routed(self, path: str) -> bool:
        """Whether template.yaml routes the path (any method): its routes win over `/docs` and `/openapi.json`."""
        found = self.gateway.router.resolve("GET", path)
        return isinstance(found, RouteMatch) or found[0] == 405

    def _local(self, method: str, path: str, query: dict[str, list[str]]) -> HttpResponse:
        if path == "/_local/health":
            return json_response(200, {"status": "ok", "backend": self.runtime.backend.endpoints})
        if path == "/_local/events" and method == "GET":
            events = self.runtime.event_log.events(
                detail_type=_last(query, "detail_type"),
                source=_last(query, "source"),
            )
            return json_response(200, {"status": "success", "data": events})
        if path == "/_local/events" and method == "DELETE":
            self.runtime.event_log.clear()
            return HttpResponse(204)
        if path == "/_local/routes":
            routes = [
                {"method": r.method, "path": r.path, "stage": r.stage, "function": r.function_id}
                for r in self.runtime.project.routes
            ]
            return json_response(200, {"status": "success", "data": routes})
        return error_response(404, "ROUTE_NOT_FOUND", f"unknown local endpoint {method} {path}")


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm holds the body until the
    # client's delayed ACK, about 40 ms on every keep-alive request.
    disable_nagle_algorithm = True
    server: LocalServer

    def _handle(self) -> None:
        started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = HttpRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            client_ip=self.client_address[0],
            host=self.headers.get("Host", ""),
        )
        try:
            response = self.server.app.handle(request)
        except Exception:
            log.exception("unexpected error serving %s %s", self.command, self.path)
            response = error_response(500, "LOCAL_RUNTIME_ERROR", "the local runtime failed; see its log")
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)
        elapsed = (time.monotonic() - started) * 1000
        log.info("%s %s %d %.0fms %s", self.command, self.path, response.status, elapsed, response.function_id or "-")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle

    def __getattr__(self, name: str) -> Any:
        """Any other method (TRACE, QUERY, ...) is routed too, so a known path answers 405 with the error
        envelope rather than http.server's HTML 501 (a 5xx that API Gateway never gives for a bad method)."""
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence http.server's own access log; `_handle` logs one line per request."""


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: LocalApp) -> None:
        super().__init__(address, _RequestHandler)
        self.app = app
