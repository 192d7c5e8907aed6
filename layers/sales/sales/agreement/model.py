"""The DistributionAgreement aggregate: a reseller may route its deals through a distributor, in a territory,
over a span of dates.

Status runs pending -> active -> terminated, or pending -> terminated. Two active agreements of the same
reseller and distributor never overlap in time: activation checks the pair's other active agreements, which
the use case reads and hands in. The parties' subtypes (a reseller, then a distributor) are checked by the use
case against the partner profiles, with `check_parties`.

An agreement clears a deal's channel on a day when it is active and the day lies within its dates
(`is_active_on`). Termination ends it at once: a terminated agreement is active on no day at all, not even the
days before it was terminated. Its `starts_on` and `ends_on` stay as they were agreed; `terminated_at` records
when it ended.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from iso3166 import countries_by_alpha2

from kernel.aggregate import AggregateRoot
from kernel.clock import business_date
from kernel.errors import Conflict, FieldIssue, ReferenceNotFound, ValidationFailed
from kernel.ids import new_id
from sales.agreement.events import AgreementActivated, AgreementCreated, AgreementSnapshot, AgreementTerminated

TERRITORY_MAX = 250

RESELLER = "reseller"
DISTRIBUTOR = "distributor"


class AgreementStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    TERMINATED = "terminated"


# Where each transition may start from.
_FROM: dict[str, tuple[AgreementStatus, ...]] = {
    "activate": (AgreementStatus.PENDING,),
    "terminate": (AgreementStatus.PENDING, AgreementStatus.ACTIVE),
}


def clean_territory(codes: Sequence[str]) -> tuple[str, ...]:
    """ISO 3166-1 alpha-2 codes, upper-cased, deduplicated and sorted; 1 to TERRITORY_MAX of them. Every
    unknown code is named by its position in the input (`territory[2]`)."""
    issues: list[FieldIssue] = []
    cleaned: set[str] = set()
    for index, code in enumerate(codes):
        text = code.strip().upper()
        if text not in countries_by_alpha2:
            issues.append(FieldIssue(f"territory[{index}]", "is not an ISO 3166-1 alpha-2 country code"))
        else:
            cleaned.add(text)
    if issues:
        raise ValidationFailed("territory names unknown country codes", issues)
    if not 1 <= len(cleaned) <= TERRITORY_MAX:
        bound = f"must name 1-{TERRITORY_MAX} country codes"
        raise ValidationFailed(f"territory {bound}", [FieldIssue("territory", bound)])
    return tuple(sorted(cleaned))


def _dates(starts_on: date, ends_on: date | None) -> tuple[date, date | None]:
    starts_on = business_date(starts_on, "starts_on")
    if ends_on is not None:
        ends_on = business_date(ends_on, "ends_on")
        if ends_on < starts_on:
            raise ValidationFailed(
                "ends_on is before starts_on", [FieldIssue("ends_on", "must be on or after starts_on")]
            )
    return starts_on, ends_on


def check_parties(reseller_subtype: str, distributor_subtype: str) -> None:
    """The first party of an agreement must be a reseller and the second a distributor (422
    INVALID_REFERENCE naming the party, or both, that is of the wrong kind)."""
    issues = []
    if reseller_subtype != RESELLER:
        issues.append(FieldIssue("reseller_id", f"names a {reseller_subtype}, not a {RESELLER}"))
    if distributor_subtype != DISTRIBUTOR:
        issues.append(FieldIssue("distributor_id", f"names a {distributor_subtype}, not a {DISTRIBUTOR}"))
    if issues:
        error = ReferenceNotFound(
            "an agreement is made between a reseller and a distributor", "INVALID_REFERENCE", issues[0].field
        )
        error.details[:] = issues
        raise error


@dataclass(kw_only=True)
class DistributionAgreement(AggregateRoot):
    reseller_id: str
    distributor_id: str
    territory: tuple[str, ...]
    starts_on: date
    ends_on: date | None = None
    status: AgreementStatus = AgreementStatus.PENDING
    activated_at: datetime | None = None
    terminated_at: datetime | None = None

    @classmethod
    def create(
        cls,
        *,
        reseller_id: str,
        distributor_id: str,
        territory: Sequence[str],
        starts_on: date,
        ends_on: date | None,
        now: datetime,
    ) -> DistributionAgreement:
        if reseller_id == distributor_id:
            raise ValidationFailed(
                "a partner cannot distribute for itself",
                [FieldIssue("distributor_id", "must name another partner than reseller_id")],
            )
        codes = clean_territory(territory)
        starts_on, ends_on = _dates(starts_on, ends_on)
        agreement = cls(
            id=new_id(),
            reseller_id=reseller_id,
            distributor_id=distributor_id,
            territory=codes,
            starts_on=starts_on,
            ends_on=ends_on,
            created_at=now,
            updated_at=now,
        )
        agreement.record(agreement._snapshot(AgreementCreated))
        return agreement

    # -- questions ---------------------------------------------------------------------------------
    @property
    def is_active(self) -> bool:
        return self.status is AgreementStatus.ACTIVE and not self.is_deleted

    @property
    def pair(self) -> tuple[str, str]:
        """(reseller_id, distributor_id): the two partners the agreement binds."""
        return self.reseller_id, self.distributor_id

    def overlaps(self, other: DistributionAgreement) -> bool:
        """Whether the two date spans share at least one day (both ends inclusive; no ends_on runs forever)."""
        starts_before_other_ends = other.ends_on is None or self.starts_on <= other.ends_on
        other_starts_before_end = self.ends_on is None or other.starts_on <= self.ends_on
        return starts_before_other_ends and other_starts_before_end

    def is_active_on(self, day: date) -> bool:
        """Whether the agreement clears a deal closing on `day`: active, and `day` within its dates."""
        return self.is_active and self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    # -- commands ----------------------------------------------------------------------------------
    def activate(self, *, now: datetime, active_of_pair: Sequence[DistributionAgreement]) -> None:
        """`active_of_pair`: the other active agreements of the same reseller and distributor (anything else
        in it, this agreement included, is ignored). Any of them overlapping this one in time refuses the
        activation (409 AGREEMENT_OVERLAP naming each of them)."""
        self._allow("activate")
        clashes = [
            other
            for other in active_of_pair
            if other.id != self.id and other.pair == self.pair and other.is_active and self.overlaps(other)
        ]
        if clashes:
            names = ", ".join(other.id for other in clashes)
            raise Conflict(
                f"agreement {self.id} overlaps the active agreement(s) {names} of the same reseller and distributor",
                "AGREEMENT_OVERLAP",
                [FieldIssue("agreement_id", other.id) for other in clashes],
            )
        self.status = AgreementStatus.ACTIVE
        self.activated_at = now
        self.touch(now)
        self.record(self._snapshot(AgreementActivated))

    def terminate(self, *, now: datetime) -> None:
        self._allow("terminate")
        self.status = AgreementStatus.TERMINATED
        self.terminated_at = now
        self.touch(now)
        self.record(self._snapshot(AgreementTerminated))

    # -- internals ---------------------------------------------------------------------------------
    def _allow(self, action: str) -> None:
        allowed = _FROM[action]
        if self.status not in allowed:
            names = " or ".join(status.value for status in allowed)
            raise Conflict(
                f"agreement {self.id} is {self.status.value}; {action} needs {names}",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )

    def _snapshot(self, event: Callable[..., AgreementSnapshot]) -> AgreementSnapshot:
        return event(
            agreement_id=self.id,
            reseller_id=self.reseller_id,
            distributor_id=self.distributor_id,
            territory=list(self.territory),
            starts_on=self.starts_on.isoformat(),
            ends_on=self.ends_on.isoformat() if self.ends_on else None,
            status=self.status.value,
        )
