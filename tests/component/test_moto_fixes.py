"""moto's TransactWriteItems behaves as DynamoDB's: all or nothing, no trace of a cancelled transaction, the
same table object throughout (a stream reader keeps reading), and ClientRequestToken idempotency."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends

from local import moto_fixes
from tests.support.api import Api
from tests.support.aws import TABLE
from tests.support.streams import REGION, outbox_rows, stream_records
from tests.support.table import event_types

pytestmark = pytest.mark.usefixtures("aws")


def _table() -> Any:
    return dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].get_table(TABLE)


def _put(pk: str, **extra: Any) -> dict[str, Any]:
    return {"Put": {"TableName": TABLE, "Item": {"PK": {"S": pk}, "SK": {"S": "X"}, **extra}}}


def _keys() -> set[str]:
    client = boto3.client("dynamodb")
    found = set()
    for pk in ("A", "B", "C"):
        if client.get_item(TableName=TABLE, Key={"PK": {"S": pk}, "SK": {"S": "X"}}).get("Item"):
            found.add(pk)
    return found


def test_a_cancelled_transaction_writes_nothing_and_leaves_no_stream_record() -> None:
    client = boto3.client("dynamodb")
    table, before = _table(), len(stream_records())
    client.put_item(TableName=TABLE, Item={"PK": {"S": "C"}, "SK": {"S": "X"}, "n": {"N": "1"}})
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(
            TransactItems=[
                _put("A"),
                _put("B"),
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {"PK": {"S": "C"}, "SK": {"S": "X"}, "n": {"N": "2"}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                },
            ]
        )
    reasons = cancelled.value.response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "None", "ConditionalCheckFailed"]
    assert reasons[2]["Item"]["n"] == {"N": "1"}
    assert _keys() == {"C"}
    assert len(stream_records()) == before + 1  # only the plain put of C
    assert _table() is table, "the table object was swapped: a stream reader would read a dead shard"


def test_a_committed_transaction_streams_every_item_in_order() -> None:
    client = boto3.client("dynamodb")
    before = len(stream_records())
    client.transact_write_items(TransactItems=[_put("A"), _put("B")])
    records = stream_records()[before:]
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in records] == ["A", "B"]
    assert _keys() == {"A", "B"}


def test_an_item_failing_while_applied_puts_back_what_was_written() -> None:
    client = boto3.client("dynamodb")
    client.put_item(TableName=TABLE, Item={"PK": {"S": "B"}, "SK": {"S": "X"}, "n": {"S": "text"}})
    before = len(stream_records())
    with pytest.raises(ClientError):
        client.transact_write_items(
            TransactItems=[
                _put("A"),
                {
                    "Update": {
                        "TableName": TABLE,
                        "Key": {"PK": {"S": "B"}, "SK": {"S": "X"}},
                        "UpdateExpression": "ADD n :one",  # ADD to a string: fails while applied
                        "ExpressionAttributeValues": {":one": {"N": "1"}},
                    }
                },
            ]
        )
    assert _keys() == {"B"}
    assert len(stream_records()) == before


def test_a_retried_client_token_succeeds_once_and_a_changed_request_is_refused() -> None:
    client = boto3.client("dynamodb")
    token = str(uuid.uuid4())
    item = {
        "Put": {
            "TableName": TABLE,
            "Item": {"PK": {"S": "A"}, "SK": {"S": "X"}},
            "ConditionExpression": "attribute_not_exists(PK)",
        }
    }
    client.transact_write_items(TransactItems=[item], ClientRequestToken=token)
    before = len(stream_records())
    client.transact_write_items(TransactItems=[item], ClientRequestToken=token)  # a retry: success, no write
    assert len(stream_records()) == before
    with pytest.raises(ClientError) as mismatch:
        client.transact_write_items(TransactItems=[_put("B")], ClientRequestToken=token)
    assert mismatch.value.response["Error"]["Code"] == "IdempotentParameterMismatchException"
    with pytest.raises(ClientError) as fresh:  # a new token is a new request: its condition fails
        client.transact_write_items(TransactItems=[item], ClientRequestToken=str(uuid.uuid4()))
    assert fresh.value.response["Error"]["Code"] == "TransactionCanceledException"


def test_refused_commands_publish_nothing_and_later_commands_still_do(api: Api, future: str) -> None:
    contact = api.post("/sales/contacts", {"kind": "organization", "display_name": "C", "emails": ["c@c.example"]})
    body = {"customer_id": contact.data["id"], "name": "D", "value": 100, "currency": "USD"}
    first = api.post("/sales/deals", {**body, "expected_close_date": future})
    assert api.delete(f"/sales/contacts/{contact.data['id']}").status == 409
    twin = api.post("/sales/contacts", {"kind": "person", "display_name": "Twin", "emails": ["c@c.example"]})
    assert twin.status == 409
    assert api.delete(f"/sales/deals/{first.data['id']}").status == 204
    second = api.post("/sales/deals", {**body, "expected_close_date": future})
    assert api.post(f"/sales/deals/{second.data['id']}/win", {}).status == 200
    assert event_types(outbox_rows()) == ["contact.created", "deal.created", "deal.deleted", "deal.created", "deal.won"]


@pytest.fixture
def answer_500_after_commit() -> Iterator[list[int]]:
    """The first TransactWriteItems commits on the server, then its response is lost (HTTP 500, as a timeout
    would be): botocore retries the same request."""
    from moto.core.exceptions import JsonRESTError
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.transact_write_items
    commits: list[int] = []
    writes = DynamoDBBackend.transact_write_items

    def count(self: DynamoDBBackend, items: list[dict[str, Any]]) -> None:
        writes(self, items)
        commits.append(len(items))

    def commit_then_lose_the_answer(self: DynamoHandler) -> Any:
        result = original(self)
        if len(commits) == 1 and not getattr(commit_then_lose_the_answer, "lost", False):
            commit_then_lose_the_answer.lost = True  # type: ignore[attr-defined]
            lost = JsonRESTError("InternalServerError", "the response was lost")
            lost.code = 500
            raise lost
        return result

    DynamoDBBackend.transact_write_items = count  # type: ignore[method-assign]
    DynamoHandler.transact_write_items = commit_then_lose_the_answer  # type: ignore[method-assign]
    try:
        yield commits
    finally:
        DynamoHandler.transact_write_items = original  # type: ignore[method-assign]
        DynamoDBBackend.transact_write_items = writes  # type: ignore[method-assign]


def test_a_command_whose_response_was_lost_after_commit_is_answered_as_committed(
    api: Api, answer_500_after_commit: list[int]
) -> None:
    reply = api.post("/sales/contacts", {"kind": "organization", "display_name": "Once", "emails": ["o@o.example"]})
    assert reply.status == 201, reply.body
    assert len(answer_500_after_commit) == 1, "the retry with the same token must not apply again"
    assert event_types(outbox_rows()) == ["contact.created"]


def test_install_is_idempotent() -> None:
    moto_fixes.install()
    moto_fixes.install()
    assert DynamoDBBackend.transact_write_items is moto_fixes.transact_write_items


def test_memory_grows_with_the_stream_only_not_with_a_copy_per_transaction() -> None:
    """300 transactions rewriting the same item keep a few KB each (their stream records); moto's own
    rollback copy made every transaction copy the table and keep it, hundreds of MB by now."""
    import tracemalloc

    client = boto3.client("dynamodb")
    payload = {"S": "x" * 1000}
    for number in range(20):  # a table with some content, as a copy would have to duplicate it
        client.put_item(TableName=TABLE, Item={"PK": {"S": f"S{number}"}, "SK": {"S": "X"}, "p": payload})
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for number in range(300):
            client.transact_write_items(TransactItems=[_put("A", n={"N": str(number)}, p=payload), _put("B")])
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 8 * 2**20, f"{grown / 2**20:.1f} MB retained by 300 transactions"
