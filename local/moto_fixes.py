"""Three fixes to moto's DynamoDB, so that the local runtime and the tests see what DynamoDB does.

Written up as the upstream report they would become in docs/upstream/moto-transact-write-items.md.

1. `TransactWriteItems` is all or nothing, and a cancelled transaction leaves no trace. moto 5.2 applies the
   items one by one, so an outbox row written before a failing condition reaches the stream (a phantom event),
   and then "rolls back" by swapping every touched table for a deep copy taken first: a stream reader holding
   the old table's shard never sees another record, and the copies made for every transaction make each write
   slower and the process bigger. Here every condition is checked first, against the state before the
   transaction, and nothing is written unless all pass; should an item still fail while being applied, the
   items already written are put back and their stream records dropped. No copy of a table is ever made.
2. `ClientRequestToken` makes a transaction idempotent for ten minutes: botocore sends one per call and keeps
   it across its own retries, so a retry of a request that committed (a timeout, a 5xx) succeeds without
   applying it twice. moto ignores the token, so the retry fails its own conditions. Here a repeated token
   with the same items answers success without writing; with other items, IdempotentParameterMismatch.
3. DynamoDB serialises writes to an item; moto's backend is plain dictionaries shared by the server's request
   threads ("dictionary changed size during iteration" under load). Here DynamoDB requests run one at a time.

`install()` is idempotent and must run before moto serves a request (the local runtime's embedded server and
the tests' `mock_aws` both call it).
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    DynamodbException,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler

__all__ = ["TOKEN_WINDOW_SECONDS", "install"]

TOKEN_WINDOW_SECONDS = 600.0
_lock = threading.RLock()
_installed = False
# (account, region, token) -> (fingerprint of the items, monotonic time it stops counting)
_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}


class IdempotentParameterMismatch(DynamodbException):
    def __init__(self) -> None:
        super().__init__(
            "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException",
            "The request uses the same client token as a previous, but non-identical request.",
        )


def _key_of(table: Table, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    attrs = op["Item"]
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _typed(table: Table, key: dict[str, Any]) -> tuple[DynamoType, DynamoType | None]:
    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


def _put_back(table: Table, key: dict[str, Any], previous: Any) -> None:
    """Restore one item as it was, without a stream record (the transaction never happened)."""
    hash_value, range_value = _typed(table, key)
    if range_value is None:
        if previous is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = previous
        return
    if previous is None:
        table.items.get(hash_value, {}).pop(range_value, None)
    else:
        table.items[hash_value][range_value] = previous


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    planned: list[tuple[str, dict[str, Any], Table, dict[str, Any], Any]] = []
    reasons: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    seen: set[tuple[str, str]] = set()
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise MockValidationException(f"Unsupported transaction operation {op_type}")
        table = self.get_table(op["TableName"])
        key = _key_of(table, op_type, op)
        target = (str(op["TableName"]), json.dumps(key, sort_keys=True))
        if target in seen:
            raise MultipleTransactionsException()
        seen.add(target)
        current = self.get_item(op["TableName"], key)
        reason: tuple[str | None, str | None, dict[str, Any] | None] = (None, None, None)
        condition = op.get("ConditionExpression")
        if condition is not None:
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not check.expr(current):
                wants_old = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
                old = current.to_json()["Attributes"] if wants_old and current is not None else None
                reason = ("ConditionalCheckFailed", ConditionalCheckFailed().message, old)
        reasons.append(reason)
        planned.append((op_type, op, table, key, current))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)

    streams = {id(table): (table, len(table.stream_shard.items)) for _, _, table, _, _ in planned if table.stream_shard}
    applied: list[tuple[Table, dict[str, Any], Any]] = []
    try:
        for index, (op_type, op, table, key, current) in enumerate(planned):
            if op_type == "ConditionCheck":
                continue
            applied.append((table, key, copy.deepcopy(current)))
            try:
                if op_type == "Put":
                    self.put_item(op["TableName"], op["Item"])
                elif op_type == "Delete":
                    self.delete_item(op["TableName"], key)
                else:
                    self.update_item(
                        op["TableName"],
                        key,
                        update_expression=op["UpdateExpression"],
                        expression_attribute_names=op.get("ExpressionAttributeNames", {}),
                        expression_attribute_values=op.get("ExpressionAttributeValues", {}),
                    )
            except MockValidationException:
                raise
            except Exception as error:
                failed: list[tuple[str | None, str | None, dict[str, Any] | None]] = [(None, None, None)] * len(planned)
                failed[index] = (type(error).__name__, str(error), None)
                raise TransactionCanceledException(failed) from error
    except BaseException:
        for table, key, previous in reversed(applied):
            _put_back(table, key, previous)
        for table, length in streams.values():
            del table.stream_shard.items[length:]
        raise


def _fingerprint(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body.get("TransactItems"), sort_keys=True).encode()).hexdigest()


def _with_client_token(original: Callable[[DynamoHandler], Any]) -> Callable[[DynamoHandler], Any]:
    def handler(self: DynamoHandler) -> Any:
        token = self.body.get("ClientRequestToken")
        if not token:
            return original(self)
        now = time.monotonic()
        for stale in [known for known, (_, until) in _tokens.items() if until < now]:
            del _tokens[stale]
        slot = (self.current_account, self.region, str(token))
        fingerprint = _fingerprint(self.body)
        known = _tokens.get(slot)
        if known is not None:
            if known[0] != fingerprint:
                raise IdempotentParameterMismatch()
            return ActionResult({"ConsumedCapacity": [], "ItemCollectionMetrics": {}})
        result = original(self)
        _tokens[slot] = (fingerprint, now + TOKEN_WINDOW_SECONDS)
        return result

    return handler


def _serialised(original: Callable[..., Any]) -> Callable[..., Any]:
    def call_action(self: DynamoHandler) -> Any:
        with _lock:
            return original(self)

    return call_action


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]
        DynamoHandler.transact_write_items = _with_client_token(DynamoHandler.transact_write_items)  # type: ignore[method-assign]
        DynamoHandler.call_action = _serialised(DynamoHandler.call_action)  # type: ignore[method-assign]
        _installed = True


def forget_tokens() -> None:
    """A fresh moto world (tests) starts with no remembered tokens."""
    _tokens.clear()
