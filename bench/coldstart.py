"""Cold starts: fresh interpreters importing each function's handler, side by side with the boto3 floor.

The floor is `python -c "import boto3; boto3.client('dynamodb')"`; a function costs `python -c "import app"`
with the layer and its folder on PYTHONPATH and its template.yaml environment. Both run in the same
interpreter, interleaved (a floor run before every few functions, so both see the same machine load), each
a fresh process; the figure is the median wall time of each, and the ratio is function / floor.

The cold path as a caller waits for it (import and first request against moto) is `bench/coldpath.py`; the
local stub below only serves `imported_modules`, which records what the functions load on a first request.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.env import FAKE_AWS, ROOT, function_environment

FLOOR = "import boto3; boto3.client('dynamodb')"
IMPORT = "import app"
FIRST_RESPONSE = """
import json, sys
import app
class Context:
    function_name = "bench"; memory_limit_in_mb = 512; aws_request_id = "bench"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:bench"
    def get_remaining_time_in_millis(self): return 10000
with open(sys.argv[1]) as handle:
    app.lambda_handler(json.load(handle), Context())
if len(sys.argv) > 2:
    print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""
FLOOR_EVERY = 3  # one floor run before every FLOOR_EVERY functions, in every round


@dataclass(frozen=True)
class Function:
    logical_id: str
    folder: str  # the function's own folder name (deal_create), unique within its context
    code_uri: str  # functions/<context>/<folder>

    @property
    def context(self) -> str:
        return Path(self.code_uri).parts[1]

    @property
    def sample_event(self) -> Path:
        """Its generated sample: events/<context>/<api|stream|sqs>/<folder>.json, by what feeds it."""
        [found] = sorted((ROOT / "events" / self.context).glob(f"*/{self.folder}.json"))
        return found


def functions(context: str = "sales") -> list[Function]:
    """The functions of one bounded context (the bench measures the Sales service's), from template.yaml and
    its nested stacks; keyed by folder, which is unique within a context (every context has an outbox_relay)."""
    from local.template import load_template

    template = load_template(ROOT / "template.yaml")
    found = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            code_uri = str(resource["Properties"]["CodeUri"]).rstrip("/")
            if code_uri.startswith(f"functions/{context}/"):
                found.append(Function(logical_id, Path(code_uri).name, code_uri))
    return sorted(found, key=lambda function: function.folder)


@dataclass
class Samples:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.wall)

    @property
    def cpu_median(self) -> float:
        return statistics.median(self.cpu)


@dataclass
class ColdStart:
    environment: str  # which interpreter/site-packages
    python: str
    rounds: int
    floor: Samples
    imports: dict[str, Samples]
    lambda_mode: dict[str, float] = field(default_factory=dict)  # folder -> ratio with tracing on

    def ratio(self, folder: str) -> float:
        return self.imports[folder].median / self.floor.median

    def cpu_ratio(self, folder: str) -> float:
        return self.imports[folder].cpu_median / self.floor.cpu_median

    @property
    def worst(self) -> tuple[str, float]:
        folder = max(self.imports, key=self.ratio)
        return folder, self.ratio(folder)


def _environment(function: Function | None, extra: dict[str, str] | None = None) -> dict[str, str]:
    variables = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "POWERTOOLS_", "PYTHON", "LAMBDA_", "_X_AMZN"))
    }
    variables.update(FAKE_AWS)
    variables.update(function_environment(function.logical_id if function else None))
    variables["PYTHONDONTWRITEBYTECODE"] = "1"  # same .pyc state for every run
    if function is not None:
        variables["PYTHONPATH"] = os.pathsep.join(
            [str(ROOT / "layers" / "kernel"), str(ROOT / "layers" / function.context), str(ROOT / function.code_uri)]
        )
    variables.update(extra or {})
    return variables


def _run(python: str, code: str, env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh interpreter (its output is discarded; stderr only on failure)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603
            [python, "-c", code, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{python} -c {code!r} failed ({process.returncode}):\n{tail}")
    return wall, usage.ru_utime + usage.ru_stime


def _warm_pyc(python: str, selected: Sequence[Function]) -> None:
    """Compile everything once so no measured run pays for writing bytecode."""
    for function in selected:
        env = _environment(function)
        env.pop("PYTHONDONTWRITEBYTECODE")
        _run(python, IMPORT, env)
    env = _environment(None)
    env.pop("PYTHONDONTWRITEBYTECODE")
    _run(python, FLOOR, env)


def measure(
    python: str, environment: str, selected: Sequence[Function], rounds: int, *, lambda_mode: Sequence[str] = ()
) -> ColdStart:
    _warm_pyc(python, selected)
    floor = Samples()
    imports = {function.folder: Samples() for function in selected}
    floor_env = _environment(None)
    envs = {function.folder: _environment(function) for function in selected}
    for _round in range(rounds):
        for index, function in enumerate(selected):
            if index % FLOOR_EVERY == 0:
                wall, cpu = _run(python, FLOOR, floor_env)
                floor.wall.append(wall)
                floor.cpu.append(cpu)
            wall, cpu = _run(python, IMPORT, envs[function.folder])
            imports[function.folder].wall.append(wall)
            imports[function.folder].cpu.append(cpu)
    result = ColdStart(environment, python, rounds, floor, imports)
    if lambda_mode:
        result.lambda_mode = _lambda_mode(python, [f for f in selected if f.folder in lambda_mode], min(rounds, 5))
    return result


def _lambda_mode(python: str, selected: Sequence[Function], rounds: int) -> dict[str, float]:
    """As in Lambda with `Tracing: Active`: LAMBDA_TASK_ROOT set, so Powertools builds the X-Ray tracer
    (and patches botocore) at import. The floor gets the same variables (it never imports X-Ray)."""
    extra = LAMBDA_MODE
    floor = Samples()
    imports = {function.folder: Samples() for function in selected}
    for _round in range(rounds):
        floor.wall.append(_run(python, FLOOR, _environment(None, extra))[0])
        for function in selected:
            imports[function.folder].wall.append(_run(python, IMPORT, _environment(function, extra))[0])
    return {folder: samples.median / floor.median for folder, samples in imports.items()}


LAMBDA_MODE = {
    "LAMBDA_TASK_ROOT": str(ROOT),
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
}


def imported_modules(python: str, selected: Sequence[Function]) -> set[str]:
    """Top-level modules the functions load on their sample event, run as in Lambda (tracing on)."""
    found: set[str] = set()
    with stub_endpoint() as url:
        extra = {**LAMBDA_MODE, "AWS_ENDPOINT_URL_DYNAMODB": url, "AWS_ENDPOINT_URL_EVENTBRIDGE": url}
        for function in selected:
            output = subprocess.run(  # noqa: S603
                [python, "-c", FIRST_RESPONSE, str(function.sample_event), "--modules"],
                env=_environment(function, extra),
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            found.update(json.loads(output.strip().splitlines()[-1]))
    return found


# -- stub AWS endpoint -------------------------------------------------------------------------------
_EMPTY: dict[str, Any] = {
    "Query": {"Items": [], "Count": 0, "ScannedCount": 0},
    "BatchGetItem": {"Responses": {}, "UnprocessedKeys": {}},
}


def _stub_item(pk: str) -> dict[str, Any] | None:
    """GetItem answers: a live contact or an open deal under any id, so commands reach their write."""
    from datetime import UTC, date, datetime, timedelta

    from kernel.dynamodb.codec import to_attributes
    from kernel.money import Money
    from sales.contact.model import Contact, ContactKind
    from sales.contact.store import contact_item
    from sales.deal.model import Deal
    from sales.deal.store import deal_item

    now = datetime.now(UTC)
    kind, _, identifier = pk.partition("#")
    if kind == "CONTACT" and identifier:
        contact = Contact.create(kind=ContactKind.ORGANIZATION, display_name="Stub GmbH", owner_id="stub", now=now)
        contact.id, contact.version = identifier, 1
        return to_attributes(contact_item(contact))
    if kind == "DEAL" and identifier:
        deal = Deal.create(
            customer_id=identifier,
            assigned_to="0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b",
            name="Stub deal",
            value=Money(100_000, "USD"),
            expected_close_date=date.today() + timedelta(days=90),
            actor="stub",
            now=now,
            deal_id=identifier,
        )
        deal.version = 1
        return to_attributes(deal_item(deal))
    return None


class _Stub(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = json.loads(self.rfile.read(length) or b"{}")
        target = (self.headers.get("X-Amz-Target") or "").rsplit(".", 1)[-1]
        body: dict[str, Any]
        if target == "GetItem":
            found = _stub_item(request.get("Key", {}).get("PK", {}).get("S", ""))
            body = {"Item": found} if found else {}
            content_type = "application/x-amz-json-1.0"
        elif target == "PutEvents":
            body = {
                "FailedEntryCount": 0,
                "Entries": [{"EventId": f"stub-{i}"} for i, _ in enumerate(request.get("Entries", []))],
            }
            content_type = "application/x-amz-json-1.1"
        else:
            body = _EMPTY.get(target, {})
            content_type = "application/x-amz-json-1.0"
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def stub_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def dev_python() -> str:
    return sys.executable
