"""The Deal aggregate: a sales opportunity moving through the pipeline to won or lost.

Rules: stage-driven probability, skips and
backward moves among open stages, terminal closed stages, win/lose guards, soft delete.

Partner deals: a reseller registers a deal (stage intake, source partner) routed through a distributor or
direct; the direct route asks for an exception that an admin grants or denies, and an admin may reallocate the
deal to another distributor (kept in the deal's channel history; a distributor that once had the deal is
remembered). A partner deal is won only when its channel is cleared: through a distributor with an agreement of
the pair active on the close date (the use case looks it up and answers `agreement_active`), or direct with a
granted exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from kernel.aggregate import AggregateRoot
from kernel.clock import business_date, from_rfc3339, to_rfc3339, today
from kernel.errors import Conflict, FieldIssue, RuleViolated, ValidationFailed
from kernel.ids import new_id
from kernel.money import Money
from sales.deal.events import (
    ChannelData,
    DealChannelChanged,
    DealCreated,
    DealDeleted,
    DealLost,
    DealRegistered,
    DealRestored,
    DealStageChanged,
    DealValueChanged,
    DealWon,
)

NAME_MAX = 200
TAGS_MAX = 20
TAG_MAX = 50
NOTE_MAX = 2000
REASON_MAX = 500


class Stage(StrEnum):
    INTAKE = "intake"
    LEAD = "lead"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"

    @property
    def probability(self) -> int:
        return PROBABILITY[self]

    @property
    def is_terminal(self) -> bool:
        return self in (Stage.CLOSED_WON, Stage.CLOSED_LOST)

    @property
    def status(self) -> DealStatus:
        if self is Stage.CLOSED_WON:
            return DealStatus.WON
        if self is Stage.CLOSED_LOST:
            return DealStatus.LOST
        return DealStatus.OPEN

    @property
    def in_forecast(self) -> bool:
        """Open stages a forecast counts; intake deals are unqualified partner registrations."""
        return self.status is DealStatus.OPEN and self is not Stage.INTAKE


PROBABILITY: dict[Stage, int] = {
    Stage.INTAKE: 0,
    Stage.LEAD: 10,
    Stage.QUALIFIED: 25,
    Stage.PROPOSAL: 50,
    Stage.NEGOTIATION: 75,
    Stage.CLOSED_WON: 100,
    Stage.CLOSED_LOST: 0,
}


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"

    @property
    def stages(self) -> tuple[Stage, ...]:
        return tuple(stage for stage in Stage if stage.status is self)


class DealSource(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    REFERRAL = "referral"
    PARTNER = "partner"


class ChannelRoute(StrEnum):
    DIRECT = "direct"
    DISTRIBUTOR = "distributor"


class DirectException(StrEnum):
    """Where a partner deal's request to be sold direct (without a distributor) stands."""

    REQUESTED = "requested"
    GRANTED = "granted"
    DENIED = "denied"


@dataclass(frozen=True, slots=True)
class Channel:
    """How a deal reaches the customer; partner deals fill it in (reseller, distributor, route), and on the
    direct route the admin's decision on the direct exception (who decided, when)."""

    reseller_id: str | None = None
    distributor_id: str | None = None
    route: ChannelRoute = ChannelRoute.DIRECT
    direct_exception: DirectException | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def is_partner(self) -> bool:
        """Registered by a reseller: the channel rules apply."""
        return self.reseller_id is not None

    @property
    def needs_agreement(self) -> bool:
        """A partner deal routed through a distributor: winning it needs an agreement between the reseller and
        the distributor active on the close date, which the caller looks up."""
        return self.is_partner and self.route is ChannelRoute.DISTRIBUTOR

    def is_cleared(self, *, agreement_active: bool) -> bool:
        """Whether the deal may be won. A deal no partner registered always may. Through a distributor: when
        `agreement_active` (an agreement of the pair is active on the close date). Direct: when the exception
        was granted; requested or denied is not cleared. A direct partner channel with no exception on record
        (never produced by a registration, which always requests one) has nothing to wait for."""
        if not self.is_partner:
            return True
        if self.route is ChannelRoute.DISTRIBUTOR:
            return self.distributor_id is not None and agreement_active
        return self.direct_exception in (None, DirectException.GRANTED)

    def as_dict(self) -> dict[str, Any]:
        """The channel as `deal.won` publishes it: exactly these three keys."""
        return {
            "reseller_id": self.reseller_id,
            "distributor_id": self.distributor_id,
            "route": self.route.value,
        }

    def as_view_dict(self) -> dict[str, Any]:
        """Every field, JSON-ready (decided_at in RFC 3339): for the deal's view and its stored item."""
        return {
            **self.as_dict(),
            "direct_exception": self.direct_exception.value if self.direct_exception else None,
            "decided_by": self.decided_by,
            "decided_at": to_rfc3339(self.decided_at) if self.decided_at else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Channel:
        """The inverse of `as_view_dict`; absent keys take their defaults (items stored before they existed)."""
        exception = data.get("direct_exception")
        decided_at = data.get("decided_at")
        return cls(
            reseller_id=data.get("reseller_id"),
            distributor_id=data.get("distributor_id"),
            route=ChannelRoute(data.get("route") or ChannelRoute.DIRECT.value),
            direct_exception=DirectException(exception) if exception else None,
            decided_by=data.get("decided_by"),
            decided_at=from_rfc3339(decided_at) if decided_at else None,
        )


@dataclass(frozen=True, slots=True)
class ChannelChange:
    """One reallocation of a partner deal to another distributor, kept in the deal's history.
    `from_distributor_id` is None when the deal had no distributor (it was routed direct)."""

    from_distributor_id: str | None
    to_distributor_id: str
    reason: str
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class StageChange:
    """One step of the stage history. `from_stage` is None for the deal's first stage."""

    from_stage: Stage | None
    to_stage: Stage
    actor: str
    at: datetime


@dataclass(frozen=True, slots=True)
class DealFilter:
    """Which live deals a list shows: those matching every criterion given. A stage implies its status."""

    stage: Stage | None = None
    status: DealStatus | None = None
    assigned_to: str | None = None
    customer_id: str | None = None

    @property
    def selects_nothing(self) -> bool:
        """A stage and a status that cannot both hold: no deal matches, so there is nothing to read."""
        return self.stage is not None and self.status is not None and self.stage.status is not self.status

    @property
    def implied_status(self) -> DealStatus | None:
        return self.stage.status if self.stage is not None else self.status


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or len(cleaned) > NAME_MAX:
        raise ValidationFailed(
            f"name must be 1-{NAME_MAX} characters", [FieldIssue("name", f"must be 1-{NAME_MAX} characters")]
        )
    return cleaned


def _positive(value: Money) -> Money:
    if value.amount <= 0:
        raise ValidationFailed("value must be positive", [FieldIssue("value", "must be a positive integer")])
    return value


def _future(expected: date, now: datetime) -> date:
    if expected <= today(now):
        raise ValidationFailed(
            "expected_close_date must be in the future",
            [FieldIssue("expected_close_date", f"must be after {today(now).isoformat()}")],
        )
    return business_date(expected, "expected_close_date")


def _clean_reason(text: str) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > REASON_MAX:
        raise ValidationFailed(
            f"reason must be 1-{REASON_MAX} characters", [FieldIssue("reason", f"must be 1-{REASON_MAX} characters")]
        )
    return cleaned


def _other_than_reseller(reseller_id: str, distributor_id: str) -> str:
    if distributor_id == reseller_id:
        raise ValidationFailed(
            "a reseller cannot be its own distributor",
            [FieldIssue("distributor_id", "must name another partner than the reseller")],
        )
    return distributor_id


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        text = tag.strip()
        if not text or len(text) > TAG_MAX:
            raise ValidationFailed(f"tags must be 1-{TAG_MAX} characters", [FieldIssue("tags", "bad tag")])
        if text not in cleaned:
            cleaned.append(text)
    if len(cleaned) > TAGS_MAX:
        raise ValidationFailed(f"at most {TAGS_MAX} tags", [FieldIssue("tags", f"at most {TAGS_MAX}")])
    return cleaned


@dataclass(kw_only=True)
class Deal(AggregateRoot):
    customer_id: str
    assigned_to: str
    name: str
    value: Money
    stage: Stage = Stage.LEAD
    source: DealSource = DealSource.INBOUND
    expected_close_date: date | None = None
    actual_close_date: date | None = None
    loss_reason: str | None = None
    note: str | None = None
    actual_value: int | None = None
    tags: list[str] = field(default_factory=list)
    opportunity_id: str | None = None
    variant_id: str | None = None
    quote_id: str | None = None
    lines: list[dict[str, Any]] = field(default_factory=list)
    channel: Channel = field(default_factory=Channel)
    # Distributors a partner deal was reallocated away from (oldest first, no repeats): they still list it, masked.
    former_distributors: list[str] = field(default_factory=list)
    # The customer's federation reference, copied when the deal is created (deal.won carries it).
    customer_bridge: dict[str, Any] | None = None
    # The customer's display name as the win read it, for deal.won (who to bill); not stored with the deal.
    customer_name: str | None = field(default=None, compare=False)
    stage_entered_at: datetime | None = None
    pending_stage_changes: list[StageChange] = field(default_factory=list, repr=False, compare=False)
    # Reallocations of the last command, stored as channel history items in its transaction.
    pending_channel_changes: list[ChannelChange] = field(default_factory=list, repr=False, compare=False)

    @property
    def probability(self) -> int:
        return self.stage.probability

    @property
    def status(self) -> DealStatus:
        return self.stage.status

    # -- factory --------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        *,
        customer_id: str,
        assigned_to: str,
        name: str,
        value: Money,
        expected_close_date: date,
        actor: str,
        now: datetime,
        source: DealSource = DealSource.INBOUND,
        tags: list[str] | None = None,
        stage: Stage = Stage.LEAD,
        deal_id: str | None = None,
        customer_bridge: dict[str, Any] | None = None,
        opportunity_id: str | None = None,
        variant_id: str | None = None,
        lines: list[dict[str, Any]] | None = None,
    ) -> Deal:
        if stage not in (Stage.LEAD, Stage.INTAKE):
            raise ValidationFailed("a deal starts in stage lead (intake for partner registrations)")
        deal = cls(
            id=deal_id or new_id(),
            customer_id=customer_id,
            assigned_to=assigned_to,
            name=_clean_name(name),
            value=_positive(value),
            stage=stage,
            source=source,
            expected_close_date=_future(expected_close_date, now),
            tags=_clean_tags(tags or []),
            created_at=now,
            updated_at=now,
            stage_entered_at=now,
            customer_bridge=customer_bridge,
            opportunity_id=opportunity_id,
            variant_id=variant_id,
            lines=list(lines or []),
        )
        deal.pending_stage_changes.append(StageChange(None, stage, actor, now))
        deal.record(
            DealCreated(
                deal_id=deal.id,
                customer_id=deal.customer_id,
                assigned_to=deal.assigned_to,
                name=deal.name,
                value=deal.value.amount,
                currency=deal.value.currency,
                stage=deal.stage.value,
                probability=deal.probability,
                source=deal.source.value,
                expected_close_date=deal.expected_close_date.isoformat() if deal.expected_close_date else None,
            )
        )
        return deal

    @classmethod
    def register(
        cls,
        *,
        reseller_id: str,
        route: ChannelRoute,
        distributor_id: str | None,
        customer_id: str,
        assigned_to: str,
        name: str,
        value: Money,
        expected_close_date: date,
        actor: str,
        now: datetime,
        deal_id: str | None = None,
        customer_bridge: dict[str, Any] | None = None,
    ) -> Deal:
        """A reseller's registration: a deal in stage intake with source partner. Through a distributor it names
        one (other than the reseller); direct, it names none and asks for a direct exception. The partners'
        subtypes, status and the pair's active agreement are the use case's to check."""
        if route is ChannelRoute.DISTRIBUTOR:
            if distributor_id is None:
                raise ValidationFailed(
                    "a deal routed through a distributor names it",
                    [FieldIssue("distributor_id", "required when route is distributor")],
                )
            channel = Channel(reseller_id, _other_than_reseller(reseller_id, distributor_id), route)
        else:
            if distributor_id is not None:
                raise ValidationFailed(
                    "a deal routed direct names no distributor",
                    [FieldIssue("distributor_id", "must be absent when route is direct")],
                )
            channel = Channel(reseller_id, None, route, direct_exception=DirectException.REQUESTED)
        deal = cls.create(
            customer_id=customer_id,
            assigned_to=assigned_to,
            name=name,
            value=value,
            expected_close_date=expected_close_date,
            actor=actor,
            now=now,
            source=DealSource.PARTNER,
            stage=Stage.INTAKE,
            deal_id=deal_id,
            customer_bridge=customer_bridge,
        )
        deal.channel = channel
        deal.record(
            DealRegistered(
                deal_id=deal.id,
                customer_id=deal.customer_id,
                name=deal.name,
                value=deal.value.amount,
                currency=deal.value.currency,
                reseller_id=reseller_id,
                distributor_id=channel.distributor_id,
                route=channel.route.value,
                direct_exception=channel.direct_exception.value if channel.direct_exception else None,
            )
        )
        return deal

    # -- commands -------------------------------------------------------------------------------
    def update_basic_info(
        self,
        *,
        now: datetime,
        name: str | None = None,
        expected_close_date: date | None = None,
        source: DealSource | None = None,
        tags: list[str] | None = None,
        assigned_to: str | None = None,
    ) -> None:
        # Validate everything before changing anything: a refused command leaves the deal as it was.
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = _clean_name(name)
        if expected_close_date is not None and expected_close_date != self.expected_close_date:
            changes["expected_close_date"] = _future(expected_close_date, now)
        if source is not None:
            changes["source"] = source
        if tags is not None:
            changes["tags"] = _clean_tags(tags)
        if assigned_to is not None:
            changes["assigned_to"] = assigned_to
        changes = {field: value for field, value in changes.items() if getattr(self, field) != value}
        if not changes:
            return  # nothing to store, no new version
        for field_name, value in changes.items():
            setattr(self, field_name, value)
        self.touch(now)

    def update_value(self, value: Money, *, now: datetime) -> None:
        if self.stage.is_terminal:
            raise RuleViolated(f"cannot change the value of a {self.status.value} deal", "UPDATE_VALUE_FAILED")
        new_value = _positive(value)
        if new_value == self.value:
            return
        previous = self.value
        self.value = new_value
        self.touch(now)
        self.record(
            DealValueChanged(
                deal_id=self.id,
                previous_value=previous.amount,
                previous_currency=previous.currency,
                value=new_value.amount,
                currency=new_value.currency,
            )
        )

    def accept_quote(self, quote_id: str, total: Money, *, now: datetime) -> None:
        """The customer accepted quote `quote_id`: the deal is worth its total from now on. One quote per deal;
        its currency is the deal's (a quote is made in the deal's currency)."""
        if self.stage.is_terminal:
            raise Conflict(
                f"deal {self.id} is {self.status.value}; quotes are accepted on open deals",
                "DEAL_NOT_OPEN",
                [FieldIssue("status", self.status.value)],
            )
        if self.quote_id is not None:
            raise Conflict(
                f"deal {self.id} already has an accepted quote ({self.quote_id})",
                "QUOTE_ALREADY_ACCEPTED",
                [FieldIssue("quote_id", self.quote_id)],
            )
        self.quote_id = quote_id
        self.touch(now)
        self.update_value(total, now=now)

    def note_customer(self, bridge: dict[str, Any] | None, name: str | None) -> None:
        """The customer's bridge (set by the conversion bridge, maybe after the deal was created) and name as they
        are now, for the `deal.won` the next win records. Not a change of the deal by itself: no event."""
        self.customer_bridge = bridge
        self.customer_name = name

    def change_customer(self, customer_id: str, bridge: dict[str, Any] | None, *, now: datetime) -> None:
        """The customer was merged into `customer_id`: the deal is that contact's now, whatever its status.
        No event: `contact.merged` tells subscribers which contact absorbed which."""
        self.customer_id = customer_id
        self.customer_bridge = bridge
        self.touch(now)

    def decide_direct_exception(self, decision: DirectException, *, actor: str, now: datetime) -> None:
        """An admin grants or denies the direct exception a partner deal routed direct asked for; decided once
        (409 INVALID_TRANSITION naming the status, the route or the exception as it stands)."""
        if decision is DirectException.REQUESTED:
            raise ValidationFailed("a decision grants or denies", [FieldIssue("decision", "must be granted or denied")])
        action = "a direct-exception decision"
        self._require_open_partner_deal(action)
        if self.channel.route is not ChannelRoute.DIRECT:
            raise Conflict(
                f"deal {self.id} is routed through a distributor; {action} needs the direct route",
                "INVALID_TRANSITION",
                [FieldIssue("route", self.channel.route.value)],
            )
        if self.channel.direct_exception is not DirectException.REQUESTED:
            current = self.channel.direct_exception.value if self.channel.direct_exception else "null"
            raise Conflict(
                f"deal {self.id}'s direct exception is {current}; {action} needs requested",
                "INVALID_TRANSITION",
                [FieldIssue("direct_exception", current)],
            )
        self.channel = replace(self.channel, direct_exception=decision, decided_by=actor, decided_at=now)
        self.touch(now)
        self.record(self._channel_changed(self.channel.distributor_id, None, actor))

    def reallocate_distributor(self, distributor_id: str, reason: str, *, actor: str, now: datetime) -> None:
        """An admin routes an open partner deal through `distributor_id` from now on (whatever its route was;
        a direct exception and its decision are cleared). The distributor it leaves is remembered in
        `former_distributors`; the move is kept in the channel history. The current distributor again changes
        nothing."""
        cleaned = _clean_reason(reason)
        self._require_open_partner_deal("a reallocation")
        assert self.channel.reseller_id is not None  # a partner deal
        new = _other_than_reseller(self.channel.reseller_id, distributor_id)
        if self.channel.route is ChannelRoute.DISTRIBUTOR and self.channel.distributor_id == new:
            return
        previous = self.channel.distributor_id
        if previous is not None and previous != new and previous not in self.former_distributors:
            self.former_distributors.append(previous)
        # A distributor the deal comes back to has it again: it is no longer a former one.
        self.former_distributors = [former for former in self.former_distributors if former != new]
        self.channel = Channel(self.channel.reseller_id, new, ChannelRoute.DISTRIBUTOR)
        self.touch(now)
        self.pending_channel_changes.append(ChannelChange(previous, new, cleaned, actor, now))
        self.record(self._channel_changed(previous, cleaned, actor))

    def move_to_stage(self, stage: Stage, *, actor: str, now: datetime, agreement_active: bool = False) -> None:
        """Move between open stages; a move to a closed stage is a win or a loss with today's date.
        `agreement_active` is passed on to `win` (see there)."""
        if self.stage.is_terminal:
            raise RuleViolated(f"cannot move from terminal stage {self.stage.value}", "MOVE_STAGE_FAILED")
        if stage is Stage.INTAKE:
            raise RuleViolated("only partner-registered deals start in stage intake", "MOVE_STAGE_FAILED")
        if stage is Stage.CLOSED_WON:
            self.win(close_date=today(now), actor=actor, now=now, agreement_active=agreement_active)
            return
        if stage is Stage.CLOSED_LOST:
            self.lose(close_date=today(now), actor=actor, now=now)
            return
        if stage is self.stage:
            return
        previous = self.stage
        self._enter(stage, actor, now)
        self.record(
            DealStageChanged(
                deal_id=self.id, from_stage=previous.value, to_stage=stage.value, probability=self.probability
            )
        )

    def win(
        self,
        *,
        close_date: date,
        actor: str,
        now: datetime,
        actual_value: int | None = None,
        note: str | None = None,
        agreement_active: bool = False,
    ) -> None:
        """A partner deal is won only when its channel is cleared (409 CHANNEL_NOT_CLEARED). Through a
        distributor that takes an agreement between the reseller and the distributor active on `close_date`:
        the caller looks it up (when `channel.needs_agreement`) and answers `agreement_active`. A deal no partner
        registered ignores it."""
        if self.stage is Stage.CLOSED_LOST:
            raise RuleViolated("cannot win a lost deal", "MARK_WON_FAILED")
        if self.stage is Stage.CLOSED_WON:
            raise RuleViolated("deal is already won", "MARK_WON_FAILED")
        close_date = business_date(close_date, "close_date")
        # The closing price (actual_value) replaces the forecast value.
        final_value = _positive(Money(actual_value, self.value.currency)) if actual_value is not None else self.value
        cleaned_note = _clean_note(note)
        self._require_cleared_channel(close_date, agreement_active)
        self.value = final_value
        self.actual_value = actual_value
        self.note = cleaned_note
        self.actual_close_date = close_date
        self._enter(Stage.CLOSED_WON, actor, now)
        self.record(self._won_event())

    def lose(self, *, close_date: date, actor: str, now: datetime, reason: str | None = None) -> None:
        if self.stage is Stage.CLOSED_WON:
            raise RuleViolated("cannot lose a won deal", "MARK_LOST_FAILED")
        if self.stage is Stage.CLOSED_LOST:
            raise RuleViolated("deal is already lost", "MARK_LOST_FAILED")
        close_date = business_date(close_date, "close_date")
        reason = _clean_note(reason)
        self.loss_reason = reason
        self.actual_close_date = close_date
        self._enter(Stage.CLOSED_LOST, actor, now)
        self.record(
            DealLost(
                deal_id=self.id,
                customer_id=self.customer_id,
                value=self.value.amount,
                currency=self.value.currency,
                close_date=close_date.isoformat(),
                reason=self.loss_reason,
                assigned_to=self.assigned_to,
            )
        )

    def delete(self, *, now: datetime) -> None:
        self.deleted_at = now
        self.touch(now)
        self.record(DealDeleted(deal_id=self.id, customer_id=self.customer_id))

    def restore(self, *, now: datetime) -> None:
        self.deleted_at = None
        self.touch(now)
        self.record(DealRestored(deal_id=self.id, customer_id=self.customer_id))

    # -- internals ------------------------------------------------------------------------------
    def _require_open_partner_deal(self, action: str) -> None:
        if self.stage.is_terminal:
            raise Conflict(
                f"deal {self.id} is {self.status.value}; {action} needs an open deal",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )
        if not self.channel.is_partner:
            raise Conflict(
                f"deal {self.id} was not registered by a partner; {action} needs a partner deal",
                "INVALID_TRANSITION",
                [FieldIssue("channel", "not a partner deal")],
            )

    def _require_cleared_channel(self, close_date: date, agreement_active: bool) -> None:
        channel = self.channel
        if channel.is_cleared(agreement_active=agreement_active):
            return
        if channel.route is ChannelRoute.DISTRIBUTOR:
            why = (
                f"no agreement between the reseller and the distributor is active on {close_date.isoformat()}"
                if channel.distributor_id is not None
                else "the deal names no distributor"
            )
            issue = FieldIssue("distributor_id", why)
        else:
            current = channel.direct_exception.value if channel.direct_exception else "null"
            why = f"the direct exception is {current}, not granted"
            issue = FieldIssue("direct_exception", current)
        raise Conflict(f"deal {self.id}'s channel is not cleared: {why}", "CHANNEL_NOT_CLEARED", [issue])

    def _channel_changed(
        self, previous_distributor_id: str | None, reason: str | None, actor: str
    ) -> DealChannelChanged:
        channel = self.channel
        return DealChannelChanged(
            deal_id=self.id,
            reseller_id=channel.reseller_id,
            distributor_id=channel.distributor_id,
            previous_distributor_id=previous_distributor_id,
            route=channel.route.value,
            direct_exception=channel.direct_exception.value if channel.direct_exception else None,
            reason=reason,
            actor=actor,
        )

    def _enter(self, stage: Stage, actor: str, now: datetime) -> None:
        self.pending_stage_changes.append(StageChange(self.stage, stage, actor, now))
        self.stage = stage
        self.stage_entered_at = now
        self.touch(now)

    def _won_event(self) -> DealWon:
        """The `deal.won` fact: everything provisioning and billing need, null where not known."""
        return DealWon(
            deal_id=self.id,
            customer_id=self.customer_id,
            customer_name=self.customer_name,
            bridge=self.customer_bridge,
            name=self.name,
            value=self.value.amount,
            currency=self.value.currency,
            close_date=self.actual_close_date.isoformat() if self.actual_close_date else None,
            actual_value=self.actual_value,
            note=self.note,
            assigned_to=self.assigned_to,
            opportunity_id=self.opportunity_id,
            variant_id=self.variant_id,
            quote_id=self.quote_id,
            lines=list(self.lines),
            channel=ChannelData(**self.channel.as_dict()),
            won_at=to_rfc3339(self.updated_at),
        )


def _clean_note(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = text.strip()
    if len(cleaned) > NOTE_MAX:
        raise ValidationFailed(f"text must be at most {NOTE_MAX} characters")
    return cleaned or None
