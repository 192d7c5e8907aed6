"""The DistributionAgreement aggregate: territory and dates, the parties' kinds, status moves, no two active
agreements of a pair overlapping in time, the days it clears a deal's channel, and its events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import jsonschema
import pytest
from iso3166 import countries_by_alpha2

from kernel.errors import Conflict, ReferenceNotFound, ValidationFailed
from sales.agreement.events import EVENTS
from sales.agreement.model import TERRITORY_MAX, AgreementStatus, DistributionAgreement, check_parties

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=1)
RESELLER = "019b72b7-0636-79b5-b8fe-000000000001"
DISTRIBUTOR = "019b72b7-0636-79b5-b8fe-000000000002"
JAN_1 = date(2027, 1, 1)
JUN_30 = date(2027, 6, 30)


def agreement(
    starts_on: date = JAN_1,
    ends_on: date | None = JUN_30,
    territory: tuple[str, ...] = ("DE", "AT"),
    reseller_id: str = RESELLER,
    distributor_id: str = DISTRIBUTOR,
) -> DistributionAgreement:
    return DistributionAgreement.create(
        reseller_id=reseller_id,
        distributor_id=distributor_id,
        territory=territory,
        starts_on=starts_on,
        ends_on=ends_on,
        now=NOW,
    )


def active(starts_on: date = JAN_1, ends_on: date | None = JUN_30, **fields: str) -> DistributionAgreement:
    made = agreement(starts_on, ends_on, **fields)  # type: ignore[arg-type]
    made.activate(now=NOW, active_of_pair=[])
    return made


def keys(made: DistributionAgreement) -> list[str]:
    return [recorded.event_type for recorded in made.pending_events]


# -- creation -----------------------------------------------------------------------------------------------
def test_a_new_agreement_is_pending_and_recorded() -> None:
    made = agreement()
    assert made.status is AgreementStatus.PENDING
    assert (made.reseller_id, made.distributor_id, made.pair) == (RESELLER, DISTRIBUTOR, (RESELLER, DISTRIBUTOR))
    assert (made.starts_on, made.ends_on, made.activated_at, made.terminated_at) == (JAN_1, JUN_30, None, None)
    assert (made.created_at, made.updated_at, made.version) == (NOW, NOW, 0)
    assert keys(made) == ["agreement.created"]
    assert made.pending_events[0].data == {
        "agreement_id": made.id,
        "reseller_id": RESELLER,
        "distributor_id": DISTRIBUTOR,
        "territory": ["AT", "DE"],
        "starts_on": "2027-01-01",
        "ends_on": "2027-06-30",
        "status": "pending",
    }


def test_territory_is_upper_cased_deduplicated_and_sorted() -> None:
    made = agreement(territory=("de", "FR", " at ", "De", "fr", "AT"))
    assert made.territory == ("AT", "DE", "FR")


def test_an_unknown_country_code_is_named_by_its_position() -> None:
    with pytest.raises(ValidationFailed) as refused:
        agreement(territory=("DE", "ZZ", "fr", "DEU", "", "UK"))
    assert refused.value.code == "VALIDATION_ERROR"
    assert [issue.field for issue in refused.value.details] == [
        "territory[1]",
        "territory[3]",
        "territory[4]",
        "territory[5]",
    ]


def test_a_territory_names_at_least_one_country() -> None:
    with pytest.raises(ValidationFailed) as refused:
        agreement(territory=())
    assert [issue.field for issue in refused.value.details] == ["territory"]


def test_a_territory_may_name_every_country() -> None:
    every = tuple(countries_by_alpha2)
    assert len(every) <= TERRITORY_MAX
    assert agreement(territory=every + every).territory == tuple(sorted(every))


def test_ends_on_may_be_open_or_the_start_day_but_not_before_it() -> None:
    assert agreement(ends_on=None).ends_on is None
    assert agreement(ends_on=JAN_1).ends_on == JAN_1
    with pytest.raises(ValidationFailed) as refused:
        agreement(ends_on=JAN_1 - timedelta(days=1))
    assert [issue.field for issue in refused.value.details] == ["ends_on"]


def test_dates_stay_within_the_business_calendar() -> None:
    with pytest.raises(ValidationFailed) as refused:
        agreement(ends_on=date(2101, 1, 1))
    assert [issue.field for issue in refused.value.details] == ["ends_on"]
    with pytest.raises(ValidationFailed) as refused:
        agreement(starts_on=date(2101, 1, 1), ends_on=None)
    assert [issue.field for issue in refused.value.details] == ["starts_on"]


def test_a_partner_cannot_distribute_for_itself() -> None:
    with pytest.raises(ValidationFailed) as refused:
        agreement(distributor_id=RESELLER)
    assert [issue.field for issue in refused.value.details] == ["distributor_id"]


# -- the parties' kinds -------------------------------------------------------------------------------------
def test_parties_must_be_a_reseller_and_a_distributor() -> None:
    check_parties("reseller", "distributor")
    for reseller, distributor, fields in (
        ("distributor", "distributor", ["reseller_id"]),
        ("reseller", "reseller", ["distributor_id"]),
        ("distributor", "reseller", ["reseller_id", "distributor_id"]),
    ):
        with pytest.raises(ReferenceNotFound) as refused:
            check_parties(reseller, distributor)
        assert refused.value.code == "INVALID_REFERENCE"
        assert [issue.field for issue in refused.value.details] == fields


# -- status moves -------------------------------------------------------------------------------------------
def test_pending_activates_then_terminates() -> None:
    made = agreement()
    made.activate(now=LATER, active_of_pair=[])
    assert (made.status, made.activated_at, made.updated_at) == (AgreementStatus.ACTIVE, LATER, LATER)
    made.terminate(now=LATER + timedelta(days=1))
    assert made.status is AgreementStatus.TERMINATED
    assert made.terminated_at == LATER + timedelta(days=1)
    assert (made.starts_on, made.ends_on) == (JAN_1, JUN_30)  # kept as agreed
    assert keys(made) == ["agreement.created", "agreement.activated", "agreement.terminated"]
    assert [recorded.data["status"] for recorded in made.pending_events] == ["pending", "active", "terminated"]


def test_a_pending_agreement_may_be_terminated_without_ever_being_active() -> None:
    made = agreement()
    made.terminate(now=LATER)
    assert (made.status, made.activated_at, made.terminated_at) == (AgreementStatus.TERMINATED, None, LATER)


def test_an_active_agreement_cannot_be_activated_again() -> None:
    made = active()
    made.pending_events.clear()
    with pytest.raises(Conflict) as refused:
        made.activate(now=LATER, active_of_pair=[])
    assert refused.value.code == "INVALID_TRANSITION"
    assert refused.value.message == f"agreement {made.id} is active; activate needs pending"
    assert [(issue.field, issue.message) for issue in refused.value.details] == [("status", "active")]
    assert (made.activated_at, made.pending_events) == (NOW, [])


def test_a_terminated_agreement_neither_activates_nor_terminates() -> None:
    made = agreement()
    made.terminate(now=LATER)
    made.pending_events.clear()
    moves: list[Callable[[], None]] = [
        lambda: made.activate(now=LATER, active_of_pair=[]),
        lambda: made.terminate(now=LATER),
    ]
    for move in moves:
        with pytest.raises(Conflict) as refused:
            move()
        assert refused.value.code == "INVALID_TRANSITION"
        assert [(issue.field, issue.message) for issue in refused.value.details] == [("status", "terminated")]
    assert (made.status, made.terminated_at, made.pending_events) == (AgreementStatus.TERMINATED, LATER, [])


# -- overlap ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        ((date(2027, 1, 1), date(2027, 6, 30)), (date(2027, 7, 1), date(2027, 12, 31)), False),  # adjacent
        ((date(2027, 1, 1), date(2027, 6, 30)), (date(2027, 6, 30), date(2027, 12, 31)), True),  # one shared day
        ((date(2027, 1, 1), date(2027, 6, 30)), (date(2027, 1, 1), date(2027, 6, 30)), True),  # identical
        ((date(2027, 1, 1), date(2027, 12, 31)), (date(2027, 3, 1), date(2027, 3, 31)), True),  # inside
        ((date(2027, 1, 1), None), (date(2030, 1, 1), date(2030, 1, 31)), True),  # open-ended runs forever
        ((date(2027, 1, 1), None), (date(2026, 1, 1), date(2026, 12, 31)), False),  # before the open-ended one
        ((date(2027, 1, 1), None), (date(2026, 1, 1), date(2027, 1, 1)), True),  # ends on its first day
        ((date(2027, 1, 1), None), (date(2020, 1, 1), None), True),  # both open-ended
        ((date(2027, 1, 1), date(2027, 1, 1)), (date(2027, 1, 2), date(2027, 1, 2)), False),  # single days
    ],
)
def test_overlap_is_symmetric_with_inclusive_dates(
    first: tuple[date, date | None], second: tuple[date, date | None], overlap: bool
) -> None:
    one, other = agreement(*first), agreement(*second)
    assert one.overlaps(other) is overlap
    assert other.overlaps(one) is overlap


def test_activation_refuses_an_overlap_with_an_active_agreement_of_the_pair() -> None:
    current = active(JAN_1, None)
    other = active(date(2025, 1, 1), date(2025, 12, 31))
    made = agreement(date(2028, 1, 1), None)
    with pytest.raises(Conflict) as refused:
        made.activate(now=LATER, active_of_pair=[other, current])
    assert refused.value.code == "AGREEMENT_OVERLAP"
    assert [(issue.field, issue.message) for issue in refused.value.details] == [("agreement_id", current.id)]
    assert current.id in refused.value.message
    assert (made.status, made.activated_at, keys(made)) == (AgreementStatus.PENDING, None, ["agreement.created"])


def test_activation_names_every_overlapping_agreement() -> None:
    spring = active(date(2027, 3, 1), date(2027, 5, 31))
    autumn = active(date(2027, 9, 1), date(2027, 11, 30))
    with pytest.raises(Conflict) as refused:
        agreement(JAN_1, date(2027, 12, 31)).activate(now=LATER, active_of_pair=[spring, autumn])
    assert [issue.message for issue in refused.value.details] == [spring.id, autumn.id]


def test_an_adjacent_active_agreement_does_not_block_activation() -> None:
    first_half = active(JAN_1, JUN_30)
    made = agreement(date(2027, 7, 1), None)
    made.activate(now=LATER, active_of_pair=[first_half])
    assert made.status is AgreementStatus.ACTIVE


def test_activation_ignores_itself_other_pairs_and_agreements_no_longer_active() -> None:
    made = agreement()
    ended = active()
    ended.terminate(now=NOW)
    pending = agreement()
    other_pair = active(reseller_id="019b72b7-0636-79b5-b8fe-000000000003")
    made.activate(now=LATER, active_of_pair=[made, ended, pending, other_pair])
    assert made.status is AgreementStatus.ACTIVE


# -- the days it clears a channel ---------------------------------------------------------------------------
def test_an_active_agreement_is_active_on_its_days_both_ends_included() -> None:
    made = active(JAN_1, JUN_30)
    assert not made.is_active_on(JAN_1 - timedelta(days=1))
    assert made.is_active_on(JAN_1)
    assert made.is_active_on(date(2027, 3, 15))
    assert made.is_active_on(JUN_30)
    assert not made.is_active_on(JUN_30 + timedelta(days=1))


def test_an_open_ended_agreement_is_active_from_its_first_day_on() -> None:
    made = active(JAN_1, None)
    assert not made.is_active_on(date(2026, 12, 31))
    assert made.is_active_on(JAN_1)
    assert made.is_active_on(date(2100, 12, 31))


def test_a_pending_or_terminated_agreement_is_active_on_no_day() -> None:
    pending = agreement(JAN_1, None)
    assert not pending.is_active_on(date(2027, 3, 1))
    terminated = active(JAN_1, None)
    terminated.terminate(now=LATER)
    assert not any(terminated.is_active_on(day) for day in (JAN_1, date(2027, 3, 1), date(2030, 1, 1)))
    assert not terminated.is_active


def test_a_deleted_agreement_is_not_active() -> None:
    made = active(JAN_1, None)
    made.deleted_at = LATER
    assert not made.is_active and not made.is_active_on(date(2027, 3, 1))


# -- events -------------------------------------------------------------------------------------------------
def test_recorded_events_match_their_published_schemas() -> None:
    made = agreement(ends_on=None)
    made.activate(now=LATER, active_of_pair=[])
    made.terminate(now=LATER)
    schemas = {spec.key: spec.json_schema() for spec in EVENTS}
    assert sorted(schemas) == ["agreement.activated", "agreement.created", "agreement.terminated"]
    assert {spec.source for spec in EVENTS} == {"sales"}
    for event in made.pending_events:
        metadata = {
            "event_id": "e",
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": "2026-11-30T09:00:00.000Z",
            "actor": "admin",
            "correlation_id": "c",
            "aggregate_id": event.aggregate_id,
            "aggregate_version": 1,
        }
        jsonschema.validate({"metadata": metadata, "data": event.data}, schemas[event.event_type])
        assert event.aggregate_id == made.id
    assert made.pending_events[-1].data["ends_on"] is None
