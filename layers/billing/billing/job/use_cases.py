"""Job use cases: read one, list them, and complete one by hand (provisioning's event does it otherwise, see
billing.job.consumers)."""

from __future__ import annotations

from typing import Protocol

from billing.job.model import Job
from billing.job.store import JobRepository
from billing.job.views import JobRef, JobsQuery, JobView
from kernel.commands import apply_once
from kernel.context import RequestContext
from kernel.errors import NotFound
from kernel.listing import ListResult, paginate


class JobStore(Protocol):
    def get(self, aggregate_id: str) -> Job | None: ...

    def page(
        self, status: str | None, customer_id: str | None, page_size: int, cursor: str | None
    ) -> tuple[list[Job], str | None, int]: ...

    def save(self, job: Job, before: Job | None, ctx: RequestContext) -> None: ...


JOBS: JobStore = JobRepository()


def not_found(job_id: str) -> NotFound:
    return NotFound(f"job {job_id} not found", "JOB_NOT_FOUND")


def _load(jobs: JobStore, job_id: str) -> Job:
    job = jobs.get(job_id)
    if job is None or job.is_deleted:
        raise not_found(job_id)
    return job


def get_job(query: JobRef, ctx: RequestContext, jobs: JobStore = JOBS) -> JobView:
    return JobView.of(_load(jobs, query.job_id))


def list_jobs(query: JobsQuery, ctx: RequestContext, jobs: JobStore = JOBS) -> ListResult[JobView]:
    page, next_cursor, total = jobs.page(query.status, query.customer_id, query.page_size, query.cursor)
    return paginate([JobView.of(job) for job in page], total, query.page_size, next_cursor, None)


def complete_job(cmd: JobRef, ctx: RequestContext, jobs: JobStore = JOBS) -> JobView:
    """The work is done, said by a user: the job becomes billable. A job completed or invoiced already is
    answered as it is (completion is reported at least once, by provisioning or by hand)."""

    def save(job: Job, before: Job) -> None:
        jobs.save(job, before, ctx)

    def current() -> Job | None:
        return jobs.get(cmd.job_id)

    job = apply_once(ctx, cmd.job_id, lambda: _load(jobs, cmd.job_id), lambda job: job.complete(ctx.now), save, current)
    return JobView.of(job)
