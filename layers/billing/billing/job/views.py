"""Edge models of the job operations: inputs and views."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from billing.job.model import Job
from kernel.clock import to_rfc3339
from kernel.types import Id, Input, ListQuery, Output

JobStatusName = Literal["open", "completed", "invoiced"]


class JobRef(Input):
    job_id: Id


class JobsQuery(ListQuery):
    status: JobStatusName | None = None
    customer_id: Id | None = None


class JobLineView(Output):
    description: str
    product_code: str | None
    quantity: int
    unit_price: int = Field(description="minor units")
    discount_percent: str
    discount: int = Field(description="minor units")
    total: int = Field(description="minor units, as the deal priced the line")


class JobView(Output):
    id: str
    deal_id: str
    customer_id: str
    customer_name: str | None = Field(description="the customer's name as the won deal gave it; null if unknown")
    bridge: dict[str, Any] | None = Field(description="the customer's federation reference, null until bridged")
    currency: str
    name: str = Field(description="the won deal's name")
    value: int = Field(description="the won deal's value, minor units")
    lines: list[JobLineView]
    status: str = Field(description="open, completed (billable) or invoiced (a live invoice bills it)")
    completed_at: str | None
    invoice_id: str | None = Field(description="the live invoice billing the job; null until invoiced")
    version: int
    created_at: str
    updated_at: str

    @classmethod
    def of(cls, job: Job) -> JobView:
        return cls(
            id=job.id,
            deal_id=job.deal_id,
            customer_id=job.customer_id,
            customer_name=job.customer_name,
            bridge=job.bridge,
            currency=job.currency,
            name=job.name,
            value=job.value,
            lines=[JobLineView.model_validate(line.snapshot()) for line in job.lines],
            status=job.status.value,
            completed_at=to_rfc3339(job.completed_at) if job.completed_at else None,
            invoice_id=job.invoice_id,
            version=job.version,
            created_at=to_rfc3339(job.created_at),
            updated_at=to_rfc3339(job.updated_at),
        )
