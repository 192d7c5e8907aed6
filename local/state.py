"""What survives a restart: the embedded backend's table items (`state.json`), the emails its SES accepted
(`emails.json`, see local/emails.py) and the log of events that reached the bus (`events.jsonl`), all under the
state directory (`.local/` by default)."""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

log = logging.getLogger("local.state")

SAVE_EVERY_SECONDS = 1.0
_BINARY_TYPES = ("B", "BS")


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray):
        return {"__b64__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__b64__"}:
            return base64.b64decode(value["__b64__"])
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


class TableSnapshot:
    """Dump and reload every item of the given tables (a Scan: this is dev tooling, not a request path)."""

    def __init__(self, path: Path, ddb: Any, table_names: Iterable[str]) -> None:
        self.path = path
        self.ddb = ddb
        self.table_names = sorted(table_names)
        self._lock = threading.Lock()

    def save(self) -> int:
        with self._lock:
            tables: dict[str, list[Any]] = {}
            for name in self.table_names:
                items: list[Any] = []
                for page in self.ddb.get_paginator("scan").paginate(TableName=name):
                    items += page.get("Items", [])
                tables[name] = items
            write_atomically(self.path, json.dumps({"version": 1, "tables": _encode(tables)}))
            return sum(len(items) for items in tables.values())

    def load(self) -> int:
        if not self.path.exists():
            return 0
        document = json.loads(self.path.read_text(encoding="utf-8"))
        tables = _decode(document.get("tables", {}))
        count = 0
        for name, items in tables.items():
            if name not in self.table_names:
                log.warning("%s: table %s is no longer in the template; its items are dropped", self.path, name)
                continue
            for start in range(0, len(items), 25):
                requests: dict[str, Any] = {
                    name: [{"PutRequest": {"Item": item}} for item in items[start : start + 25]]
                }
                while requests:
                    requests = self.ddb.batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}
            count += len(items)
        return count


class Snapshot(Protocol):
    """Something saved to one file under the state directory: `save` returns how many records it wrote."""

    path: Path

    def save(self) -> int: ...


class StateSaver(threading.Thread):
    """Saves the snapshots shortly after something changed (and the runtime once more on stop)."""

    def __init__(self, snapshots: Sequence[Snapshot], stopping: threading.Event) -> None:
        super().__init__(name="state-saver", daemon=True)
        self.snapshots = list(snapshots)
        self.stopping = stopping
        self._dirty = threading.Event()

    def mark_dirty(self) -> None:
        self._dirty.set()

    def run(self) -> None:
        while not self.stopping.wait(SAVE_EVERY_SECONDS):
            if self._dirty.is_set():
                self._dirty.clear()
                for snapshot in self.snapshots:
                    try:
                        snapshot.save()
                    except Exception:
                        log.exception("saving %s failed", snapshot.path)
                        self._dirty.set()


class EventLog:
    """Every event that reached a bus, in arrival order; appended to `events.jsonl` as it arrives."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._events: list[dict[str, Any]] = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self._events.append(json.loads(line))

    def record(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._events.append(event)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(event) + "\n")

    def events(self, detail_type: str | None = None, source: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [
                event
                for event in self._events
                if (detail_type is None or event.get("detail-type") == detail_type)
                and (source is None or event.get("source") == source)
            ]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self.path.unlink(missing_ok=True)
