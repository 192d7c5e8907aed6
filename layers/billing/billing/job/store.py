"""Jobs in the Billing table: the item mapping, the deal's one-job claim (which also keeps a completion that came
before the job), the status counters and the reads jobs need."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from billing import keys
from billing.job.model import Job, JobLine, JobStatus
from kernel.clock import from_rfc3339, to_rfc3339
from kernel.context import RequestContext
from kernel.dynamodb import queries
from kernel.dynamodb.codec import Item, audit_fields, instant_of
from kernel.dynamodb.repository import Repository, get_item, unchanged
from kernel.dynamodb.transaction import Transaction, pick_shard
from kernel.errors import TransientWriteConflict
from kernel.settings import settings

# Counter family of the job lists' totals: one count per status.
JOB_COUNTS = "JOBS"


def job_item(job: Job) -> Item:
    return {
        **keys.job(job.id),
        "type": "Job",
        **audit_fields(job),
        "deal_id": job.deal_id,
        "customer_id": job.customer_id,
        "customer_name": job.customer_name,
        "bridge": job.bridge,
        "currency": job.currency,
        "name": job.name,
        "value": job.value,
        "lines": [line.snapshot() for line in job.lines],
        "status": job.status.value,
        "completed_at": to_rfc3339(job.completed_at) if job.completed_at else None,
        "invoice_id": job.invoice_id,
        **keys.job_indexes(job.id, job.customer_id, job.status.value),
    }


def job_from_item(item: Item) -> Job:
    return Job(
        id=item["id"],
        version=int(item["version"]),
        created_at=from_rfc3339(item["created_at"]),
        updated_at=from_rfc3339(item["updated_at"]),
        deleted_at=instant_of(item.get("deleted_at")),
        deal_id=item["deal_id"],
        customer_id=item["customer_id"],
        customer_name=item.get("customer_name"),
        bridge=item.get("bridge"),
        currency=item["currency"],
        name=item["name"],
        value=int(item["value"]),
        lines=tuple(_line_of(line) for line in item.get("lines") or []),
        status=JobStatus(item["status"]),
        completed_at=instant_of(item.get("completed_at")),
        invoice_id=item.get("invoice_id"),
    )


def _line_of(item: dict[str, Any]) -> JobLine:
    return JobLine(
        description=item["description"],
        product_code=item.get("product_code"),
        quantity=int(item["quantity"]),
        unit_price=int(item["unit_price"]),
        discount_percent=str(item.get("discount_percent", "0")),
        discount=int(item.get("discount", 0)),
        total=int(item["total"]),
    )


def status_deltas(before: Job | None, after: Job) -> dict[str, int]:
    """The status counters a save moves: one out of the old status, one into the new."""
    if before is not None and before.status is after.status:
        return {}
    deltas = {after.status.value: 1}
    if before is not None:
        deltas[before.status.value] = -1
    return deltas


class DealJob:
    """What the Billing table knows of a deal: the job it opened, or a completion that arrived first."""

    def __init__(self, item: Item | None) -> None:
        self.job_id: str | None = (item or {}).get("job_id")
        self.completed_at: datetime | None = instant_of((item or {}).get("completed_at"))
        self.exists = item is not None


class JobRepository(Repository[Job]):
    aggregate_type = "Job"

    def key(self, aggregate_id: str) -> keys.Key:
        return keys.job(aggregate_id)

    def to_item(self, aggregate: Job) -> Item:
        return job_item(aggregate)

    def from_item(self, item: Item) -> Job:
        return job_from_item(item)

    # -- reads -------------------------------------------------------------------------------------
    def deal_job(self, deal_id: str) -> DealJob:
        return DealJob(get_item(keys.deal_job(deal_id)))

    def page(
        self, status: str | None, customer_id: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[Job], str | None, int]:
        """One page of jobs, newest first, and how many match: a customer's (GSI1, counted: a customer has a
        handful), one status's (GSI2), or all of them (every status's partition, merged); the totals of the
        last two come from the status counters."""
        if customer_id is not None:
            filters = (("status", status),) if status else ()
            query = queries.IndexQuery("GSI1", keys.customer_jobs(customer_id), filters=filters)
            found = queries.query_page(query, page_size, cursor)
            return [job_from_item(item) for item in found.items], found.next_cursor, queries.count(query)
        statuses = [value.value for value in JobStatus]
        items, next_cursor, total = queries.status_page(
            "GSI2", keys.jobs_in, statuses, status, JOB_COUNTS, page_size, cursor
        )
        return [job_from_item(item) for item in items], next_cursor, total

    # -- writes ------------------------------------------------------------------------------------
    def save(self, job: Job, before: Job | None, ctx: RequestContext, joining: Transaction | None = None) -> None:
        """The job and its status counters; `joining`: inside a transaction someone else commits (an event
        consumer's, or the invoice that bills the job)."""
        if unchanged(job, before):
            return
        deltas = status_deltas(before, job)
        with self.saving(job, ctx, joining) as tx:
            tx.add_counters(keys.stats_shard(JOB_COUNTS, pick_shard(settings().stats_shards)), deltas)

    def open(self, job: Job, claim: DealJob, ctx: RequestContext, tx: Transaction) -> None:
        """A new job, and the deal's claim naming it, on the condition that the claim is still as `claim` read
        it: a second job for the deal (another delivery of the win) or a completion kept meanwhile (provisioning
        reporting while the win was being handled) fails it, and the retry finds the job or the completion."""

        def changed(_old: Item | None) -> Exception:
            return TransientWriteConflict(f"deal {job.deal_id} got its job or a completion meanwhile")

        # A kept completion is never changed once set, so only its arrival can go unseen.
        condition, names = "attribute_not_exists(#job)", {"#job": "job_id"}
        if claim.completed_at is None:
            condition, names = (
                f"{condition} AND attribute_not_exists(#completed)",
                {**names, "#completed": "completed_at"},
            )
        self.save(job, None, ctx, joining=tx)
        tx.update(
            keys.deal_job(job.deal_id),
            "SET #job = :job",
            condition=condition,
            names=names,
            values={":job": job.id},
            on_condition_failed=changed,
        )

    def keep_completion(self, deal_id: str, completed_at: datetime, tx: Transaction) -> None:
        """A completion for a deal whose job is not open yet: kept (the first one) for the job to apply when the
        win arrives. Fails if the job opened meanwhile, so the retry completes the job itself."""

        def opened(_old: Item | None) -> Exception:
            return TransientWriteConflict(f"deal {deal_id} got its job meanwhile")

        tx.update(
            keys.deal_job(deal_id),
            "SET #completed = if_not_exists(#completed, :completed)",
            condition="attribute_not_exists(#job)",
            names={"#job": "job_id", "#completed": "completed_at"},
            values={":completed": to_rfc3339(completed_at)},
            on_condition_failed=opened,
        )
