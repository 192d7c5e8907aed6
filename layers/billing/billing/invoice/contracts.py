"""The invoice operations: issue one for a completed job, read and list them, void one, its PDF, and the
receivables."""

from __future__ import annotations

from billing.access import BILLING_POLICY
from billing.invoice import use_cases as use
from billing.invoice import views as m
from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario

_OWNERS = ("@billing",)
_ID = {"id": "invoice_id"}
NOT_FOUND = ErrorCase("INVOICE_NOT_FOUND", 404, "no invoice has this id")
_STATUSES = (
    "Status runs issued -> partially_paid -> paid as payments arrive; an issued or partly paid invoice past its "
    "due date is marked overdue by the daily run (and stays overdue while partly paid); void cancels one that "
    "has no payments. Amounts are integer minor units of the job's currency."
)

ISSUE = Contract(
    key="billing.invoice.issue",
    aliases=("service.invoice.issue",),
    version="1.0.0",
    kind="command",
    description="Issue an invoice for a job.",
    goal="Bill clients.",
    context=(
        "The job must be completed (409 JOB_NOT_COMPLETED) and billed by no live invoice (409 INVOICE_EXISTS; void "
        "it first). Items default to the job's lines when they add up to the deal's won value, else one item of the "
        "deal's name and value. Numbers are INV-<year>-<6 digits>, gapless and unique per calendar year however "
        "many invoices are issued at once. due_date is today (UTC) or later. " + _STATUSES
    ),
    http=Http("POST", "/billing/invoices", 201),
    use_case=use.issue_invoice,
    input=m.IssueInvoiceInput,
    output=m.InvoiceView,
    owners=_OWNERS,
    tags=("invoice",),
    policy=BILLING_POLICY,
    emits=(Emits("invoice.issued", "1.0.0", "the invoice is stored under its number and the job is invoiced"),),
    errors=(
        ErrorCase("JOB_NOT_FOUND", 404, "no job has this id"),
        ErrorCase("JOB_NOT_COMPLETED", 409, "the job's work is not reported complete yet"),
        ErrorCase("INVOICE_EXISTS", 409, "a live invoice bills the job already; details name it"),
    ),
    scenarios=(
        Scenario(
            "issue-invoice-happy-path", ("Job is complete",), ("User issues invoice",), ("Invoice is created and sent",)
        ),
        Scenario(
            "default-items",
            ("A completed job of a deal with two priced lines",),
            ("An invoice is issued without items",),
            ("Its items are the two lines' totals",),
        ),
        Scenario(
            "racing-issues",
            ("50 completed jobs, no invoice this year",),
            ("50 invoices are issued at once",),
            ("Their numbers are 1 to 50 of the year, each once",),
        ),
    ),
    examples=(
        # The seed's example as written, but for the ids (real ones) and the due date (the seed's is past now).
        Example(
            "issue-standard",
            {
                "jobId": "{completed_job.id}",
                "dueDate": "{future_date}",
                "items": [{"description": "Service", "amount": 100}],
            },
            {"status": "issued", "total": 100, "amount_paid": 0, "balance_due": 100},
            201,
            setup=("completed_job",),
        ),
        Example(
            "issue-open-job",
            {"job_id": "{job.id}", "due_date": "{future_date}"},
            None,
            409,
            setup=("job",),
            error_code="JOB_NOT_COMPLETED",
        ),
    ),
)

GET = Contract(
    key="billing.invoice.get",
    version="1.0.0",
    kind="query",
    description="Read one invoice: its items, total, what was paid and the balance due.",
    goal="Show an invoice and where its payment stands.",
    context="ETag carries the version. " + _STATUSES,
    http=Http("GET", "/billing/invoices/{id}", 200, _ID),
    use_case=use.get_invoice,
    input=m.InvoiceRef,
    output=m.InvoiceView,
    owners=_OWNERS,
    tags=("invoice",),
    policy=BILLING_POLICY,
    errors=(NOT_FOUND,),
    scenarios=(Scenario("get-invoice", ("An issued invoice",), ("Read it",), ("Its number, items and balance",)),),
    examples=(
        Example("get", {"invoice_id": "{invoice.id}"}, {"id": "{invoice.id}", "status": "issued"}, setup=("invoice",)),
        Example(
            "get-unknown",
            {"invoice_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="INVOICE_NOT_FOUND",
        ),
    ),
)

LIST = Contract(
    key="billing.invoice.list",
    version="1.0.0",
    kind="query",
    description="Invoices, newest first, optionally of one status or customer; overdue=true: the unpaid ones past "
    "their due date, soonest due first.",
    goal="Chase what is owed.",
    context=(
        "overdue=true reads the index of unpaid invoices by due date, so an invoice past due shows before the daily "
        "run marks it. A customer's invoices are one index partition, a status's another; totals come from counters "
        "(a customer's and the overdue ones are counted). " + _STATUSES
    ),
    http=Http("GET", "/billing/invoices", 200),
    use_case=use.list_invoices,
    input=m.InvoicesQuery,
    output=m.InvoiceView,
    paginated=True,
    owners=_OWNERS,
    tags=("invoice",),
    policy=BILLING_POLICY,
    scenarios=(
        Scenario("overdue", ("One invoice past due, one not",), ("List overdue=true",), ("Only the one past due",)),
    ),
    examples=(
        Example(
            "list-customer",
            {"customer_id": "{invoice.customer_id}", "status": "issued"},
            {"__items__": [{"id": "{invoice.id}"}], "__pagination__": {"total": 1}},
            setup=("invoice",),
        ),
        Example(
            "list-overdue",
            {"overdue": True},
            {"__items__": [], "__pagination__": {"total": 0}},
            setup=("invoice",),
        ),
    ),
)

VOID = Contract(
    key="billing.invoice.void",
    version="1.0.0",
    kind="command",
    description="Cancel an invoice nothing was paid on; its job may be invoiced anew.",
    goal="Correct an invoice issued by mistake without losing its number.",
    context="The number stays used (numbers are gapless, never reused). " + _STATUSES,
    http=Http("POST", "/billing/invoices/{id}/void", 200, _ID),
    use_case=use.void_invoice,
    input=m.VoidInvoiceInput,
    output=m.InvoiceView,
    owners=_OWNERS,
    tags=("invoice",),
    policy=BILLING_POLICY,
    emits=(Emits("invoice.voided", "1.0.0", "the invoice is void and its job completed again"),),
    errors=(NOT_FOUND, ErrorCase("INVALID_TRANSITION", 409, "a payment exists, or the invoice is paid or void")),
    scenarios=(
        Scenario(
            "void-unpaid",
            ("An issued invoice",),
            ("Void it with a reason",),
            ("status void; the job is completed and may be invoiced again",),
        ),
        Scenario("void-paid", ("An invoice with a payment",), ("Void it",), ("409 INVALID_TRANSITION",)),
    ),
    examples=(
        Example(
            "void",
            {"invoice_id": "{invoice.id}", "reason": "Wrong customer"},
            {"status": "void", "void_reason": "Wrong customer"},
            setup=("invoice",),
        ),
        Example(
            "void-with-payment",
            {"invoice_id": "{payment.invoice_id}", "reason": "Wrong customer"},
            None,
            409,
            setup=("payment",),
            error_code="INVALID_TRANSITION",
        ),
    ),
)

PDF = Contract(
    key="billing.invoice.pdf",
    version="1.0.0",
    kind="query",
    description="The invoice as a PDF: number, customer, items, totals in the currency's format, paid and due.",
    goal="Send the customer the invoice they pay.",
    context=(
        "application/pdf through API Gateway (a binary media type: send Accept: application/pdf). Rendered like the "
        "quote PDF (fpdf2, amounts with Babel) in the same layer, attached to this function alone."
    ),
    http=Http("GET", "/billing/invoices/{id}/pdf", 200, _ID),
    use_case=use.invoice_pdf,
    input=m.InvoiceRef,
    owners=_OWNERS,
    tags=("invoice",),
    policy=BILLING_POLICY,
    errors=(NOT_FOUND,),
    layers=("pdf",),
    produces="application/pdf",
    scenarios=(Scenario("pdf", ("An invoice",), ("Ask for its PDF",), ("A PDF whose text has the number and total",)),),
    examples=(
        Example(
            "pdf-unknown",
            {"invoice_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="INVOICE_NOT_FOUND",
        ),
    ),
)

RECEIVABLES = Contract(
    key="billing.invoice.receivables",
    version="1.0.0",
    kind="query",
    description="What customers owe, per currency: the outstanding balance, its overdue part and the unpaid invoices.",
    goal="Know the money still to collect without adding up invoices.",
    context=(
        "Read from sharded counters kept in every invoice and payment transaction: constant cost, never a scan. "
        "Currencies are never summed together; a currency with nothing unpaid has no row."
    ),
    http=Http("GET", "/billing/stats/receivables"),
    use_case=use.receivables,
    input=m.ReceivablesQuery,
    output=m.ReceivablesView,
    owners=_OWNERS,
    tags=("invoice", "stats"),
    policy=BILLING_POLICY,
    scenarios=(
        Scenario(
            "receivables",
            ("An issued invoice of 100 USD",),
            ("Read the receivables",),
            ("USD: outstanding 100, overdue 0, invoice_count 1",),
        ),
    ),
    examples=(
        Example(
            "receivables",
            {},
            {"currencies": [{"currency": "USD", "outstanding": 100, "overdue": 0, "invoice_count": 1}]},
            setup=("invoice",),
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (ISSUE, GET, LIST, VOID, PDF, RECEIVABLES)
