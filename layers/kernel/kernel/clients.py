"""boto3 clients, built lazily and once per process: cheap cold starts, easy to reset in tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from kernel.errors import DomainError, ServiceUnavailable

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient

# The codes DynamoDB and EventBridge answer when a caller exceeds its request rate or the table's capacity.
# Standard retry mode backs off on each of them (they are among botocore's throttling codes), so one that
# still comes out of a client call has outlived those retries. botocore's modeled exception classes for them
# (`client.exceptions.ThrottlingException`, ...) are ClientErrors carrying the same codes.
THROTTLING_CODES = frozenset({"ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded"})


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


@cache
def sesv2() -> Any:
    import boto3

    return boto3.client("sesv2", config=_config())  # type: ignore[call-overload]


def throttling_code(error: BaseException) -> str | None:
    """The throttling code of `error`, or of the error it was raised from (libraries such as Powertools
    idempotency wrap the client's error in their own); None when no throttling is behind it."""
    from botocore.exceptions import ClientError

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ClientError):
            code = current.response.get("Error", {}).get("Code", "")
            if code in THROTTLING_CODES:
                return code
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return None


@contextmanager
def unavailable_when_throttled() -> Iterator[None]:
    """Around client calls: throttling that outlived the client's retries becomes ServiceUnavailable (503 with
    Retry-After), any other failure passes unchanged. Only for calls whose throttling ends the request: a
    write the command runner retries keeps its own mapping (kernel/dynamodb/transaction.py)."""
    try:
        yield
    except DomainError:
        raise
    except Exception as error:
        if throttling_code(error) is None:
            raise
        raise ServiceUnavailable() from error


def reset() -> None:
    """Forget the clients (tests switch endpoints and credentials between cases)."""
    dynamodb.cache_clear()
    eventbridge.cache_clear()
    sesv2.cache_clear()
