"""State survives a restart of the local runtime (embedded backend, `.local/`-style state directory)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.e2e.harness import FIXTURE_PROJECT, LocalServer, wait_for

pytestmark = pytest.mark.e2e


def test_items_and_events_survive_a_restart(tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    first = LocalServer(state_dir, root=FIXTURE_PROJECT).start()
    try:
        item_id = first.request("POST", "/items", {"name": "durable"}).json["data"]["id"]
        assert first.request("POST", f"/items/{item_id}/win").status == 200
        wait_for(lambda: [e for e in first.events("item.won") if e["detail"]["data"]["item_id"] == item_id])
        # Queued messages are not part of the saved state: let the consumers finish first.
        wait_for(
            lambda: (data := first.request("GET", f"/items/{item_id}").json["data"])["consumed"] and data["inboxed"]
        )
    finally:
        assert first.stop() == 0
    saved = json.loads((state_dir / "state.json").read_text())
    assert any(item["pk"]["S"] == f"ITEM#{item_id}" for item in saved["tables"]["sales-local-items"])

    second = LocalServer(state_dir, root=FIXTURE_PROJECT).start()
    try:
        reply = second.request("GET", f"/items/{item_id}")
        assert reply.status == 200, reply.body
        assert reply.json["data"] == {
            "id": item_id,
            "name": "durable",
            "owner": "00000000-0000-7000-8000-000000000001",
            "won": True,
            "consumed": True,
            "inboxed": True,
        }
        mine = [e for e in second.events() if e["detail"]["data"]["item_id"] == item_id]
        assert sorted(e["detail-type"] for e in mine) == ["item.created", "item.won"]
        # Reloaded outbox rows are not relayed a second time.
        time.sleep(1.0)
        assert len([e for e in second.events() if e["detail"]["data"]["item_id"] == item_id]) == 2
        assert second.request("DELETE", "/_local/events").status == 204
        assert second.events() == []
    finally:
        assert second.stop() == 0
