"""Drive `python -m local` as a subprocess and talk to it over real HTTP."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[2]
FIXTURE_PROJECT = Path(__file__).resolve().parent / "fixture_project"
START_TIMEOUT = 40.0

T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def die_with_parent() -> None:
    """Popen preexec_fn (Linux): the child gets SIGTERM if the test process dies without tearing it down."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def clean_env(**overrides: str) -> dict[str, str]:
    """The test process's environment without endpoint overrides (tests add their own)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update(overrides)
    return env


def wait_for(probe: Callable[[], T | None], timeout: float = 10.0, interval: float = 0.1) -> T:
    """Poll until `probe` returns something truthy; fail with the last value."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s (last: {last!r})")


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


class LocalServer:
    """`python -m local serve` on a free port, with its own state directory and log file."""

    def __init__(
        self,
        state_dir: Path,
        *,
        root: Path | None = None,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.state_dir = state_dir
        self.root = root
        self.env = dict(env) if env is not None else clean_env()
        self.port = port or free_port()
        self.log_path = state_dir.parent / f"{state_dir.name}-server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalServer:
        command = [sys.executable, "-m", "local", "serve", "--port", str(self.port), "--state-dir", str(self.state_dir)]
        if self.root is not None:
            command += ["--root", str(self.root)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=self.env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=die_with_parent
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"local server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if self.request("GET", "/_local/health").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"local server did not start within {START_TIMEOUT}s:\n{self.log()}")

    def stop(self) -> int:
        """Ctrl-C, as a developer would; returns the exit code."""
        if self.process is None:
            return 0
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                return process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError(f"local server ignored Ctrl-C:\n{self.log()}") from None
        return int(process.returncode)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:] if self.log_path.exists() else ""

    def request(self, method: str, path: str, body: Any = None, headers: Mapping[str, str] | None = None) -> Response:
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return Response(reply.status, list(reply.headers.items()), reply.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, list(error.headers.items()), error.read())

    def events(self, detail_type: str | None = None) -> list[dict[str, Any]]:
        query = f"?detail_type={detail_type}" if detail_type else ""
        reply = self.request("GET", f"/_local/events{query}")
        assert reply.status == 200, reply.body
        assert reply.json["status"] == "success"
        return list(reply.json["data"])
