"""Echoes what the function received, so tests can check the proxy event and the Lambda context."""

from __future__ import annotations

import json
import os
from typing import Any


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    print(f"echo: {event['httpMethod']} {event['path']}")  # a handler's stdout: logs, never the invoke result
    query = event["queryStringParameters"] or {}
    if query.get("crash"):
        raise RuntimeError("asked to crash")
    echoed = {
        "function": context.function_name,
        "memory": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "resource": event["resource"],
        "path": event["path"],
        "method": event["httpMethod"],
        "path_parameters": event["pathParameters"],
        "query": event["queryStringParameters"],
        "multi_query": event["multiValueQueryStringParameters"],
        "headers": event["headers"],
        "multi_headers": event["multiValueHeaders"],
        "body": event["body"],
        "is_base64": event["isBase64Encoded"],
        "request_context": event["requestContext"],
        "env": {name: os.environ.get(name) for name in ("TABLE_NAME", "BUS_NAME", "STACK_REGION", "GREETING")},
    }
    return {
        "statusCode": int(query.get("status", "200")),
        "headers": {"Content-Type": "application/json", "X-Echo": "1"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
        "body": json.dumps(echoed),
        "isBase64Encoded": False,
    }
