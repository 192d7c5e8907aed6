"""Time as the domain sees it: UTC instants and business dates, rendered in one format."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_rfc3339(instant: datetime) -> str:
    """RFC 3339 UTC with millisecond precision, e.g. 2026-11-26T11:30:00.123Z."""
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def today(instant: datetime) -> date:
    return instant.astimezone(UTC).date()
