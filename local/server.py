"""The HTTP front door: API routes from the template plus the runtime's own `/_local/*` endpoints."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from local.apidocs import ApiDocs
from local.apigw import ApiGateway, HttpRequest, HttpResponse, RouteMatch, error_response, json_response
from local.runtime import EmailsElsewhereError, LocalRuntime, PutEventsError, UnknownBusError
from local.schedules import AmbiguousScheduleError, ScheduleInputError, UnknownScheduleError

log = logging.getLogger("local.server")

# API Gateway refuses request payloads over 10 MB with a 413.
MAX_BODY_BYTES = 10 * 1024 * 1024
_READ_SIZE = 64 * 1024
_MAX_LINE = 64 * 1024
# The longest a connection closing after an error keeps draining what its client still sends (see `_linger`).
LINGER_SECONDS = 2.0
_DIGITS = re.compile(r"[0-9]+")
_HEX = re.compile(rb"[0-9A-Fa-f]+")
# What `POST /_local/events` takes, and EventBridge's limit on one event's size.
EVENT_FIELDS = ("source", "detail_type", "detail", "bus")
MAX_EVENT_BYTES = 256 * 1024
SCHEDULES_PREFIX = "/_local/schedules/"


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
            return self._local(request, url.path, parse_qs(url.query))
        if self.docs.handles(url.path) and not self._routed(url.path):
            return self.docs.handle(request.method, url.path, request.host or "127.0.0.1")
        return self.gateway.handle(request)

    def _routed(self, path: str) -> bool:
        """Whether template.yaml routes the path (any method): its routes win over `/docs` and `/openapi.json`."""
        found = self.gateway.router.resolve("GET", path)
        return isinstance(found, RouteMatch) or found[0] == 405

    def _local(self, request: HttpRequest, path: str, query: dict[str, list[str]]) -> HttpResponse:
        method = request.method
        if path == "/_local/health":
            return json_response(200, {"status": "ok", "backend": self.runtime.backend.endpoints})
        if path == "/_local/events":
            if method == "GET":
                events = self.runtime.event_log.events(
                    detail_type=_last(query, "detail_type"),
                    source=_last(query, "source"),
                )
                return json_response(200, {"status": "success", "data": events})
            if method == "POST":
                return self._put_event(request.body)
            if method == "DELETE":
                self.runtime.event_log.clear()
                return HttpResponse(204)
            return _not_allowed(method, path, ["DELETE", "GET", "POST"])
        if path == "/_local/emails":
            return self._emails(method, path, query)
        if path == "/_local/routes":
            routes = [
                {"method": r.method, "path": r.path, "stage": r.stage, "function": r.function_id}
                for r in self.runtime.project.routes
            ]
            return json_response(200, {"status": "success", "data": routes})
        if path == "/_local/schedules":
            if method == "GET":
                return json_response(200, {"status": "success", "data": self.runtime.schedules.listing()})
            return _not_allowed(method, path, ["GET"])
        if path.startswith(SCHEDULES_PREFIX) and len(path) > len(SCHEDULES_PREFIX):
            if method == "POST":
                return self._run_schedule(unquote(path[len(SCHEDULES_PREFIX) :]))
            return _not_allowed(method, path, ["POST"])
        return error_response(404, "ROUTE_NOT_FOUND", f"unknown local endpoint {method} {path}")

    def _emails(self, method: str, path: str, query: dict[str, list[str]]) -> HttpResponse:
        """What SES was asked to send, as data: bodies are listed verbatim inside the JSON, never rendered."""
        if method not in ("GET", "DELETE"):
            return _not_allowed(method, path, ["DELETE", "GET"])
        try:
            if method == "DELETE":
                self.runtime.clear_emails()
                return HttpResponse(204)
            emails = self.runtime.emails(recipient=_last(query, "to"), sender=_last(query, "from"))
        except EmailsElsewhereError as error:
            return error_response(404, "EMAILS_NOT_EMBEDDED", str(error))
        # The bodies are often HTML: a browser must show this JSON as JSON, never sniff it into a page.
        return json_response(200, {"status": "success", "data": emails}, [("X-Content-Type-Options", "nosniff")])

    def _put_event(self, body: bytes) -> HttpResponse:
        """Put the body's event on a bus of the template, as another service would."""
        try:
            source, detail_type, detail, bus_name = _event_fields(body)
            bus = self.runtime.event_bus(bus_name)
        except _FieldError as error:
            return error.response()
        except UnknownBusError as error:
            return _FieldError("bus", str(error)).response()
        try:
            event_id = self.runtime.put_event(source, detail_type, detail, bus)
        except PutEventsError as error:
            return error_response(502, "PUT_EVENTS_FAILED", f"the bus {bus} refused the event: {error}")
        return json_response(202, {"status": "success", "data": {"id": event_id, "bus": bus}})

    def _run_schedule(self, name: str) -> HttpResponse:
        try:
            schedule = self.runtime.schedules.find(name)
        except UnknownScheduleError as error:
            return error_response(404, "SCHEDULE_NOT_FOUND", str(error.args[0]))
        except AmbiguousScheduleError as error:
            return error_response(409, "AMBIGUOUS_SCHEDULE", str(error.args[0]))
        try:
            run = self.runtime.schedules.run(schedule)
        except ScheduleInputError as error:
            response = error_response(500, "INVALID_SCHEDULE_INPUT", str(error))
        except Exception as error:
            log.exception("%s raised on its schedule %s", schedule.function_id, schedule.logical_id)
            message = f"{schedule.function_id} raised {type(error).__name__}: {error}"
            response = error_response(502, "FUNCTION_ERROR", message)
        else:
            data = {"schedule": schedule.logical_id, "function": schedule.function_id, "event": run.event}
            # Like `make invoke`: a value JSON cannot carry is shown as its text.
            payload = json.dumps({"status": "success", "data": {**data, "result": run.result}}, default=str)
            response = HttpResponse(200, [("Content-Type", "application/json")], payload.encode("utf-8"))
        response.function_id = schedule.function_id
        return response


def _not_allowed(method: str, path: str, allowed: list[str]) -> HttpResponse:
    return error_response(
        405,
        "METHOD_NOT_ALLOWED",
        f"{method} is not allowed on {path}; allowed: {', '.join(allowed)}",
        [("Allow", ", ".join(allowed))],
    )


class _FieldError(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field

    def response(self) -> HttpResponse:
        message = str(self)
        return error_response(400, "VALIDATION_ERROR", message, details=[{"field": self.field, "message": message}])


def _event_fields(body: bytes) -> tuple[str, str, dict[str, Any], str | None]:
    """source, detail_type, detail and the optional bus of a `POST /_local/events` body."""
    shape = 'the body must be a JSON object {"source", "detail_type", "detail" (an object)[, "bus"]}'
    try:
        payload = json.loads(body) if body.strip() else None
    except ValueError:
        raise _FieldError("body", f"{shape}; it is not JSON") from None
    if not isinstance(payload, dict):
        raise _FieldError("body", shape)
    for name in payload:
        if name not in EVENT_FIELDS:
            raise _FieldError(name, f"unknown field {name!r}: {shape}")
    texts = []
    for name in ("source", "detail_type"):
        value = payload.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _FieldError(name, f"{name} must be a non-empty string")
        texts.append(value)
    detail = payload.get("detail")
    if not isinstance(detail, dict):
        raise _FieldError("detail", "detail must be a JSON object (the event's detail, not its text)")
    bus = payload.get("bus")
    if bus is not None and (not isinstance(bus, str) or not bus.strip()):
        raise _FieldError("bus", "bus must name a bus of the template (its logical id or name), or be left out")
    # EventBridge counts an entry's size as the UTF-8 bytes of its source, detail type and detail.
    size = sum(len(text.encode("utf-8")) for text in (*texts, json.dumps(detail)))
    if size > MAX_EVENT_BYTES:
        raise _FieldError("detail", f"detail makes the event {size} bytes; EventBridge takes at most {MAX_EVENT_BYTES}")
    return texts[0], texts[1], detail, bus


class _ClientGoneError(Exception):
    """The client closed its side before the whole body arrived: there is nobody left to answer."""


class _BodyError(Exception):
    def __init__(self, status: int, code: str, message: str, *, framed: bool) -> None:
        super().__init__(message)
        self.response = error_response(status, code, message)
        # Whether the body was read to its end: if not, where the next request starts is unknown.
        self.framed = framed


def _unframed(message: str) -> _BodyError:
    return _BodyError(400, "BAD_REQUEST", message, framed=False)


class _BodyReader:
    """Reads a body in bounded pieces; past MAX_BODY_BYTES it keeps reading but stops keeping."""

    def __init__(self, rfile: io.BufferedIOBase) -> None:
        self.rfile = rfile
        self.parts: list[bytes] = []
        self.size = 0

    def take(self, count: int) -> None:
        while count > 0:
            piece = self.rfile.read(min(count, _READ_SIZE))
            if not piece:
                raise _ClientGoneError
            count -= len(piece)
            self.size += len(piece)
            if self.size <= MAX_BODY_BYTES:
                self.parts.append(piece)

    def line(self) -> bytes:
        line = self.rfile.readline(_MAX_LINE + 1)
        if not line:
            raise _ClientGoneError
        if not line.endswith(b"\n"):
            raise _unframed(f"a chunk-size or trailer line is longer than {_MAX_LINE} bytes")
        return line

    def body(self) -> bytes:
        if self.size > MAX_BODY_BYTES:
            raise _BodyError(
                413, "PAYLOAD_TOO_LARGE", f"the body exceeds {MAX_BODY_BYTES} bytes (API Gateway's limit)", framed=True
            )
        return b"".join(self.parts)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm holds the body until the
    # client's delayed ACK, about 40 ms on every keep-alive request.
    disable_nagle_algorithm = True
    server: LocalServer

    # Set when the answer goes out with part of the request possibly unread (see `_linger`).
    _unread = False

    def handle(self) -> None:
        super().handle()
        if self._unread:
            self._linger()

    def _handle(self) -> None:
        started = time.monotonic()
        try:
            body = self._read_body()
        except _ClientGoneError:
            self.close_connection = True
            log.info("%s %s: the client closed the connection before sending the whole body", self.command, self.path)
            return
        except _BodyError as error:
            if not error.framed:
                self.close_connection = self._unread = True
            response = error.response
        else:
            response = self._dispatch(body)
        self._send(response)
        elapsed = (time.monotonic() - started) * 1000
        log.info("%s %s %d %.0fms %s", self.command, self.path, response.status, elapsed, response.function_id or "-")

    def _read_body(self) -> bytes:
        """The whole body, read to its end before anything answers, whatever the route: a socket closed with
        unread data resets the connection (the client loses the answer), and on a kept-alive connection the
        leftover would be parsed as the next request."""
        reader = _BodyReader(self.rfile)
        encodings = self.headers.get_all("Transfer-Encoding") or []
        codings = [coding.strip().lower() for value in encodings for coding in value.split(",") if coding.strip()]
        if codings:
            if codings != ["chunked"]:
                raise _unframed(f"unsupported Transfer-Encoding: {', '.join(codings)} (only chunked is read)")
            if "Content-Length" in self.headers:
                # Chunked framing wins over Content-Length, but a peer sending both may disagree on where the
                # request ends, so nothing more is read from this connection.
                self.close_connection = True
            self._read_chunks(reader)
            return reader.body()
        lengths = {
            length.strip() for value in self.headers.get_all("Content-Length") or [] for length in value.split(",")
        }
        if not lengths:
            return b""
        length = lengths.pop()
        if lengths or not _DIGITS.fullmatch(length):
            raise _unframed("Content-Length must be one non-negative decimal integer")
        reader.take(int(length))
        return reader.body()

    @staticmethod
    def _read_chunks(reader: _BodyReader) -> None:
        while True:
            size = reader.line().split(b";", 1)[0].strip()  # a chunk extension follows ';'
            if not _HEX.fullmatch(size):
                raise _unframed("a chunk size must be a hexadecimal integer")
            if int(size, 16) == 0:
                break
            reader.take(int(size, 16))
            if reader.line().strip():
                raise _unframed("a chunk is longer than its declared size")
        while reader.line().strip():  # trailer fields, up to the blank line ending the request
            pass

    def _dispatch(self, body: bytes) -> HttpResponse:
        request = HttpRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=body,
            client_ip=self.client_address[0],
            host=self.headers.get("Host", ""),
        )
        try:
            return self.server.app.handle(request)
        except Exception:
            log.exception("unexpected error serving %s %s", self.command, self.path)
            return error_response(500, "LOCAL_RUNTIME_ERROR", "the local runtime failed; see its log")

    def _send(self, response: HttpResponse) -> None:
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD" and response.body:
            self.wfile.write(response.body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own refusals (request line or headers unreadable) leave the body unread."""
        self._unread = True
        super().send_error(code, message, explain)

    def _linger(self) -> None:
        """Close gracefully after answering with input left unread: stop sending, then drop what the client
        still sends until it closes, for at most LINGER_SECONDS. Closing at once would reset the connection,
        and a reset can destroy the answer before the client has read it."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + LINGER_SECONDS
            while (left := deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(_READ_SIZE):
                    break
        except OSError:
            pass

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
    # Listen backlog: socketserver's 5 lets the kernel reset a burst of clients before they can be accepted.
    request_queue_size = 1024

    def __init__(self, address: tuple[str, int], app: LocalApp) -> None:
        super().__init__(address, _RequestHandler)
        self.app = app
