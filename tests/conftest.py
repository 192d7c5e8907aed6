"""Shared fixtures: a fresh moto account per test, the real handlers, a principal."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# Before any handler module is imported: Powertools and boto3 read these at import time.
os.environ.update(
    {
        "AWS_DEFAULT_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "TABLE_NAME": "sales-test",
        "EVENT_BUS_NAME": "sales-test-bus",
        "EVENT_SOURCE": "sales",
        "IDEMPOTENCY_TABLE_NAME": "sales-test-idempotency",
        "EMAIL_SENDER": "sales@seller.example",
        "POWERTOOLS_SERVICE_NAME": "sales",
        "POWERTOOLS_METRICS_NAMESPACE": "Sales",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_DISABLED": "1",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
for variable in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
    del os.environ[variable]

from tests.support.api import Api  # noqa: E402
from tests.support.aws import sales_world  # noqa: E402
from tests.support.samples import days_ahead  # noqa: E402


@pytest.fixture
def aws() -> Iterator[None]:
    with sales_world():
        yield


@pytest.fixture
def api(aws: None) -> Api:
    return Api()


@pytest.fixture
def future() -> str:
    return days_ahead(120)


@pytest.fixture
def contact(api: Api) -> dict:
    reply = api.post(
        "/sales/contacts",
        {"kind": "organization", "display_name": "Acme Devices GmbH", "emails": ["sales@acme.example"]},
    )
    assert reply.status == 201, reply.body
    return reply.data


@pytest.fixture
def deal(api: Api, contact: dict, future: str) -> dict:
    reply = api.post(
        "/sales/deals",
        {
            "customer_id": contact["id"],
            "name": "Enterprise Software License",
            "value": 50000000,
            "currency": "USD",
            "expected_close_date": future,
        },
    )
    assert reply.status == 201, reply.body
    return reply.data
