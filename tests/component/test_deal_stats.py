"""Deal stats from counters: pipeline, won (never summed across currencies), forecast; soft delete."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from kernel.context import Principal, RequestContext
from kernel.dynamodb.transaction import Transaction
from kernel.money import Money
from sales import keys
from sales.deal.model import Deal, DealSource, Stage
from sales.deal.store import DealRepository
from tests.support import table
from tests.support.api import Api
from tests.support.assertions import assert_error
from tests.support.events import DEFAULT_USER

NewDeal = Callable[..., dict[str, Any]]
SEED_STAGES = ("lead", "qualified", "proposal", "negotiation", "closed_won", "closed_lost")


def pipeline(api: Api) -> dict[str, Any]:
    reply = api.get("/sales/deals/stats/pipeline")
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "success"
    return reply.data  # type: ignore[no-any-return]


def won(api: Api) -> dict[str, Any]:
    reply = api.get("/sales/deals/stats/won")
    assert reply.status == 200, reply.body
    return reply.data  # type: ignore[no-any-return]


def forecast(api: Api, **query: str) -> dict[str, Any]:
    reply = api.get("/sales/deals/stats/forecast", query=query or None)
    assert reply.status == 200, reply.body
    return reply.data  # type: ignore[no-any-return]


def add_months(month: str, count: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def this_month() -> str:
    return datetime.now(UTC).strftime("%Y-%m")


# -- 11. pipeline -----------------------------------------------------------------------------------
def test_empty_pipeline(api: Api) -> None:
    data = pipeline(api)
    assert set(SEED_STAGES) <= set(data["stats"])
    assert all(count == 0 for count in data["stats"].values())
    assert data["open_value"] == {}


def test_pipeline_counts_per_stage_and_open_value_per_currency(api: Api, new_deal: NewDeal) -> None:
    new_deal(value=100)
    new_deal(value=250)
    new_deal(value=7000, currency="EUR")
    qualified = new_deal(value=1000)
    api.put(f"/sales/deals/{qualified['id']}/stage", {"stage": "qualified"})
    negotiation = new_deal(value=123, currency="JPY")
    api.put(f"/sales/deals/{negotiation['id']}/stage", {"stage": "negotiation"})
    won_deal = new_deal(value=999)
    api.post(f"/sales/deals/{won_deal['id']}/win", {})
    lost_deal = new_deal(value=888)
    api.post(f"/sales/deals/{lost_deal['id']}/lose", {"reason": "budget"})
    data = pipeline(api)
    assert {stage: data["stats"][stage] for stage in SEED_STAGES} == {
        "lead": 3,
        "qualified": 1,
        "proposal": 0,
        "negotiation": 1,
        "closed_won": 1,
        "closed_lost": 1,
    }
    assert data["stats"].get("intake", 0) == 0
    # Open value only, per stage and per currency, never summed across currencies.
    assert data["open_value"] == {
        "lead": {"USD": 350, "EUR": 7000},
        "qualified": {"USD": 1000},
        "negotiation": {"JPY": 123},
    }


def test_pipeline_follows_moves_value_changes_and_closes(api: Api, deal: dict) -> None:
    path = f"/sales/deals/{deal['id']}"
    api.put(f"{path}/stage", {"stage": "proposal"})
    assert pipeline(api)["open_value"] == {"proposal": {"USD": 50000000}}
    api.put(f"{path}/value", {"value": 400, "currency": "EUR"})
    data = pipeline(api)
    assert data["open_value"] == {"proposal": {"EUR": 400}}
    assert data["stats"]["proposal"] == 1
    assert data["stats"]["lead"] == 0
    api.put(f"{path}/stage", {"stage": "closed_lost"})
    data = pipeline(api)
    assert data["open_value"] == {}
    assert data["stats"]["proposal"] == 0
    assert data["stats"]["closed_lost"] == 1


# -- 12. won --------------------------------------------------------------------------------------
def test_won_stats_without_won_deals(api: Api, deal: dict) -> None:
    data = won(api)
    assert data["count"] == 0
    assert data["by_currency"] == []
    assert data["currency"] is None
    assert data["total_value"] in (0, None)


def test_won_stats_in_one_currency(api: Api, new_deal: NewDeal) -> None:
    first, second, open_deal, lost = new_deal(value=1000), new_deal(value=2000), new_deal(), new_deal()
    api.post(f"/sales/deals/{first['id']}/win", {"close_date": "2025-12-31"})
    api.post(f"/sales/deals/{second['id']}/win", {"actual_value": 2500})  # actual value counts
    api.post(f"/sales/deals/{lost['id']}/lose", {})
    assert open_deal["status"] == "open"
    assert won(api) == {
        "count": 2,
        "total_value": 3500,
        "currency": "USD",
        "by_currency": [{"currency": "USD", "count": 2, "total_value": 3500}],
    }


def test_won_stats_in_two_currencies_are_never_summed(api: Api, new_deal: NewDeal) -> None:
    dollars = [new_deal(value=1000), new_deal(value=3000)]
    euros = new_deal(value=500, currency="EUR")
    for deal in dollars:
        api.post(f"/sales/deals/{deal['id']}/win", {})
    api.put(f"/sales/deals/{euros['id']}/stage", {"stage": "closed_won"})
    data = won(api)
    assert data["count"] == 3
    assert data["total_value"] is None
    assert data["currency"] is None
    assert sorted(data["by_currency"], key=lambda row: row["currency"]) == [
        {"currency": "EUR", "count": 1, "total_value": 500},
        {"currency": "USD", "count": 2, "total_value": 4000},
    ]


def test_won_stats_return_to_one_currency_when_the_other_is_deleted(api: Api, new_deal: NewDeal) -> None:
    dollars, euros = new_deal(value=1000), new_deal(value=500, currency="EUR")
    api.post(f"/sales/deals/{dollars['id']}/win", {})
    api.post(f"/sales/deals/{euros['id']}/win", {})
    assert won(api)["total_value"] is None
    api.delete(f"/sales/deals/{euros['id']}")
    assert won(api) == {
        "count": 1,
        "total_value": 1000,
        "currency": "USD",
        "by_currency": [{"currency": "USD", "count": 1, "total_value": 1000}],
    }


# -- forecast -------------------------------------------------------------------------------------
def test_forecast_weighted_value_per_month_and_currency(api: Api, deal: dict, new_deal: NewDeal, future: str) -> None:
    """Contract scenario: an open lead deal of 500,000.00 USD -> weighted 5,000,000 (10 %)."""
    month = future[:7]
    data = forecast(api)
    assert data["from"] == this_month()
    assert data["to"] == add_months(this_month(), 11)
    assert data["months"] == [
        {"month": month, "currency": "USD", "count": 1, "value": 50000000, "weighted_value": 5000000}
    ]
    qualified = new_deal(value=20000000)
    api.put(f"/sales/deals/{qualified['id']}/stage", {"stage": "qualified"})
    euros = new_deal(value=1000, currency="EUR")
    api.put(f"/sales/deals/{euros['id']}/stage", {"stage": "negotiation"})
    rows = {(row["month"], row["currency"]): row for row in forecast(api)["months"]}
    assert rows == {
        (month, "USD"): {
            "month": month,
            "currency": "USD",
            "count": 2,
            "value": 70000000,
            "weighted_value": 5000000 + 5000000,  # 10 % of 50M + 25 % of 20M
        },
        (month, "EUR"): {"month": month, "currency": "EUR", "count": 1, "value": 1000, "weighted_value": 750},
    }


def test_forecast_counts_open_deals_only(api: Api, new_deal: NewDeal, future: str) -> None:
    won_deal, lost_deal, open_deal = new_deal(), new_deal(), new_deal(value=300)
    api.post(f"/sales/deals/{won_deal['id']}/win", {})
    api.post(f"/sales/deals/{lost_deal['id']}/lose", {})
    assert forecast(api)["months"] == [
        {"month": future[:7], "currency": "USD", "count": 1, "value": 300, "weighted_value": 30}
    ]
    assert open_deal["stage"] == "lead"


def test_forecast_range(api: Api, new_deal: NewDeal, days_ahead: Callable[[int], str]) -> None:
    near, far = days_ahead(40), days_ahead(500)
    new_deal(value=1000, expected_close_date=near)
    new_deal(value=2000, expected_close_date=far)
    default = forecast(api)["months"]
    assert [(row["month"], row["value"]) for row in default] == [(near[:7], 1000)]
    wide = forecast(api, **{"from": this_month(), "to": add_months(this_month(), 35)})["months"]
    assert [(row["month"], row["value"]) for row in wide] == [(near[:7], 1000), (far[:7], 2000)]
    only_far = forecast(api, **{"from": far[:7], "to": far[:7]})
    assert (only_far["from"], only_far["to"]) == (far[:7], far[:7])
    assert [(row["month"], row["value"]) for row in only_far["months"]] == [(far[:7], 2000)]
    from_far = forecast(api, **{"from": far[:7]})
    assert from_far["to"] == add_months(far[:7], 11)


def test_forecast_follows_value_and_date_changes(api: Api, deal: dict, days_ahead: Callable[[int], str]) -> None:
    later = days_ahead(200)
    api.put(f"/sales/deals/{deal['id']}/basic-info", {"expected_close_date": later})
    api.put(f"/sales/deals/{deal['id']}/value", {"value": 12345, "currency": "KWD"})
    assert forecast(api)["months"] == [
        {"month": later[:7], "currency": "KWD", "count": 1, "value": 12345, "weighted_value": 1234}
    ]


def test_forecast_weighted_value_is_rounded_half_even_once_per_month(
    api: Api, new_deal: NewDeal, days_ahead: Callable[[int], str]
) -> None:
    first, second = days_ahead(40), days_ahead(100)
    assert first[:7] != second[:7]
    new_deal(value=15, currency="JPY", expected_close_date=first)  # 1.5 -> 2
    new_deal(value=25, currency="JPY", expected_close_date=second)  # 2.5 -> 2
    rows = {row["month"]: row["weighted_value"] for row in forecast(api)["months"]}
    assert rows == {first[:7]: 2, second[:7]: 2}
    new_deal(value=5, currency="JPY", expected_close_date=first)  # the month sums 2.0 exactly
    rows = {row["month"]: row["weighted_value"] for row in forecast(api)["months"]}
    assert rows[first[:7]] == 2


def test_bad_forecast_ranges_are_400(api: Api, subtests: Any) -> None:
    now = this_month()
    cases = [
        ({"from": now, "to": add_months(now, -1)}, "to"),
        ({"from": now, "to": add_months(now, 36)}, "to"),  # 37 months
        ({"from": "2027-13"}, "from"),
        ({"from": "2027-1"}, "from"),
        ({"to": "2027/01"}, "to"),
        ({"from": "next month"}, "from"),
    ]
    for query, field in cases:
        with subtests.test(query=query):
            assert_error(api.get("/sales/deals/stats/forecast", query=query), 400, "VALIDATION_ERROR", field)
    longest = forecast(api, **{"from": now, "to": add_months(now, 35)})
    assert (longest["from"], longest["to"]) == (now, add_months(now, 35))


def assert_bound_refusal(reply: Any, field: str, bound: str) -> None:
    """A 400 naming `field` whose message states the bound and never echoes the refused value."""
    assert_error(reply, 400, "VALIDATION_ERROR", field)
    messages = [issue["message"] for issue in reply.body["error"]["details"] if issue["field"] == field]
    assert any(bound in message for message in messages), reply.body
    assert "2101" not in str(reply.body) and "9999" not in str(reply.body), reply.body


def test_business_dates_end_on_2100_12_31(api: Api, contact: dict, deal: dict, new_deal: NewDeal) -> None:
    body = {"customer_id": contact["id"], "name": "Far", "value": 1000, "currency": "USD"}
    for late in ("2101-01-01", "9999-12-31"):
        refusals = [
            (api.post("/sales/deals", {**body, "expected_close_date": late}), "expected_close_date"),
            (api.put(f"/sales/deals/{deal['id']}/basic-info", {"expected_close_date": late}), "expected_close_date"),
            (api.post(f"/sales/deals/{deal['id']}/win", {"close_date": late}), "close_date"),
            (api.post(f"/sales/deals/{deal['id']}/lose", {"close_date": late}), "close_date"),
        ]
        for reply, field in refusals:
            assert_bound_refusal(reply, field, "2100-12-31")
    assert api.get(f"/sales/deals/{deal['id']}").data["version"] == deal["version"]  # the refusals changed nothing
    last = new_deal(expected_close_date="2100-12-31")
    assert last["expected_close_date"] == "2100-12-31"
    moved = api.put(f"/sales/deals/{deal['id']}/basic-info", {"expected_close_date": "2100-12-31"})
    assert moved.status == 200, moved.body
    won_deal = api.post(f"/sales/deals/{last['id']}/win", {"close_date": "2100-12-31"})
    assert won_deal.status == 200, won_deal.body
    assert won_deal.data["actual_close_date"] == "2100-12-31"


def test_forecast_months_end_on_2100_12_and_windows_are_sized_by_arithmetic(
    api: Api, new_deal: NewDeal, monkeypatch: Any
) -> None:
    new_deal(value=1000, expected_close_date="2100-12-31")
    keyed: list[str] = []  # the months whose forecast items the request looked up

    def recording_forecast_shard(month: str, shard: int) -> dict[str, str]:
        if shard == 0:
            keyed.append(month)
        return original_forecast_shard(month, shard)

    original_forecast_shard = keys.deal_forecast_shard
    monkeypatch.setattr(keys, "deal_forecast_shard", recording_forecast_shard)

    edge = forecast(api, **{"from": "2100-12", "to": "2100-12"})
    assert edge == {
        "from": "2100-12",
        "to": "2100-12",
        "months": [{"month": "2100-12", "currency": "USD", "count": 1, "value": 1000, "weighted_value": 100}],
    }
    assert keyed == ["2100-12"]

    # A default window (a year) that would run past the last month stops there.
    keyed.clear()
    clipped = forecast(api, **{"from": "2100-06"})
    assert (clipped["from"], clipped["to"]) == ("2100-06", "2100-12")
    assert keyed == [add_months("2100-06", offset) for offset in range(7)]

    # The longest window, at the far end: exactly its 36 months are keyed.
    keyed.clear()
    far = forecast(api, **{"from": "2098-01", "to": "2100-12"})
    assert [row["month"] for row in far["months"]] == ["2100-12"]
    assert keyed == [add_months("2098-01", offset) for offset in range(36)]

    keyed.clear()
    for query, field, bound in (
        ({"from": "2100-12", "to": "2101-01"}, "to", "2100-12"),
        ({"to": "2101-01"}, "to", "2100-12"),
        ({"from": "2101-01"}, "from", "2100-12"),
        ({"from": "9999-12", "to": "9999-12"}, "from", "2100-12"),
        ({"from": "9999-12", "to": "9999-12"}, "to", "2100-12"),
    ):
        assert_bound_refusal(api.get("/sales/deals/stats/forecast", query=query), field, bound)
    # Too long by decades: refused by the window's arithmetic size, before a single month is keyed.
    for query in ({"from": "2031-01", "to": "2100-12"}, {"from": "0001-01", "to": "2100-12"}):
        reply = api.get("/sales/deals/stats/forecast", query=query)
        assert_error(reply, 400, "VALIDATION_ERROR", "to")
        assert "36 months" in reply.body["error"]["message"]
    assert keyed == []


def test_intake_deals_count_in_the_pipeline_but_never_in_the_forecast(api: Api, contact: dict, future: str) -> None:
    """Partner registrations land in intake; stored here through the repository, as that use case will."""
    ctx = RequestContext(principal=Principal(DEFAULT_USER, frozenset({"sales"})), correlation_id="test-intake")
    intake = Deal.create(
        customer_id=contact["id"],
        assigned_to=DEFAULT_USER,
        name="Partner registration",
        value=Money(1000, "USD"),
        expected_close_date=date.fromisoformat(future),
        actor=DEFAULT_USER,
        now=ctx.now,
        stage=Stage.INTAKE,
        source=DealSource.PARTNER,
    )
    DealRepository().save(intake, None, ctx, check_customer=True)
    data = pipeline(api)
    assert data["stats"]["intake"] == 1
    assert data["open_value"] == {"intake": {"USD": 1000}}
    assert forecast(api)["months"] == []
    stored = api.get(f"/sales/deals/{intake.id}").data
    assert (stored["stage"], stored["probability"], stored["status"], stored["source"]) == (
        "intake",
        0,
        "open",
        "partner",
    )
    assert [item["id"] for item in api.get("/sales/deals/stage/intake").data] == [intake.id]
    # Qualifying it into the pipeline brings it into the forecast.
    assert api.put(f"/sales/deals/{intake.id}/stage", {"stage": "lead"}).status == 200
    assert forecast(api)["months"] == [
        {"month": future[:7], "currency": "USD", "count": 1, "value": 1000, "weighted_value": 100}
    ]
    assert pipeline(api)["open_value"] == {"lead": {"USD": 1000}}


# -- soft delete and restore across every stat ----------------------------------------------------
def test_deleted_deals_vanish_from_every_stat_and_restore_brings_them_back(
    api: Api, new_deal: NewDeal, future: str
) -> None:
    open_deal = new_deal(value=1000)
    won_deal = new_deal(value=2000)
    api.post(f"/sales/deals/{won_deal['id']}/win", {})
    before = (pipeline(api), won(api), forecast(api))
    assert before[0]["stats"]["lead"] == 1 and before[0]["stats"]["closed_won"] == 1
    assert before[1]["count"] == 1
    assert before[2]["months"] == [
        {"month": future[:7], "currency": "USD", "count": 1, "value": 1000, "weighted_value": 100}
    ]
    for deal in (open_deal, won_deal):
        assert api.delete(f"/sales/deals/{deal['id']}").status == 204
    empty_pipeline = pipeline(api)
    assert all(count == 0 for count in empty_pipeline["stats"].values())
    assert empty_pipeline["open_value"] == {}
    assert won(api)["count"] == 0
    assert won(api)["by_currency"] == []
    assert forecast(api)["months"] == []
    for deal in (open_deal, won_deal):
        assert api.post(f"/sales/deals/{deal['id']}/restore").status == 200
    assert (pipeline(api), won(api), forecast(api)) == before


def test_stats_ignore_failed_commands(api: Api, deal: dict) -> None:
    api.post(f"/sales/deals/{deal['id']}/win", {})
    before = (pipeline(api), won(api), forecast(api))
    api.post(f"/sales/deals/{deal['id']}/win", {"actual_value": 1})
    api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "lead"})
    api.put(f"/sales/deals/{deal['id']}/value", {"value": 1, "currency": "EUR"})
    api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "closed_won"})
    assert (pipeline(api), won(api), forecast(api)) == before


def test_repeated_deletes_and_restores_keep_counters_exact(api: Api, deal: dict) -> None:
    for _ in range(3):
        api.delete(f"/sales/deals/{deal['id']}")
        api.delete(f"/sales/deals/{deal['id']}")  # 404: must not count twice
        api.post(f"/sales/deals/{deal['id']}/restore")
        api.post(f"/sales/deals/{deal['id']}/restore")  # no-op on a live deal
    data = pipeline(api)
    assert data["stats"]["lead"] == 1
    assert data["open_value"] == {"lead": {"USD": 50000000}}
    assert api.get("/sales/deals").body["pagination"]["total"] == 1


# -- where the counters live: pipeline shards, and small per-month forecast items --------------------------
PIPELINE_SHARD = re.compile(r"STATS#DEAL#(\d{2})")
FORECAST_ITEM = re.compile(r"STATS#DEAL#FORECAST#(\d{4}-\d{2})#(\d{2})")
# Every name a pipeline shard may hold: bounded by statuses, stages and currencies, never by months.
PIPELINE_NAME = re.compile(r"all|status#[a-z_]+|stage#[a-z_]+|open#[a-z_]+#[A-Z]{3}|won#[A-Z]{3}#(count|value)")
FORECAST_NAME = re.compile(r"[A-Z]{3}#(count|value|weighted)")


def counter_items() -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """The pipeline shard items, and the forecast items by month, as stored."""
    pipeline: list[dict[str, Any]] = []
    months: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in table.scan():
        if PIPELINE_SHARD.fullmatch(item["PK"]):
            pipeline.append(item)
        elif match := FORECAST_ITEM.fullmatch(item["PK"]):
            assert item["SK"] == "STATS"
            assert int(match.group(2)) < keys.FORECAST_SHARDS, item["PK"]
            months[match.group(1)].append(item)
    return pipeline, dict(months)


def counters_of(item: dict[str, Any]) -> dict[str, int]:
    return {name: int(value) for name, value in item.items() if name not in ("PK", "SK")}


def month_totals(items: list[dict[str, Any]]) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for item in items:
        totals.update(counters_of(item))
    return {name: total for name, total in sorted(totals.items()) if total}


def test_forecast_counters_live_on_small_items_of_their_month(
    api: Api, new_deal: NewDeal, days_ahead: Callable[[int], str]
) -> None:
    near, far = days_ahead(40), days_ahead(200)
    assert near[:7] != far[:7]
    new_deal(value=1000, expected_close_date=near)
    new_deal(value=500, currency="EUR", expected_close_date=near)
    new_deal(value=2000, expected_close_date=far)
    pipeline, months = counter_items()
    assert pipeline, "pipeline counters still live on the pipeline shards"
    for item in pipeline:
        names = set(counters_of(item))
        assert all(PIPELINE_NAME.fullmatch(name) for name in names), sorted(names)
    assert sorted(months) == [near[:7], far[:7]]
    for items in months.values():
        for item in items:
            assert all(FORECAST_NAME.fullmatch(name) for name in counters_of(item)), item
    assert month_totals(months[near[:7]]) == {
        "EUR#count": 1,
        "EUR#value": 500,
        "EUR#weighted": 5000,
        "USD#count": 1,
        "USD#value": 1000,
        "USD#weighted": 10000,
    }
    assert month_totals(months[far[:7]]) == {"USD#count": 1, "USD#value": 2000, "USD#weighted": 20000}


@pytest.fixture
def transactions(monkeypatch: pytest.MonkeyPatch) -> list[list[dict[str, Any]]]:
    """Each committed transaction's operations, in order."""
    committed: list[list[dict[str, Any]]] = []
    original = Transaction.commit

    def commit(self: Transaction) -> None:
        committed.append([operation.request for operation in self.operations])
        original(self)

    monkeypatch.setattr(Transaction, "commit", commit)
    return committed


def counter_keys(operations: list[dict[str, Any]]) -> list[str]:
    """PKs of the STATS# items a transaction ADDs to."""
    updated = [operation["Update"]["Key"]["PK"]["S"] for operation in operations if "Update" in operation]
    return sorted(pk for pk in updated if pk.startswith("STATS#"))


def test_a_deal_change_adds_to_its_pipeline_shard_and_at_most_two_month_items_in_its_one_transaction(
    api: Api, deal: dict, days_ahead: Callable[[int], str], transactions: list[list[dict[str, Any]]]
) -> None:
    old_month, new_date = deal["expected_close_date"][:7], days_ahead(300)
    new_month = new_date[:7]
    assert old_month != new_month

    def shard(pk: str, family: re.Pattern[str]) -> str:
        match = family.fullmatch(pk)
        assert match, pk
        return match.group(1)

    # A new close date moves the deal between two months: both month items, no pipeline counter changes.
    api.put(f"/sales/deals/{deal['id']}/basic-info", {"expected_close_date": new_date})
    [moved] = transactions
    assert [shard(pk, FORECAST_ITEM) for pk in counter_keys(moved)] == sorted([old_month, new_month])
    # A stage move changes the pipeline and the weighted forecast: one shard, one month item.
    api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "proposal"})
    pipeline_pk, month_pk = counter_keys(transactions[1])
    assert PIPELINE_SHARD.fullmatch(pipeline_pk)
    assert shard(month_pk, FORECAST_ITEM) == new_month
    # Winning takes the deal out of the forecast: the same shape.
    api.post(f"/sales/deals/{deal['id']}/win", {})
    pipeline_pk, month_pk = counter_keys(transactions[2])
    assert PIPELINE_SHARD.fullmatch(pipeline_pk)
    assert shard(month_pk, FORECAST_ITEM) == new_month
    assert len(transactions) == 3  # one transaction per command, counters included
    pipeline, months = counter_items()
    assert month_totals(months[new_month]) == {}  # won: out of the forecast (its counters sum to 0)
    assert month_totals(months[old_month]) == {}
    assert sum(int(item.get("won#USD#count", 0)) for item in pipeline) == 1


def test_zeroed_forecast_counters_stay_on_their_own_small_month_items(
    api: Api, new_deal: NewDeal, days_ahead: Callable[[int], str]
) -> None:
    """A counter an ADD brings back to 0 is not removed (ADD is blind: see sales.deal.store); it may only
    ever sit on the item of its own month, three per currency, never on the pipeline shards every write
    pays for."""
    first = new_deal(value=1000, expected_close_date=days_ahead(40))
    api.delete(f"/sales/deals/{first['id']}")
    pipeline_names = {name for item in counter_items()[0] for name in counters_of(item)}

    dates = [days_ahead(40 + 31 * offset) for offset in range(24)]
    created = [
        new_deal(value=100 + offset, currency=("USD", "EUR", "JPY")[offset % 3], expected_close_date=close)
        for offset, close in enumerate(dates)
    ]
    for deal in created:
        assert api.delete(f"/sales/deals/{deal['id']}").status == 204

    pipeline, months = counter_items()
    # The pipeline shards gained no name for the 24 months used: their size does not grow with time.
    assert {name for item in pipeline for name in counters_of(item)} == pipeline_names | {
        "open#lead#EUR",
        "open#lead#JPY",
    }
    assert sorted(months) == sorted({close[:7] for close in dates})
    for month, items in months.items():
        assert len(items) <= keys.FORECAST_SHARDS
        for item in items:
            assert len(counters_of(item)) <= 3 * 3, (month, item)  # three counters x currencies seen
        assert month_totals(items) == {}, month  # every counter sums to 0 over the month's shards
    # Zeros are never shown.
    now = this_month()
    assert forecast(api, **{"from": now, "to": add_months(now, 35)})["months"] == []
