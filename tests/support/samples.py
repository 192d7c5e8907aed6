"""Sample ids, dates and request bodies shared by the tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

SEED_CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
SEED_REP = "019b72b6-e679-7635-a86d-ac29a7923f3d"
UNKNOWN_DEAL = "019b72b7-339c-73ca-850c-8459913f2cde"
UNKNOWN_CONTACT = "019b72b7-0636-79b5-b8fe-28b439ec8000"
OTHER_USER = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6c"


def utc_today() -> str:
    return datetime.now(UTC).date().isoformat()


def days_ahead(days: int) -> str:
    """The local date `days` from today, as an ISO date."""
    return (date.today() + timedelta(days=days)).isoformat()


def seed_body(customer_id: str, expected_close_date: str) -> dict[str, Any]:
    """Seed route 1, with a real customer and a close date that is still in the future."""
    return {
        "customer_id": customer_id,
        "assigned_to": SEED_REP,
        "name": "Enterprise Software License",
        "value": 50000000,
        "currency": "USD",
        "expected_close_date": expected_close_date,
    }
