"""List results: items plus the pagination block (total, page size, cursor, and page numbers when asked)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Generic, TypeVar

from kernel.types import Pagination

T = TypeVar("T")


@dataclass(frozen=True)
class ListResult(Generic[T]):
    items: list[T]
    pagination: Pagination


def paginate(items: list[T], total: int, page_size: int, next_cursor: str | None, page: int | None) -> ListResult[T]:
    return ListResult(
        items=items,
        pagination=Pagination(
            total=total,
            page_size=page_size,
            next_cursor=next_cursor,
            page=page,
            total_pages=math.ceil(total / page_size) if page is not None else None,
        ),
    )
