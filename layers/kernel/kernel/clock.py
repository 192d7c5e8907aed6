"""Time as the domain sees it: UTC instants and business dates, rendered in one format."""

from __future__ import annotations

from datetime import UTC, date, datetime

from kernel.errors import FieldIssue, ValidationFailed

# The last day any business date (a close date, a forecast month) may name. A bound keeps month arithmetic,
# forecast windows and the per-month counter keys small and four-digit, where an open-ended year (9999)
# would let one request walk or key thousands of months; no deal plans to close beyond it.
LAST_BUSINESS_DATE = date(2100, 12, 31)
LAST_BUSINESS_MONTH = LAST_BUSINESS_DATE.isoformat()[:7]


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_rfc3339(instant: datetime) -> str:
    """RFC 3339 UTC with millisecond precision, e.g. 2026-11-26T11:30:00.123Z."""
    return instant.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def from_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def today(instant: datetime) -> date:
    return instant.astimezone(UTC).date()


def business_date(value: date, field: str) -> date:
    """`value`, unless it is past LAST_BUSINESS_DATE (the message states the bound, never the value)."""
    if value > LAST_BUSINESS_DATE:
        bound = f"must be on or before {LAST_BUSINESS_DATE.isoformat()}"
        raise ValidationFailed(f"{field} {bound}", [FieldIssue(field, bound)])
    return value


# -- months as YYYY-MM, counted arithmetically (never by walking from one to the other) ------------------
def month_number(month: str) -> int:
    """Months since year 0 of a YYYY-MM month."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def add_months(month: str, count: int) -> str:
    number = month_number(month) + count
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def months_between(first: str, last: str) -> int:
    """(y2 - y1) * 12 + m2 - m1: 0 for the same month, negative when `last` is before `first`."""
    return month_number(last) - month_number(first)
