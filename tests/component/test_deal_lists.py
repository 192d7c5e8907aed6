"""Deal lists: cursor and page pagination, filters and their totals, list by stage (SPEC §2 lists, §3.1)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from tests.component.helpers import OTHER_USER, SEED_REP, assert_error
from tests.support.api import Api
from tests.support.events import DEFAULT_USER

NewDeal = Callable[..., dict[str, Any]]


def ids(reply: Any) -> list[str]:
    return [item["id"] for item in reply.data]


def walk(api: Api, path: str, page_size: int, **query: Any) -> list[Any]:
    """Follow next_cursor to the end; return every page's reply."""
    pages = []
    cursor = None
    while True:
        params = {"page_size": page_size, **query}
        if cursor:
            params["cursor"] = cursor
        reply = api.get(path, query=params)
        assert reply.status == 200, reply.body
        pages.append(reply)
        cursor = reply.body["pagination"]["next_cursor"]
        if not cursor:
            return pages
        assert len(pages) < 50, "pagination does not end"


def test_pagination_over_25_deals_by_cursor_and_by_seed_page_number(api: Api, new_deal: NewDeal) -> None:
    made = [new_deal(name=f"Deal {number:02d}") for number in range(25)]
    # Cursor walk: 10 / 10 / 5, no duplicates, total 25 on every page.
    pages = walk(api, "/sales/deals", 10)
    assert [len(page.data) for page in pages] == [10, 10, 5]
    for page in pages:
        assert page.body["status"] == "success"
        pagination = page.body["pagination"]
        assert pagination["total"] == 25
        assert pagination["page_size"] == 10
        assert "page" not in pagination and "total_pages" not in pagination  # only with ?page=
    assert pages[-1].body["pagination"]["next_cursor"] is None
    seen = [deal_id for page in pages for deal_id in ids(page)]
    assert len(seen) == len(set(seen)) == 25
    assert set(seen) == {deal["id"] for deal in made}
    assert seen == sorted(seen, reverse=True)  # newest first (ids are UUIDv7)

    # The seed's ?page=2&page_size=10.
    by_number = [api.get("/sales/deals", query={"page": number, "page_size": 10}) for number in (1, 2, 3, 4)]
    second = by_number[1]
    assert second.status == 200, second.body
    assert second.body["pagination"] == {
        "total": 25,
        "page": 2,
        "page_size": 10,
        "total_pages": 3,
        "next_cursor": second.body["pagination"]["next_cursor"],
    }
    assert [len(reply.data) for reply in by_number] == [10, 10, 5, 0]
    assert all(reply.body["pagination"]["total_pages"] == 3 for reply in by_number)
    assert [deal_id for reply in by_number for deal_id in ids(reply)] == seen
    # A numbered page's cursor continues where that page ends.
    after_second = api.get("/sales/deals", query={"page_size": 10, "cursor": second.body["pagination"]["next_cursor"]})
    assert ids(after_second) == ids(by_number[2])


def test_default_and_maximum_page_size(api: Api, new_deal: NewDeal) -> None:
    for _ in range(3):
        new_deal()
    reply = api.get("/sales/deals")
    assert reply.body["pagination"]["page_size"] == 20
    assert reply.body["pagination"]["total"] == 3
    assert reply.body["pagination"]["next_cursor"] is None
    assert api.get("/sales/deals", query={"page_size": 100}).status == 200


def test_bad_list_parameters_are_400(api: Api, deal: dict, subtests: Any) -> None:
    cases = [
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": 0}, "page"),
        ({"stage": "won"}, "stage"),
        ({"status": "closed"}, "status"),
        ({"customer_id": "not-a-uuid"}, "customer_id"),
        ({"assigned_to": "not-a-uuid"}, "assigned_to"),
    ]
    for query, field in cases:
        with subtests.test(query=query):
            assert_error(api.get("/sales/deals", query=query), 400, "VALIDATION_ERROR", field)


def test_invalid_cursors_are_400(api: Api, new_deal: NewDeal, subtests: Any) -> None:
    for _ in range(3):
        new_deal()
    good = api.get("/sales/deals", query={"page_size": 1}).body["pagination"]["next_cursor"]
    assert good
    forged = base64.urlsafe_b64encode(
        json.dumps({"k": {"PK": {"S": "CONTACT#x"}, "SK": {"S": "CONTACT"}}, "q": ["GSI1", "CONTACT", None]}).encode()
    ).decode()
    cases = {
        "garbage": "abc",
        "not-base64": "!!!!",
        "json-not-cursor": base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        "truncated": good[:-5],
        "other-query": forged,
        "too-long": "A" * 3000,
    }
    for name, cursor in cases.items():
        with subtests.test(name=name):
            assert_error(api.get("/sales/deals", query={"cursor": cursor}), 400, "VALIDATION_ERROR", "cursor")
    with subtests.test(name="cursor-of-another-filter"):
        # A cursor from the unfiltered list does not continue the lead-only list.
        reply = api.get("/sales/deals", query={"cursor": good, "stage": "lead"})
        assert_error(reply, 400, "VALIDATION_ERROR", "cursor")


def test_filters_and_their_totals(api: Api, new_contact: Callable[..., dict], new_deal: NewDeal) -> None:
    acme, bolt = new_contact("Acme"), new_contact("Bolt")
    other = api.as_user(OTHER_USER)
    made = {
        "acme-lead-me": new_deal(customer_id=acme["id"]),
        "acme-qualified-me": new_deal(customer_id=acme["id"]),
        "acme-won-other": new_deal(other, customer_id=acme["id"]),
        "bolt-lead-other": new_deal(other, customer_id=bolt["id"]),
        "bolt-lost-me": new_deal(customer_id=bolt["id"]),
        "bolt-lead-seed": new_deal(customer_id=bolt["id"], assigned_to=SEED_REP),
    }
    api.put(f"/sales/deals/{made['acme-qualified-me']['id']}/stage", {"stage": "qualified"})
    api.post(f"/sales/deals/{made['acme-won-other']['id']}/win", {})
    api.post(f"/sales/deals/{made['bolt-lost-me']['id']}/lose", {})

    def expect(query: dict[str, str], names: set[str]) -> None:
        reply = api.get("/sales/deals", query=query)
        assert reply.status == 200, reply.body
        assert set(ids(reply)) == {made[name]["id"] for name in names}, query
        assert len(ids(reply)) == len(names)
        assert reply.body["pagination"]["total"] == len(names), query

    expect({}, set(made))
    expect({"stage": "lead"}, {"acme-lead-me", "bolt-lead-other", "bolt-lead-seed"})
    expect({"stage": "qualified"}, {"acme-qualified-me"})
    expect({"stage": "closed_won"}, {"acme-won-other"})
    expect({"stage": "proposal"}, set())
    expect({"status": "open"}, {"acme-lead-me", "acme-qualified-me", "bolt-lead-other", "bolt-lead-seed"})
    expect({"status": "won"}, {"acme-won-other"})
    expect({"status": "lost"}, {"bolt-lost-me"})
    expect({"assigned_to": DEFAULT_USER}, {"acme-lead-me", "acme-qualified-me", "bolt-lost-me"})
    expect({"assigned_to": OTHER_USER}, {"acme-won-other", "bolt-lead-other"})
    expect({"assigned_to": SEED_REP}, {"bolt-lead-seed"})
    expect({"customer_id": acme["id"]}, {"acme-lead-me", "acme-qualified-me", "acme-won-other"})
    expect({"customer_id": bolt["id"]}, {"bolt-lead-other", "bolt-lost-me", "bolt-lead-seed"})
    # Combinations.
    expect({"customer_id": acme["id"], "status": "open"}, {"acme-lead-me", "acme-qualified-me"})
    expect({"customer_id": bolt["id"], "stage": "lead"}, {"bolt-lead-other", "bolt-lead-seed"})
    expect({"customer_id": acme["id"], "assigned_to": OTHER_USER}, {"acme-won-other"})
    expect({"customer_id": bolt["id"], "assigned_to": DEFAULT_USER, "status": "lost"}, {"bolt-lost-me"})
    expect({"customer_id": bolt["id"], "assigned_to": DEFAULT_USER, "stage": "lead"}, set())
    expect({"assigned_to": DEFAULT_USER, "status": "open"}, {"acme-lead-me", "acme-qualified-me"})
    expect({"assigned_to": OTHER_USER, "stage": "lead"}, {"bolt-lead-other"})
    expect({"status": "open", "stage": "lead"}, {"acme-lead-me", "bolt-lead-other", "bolt-lead-seed"})
    expect({"status": "won", "stage": "lead"}, set())  # contradictory filters
    expect({"assigned_to": "019b72b7-0000-7000-8000-00000000dead"}, set())
    expect({"customer_id": "019b72b7-0000-7000-8000-00000000dead"}, set())


def test_filters_follow_reassignment_and_stage_changes(api: Api, deal: dict) -> None:
    api.put(f"/sales/deals/{deal['id']}/basic-info", {"assigned_to": SEED_REP})
    api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "proposal"})
    mine = api.get("/sales/deals", query={"assigned_to": DEFAULT_USER})
    assert (ids(mine), mine.body["pagination"]["total"]) == ([], 0)
    theirs = api.get("/sales/deals", query={"assigned_to": SEED_REP, "stage": "proposal"})
    assert (ids(theirs), theirs.body["pagination"]["total"]) == ([deal["id"]], 1)
    assert api.get("/sales/deals", query={"stage": "lead"}).body["pagination"]["total"] == 0


def test_filtered_walk_with_cursor(api: Api, new_deal: NewDeal) -> None:
    deals = [new_deal() for _ in range(7)]
    for deal in deals[:5]:
        api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"})
    pages = walk(api, "/sales/deals", 2, stage="qualified")
    assert [len(page.data) for page in pages] == [2, 2, 1]
    assert all(page.body["pagination"]["total"] == 5 for page in pages)
    assert {deal_id for page in pages for deal_id in ids(page)} == {deal["id"] for deal in deals[:5]}


def test_deleted_deals_leave_every_list_and_come_back(api: Api, deal: dict, contact: dict) -> None:
    api.delete(f"/sales/deals/{deal['id']}")
    for query in (
        {},
        {"stage": "lead"},
        {"status": "open"},
        {"assigned_to": DEFAULT_USER},
        {"customer_id": contact["id"]},
    ):
        reply = api.get("/sales/deals", query=query)
        assert (ids(reply), reply.body["pagination"]["total"]) == ([], 0), query
    by_stage = api.get("/sales/deals/stage/lead")
    assert (ids(by_stage), by_stage.body["pagination"]["total"]) == ([], 0)
    api.post(f"/sales/deals/{deal['id']}/restore")
    for query in (
        {},
        {"stage": "lead"},
        {"status": "open"},
        {"assigned_to": DEFAULT_USER},
        {"customer_id": contact["id"]},
    ):
        reply = api.get("/sales/deals", query=query)
        assert (ids(reply), reply.body["pagination"]["total"]) == ([deal["id"]], 1), query
    assert ids(api.get("/sales/deals/stage/lead")) == [deal["id"]]


# -- 10. list by stage ------------------------------------------------------------------------------
def test_list_by_stage(api: Api, new_deal: NewDeal) -> None:
    leads = [new_deal() for _ in range(3)]
    proposal = new_deal()
    api.put(f"/sales/deals/{proposal['id']}/stage", {"stage": "proposal"})
    won = new_deal()
    api.post(f"/sales/deals/{won['id']}/win", {})
    reply = api.get("/sales/deals/stage/lead")
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "success"
    assert set(ids(reply)) == {deal["id"] for deal in leads}
    assert all(item["stage"] == "lead" and item["probability"] == 10 for item in reply.data)
    assert reply.body["pagination"]["total"] == 3
    assert ids(api.get("/sales/deals/stage/proposal")) == [proposal["id"]]
    assert ids(api.get("/sales/deals/stage/closed_won")) == [won["id"]]
    assert ids(api.get("/sales/deals/stage/closed_lost")) == []
    assert ids(api.get("/sales/deals/stage/intake")) == []
    # Every item carries at least the seed's fields.
    assert {"id", "name", "value", "stage"} <= set(reply.data[0])


def test_list_by_stage_paginates(api: Api, new_deal: NewDeal) -> None:
    for _ in range(5):
        new_deal()
    pages = walk(api, "/sales/deals/stage/lead", 2)
    assert [len(page.data) for page in pages] == [2, 2, 1]
    assert all(page.body["pagination"]["total"] == 5 for page in pages)
    paged = api.get("/sales/deals/stage/lead", query={"page": 3, "page_size": 2})
    assert len(paged.data) == 1
    assert paged.body["pagination"]["total_pages"] == 3


def test_list_by_unknown_stage_is_400(api: Api, subtests: Any) -> None:
    for stage in ("won", "LEAD", "closed"):
        with subtests.test(stage=stage):
            assert_error(api.get(f"/sales/deals/stage/{stage}"), 400, "VALIDATION_ERROR", "stage")
