"""The events a job publishes: opened from a won deal, then completed by provisioning or by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from pydantic import Field

from kernel.events import DomainEvent, EventSpec, catalogue


@dataclass(frozen=True, kw_only=True)
class JobOpened(DomainEvent):
    KEY = "job.opened"
    DESCRIPTION = "A won deal opened a job in Billing: the work to deliver, billed once it is completed."

    job_id: str
    deal_id: str
    customer_id: str
    currency: str
    value: Annotated[int, Field(description="the won deal's value, in minor units of currency")]


@dataclass(frozen=True, kw_only=True)
class JobCompleted(DomainEvent):
    KEY = "job.completed"
    DESCRIPTION = "A job's work was delivered: it may now be invoiced."

    job_id: str
    deal_id: str
    customer_id: str
    completed_at: Annotated[
        str, Field(description="when the work was reported complete, RFC 3339 UTC; may precede the job's opening")
    ]


EVENTS: tuple[EventSpec, ...] = catalogue("billing", JobOpened, JobCompleted)
