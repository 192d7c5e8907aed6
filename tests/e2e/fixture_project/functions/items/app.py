"""Items: create (with an outbox record), get, win (outbox record `item.won`). Three functions, one module."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fixturelib import respond, table


def _outbox(event_type: str, data: dict[str, Any], fail_once: bool = False) -> dict[str, Any]:
    event_id = str(uuid.uuid4())
    record = {"pk": f"OUTBOX#{event_id}", "event_id": event_id, "event_type": event_type, "data": json.dumps(data)}
    if fail_once:
        record["fail_once"] = True
    return record


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    resource, method = event["resource"], event["httpMethod"]
    claims = event["requestContext"]["authorizer"]["claims"]
    if resource == "/items" and method == "POST":
        body = json.loads(event["body"] or "{}")
        item_id = str(uuid.uuid4())
        item = {"pk": f"ITEM#{item_id}", "id": item_id, "name": body["name"], "owner": claims["sub"]}
        table().put_item(Item=item)
        table().put_item(Item=_outbox("item.created", {"item_id": item_id}, bool(body.get("fail_once"))))
        return respond(201, {"status": "success", "data": {k: v for k, v in item.items() if k != "pk"}})
    item_id = event["pathParameters"]["id"]
    found = table().get_item(Key={"pk": f"ITEM#{item_id}"}).get("Item")
    if found is None:
        return respond(404, {"status": "error", "error": {"code": "NOT_FOUND", "message": item_id}})
    if resource == "/items/{id}/win":
        table().update_item(
            Key={"pk": f"ITEM#{item_id}"}, UpdateExpression="SET won = :t", ExpressionAttributeValues={":t": True}
        )
        table().put_item(Item=_outbox("item.won", {"item_id": item_id, "name": found["name"]}))
        found["won"] = True
    consumed = "Item" in table().get_item(Key={"pk": f"CONSUMED#{item_id}"})
    inboxed = "Item" in table().get_item(Key={"pk": f"INBOX#{item_id}"})
    data = {k: v for k, v in found.items() if k != "pk"}
    return respond(200, {"status": "success", "data": {**data, "consumed": consumed, "inboxed": inboxed}})
