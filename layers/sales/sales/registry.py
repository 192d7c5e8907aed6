"""Every contract and every event of the Sales context, for docs, template checks and acceptance tests (not
for handlers, which import only their own aggregate's contracts to keep cold starts small).

A new aggregate joins by adding its `contracts.CONTRACTS` and `events.EVENTS` here."""

from __future__ import annotations

from kernel.contract import Contract
from kernel.events import EventSpec
from sales.activity import contracts as activity_contracts
from sales.activity import events as activity_events
from sales.agreement import contracts as agreement_contracts
from sales.agreement import events as agreement_events
from sales.campaign import contracts as campaign_contracts
from sales.campaign import events as campaign_events
from sales.contact import contracts as contact_contracts
from sales.contact import events as contact_events
from sales.conversation import contracts as conversation_contracts
from sales.conversation import events as conversation_events
from sales.deal import contracts as deal_contracts
from sales.deal import events as deal_events
from sales.lead import contracts as lead_contracts
from sales.lead import events as lead_events
from sales.opportunity import contracts as opportunity_contracts
from sales.opportunity import events as opportunity_events
from sales.partner import contracts as partner_contracts
from sales.partner import events as partner_events
from sales.quote import contracts as quote_contracts
from sales.quote import events as quote_events
from sales.relationship import contracts as relationship_contracts
from sales.relationship import events as relationship_events

ALL: tuple[Contract, ...] = (
    *deal_contracts.CONTRACTS,
    *contact_contracts.CONTRACTS,
    *relationship_contracts.CONTRACTS,
    *campaign_contracts.CONTRACTS,
    *lead_contracts.CONTRACTS,
    *opportunity_contracts.CONTRACTS,
    *partner_contracts.CONTRACTS,
    *quote_contracts.CONTRACTS,
    *agreement_contracts.CONTRACTS,
    *activity_contracts.CONTRACTS,
    *conversation_contracts.CONTRACTS,
)
BY_KEY: dict[str, Contract] = {contract.key: contract for contract in ALL}

EVENTS: tuple[EventSpec, ...] = (
    *deal_events.EVENTS,
    *contact_events.EVENTS,
    *relationship_events.EVENTS,
    *campaign_events.EVENTS,
    *lead_events.EVENTS,
    *opportunity_events.EVENTS,
    *partner_events.EVENTS,
    *quote_events.EVENTS,
    *agreement_events.EVENTS,
    *activity_events.EVENTS,
    *conversation_events.EVENTS,
)
EVENTS_BY_KEY: dict[str, EventSpec] = {spec.key: spec for spec in EVENTS}

# Events a consumer emits rather than an operation: the consumer's name (kernel.consumer), then the events.
CONSUMER_EMITS: dict[str, tuple[str, ...]] = {
    "sales.conversion-bridge": ("contact.bridged",),
    # Contacts put under the survivor change; relationships the survivor already had are deleted.
    "sales.contact-merge": ("contact.updated", "relationship.deleted"),
}
