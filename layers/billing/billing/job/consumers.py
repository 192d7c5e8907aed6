"""How Billing learns of work: `deal.won` (Source sales) opens the deal's one job, `provisioning.completed`
(Source provisioning) completes it. Billing reads both by their published shape only.

Either may arrive more than once and in either order. The deal's claim item (keys.deal_job) decides: a win
finding a job claimed is a repeat and changes nothing; a completion finding no job yet is kept on the claim and
applied by the win when it comes. Each handler adds its writes to the consumer runtime's transaction, which also
holds the event's claim, so an event's effect is committed exactly once.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from billing.job.model import Job
from billing.job.store import JobRepository
from kernel.clock import utc_now
from kernel.consumer import Envelope
from kernel.context import Principal, RequestContext
from kernel.dynamodb.transaction import Transaction
from kernel.errors import FieldIssue, ValidationFailed
from kernel.http.observability import logger
from kernel.ids import is_uuid

JOBS = JobRepository()
ACTOR = "billing.jobs"


def _context(envelope: Envelope) -> RequestContext:
    return RequestContext(Principal(ACTOR, frozenset()), envelope.metadata.correlation_id or envelope.event_id)


def _id(envelope: Envelope, name: str) -> str:
    """An id the event must carry; an event without it can never be applied (it ends in the dead-letter queue)."""
    value = envelope.data.get(name)
    if not isinstance(value, str) or not 1 <= len(value) <= 64:
        raise ValidationFailed(f"the event has no {name}", [FieldIssue(f"data.{name}", "must be an id")])
    # A UUID in capitals is the same id: a completion keyed by it must find the deal Sales named in lower case.
    return value.lower() if is_uuid(value.lower()) else value


def on_deal_won(envelope: Envelope, tx: Transaction) -> None:
    """Open the deal's job, completed already when provisioning reported first; a repeated win does nothing."""
    data = envelope.data
    deal_id = _id(envelope, "deal_id")
    claim = JOBS.deal_job(deal_id)
    if claim.job_id is not None:
        logger.info("deal already has its job", extra={"deal_id": deal_id, "job_id": claim.job_id})
        return
    ctx = _context(envelope)
    job = Job.open_from_won(
        deal_id=deal_id,
        customer_id=_id(envelope, "customer_id"),
        customer_name=data.get("customer_name"),
        bridge=data.get("bridge") if isinstance(data.get("bridge"), dict) else None,
        name=data.get("name"),  # type: ignore[arg-type]  # checked by the model, whatever the publisher sent
        value=data.get("value"),  # type: ignore[arg-type]
        currency=str(data.get("currency") or ""),
        lines=data.get("lines") if isinstance(data.get("lines"), list) else None,
        now=ctx.now,
        completed_early_at=claim.completed_at,
    )
    JOBS.open(job, claim, ctx, tx)


def completed_at(envelope: Envelope) -> datetime:
    """When provisioning finished: `data.completed_at`, else when the event occurred, else now. A time that is
    not a usable instant (no offset, out of range, after now) is passed over, never refusing the completion."""
    now = utc_now()
    for text in (envelope.data.get("completed_at"), envelope.metadata.occurred_at):
        if isinstance(text, str) and (when := _instant(text)) is not None and when.year >= 1970 and when <= now:
            return when
    return now


def _instant(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        # Without an offset the time is ambiguous: it is not read in whatever zone the function runs in.
        return parsed.astimezone(UTC) if parsed.tzinfo is not None else None
    except (ValueError, OverflowError):  # text that is no time, or an offset past what a datetime holds
        return None


def on_provisioning_completed(envelope: Envelope, tx: Transaction) -> None:
    """Complete the deal's job, or keep the completion for a job that is not open yet."""
    deal_id = _id(envelope, "deal_id")
    when = completed_at(envelope)
    claim = JOBS.deal_job(deal_id)
    if claim.job_id is None:
        JOBS.keep_completion(deal_id, when, tx)
        return
    job = JOBS.get(claim.job_id)
    if job is None:
        raise AssertionError(f"deal {deal_id} claims job {claim.job_id}, which is missing")
    before = copy.deepcopy(job)
    ctx = _context(envelope)
    job.complete(ctx.now, completed_at=when)
    JOBS.save(job, before, ctx, joining=tx)
