"""The local runtime under a long run of writes: `make dev` must stay as fast and as small at the thousandth
write as at the first (its embedded moto once copied the table for every transaction and kept the copies)."""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

WRITES = 1_000
WINDOW = 100  # writes per latency window: the first and the last are compared


@dataclass(frozen=True)
class Growth:
    writes: int
    first_ms: float  # median latency of the first WINDOW writes
    last_ms: float  # median latency of the last WINDOW writes
    rss_start_mb: float
    rss_end_mb: float
    stop_seconds: float

    @property
    def latency_ratio(self) -> float:
        return self.last_ms / self.first_ms if self.first_ms else float("inf")

    @property
    def rss_growth_mb(self) -> float:
        return self.rss_end_mb - self.rss_start_mb


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(writes: int = WRITES) -> Growth:
    """Sequential value updates of one deal over HTTP against a fresh `python -m local serve`."""
    from tests.e2e.harness import LocalServer

    with tempfile.TemporaryDirectory(prefix="bench-growth-") as state:
        server = LocalServer(Path(state) / "state").start()
        try:
            assert server.process is not None
            customer = server.request("POST", "/sales/contacts", {"kind": "organization", "display_name": "Growth"})
            deal = server.request(
                "POST",
                "/sales/deals",
                {
                    "customer_id": customer.json["data"]["id"],
                    "name": "Growth",
                    "value": 100,
                    "currency": "USD",
                    "expected_close_date": (date.today() + timedelta(days=90)).isoformat(),
                },
            )
            path = f"/sales/deals/{deal.json['data']['id']}/value"
            rss_start = _rss_mb(server.process.pid)
            seconds = []
            for number in range(writes):
                started = time.perf_counter()
                reply = server.request("PUT", path, {"value": 200 + number, "currency": "USD"})
                seconds.append(time.perf_counter() - started)
                if reply.status != 200:
                    raise RuntimeError(f"write {number} answered {reply.status}: {reply.body!r}")
            rss_end = _rss_mb(server.process.pid)
        finally:
            stopping = time.perf_counter()
            server.stop()
            stop_seconds = time.perf_counter() - stopping
    window = min(WINDOW, writes)
    return Growth(
        writes=writes,
        first_ms=statistics.median(seconds[:window]) * 1000,
        last_ms=statistics.median(seconds[-window:]) * 1000,
        rss_start_mb=rss_start,
        rss_end_mb=rss_end,
        stop_seconds=stop_seconds,
    )
