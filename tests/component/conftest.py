"""Factories for component tests: contacts and deals created through the real handlers."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from tests.support import samples
from tests.support.api import Api

_numbers = itertools.count(1)


@pytest.fixture
def days_ahead() -> Callable[[int], str]:
    """days_ahead(n) -> the ISO date n days from today."""
    return samples.days_ahead


@pytest.fixture
def new_contact(api: Api) -> Callable[..., dict[str, Any]]:
    """new_contact(display_name=..., emails=[...], **fields) -> the created contact's data."""

    def build(display_name: str | None = None, **fields: Any) -> dict[str, Any]:
        number = next(_numbers)
        body = {"kind": "organization", "display_name": display_name or f"Customer {number:04d}", **fields}
        reply = api.post("/sales/contacts", body)
        assert reply.status == 201, reply.body
        return reply.data  # type: ignore[no-any-return]

    return build


@pytest.fixture
def new_deal(api: Api, contact: dict[str, Any], future: str) -> Callable[..., dict[str, Any]]:
    """new_deal(**overrides) -> the created deal's data; customer defaults to the `contact` fixture."""

    def build(client: Api | None = None, **overrides: Any) -> dict[str, Any]:
        body = {
            "customer_id": contact["id"],
            "name": f"Deal {next(_numbers):04d}",
            "value": 50000000,
            "currency": "USD",
            "expected_close_date": future,
            **overrides,
        }
        reply = (client or api).post("/sales/deals", body)
        assert reply.status == 201, reply.body
        return reply.data  # type: ignore[no-any-return]

    return build
