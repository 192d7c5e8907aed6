"""Record-level access: a partner principal acts only for its own partner id."""

from __future__ import annotations

from kernel.context import Principal
from sales.deal.model import Deal


def is_internal(principal: Principal) -> bool:
    """Sales reps and admins see every record; a partner-only principal is scoped."""
    return bool(principal.groups & {"sales", "admin"})


def can_see_deal(principal: Principal, deal: Deal) -> bool:
    if is_internal(principal):
        return True
    partner = principal.partner_id
    return partner is not None and partner in (deal.channel.reseller_id, deal.channel.distributor_id)
