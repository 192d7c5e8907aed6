"""Constants and assertions shared by the component tests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

SEED_CUSTOMER = "019b72b7-0636-79b5-b8fe-28b439ec801d"
SEED_REP = "019b72b6-e679-7635-a86d-ac29a7923f3d"
UNKNOWN_DEAL = "019b72b7-339c-73ca-850c-8459913f2cde"
UNKNOWN_CONTACT = "019b72b7-0636-79b5-b8fe-28b439ec8000"
OTHER_USER = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6c"
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def utc_today() -> str:
    return datetime.now(UTC).date().isoformat()


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


def assert_error(reply: Any, status: int, code: str, field: str | None = None) -> None:
    """The error envelope, with `field` among details when given."""
    assert reply.status == status, reply.body
    assert reply.body["status"] == "error", reply.body
    assert reply.error_code == code, reply.body
    assert isinstance(reply.body["error"]["message"], str) and reply.body["error"]["message"]
    assert "Traceback" not in str(reply.body)
    if field is not None:
        details = reply.body["error"].get("details") or []
        assert field in [issue["field"] for issue in details], reply.body
        for issue in details:
            assert set(issue) == {"field", "message"} and issue["message"]
