"""The Campaign aggregate's statuses and the figures its counters add up to."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime

import pytest

from kernel.errors import Conflict, ValidationFailed
from kernel.money import Money
from sales.campaign.model import Campaign, CampaignStatus, CampaignType
from sales.campaign.stats import figures, won_counters

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def planned(**fields: object) -> Campaign:
    return Campaign.create(name="Launch", type=CampaignType.WEBINAR, owner_id="rep", now=NOW, **fields)  # type: ignore[arg-type]


def test_statuses_run_planned_active_completed_or_cancelled() -> None:
    campaign = planned()
    campaign.activate(now=NOW)
    campaign.complete(now=NOW)
    assert campaign.status is CampaignStatus.COMPLETED
    for move in (campaign.activate, campaign.complete, campaign.cancel):
        with pytest.raises(Conflict) as refused:
            move(now=NOW)
        assert refused.value.code == "INVALID_TRANSITION" and "completed" in refused.value.message
    cancelled = planned()
    cancelled.cancel(now=NOW)
    with pytest.raises(Conflict):
        cancelled.update(now=NOW, name="Again")
    assert [event.event_type for event in campaign.pending_events] == [
        "campaign.created",
        "campaign.activated",
        "campaign.completed",
    ]


def test_dates_must_not_run_backwards_and_an_unchanged_update_records_nothing() -> None:
    with pytest.raises(ValidationFailed):
        planned(starts_on=date(2027, 5, 2), ends_on=date(2027, 5, 1))
    campaign = planned(starts_on=date(2027, 5, 1))
    with pytest.raises(ValidationFailed):
        campaign.update(now=NOW, ends_on=date(2027, 4, 30))
    campaign.pending_events.clear()
    campaign.update(now=NOW, name=" Launch ")
    assert campaign.pending_events == []


def test_cost_per_lead_rounds_half_to_even_in_minor_units() -> None:
    # 250 / 4 = 62.5 -> 62; 1050 / 4 = 262.5 -> 262; 1030 / 4 = 257.5 -> 258.
    for budget, cost in ((250, 62), (1050, 262), (1030, 258)):
        assert figures(Money(budget, "EUR"), Counter(leads=4), Counter()).cost_per_lead == Money(cost, "EUR")
    assert figures(Money(1000, "JPY"), Counter(leads=3), Counter()).cost_per_lead == Money(333, "JPY")
    assert figures(Money(1000, "EUR"), Counter(leads=0), Counter()).cost_per_lead is None
    assert figures(None, Counter(leads=5), Counter()).cost_per_lead is None


def test_return_on_budget_only_when_budget_and_won_value_share_one_currency() -> None:
    won = Counter(won_counters("EUR", 325_000)) + Counter(won_counters("EUR", 0))
    shown = figures(Money(100_000, "EUR"), Counter(), won)
    assert shown.return_on_budget == "3.25" and shown.won_deals == 2
    assert [(value.currency, value.count, value.value) for value in shown.won_value_by_currency] == [
        ("EUR", 2, 325_000)
    ]
    mixed = won + Counter(won_counters("USD", 10_000))
    assert figures(Money(100_000, "EUR"), Counter(), mixed).return_on_budget is None
    assert figures(Money(100_000, "USD"), Counter(), won).return_on_budget is None
    assert figures(None, Counter(), won).return_on_budget is None
