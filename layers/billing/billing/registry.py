"""Every contract and every event of the Billing context, for docs, template checks and acceptance tests (not
for handlers, which import only their own aggregate's contracts to keep cold starts small)."""

from __future__ import annotations

from billing.invoice import contracts as invoice_contracts
from billing.invoice import events as invoice_events
from billing.job import contracts as job_contracts
from billing.job import events as job_events
from billing.payment import contracts as payment_contracts
from billing.payment import events as payment_events
from kernel.contract import Contract
from kernel.events import EventSpec

ALL: tuple[Contract, ...] = (
    *job_contracts.CONTRACTS,
    *invoice_contracts.CONTRACTS,
    *payment_contracts.CONTRACTS,
)
BY_KEY: dict[str, Contract] = {contract.key: contract for contract in ALL}

EVENTS: tuple[EventSpec, ...] = (*job_events.EVENTS, *invoice_events.EVENTS, *payment_events.EVENTS)
EVENTS_BY_KEY: dict[str, EventSpec] = {spec.key: spec for spec in EVENTS}

# Events a consumer emits rather than an operation: the consumer's name (kernel.consumer), then the events.
CONSUMER_EMITS: dict[str, tuple[str, ...]] = {
    "billing.jobs-from-won-deals": ("job.opened", "job.completed"),
    "billing.jobs-from-provisioning": ("job.completed",),
    "billing.overdue": ("invoice.overdue",),
}
