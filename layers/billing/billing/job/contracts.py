"""The job operations: read one, list them, complete one by hand."""

from __future__ import annotations

from billing.access import BILLING_POLICY
from billing.job import use_cases as use
from billing.job import views as m
from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario

_OWNERS = ("@billing",)
_ID = {"id": "job_id"}
NOT_FOUND = ErrorCase("JOB_NOT_FOUND", 404, "no job has this id")
_LIFE = (
    "A job is opened by the deal.won event (one per deal however often it arrives) and completed by "
    "provisioning's provisioning.completed event or by hand; a completion that arrives first is kept and applied "
    "when the job opens. Status runs open -> completed -> invoiced; voiding its invoice makes it completed again."
)

GET = Contract(
    key="billing.job.get",
    version="1.0.0",
    kind="query",
    description="Read one job: the won deal's customer, currency, value and lines, and where billing stands.",
    goal="See what a won deal left to bill.",
    context="ETag carries the version. " + _LIFE,
    http=Http("GET", "/billing/jobs/{id}", 200, _ID),
    use_case=use.get_job,
    input=m.JobRef,
    output=m.JobView,
    owners=_OWNERS,
    tags=("job",),
    policy=BILLING_POLICY,
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get-job", ("A deal was won",), ("Read its job",), ("The deal's customer, value and lines",)),),
    examples=(
        Example("get", {"job_id": "{job.id}"}, {"id": "{job.id}", "status": "open"}, setup=("job",)),
        Example(
            "get-unknown", {"job_id": "01a1d539-d6e0-7b41-8a2f-000000000000"}, None, 404, error_code="JOB_NOT_FOUND"
        ),
    ),
)

LIST = Contract(
    key="billing.job.list",
    version="1.0.0",
    kind="query",
    description="Jobs, newest first, optionally of one status or one customer.",
    goal="Find the work that is done and not billed yet.",
    context=(
        "status=completed lists what is ready to invoice. A customer's jobs are one index partition; a status's "
        "another; totals come from counters (a customer's are counted)."
    ),
    http=Http("GET", "/billing/jobs", 200),
    use_case=use.list_jobs,
    input=m.JobsQuery,
    output=m.JobView,
    paginated=True,
    owners=_OWNERS,
    tags=("job",),
    policy=BILLING_POLICY,
    scenarios=(
        Scenario(
            "ready-to-bill", ("One open and one completed job",), ("List status=completed",), ("The completed one",)
        ),
    ),
    examples=(
        Example(
            "list-completed",
            {"status": "completed", "customer_id": "{completed_job.customer_id}"},
            {"__items__": [{"id": "{completed_job.id}", "status": "completed"}], "__pagination__": {"total": 1}},
            setup=("completed_job",),
        ),
    ),
)

COMPLETE = Contract(
    key="billing.job.complete",
    version="1.0.0",
    kind="command",
    description="Record that a job's work is done, when provisioning does not report it: the job becomes billable.",
    goal="Let billing invoice work that was delivered outside the provisioning system.",
    context="Idempotent: a completed or invoiced job is answered as it is, with no new event. " + _LIFE,
    http=Http("POST", "/billing/jobs/{id}/complete", 200, _ID),
    use_case=use.complete_job,
    input=m.JobRef,
    output=m.JobView,
    owners=_OWNERS,
    tags=("job",),
    policy=BILLING_POLICY,
    emits=(Emits("job.completed", "1.0.0", "the job was open"),),
    errors=(NOT_FOUND,),
    scenarios=(
        Scenario(
            "complete-by-hand",
            ("An open job",),
            ("A billing clerk completes it",),
            ("200, status completed; job.completed on the bus",),
        ),
        Scenario("complete-twice", ("A completed job",), ("Complete it again",), ("200, unchanged, no event",)),
    ),
    examples=(Example("complete", {"job_id": "{job.id}"}, {"id": "{job.id}", "status": "completed"}, setup=("job",)),),
)

CONTRACTS: tuple[Contract, ...] = (GET, LIST, COMPLETE)
