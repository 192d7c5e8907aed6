"""The caller, read from the API Gateway authorizer claims (Cognito user pool authorizer)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kernel.context import Principal

KNOWN_GROUPS = frozenset({"sales", "admin", "partner"})
DEFAULT_GROUP = "sales"


def _groups(raw: Any) -> frozenset[str]:
    """Cognito passes groups as a list, "a,b", or "[a b]" depending on the authorizer type.

    A user in no group is a sales rep (`sales` is the default user); a user only in groups this
    service does not know gets no role at all, so every operation answers 403.
    """
    if isinstance(raw, list | tuple):
        names = [str(name) for name in raw]
    elif isinstance(raw, str):
        names = re.split(r"[,\s]+", raw.strip().strip("[]"))
    else:
        names = []
    names = [name for name in names if name]
    if not names:
        return frozenset({DEFAULT_GROUP})
    return frozenset(name for name in names if name in KNOWN_GROUPS)


def principal_from(event: Mapping[str, Any]) -> Principal | None:
    """None when API Gateway passed no authenticated identity (the handler answers 401)."""
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") or {}
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    if not isinstance(claims, Mapping):
        return None
    user_id = claims.get("sub")
    if not isinstance(user_id, str) or not user_id.strip():
        return None
    groups = _groups(claims.get("cognito:groups"))
    partner_id = claims.get("custom:partner_id") or None
    if "partner" in groups and not partner_id:
        # A partner without a partner id can act for nobody: it keeps only its other roles, if any.
        groups = groups - {"partner"}
    return Principal(
        user_id=user_id.strip(),
        groups=groups,
        partner_id=str(partner_id) if partner_id else None,
        email=claims.get("email"),
    )
