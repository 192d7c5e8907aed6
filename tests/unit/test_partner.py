"""The PartnerProfile aggregate: subtypes and tiers, tier changes kept with their reason, status moves,
conversion to distributor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kernel.errors import Conflict, ValidationFailed
from sales.partner.model import PartnerFilter, PartnerProfile, PartnerStatus, Subtype, Tier

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
ADMIN = "admin-1"


def reseller(tier: Tier | None = None) -> PartnerProfile:
    partner = PartnerProfile.create(contact_id="c-1", subtype=Subtype.RESELLER, tier=tier, actor=ADMIN, now=NOW)
    partner.pending_events.clear()
    partner.pending_tier_changes.clear()
    return partner


def keys(partner: PartnerProfile) -> list[str]:
    return [recorded.event.KEY for recorded in partner.pending_events]


def test_a_reseller_starts_authorized_and_its_first_tier_is_history() -> None:
    partner = PartnerProfile.create(contact_id="c-1", subtype=Subtype.RESELLER, tier=None, actor=ADMIN, now=NOW)
    assert (partner.tier, partner.status) == (Tier.AUTHORIZED, PartnerStatus.ACTIVE)
    assert keys(partner) == ["partner.created"]
    (first,) = partner.pending_tier_changes
    assert (first.from_tier, first.to_tier, first.actor) == (None, Tier.AUTHORIZED, ADMIN)


def test_an_admin_may_admit_a_reseller_at_a_higher_tier() -> None:
    partner = PartnerProfile.create(contact_id="c-1", subtype=Subtype.RESELLER, tier=Tier.GOLD, actor=ADMIN, now=NOW)
    assert partner.tier is Tier.GOLD


def test_a_distributor_has_no_tier() -> None:
    partner = PartnerProfile.create(contact_id="c-1", subtype=Subtype.DISTRIBUTOR, tier=None, actor=ADMIN, now=NOW)
    assert partner.tier is None and partner.pending_tier_changes == []
    with pytest.raises(ValidationFailed) as refused:
        PartnerProfile.create(contact_id="c-1", subtype=Subtype.DISTRIBUTOR, tier=Tier.GOLD, actor=ADMIN, now=NOW)
    assert refused.value.details[0].field == "tier"


def test_a_tier_change_is_kept_with_its_reason_and_actor() -> None:
    partner = reseller(Tier.GOLD)
    later = NOW + timedelta(days=1)
    partner.change_tier(Tier.PLATINUM, "  Passed 1M EUR  ", actor=ADMIN, now=later)
    assert partner.tier is Tier.PLATINUM and partner.updated_at == later
    (change,) = partner.pending_tier_changes
    assert (change.from_tier, change.to_tier, change.reason, change.at) == (
        Tier.GOLD,
        Tier.PLATINUM,
        "Passed 1M EUR",
        later,
    )
    (recorded,) = partner.pending_events
    assert recorded.event.KEY == "partner.tier_changed"
    assert (recorded.event.from_tier, recorded.event.to_tier) == ("gold", "platinum")  # type: ignore[attr-defined]


def test_the_same_tier_again_changes_nothing() -> None:
    partner = reseller(Tier.GOLD)
    partner.change_tier(Tier.GOLD, "Again", actor=ADMIN, now=NOW)
    assert partner.pending_events == [] and partner.pending_tier_changes == []


@pytest.mark.parametrize("reason", ["", "   ", "r" * 501])
def test_a_tier_change_needs_a_reason(reason: str) -> None:
    with pytest.raises(ValidationFailed):
        reseller().change_tier(Tier.GOLD, reason, actor=ADMIN, now=NOW)


def test_a_distributor_cannot_be_given_a_tier() -> None:
    partner = PartnerProfile.create(contact_id="c-1", subtype=Subtype.DISTRIBUTOR, tier=None, actor=ADMIN, now=NOW)
    with pytest.raises(Conflict) as refused:
        partner.change_tier(Tier.GOLD, "Why", actor=ADMIN, now=NOW)
    assert refused.value.code == "INVALID_TRANSITION"
    assert [(d.field, d.message) for d in refused.value.details] == [("subtype", "distributor")]


def test_suspend_and_reinstate_each_start_from_one_status() -> None:
    partner = reseller()
    partner.suspend(now=NOW)
    assert partner.status is PartnerStatus.SUSPENDED and not partner.is_active
    with pytest.raises(Conflict) as twice:
        partner.suspend(now=NOW)
    assert [(d.field, d.message) for d in twice.value.details] == [("status", "suspended")]
    partner.reinstate(now=NOW)
    assert partner.is_active
    with pytest.raises(Conflict):
        partner.reinstate(now=NOW)
    assert keys(partner) == ["partner.suspended", "partner.reinstated"]


def test_conversion_clears_the_tier_once() -> None:
    partner = reseller(Tier.PLATINUM)
    partner.convert_to_distributor(now=NOW)
    assert (partner.subtype, partner.tier) == (Subtype.DISTRIBUTOR, None)
    assert keys(partner) == ["partner.converted_to_distributor"]
    with pytest.raises(Conflict) as again:
        partner.convert_to_distributor(now=NOW)
    assert again.value.code == "INVALID_TRANSITION"


@pytest.mark.parametrize(
    ("tier", "suspended", "eligible"),
    [(Tier.AUTHORIZED, False, False), (Tier.GOLD, False, True), (Tier.PLATINUM, False, True), (Tier.GOLD, True, False)],
)
def test_only_active_gold_and_platinum_resellers_may_be_shared_leads(
    tier: Tier, suspended: bool, eligible: bool
) -> None:
    partner = reseller(tier)
    if suspended:
        partner.suspend(now=NOW)
    assert partner.may_be_shared_leads is eligible


def test_a_tier_filter_implies_resellers_and_selects_no_distributor() -> None:
    assert PartnerFilter(tier=Tier.GOLD).implied_subtype is Subtype.RESELLER
    assert PartnerFilter(tier=Tier.GOLD, subtype=Subtype.DISTRIBUTOR).selects_nothing
    assert not PartnerFilter(subtype=Subtype.DISTRIBUTOR).selects_nothing
