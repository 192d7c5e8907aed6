"""The relay's PutEvents calls: at most 10 entries and 256 KB each, counted as EventBridge counts them."""

from __future__ import annotations

from typing import Any

from kernel.dynamodb.outbox import CHUNK_BYTES, Pending, _chunks, entry_size


def entry(detail_bytes: int) -> Pending:
    return Pending(
        "1", {"Source": "sales", "DetailType": "message.received", "Detail": "x" * detail_bytes, "Resources": []}
    )


def sizes(chunks: list[list[Pending]]) -> list[int]:
    return [len(chunk) for chunk in chunks]


def test_small_entries_go_ten_at_a_time() -> None:
    assert sizes(_chunks([entry(100) for _ in range(23)])) == [10, 10, 3]


def test_large_entries_go_in_calls_of_their_own_under_the_limit() -> None:
    big = [entry(200 * 1024) for _ in range(3)]
    small = [entry(1000) for _ in range(4)]
    chunks = _chunks([small[0], *big, *small[1:]])
    assert sizes(chunks) == [2, 1, 4]
    assert all(sum(entry_size(item.entry) for item in chunk) <= CHUNK_BYTES for chunk in chunks)


def test_size_counts_utf8_bytes_and_the_time() -> None:
    detail: dict[str, Any] = {"Source": "sales", "DetailType": "t", "Detail": "é", "Resources": ["r"]}
    assert entry_size(detail) == 14 + len("sales") + 1 + 2 + 1
