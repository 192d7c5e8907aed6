"""Every contract and event of the service: each bounded context's registry, in context order (Sales, then
Billing). For docs, template checks and tests; handlers import only their own aggregate's contracts."""

from __future__ import annotations

from types import ModuleType

from billing import registry as billing
from kernel.contract import Contract
from kernel.events import EventSpec
from sales import registry as sales

CONTEXTS: dict[str, ModuleType] = {"sales": sales, "billing": billing}

ALL: tuple[Contract, ...] = (*sales.ALL, *billing.ALL)
BY_KEY: dict[str, Contract] = {contract.key: contract for contract in ALL}
EVENTS: tuple[EventSpec, ...] = (*sales.EVENTS, *billing.EVENTS)
EVENTS_BY_KEY: dict[str, EventSpec] = {spec.key: spec for spec in EVENTS}
CONSUMER_EMITS: dict[str, tuple[str, ...]] = {**sales.CONSUMER_EMITS, **billing.CONSUMER_EMITS}
