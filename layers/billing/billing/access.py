"""Who may call Billing: its own staff and admins. Sales reps and partners get 403 on every billing route."""

from __future__ import annotations

from kernel.contract import Policy, Role

BILLING_POLICY = Policy(frozenset({Role.BILLING, Role.ADMIN}))
