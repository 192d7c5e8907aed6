"""Deal counters: what one deal contributes to the stats, and the deltas a command stores.

Two families: pipeline counters (on the pipeline shards, names bounded by stages x currencies) and forecast
counters (on the small item of the deal's expected-close month, names bounded by currencies)."""

from __future__ import annotations

import copy
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kernel.errors import DomainError
from kernel.money import Money
from sales.deal.model import Deal, DealStatus, Stage
from sales.deal.stats import (
    ALL,
    MonthCounters,
    delta,
    forecast_counters,
    forecast_delta,
    forecast_keys,
    open_value_key,
    pipeline_counters,
    scope_counters,
    stage_key,
    status_key,
    won_keys,
)

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
MARCH = date(2026, 3, 31)
ACTOR = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
V = 50000000


def new_deal(value: Money | None = None, stage: Stage = Stage.LEAD, expected: date = MARCH) -> Deal:
    deal = Deal.create(
        customer_id=CUSTOMER,
        assigned_to=ACTOR,
        name="Deal",
        value=value or Money(V, "USD"),
        expected_close_date=expected,
        actor=ACTOR,
        now=NOW,
        stage=stage,
    )
    deal.pending_events.clear()
    deal.pending_stage_changes.clear()
    return deal


def changes(deal: Deal, command: object) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Apply `command(deal)`; the pipeline delta and the forecast delta per month it stores."""
    before = copy.deepcopy(deal)
    command(deal)  # type: ignore[operator]
    return (
        delta(pipeline_counters(before), pipeline_counters(deal)),
        forecast_delta(forecast_counters(before), forecast_counters(deal)),
    )


def forecast_row(month: str, currency: str, count: int, value: int, weighted: int) -> MonthCounters:
    count_key, value_key, weighted_key = forecast_keys(currency)
    return {month: Counter({count_key: count, value_key: value, weighted_key: weighted})}


# -- key names ------------------------------------------------------------------------------------
def test_key_names() -> None:
    assert ALL == "all"
    assert status_key(DealStatus.OPEN) == "status#open"
    assert stage_key("lead") == "stage#lead"
    assert open_value_key("lead", "USD") == "open#lead#USD"
    assert won_keys("EUR") == ("won#EUR#count", "won#EUR#value")
    # On the month's own item: the month is in its key, not in the counter names.
    assert forecast_keys("USD") == ("USD#count", "USD#value", "USD#weighted")


# -- what one deal contributes --------------------------------------------------------------------
def test_nothing_counts_for_no_deal_or_a_deleted_one() -> None:
    assert scope_counters(None) == Counter()
    assert pipeline_counters(None) == Counter()
    deal = new_deal()
    deal.delete(now=LATER)
    assert scope_counters(deal) == Counter()
    assert pipeline_counters(deal) == Counter()
    assert forecast_counters(None) == {}
    assert forecast_counters(deal) == {}


def test_open_lead_deal() -> None:
    deal = new_deal()
    assert scope_counters(deal) == Counter({"all": 1, "status#open": 1, "stage#lead": 1})
    assert pipeline_counters(deal) == Counter({"all": 1, "status#open": 1, "stage#lead": 1, "open#lead#USD": V})
    # divided by 100 only when read
    assert forecast_counters(deal) == forecast_row("2026-03", "USD", 1, V, V * 10)


def test_pipeline_counters_never_name_a_month() -> None:
    """The pipeline shards take every deal write: their size must not grow with the months ever forecast."""
    for expected in (date(2026, 3, 31), date(2031, 7, 1), date(2100, 12, 31)):
        names = set(pipeline_counters(new_deal(expected=expected)))
        assert names == {"all", "status#open", "stage#lead", "open#lead#USD"}


def test_intake_deal_is_open_but_never_forecast() -> None:
    deal = new_deal(stage=Stage.INTAKE)
    assert pipeline_counters(deal) == Counter({"all": 1, "status#open": 1, "stage#intake": 1, "open#intake#USD": V})
    assert forecast_counters(deal) == {}


def test_won_deal_counts_revenue_not_forecast() -> None:
    deal = new_deal()
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, actual_value=V + 1)
    assert pipeline_counters(deal) == Counter(
        {"all": 1, "status#won": 1, "stage#closed_won": 1, "won#USD#count": 1, "won#USD#value": V + 1}
    )
    assert forecast_counters(deal) == {}


def test_lost_deal_counts_only_in_its_stage() -> None:
    deal = new_deal()
    deal.lose(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER)
    assert pipeline_counters(deal) == Counter({"all": 1, "status#lost": 1, "stage#closed_lost": 1})
    assert forecast_counters(deal) == {}


@pytest.mark.parametrize(
    ("stage", "probability"), [(Stage.QUALIFIED, 25), (Stage.PROPOSAL, 50), (Stage.NEGOTIATION, 75)]
)
def test_forecast_weight_follows_the_stage(stage: Stage, probability: int) -> None:
    deal = new_deal(value=Money(1234, "JPY"))
    deal.move_to_stage(stage, actor=ACTOR, now=LATER)
    assert forecast_counters(deal)["2026-03"]["JPY#weighted"] == 1234 * probability


# -- deltas ---------------------------------------------------------------------------------------
def test_delta_keeps_only_non_zero_changes_sorted() -> None:
    before = Counter({"b": 1, "a": 2, "same": 5})
    after = Counter({"a": 5, "same": 5, "c": 1})
    result = delta(before, after)
    assert result == {"a": 3, "b": -1, "c": 1}
    assert list(result) == ["a", "b", "c"]
    assert delta(after, after) == {}


def test_forecast_delta_keeps_only_months_that_change() -> None:
    before = {"2026-03": Counter({"USD#count": 1, "USD#value": 5}), "2026-04": Counter({"EUR#count": 1})}
    after = {"2026-03": Counter({"USD#count": 1, "USD#value": 7}), "2026-04": Counter({"EUR#count": 1})}
    assert forecast_delta(before, after) == {"2026-03": {"USD#value": 2}}
    assert forecast_delta(after, after) == {}
    assert list(forecast_delta({"2026-05": Counter({"a": 1})}, {"2026-01": Counter({"a": 1})})) == [
        "2026-01",
        "2026-05",
    ]


def test_create_delta_is_the_whole_contribution() -> None:
    deal = new_deal()
    assert delta(pipeline_counters(None), pipeline_counters(deal)) == dict(pipeline_counters(deal))
    assert forecast_delta(forecast_counters(None), forecast_counters(deal)) == {
        month: dict(counters) for month, counters in forecast_counters(deal).items()
    }


def test_move_delta() -> None:
    deal = new_deal()
    assert changes(deal, lambda d: d.move_to_stage(Stage.QUALIFIED, actor=ACTOR, now=LATER)) == (
        {"open#lead#USD": -V, "open#qualified#USD": V, "stage#lead": -1, "stage#qualified": 1},
        {"2026-03": {"USD#weighted": V * (25 - 10)}},
    )


def test_same_stage_move_costs_no_write() -> None:
    deal = new_deal()
    assert changes(deal, lambda d: d.move_to_stage(Stage.LEAD, actor=ACTOR, now=LATER)) == ({}, {})


def test_win_with_actual_value_delta() -> None:
    deal = new_deal()
    deal.move_to_stage(Stage.NEGOTIATION, actor=ACTOR, now=NOW)
    result = changes(deal, lambda d: d.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, actual_value=48000000))
    assert result[1] == {"2026-03": {"USD#count": -1, "USD#value": -V, "USD#weighted": -V * 75}}
    assert result[0] == {
        "open#negotiation#USD": -V,
        "stage#closed_won": 1,
        "stage#negotiation": -1,
        "status#open": -1,
        "status#won": 1,
        "won#USD#count": 1,
        "won#USD#value": 48000000,
    }


def test_lose_delta() -> None:
    deal = new_deal()
    assert changes(deal, lambda d: d.lose(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER)) == (
        {
            "open#lead#USD": -V,
            "stage#closed_lost": 1,
            "stage#lead": -1,
            "status#lost": 1,
            "status#open": -1,
        },
        {"2026-03": {"USD#count": -1, "USD#value": -V, "USD#weighted": -V * 10}},
    )


def test_value_change_in_another_currency_moves_open_and_forecast_value() -> None:
    deal = new_deal()
    assert changes(deal, lambda d: d.update_value(Money(400, "EUR"), now=LATER)) == (
        {"open#lead#EUR": 400, "open#lead#USD": -V},
        {
            "2026-03": {
                "EUR#count": 1,
                "EUR#value": 400,
                "EUR#weighted": 4000,
                "USD#count": -1,
                "USD#value": -V,
                "USD#weighted": -V * 10,
            }
        },
    )


def test_expected_close_date_change_moves_forecast_month() -> None:
    deal = new_deal()
    # Two month items, old and new; the pipeline shard is not touched at all.
    assert changes(deal, lambda d: d.update_basic_info(now=LATER, expected_close_date=date(2026, 5, 1))) == (
        {},
        {
            "2026-03": {"USD#count": -1, "USD#value": -V, "USD#weighted": -V * 10},
            "2026-05": {"USD#count": 1, "USD#value": V, "USD#weighted": V * 10},
        },
    )


def test_delete_and_restore_deltas_cancel() -> None:
    deal = new_deal()
    contribution = dict(pipeline_counters(deal))
    month = {"2026-03": {"USD#count": 1, "USD#value": V, "USD#weighted": V * 10}}
    removed = changes(deal, lambda d: d.delete(now=LATER))
    assert removed == (
        {key: -amount for key, amount in contribution.items()},
        {"2026-03": {key: -amount for key, amount in month["2026-03"].items()}},
    )
    restored = changes(deal, lambda d: d.restore(now=LATER))
    assert restored == (contribution, month)


def test_delete_of_a_won_deal_removes_its_revenue() -> None:
    deal = new_deal()
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER)
    assert changes(deal, lambda d: d.delete(now=LATER)) == (
        {"all": -1, "stage#closed_won": -1, "status#won": -1, "won#USD#count": -1, "won#USD#value": -V},
        {},
    )


def test_deal_in_intake_moving_to_lead_enters_the_forecast() -> None:
    deal = new_deal(stage=Stage.INTAKE)
    assert changes(deal, lambda d: d.move_to_stage(Stage.LEAD, actor=ACTOR, now=LATER)) == (
        {"open#intake#USD": -V, "open#lead#USD": V, "stage#intake": -1, "stage#lead": 1},
        {"2026-03": {"USD#count": 1, "USD#value": V, "USD#weighted": V * 10}},
    )


# -- property: the sum of every stored delta is the stats of the final states ---------------------
CURRENCIES = ("USD", "EUR", "JPY")
OPEN_TARGETS = (Stage.LEAD, Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION, Stage.CLOSED_WON, Stage.CLOSED_LOST)
amounts = st.integers(min_value=1, max_value=10**12)
months = st.integers(min_value=1, max_value=30).map(lambda offset: NOW.date() + timedelta(days=offset * 17))

commands = st.one_of(
    st.tuples(
        st.just("create"), amounts, st.sampled_from(CURRENCIES), months, st.sampled_from([Stage.LEAD, Stage.INTAKE])
    ),
    st.tuples(st.just("move"), st.integers(0, 3), st.sampled_from(OPEN_TARGETS)),
    st.tuples(st.just("win"), st.integers(0, 3), st.none() | amounts),
    st.tuples(st.just("lose"), st.integers(0, 3)),
    st.tuples(st.just("value"), st.integers(0, 3), amounts, st.sampled_from(CURRENCIES)),
    st.tuples(st.just("date"), st.integers(0, 3), months),
    st.tuples(st.just("delete"), st.integers(0, 3)),
    st.tuples(st.just("restore"), st.integers(0, 3)),
)


Stored = tuple[dict[str, int], dict[str, dict[str, int]]]


def _stored(before: Deal | None, after: Deal) -> Stored:
    return (
        delta(pipeline_counters(before), pipeline_counters(after)),
        forecast_delta(forecast_counters(before), forecast_counters(after)),
    )


def _apply(deals: list[Deal], command: tuple) -> Stored | None:  # type: ignore[type-arg]
    """Run one command like its use case would; None when the use case would refuse it."""
    verb = command[0]
    if verb == "create":
        _, amount, currency, expected, stage = command
        deal = new_deal(Money(amount, currency), stage, expected)
        deals.append(deal)
        return _stored(None, deal)
    if not deals:
        return None
    deal = deals[command[1] % len(deals)]
    # Use cases load live deals only, except restore which loads deleted ones.
    if (verb == "restore") != deal.is_deleted:
        return None
    before = copy.deepcopy(deal)
    try:
        if verb == "move":
            deal.move_to_stage(command[2], actor=ACTOR, now=LATER)
        elif verb == "win":
            deal.win(close_date=LATER.date(), actor=ACTOR, now=LATER, actual_value=command[2])
        elif verb == "lose":
            deal.lose(close_date=LATER.date(), actor=ACTOR, now=LATER)
        elif verb == "value":
            deal.update_value(Money(command[2], command[3]), now=LATER)
        elif verb == "date":
            deal.update_basic_info(now=LATER, expected_close_date=command[2])
        elif verb == "delete":
            deal.delete(now=LATER)
        elif verb == "restore":
            deal.restore(now=LATER)
    except DomainError:
        # A refused command writes nothing; it must also have left the deal as it was.
        assert pipeline_counters(deal) == pipeline_counters(before)
        assert forecast_counters(deal) == forecast_counters(before)
        return None
    return _stored(before, deal)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, min_size=1, max_size=40))
def test_sum_of_deltas_equals_counters_of_final_states(sequence: list[tuple]) -> None:  # type: ignore[type-arg]
    deals: list[Deal] = []
    stored: Counter[str] = Counter()
    stored_months: dict[str, Counter[str]] = defaultdict(Counter)
    for command in sequence:
        result = _apply(deals, command)
        if result is not None:
            pipeline, months = result
            assert all(pipeline.values()), "a delta never carries zeros"
            assert all(changes and all(changes.values()) for changes in months.values()), "nor an empty month"
            # One command moves a deal between at most two months (the old one and the new one).
            assert len(months) <= 2
            stored.update(pipeline)
            for month, changes in months.items():
                stored_months[month].update(changes)
    expected: Counter[str] = Counter()
    expected_months: dict[str, Counter[str]] = defaultdict(Counter)
    for deal in deals:
        expected.update(pipeline_counters(deal))
        for month, counters in forecast_counters(deal).items():
            expected_months[month].update(counters)
    assert {key: amount for key, amount in stored.items() if amount} == {
        key: amount for key, amount in expected.items() if amount
    }

    def non_zero(months: dict[str, Counter[str]]) -> dict[str, dict[str, int]]:
        found = {month: {key: amount for key, amount in c.items() if amount} for month, c in months.items()}
        return {month: counters for month, counters in found.items() if counters}

    assert non_zero(stored_months) == non_zero(expected_months)
    # And the stats read from them hold together.
    live = [deal for deal in deals if not deal.is_deleted]
    assert stored[ALL] == len(live)
    for stage in Stage:
        assert stored[stage_key(stage.value)] == sum(1 for deal in live if deal.stage is stage)
    assert all(amount >= 0 for amount in stored.values())
    assert all(amount >= 0 for counters in stored_months.values() for amount in counters.values())
