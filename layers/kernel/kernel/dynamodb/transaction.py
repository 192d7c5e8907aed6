"""One TransactWriteItems per command: the new state, its outbox events and its counters together.

Each operation names the domain error its failed condition means, so a cancelled transaction is
mapped by position and reason code, never by message text.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from kernel import clients
from kernel.dynamodb.codec import Item, from_attributes, to_attributes
from kernel.dynamodb.keys import Key
from kernel.errors import RuleViolated, TransientWriteConflict, WriteThrottled

MAX_ITEMS = 100
# Cancellation reasons that say "try again". A race: another transaction touched the same item. Throttling:
# the request rate or the capacity ran out, which no lost race explains, so it ends as a 503 when it persists.
RACE_REASONS = {"TransactionConflict"}
THROTTLING_REASONS = {"ThrottlingError", "ProvisionedThroughputExceeded"}


OnConditionFailed = Callable[[Item | None], Exception]


@dataclass
class _Operation:
    request: dict[str, Any]
    on_condition_failed: OnConditionFailed | None


@dataclass
class Transaction:
    table: str
    operations: list[_Operation] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many items the transaction touches so far."""
        return len(self.operations)

    def truncate(self, size: int) -> None:
        """Forget every operation added after the transaction had `size`: a caller filling a transaction up to
        DynamoDB's limit takes back the record that did not fit."""
        del self.operations[size:]

    def put(
        self,
        item: Item,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        on_condition_failed: OnConditionFailed | None = None,
    ) -> None:
        request: dict[str, Any] = {"TableName": self.table, "Item": to_attributes(item)}
        self._conditioned(request, condition, names, values, on_condition_failed, "Put")

    def delete(
        self,
        key: Key,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        on_condition_failed: OnConditionFailed | None = None,
    ) -> None:
        request: dict[str, Any] = {"TableName": self.table, "Key": to_attributes(dict(key))}
        self._conditioned(request, condition, names, values, on_condition_failed, "Delete")

    def check(
        self,
        key: Key,
        condition: str,
        *,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        on_condition_failed: OnConditionFailed,
    ) -> None:
        request: dict[str, Any] = {"TableName": self.table, "Key": to_attributes(dict(key))}
        self._conditioned(request, condition, names, values, on_condition_failed, "ConditionCheck")

    def update(
        self,
        key: Key,
        expression: str,
        *,
        condition: str | None = None,
        names: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        on_condition_failed: OnConditionFailed | None = None,
    ) -> None:
        """An UpdateExpression on one item; `names` and `values` serve the expression and the condition."""
        request: dict[str, Any] = {
            "TableName": self.table,
            "Key": to_attributes(dict(key)),
            "UpdateExpression": expression,
        }
        if condition is None:
            if names:
                request["ExpressionAttributeNames"] = dict(names)
            if values:
                request["ExpressionAttributeValues"] = to_attributes(dict(values))
        self._conditioned(request, condition, names, values, on_condition_failed, "Update")

    def add_counters(self, key: Key, deltas: Mapping[str, int]) -> None:
        """ADD each delta to a numeric attribute (created at 0 when missing). No-op if empty."""
        if not deltas:
            return
        names = {f"#c{i}": name for i, name in enumerate(deltas)}
        values = {f":c{i}": amount for i, amount in enumerate(deltas.values())}
        request = {
            "TableName": self.table,
            "Key": to_attributes(dict(key)),
            "UpdateExpression": "ADD " + ", ".join(f"#c{i} :c{i}" for i in range(len(deltas))),
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_attributes(values),
        }
        self.operations.append(_Operation({"Update": request}, None))

    def add_below(self, key: Key, name: str, limit: int, on_limit: OnConditionFailed) -> None:
        """ADD 1 to the counter `name` (created at 0 when missing) while it is below `limit`; at the limit the
        transaction fails with `on_limit`'s error."""
        request = {
            "TableName": self.table,
            "Key": to_attributes(dict(key)),
            "UpdateExpression": "ADD #n :one",
            "ExpressionAttributeNames": {"#n": name},
        }
        self._conditioned(
            request,
            "attribute_not_exists(#n) OR #n < :limit",
            None,
            {":one": 1, ":limit": limit},
            on_limit,
            "Update",
        )

    def _conditioned(
        self,
        request: dict[str, Any],
        condition: str | None,
        names: Mapping[str, str] | None,
        values: Mapping[str, Any] | None,
        on_condition_failed: OnConditionFailed | None,
        verb: str,
    ) -> None:
        if condition:
            request["ConditionExpression"] = condition
            request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
            if names:
                request["ExpressionAttributeNames"] = dict(names)
            if values:
                request["ExpressionAttributeValues"] = to_attributes(dict(values))
        self.operations.append(_Operation({verb: request}, on_condition_failed))

    def commit(self) -> None:
        if not self.operations:
            return
        if len(self.operations) > MAX_ITEMS:
            # DynamoDB's limit: only a request changing very many parts of a record at once gets here.
            raise RuleViolated(
                f"this change touches {len(self.operations)} stored items, more than the {MAX_ITEMS} one write "
                "may; split it into smaller changes",
                "CHANGE_TOO_LARGE",
            )
        # One token per commit, kept by botocore across its own retries: when a timeout or a 5xx hides a
        # commit, the retry is answered as the success it was instead of failing its own conditions (409).
        # A new attempt after a lost race builds a new transaction, so it gets a new token.
        kwargs: dict[str, Any] = {
            "TransactItems": [op.request for op in self.operations],
            "ClientRequestToken": str(uuid.uuid4()),
        }
        try:
            clients.dynamodb().transact_write_items(**kwargs)
        except ClientError as error:
            self._raise_for(error)

    def _raise_for(self, error: ClientError) -> None:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "TransactionConflictException":
            raise TransientWriteConflict(code) from error
        if code in clients.THROTTLING_CODES:
            raise WriteThrottled(code) from error
        if code != "TransactionCanceledException":
            raise error
        reasons: list[dict[str, Any]] = list(error.response.get("CancellationReasons") or [])  # type: ignore[arg-type]
        for operation, reason in zip(self.operations, reasons, strict=False):
            if reason.get("Code") == "ConditionalCheckFailed" and operation.on_condition_failed:
                old = reason.get("Item")
                raise operation.on_condition_failed(from_attributes(old) if old else None) from error
        # Throttling wins over a race in the same cancellation: capacity is what the caller must wait for.
        if any(reason.get("Code") in THROTTLING_REASONS for reason in reasons):
            raise WriteThrottled(code) from error
        if any(reason.get("Code") in RACE_REASONS for reason in reasons) or not reasons:
            raise TransientWriteConflict(code) from error
        raise error


def refuse(error: Exception) -> OnConditionFailed:
    """A failed condition answered with `error`, whatever the item held."""
    return lambda _old: error


def pick_shard(shards: int) -> int:
    """Spread counter writes: no cryptographic need, only an even spread."""
    return random.randrange(shards)  # noqa: S311
