"""The all-deals and status/stage lists read write-sharded index partitions (`GSI1PK = DEAL#<n>`,
`GSI2PK = DEAL#STATUS#<status>#<n>`, n from a hash of the deal id): every page merges the shards into the one
order of the list, by cursor or by page number, with no duplicate and no gap, before and after deletes."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from kernel import clients
from kernel.settings import settings
from sales import keys
from tests.support.api import Api

NewDeal = Callable[..., dict[str, Any]]
SHARDS = keys.DEAL_INDEX_SHARDS


def ids(reply: Any) -> list[str]:
    return [item["id"] for item in reply.data]


def walk(api: Api, path: str, page_size: int, cursor: str | None = None, **query: Any) -> list[Any]:
    """Follow next_cursor (from `cursor`, or the first page) to the end; return every page's reply."""
    pages = []
    while True:
        params = {"page_size": page_size, **query, **({"cursor": cursor} if cursor else {})}
        reply = api.get(path, query=params)
        assert reply.status == 200, reply.body
        pages.append(reply)
        cursor = reply.body["pagination"]["next_cursor"]
        if not cursor:
            return pages
        assert len(pages) < 100, "pagination does not end"


def walked(pages: list[Any]) -> list[str]:
    seen = [deal_id for page in pages for deal_id in ids(page)]
    assert len(seen) == len(set(seen)), "a deal on two pages"
    return seen


def deals_on_every_shard(new_deal: NewDeal, *, at_least: int, per_shard: int) -> list[str]:
    """At least `at_least` new deals, and `per_shard` of them on every shard: created one after the other, so
    consecutive ids (time-ordered) land on shards at random and the newest-first order interleaves them all."""
    made: list[str] = []
    on_shard: Counter[int] = Counter()
    while len(made) < at_least or min(on_shard[shard] for shard in range(SHARDS)) < per_shard:
        made.append(new_deal()["id"])
        on_shard[keys.deal_index_shard(made[-1])] += 1
        assert len(made) < 200, f"the shards are not spread: {on_shard}"
    return made


@contextmanager
def issued_queries() -> Iterator[list[dict[str, Any]]]:
    issued: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_kwargs: Any) -> None:
        issued.append(params)

    events = clients.dynamodb().meta.events
    events.register("before-parameter-build.dynamodb.Query", record, unique_id="deal-list-shards-queries")
    try:
        yield issued
    finally:
        events.unregister("before-parameter-build.dynamodb.Query", unique_id="deal-list-shards-queries")


def test_the_index_keys_of_a_deal_name_its_shard(api: Api, new_deal: NewDeal) -> None:
    made = deals_on_every_shard(new_deal, at_least=SHARDS, per_shard=1)
    for deal_id in made:
        key = {"PK": {"S": f"DEAL#{deal_id}"}, "SK": {"S": "DEAL"}}
        item = clients.dynamodb().get_item(TableName=settings().table_name, Key=key)["Item"]
        shard = keys.deal_index_shard(deal_id)
        assert (item["GSI1PK"], item["GSI1SK"]) == ({"S": f"DEAL#{shard}"}, {"S": deal_id})
        assert (item["GSI2PK"], item["GSI2SK"]) == ({"S": f"DEAL#STATUS#open#{shard}"}, {"S": f"lead#{deal_id}"})
    assert {keys.deal_index_shard(deal_id) for deal_id in made} == set(range(SHARDS))


def test_newest_first_across_shards_by_cursor_and_by_page_number(api: Api, new_deal: NewDeal) -> None:
    made = deals_on_every_shard(new_deal, at_least=26, per_shard=4)
    newest_first = sorted(made, reverse=True)  # ids are UUIDv7: time-ordered
    assert newest_first == made[::-1], "created one after the other, newest last"
    page_size = 7
    pages = walk(api, "/sales/deals", page_size)
    assert walked(pages) == newest_first
    assert all(len(page.data) == page_size for page in pages[:-1]) and 0 < len(pages[-1].data) <= page_size
    assert {page.body["pagination"]["total"] for page in pages} == {len(made)}
    for cursor_page in pages[1:]:
        assert len(cursor_page.body["pagination"]["next_cursor"] or "") < 200  # the last id, signed: small

    numbered = math.ceil(len(made) / page_size)
    for number in range(1, numbered + 2):
        reply = api.get("/sales/deals", query={"page": number, "page_size": page_size})
        assert reply.status == 200, reply.body
        assert ids(reply) == newest_first[(number - 1) * page_size : number * page_size], number
        assert reply.body["pagination"]["total_pages"] == numbered
        cursor = reply.body["pagination"]["next_cursor"]
        if number < numbered:
            # A numbered page's cursor continues where that page ends.
            rest = walk(api, "/sales/deals", page_size, cursor=cursor)
            assert walked(rest) == newest_first[number * page_size :]
        else:
            assert cursor is None


def test_the_list_stays_exact_after_deletes_even_of_the_deal_a_cursor_ends_on(api: Api, new_deal: NewDeal) -> None:
    # The older deals cover every shard on their own, so each shard has a deal below the first pages to delete
    # (ids land on shards at random: three per shard overall could all sit among the newest eight).
    older = deals_on_every_shard(new_deal, at_least=16, per_shard=3)
    made = [*older, *(new_deal()["id"] for _ in range(8))]
    newest_first = sorted(made, reverse=True)
    assert newest_first[8:] == older[::-1]
    first = api.get("/sales/deals", query={"page_size": 5})
    assert ids(first) == newest_first[:5]
    cursor = first.body["pagination"]["next_cursor"]
    # The cursor's own deal, the one after it, the oldest, and one of each shard further down.
    doomed = {newest_first[4], newest_first[5], newest_first[-1]}
    for shard in range(SHARDS):
        doomed.add(next(deal for deal in newest_first[8:] if keys.deal_index_shard(deal) == shard))
    for deal_id in doomed:
        assert api.delete(f"/sales/deals/{deal_id}").status == 204
    live = [deal for deal in newest_first if deal not in doomed]

    rest = walk(api, "/sales/deals", 5, cursor=cursor)
    assert walked(rest) == [deal for deal in live if deal < newest_first[4]]
    pages = walk(api, "/sales/deals", 5)
    assert walked(pages) == live
    assert {page.body["pagination"]["total"] for page in pages} == {len(live)}
    for number in (1, 2, 3):
        reply = api.get("/sales/deals", query={"page": number, "page_size": 5})
        assert ids(reply) == live[(number - 1) * 5 : number * 5]

    restored = sorted(doomed)[0]
    assert api.post(f"/sales/deals/{restored}/restore").status == 200
    assert walked(walk(api, "/sales/deals", 6)) == sorted([*live, restored], reverse=True)


def test_status_and_stage_lists_merge_their_shards_in_index_order(api: Api, new_deal: NewDeal) -> None:
    made = deals_on_every_shard(new_deal, at_least=24, per_shard=3)
    stage_of = dict.fromkeys(made, "lead")
    # Every third deal to proposal, every fifth of the rest to qualified: each stage spread over the shards,
    # with other stages' entries on both sides of it in every shard's sort order.
    for number, deal_id in enumerate(made):
        stage = "proposal" if number % 3 == 0 else "qualified" if number % 5 == 1 else None
        if stage:
            assert api.put(f"/sales/deals/{deal_id}/stage", {"stage": stage}).status == 200
            stage_of[deal_id] = stage

    def of_stage(stage: str) -> list[str]:
        return sorted((deal for deal in made if stage_of[deal] == stage), reverse=True)

    for stage in ("proposal", "qualified", "lead"):
        expected = of_stage(stage)
        for path, query in (("/sales/deals", {"stage": stage}), (f"/sales/deals/stage/{stage}", {})):
            pages = walk(api, path, 2, **query)
            assert walked(pages) == expected, (stage, path)
            assert {page.body["pagination"]["total"] for page in pages} == {len(expected)}
        second = api.get("/sales/deals", query={"stage": stage, "page": 2, "page_size": 2})
        assert ids(second) == expected[2:4]

    # The status list's order is the index's: stage, then newest first within it (GSI2SK `<stage>#<id>`).
    by_index = sorted(made, key=lambda deal: f"{stage_of[deal]}#{deal}", reverse=True)
    assert walked(walk(api, "/sales/deals", 5, status="open")) == by_index

    won = made[1]
    assert api.post(f"/sales/deals/{won}/win", {}).status == 200
    assert walked(walk(api, "/sales/deals", 2, status="won")) == [won]
    assert won not in walked(walk(api, "/sales/deals", 5, status="open"))


def test_a_page_is_one_query_per_shard_of_page_size_whatever_the_table_holds(api: Api, new_deal: NewDeal) -> None:
    """The first page and every later one query each shard once, `Limit` = page_size; a later one resumes every
    shard below the cursor's id. A shard with nothing to give is still asked (counts do not depend on the data)."""
    made = deals_on_every_shard(new_deal, at_least=12, per_shard=1)
    newest_first = sorted(made, reverse=True)
    partitions = {f"DEAL#{shard}" for shard in range(SHARDS)}
    with issued_queries() as issued:
        first = api.get("/sales/deals", query={"page_size": 4})
    assert ids(first) == newest_first[:4]
    assert len(issued) == SHARDS
    assert {query["ExpressionAttributeValues"][":pk"]["S"] for query in issued} == partitions
    assert all(query["Limit"] == 4 and query["IndexName"] == "GSI1" for query in issued)
    assert all(query["KeyConditionExpression"] == "#pk = :pk" for query in issued)
    assert all(query["ScanIndexForward"] is False for query in issued)

    with issued_queries() as issued:
        second = api.get("/sales/deals", query={"page_size": 4, "cursor": first.body["pagination"]["next_cursor"]})
    assert ids(second) == newest_first[4:8]
    assert len(issued) == SHARDS
    assert {query["ExpressionAttributeValues"][":pk"]["S"] for query in issued} == partitions
    for query in issued:
        assert query["Limit"] == 4
        assert query["KeyConditionExpression"] == "#pk = :pk AND #sk < :after"
        assert query["ExpressionAttributeNames"]["#sk"] == "GSI1SK"
        assert query["ExpressionAttributeValues"][":after"] == {"S": newest_first[3]}

    # Past the end: every shard asked, none has anything, no cursor.
    last = walk(api, "/sales/deals", 4)[-1]
    assert last.body["pagination"]["next_cursor"] is None
    with issued_queries() as issued:
        beyond = api.get("/sales/deals", query={"page_size": 4, "page": 10})
    assert (ids(beyond), beyond.body["pagination"]["next_cursor"]) == ([], None)
    assert len(issued) == SHARDS and all(query["Limit"] == 40 for query in issued)
