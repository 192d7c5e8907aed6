"""The snapshot the "nothing was written" checks compare: read from moto's in-memory tables, it must still see
every write a command makes."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.table import Snapshot


def test_a_snapshot_sees_every_write(api: Api) -> None:
    before = Snapshot.take()
    api.post("/sales/contacts", {"kind": "person", "display_name": "Seen", "emails": ["seen@example.org"]})
    after = Snapshot.take()
    added = after.diff(before)
    assert added and sum(after.counts().values()) > sum(before.counts().values())
    contact = api.post("/sales/contacts", {"kind": "person", "display_name": "Seen again"}).data
    again = Snapshot.take()
    assert again != after
    api.patch(f"/sales/contacts/{contact['id']}", {"display_name": "Renamed"})
    assert Snapshot.take() != again, "an update in place changes the snapshot too"
