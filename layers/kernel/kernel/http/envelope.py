"""The response envelopes: success, list with pagination, error."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from kernel.errors import FieldIssue
from kernel.listing import ListResult
from kernel.types import Document

JSON = "application/json"


@dataclass
class Response:
    """An API Gateway (REST, proxy integration) response."""

    status_code: int
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    base64_encoded: bool = False

    def to_proxy(self) -> dict[str, Any]:
        headers = dict(self.headers)
        if self.content_type and "Content-Type" not in headers:
            headers["Content-Type"] = self.content_type
        return {
            "statusCode": self.status_code,
            "body": self.body,
            "isBase64Encoded": self.base64_encoded,
            "multiValueHeaders": {name: [value] for name, value in headers.items()},
        }


def _dump(payload: dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def data_of(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", by_alias=True)
    return result


def document(result: Document, status: int, headers: dict[str, str] | None = None) -> Response:
    headers = {**(headers or {}), "Content-Disposition": f'inline; filename="{result.filename}"'}
    return Response(
        status_code=status,
        content_type=result.media_type,
        body=base64.b64encode(result.content).decode("ascii"),
        headers=headers,
        base64_encoded=True,
    )


def success(result: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    if isinstance(result, Document):
        return document(result, status, headers)
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
) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if details:
        body["details"] = [{"field": issue.field, "message": issue.message} for issue in details]
    return Response(
        status_code=status, content_type=JSON, body=_dump({"status": "error", "error": body}), headers=headers or {}
    )
