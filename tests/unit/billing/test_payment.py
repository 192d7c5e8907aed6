"""The Payment aggregate: a completed payment against an invoice, its method, reference and received time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema
import pytest

from billing.payment.events import EVENTS, PaymentRecorded
from billing.payment.model import CLOCK_SKEW, REFERENCE_MAX, Payment, PaymentMethod, PaymentStatus
from kernel.errors import ValidationFailed
from kernel.money import MAX_AMOUNT

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
INVOICE = "019b72c1-6666-7000-8000-000000000006"
PAYMENT = "019b72c2-8888-7000-8000-000000000008"


def receive(**overrides: Any) -> Payment:
    arguments: dict[str, Any] = {
        "invoice_id": INVOICE,
        "amount": 100,
        "currency": "EUR",
        "method": "check",
        "reference": None,
        "received_at": None,
        "now": NOW,
        "payment_id": PAYMENT,
    }
    arguments.update(overrides)
    return Payment.receive(**arguments)


def fields_of(error: pytest.ExceptionInfo[ValidationFailed]) -> list[str]:
    return [issue.field for issue in error.value.details]


def test_the_seed_example_records_a_completed_check() -> None:
    payment = receive()
    assert (payment.id, payment.invoice_id, payment.amount, payment.currency) == (PAYMENT, INVOICE, 100, "EUR")
    assert (payment.method, payment.status, payment.reference, payment.received_at) == (
        PaymentMethod.CHECK,
        PaymentStatus.COMPLETED,
        None,
        NOW,
    )
    (recorded,) = payment.pending_events
    assert recorded.event == PaymentRecorded(
        payment_id=PAYMENT,
        invoice_id=INVOICE,
        amount=100,
        currency="EUR",
        method="check",
        reference=None,
        received_at="2026-03-10T09:30:00.000Z",
    )


@pytest.mark.parametrize("method", ["cash", "check", "card", "bank_transfer", PaymentMethod.CARD])
def test_every_method_is_accepted(method: str) -> None:
    assert receive(method=method).method == PaymentMethod(method)


@pytest.mark.parametrize("method", ["wire", "", "CASH", "bank transfer"])
def test_an_unknown_method_is_refused(method: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        receive(method=method)
    assert fields_of(refused) == ["method"]


@pytest.mark.parametrize("amount", [0, -1, 1.5, True, "100", MAX_AMOUNT + 1])
def test_an_amount_is_whole_positive_minor_units(amount: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        receive(amount=amount)
    assert fields_of(refused) == ["amount"]


@pytest.mark.parametrize("currency", ["eur", "XAU", "ABC"])
def test_a_currency_must_be_an_iso_code_with_a_minor_unit(currency: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        receive(currency=currency)
    assert fields_of(refused) == ["currency"]


def test_a_reference_is_stripped_blank_is_none_and_bounded() -> None:
    assert receive(reference="  CHK-0042  ").reference == "CHK-0042"
    assert receive(reference="   ").reference is None
    assert receive(reference="r" * REFERENCE_MAX).reference == "r" * REFERENCE_MAX
    with pytest.raises(ValidationFailed) as refused:
        receive(reference="r" * (REFERENCE_MAX + 1))
    assert fields_of(refused) == ["reference"]


def test_a_received_time_in_the_past_is_kept_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    payment = receive(received_at=datetime(2026, 3, 9, 18, 0, tzinfo=paris))
    assert payment.received_at == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    assert payment.received_at.tzinfo is UTC
    assert payment.pending_events[0].data["received_at"] == "2026-03-09T17:00:00.000Z"


def test_a_received_time_slightly_ahead_of_the_clock_is_allowed() -> None:
    assert receive(received_at=NOW + CLOCK_SKEW).received_at == NOW + CLOCK_SKEW


def test_a_received_time_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        receive(received_at=NOW + CLOCK_SKEW + timedelta(seconds=1))
    assert fields_of(refused) == ["received_at"]


def test_a_received_time_without_an_offset_is_refused() -> None:
    with pytest.raises(ValidationFailed) as refused:
        receive(received_at=datetime(2026, 3, 9, 18, 0))  # no tzinfo: a naive time, on purpose
    assert fields_of(refused) == ["received_at"]


def test_every_bad_field_is_named_at_once() -> None:
    with pytest.raises(ValidationFailed) as refused:
        receive(amount=0, currency="XXX", method="iou", reference="r" * 101, received_at=NOW + timedelta(days=1))
    assert fields_of(refused) == ["amount", "currency", "method", "reference", "received_at"]


def test_a_payment_gets_an_id_when_none_is_given() -> None:
    assert receive(payment_id=None).id != PAYMENT


def test_recorded_events_match_their_published_schemas() -> None:
    schemas = {spec.key: spec.json_schema() for spec in EVENTS}
    assert sorted(schemas) == ["payment.recorded"]
    assert {spec.source for spec in EVENTS} == {"billing"}
    for payment in (receive(), receive(method="bank_transfer", reference="SEPA-1")):
        (event,) = payment.pending_events
        metadata = {
            "event_id": "e",
            "event_type": event.event_type,
            "event_version": event.event_version,
            "occurred_at": "2026-03-10T09:30:00.000Z",
            "actor": "user-1",
            "correlation_id": "c",
            "aggregate_id": event.aggregate_id,
            "aggregate_version": 1,
        }
        jsonschema.validate({"metadata": metadata, "data": event.data}, schemas[event.event_type])
