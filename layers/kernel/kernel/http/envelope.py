"""The response envelopes of SPEC §2 (and the seed): success, list with pagination, error."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import Response
from pydantic import BaseModel

from kernel.errors import FieldIssue
from kernel.listing import ListResult

JSON = "application/json"


def _dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def data_of(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", by_alias=True)
    return result


def success(result: Any, status: int, headers: dict[str, str] | None = None) -> Response[str]:
    if status == 204 or result is None:
        return Response(status_code=204, body="", headers=headers or {})
    payload: dict[str, Any] = {"status": "success"}
    if isinstance(result, ListResult):
        payload["data"] = [data_of(item) for item in result.items]
        payload["pagination"] = result.pagination.model_dump(mode="json", exclude_none=True) | {
            "next_cursor": result.pagination.next_cursor
        }
    else:
        payload["data"] = data_of(result)
    return Response(status_code=status, content_type=JSON, body=_dump(payload), headers=headers or {})


def error(
    status: int,
    code: str,
    message: str,
    details: list[FieldIssue] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[str]:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = [{"field": issue.field, "message": issue.message} for issue in details]
    return Response(
        status_code=status, content_type=JSON, body=_dump({"status": "error", "error": body}), headers=headers or {}
    )
