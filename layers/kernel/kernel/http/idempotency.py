"""Idempotency-Key on POST commands, on Powertools idempotency with DynamoDB persistence.

The key is scoped by operation and caller, and the request's canonical JSON is the payload
fingerprint: the same key with the same request replays the first response without a second
write or event; with another request it is refused (422 IDEMPOTENCY_KEY_REUSED).

The Powertools utility is imported on the first request that carries a key: queries and unkeyed
commands never load it (cold starts, docs/performance.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from kernel import clients
from kernel.errors import Conflict, DomainError, ServiceUnavailable
from kernel.settings import settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig
    from aws_lambda_powertools.utilities.typing import LambdaContext

HEADER = "idempotency-key"
WINDOW_SECONDS = 24 * 60 * 60
_KEY = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

StoredResponse = dict[str, Any]


class IdempotencyKeyReused(DomainError):
    status = 422

    def __init__(self) -> None:
        super().__init__("this Idempotency-Key was used with a different request", "IDEMPOTENCY_KEY_REUSED")


def valid_key(key: str) -> bool:
    return bool(_KEY.match(key))


@cache
def _persistence() -> DynamoDBPersistenceLayer:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    table = settings().idempotency_table_name
    if not table:
        raise RuntimeError("IDEMPOTENCY_TABLE_NAME is not set")
    return DynamoDBPersistenceLayer(table_name=table, boto3_client=clients.dynamodb())


@cache
def _config() -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="[operation, actor, key]",
        payload_validation_jmespath="request",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=WINDOW_SECONDS,
        use_local_cache=False,
    )


def reset() -> None:
    """Tests switch AWS endpoints between cases."""
    _persistence.cache_clear()


def once(
    operation: str,
    actor: str,
    key: str,
    request: Any,
    run: Callable[[], StoredResponse],
    lambda_context: LambdaContext | None = None,
) -> StoredResponse:
    """Run `run` at most once per (operation, actor, key); replay its stored result afterwards."""
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyPersistenceLayerError,
        IdempotencyValidationError,
    )

    if lambda_context is not None:
        # Lets an in-progress record expire with the invocation if Lambda times out mid-command.
        _config().register_lambda_context(lambda_context)

    @idempotent_function(  # type: ignore[untyped-decorator]
        data_keyword_argument="identity", persistence_store=_persistence(), config=_config(), key_prefix=operation
    )
    def run_once(identity: dict[str, Any]) -> StoredResponse:
        outcome.append(run())
        return outcome[-1]

    outcome: list[StoredResponse] = []

    try:
        result: StoredResponse = run_once(
            identity={"operation": operation, "actor": actor, "key": key, "request": request}
        )
    except IdempotencyValidationError:
        raise IdempotencyKeyReused() from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(
            "a request with this Idempotency-Key is still running; retry shortly", "IDEMPOTENCY_IN_PROGRESS"
        ) from None
    except IdempotencyPersistenceLayerError as error:
        if not outcome:
            # No outcome: the command did not run, or it failed and took no effect. Throttling is a 503.
            if clients.throttling_code(error) is not None:
                raise ServiceUnavailable() from error
            raise
        # The command committed but its response could not be recorded: answer it anyway. A retry with
        # the key is still applied once, by the command record written in the command's own transaction.
        return outcome[-1]
    return result
