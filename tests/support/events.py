"""One factory for API Gateway REST proxy events (tests never hand-write a 100-line event)."""

from __future__ import annotations

import json
import uuid
from typing import Any

DEFAULT_USER = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"


def claims(user: str = DEFAULT_USER, groups: str = "sales", partner_id: str | None = None) -> dict[str, str]:
    result = {"sub": user, "cognito:groups": groups, "email": "rep@example.com"}
    if partner_id:
        result["custom:partner_id"] = partner_id
    return result


def api_event(
    method: str,
    path: str,
    *,
    resource: str,
    path_params: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    principal: dict[str, str] | None = None,
    raw_body: str | None = None,
) -> dict[str, Any]:
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    text = raw_body if raw_body is not None else (json.dumps(body) if body is not None else None)
    request_id = str(uuid.uuid4())
    context: dict[str, Any] = {
        "stage": "v1",
        "requestId": request_id,
        "resourcePath": resource,
        "httpMethod": method,
        "path": f"/v1{path}",
        "identity": {"sourceIp": "127.0.0.1"},
    }
    if principal is not None:
        context["authorizer"] = {"claims": principal}
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()} if query else None,
        "pathParameters": path_params or None,
        "stageVariables": None,
        "requestContext": context,
        "body": text,
        "isBase64Encoded": False,
    }
