"""Running a command safely: If-Match preconditions and bounded retries of lost races."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from sales.application.context import RequestContext
from sales.domain.aggregate import AggregateRoot
from sales.domain.errors import Conflict, PreconditionFailed, StaleVersion, TransientWriteConflict

T = TypeVar("T")
MAX_ATTEMPTS = 4


def check_precondition(aggregate: AggregateRoot, ctx: RequestContext) -> None:
    if ctx.expected_version is not None and aggregate.version != ctx.expected_version:
        raise PreconditionFailed(
            f"If-Match names version {ctx.expected_version}, the current version is {aggregate.version}"
        )


def with_retries(ctx: RequestContext, attempt: Callable[[], T]) -> T:
    """Re-run load -> decide -> save when another writer won the race, so no update is lost.

    With If-Match the caller decided on a version it read, so a lost race is theirs to resolve (412).
    """
    for number in range(1, MAX_ATTEMPTS + 1):
        try:
            return attempt()
        except StaleVersion:
            if ctx.expected_version is not None:
                raise PreconditionFailed() from None
            if number == MAX_ATTEMPTS:
                raise
        except TransientWriteConflict:
            if number == MAX_ATTEMPTS:
                raise Conflict("the record is busy with concurrent writes; retry", "CONFLICT") from None
        # Full jitter keeps racing retries from colliding again; no security need for randomness.
        time.sleep(random.uniform(0, 0.02 * 2**number))  # noqa: S311
    raise AssertionError("unreachable")
