"""A deal's partner channel: registration by a reseller, the direct exception and its decision, reallocation
to another distributor, and the guard that a partner deal is won only through a cleared channel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import jsonschema
import pytest

from kernel.errors import Conflict, RuleViolated, ValidationFailed
from kernel.money import Money
from sales.deal.events import EVENTS
from sales.deal.model import (
    Channel,
    ChannelChange,
    ChannelRoute,
    Deal,
    DealSource,
    DirectException,
    Stage,
)

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
CLOSE = date(2026, 1, 20)
FUTURE = date(2026, 3, 31)
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
REP = "019b72b6-e679-7635-a86d-ac29a7923f3d"
RESELLER = "019b72b7-0636-79b5-b8fe-000000000001"
DISTRIBUTOR = "019b72b7-0636-79b5-b8fe-000000000002"
OTHER = "019b72b7-0636-79b5-b8fe-000000000003"
THIRD = "019b72b7-0636-79b5-b8fe-000000000004"
ADMIN = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"


def register(route: ChannelRoute = ChannelRoute.DISTRIBUTOR, distributor_id: str | None = DISTRIBUTOR) -> Deal:
    return Deal.register(
        reseller_id=RESELLER,
        route=route,
        distributor_id=distributor_id,
        customer_id=CUSTOMER,
        assigned_to=REP,
        name="  Fleet devices ",
        value=Money(1250000, "EUR"),
        expected_close_date=FUTURE,
        actor=RESELLER,
        now=NOW,
    )


def routed() -> Deal:
    deal = register()
    deal.pending_events.clear()
    deal.pending_stage_changes.clear()
    return deal


def direct(decision: DirectException | None = None) -> Deal:
    deal = register(ChannelRoute.DIRECT, None)
    if decision is not None:
        deal.decide_direct_exception(decision, actor=ADMIN, now=NOW)
    deal.pending_events.clear()
    deal.pending_stage_changes.clear()
    return deal


def internal() -> Deal:
    deal = Deal.create(
        customer_id=CUSTOMER,
        assigned_to=REP,
        name="Direct sale",
        value=Money(1000, "EUR"),
        expected_close_date=FUTURE,
        actor=REP,
        now=NOW,
    )
    deal.pending_events.clear()
    return deal


def keys(deal: Deal) -> list[str]:
    return [recorded.event_type for recorded in deal.pending_events]


def won(deal: Deal) -> Deal:
    deal.win(close_date=CLOSE, actor=ADMIN, now=LATER)
    return deal


# -- registration -------------------------------------------------------------------------------------------
def test_a_registration_through_a_distributor_starts_in_intake_as_a_partner_deal() -> None:
    deal = register()
    assert (deal.stage, deal.source, deal.probability) == (Stage.INTAKE, DealSource.PARTNER, 0)
    assert deal.channel == Channel(RESELLER, DISTRIBUTOR, ChannelRoute.DISTRIBUTOR)
    assert deal.channel.is_partner and deal.channel.needs_agreement
    assert deal.channel.direct_exception is None
    assert deal.former_distributors == [] and deal.pending_channel_changes == []
    assert [(change.from_stage, change.to_stage) for change in deal.pending_stage_changes] == [(None, Stage.INTAKE)]
    assert keys(deal) == ["deal.created", "deal.registered"]
    assert deal.pending_events[0].data["stage"] == "intake"
    assert deal.pending_events[0].data["source"] == "partner"
    assert deal.pending_events[1].data == {
        "deal_id": deal.id,
        "customer_id": CUSTOMER,
        "name": "Fleet devices",
        "value": 1250000,
        "currency": "EUR",
        "reseller_id": RESELLER,
        "distributor_id": DISTRIBUTOR,
        "route": "distributor",
        "direct_exception": None,
    }


def test_a_direct_registration_requests_an_exception() -> None:
    deal = register(ChannelRoute.DIRECT, None)
    assert deal.channel == Channel(RESELLER, None, ChannelRoute.DIRECT, DirectException.REQUESTED)
    assert deal.channel.is_partner and not deal.channel.needs_agreement
    registered = deal.pending_events[1].data
    assert (registered["route"], registered["distributor_id"], registered["direct_exception"]) == (
        "direct",
        None,
        "requested",
    )


@pytest.mark.parametrize(
    ("route", "distributor_id"),
    [(ChannelRoute.DISTRIBUTOR, None), (ChannelRoute.DIRECT, DISTRIBUTOR), (ChannelRoute.DISTRIBUTOR, RESELLER)],
    ids=["distributor-route-without-one", "direct-route-naming-one", "reseller-as-its-own-distributor"],
)
def test_a_registration_names_a_distributor_exactly_when_routed_through_one(
    route: ChannelRoute, distributor_id: str | None
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        register(route, distributor_id)
    assert [issue.field for issue in refused.value.details] == ["distributor_id"]


def test_a_registration_keeps_the_deal_rules() -> None:
    with pytest.raises(ValidationFailed):
        Deal.register(
            reseller_id=RESELLER,
            route=ChannelRoute.DIRECT,
            distributor_id=None,
            customer_id=CUSTOMER,
            assigned_to=REP,
            name="Late",
            value=Money(100, "EUR"),
            expected_close_date=NOW.date(),
            actor=RESELLER,
            now=NOW,
        )


def test_the_channel_view_has_every_field_and_deal_won_keeps_three() -> None:
    deal = direct(DirectException.GRANTED)
    assert deal.channel.as_view_dict() == {
        "reseller_id": RESELLER,
        "distributor_id": None,
        "route": "direct",
        "direct_exception": "granted",
        "decided_by": ADMIN,
        "decided_at": "2026-01-15T09:30:00.000Z",
    }
    assert Channel.from_dict(deal.channel.as_view_dict()) == deal.channel
    assert Channel.from_dict({}) == Channel()
    assert Channel.from_dict({"reseller_id": None, "distributor_id": "d", "route": "distributor"}) == Channel(
        None, "d", ChannelRoute.DISTRIBUTOR
    )
    won(deal)
    assert deal.pending_events[-1].data["channel"] == {
        "reseller_id": RESELLER,
        "distributor_id": None,
        "route": "direct",
    }


# -- the direct exception -----------------------------------------------------------------------------------
@pytest.mark.parametrize("decision", [DirectException.GRANTED, DirectException.DENIED])
def test_an_admin_decides_a_requested_direct_exception(decision: DirectException) -> None:
    deal = direct()
    deal.decide_direct_exception(decision, actor=ADMIN, now=LATER)
    assert deal.channel == Channel(RESELLER, None, ChannelRoute.DIRECT, decision, ADMIN, LATER)
    assert deal.updated_at == LATER
    assert keys(deal) == ["deal.channel_changed"]
    assert deal.pending_events[0].data == {
        "deal_id": deal.id,
        "reseller_id": RESELLER,
        "distributor_id": None,
        "previous_distributor_id": None,
        "route": "direct",
        "direct_exception": decision.value,
        "reason": None,
        "actor": ADMIN,
    }
    assert deal.pending_channel_changes == []


@pytest.mark.parametrize("first", [DirectException.GRANTED, DirectException.DENIED])
def test_a_direct_exception_is_decided_once(first: DirectException) -> None:
    deal = direct(first)
    for second in (DirectException.GRANTED, DirectException.DENIED):
        with pytest.raises(Conflict) as refused:
            deal.decide_direct_exception(second, actor=ADMIN, now=LATER)
        assert refused.value.code == "INVALID_TRANSITION"
        assert [(issue.field, issue.message) for issue in refused.value.details] == [("direct_exception", first.value)]
    assert (deal.channel.direct_exception, deal.channel.decided_at, deal.pending_events) == (first, NOW, [])


def test_no_decision_on_a_deal_routed_through_a_distributor() -> None:
    deal = routed()
    with pytest.raises(Conflict) as refused:
        deal.decide_direct_exception(DirectException.GRANTED, actor=ADMIN, now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"
    assert [(issue.field, issue.message) for issue in refused.value.details] == [("route", "distributor")]
    assert deal.channel.direct_exception is None and deal.pending_events == []


def test_no_decision_on_a_closed_or_internal_deal() -> None:
    lost = direct()
    lost.lose(close_date=CLOSE, actor=ADMIN, now=LATER)
    with pytest.raises(Conflict) as refused:
        lost.decide_direct_exception(DirectException.GRANTED, actor=ADMIN, now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"
    assert [(issue.field, issue.message) for issue in refused.value.details] == [("status", "lost")]
    with pytest.raises(Conflict) as refused:
        internal().decide_direct_exception(DirectException.GRANTED, actor=ADMIN, now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"
    assert [issue.field for issue in refused.value.details] == ["channel"]


def test_requested_is_not_a_decision() -> None:
    with pytest.raises(ValidationFailed) as refused:
        direct().decide_direct_exception(DirectException.REQUESTED, actor=ADMIN, now=LATER)
    assert [issue.field for issue in refused.value.details] == ["decision"]


# -- reallocation -------------------------------------------------------------------------------------------
def test_a_reallocation_is_kept_in_history_and_remembers_the_former_distributor() -> None:
    deal = routed()
    deal.reallocate_distributor(OTHER, "  Distributor lost its licence ", actor=ADMIN, now=LATER)
    assert deal.channel == Channel(RESELLER, OTHER, ChannelRoute.DISTRIBUTOR)
    assert deal.former_distributors == [DISTRIBUTOR]
    assert deal.updated_at == LATER
    assert deal.pending_channel_changes == [
        ChannelChange(DISTRIBUTOR, OTHER, "Distributor lost its licence", ADMIN, LATER)
    ]
    assert keys(deal) == ["deal.channel_changed"]
    assert deal.pending_events[0].data == {
        "deal_id": deal.id,
        "reseller_id": RESELLER,
        "distributor_id": OTHER,
        "previous_distributor_id": DISTRIBUTOR,
        "route": "distributor",
        "direct_exception": None,
        "reason": "Distributor lost its licence",
        "actor": ADMIN,
    }
    assert deal.stage is Stage.INTAKE and deal.pending_stage_changes == []


def test_former_distributors_are_kept_once_each_and_a_returning_one_is_current_again() -> None:
    deal = routed()
    deal.reallocate_distributor(OTHER, "first", actor=ADMIN, now=LATER)
    deal.reallocate_distributor(THIRD, "second", actor=ADMIN, now=LATER)
    assert deal.former_distributors == [DISTRIBUTOR, OTHER]
    deal.reallocate_distributor(DISTRIBUTOR, "back", actor=ADMIN, now=LATER)
    assert deal.channel.distributor_id == DISTRIBUTOR
    assert deal.former_distributors == [OTHER, THIRD]
    deal.reallocate_distributor(OTHER, "again", actor=ADMIN, now=LATER)
    assert deal.former_distributors == [THIRD, DISTRIBUTOR]
    assert [(change.from_distributor_id, change.to_distributor_id) for change in deal.pending_channel_changes] == [
        (DISTRIBUTOR, OTHER),
        (OTHER, THIRD),
        (THIRD, DISTRIBUTOR),
        (DISTRIBUTOR, OTHER),
    ]


@pytest.mark.parametrize("decision", [None, DirectException.GRANTED, DirectException.DENIED])
def test_a_direct_deal_reallocated_to_a_distributor_drops_its_exception(decision: DirectException | None) -> None:
    deal = direct(decision)
    deal.reallocate_distributor(DISTRIBUTOR, "route through the region's distributor", actor=ADMIN, now=LATER)
    assert deal.channel == Channel(RESELLER, DISTRIBUTOR, ChannelRoute.DISTRIBUTOR)
    assert deal.former_distributors == []
    (change,) = deal.pending_channel_changes
    assert (change.from_distributor_id, change.to_distributor_id) == (None, DISTRIBUTOR)
    assert deal.pending_events[0].data["previous_distributor_id"] is None


def test_the_current_distributor_again_changes_nothing() -> None:
    deal = routed()
    deal.reallocate_distributor(DISTRIBUTOR, "no change", actor=ADMIN, now=LATER)
    assert (deal.updated_at, deal.pending_events, deal.pending_channel_changes) == (NOW, [], [])
    assert deal.former_distributors == []


@pytest.mark.parametrize("reason", ["", "   ", "r" * 501])
def test_a_reallocation_needs_a_reason(reason: str) -> None:
    deal = routed()
    with pytest.raises(ValidationFailed) as refused:
        deal.reallocate_distributor(OTHER, reason, actor=ADMIN, now=LATER)
    assert [issue.field for issue in refused.value.details] == ["reason"]
    assert deal.channel.distributor_id == DISTRIBUTOR and deal.pending_events == []


def test_a_reason_of_500_characters_is_enough() -> None:
    deal = routed()
    deal.reallocate_distributor(OTHER, "r" * 500, actor=ADMIN, now=LATER)
    assert deal.pending_channel_changes[0].reason == "r" * 500


def test_the_reseller_cannot_become_its_own_distributor() -> None:
    deal = routed()
    with pytest.raises(ValidationFailed) as refused:
        deal.reallocate_distributor(RESELLER, "self", actor=ADMIN, now=LATER)
    assert [issue.field for issue in refused.value.details] == ["distributor_id"]


def test_a_closed_or_internal_deal_is_not_reallocated() -> None:
    deal = routed()
    deal.lose(close_date=CLOSE, actor=ADMIN, now=LATER)
    deal.pending_events.clear()
    with pytest.raises(Conflict) as refused:
        deal.reallocate_distributor(OTHER, "too late", actor=ADMIN, now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"
    assert [(issue.field, issue.message) for issue in refused.value.details] == [("status", "lost")]
    assert deal.channel.distributor_id == DISTRIBUTOR and deal.former_distributors == []
    with pytest.raises(Conflict) as refused:
        internal().reallocate_distributor(OTHER, "not a partner deal", actor=ADMIN, now=LATER)
    assert refused.value.code == "INVALID_TRANSITION"


# -- the win guard ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("agreement_active", [False, True])
def test_a_deal_no_partner_registered_wins_as_before(agreement_active: bool) -> None:
    deal = internal()
    deal.win(close_date=CLOSE, actor=REP, now=LATER, agreement_active=agreement_active)
    assert deal.stage is Stage.CLOSED_WON


def test_through_a_distributor_a_win_needs_an_agreement_active_on_the_close_date() -> None:
    deal = routed()
    with pytest.raises(Conflict) as refused:
        deal.win(close_date=CLOSE, actor=ADMIN, now=LATER)
    assert refused.value.code == "CHANNEL_NOT_CLEARED"
    assert [issue.field for issue in refused.value.details] == ["distributor_id"]
    assert "2026-01-20" in refused.value.message
    assert (deal.stage, deal.actual_close_date, deal.pending_events, deal.pending_stage_changes) == (
        Stage.INTAKE,
        None,
        [],
        [],
    )
    deal.win(close_date=CLOSE, actor=ADMIN, now=LATER, agreement_active=True)
    assert deal.stage is Stage.CLOSED_WON
    assert deal.pending_events[-1].data["channel"] == {
        "reseller_id": RESELLER,
        "distributor_id": DISTRIBUTOR,
        "route": "distributor",
    }


@pytest.mark.parametrize(
    ("decision", "cleared"),
    [(None, False), (DirectException.GRANTED, True), (DirectException.DENIED, False)],
    ids=["requested", "granted", "denied"],
)
@pytest.mark.parametrize("agreement_active", [False, True])
def test_direct_a_win_needs_a_granted_exception(
    decision: DirectException | None, cleared: bool, agreement_active: bool
) -> None:
    deal = direct(decision)
    if cleared:
        deal.win(close_date=CLOSE, actor=ADMIN, now=LATER, agreement_active=agreement_active)
        assert deal.stage is Stage.CLOSED_WON
        return
    with pytest.raises(Conflict) as refused:
        deal.win(close_date=CLOSE, actor=ADMIN, now=LATER, agreement_active=agreement_active)
    assert refused.value.code == "CHANNEL_NOT_CLEARED"
    expected = (decision or DirectException.REQUESTED).value
    assert [(issue.field, issue.message) for issue in refused.value.details] == [("direct_exception", expected)]
    assert deal.stage is Stage.INTAKE and deal.pending_events == []


def test_a_move_to_closed_won_is_guarded_too() -> None:
    deal = routed()
    with pytest.raises(Conflict) as refused:
        deal.move_to_stage(Stage.CLOSED_WON, actor=ADMIN, now=LATER)
    assert refused.value.code == "CHANNEL_NOT_CLEARED"
    deal.move_to_stage(Stage.CLOSED_WON, actor=ADMIN, now=LATER, agreement_active=True)
    assert deal.stage is Stage.CLOSED_WON
    with pytest.raises(Conflict):
        direct().move_to_stage(Stage.CLOSED_WON, actor=ADMIN, now=LATER)


def test_the_guard_comes_after_the_closed_stage_checks_and_a_loss_is_never_guarded() -> None:
    deal = direct()
    deal.lose(close_date=CLOSE, actor=ADMIN, now=LATER)
    assert deal.stage is Stage.CLOSED_LOST
    with pytest.raises(RuleViolated) as refused:
        deal.win(close_date=CLOSE, actor=ADMIN, now=LATER)
    assert refused.value.code == "MARK_WON_FAILED"


def test_a_reallocated_direct_deal_needs_an_agreement_from_then_on() -> None:
    deal = direct(DirectException.GRANTED)
    deal.reallocate_distributor(DISTRIBUTOR, "route through the distributor", actor=ADMIN, now=LATER)
    with pytest.raises(Conflict) as refused:
        deal.win(close_date=CLOSE, actor=ADMIN, now=LATER)
    assert refused.value.code == "CHANNEL_NOT_CLEARED"
    deal.win(close_date=CLOSE, actor=ADMIN, now=LATER, agreement_active=True)
    assert deal.stage is Stage.CLOSED_WON


def test_the_channel_clears_as_the_rules_say() -> None:
    def cleared(channel: Channel, agreement_active: bool) -> bool:
        return channel.is_cleared(agreement_active=agreement_active)

    assert cleared(Channel(), False)
    assert not cleared(Channel(RESELLER, DISTRIBUTOR, ChannelRoute.DISTRIBUTOR), False)
    assert cleared(Channel(RESELLER, DISTRIBUTOR, ChannelRoute.DISTRIBUTOR), True)
    assert not cleared(Channel(RESELLER, None, ChannelRoute.DISTRIBUTOR), True)
    assert not cleared(Channel(RESELLER, None, ChannelRoute.DIRECT, DirectException.REQUESTED), True)
    assert not cleared(Channel(RESELLER, None, ChannelRoute.DIRECT, DirectException.DENIED), True)
    assert cleared(Channel(RESELLER, None, ChannelRoute.DIRECT, DirectException.GRANTED), False)


# -- events -------------------------------------------------------------------------------------------------
def test_recorded_channel_events_match_their_published_schemas() -> None:
    deal = register(ChannelRoute.DIRECT, None)
    deal.decide_direct_exception(DirectException.DENIED, actor=ADMIN, now=LATER)
    deal.reallocate_distributor(DISTRIBUTOR, "denied: route through the distributor", actor=ADMIN, now=LATER)
    deal.win(close_date=CLOSE, actor=ADMIN, now=LATER, agreement_active=True)
    schemas = {spec.key: spec.json_schema() for spec in EVENTS}
    assert {"deal.registered", "deal.channel_changed"} <= set(schemas)
    assert keys(deal) == [
        "deal.created",
        "deal.registered",
        "deal.channel_changed",
        "deal.channel_changed",
        "deal.won",
    ]
    for event in deal.pending_events:
        metadata = {
            "event_id": "e",
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": "2026-01-15T11:30:00.000Z",
            "actor": ADMIN,
            "correlation_id": "c",
            "aggregate_id": event.aggregate_id,
            "aggregate_version": 1,
        }
        jsonschema.validate({"metadata": metadata, "data": event.data}, schemas[event.event_type])
