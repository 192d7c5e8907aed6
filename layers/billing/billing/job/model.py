"""The Job aggregate: the work a won deal calls for, as Billing knows it.

A job is opened from `deal.won` and copies what billing needs from it: the customer, its federation reference,
the currency, the deal's name, value and priced lines. Billing reads that event by its published shape only, so
the lines arrive as plain JSON objects and are checked here.

Status runs open -> completed -> invoiced. Completion comes from provisioning (an event) or from a user, and
may be reported more than once, or before the job even exists: a repeat changes nothing, and an early one is
applied when the job opens. A job is invoiced by one live invoice at a time; voiding that invoice makes the job
completed again, ready to be billed anew. Keeping a single job per deal spans jobs, so it is the store's rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeGuard

from billing.job.events import JobCompleted, JobOpened
from kernel.aggregate import AggregateRoot
from kernel.clock import to_rfc3339
from kernel.errors import Conflict, FieldIssue, ValidationFailed
from kernel.ids import new_id
from kernel.money import MAX_AMOUNT, is_currency

NAME_MAX = 200
# A Sales display name is at most 200 characters; more room than that costs nothing.
CUSTOMER_NAME_MAX = 500
LINES_MAX = 100
DESCRIPTION_MAX = 500
PRODUCT_CODE_MAX = 64
QUANTITY_MAX = 1_000_000


class JobStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    INVOICED = "invoiced"


@dataclass(frozen=True, slots=True, kw_only=True)
class JobLine:
    """One priced line of the won deal, its figures as Sales computed them: Billing bills them, never reprices."""

    description: str
    product_code: str | None = None
    quantity: int
    unit_price: int
    discount_percent: str = "0"
    discount: int = 0
    total: int

    @classmethod
    def parse(cls, line: object, where: str, issues: list[FieldIssue]) -> JobLine | None:
        """The line read from its JSON form, or None with its issues added. Keys beyond the known ones are
        ignored, so Sales may add to its lines without breaking Billing."""
        if not isinstance(line, Mapping):
            issues.append(FieldIssue(where, "must be an object"))
            return None
        found = len(issues)
        description = _text(line.get("description"), f"{where}.description", DESCRIPTION_MAX, issues)
        raw_code = line.get("product_code")
        product_code = None if raw_code is None else _text(raw_code, f"{where}.product_code", PRODUCT_CODE_MAX, issues)
        quantity = _amount(line.get("quantity"), f"{where}.quantity", 1, QUANTITY_MAX, issues)
        unit_price = _amount(line.get("unit_price"), f"{where}.unit_price", 0, MAX_AMOUNT, issues)
        discount = _amount(line.get("discount", 0), f"{where}.discount", 0, MAX_AMOUNT, issues)
        total = _amount(line.get("total"), f"{where}.total", 0, MAX_AMOUNT, issues)
        percent = line.get("discount_percent", "0")
        if not isinstance(percent, str) or not percent:
            issues.append(FieldIssue(f"{where}.discount_percent", 'must be a percent as text, e.g. "12.5"'))
        if len(issues) > found or not isinstance(percent, str):
            return None
        return cls(
            description=description,
            product_code=product_code,
            quantity=quantity,
            unit_price=unit_price,
            discount_percent=percent,
            discount=discount,
            total=total,
        )

    def snapshot(self) -> dict[str, Any]:
        """The line as plain JSON values, in the shape the deal published it."""
        return {
            "description": self.description,
            "product_code": self.product_code,
            "quantity": self.quantity,
            "unit_price": self.unit_price,
            "discount_percent": self.discount_percent,
            "discount": self.discount,
            "total": self.total,
        }


@dataclass(kw_only=True)
class Job(AggregateRoot):
    deal_id: str
    customer_id: str
    # The customer's federation reference as the deal carried it (null until the customer was bridged).
    bridge: dict[str, Any] | None
    currency: str
    name: str
    value: int
    lines: tuple[JobLine, ...] = ()
    # Who to bill, as the won deal named the customer (deal.won 1.1.0 on); null for a deal won before that.
    customer_name: str | None = None
    status: JobStatus = JobStatus.OPEN
    completed_at: datetime | None = None
    invoice_id: str | None = None

    # -- factory --------------------------------------------------------------------------------
    @classmethod
    def open_from_won(
        cls,
        *,
        deal_id: str,
        customer_id: str,
        bridge: Mapping[str, Any] | None,
        name: str,
        customer_name: object = None,
        value: int,
        currency: str,
        lines: Sequence[object] | None,
        now: datetime,
        completed_early_at: datetime | None = None,
        job_id: str | None = None,
    ) -> Job:
        """An open job for the won deal, or ValidationFailed naming every bad field at once.

        `completed_early_at` is a completion reported before the deal's win reached Billing: the job then opens
        and completes in the same command, recording both events, so no completion is ever lost to ordering.
        """
        issues: list[FieldIssue] = []
        if not is_currency(currency):
            issues.append(FieldIssue("currency", "must be an ISO 4217 code with a minor unit, e.g. USD, JPY, KWD"))
        cleaned_name = _text(name, "name", NAME_MAX, issues)
        amount = _amount(value, "value", 0, MAX_AMOUNT, issues)
        given = list(lines or [])
        if len(given) > LINES_MAX:
            issues.append(FieldIssue("lines", f"must hold at most {LINES_MAX} lines"))
        parsed = [JobLine.parse(line, f"lines[{index}]", issues) for index, line in enumerate(given)]
        if issues:
            raise ValidationFailed(_summary(issues), issues)
        job = cls(
            id=job_id or new_id(),
            deal_id=deal_id,
            customer_id=customer_id,
            bridge=dict(bridge) if bridge is not None else None,
            customer_name=_customer_name(customer_name),
            currency=currency,
            name=cleaned_name,
            value=amount,
            lines=tuple(line for line in parsed if line is not None),
            created_at=now,
            updated_at=now,
        )
        job.record(
            JobOpened(
                job_id=job.id,
                deal_id=job.deal_id,
                customer_id=job.customer_id,
                currency=job.currency,
                value=job.value,
            )
        )
        if completed_early_at is not None:
            job.complete(now, completed_at=completed_early_at)
        return job

    # -- commands -------------------------------------------------------------------------------
    def complete(self, now: datetime, *, completed_at: datetime | None = None) -> None:
        """The work is done (at `completed_at`, by default now). Completion is reported at least once, by an event
        or a user, so a job already completed or invoiced takes it as a repeat and changes nothing."""
        if self.status is not JobStatus.OPEN:
            return
        self.status = JobStatus.COMPLETED
        self.completed_at = completed_at or now
        self.touch(now)
        self.record(
            JobCompleted(
                job_id=self.id,
                deal_id=self.deal_id,
                customer_id=self.customer_id,
                completed_at=to_rfc3339(self.completed_at),
            )
        )

    def mark_invoiced(self, invoice_id: str, *, now: datetime) -> None:
        """The job is billed by `invoice_id`. No event of its own: `invoice.issued` names the job."""
        self.require_billable()
        self.status = JobStatus.INVOICED
        self.invoice_id = invoice_id
        self.touch(now)

    def release_invoice(self, invoice_id: str, *, now: datetime) -> None:
        """Its invoice was voided: the job is completed again and may be billed by a new invoice. Only the live
        invoice releases it, so voiding a stale one can never unbill a job another invoice holds."""
        if self.status is not JobStatus.INVOICED or self.invoice_id != invoice_id:
            held = f" by invoice {self.invoice_id}" if self.invoice_id else ""
            raise Conflict(
                f"job {self.id} is {self.status.value}{held}; invoice {invoice_id} cannot release it",
                "INVALID_TRANSITION",
                [FieldIssue("status", self.status.value)],
            )
        self.status = JobStatus.COMPLETED
        self.invoice_id = None
        self.touch(now)

    # -- reads ----------------------------------------------------------------------------------
    def require_billable(self) -> None:
        """Conflict unless the job may be invoiced now: its work completed, and no live invoice holds it."""
        if self.status is JobStatus.OPEN:
            raise Conflict(
                f"job {self.id} is open; only a completed job is invoiced",
                "JOB_NOT_COMPLETED",
                [FieldIssue("status", self.status.value)],
            )
        if self.status is JobStatus.INVOICED:
            raise Conflict(
                f"job {self.id} is already billed by invoice {self.invoice_id}; void it to bill the job anew",
                "INVOICE_EXISTS",
                [FieldIssue("invoice_id", self.invoice_id or "")],
            )

    def invoice_lines(self) -> list[dict[str, Any]]:
        """What an invoice bills by default: one item per line for the line's total when the lines add up to the
        deal's won value, else one item of the deal's name and value. The value is what was agreed: a deal won
        at a closing price, or repriced after its lines were set, would otherwise be billed at its list price.
        A line given away (total 0) bills nothing, so it is left out."""
        billed = [line for line in self.lines if line.total > 0]
        if billed and sum(line.total for line in billed) == self.value:
            return [{"description": line.description, "amount": line.total} for line in billed]
        return [{"description": self.name, "amount": self.value}]


# -- checks ---------------------------------------------------------------------------------------------------
def _summary(issues: list[FieldIssue]) -> str:
    return "invalid job: " + "; ".join(f"{issue.field} {issue.message}" for issue in issues)


def _whole(value: object) -> TypeGuard[int]:
    # bool is an int to Python, and a float is never an amount: both are refused.
    return isinstance(value, int) and not isinstance(value, bool)


def _amount(value: object, where: str, least: int, most: int, issues: list[FieldIssue]) -> int:
    if _whole(value) and least <= value <= most:
        return value
    issues.append(FieldIssue(where, f"must be a whole number from {least} to {most}"))
    return 0


def _text(value: object, where: str, most: int, issues: list[FieldIssue]) -> str:
    cleaned = value.strip() if isinstance(value, str) else ""
    if not 1 <= len(cleaned) <= most:
        issues.append(FieldIssue(where, f"must be 1-{most} characters"))
    return cleaned


def _customer_name(value: object) -> str | None:
    """The customer's name as the event gave it: a name only adds to the job, so one that is not usable text is
    dropped rather than refusing the job."""
    if not isinstance(value, str) or not value.strip() or len(value) > CUSTOMER_NAME_MAX:
        return None
    return value.strip()
