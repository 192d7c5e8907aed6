"""The caller, read from the API Gateway authorizer claims (Cognito user pool authorizer).

Under `sam local start-api` the Cognito authorizer is not emulated: requests arrive without claims. There, and
only there (SAM sets `AWS_SAM_LOCAL=true` in the function's environment), a dev bearer token in the request's
`Authorization` header stands in for them, in the format the `make dev` runtime accepts too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from kernel.context import Principal

KNOWN_GROUPS = frozenset({"sales", "admin", "partner", "billing"})
DEFAULT_GROUP = "sales"

DEV_BEARER_FORMAT = "Bearer dev:<user-id>:<group>[,<group>][:<partner-id>]"
_DEV_TOKEN = re.compile(r"Bearer dev:(?P<sub>[^:\s]+):(?P<groups>[^:\s]+)(?::(?P<partner>[^:\s]+))?")
# The variable and the one value that mark the SAM CLI's local emulation; a deployed function never has it.
SAM_LOCAL_VARIABLE = "AWS_SAM_LOCAL"
SAM_LOCAL_VALUE = "true"


class DevTokenError(ValueError):
    """An `Authorization` value that is not a usable dev token."""


def dev_token_claims(authorization: str) -> dict[str, str]:
    """The authorizer claims a dev bearer token stands for (`sub`, `cognito:groups` and, when the token names
    one, `custom:partner_id`), shaped as the Cognito authorizer passes them. Only local emulators may call this:
    the token proves nothing."""
    match = _DEV_TOKEN.fullmatch(authorization.strip())
    if match is None:
        raise DevTokenError("the Authorization header is not a dev token")
    groups = [group for group in match["groups"].split(",") if group]
    if not groups:
        raise DevTokenError("the dev token names no group")
    claims = {"sub": match["sub"], "cognito:groups": ",".join(groups)}
    if match["partner"]:
        claims["custom:partner_id"] = match["partner"]
    return claims


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


def _authorizer_claims(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
    claims = authorizer.get("claims") if isinstance(authorizer, Mapping) else None
    return claims if isinstance(claims, Mapping) else None


def _authorization_header(event: Mapping[str, Any]) -> str | None:
    """The request's last `Authorization` header, whatever its case."""
    found: str | None = None
    multi = event.get("multiValueHeaders")
    if isinstance(multi, Mapping):
        for name, values in multi.items():
            if str(name).lower() == "authorization" and isinstance(values, list) and values:
                found = str(values[-1])
    headers = event.get("headers")
    if found is None and isinstance(headers, Mapping):
        for name, value in headers.items():
            if str(name).lower() == "authorization" and isinstance(value, str):
                found = value
    return found


def _sam_local_claims(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The dev token's claims when running under the SAM CLI's local emulation; never anywhere else."""
    if os.environ.get(SAM_LOCAL_VARIABLE) != SAM_LOCAL_VALUE:
        return None
    authorization = _authorization_header(event)
    if authorization is None:
        return None
    try:
        return dev_token_claims(authorization)
    except DevTokenError:
        return None


def principal_from(event: Mapping[str, Any]) -> Principal | None:
    """None when API Gateway passed no authenticated identity (the handler answers 401)."""
    claims = _authorizer_claims(event)
    if claims is None:
        claims = _sam_local_claims(event)
    if claims is None:
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
