"""Every contract of the service, for docs, template checks and acceptance tests (not for handlers,
which import only their own module to keep cold starts small)."""

from __future__ import annotations

from sales.contracts import contacts, deals
from sales.contracts.base import Contract

ALL: tuple[Contract, ...] = (*deals.CONTRACTS, *contacts.CONTRACTS)
BY_KEY: dict[str, Contract] = {contract.key: contract for contract in ALL}
