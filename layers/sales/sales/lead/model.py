"""The Lead aggregate: interest raised off a contact, worked until it becomes an opportunity or is set aside.

Status runs new -> working -> qualified -> converted; qualify also from new; disqualified (with a reason) from
new, working or qualified; reopen takes a disqualified lead back to working. Converting is one-way: the
opportunity it creates is written in the lead's transaction, and the lead keeps its id.

Where a lead comes from decides what it must name: a campaign lead an active campaign (checked by the store in
the lead's transaction), a partner lead its partner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from kernel.aggregate import AggregateRoot
from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.ids import new_id
from kernel.money import Money
from sales.campaign.stats import CONVERTED, DISQUALIFIED, LEADS, QUALIFIED
from sales.lead.events import (
    EstimatedValue,
    LeadConverted,
    LeadCreated,
    LeadDisqualified,
    LeadQualified,
    LeadReopened,
    LeadShared,
)

TITLE_MAX = 200
SHARES_MAX = 20
NEED_MAX = 2000
REASON_MAX = 500


class LeadSource(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
    PHONE = "phone"
    CAMPAIGN = "campaign"
    REFERRAL = "referral"
    PARTNER = "partner"


class LeadStatus(StrEnum):
    NEW = "new"
    WORKING = "working"
    QUALIFIED = "qualified"
    CONVERTED = "converted"
    DISQUALIFIED = "disqualified"


_NEW, _WORKING, _QUALIFIED = LeadStatus.NEW, LeadStatus.WORKING, LeadStatus.QUALIFIED
_OPEN = (_NEW, _WORKING, _QUALIFIED)


def _text(field_name: str, text: str, most: int) -> str:
    cleaned = text.strip()
    if not cleaned or len(cleaned) > most:
        raise ValidationFailed(
            f"{field_name} must be 1-{most} characters", [FieldIssue(field_name, f"must be 1-{most} characters")]
        )
    return cleaned


def _need(text: str | None) -> str | None:
    return _text("need", text, NEED_MAX) if text is not None and text.strip() else None


@dataclass(kw_only=True)
class Lead(AggregateRoot):
    contact_id: str
    source: LeadSource
    title: str
    owner_id: str
    status: LeadStatus = LeadStatus.NEW
    campaign_id: str | None = None
    partner_id: str | None = None
    need: str | None = None
    estimated_value: Money | None = None
    disqualify_reason: str | None = None
    opportunity_id: str | None = None
    # The resellers the lead was shared with: their principals may read it.
    shared_with: list[str] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        *,
        contact_id: str,
        source: LeadSource,
        title: str,
        owner_id: str,
        now: datetime,
        campaign_id: str | None = None,
        partner_id: str | None = None,
        need: str | None = None,
        estimated_value: Money | None = None,
    ) -> Lead:
        if source is LeadSource.CAMPAIGN and campaign_id is None:
            raise ValidationFailed(
                "a campaign lead names its campaign", [FieldIssue("campaign_id", "required when source is campaign")]
            )
        if source is LeadSource.PARTNER and partner_id is None:
            raise ValidationFailed(
                "a partner lead names its partner", [FieldIssue("partner_id", "required when source is partner")]
            )
        if source is not LeadSource.CAMPAIGN and campaign_id is not None:
            raise ValidationFailed(
                "only a campaign lead names a campaign", [FieldIssue("campaign_id", "only when source is campaign")]
            )
        lead = cls(
            id=new_id(),
            contact_id=contact_id,
            source=source,
            title=_text("title", title, TITLE_MAX),
            owner_id=owner_id,
            campaign_id=campaign_id,
            partner_id=partner_id,
            need=_need(need),
            estimated_value=estimated_value,
            created_at=now,
            updated_at=now,
        )
        lead.record(
            LeadCreated(
                lead_id=lead.id,
                contact_id=contact_id,
                source=source.value,
                campaign_id=campaign_id,
                partner_id=partner_id,
                title=lead.title,
                estimated_value=EstimatedValue(amount=estimated_value.amount, currency=estimated_value.currency)
                if estimated_value
                else None,
                owner_id=owner_id,
            )
        )
        return lead

    def update(
        self,
        *,
        now: datetime,
        title: str | None = None,
        need: str | None = None,
        clear_need: bool = False,
        estimated_value: Money | None = None,
        clear_estimated_value: bool = False,
        owner_id: str | None = None,
    ) -> None:
        """Change what describes the lead while it is open; its source and references never change."""
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = _text("title", title, TITLE_MAX)
        if need is not None or clear_need:
            changes["need"] = None if clear_need else _need(need)
        if estimated_value is not None or clear_estimated_value:
            changes["estimated_value"] = None if clear_estimated_value else estimated_value
        if owner_id is not None:
            changes["owner_id"] = owner_id
        changes = {name: value for name, value in changes.items() if getattr(self, name) != value}
        if not changes:
            return
        self._require("update", _OPEN)
        for name, value in changes.items():
            setattr(self, name, value)
        self.touch(now)

    def change_contact(self, contact_id: str, *, now: datetime) -> None:
        """The contact was merged into `contact_id`: the lead is that contact's now, whatever its status.
        No event: `contact.merged` tells subscribers which contact absorbed which."""
        self.contact_id = contact_id
        self.touch(now)

    def start(self, *, now: datetime) -> None:
        self._require("start", (_NEW,))
        self.status = LeadStatus.WORKING
        self.touch(now)

    def qualify(self, *, now: datetime) -> None:
        self._require("qualify", (_NEW, _WORKING))
        self.status = LeadStatus.QUALIFIED
        self.touch(now)
        self.record(LeadQualified(lead_id=self.id, contact_id=self.contact_id, campaign_id=self.campaign_id))

    def disqualify(self, reason: str, *, now: datetime) -> None:
        self._require("disqualify", _OPEN)
        self.disqualify_reason = _text("reason", reason, REASON_MAX)
        self.status = LeadStatus.DISQUALIFIED
        self.touch(now)
        self.record(
            LeadDisqualified(
                lead_id=self.id, contact_id=self.contact_id, campaign_id=self.campaign_id, reason=self.disqualify_reason
            )
        )

    def reopen(self, *, now: datetime) -> None:
        self._require("reopen", (LeadStatus.DISQUALIFIED,))
        self.status = LeadStatus.WORKING
        self.disqualify_reason = None
        self.touch(now)
        self.record(LeadReopened(lead_id=self.id, contact_id=self.contact_id, campaign_id=self.campaign_id))

    def share(self, partner_id: str, *, now: datetime) -> None:
        """Share with a reseller (whether it may be shared leads is checked against its profile in the share's
        transaction). Sharing again with the same reseller changes nothing."""
        if partner_id in self.shared_with:
            return
        if len(self.shared_with) >= SHARES_MAX:
            raise Conflict(
                f"lead {self.id} is shared with {SHARES_MAX} partners already",
                "SHARE_LIMIT",
                [FieldIssue("partner_id", partner_id)],
            )
        self.shared_with.append(partner_id)
        self.touch(now)
        self.record(LeadShared(lead_id=self.id, contact_id=self.contact_id, partner_id=partner_id))

    def convert(self, opportunity_id: str, *, now: datetime) -> None:
        """Record the opportunity this qualified lead became (created by the use case, in the same write)."""
        if self.status is LeadStatus.CONVERTED:
            raise Conflict(
                f"lead {self.id} was converted already, into opportunity {self.opportunity_id}",
                "LEAD_ALREADY_CONVERTED",
                [FieldIssue("opportunity_id", str(self.opportunity_id))],
            )
        self._require("convert", (_QUALIFIED,))
        self.status = LeadStatus.CONVERTED
        self.opportunity_id = opportunity_id
        self.touch(now)
        self.record(
            LeadConverted(
                lead_id=self.id, contact_id=self.contact_id, campaign_id=self.campaign_id, opportunity_id=opportunity_id
            )
        )

    def _require(self, action: str, allowed: Sequence[LeadStatus]) -> None:
        if self.status not in allowed:
            names = " or ".join(status.value for status in allowed)
            raise Conflict(
                f"lead {self.id} is {self.status.value}; {action} needs {names}",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )


@dataclass(frozen=True, kw_only=True)
class LeadFilter:
    status: LeadStatus | None = None
    source: LeadSource | None = None
    owner_id: str | None = None
    campaign_id: str | None = None
    contact_id: str | None = None

    def matches(self, lead: Lead) -> bool:
        return (
            (self.status is None or lead.status is self.status)
            and (self.source is None or lead.source is self.source)
            and (self.owner_id is None or lead.owner_id == self.owner_id)
            and (self.campaign_id is None or lead.campaign_id == self.campaign_id)
            and (self.contact_id is None or lead.contact_id == self.contact_id)
        )


def lead_counters(lead: Lead | None) -> dict[str, int]:
    """What one lead adds to its campaign's lead counters (sales.campaign.stats names them)."""
    if lead is None or lead.campaign_id is None:
        return {}
    return {
        LEADS: 1,
        QUALIFIED: int(lead.status is LeadStatus.QUALIFIED),
        DISQUALIFIED: int(lead.status is LeadStatus.DISQUALIFIED),
        CONVERTED: int(lead.status is LeadStatus.CONVERTED),
    }
