"""The Opportunity aggregate: an offer worked out with a customer before it becomes a deal.

An opportunity collects priced variants of the offer while it is explored (the first variant moves it to
solutioning), then one variant is validated, which freezes them all, and the customer confirms it or the
opportunity is declined. Confirming opens a deal: the use case creates it from `deal_terms()` with the id
it minted, which the opportunity records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from kernel.aggregate import AggregateRoot
from kernel.errors import Conflict, FieldIssue, NotFound, ValidationFailed
from kernel.ids import new_id
from kernel.money import Money
from sales.opportunity.events import (
    OpportunityConfirmed,
    OpportunityCreated,
    OpportunityDeclined,
    OpportunityValidated,
)
from sales.opportunity.pricing import NAME_MAX, Comparison, Line, Variant, compare

VARIANTS_MAX = 10
REASON_MAX = 500


class OpportunityStatus(StrEnum):
    EXPLORING = "exploring"
    SOLUTIONING = "solutioning"
    VALIDATED = "validated"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @property
    def is_open(self) -> bool:
        return self in OPEN


OPEN = (OpportunityStatus.EXPLORING, OpportunityStatus.SOLUTIONING, OpportunityStatus.VALIDATED)
# Variants may change only until one is validated: what was validated is what gets confirmed.
SHAPING = (OpportunityStatus.EXPLORING, OpportunityStatus.SOLUTIONING)


def _clean_name(name: str) -> str:
    cleaned = name.strip()
    if not 1 <= len(cleaned) <= NAME_MAX:
        raise ValidationFailed(
            f"name must be 1-{NAME_MAX} characters", [FieldIssue("name", f"must be 1-{NAME_MAX} characters")]
        )
    return cleaned


def _clean_reason(reason: str) -> str:
    cleaned = reason.strip()
    if not 1 <= len(cleaned) <= REASON_MAX:
        raise ValidationFailed(
            f"reason must be 1-{REASON_MAX} characters", [FieldIssue("reason", f"must be 1-{REASON_MAX} characters")]
        )
    return cleaned


def _listed(statuses: Sequence[OpportunityStatus]) -> str:
    names = [status.value for status in statuses]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


@dataclass(kw_only=True)
class Opportunity(AggregateRoot):
    customer_id: str
    name: str
    owner_id: str
    lead_id: str | None = None
    partner_id: str | None = None
    status: OpportunityStatus = OpportunityStatus.EXPLORING
    variants: list[Variant] = field(default_factory=list)
    validated_variant_id: str | None = None
    validated_at: datetime | None = None
    deal_id: str | None = None
    confirmed_at: datetime | None = None
    decline_reason: str | None = None
    declined_at: datetime | None = None

    @property
    def validated_variant(self) -> Variant | None:
        if self.validated_variant_id is None:
            return None
        return self._variant(self.validated_variant_id)

    # -- factory --------------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        *,
        customer_id: str,
        name: str,
        owner_id: str,
        now: datetime,
        lead_id: str | None = None,
        partner_id: str | None = None,
        opportunity_id: str | None = None,
    ) -> Opportunity:
        opportunity = cls(
            id=opportunity_id or new_id(),
            customer_id=customer_id,
            name=_clean_name(name),
            owner_id=owner_id,
            lead_id=lead_id,
            partner_id=partner_id,
            created_at=now,
            updated_at=now,
        )
        opportunity.record(
            OpportunityCreated(
                opportunity_id=opportunity.id,
                customer_id=opportunity.customer_id,
                name=opportunity.name,
                owner_id=opportunity.owner_id,
                lead_id=opportunity.lead_id,
                partner_id=opportunity.partner_id,
            )
        )
        return opportunity

    # -- commands -------------------------------------------------------------------------------
    def update(self, *, now: datetime, name: str | None = None, owner_id: str | None = None) -> None:
        self._require("update", OPEN)
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = _clean_name(name)
        if owner_id is not None:
            changes["owner_id"] = owner_id
        changes = {field_name: value for field_name, value in changes.items() if getattr(self, field_name) != value}
        if not changes:
            return  # nothing to store, no new version
        for field_name, value in changes.items():
            setattr(self, field_name, value)
        self.touch(now)

    def add_variant(
        self,
        *,
        name: str,
        currency: str,
        lines: Sequence[Line],
        now: datetime,
        notes: str | None = None,
        variant_id: str | None = None,
    ) -> Variant:
        self._require("add_variant", SHAPING)
        if len(self.variants) >= VARIANTS_MAX:
            raise Conflict(f"opportunity {self.id} already has {VARIANTS_MAX} variants", "VARIANT_LIMIT")
        if variant_id is not None and any(variant.id == variant_id for variant in self.variants):
            # A given id must be new: two variants under one id could not be told apart when replaced or chosen.
            raise Conflict(f"opportunity {self.id} already has a variant {variant_id}", "VARIANT_EXISTS")
        variant = Variant.build(
            variant_id=variant_id or new_id(), name=name, currency=currency, lines=lines, notes=notes
        )
        self.variants.append(variant)
        if self.status is OpportunityStatus.EXPLORING:
            self.status = OpportunityStatus.SOLUTIONING
        self.touch(now)
        return variant

    def replace_variant(
        self,
        variant_id: str,
        *,
        name: str,
        currency: str,
        lines: Sequence[Line],
        now: datetime,
        notes: str | None = None,
    ) -> Variant:
        """Put a whole new content under the same variant id, in the same place among the variants."""
        self._require("replace_variant", SHAPING)
        position = self._position(variant_id)
        variant = Variant.build(variant_id=variant_id, name=name, currency=currency, lines=lines, notes=notes)
        self.variants[position] = variant
        self.touch(now)
        return variant

    def remove_variant(self, variant_id: str, *, now: datetime) -> None:
        self._require("remove_variant", SHAPING)
        del self.variants[self._position(variant_id)]
        # Solutioning means there is something to work on: without a variant it is exploring again.
        if not self.variants:
            self.status = OpportunityStatus.EXPLORING
        self.touch(now)

    def validate(self, variant_id: str, *, now: datetime) -> None:
        self._require("validate", (OpportunityStatus.SOLUTIONING,))
        variant = self._variant(variant_id)
        self.status = OpportunityStatus.VALIDATED
        self.validated_variant_id = variant.id
        self.validated_at = now
        self.touch(now)
        self.record(
            OpportunityValidated(
                opportunity_id=self.id, variant_id=variant.id, currency=variant.currency, total=variant.total
            )
        )

    def confirm(self, deal_id: str, *, now: datetime) -> None:
        """The customer said yes to the validated variant; `deal_id` is the deal the use case opens for it."""
        self._require("confirm", (OpportunityStatus.VALIDATED,))
        variant = self._chosen()
        self.status = OpportunityStatus.CONFIRMED
        self.deal_id = deal_id
        self.confirmed_at = now
        self.touch(now)
        self.record(
            OpportunityConfirmed(
                opportunity_id=self.id,
                variant_id=variant.id,
                deal_id=deal_id,
                currency=variant.currency,
                total=variant.total,
            )
        )

    def decline(self, reason: str, *, now: datetime) -> None:
        self._require("decline", OPEN)
        self.decline_reason = _clean_reason(reason)
        self.status = OpportunityStatus.DECLINED
        self.declined_at = now
        self.touch(now)
        self.record(OpportunityDeclined(opportunity_id=self.id, reason=self.decline_reason))

    # -- reads ----------------------------------------------------------------------------------
    def deal_terms(self) -> tuple[Money, str, list[dict[str, Any]]]:
        """The validated variant as a deal takes it over: its total, its currency and a snapshot of its lines."""
        self._require("deal_terms", (OpportunityStatus.VALIDATED, OpportunityStatus.CONFIRMED))
        variant = self._chosen()
        return Money(variant.total, variant.currency), variant.currency, variant.line_snapshots()

    def comparison(self) -> Comparison:
        return compare(self.variants)

    # -- internals ------------------------------------------------------------------------------
    def change_customer(self, customer_id: str, *, now: datetime) -> None:
        """The customer was merged into `customer_id`: the opportunity is that contact's now, whatever its
        status. No event: `contact.merged` tells subscribers which contact absorbed which."""
        self.customer_id = customer_id
        self.touch(now)

    def _require(self, action: str, allowed: Sequence[OpportunityStatus]) -> None:
        if self.status not in allowed:
            raise Conflict(
                f"opportunity {self.id} is {self.status.value}; {action} needs {_listed(allowed)}",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )

    def _variant(self, variant_id: str) -> Variant:
        return self.variants[self._position(variant_id)]

    def _position(self, variant_id: str) -> int:
        for position, variant in enumerate(self.variants):
            if variant.id == variant_id:
                return position
        raise NotFound(f"variant {variant_id} not found on opportunity {self.id}", "VARIANT_NOT_FOUND")

    def _chosen(self) -> Variant:
        variant = self.validated_variant
        assert variant is not None  # validate() sets it, and variants cannot change afterwards
        return variant


@dataclass(frozen=True, kw_only=True)
class OpportunityFilter:
    status: OpportunityStatus | None = None
    owner_id: str | None = None
    customer_id: str | None = None

    def matches(self, opportunity: Opportunity) -> bool:
        return (
            (self.status is None or opportunity.status is self.status)
            and (self.owner_id is None or opportunity.owner_id == self.owner_id)
            and (self.customer_id is None or opportunity.customer_id == self.customer_id)
        )
