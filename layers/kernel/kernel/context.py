"""Who runs a command, when, and under which request: passed to every use case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kernel.clock import utc_now


@dataclass(frozen=True)
class Principal:
    """The authenticated caller, from the API Gateway authorizer claims."""

    user_id: str
    groups: frozenset[str]
    partner_id: str | None = None
    email: str | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.groups

    @property
    def is_partner(self) -> bool:
        return "partner" in self.groups

    @property
    def is_internal(self) -> bool:
        """Sales reps and admins see every record; a partner-only principal is scoped to its own partner id."""
        return bool(self.groups & {"sales", "admin"})

    def acts_for(self, partner_id: str | None) -> bool:
        """Whether a record of `partner_id` is this caller's to see: any record for an internal principal, only
        its own for a partner."""
        return self.is_internal or (self.partner_id is not None and self.partner_id == partner_id)


@dataclass(frozen=True)
class RequestContext:
    principal: Principal
    correlation_id: str
    # Version the caller last read (If-Match); None means "apply to the latest version".
    expected_version: int | None = None
    now: datetime = field(default_factory=utc_now)
    # Set when the request carries an Idempotency-Key: "<operation>#<actor>#<key>". The store records it
    # with the command's own write, so a retry whose idempotency record was lost still applies only once.
    command_key: str | None = None

    @property
    def actor(self) -> str:
        return self.principal.user_id
