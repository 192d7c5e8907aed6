"""The payment operations: record one against an invoice, read one, list an invoice's."""

from __future__ import annotations

from billing.access import BILLING_POLICY
from billing.payment import use_cases as use
from billing.payment import views as m
from kernel.contract import Contract, Emits, ErrorCase, Example, Http, Scenario

_OWNERS = ("@billing",)
INVOICE_NOT_FOUND = ErrorCase("INVOICE_NOT_FOUND", 404, "no invoice has this id")

RECORD = Contract(
    key="billing.payment.record",
    aliases=("service.payment.record",),
    version="1.0.0",
    kind="command",
    description="Record a payment: money received against an invoice, which becomes partially paid or paid.",
    goal="Track payments.",
    context=(
        "The amount is in minor units of the invoice's currency (currency, when given, must be it) and at most the "
        "balance due, decided on the invoice's latest version: payments racing each other never exceed the total. "
        "The payment that settles the invoice publishes invoice.paid, once. An overdue invoice stays overdue while "
        "partly paid. method is cash, check, card or bank_transfer; received_at defaults to now."
    ),
    http=Http("POST", "/billing/payments", 201),
    use_case=use.record_payment,
    input=m.RecordPaymentInput,
    output=m.PaymentView,
    owners=_OWNERS,
    tags=("payment",),
    policy=BILLING_POLICY,
    emits=(
        Emits("payment.recorded", "1.0.0", "the payment is stored and counted on its invoice"),
        Emits("invoice.paid", "1.0.0", "the payment settles the invoice's balance"),
    ),
    errors=(
        INVOICE_NOT_FOUND,
        ErrorCase("OVERPAYMENT", 422, "the amount exceeds the invoice's balance due; details name it"),
        ErrorCase("CURRENCY_MISMATCH", 422, "currency is not the invoice's"),
        ErrorCase("INVALID_TRANSITION", 409, "the invoice is void"),
    ),
    scenarios=(
        Scenario("record-payment-happy-path", ("Invoice exists",), ("User records payment",), ("Payment is recorded",)),
        Scenario(
            "settle",
            ("An invoice of 100 with 40 paid",),
            ("A payment of 60 is recorded",),
            ("The invoice is paid; invoice.paid on the bus once",),
        ),
        Scenario(
            "racing-payments",
            ("An invoice of 100",),
            ("20 payments of 10 race",),
            ("10 are recorded, the others get 422 OVERPAYMENT; amount_paid is 100",),
        ),
    ),
    examples=(
        Example(
            "record-check",
            {"invoiceId": "{invoice.id}", "amount": 100, "method": "check"},
            {"status": "completed", "amount": 100, "method": "check"},
            201,
            setup=("invoice",),
        ),
        Example(
            "overpay",
            {"invoice_id": "{invoice.id}", "amount": 101, "method": "cash"},
            None,
            422,
            setup=("invoice",),
            error_code="OVERPAYMENT",
        ),
    ),
)

GET = Contract(
    key="billing.payment.get",
    version="1.0.0",
    kind="query",
    description="Read one payment.",
    goal="Show what was received, how and when.",
    context="Payments are never changed once recorded.",
    http=Http("GET", "/billing/payments/{id}", 200, {"id": "payment_id"}),
    use_case=use.get_payment,
    input=m.PaymentRef,
    output=m.PaymentView,
    owners=_OWNERS,
    tags=("payment",),
    policy=BILLING_POLICY,
    errors=(ErrorCase("PAYMENT_NOT_FOUND", 404, "no payment has this id"),),
    scenarios=(Scenario("get-payment", ("A recorded payment",), ("Read it",), ("Its amount, method and time",)),),
    examples=(
        Example(
            "get", {"payment_id": "{payment.id}"}, {"id": "{payment.id}", "status": "completed"}, setup=("payment",)
        ),
        Example(
            "get-unknown",
            {"payment_id": "01a1d539-d6e0-7b41-8a2f-000000000000"},
            None,
            404,
            error_code="PAYMENT_NOT_FOUND",
        ),
    ),
)

LIST = Contract(
    key="billing.payment.list",
    version="1.0.0",
    kind="query",
    description="An invoice's payments, newest first.",
    goal="See how an invoice was paid.",
    context="One index partition per invoice (an invoice has a handful of payments).",
    http=Http("GET", "/billing/invoices/{id}/payments", 200, {"id": "invoice_id"}),
    use_case=use.list_invoice_payments,
    input=m.InvoicePaymentsQuery,
    output=m.PaymentView,
    paginated=True,
    owners=_OWNERS,
    tags=("payment",),
    policy=BILLING_POLICY,
    errors=(INVOICE_NOT_FOUND,),
    scenarios=(
        Scenario("invoice-payments", ("An invoice paid in two parts",), ("List them",), ("Both, newest first",)),
    ),
    examples=(
        Example(
            "list",
            {"invoice_id": "{payment.invoice_id}"},
            {"__items__": [{"id": "{payment.id}"}], "__pagination__": {"total": 1}},
            setup=("payment",),
        ),
    ),
)

CONTRACTS: tuple[Contract, ...] = (RECORD, GET, LIST)
