"""The deal use cases against in-memory stores: what they decide, without AWS (the stores are injected)."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime, timedelta

import pytest

from kernel.context import Principal, RequestContext
from kernel.errors import Conflict, DomainError, NotFound, PreconditionFailed, RuleViolated, ValidationFailed
from kernel.http.errors import status_of
from sales.contact import use_cases as contact_use_cases
from sales.contact.views import ContactDealsQuery, ContactRef, CreateContactInput
from sales.deal import use_cases
from sales.deal.model import Deal, DealStatus, Stage
from sales.deal.views import (
    CreateDealInput,
    DealListQuery,
    DealRef,
    ForecastQuery,
    LoseDealInput,
    MoveStageInput,
    NoInput,
    StageListQuery,
    UpdateValueInput,
    WinDealInput,
)
from tests.support.fakes import FakeContacts, FakeDeals

REP = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"
OTHER_REP = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6d"
UNKNOWN = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6c"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CLOSE = date(2026, 6, 30)


def ctx(
    expected_version: int | None = None, *, at: datetime = NOW, principal: Principal | None = None
) -> RequestContext:
    principal = principal or Principal(REP, frozenset({"sales"}))
    return RequestContext(principal, "test", expected_version=expected_version, now=at)


@pytest.fixture
def deals() -> FakeDeals:
    return FakeDeals(FakeContacts())


def customer(deals: FakeDeals, name: str = "Acme Devices GmbH") -> str:
    command = CreateContactInput(kind="organization", display_name=name)
    return str(contact_use_cases.create_contact(command, ctx(), deals.contacts).id)


def create(
    deals: FakeDeals,
    customer_id: str | None = None,
    *,
    value: int = 100_000,
    currency: str = "EUR",
    close: date = CLOSE,
    owner: str | None = None,
) -> str:
    command = CreateDealInput(
        customer_id=customer_id or customer(deals),
        assigned_to=owner,
        name="Fleet renewal",
        value=value,
        currency=currency,
        expected_close_date=close.isoformat(),
    )
    return str(use_cases.create_deal(command, ctx(), deals, deals.contacts).id)


def move(deals: FakeDeals, deal_id: str, stage: Stage, at: datetime = NOW) -> None:
    use_cases.move_stage(MoveStageInput(deal_id=deal_id, stage=stage), ctx(at=at), deals, deals.contacts)


def ref(deal_id: str) -> DealRef:
    return DealRef(deal_id=deal_id)


# -- commands -------------------------------------------------------------------------------------
def test_create_stores_the_deal_for_a_live_customer_with_the_caller_as_owner(deals: FakeDeals) -> None:
    customer_id = customer(deals)
    deal_id = create(deals, customer_id)
    view = use_cases.get_deal(ref(deal_id), ctx(), deals)
    assert (view.version, view.assigned_to, view.stage, view.probability) == (1, REP, Stage.LEAD, 10)
    assert deals.event_types() == ["deal.created"]
    assert deals.contacts.deal_counts[customer_id] == 1  # the customer's live deals, as the table counts them


@pytest.mark.parametrize("deleted", [False, True], ids=["unknown", "deleted"])
def test_create_needs_a_live_customer(deals: FakeDeals, deleted: bool) -> None:
    customer_id = UNKNOWN
    if deleted:
        customer_id = customer(deals)
        contact_use_cases.delete_contact(ContactRef(contact_id=customer_id), ctx(), deals.contacts)
    with pytest.raises(DomainError) as refused:
        create(deals, customer_id)
    assert (status_of(refused.value), refused.value.code) == (422, "CUSTOMER_NOT_FOUND")
    assert deals.stored == {} and deals.saves == 0


def test_move_stage_records_the_change_and_a_terminal_deal_moves_no_more(deals: FakeDeals) -> None:
    deal_id = create(deals)
    move(deals, deal_id, Stage.PROPOSAL)
    view = use_cases.get_deal(ref(deal_id), ctx(), deals)
    assert (view.stage, view.probability, view.version) == (Stage.PROPOSAL, 50, 2)
    move(deals, deal_id, Stage.PROPOSAL)  # already there: nothing to store
    move(deals, deal_id, Stage.CLOSED_LOST)  # a move to a closed stage is a loss dated today
    with pytest.raises(RuleViolated) as refused:
        move(deals, deal_id, Stage.LEAD)
    assert refused.value.code == "MOVE_STAGE_FAILED"
    assert deals.event_types() == ["deal.created", "deal.stage_changed", "deal.lost"]
    assert deals.saves == 3


def test_win_takes_the_closing_price_and_a_won_deal_cannot_be_won_or_lost_again(deals: FakeDeals) -> None:
    deal_id = create(deals)
    won = use_cases.win_deal(
        WinDealInput(deal_id=deal_id, actual_value=90_000, note="signed"), ctx(), deals, deals.contacts
    )
    assert (won.status, won.value, won.actual_close_date, won.note) == (DealStatus.WON, 90_000, "2026-03-02", "signed")
    with pytest.raises(RuleViolated) as again:
        use_cases.win_deal(WinDealInput(deal_id=deal_id), ctx(), deals, deals.contacts)
    with pytest.raises(RuleViolated) as lost:
        use_cases.lose_deal(LoseDealInput(deal_id=deal_id), ctx(), deals)
    assert (again.value.code, lost.value.code) == ("MARK_WON_FAILED", "MARK_LOST_FAILED")
    assert use_cases.get_deal(ref(deal_id), ctx(), deals).version == 2


def test_lose_keeps_the_reason_and_a_lost_deal_cannot_be_won(deals: FakeDeals) -> None:
    deal_id = create(deals)
    lost = use_cases.lose_deal(
        LoseDealInput(deal_id=deal_id, reason="budget cut", close_date=NOW.date().isoformat()), ctx(), deals
    )
    assert (lost.status, lost.loss_reason, lost.version) == (DealStatus.LOST, "budget cut", 2)
    with pytest.raises(RuleViolated) as refused:
        use_cases.win_deal(WinDealInput(deal_id=deal_id), ctx(), deals, deals.contacts)
    assert refused.value.code == "MARK_WON_FAILED"
    assert deals.event_types() == ["deal.created", "deal.lost"]


def test_update_value_applies_once_and_not_to_a_closed_deal(deals: FakeDeals) -> None:
    deal_id = create(deals)
    changed = use_cases.update_value(UpdateValueInput(deal_id=deal_id, value=120_000, currency="EUR"), ctx(), deals)
    assert (changed.value, changed.version) == (120_000, 2)
    use_cases.update_value(UpdateValueInput(deal_id=deal_id, value=120_000, currency="EUR"), ctx(), deals)
    assert deals.saves == 2  # the same value again stores nothing
    use_cases.lose_deal(LoseDealInput(deal_id=deal_id), ctx(), deals)
    with pytest.raises(RuleViolated) as refused:
        use_cases.update_value(UpdateValueInput(deal_id=deal_id, value=1, currency="EUR"), ctx(), deals)
    assert refused.value.code == "UPDATE_VALUE_FAILED"


def test_a_stale_if_match_is_refused_and_stores_nothing(deals: FakeDeals) -> None:
    deal_id = create(deals)
    move(deals, deal_id, Stage.QUALIFIED)
    command = UpdateValueInput(deal_id=deal_id, value=5, currency="EUR")
    with pytest.raises(PreconditionFailed) as refused:
        use_cases.update_value(command, ctx(1), deals)
    assert status_of(refused.value) == 412
    assert use_cases.update_value(command, ctx(2), deals).version == 3


def test_a_lost_race_is_decided_again_on_the_winner_and_refused_under_if_match(
    deals: FakeDeals, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal_id = create(deals)
    load = deals.get
    rivals: list[Stage] = []

    def read_then_lose_the_race(aggregate_id: str) -> Deal | None:
        read = load(aggregate_id)
        if read is not None and rivals:  # another writer commits between this read and the save
            rival = copy.deepcopy(read)
            rival.move_to_stage(rivals.pop(), actor=OTHER_REP, now=NOW)
            deals.save(rival, read, ctx())
        return read

    monkeypatch.setattr(deals, "get", read_then_lose_the_race)
    rivals.append(Stage.QUALIFIED)
    revalued = use_cases.update_value(UpdateValueInput(deal_id=deal_id, value=7, currency="EUR"), ctx(), deals)
    assert (revalued.value, revalued.stage, revalued.version) == (7, Stage.QUALIFIED, 3)  # the rival's move kept
    rivals.append(Stage.PROPOSAL)
    with pytest.raises(PreconditionFailed):
        use_cases.update_value(UpdateValueInput(deal_id=deal_id, value=8, currency="EUR"), ctx(3), deals)
    stored = deals.stored[deal_id]
    assert (stored.value.amount, stored.stage, stored.version) == (7, Stage.PROPOSAL, 4)


def test_delete_hides_the_deal_and_restore_brings_it_back_once(deals: FakeDeals) -> None:
    customer_id = customer(deals)
    deal_id = create(deals, customer_id)
    with pytest.raises(Conflict) as refused:  # the contact still has a live deal
        contact_use_cases.delete_contact(ContactRef(contact_id=customer_id), ctx(), deals.contacts)
    assert refused.value.code == "CONTACT_HAS_DEALS"
    use_cases.delete_deal(ref(deal_id), ctx(), deals)
    with pytest.raises(NotFound):
        use_cases.get_deal(ref(deal_id), ctx(), deals)
    with pytest.raises(NotFound):
        move(deals, deal_id, Stage.QUALIFIED)
    assert use_cases.list_deals(DealListQuery(), ctx(), deals).pagination.total == 0
    assert deals.contacts.deal_counts[customer_id] == 0
    restored = use_cases.restore_deal(ref(deal_id), ctx(), deals)
    assert use_cases.restore_deal(ref(deal_id), ctx(), deals).version == restored.version == 3
    assert deals.event_types() == ["deal.created", "deal.deleted", "deal.restored"]


def test_a_deal_is_not_restored_for_a_customer_deleted_meanwhile(deals: FakeDeals) -> None:
    customer_id = customer(deals)
    deal_id = create(deals, customer_id)
    use_cases.delete_deal(ref(deal_id), ctx(), deals)
    contact_use_cases.delete_contact(ContactRef(contact_id=customer_id), ctx(), deals.contacts)
    with pytest.raises(DomainError) as refused:
        use_cases.restore_deal(ref(deal_id), ctx(), deals)
    assert (status_of(refused.value), refused.value.code) == (422, "CUSTOMER_NOT_FOUND")
    assert deals.stored[deal_id].is_deleted


def test_an_unknown_deal_is_not_found(deals: FakeDeals) -> None:
    with pytest.raises(NotFound) as missing:
        use_cases.get_deal(ref(UNKNOWN), ctx(), deals)
    assert missing.value.code == "DEAL_NOT_FOUND"


def test_a_partner_sees_only_its_own_deals_and_is_told_not_found_otherwise(deals: FakeDeals) -> None:
    deal_id = create(deals)
    partner = Principal("partner-user", frozenset({"partner"}), partner_id="p-1")
    with pytest.raises(NotFound):
        use_cases.get_deal(ref(deal_id), ctx(principal=partner), deals)
    with pytest.raises(NotFound):
        use_cases.deal_history(ref(deal_id), ctx(principal=partner), deals)


# -- lists ----------------------------------------------------------------------------------------
@pytest.fixture
def pipeline(deals: FakeDeals) -> dict[str, str]:
    """Five deals, oldest first: two customers, two owners, three stages."""
    acme, bolt = customer(deals, "Acme"), customer(deals, "Bolt")
    ids = {
        "acme-lead": create(deals, acme),
        "acme-proposal": create(deals, acme, owner=OTHER_REP),
        "bolt-lead": create(deals, bolt, owner=OTHER_REP),
        "bolt-won": create(deals, bolt),
        "acme-won": create(deals, acme, owner=OTHER_REP),
    }
    move(deals, ids["acme-proposal"], Stage.PROPOSAL)
    use_cases.win_deal(WinDealInput(deal_id=ids["bolt-won"]), ctx(), deals, deals.contacts)
    use_cases.win_deal(WinDealInput(deal_id=ids["acme-won"]), ctx(), deals, deals.contacts)
    return {"acme": acme, "bolt": bolt, **ids}


def listed(deals: FakeDeals, pipeline: dict[str, str], **filters: object) -> tuple[list[str], int]:
    names = {deal_id: name for name, deal_id in pipeline.items()}
    result = use_cases.list_deals(DealListQuery.model_validate(filters), ctx(), deals)
    return [names[view.id] for view in result.items], result.pagination.total


def test_lists_select_by_every_filter_in_index_order_with_their_totals(
    deals: FakeDeals, pipeline: dict[str, str]
) -> None:
    assert listed(deals, pipeline) == (["acme-won", "bolt-won", "bolt-lead", "acme-proposal", "acme-lead"], 5)
    assert listed(deals, pipeline, status="open") == (["acme-proposal", "bolt-lead", "acme-lead"], 3)
    assert listed(deals, pipeline, stage="lead") == (["bolt-lead", "acme-lead"], 2)
    assert listed(deals, pipeline, assigned_to=OTHER_REP) == (["acme-won", "acme-proposal", "bolt-lead"], 3)
    assert listed(deals, pipeline, customer_id=pipeline["acme"]) == (["acme-won", "acme-proposal", "acme-lead"], 3)
    assert listed(deals, pipeline, customer_id=pipeline["acme"], assigned_to=OTHER_REP, status="open") == (
        ["acme-proposal"],
        1,
    )
    assert listed(deals, pipeline, stage="lead", status="won") == ([], 0)  # contradictory: nothing to read
    by_stage = use_cases.list_by_stage(StageListQuery(stage=Stage.CLOSED_WON), ctx(), deals)
    assert [view.id for view in by_stage.items] == [pipeline["acme-won"], pipeline["bolt-won"]]


def test_lists_page_by_cursor_and_by_number(deals: FakeDeals, pipeline: dict[str, str]) -> None:
    first = use_cases.list_deals(DealListQuery(page_size=2), ctx(), deals)
    second = use_cases.list_deals(DealListQuery(page_size=2, cursor=first.pagination.next_cursor), ctx(), deals)
    numbered = use_cases.list_deals(DealListQuery(page_size=2, page=2), ctx(), deals)
    assert [view.id for view in second.items] == [view.id for view in numbered.items]
    assert [view.id for view in second.items] == [pipeline["bolt-lead"], pipeline["acme-proposal"]]
    assert (numbered.pagination.total, numbered.pagination.page, numbered.pagination.total_pages) == (5, 2, 3)


def test_contact_deals_lists_the_customers_deals_with_its_counter(deals: FakeDeals, pipeline: dict[str, str]) -> None:
    query = ContactDealsQuery(contact_id=pipeline["bolt"])
    result = contact_use_cases.contact_deals(query, ctx(), deals.contacts, deals)
    assert [view.id for view in result.items] == [pipeline["bolt-won"], pipeline["bolt-lead"]]
    assert result.pagination.total == 2


# -- stats ----------------------------------------------------------------------------------------
def test_pipeline_stats_count_every_stage_and_the_open_value(deals: FakeDeals, pipeline: dict[str, str]) -> None:
    create(deals, pipeline["bolt"], value=5_000, currency="USD")
    stats = use_cases.pipeline_stats(NoInput(), ctx(), deals)
    assert stats.stats == {
        "intake": 0,
        "lead": 3,
        "qualified": 0,
        "proposal": 1,
        "negotiation": 0,
        "closed_won": 2,
        "closed_lost": 0,
    }
    assert stats.open_value == {"lead": {"EUR": 200_000, "USD": 5_000}, "proposal": {"EUR": 100_000}}


def test_won_stats_total_one_currency_and_never_add_two(deals: FakeDeals, pipeline: dict[str, str]) -> None:
    one = use_cases.won_stats(NoInput(), ctx(), deals)
    assert (one.count, one.total_value, one.currency) == (2, 200_000, "EUR")
    dollars = create(deals, pipeline["bolt"], value=5_000, currency="USD")
    use_cases.win_deal(WinDealInput(deal_id=dollars), ctx(), deals, deals.contacts)
    two = use_cases.won_stats(NoInput(), ctx(), deals)
    assert (two.count, two.total_value, two.currency) == (3, None, None)
    assert [(row.currency, row.count, row.total_value) for row in two.by_currency] == [
        ("EUR", 2, 200_000),
        ("USD", 1, 5_000),
    ]


def test_won_stats_without_won_deals(deals: FakeDeals) -> None:
    create(deals)
    none = use_cases.won_stats(NoInput(), ctx(), deals)
    assert (none.count, none.total_value, none.currency, none.by_currency) == (0, 0, None, [])


def test_forecast_weighs_open_deals_by_month_and_rounds_half_even(deals: FakeDeals) -> None:
    customer_id = customer(deals)
    create(deals, customer_id, value=1_000, close=date(2026, 4, 10))  # lead, 10%: 100
    qualified = [
        create(deals, customer_id, value=1_002, close=date(2026, 4, 20)),  # 25%: 250.5
        create(deals, customer_id, value=1_006, currency="USD", close=date(2026, 5, 1)),  # 25%: 251.5
    ]
    for deal_id in qualified:
        move(deals, deal_id, Stage.QUALIFIED)
    won = create(deals, customer_id, close=date(2026, 4, 1))
    use_cases.win_deal(WinDealInput(deal_id=won), ctx(), deals, deals.contacts)  # a won deal leaves the forecast
    view = use_cases.forecast(ForecastQuery.model_validate({"from": "2026-03", "to": "2026-05"}), ctx(), deals)
    rows = [(row.month, row.currency, row.count, row.value, row.weighted_value) for row in view.months]
    # The month's weighted sum is rounded once, half to even: 350.5 down to 350, 251.5 up to 252.
    assert rows == [("2026-04", "EUR", 2, 2_002, 350), ("2026-05", "USD", 1, 1_006, 252)]
    default = use_cases.forecast(ForecastQuery(), ctx(), deals)
    assert (default.from_month, default.to_month) == ("2026-03", "2027-02")


@pytest.mark.parametrize(("first", "last"), [("2026-05", "2026-04"), ("2026-01", "2029-01")])
def test_forecast_windows_are_bounded(deals: FakeDeals, first: str, last: str) -> None:
    with pytest.raises(ValidationFailed):
        use_cases.forecast(ForecastQuery.model_validate({"from": first, "to": last}), ctx(), deals)


# -- history --------------------------------------------------------------------------------------
def test_history_lists_every_stage_with_the_time_spent_before_it(deals: FakeDeals) -> None:
    deal_id = create(deals)
    move(deals, deal_id, Stage.QUALIFIED, NOW + timedelta(hours=1))
    use_cases.win_deal(WinDealInput(deal_id=deal_id), ctx(at=NOW + timedelta(days=1)), deals, deals.contacts)
    history = use_cases.deal_history(ref(deal_id), ctx(), deals)
    entries = [(e.from_stage, e.to_stage, e.actor, e.at, e.time_in_stage_seconds) for e in history.entries]
    assert history.stage == Stage.CLOSED_WON
    assert entries == [
        (None, Stage.LEAD, REP, "2026-03-02T09:00:00.000Z", None),
        (Stage.LEAD, Stage.QUALIFIED, REP, "2026-03-02T10:00:00.000Z", 3_600),
        (Stage.QUALIFIED, Stage.CLOSED_WON, REP, "2026-03-03T09:00:00.000Z", 82_800),
    ]
    use_cases.delete_deal(ref(deal_id), ctx(), deals)
    with pytest.raises(NotFound):
        use_cases.deal_history(ref(deal_id), ctx(), deals)


def test_deal_won_carries_the_customers_bridge_as_it_is_when_the_deal_is_won(deals: FakeDeals) -> None:
    """The customer may be bridged after the deal was created: the win reads it again."""
    deal_id = create(deals)
    customer_id = next(iter(deals.contacts.stored))
    bridged = deals.contacts.stored[customer_id]
    bridged.bridge = {"kind": "tenant", "id": "tenant-9", "bridged_at": "2026-03-01T00:00:00Z"}
    use_cases.win_deal(WinDealInput(deal_id=deal_id), ctx(), deals, deals.contacts)
    [won] = [event for event in deals.published if event.event_type == "deal.won"]
    assert won.data["bridge"] == {"kind": "tenant", "id": "tenant-9", "bridged_at": "2026-03-01T00:00:00Z"}
