"""What every operation costs in AWS requests, pinned: a new request, a new item in a transaction or a Scan fails.

Counts, not times, so the test is deterministic. It runs the benchmark's cases (bench/operations.py) once each
on a moto table seeded like `make bench` seeds it (100 deals here, 10,000 there); `make bench` prints the same
table with latencies and cold starts (docs/performance.md). When an operation's cost changes on purpose,
update EXPECTED below in the same change, and say why in its review.
"""

from __future__ import annotations

import pytest

from bench import costs, targets
from bench.operations import CASES, RELAY_EVENTS

SMALL, LARGE = 100, 200

# label -> (requests in call order, items read, items written). Items read: keys a GetItem/BatchGetItem asks
# for plus items a Query evaluates; items written: items of the TransactWriteItems (or single writes).
EXPECTED: dict[str, tuple[str, int, int]] = {
    "sales.deal.get": ("GetItem", 1, 0),
    "sales.deal.list": ("Query + BatchGetItem", 30, 0),
    "sales.deal.list next page (cursor)": ("Query + BatchGetItem", 30, 0),
    "sales.deal.list ?stage=lead": ("Query + BatchGetItem", 20, 0),
    "sales.deal.list ?status=won": ("Query + BatchGetItem", 20, 0),
    "sales.deal.list ?assigned_to=": ("Query + GetItem", 11, 0),
    "sales.deal.list ?customer_id=": ("Query + GetItem", 11, 0),
    "sales.deal.list ?customer_id=&assigned_to=": ("2 Query", 20, 0),
    "sales.deal.list ?page=3": ("2 Query + BatchGetItem", 70, 0),
    "sales.deal.list_by_stage": ("Query + BatchGetItem", 20, 0),
    "sales.deal.pipeline_stats": ("BatchGetItem", 10, 0),
    "sales.deal.won_stats": ("BatchGetItem", 10, 0),
    "sales.deal.forecast": ("BatchGetItem", 10, 0),
    "sales.deal.history": ("Query", 3, 0),
    "sales.contact.get": ("GetItem", 1, 0),
    "sales.contact.list": ("Query + BatchGetItem", 20, 0),
    "sales.contact.list ?q=": ("2 Query", 2, 0),
    "sales.contact.list ?email=": ("2 GetItem", 2, 0),
    "sales.contact.deals": ("BatchGetItem + Query", 12, 0),
    "sales.deal.create": ("GetItem + TransactWriteItems", 1, 7),
    # + the command record that keeps a keyed command from applying twice (in its own transaction).
    "sales.deal.create Idempotency-Key": ("PutItem + GetItem + TransactWriteItems + UpdateItem", 1, 10),
    "sales.deal.update_basic_info": ("GetItem + TransactWriteItems", 1, 1),
    "sales.deal.update_value": ("GetItem + TransactWriteItems", 1, 3),
    "sales.deal.move_stage": ("GetItem + TransactWriteItems", 1, 6),
    "sales.deal.win": ("GetItem + TransactWriteItems", 1, 6),
    "sales.deal.lose": ("GetItem + TransactWriteItems", 1, 6),
    "sales.deal.delete": ("GetItem + TransactWriteItems", 1, 5),
    "sales.deal.restore": ("GetItem + TransactWriteItems", 1, 6),
    "sales.contact.create": ("TransactWriteItems", 0, 4),
    "sales.contact.update": ("GetItem + TransactWriteItems", 1, 2),
    "sales.contact.delete": ("GetItem + TransactWriteItems", 1, 4),
    "sales.contact.restore": ("GetItem + TransactWriteItems", 1, 3),
}


@pytest.fixture(scope="module")
def small() -> costs.SizeRun:
    return costs.run(SMALL, 1)


@pytest.fixture(scope="module")
def large() -> costs.SizeRun:
    return costs.run(LARGE, 1, cases=tuple(case for case in CASES if case.size_free))


def test_every_operation_is_pinned() -> None:
    assert sorted(EXPECTED) == sorted(case.label for case in CASES)


def test_requests_per_operation(small: costs.SizeRun) -> None:
    measured = {
        label: (result.recording.summary(), result.recording.items_read, result.recording.items_written)
        for label, result in small.results.items()
    }
    changed = {label: (EXPECTED.get(label), cost) for label, cost in measured.items() if EXPECTED.get(label) != cost}
    assert not changed, "operation costs changed (expected, measured): " + "; ".join(
        f"{label}: {was} -> {now}" for label, (was, now) in changed.items()
    )


def test_no_scan_anywhere(small: costs.SizeRun, large: costs.SizeRun) -> None:
    for run in (small, large):
        for label, result in run.results.items():
            assert "Scan" not in result.recording.by_operation, f"{label} scans the table"


def test_every_operation_within_its_budget(small: costs.SizeRun) -> None:
    over = {
        label: (result.recording.summary(), verdict.detail)
        for label, result in small.results.items()
        if not (verdict := targets.request_budget(result.case.kind, result.recording)).met
    }
    assert not over, over


def test_relay_puts_ten_events_per_request(small: costs.SizeRun) -> None:
    assert small.relay_events == RELAY_EVENTS
    assert small.relay.summary() == "3 PutEvents"
    assert small.relay.entries == RELAY_EVENTS


def test_cost_does_not_grow_with_the_table(small: costs.SizeRun, large: costs.SizeRun) -> None:
    grown = {
        label: (result.recording.summary(), result.recording.items_read, other.summary(), other.items_read)
        for label, result in small.results.items()
        if result.case.size_free
        and not targets.same_cost(result.recording, other := large.results[label].recording).met
    }
    assert not grown, f"costs differ between {SMALL} and {LARGE} deals: {grown}"
