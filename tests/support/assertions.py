"""Assertions shared by the tests: the error envelope, timestamps."""

from __future__ import annotations

import json
import re
from typing import Any

RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def assert_error(reply: Any, status: int, code: str, field: str | None = None) -> None:
    """`reply` (anything with `status` and a JSON `body`) is a refusal with `status` (a 4xx, or a 503 asking
    to retry later; never a 500) in the error envelope: `code`, a message, well-formed details (naming
    `field` when given) and no stack trace."""
    body = reply.body
    assert reply.status == status, body
    assert 400 <= status < 500 or status == 503, (status, body)
    assert isinstance(body, dict) and set(body) == {"status", "error"}, body
    assert body["status"] == "error", body
    error = body["error"]
    assert set(error) <= {"code", "message", "details"} and error["code"] == code, body
    assert isinstance(error["message"], str) and error["message"], body
    details = error.get("details", [])
    assert isinstance(details, list), body
    for detail in details:
        assert set(detail) == {"field", "message"} and all(isinstance(v, str) for v in detail.values()), detail
        assert detail["message"], detail
    if field is not None:
        assert field in [detail["field"] for detail in details], body
    text = json.dumps(body)
    assert "Traceback" not in text and 'File "' not in text, "no stack trace in a response"
