"""Every key of the Billing table in one place (the kernel adds outbox, command, consumed-event and counter-shard
keys); docs/data-model.md, Billing, is the same table in prose.

Lists read an index partition per filter: GSI1 a customer's jobs or invoices, GSI2 one status's, GSI3 the unpaid
invoices by due date (sparse: a paid or void invoice leaves it). Sort keys are the ids, time-ordered (UUIDv7), so
"newest first" is a descending Query; GSI3 sorts by due date first.
"""

from __future__ import annotations

from kernel.dynamodb.keys import Key, stats_shard

__all__ = ["Key", "stats_shard"]

JOB = "JOB"
INVOICE = "INVOICE"
PAYMENT = "PAYMENT"
# Counter family of the receivables, spread over `stats_shards` items (kernel.dynamodb.keys.stats_shard).
RECEIVABLES = "RECEIVABLES"
# GSI3's one partition: every unpaid invoice under `<due_date>#<id>`. Billing issues invoices by the hundred a
# day, not the thousand a second, so one partition takes every write; sharding would cost the daily run and the
# overdue list a Query per shard for nothing.
UNPAID = "UNPAID"


def job(job_id: str) -> Key:
    return {"PK": f"JOB#{job_id}", "SK": JOB}


def deal_job(deal_id: str) -> Key:
    """The deal's one job: claimed when the job opens (`job_id`), or holding a completion that came first."""
    return {"PK": f"DEAL#{deal_id}", "SK": JOB}


def job_indexes(job_id: str, customer_id: str, status: str) -> dict[str, str]:
    return {
        "GSI1PK": customer_jobs(customer_id),
        "GSI1SK": job_id,
        "GSI2PK": jobs_in(status),
        "GSI2SK": job_id,
    }


def customer_jobs(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}#{JOB}"


def jobs_in(status: str) -> str:
    return f"{JOB}#{status}"


def invoice(invoice_id: str) -> Key:
    return {"PK": f"INVOICE#{invoice_id}", "SK": INVOICE}


def invoice_sequence(year: int) -> Key:
    """The last invoice number taken in `year` (`last`), moved one step by each issue's own transaction."""
    return {"PK": f"SEQUENCE#{INVOICE}#{year:04d}", "SK": "SEQUENCE"}


def invoice_indexes(invoice_id: str, customer_id: str, status: str, due_date: str, unpaid: bool) -> dict[str, str]:
    indexes = {
        "GSI1PK": customer_invoices(customer_id),
        "GSI1SK": invoice_id,
        "GSI2PK": invoices_in(status),
        "GSI2SK": invoice_id,
    }
    if unpaid:
        indexes |= {"GSI3PK": UNPAID, "GSI3SK": due_sort_key(due_date, invoice_id)}
    return indexes


def due_sort_key(due_date: str, invoice_id: str) -> str:
    return f"{due_date}#{invoice_id}"


def customer_invoices(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}#{INVOICE}"


def invoices_in(status: str) -> str:
    return f"{INVOICE}#{status}"


def payment(payment_id: str) -> Key:
    return {"PK": f"PAYMENT#{payment_id}", "SK": PAYMENT}


def payment_indexes(payment_id: str, invoice_id: str) -> dict[str, str]:
    return {"GSI1PK": invoice_payments(invoice_id), "GSI1SK": payment_id}


def invoice_payments(invoice_id: str) -> str:
    return f"{INVOICE}#{invoice_id}#{PAYMENT}"


def receivables_shard(shard: int) -> Key:
    return stats_shard(RECEIVABLES, shard)
