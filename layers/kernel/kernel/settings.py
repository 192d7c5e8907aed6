"""Environment, parsed once per cold start into a typed model (not scattered os.environ reads)."""

from __future__ import annotations

import hashlib
import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class Settings(BaseModel):
    # Built when the first request reads the settings, not while the handler module is imported.
    model_config = ConfigDict(defer_build=True)

    table_name: str = Field(min_length=1)
    event_bus_name: str = "default"
    # The `Source` of this context's events on the bus ("sales", "billing"): whose table the outbox is in.
    event_source: str = Field(min_length=1)
    idempotency_table_name: str | None = None
    # Stats counters are spread over this many items so no single item takes every deal write.
    stats_shards: int = Field(default=10, ge=1, le=100)
    # HMAC key that signs list cursors, so a cursor the service did not issue for that very list is refused.
    cursor_key: SecretStr
    # The address outgoing email is sent from (a verified SES identity); empty where nothing sends email.
    email_sender: str = ""


def _cursor_key(configured: str, table_name: str) -> str:
    """The configured key; without one, a key derived from the table name so local and test runs work.

    The table name is no secret, so the derived key only protects integrity against accidental or casual
    edits (a cursor stays bound to its list); anyone who knows the table name can mint cursors with it.
    Cursors are signed, never encrypted, in both cases: a deployment sets CURSOR_SIGNING_KEY."""
    return configured or hashlib.sha256(f"cursor-key:{table_name}".encode()).hexdigest()


_VARIABLES = (
    "TABLE_NAME",
    "EVENT_BUS_NAME",
    "EVENT_SOURCE",
    "IDEMPOTENCY_TABLE_NAME",
    "STATS_SHARDS",
    "CURSOR_SIGNING_KEY",
    "EMAIL_SENDER",
)


def settings() -> Settings:
    """The settings of the environment as it is now. Parsed once per distinct environment: a Lambda's never
    changes, but the local runtime and the tests run several contexts' functions in one interpreter, each with
    its own variables, and must never read one context's table name in another's function."""
    return _parsed(tuple(os.environ.get(name, "") for name in _VARIABLES))


@cache
def _parsed(values: tuple[str, ...]) -> Settings:
    env = dict(zip(_VARIABLES, values, strict=True))
    table_name = env["TABLE_NAME"]
    return Settings(
        table_name=table_name,
        event_bus_name=env["EVENT_BUS_NAME"] or "default",
        event_source=env["EVENT_SOURCE"],
        idempotency_table_name=env["IDEMPOTENCY_TABLE_NAME"] or None,
        stats_shards=int(env["STATS_SHARDS"] or "10"),
        cursor_key=SecretStr(_cursor_key(env["CURSOR_SIGNING_KEY"], table_name)),
        email_sender=env["EMAIL_SENDER"],
    )
