"""Environment, parsed once per cold start into a typed model (not scattered os.environ reads)."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    table_name: str = Field(min_length=1)
    event_bus_name: str = "default"
    idempotency_table_name: str | None = None
    # Stats counters are spread over this many items so no single item takes every deal write.
    stats_shards: int = Field(default=10, ge=1, le=100)


@cache
def settings() -> Settings:
    return Settings(
        table_name=os.environ.get("TABLE_NAME", ""),
        event_bus_name=os.environ.get("EVENT_BUS_NAME", "default"),
        idempotency_table_name=os.environ.get("IDEMPOTENCY_TABLE_NAME") or None,
        stats_shards=int(os.environ.get("STATS_SHARDS", "10")),
    )
