"""Deal lists: cursor and page pagination, filters and their totals, list by stage."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from kernel import clients
from kernel.dynamodb import queries
from sales import keys
from tests.support.api import Api
from tests.support.assertions import assert_error
from tests.support.events import DEFAULT_USER
from tests.support.samples import OTHER_USER, SEED_REP

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


@contextmanager
def issued_queries() -> Iterator[list[dict[str, Any]]]:
    """The parameters of every DynamoDB Query the service's client sends inside the block."""
    issued: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_kwargs: Any) -> None:
        issued.append(params)

    events = clients.dynamodb().meta.events
    events.register("before-parameter-build.dynamodb.Query", record, unique_id="deal-lists-issued-queries")
    try:
        yield issued
    finally:
        events.unregister("before-parameter-build.dynamodb.Query", unique_id="deal-lists-issued-queries")


def resigned(cursor: str, query: queries.IndexQuery, change: Callable[[dict[str, Any]], object]) -> str:
    """`cursor`'s start key, changed, then signed with the service's own key: as if the key had leaked, so
    only the checks on the key's shape stand between the forgery and DynamoDB."""
    start_key = queries.decode_cursor(cursor, query)
    change(start_key)
    return queries.encode_cursor(start_key, query)


def signed_with_another_key(cursor: str, query: queries.IndexQuery, monkeypatch: pytest.MonkeyPatch) -> str:
    start_key = queries.decode_cursor(cursor, query)
    with monkeypatch.context() as patch:
        patch.setenv("CURSOR_SIGNING_KEY", "a key the service does not use")
        other = queries.encode_cursor(start_key, query)
    assert other != cursor
    return other


def old_format(start_key: dict[str, Any], query: list[Any]) -> str:
    """An unsigned cursor of the earlier format, `{"k": key, "q": query}`, as an attacker would write it."""
    return base64.urlsafe_b64encode(json.dumps({"k": start_key, "q": query}).encode()).decode().rstrip("=")


def without(start_key: dict[str, Any], attribute: str) -> dict[str, Any]:
    return {name: value for name, value in start_key.items() if name != attribute}


def flipped(cursor: str) -> str:
    middle = len(cursor) // 2
    return cursor[:middle] + ("B" if cursor[middle] == "A" else "A") + cursor[middle + 1 :]


def test_forged_cursors_are_400_on_cursor_and_never_reach_dynamodb(
    api: Api, contact: dict, new_contact: Callable[..., dict], new_deal: NewDeal, monkeypatch: Any, subtests: Any
) -> None:
    for _ in range(3):
        new_deal()
    stranger = new_contact()
    deals, customer_deals = "/sales/deals", f"/sales/contacts/{contact['id']}/deals"
    # The all-deals and status lists are write-sharded: their cursor is the signed last sort key of the page,
    # `{"GSI1SK": {"S": <id>}}`; the other lists' cursor is the signed LastEvaluatedKey of their one partition.
    all_deals = queries.IndexQuery("GSI1", keys.DEAL_LIST, shards=keys.DEAL_INDEX_SHARDS)
    open_leads = queries.IndexQuery("GSI2", keys.deal_status_list("open"), "lead#", shards=keys.DEAL_INDEX_SHARDS)
    of_customer = queries.IndexQuery("GSI4", f"DEAL#CUSTOMER#{contact['id']}")

    def next_cursor(path: str, **query: str) -> str:
        reply = api.get(path, query={"page_size": 2, **query})
        assert reply.status == 200, reply.body
        cursor = reply.body["pagination"]["next_cursor"]
        assert cursor
        return cursor  # type: ignore[no-any-return]

    first = next_cursor(deals)
    by_customer = next_cursor(customer_deals)
    leads = next_cursor(deals, stage="lead")
    mine_of_customer = next_cursor(deals, customer_id=contact["id"], assigned_to=DEFAULT_USER)
    last_id = queries.decode_cursor(first, all_deals)["GSI1SK"]["S"]
    assert set(queries.decode_cursor(first, all_deals)) == {"GSI1SK"}
    # The start key a cursor of the one-partition list carried before the list was sharded.
    legacy_key = {
        "PK": {"S": f"DEAL#{last_id}"},
        "SK": {"S": "DEAL"},
        "GSI1PK": {"S": "DEAL"},
        "GSI1SK": {"S": last_id},
    }
    one_partition = queries.IndexQuery("GSI1", keys.DEAL_LIST)

    # (case, path, filters, cursor): every one a 400 naming `cursor`, refused before any Query.
    cases: list[tuple[str, str, dict[str, str], str]] = [
        ("missing-sort-key", deals, {}, resigned(first, all_deals, lambda key: key.pop("GSI1SK"))),
        ("missing-GSI-SK", customer_deals, {}, resigned(by_customer, of_customer, lambda key: key.pop("GSI4SK"))),
        ("missing-SK-one-partition", customer_deals, {}, resigned(by_customer, of_customer, lambda key: key.pop("SK"))),
        ("another-index-sort-key", deals, {}, resigned(
            first, all_deals, lambda key: key.update(GSI2SK=key.pop("GSI1SK")))),
        ("extra-attribute", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI2PK={"S": "x"}))),
        ("number-value", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI1SK={"N": "1"}))),
        ("list-value", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI1SK={"L": []}))),
        ("bare-string-value", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI1SK=last_id))),
        ("two-types", deals, {}, resigned(first, all_deals, lambda key: key["GSI1SK"].update(N="1"))),
        ("empty-sort-key", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI1SK={"S": ""}))),
        ("oversized-sort-key", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI1SK={"S": "f" * 1025}))),
        ("a-shard-partition", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI1PK={"S": "DEAL#0"}))),
        ("tampered-partition", deals, {}, resigned(first, all_deals, lambda key: key.update(GSI1PK={"S": "CONTACT"}))),
        ("legacy-key-signed-now", deals, {}, queries.encode_cursor(legacy_key, all_deals)),
        ("legacy-cursor", deals, {}, queries.encode_cursor(legacy_key, one_partition)),
        ("right-shape-one-partition-scope", deals, {}, queries.encode_cursor(
            {"GSI1SK": {"S": last_id}}, one_partition)),
        ("tampered-partition-unsigned", deals, {}, flipped(first)),
        ("outside-the-prefix", deals, {"stage": "lead"}, resigned(
            leads,
            open_leads,
            lambda key: key.update(GSI2SK={"S": "qualified#" + key["GSI2SK"]["S"].split("#", 1)[1]}),
        )),
        ("not-a-key", deals, {}, resigned(first, all_deals, lambda key: key.clear())),
        ("not-an-object", deals, {}, queries.encode_cursor([last_id], all_deals)),  # type: ignore[arg-type]
        ("another-list", customer_deals, {}, first),
        ("status-list-cursor", deals, {}, leads),
        ("all-deals-cursor-on-a-status-list", deals, {"stage": "lead"}, first),
        ("another-customer", f"/sales/contacts/{stranger['id']}/deals", {}, by_customer),
        ("another-stage", deals, {"stage": "qualified"}, leads),
        ("another-filter-same-index", deals, {"customer_id": contact["id"]}, mine_of_customer),
        ("another-key", deals, {}, signed_with_another_key(first, all_deals, monkeypatch)),
        ("old-format-missing-SK", deals, {}, old_format(without(legacy_key, "SK"), ["GSI1", "DEAL", None])),
        ("old-format-sort-key", deals, {}, old_format({"GSI1SK": {"S": last_id}}, ["GSI1", "DEAL", None])),
        ("old-format-missing-GSI-SK", customer_deals, {}, old_format(
            without(queries.decode_cursor(by_customer, of_customer), "GSI4SK"),
            ["GSI4", f"DEAL#CUSTOMER#{contact['id']}", None],
        )),
        ("garbage-base64", deals, {}, "bm90IGEgY3Vyc29y"),
        ("long-garbage-base64", deals, {}, "A" * 200),
        ("not-base64", deals, {}, "!!!!"),
        ("impossible-base64-length", deals, {}, "abcde"),
        ("padded", deals, {}, first + "="),
        ("standard-base64-alphabet", deals, {}, "ab+/" * 20),
        ("truncated", deals, {}, first[:-4]),
        ("trailing-newline", deals, {}, first + "\n"),
        ("signature-only", deals, {}, base64.urlsafe_b64encode(bytes(32)).decode()),
    ]  # fmt: skip
    for name, path, filters, cursor in cases:
        with subtests.test(name=name), issued_queries() as issued:
            reply = api.get(path, query={"page_size": 2, **filters, "cursor": cursor})
            assert_error(reply, 400, "VALIDATION_ERROR", "cursor")
            assert reply.body["error"]["details"][0]["field"] == "cursor"
            assert issued == [], "a refused cursor reached DynamoDB"

    with subtests.test(name="genuine-cursors-continue-their-lists"), issued_queries() as issued:
        for path, filters, cursor in (
            (deals, {}, first),
            (deals, {}, resigned(first, all_deals, lambda key: None)),  # re-signing alone changes nothing
            (customer_deals, {}, by_customer),
            (deals, {"stage": "lead"}, leads),
            (deals, {"customer_id": contact["id"], "assigned_to": DEFAULT_USER}, mine_of_customer),
        ):
            reply = api.get(path, query={"page_size": 2, **filters, "cursor": cursor})
            assert reply.status == 200, reply.body
            assert len(reply.data) == 1
        assert len(issued) >= 5


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
