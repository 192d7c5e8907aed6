"""SQS consumer of the inbox queue (fed by the `item.won` rule)."""

from __future__ import annotations

import json
from typing import Any

from fixturelib import table


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    for record in event["Records"]:
        body = json.loads(record["body"])
        table().put_item(Item={"pk": f"INBOX#{body['detail']['data']['item_id']}"})
    return {"batchItemFailures": []}
