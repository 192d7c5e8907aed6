"""Business dates end at LAST_BUSINESS_DATE, and months are counted by arithmetic, never by walking."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from kernel.clock import (
    LAST_BUSINESS_DATE,
    LAST_BUSINESS_MONTH,
    add_months,
    business_date,
    month_number,
    months_between,
)
from kernel.errors import ValidationFailed
from kernel.http.errors import from_validation
from kernel.money import Money
from kernel.types import BusinessDate, Month
from sales.deal.model import Deal
from sales.deal.views import (
    CreateDealInput,
    ForecastQuery,
    LoseDealInput,
    UpdateBasicInfoInput,
    WinDealInput,
)

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
AFTER = LAST_BUSINESS_DATE + timedelta(days=1)
FAR = date(9999, 12, 31)
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
ACTOR = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"
DEAL_ID = "019b72b7-339c-73ca-850c-8459913f2cde"


def new_deal(expected: date = date(2026, 3, 31)) -> Deal:
    deal = Deal.create(
        customer_id=CUSTOMER,
        assigned_to=ACTOR,
        name="Deal",
        value=Money(1000, "USD"),
        expected_close_date=expected,
        actor=ACTOR,
        now=NOW,
    )
    deal.pending_events.clear()
    deal.pending_stage_changes.clear()
    return deal


def refused_field(error: ValidationFailed) -> str:
    """The one field a refusal names; its messages state the bound and never the refused value."""
    assert error.code == "VALIDATION_ERROR"
    [issue] = error.details
    text = f"{error.message} {issue.message}"
    assert LAST_BUSINESS_DATE.isoformat() in text or LAST_BUSINESS_MONTH in text, text
    assert "2101" not in text and "9999" not in text, text
    return issue.field


# -- the bound --------------------------------------------------------------------------------------------
def test_the_last_business_date_is_the_end_of_2100() -> None:
    assert (date(2100, 12, 31), "2100-12") == (LAST_BUSINESS_DATE, LAST_BUSINESS_MONTH)


def test_business_date_allows_the_bound_and_refuses_the_day_after() -> None:
    assert business_date(LAST_BUSINESS_DATE, "close_date") == LAST_BUSINESS_DATE
    for value in (AFTER, FAR):
        with pytest.raises(ValidationFailed) as caught:
            business_date(value, "close_date")
        assert refused_field(caught.value) == "close_date"


# -- the deal ---------------------------------------------------------------------------------------------
def test_a_deal_may_close_on_the_last_business_date() -> None:
    assert new_deal(LAST_BUSINESS_DATE).expected_close_date == LAST_BUSINESS_DATE


@pytest.mark.parametrize("expected", [AFTER, FAR], ids=str)
def test_a_deal_closing_after_the_last_business_date_is_refused(expected: date) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_deal(expected)
    assert refused_field(caught.value) == "expected_close_date"


@pytest.mark.parametrize("expected", [AFTER, FAR], ids=str)
def test_moving_the_close_date_past_the_bound_is_refused_and_changes_nothing(expected: date) -> None:
    deal = new_deal()
    before = copy.deepcopy(deal)
    with pytest.raises(ValidationFailed) as caught:
        deal.update_basic_info(now=NOW, name="Renamed", expected_close_date=expected)
    assert refused_field(caught.value) == "expected_close_date"
    assert deal == before
    deal.update_basic_info(now=NOW, expected_close_date=LAST_BUSINESS_DATE)
    assert deal.expected_close_date == LAST_BUSINESS_DATE


@pytest.mark.parametrize("command", ["win", "lose"])
def test_a_close_date_past_the_bound_is_refused_and_changes_nothing(command: str) -> None:
    deal = new_deal()
    before = copy.deepcopy(deal)
    with pytest.raises(ValidationFailed) as caught:
        getattr(deal, command)(close_date=AFTER, actor=ACTOR, now=NOW)
    assert refused_field(caught.value) == "close_date"
    assert deal == before and not deal.pending_events
    getattr(deal, command)(close_date=LAST_BUSINESS_DATE, actor=ACTOR, now=NOW)
    assert deal.actual_close_date == LAST_BUSINESS_DATE


# -- the edge types ---------------------------------------------------------------------------------------
def test_the_business_date_type_ends_at_the_bound() -> None:
    adapter: TypeAdapter[date] = TypeAdapter(BusinessDate)
    assert adapter.validate_python("2100-12-31") == LAST_BUSINESS_DATE
    for text in ("2101-01-01", "9999-12-31"):
        with pytest.raises(ValidationError) as caught:
            adapter.validate_python(text)
        [issue] = caught.value.errors(include_input=False)
        assert "on or before 2100-12-31" in issue["msg"]


def test_the_month_type_ends_at_the_bound() -> None:
    adapter: TypeAdapter[str] = TypeAdapter(Month)
    assert adapter.validate_python("2100-12") == "2100-12"
    assert adapter.validate_python("0001-01") == "0001-01"
    for text in ("2101-01", "9999-12", "2031-01\n"):
        with pytest.raises(ValidationError):
            adapter.validate_python(text)


BODIES: list[tuple[type[Any], dict[str, Any], str]] = [
    (
        CreateDealInput,
        {"customer_id": CUSTOMER, "name": "N", "value": 1, "currency": "USD", "expected_close_date": "{date}"},
        "expected_close_date",
    ),
    (UpdateBasicInfoInput, {"deal_id": DEAL_ID, "expected_close_date": "{date}"}, "expected_close_date"),
    (WinDealInput, {"deal_id": DEAL_ID, "close_date": "{date}"}, "close_date"),
    (LoseDealInput, {"deal_id": DEAL_ID, "close_date": "{date}"}, "close_date"),
    (ForecastQuery, {"from": "{month}"}, "from"),
    (ForecastQuery, {"to": "{month}"}, "to"),
]


def fill(body: dict[str, Any], day: str, month: str) -> dict[str, Any]:
    return {
        name: value.replace("{date}", day).replace("{month}", month) if isinstance(value, str) else value
        for name, value in body.items()
    }


@pytest.mark.parametrize(("model", "body", "field"), BODIES, ids=[f"{m.__name__}.{f}" for m, _b, f in BODIES])
@pytest.mark.parametrize("year", [2101, 9999])
def test_every_business_date_input_is_bounded_and_named(
    model: type[Any], body: dict[str, Any], field: str, year: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(fill(body, f"{year}-01-01", f"{year}-01"))
    refused = from_validation(caught.value)
    assert [issue.field for issue in refused.details] == [field]
    assert str(year) not in str(refused.details), "the refused value is echoed"
    model.model_validate(fill(body, "2100-12-31", "2100-12"))


# -- month arithmetic -------------------------------------------------------------------------------------
def test_month_arithmetic() -> None:
    assert month_number("0000-01") == 0
    assert months_between("2031-01", "2031-01") == 0
    assert months_between("2031-12", "2032-01") == 1
    assert months_between("2031-05", "2031-01") == -4
    assert months_between("2031-01", "2100-12") == (2100 - 2031) * 12 + 12 - 1
    assert months_between("0001-01", "9999-12") == 9998 * 12 + 11  # no walk, whatever the distance
    assert add_months("2031-12", 1) == "2032-01"
    assert add_months("2032-01", -1) == "2031-12"
    assert add_months("2100-01", 11) == LAST_BUSINESS_MONTH


months = st.builds(lambda year, month: f"{year:04d}-{month:02d}", st.integers(1, 2100), st.integers(1, 12))


@given(months, st.integers(-1200, 1200))
def test_add_months_and_months_between_agree(month: str, count: int) -> None:
    later = add_months(month, count)
    assert months_between(month, later) == count
    assert add_months(later, -count) == month


@given(months, st.integers(0, 40))
def test_months_between_counts_what_a_walk_would(month: str, count: int) -> None:
    walked, year, number = 0, int(month[:4]), int(month[5:])
    target = add_months(month, count)
    while f"{year:04d}-{number:02d}" != target:
        walked += 1
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    assert months_between(month, target) == walked
