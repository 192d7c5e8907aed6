"""The Deal aggregate: every rule of the pipeline, without AWS."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from kernel.errors import RuleViolated, ValidationFailed
from kernel.money import Money
from sales.deal.model import (
    NAME_MAX,
    PROBABILITY,
    Channel,
    Deal,
    DealSource,
    DealStatus,
    Stage,
    StageChange,
)
from tests.support.spec import DEAL_WON_KEYS

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
LATEST = NOW + timedelta(days=3)
FUTURE = date(2026, 3, 31)
CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
REP = "019b72b6-e679-7635-a86d-ac29a7923f3d"
ACTOR = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"
OPEN_STAGES = [Stage.LEAD, Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION]
TERMINAL = [Stage.CLOSED_WON, Stage.CLOSED_LOST]


def new_deal(**overrides: object) -> Deal:
    arguments: dict[str, object] = {
        "customer_id": CUSTOMER,
        "assigned_to": REP,
        "name": "Enterprise Software License",
        "value": Money(50000000, "USD"),
        "expected_close_date": FUTURE,
        "actor": ACTOR,
        "now": NOW,
    }
    arguments.update(overrides)
    return Deal.create(**arguments)  # type: ignore[arg-type]


def fresh_deal(**overrides: object) -> Deal:
    """A created deal whose creation events were already saved (cleared)."""
    deal = new_deal(**overrides)
    deal.pending_events.clear()
    deal.pending_stage_changes.clear()
    return deal


def event_types(deal: Deal) -> list[str]:
    return [event.event_type for event in deal.pending_events]


def won_deal() -> Deal:
    deal = fresh_deal()
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER)
    deal.pending_events.clear()
    deal.pending_stage_changes.clear()
    return deal


def lost_deal() -> Deal:
    deal = fresh_deal()
    deal.lose(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, reason="pricing")
    deal.pending_events.clear()
    deal.pending_stage_changes.clear()
    return deal


# -- creation -------------------------------------------------------------------------------------
def test_create_applies_the_seed_defaults() -> None:
    deal = new_deal()
    assert deal.stage is Stage.LEAD
    assert deal.probability == 10
    assert deal.source is DealSource.INBOUND
    assert deal.status is DealStatus.OPEN
    assert deal.version == 0
    assert deal.created_at == deal.updated_at == NOW
    assert deal.stage_entered_at == NOW
    assert deal.actual_close_date is None
    assert deal.loss_reason is None
    assert deal.actual_value is None
    assert deal.note is None
    assert deal.tags == []
    assert deal.lines == []
    assert deal.channel == Channel()
    assert deal.deleted_at is None and not deal.is_deleted
    assert deal.customer_id == CUSTOMER
    assert deal.assigned_to == REP
    assert deal.value == Money(50000000, "USD")
    assert deal.expected_close_date == FUTURE


def test_create_generates_a_uuid_v7_per_deal() -> None:
    first, second = new_deal(), new_deal()
    assert uuid.UUID(first.id).version == 7
    assert str(uuid.UUID(first.id)) == first.id
    assert first.id != second.id


def test_create_keeps_an_explicit_id_and_source() -> None:
    deal_id = "019b72b7-339c-73ca-850c-8459913f2cde"
    deal = new_deal(deal_id=deal_id, source=DealSource.REFERRAL)
    assert deal.id == deal_id
    assert deal.source is DealSource.REFERRAL


def test_create_records_deal_created_with_its_payload() -> None:
    deal = new_deal(tags=["enterprise"])
    assert len(deal.pending_events) == 1
    event = deal.pending_events[0]
    assert event.event_type == "deal.created"
    assert event.event_version == "1.0.0"
    assert event.aggregate_id == deal.id
    assert event.data == {
        "deal_id": deal.id,
        "customer_id": CUSTOMER,
        "assigned_to": REP,
        "name": "Enterprise Software License",
        "value": 50000000,
        "currency": "USD",
        "stage": "lead",
        "probability": 10,
        "source": "inbound",
        "expected_close_date": "2026-03-31",
    }


def test_create_records_the_first_stage_for_history() -> None:
    deal = new_deal()
    assert deal.pending_stage_changes == [StageChange(None, Stage.LEAD, ACTOR, NOW)]


@pytest.mark.parametrize("name", ["", "   ", "\t\n", "x" * (NAME_MAX + 1)])
def test_name_must_be_1_to_200_characters(name: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_deal(name=name)
    assert caught.value.code == "VALIDATION_ERROR"
    assert [issue.field for issue in caught.value.details] == ["name"]


def test_name_is_trimmed_and_200_characters_are_allowed() -> None:
    assert new_deal(name="  Cloud Migration  ").name == "Cloud Migration"
    assert new_deal(name="x" * NAME_MAX).name == "x" * NAME_MAX
    assert new_deal(name="x").name == "x"


@pytest.mark.parametrize("amount", [0, -1, -50000000])
def test_value_must_be_positive(amount: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_deal(value=Money(amount, "USD"))
    assert caught.value.code == "VALIDATION_ERROR"
    assert [issue.field for issue in caught.value.details] == ["value"]


def test_smallest_positive_value_is_accepted() -> None:
    assert new_deal(value=Money(1, "JPY")).value == Money(1, "JPY")


@pytest.mark.parametrize("expected", [date(2026, 1, 15), date(2026, 1, 14), date(2020, 1, 1)])
def test_expected_close_date_must_be_in_the_future(expected: date) -> None:
    with pytest.raises(ValidationFailed) as caught:
        new_deal(expected_close_date=expected)
    assert caught.value.code == "VALIDATION_ERROR"
    assert [issue.field for issue in caught.value.details] == ["expected_close_date"]


def test_tomorrow_is_the_first_future_date() -> None:
    assert new_deal(expected_close_date=date(2026, 1, 16)).expected_close_date == date(2026, 1, 16)


def test_future_is_judged_on_the_utc_date() -> None:
    # 00:30 in UTC+02:00 on the 16th is still the 15th in UTC: the 16th is in the future.
    local = datetime(2026, 1, 16, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    assert new_deal(now=local, expected_close_date=date(2026, 1, 16)).expected_close_date == date(2026, 1, 16)


def test_tags_are_trimmed_and_deduplicated() -> None:
    assert new_deal(tags=[" vip ", "vip", "renewal"]).tags == ["vip", "renewal"]


@pytest.mark.parametrize("tags", [[""], ["   "], ["x" * 51], [f"t{i}" for i in range(21)]])
def test_bad_tags_are_rejected(tags: list[str]) -> None:
    with pytest.raises(ValidationFailed):
        new_deal(tags=tags)


def test_partner_registrations_start_in_intake_at_zero_percent() -> None:
    deal = new_deal(stage=Stage.INTAKE, source=DealSource.PARTNER)
    assert deal.stage is Stage.INTAKE
    assert deal.probability == 0
    assert deal.status is DealStatus.OPEN
    assert deal.pending_stage_changes == [StageChange(None, Stage.INTAKE, ACTOR, NOW)]
    assert deal.pending_events[0].data["stage"] == "intake"


@pytest.mark.parametrize("stage", [Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION, *TERMINAL])
def test_a_deal_cannot_start_in_another_stage(stage: Stage) -> None:
    with pytest.raises(ValidationFailed):
        new_deal(stage=stage)


# -- stages and probabilities ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("stage", "probability", "status", "terminal", "in_forecast"),
    [
        (Stage.INTAKE, 0, DealStatus.OPEN, False, False),
        (Stage.LEAD, 10, DealStatus.OPEN, False, True),
        (Stage.QUALIFIED, 25, DealStatus.OPEN, False, True),
        (Stage.PROPOSAL, 50, DealStatus.OPEN, False, True),
        (Stage.NEGOTIATION, 75, DealStatus.OPEN, False, True),
        (Stage.CLOSED_WON, 100, DealStatus.WON, True, False),
        (Stage.CLOSED_LOST, 0, DealStatus.LOST, True, False),
    ],
)
def test_stage_table(stage: Stage, probability: int, status: DealStatus, terminal: bool, in_forecast: bool) -> None:
    assert stage.probability == probability == PROBABILITY[stage]
    assert stage.status is status
    assert stage.is_terminal is terminal
    assert stage.in_forecast is in_forecast


def test_every_stage_has_a_probability() -> None:
    assert set(PROBABILITY) == set(Stage)


def test_status_lists_its_stages() -> None:
    assert DealStatus.OPEN.stages == (Stage.INTAKE, *OPEN_STAGES)
    assert DealStatus.WON.stages == (Stage.CLOSED_WON,)
    assert DealStatus.LOST.stages == (Stage.CLOSED_LOST,)


@pytest.mark.parametrize(
    ("path", "probabilities"),
    [
        ([Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION], [25, 50, 75]),  # forward, one by one
        ([Stage.PROPOSAL], [50]),  # skip
        ([Stage.NEGOTIATION, Stage.LEAD], [75, 10]),  # skip then all the way back
        ([Stage.PROPOSAL, Stage.QUALIFIED, Stage.NEGOTIATION], [50, 25, 75]),  # backward then forward
    ],
)
def test_moves_among_open_stages_follow_probability(path: list[Stage], probabilities: list[int]) -> None:
    deal = fresh_deal()
    previous = Stage.LEAD
    for step, (stage, probability) in enumerate(zip(path, probabilities, strict=True)):
        at = NOW + timedelta(minutes=step + 1)
        deal.move_to_stage(stage, actor=ACTOR, now=at)
        assert deal.stage is stage
        assert deal.probability == probability
        assert deal.status is DealStatus.OPEN
        assert deal.stage_entered_at == at
        assert deal.updated_at == at
        event = deal.pending_events[-1]
        assert event.event_type == "deal.stage_changed"
        assert event.data == {
            "deal_id": deal.id,
            "from_stage": previous.value,
            "to_stage": stage.value,
            "probability": probability,
        }
        assert deal.pending_stage_changes[-1] == StageChange(previous, stage, ACTOR, at)
        previous = stage
    assert event_types(deal) == ["deal.stage_changed"] * len(path)
    assert len(deal.pending_stage_changes) == len(path)


def test_intake_deal_can_be_qualified_into_the_pipeline() -> None:
    deal = fresh_deal(stage=Stage.INTAKE)
    deal.move_to_stage(Stage.LEAD, actor=ACTOR, now=LATER)
    assert deal.stage is Stage.LEAD
    assert deal.probability == 10
    assert deal.pending_events[-1].data["from_stage"] == "intake"


@pytest.mark.parametrize("stage", [Stage.LEAD, Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION])
def test_moving_to_intake_is_refused(stage: Stage) -> None:
    deal = fresh_deal()
    if stage is not Stage.LEAD:
        deal.move_to_stage(stage, actor=ACTOR, now=NOW)
        deal.pending_events.clear()
    with pytest.raises(RuleViolated) as caught:
        deal.move_to_stage(Stage.INTAKE, actor=ACTOR, now=LATER)
    assert caught.value.code == "MOVE_STAGE_FAILED"
    assert deal.stage is stage
    assert deal.pending_events == []


def test_same_stage_move_is_a_no_op_without_event() -> None:
    deal = fresh_deal()
    deal.move_to_stage(Stage.LEAD, actor=ACTOR, now=LATER)
    assert deal.stage is Stage.LEAD
    assert deal.pending_events == []
    assert deal.pending_stage_changes == []
    assert deal.updated_at == NOW
    assert deal.stage_entered_at == NOW


@pytest.mark.parametrize("closed", ["won", "lost"])
@pytest.mark.parametrize("target", list(Stage))
def test_closed_stages_are_terminal(closed: str, target: Stage) -> None:
    deal = won_deal() if closed == "won" else lost_deal()
    stage_before = deal.stage
    with pytest.raises(RuleViolated) as caught:
        deal.move_to_stage(target, actor=ACTOR, now=LATEST)
    assert caught.value.code == "MOVE_STAGE_FAILED"
    assert caught.value.message == f"cannot move from terminal stage {stage_before.value}"
    assert str(caught.value) == caught.value.message
    assert deal.stage is stage_before
    assert deal.pending_events == []
    assert deal.pending_stage_changes == []


def test_seed_terminal_message_for_a_won_deal() -> None:
    deal = won_deal()
    with pytest.raises(RuleViolated, match=r"^cannot move from terminal stage closed_won$"):
        deal.move_to_stage(Stage.NEGOTIATION, actor=ACTOR, now=LATEST)


def test_seed_entity_test_move_to_stage() -> None:
    """The seed's TestDeal_MoveToStage, step by step."""
    deal = new_deal(value=Money(1000000, "USD"))
    deal.move_to_stage(Stage.QUALIFIED, actor=ACTOR, now=NOW)
    assert (deal.stage, deal.probability) == (Stage.QUALIFIED, 25)
    deal.win(close_date=date(2026, 1, 15), actor=ACTOR, now=NOW)
    assert (deal.stage, deal.probability) == (Stage.CLOSED_WON, 100)
    with pytest.raises(RuleViolated):
        deal.move_to_stage(Stage.NEGOTIATION, actor=ACTOR, now=NOW)


# -- moves to closed stages are wins and losses ---------------------------------------------------
def test_move_to_closed_won_is_a_win_dated_today() -> None:
    deal = fresh_deal()
    deal.move_to_stage(Stage.PROPOSAL, actor=ACTOR, now=NOW)
    late_evening = datetime(2026, 1, 20, 23, 59, tzinfo=UTC)
    deal.move_to_stage(Stage.CLOSED_WON, actor=ACTOR, now=late_evening)
    assert deal.stage is Stage.CLOSED_WON
    assert deal.status is DealStatus.WON
    assert deal.probability == 100
    assert deal.actual_close_date == date(2026, 1, 20)
    assert event_types(deal) == ["deal.stage_changed", "deal.won"]
    assert deal.pending_events[-1].data["close_date"] == "2026-01-20"
    assert deal.pending_stage_changes[-1] == StageChange(Stage.PROPOSAL, Stage.CLOSED_WON, ACTOR, late_evening)


def test_move_to_closed_won_and_win_record_the_same_event() -> None:
    moved, won = fresh_deal(deal_id=str(uuid.UUID(int=1))), fresh_deal(deal_id=str(uuid.UUID(int=1)))
    moved.move_to_stage(Stage.CLOSED_WON, actor=ACTOR, now=LATER)
    won.win(close_date=LATER.date(), actor=ACTOR, now=LATER)
    assert moved.pending_events == won.pending_events
    assert moved.pending_stage_changes == won.pending_stage_changes


def test_move_to_closed_lost_is_a_loss_dated_today() -> None:
    deal = fresh_deal()
    deal.move_to_stage(Stage.CLOSED_LOST, actor=ACTOR, now=LATER)
    assert deal.stage is Stage.CLOSED_LOST
    assert deal.status is DealStatus.LOST
    assert deal.probability == 0
    assert deal.actual_close_date == LATER.date()
    assert deal.loss_reason is None
    assert event_types(deal) == ["deal.lost"]


def test_move_to_closed_stage_on_an_intake_deal() -> None:
    deal = fresh_deal(stage=Stage.INTAKE)
    deal.move_to_stage(Stage.CLOSED_LOST, actor=ACTOR, now=LATER)
    assert deal.stage is Stage.CLOSED_LOST
    assert deal.pending_stage_changes == [StageChange(Stage.INTAKE, Stage.CLOSED_LOST, ACTOR, LATER)]


# -- win ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", [Stage.INTAKE, *OPEN_STAGES])
def test_win_from_any_open_stage(stage: Stage) -> None:
    deal = fresh_deal(stage=Stage.INTAKE) if stage is Stage.INTAKE else fresh_deal()
    if stage not in (Stage.INTAKE, Stage.LEAD):
        deal.move_to_stage(stage, actor=ACTOR, now=NOW)
    deal.win(close_date=date(2025, 12, 31), actor=REP, now=LATER)
    assert deal.stage is Stage.CLOSED_WON
    assert deal.probability == 100
    assert deal.status is DealStatus.WON
    assert deal.actual_close_date == date(2025, 12, 31)  # the seed closes on a given, past date
    assert deal.updated_at == LATER
    assert deal.stage_entered_at == LATER
    assert deal.pending_stage_changes[-1] == StageChange(stage, Stage.CLOSED_WON, REP, LATER)


def test_win_keeps_value_without_actual_value() -> None:
    deal = fresh_deal()
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER)
    assert deal.value == Money(50000000, "USD")
    assert deal.actual_value is None
    assert deal.note is None


def test_actual_value_replaces_value_and_note_is_kept() -> None:
    """Seed crm-deal-win example mark-won: actualValue 52000, note 'Signed contract attached'."""
    deal = fresh_deal(value=Money(50000, "EUR"))
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, actual_value=52000, note="Signed contract attached")
    assert deal.value == Money(52000, "EUR")
    assert deal.actual_value == 52000
    assert deal.note == "Signed contract attached"
    data = deal.pending_events[-1].data
    assert data["value"] == 52000
    assert data["actual_value"] == 52000
    assert data["currency"] == "EUR"
    assert data["note"] == "Signed contract attached"


@pytest.mark.parametrize(("note", "kept"), [("  trimmed  ", "trimmed"), ("   ", None), ("", None), (None, None)])
def test_win_note_is_trimmed_and_blank_is_none(note: str | None, kept: str | None) -> None:
    deal = fresh_deal()
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, note=note)
    assert deal.note == kept


@pytest.mark.parametrize("actual_value", [0, -1])
def test_win_with_non_positive_actual_value_is_refused_and_changes_nothing(actual_value: int) -> None:
    deal = fresh_deal()
    with pytest.raises(ValidationFailed):
        deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, actual_value=actual_value)
    assert deal.stage is Stage.LEAD
    assert deal.value == Money(50000000, "USD")
    assert deal.actual_value is None
    assert deal.pending_events == []


def test_deal_won_payload_has_every_spec_key() -> None:
    deal = fresh_deal(customer_bridge={"tenant_id": "t-1", "bridged_at": "2026-01-01T00:00:00.000Z"})
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, actual_value=48000000, note="PO 4711")
    event = deal.pending_events[-1]
    assert event.event_type == "deal.won"
    assert event.event_version == "1.1.0"
    assert event.aggregate_id == deal.id
    data = event.data
    assert set(data) >= DEAL_WON_KEYS
    assert {key: data[key] for key in DEAL_WON_KEYS} == {
        "deal_id": deal.id,
        "customer_id": CUSTOMER,
        "bridge": {"tenant_id": "t-1", "bridged_at": "2026-01-01T00:00:00.000Z"},
        "name": "Enterprise Software License",
        "value": 48000000,
        "currency": "USD",
        "close_date": "2026-01-20",
        "actual_value": 48000000,
        "note": "PO 4711",
        "assigned_to": REP,
        "opportunity_id": None,
        "variant_id": None,
        "quote_id": None,
        "lines": [],
        "channel": {"reseller_id": None, "distributor_id": None, "route": "direct"},
    }
    json.dumps(data)  # the outbox stores it as JSON


def test_deal_won_payload_is_null_where_not_known_yet() -> None:
    deal = fresh_deal()
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER)
    data = deal.pending_events[-1].data
    for key in ("bridge", "actual_value", "note", "opportunity_id", "variant_id", "quote_id"):
        assert data[key] is None, key
    assert data["channel"] == {"reseller_id": None, "distributor_id": None, "route": "direct"}


def test_deal_won_payload_carries_lines_and_channel_copies() -> None:
    deal = fresh_deal()
    deal.lines = [{"description": "Device", "quantity": 2, "unit_price": 1000}]
    deal.channel = Channel(reseller_id="r-1", distributor_id="d-1")
    deal.opportunity_id, deal.variant_id, deal.quote_id = "o-1", "v-1", "q-1"
    deal.win(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER)
    data = deal.pending_events[-1].data
    assert data["lines"] == [{"description": "Device", "quantity": 2, "unit_price": 1000}]
    assert data["lines"] is not deal.lines
    assert data["channel"] == {"reseller_id": "r-1", "distributor_id": "d-1", "route": "direct"}
    assert (data["opportunity_id"], data["variant_id"], data["quote_id"]) == ("o-1", "v-1", "q-1")


def test_cannot_win_a_lost_deal() -> None:
    deal = lost_deal()
    with pytest.raises(RuleViolated) as caught:
        deal.win(close_date=date(2026, 1, 21), actor=ACTOR, now=LATEST)
    assert caught.value.code == "MARK_WON_FAILED"
    assert caught.value.message == "cannot win a lost deal"
    assert deal.stage is Stage.CLOSED_LOST
    assert deal.pending_events == []


def test_cannot_win_a_won_deal_twice() -> None:
    deal = won_deal()
    with pytest.raises(RuleViolated) as caught:
        deal.win(close_date=date(2026, 1, 21), actor=ACTOR, now=LATEST, actual_value=1)
    assert caught.value.code == "MARK_WON_FAILED"
    assert deal.actual_close_date == date(2026, 1, 20)
    assert deal.value == Money(50000000, "USD")
    assert deal.pending_events == []


# -- lose -----------------------------------------------------------------------------------------
def test_lose_with_reason() -> None:
    deal = fresh_deal()
    deal.move_to_stage(Stage.NEGOTIATION, actor=ACTOR, now=NOW)
    deal.lose(close_date=date(2025, 12, 31), actor=REP, now=LATER, reason="  Lost to competitor - pricing ")
    assert deal.stage is Stage.CLOSED_LOST
    assert deal.probability == 0
    assert deal.status is DealStatus.LOST
    assert deal.actual_close_date == date(2025, 12, 31)
    assert deal.loss_reason == "Lost to competitor - pricing"
    assert deal.pending_stage_changes[-1] == StageChange(Stage.NEGOTIATION, Stage.CLOSED_LOST, REP, LATER)
    event = deal.pending_events[-1]
    assert event.event_type == "deal.lost"
    assert event.data == {
        "deal_id": deal.id,
        "customer_id": CUSTOMER,
        "value": 50000000,
        "currency": "USD",
        "close_date": "2025-12-31",
        "reason": "Lost to competitor - pricing",
        "assigned_to": REP,
    }


def test_cannot_lose_a_won_deal() -> None:
    deal = won_deal()
    with pytest.raises(RuleViolated) as caught:
        deal.lose(close_date=date(2026, 1, 21), actor=ACTOR, now=LATEST, reason="changed mind")
    assert caught.value.code == "MARK_LOST_FAILED"
    assert caught.value.message == "cannot lose a won deal"
    assert deal.stage is Stage.CLOSED_WON
    assert deal.loss_reason is None
    assert deal.pending_events == []


def test_cannot_lose_a_lost_deal_twice() -> None:
    deal = lost_deal()
    with pytest.raises(RuleViolated) as caught:
        deal.lose(close_date=date(2026, 1, 21), actor=ACTOR, now=LATEST, reason="again")
    assert caught.value.code == "MARK_LOST_FAILED"
    assert deal.loss_reason == "pricing"
    assert deal.actual_close_date == date(2026, 1, 20)


def test_notes_longer_than_2000_characters_are_refused() -> None:
    deal = fresh_deal()
    with pytest.raises(ValidationFailed):
        deal.lose(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, reason="x" * 2001)
    assert deal.stage is Stage.LEAD
    deal.lose(close_date=date(2026, 1, 20), actor=ACTOR, now=LATER, reason="x" * 2000)
    assert deal.loss_reason == "x" * 2000


# -- value ----------------------------------------------------------------------------------------
def test_update_value_records_value_changed() -> None:
    deal = fresh_deal()
    deal.update_value(Money(60000000, "USD"), now=LATER)
    assert deal.value == Money(60000000, "USD")
    assert deal.updated_at == LATER
    assert event_types(deal) == ["deal.value_changed"]
    assert deal.pending_events[0].data == {
        "deal_id": deal.id,
        "previous_value": 50000000,
        "previous_currency": "USD",
        "value": 60000000,
        "currency": "USD",
    }


def test_update_value_may_change_currency() -> None:
    deal = fresh_deal()
    deal.update_value(Money(45000000, "EUR"), now=LATER)
    assert deal.value == Money(45000000, "EUR")
    assert deal.pending_events[0].data["previous_currency"] == "USD"
    assert deal.pending_events[0].data["currency"] == "EUR"


def test_update_value_to_the_same_money_is_a_no_op() -> None:
    deal = fresh_deal()
    deal.update_value(Money(50000000, "USD"), now=LATER)
    assert deal.pending_events == []
    assert deal.updated_at == NOW


def test_update_value_keeps_stage_and_probability() -> None:
    deal = fresh_deal()
    deal.move_to_stage(Stage.NEGOTIATION, actor=ACTOR, now=NOW)
    deal.update_value(Money(60000000, "USD"), now=LATER)
    assert (deal.stage, deal.probability) == (Stage.NEGOTIATION, 75)


@pytest.mark.parametrize("amount", [0, -100])
def test_update_value_must_stay_positive(amount: int) -> None:
    deal = fresh_deal()
    with pytest.raises(ValidationFailed) as caught:
        deal.update_value(Money(amount, "USD"), now=LATER)
    assert caught.value.code == "VALIDATION_ERROR"
    assert deal.value == Money(50000000, "USD")


@pytest.mark.parametrize("closed", [won_deal, lost_deal])
def test_update_value_on_a_closed_deal_is_refused(closed: object) -> None:
    deal = closed()  # type: ignore[operator]
    with pytest.raises(RuleViolated) as caught:
        deal.update_value(Money(1, "USD"), now=LATEST)
    assert caught.value.code == "UPDATE_VALUE_FAILED"
    assert deal.value == Money(50000000, "USD")
    assert deal.pending_events == []


# -- basic info -----------------------------------------------------------------------------------
def test_update_basic_info_changes_only_given_fields() -> None:
    deal = fresh_deal(tags=["a"])
    deal.update_basic_info(now=LATER, name="Enterprise License + Support", expected_close_date=date(2026, 4, 30))
    assert deal.name == "Enterprise License + Support"
    assert deal.expected_close_date == date(2026, 4, 30)
    assert deal.source is DealSource.INBOUND
    assert deal.tags == ["a"]
    assert deal.assigned_to == REP
    assert deal.updated_at == LATER
    deal.update_basic_info(now=LATEST, source=DealSource.OUTBOUND, tags=["b", "b"], assigned_to=ACTOR)
    assert deal.name == "Enterprise License + Support"
    assert deal.source is DealSource.OUTBOUND
    assert deal.tags == ["b"]
    assert deal.assigned_to == ACTOR


@pytest.mark.parametrize(
    "change",
    [{"name": ""}, {"name": "x" * 201}, {"expected_close_date": date(2026, 1, 15)}, {"tags": ["x" * 51]}],
)
def test_update_basic_info_validates_like_create(change: dict[str, object]) -> None:
    deal = fresh_deal()
    with pytest.raises(ValidationFailed):
        deal.update_basic_info(now=NOW, **change)  # type: ignore[arg-type]


# -- soft delete ----------------------------------------------------------------------------------
def test_delete_and_restore() -> None:
    deal = fresh_deal()
    deal.delete(now=LATER)
    assert deal.is_deleted
    assert deal.deleted_at == LATER
    assert deal.updated_at == LATER
    deal.restore(now=LATEST)
    assert not deal.is_deleted
    assert deal.deleted_at is None
    assert deal.updated_at == LATEST
    assert event_types(deal) == ["deal.deleted", "deal.restored"]
    assert deal.pending_events[0].data == {"deal_id": deal.id, "customer_id": CUSTOMER}
    assert deal.pending_events[1].data == {"deal_id": deal.id, "customer_id": CUSTOMER}
    assert deal.stage is Stage.LEAD  # the pipeline state survives a soft delete


# -- a whole life ---------------------------------------------------------------------------------
def test_events_and_history_accumulate_in_order() -> None:
    deal = new_deal()
    deal.move_to_stage(Stage.QUALIFIED, actor=ACTOR, now=NOW + timedelta(days=1))
    deal.move_to_stage(Stage.QUALIFIED, actor=ACTOR, now=NOW + timedelta(days=2))  # no-op
    deal.update_value(Money(60000000, "USD"), now=NOW + timedelta(days=3))
    deal.move_to_stage(Stage.NEGOTIATION, actor=REP, now=NOW + timedelta(days=4))
    deal.win(close_date=date(2026, 1, 20), actor=REP, now=NOW + timedelta(days=5))
    assert event_types(deal) == [
        "deal.created",
        "deal.stage_changed",
        "deal.value_changed",
        "deal.stage_changed",
        "deal.won",
    ]
    assert all(event.aggregate_id == deal.id for event in deal.pending_events)
    assert deal.pending_stage_changes == [
        StageChange(None, Stage.LEAD, ACTOR, NOW),
        StageChange(Stage.LEAD, Stage.QUALIFIED, ACTOR, NOW + timedelta(days=1)),
        StageChange(Stage.QUALIFIED, Stage.NEGOTIATION, REP, NOW + timedelta(days=4)),
        StageChange(Stage.NEGOTIATION, Stage.CLOSED_WON, REP, NOW + timedelta(days=5)),
    ]
