"""The Lead aggregate: where it may come from, its statuses, and what it adds to its campaign's counters."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kernel.errors import Conflict, ValidationFailed
from sales.lead.model import Lead, LeadSource, LeadStatus, lead_counters

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def new(source: LeadSource = LeadSource.CAMPAIGN, **fields: str) -> Lead:
    references = {"campaign_id": "c-1"} if source is LeadSource.CAMPAIGN else {}
    return Lead.create(
        contact_id="k-1", source=source, title="Fleet", owner_id="rep", now=NOW, **{**references, **fields}
    )


def test_a_source_names_what_it_needs_and_nothing_else() -> None:
    for source, field_name in ((LeadSource.CAMPAIGN, "campaign_id"), (LeadSource.PARTNER, "partner_id")):
        with pytest.raises(ValidationFailed) as refused:
            Lead.create(contact_id="k", source=source, title="T", owner_id="r", now=NOW)
        assert refused.value.details[0].field == field_name
    with pytest.raises(ValidationFailed):
        new(LeadSource.WEB_FORM, campaign_id="c-1")
    assert new(LeadSource.PARTNER, partner_id="p-1").partner_id == "p-1"


def test_statuses_and_the_campaign_counters_they_move() -> None:
    lead = new()
    assert lead_counters(lead) == {"leads": 1, "qualified": 0, "disqualified": 0, "converted": 0}
    lead.disqualify("No budget", now=NOW)
    assert lead_counters(lead)["disqualified"] == 1
    lead.reopen(now=NOW)
    assert (lead.status, lead.disqualify_reason) == (LeadStatus.WORKING, None)
    with pytest.raises(Conflict) as early:
        lead.convert("o-1", now=NOW)
    assert early.value.code == "INVALID_TRANSITION" and early.value.details[0].message == "working"
    lead.qualify(now=NOW)
    lead.convert("o-1", now=NOW)
    assert lead_counters(lead) == {"leads": 1, "qualified": 0, "disqualified": 0, "converted": 1}
    with pytest.raises(Conflict) as twice:
        lead.convert("o-2", now=NOW)
    assert twice.value.code == "LEAD_ALREADY_CONVERTED" and lead.opportunity_id == "o-1"
    for move in (lead.start, lead.qualify, lead.reopen):
        with pytest.raises(Conflict):
            move(now=NOW)
    assert [event.event_type for event in lead.pending_events] == [
        "lead.created",
        "lead.disqualified",
        "lead.reopened",
        "lead.qualified",
        "lead.converted",
    ]
    assert lead_counters(new(LeadSource.EMAIL)) == {}  # outside a campaign: no campaign counts
