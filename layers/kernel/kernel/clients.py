"""boto3 clients, built lazily and once per process: cheap cold starts, easy to reset in tests."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient


def _config() -> object:
    from botocore.config import Config

    # Standard mode retries throttling with backoff; short timeouts keep a slow call from eating
    # the whole Lambda timeout.
    return Config(retries={"mode": "standard", "max_attempts": 4}, connect_timeout=2, read_timeout=5)


@cache
def dynamodb() -> DynamoDBClient:
    import boto3

    return cast("DynamoDBClient", boto3.client("dynamodb", config=_config()))  # type: ignore[call-overload]


@cache
def eventbridge() -> EventBridgeClient:
    import boto3

    return cast("EventBridgeClient", boto3.client("events", config=_config()))  # type: ignore[call-overload]


def reset() -> None:
    """Forget the clients (tests switch endpoints and credentials between cases)."""
    dynamodb.cache_clear()
    eventbridge.cache_clear()
