"""Running a command safely: If-Match preconditions and bounded retries of lost races and throttled writes."""

from __future__ import annotations

import copy
import random
import time
from collections.abc import Callable
from typing import TypeVar

from kernel.aggregate import AggregateRoot
from kernel.context import RequestContext
from kernel.dynamodb.repository import command_applied
from kernel.errors import (
    AlreadyApplied,
    Conflict,
    DomainError,
    PreconditionFailed,
    ServiceUnavailable,
    StaleVersion,
    TransientWriteConflict,
    WriteThrottled,
)

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
    A write throttled on every attempt lost no race: the caller is asked to come back later (503), not to
    resolve a conflict (409). The last attempt decides which.
    """
    for number in range(1, MAX_ATTEMPTS + 1):
        try:
            return attempt()
        except StaleVersion:
            if ctx.expected_version is not None:
                raise PreconditionFailed() from None
            if number == MAX_ATTEMPTS:
                raise
        except WriteThrottled:
            if number == MAX_ATTEMPTS:
                raise ServiceUnavailable() from None
        except TransientWriteConflict:
            if number == MAX_ATTEMPTS:
                raise Conflict("the record is busy with concurrent writes; retry", "CONFLICT") from None
        # Full jitter keeps racing retries from colliding again; no security need for randomness.
        time.sleep(random.uniform(0, 0.02 * 2**number))  # noqa: S311
    raise AssertionError("unreachable")


A = TypeVar("A", bound=AggregateRoot)


def apply_once(
    ctx: RequestContext,
    aggregate_id: str,
    load: Callable[[], A],
    change: Callable[[A], None],
    save: Callable[[A, A], None],
    current: Callable[[], A | None],
) -> A:
    """load -> precondition -> change -> save, retried on lost races.

    A keyed command (Idempotency-Key) whose earlier run committed but could not record its response
    answers with the aggregate's current state instead of applying twice or failing on its own effect.
    """

    def attempt() -> A:
        try:
            aggregate = load()
            check_precondition(aggregate, ctx)
            before = copy.deepcopy(aggregate)
            change(aggregate)
            save(aggregate, before)
            return aggregate
        except (DomainError, AlreadyApplied) as error:
            applied = error.aggregate_id if isinstance(error, AlreadyApplied) else command_applied(ctx)
            if applied == aggregate_id:
                replay = current()
                if replay is not None:
                    return replay
            raise

    return with_retries(ctx, attempt)


def create_once(ctx: RequestContext, aggregate: A, save: Callable[[A], None], current: Callable[[str], A | None]) -> A:
    """Store a new aggregate; a keyed create that already committed answers with what it created."""
    try:
        with_retries(ctx, lambda: save(aggregate))
    except AlreadyApplied as done:
        existing = current(done.aggregate_id)
        if existing is None:
            raise
        return existing
    return aggregate
