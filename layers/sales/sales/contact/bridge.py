"""The conversion bridge: the one place that knows Federation's words.

Federation (the context that owns tenants and application users) answers a `contact.conversion_requested` by
creating a tenant or an application user and publishing `tenant.created` or `application_user.created`
(`Source: federation`), whose data names what it created and who asked (`requested_by: {context, contact_id}`).
This consumer translates that into the contact's own terms, a `bridge` {kind, id, bridged_at}, and nothing
else of Federation enters the contact. Each event is handled once (the consumer runtime's claim on its
`event_id`); a contact already bridged is never re-pointed.

An event this bridge cannot use (not asked by Sales, no such contact, a reference missing) is acknowledged,
logged and counted (metric `UnbridgedEvents`): no redelivery can make it usable.
"""

from __future__ import annotations

import copy
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from kernel.clock import utc_now
from kernel.consumer import Envelope
from kernel.context import Principal, RequestContext
from kernel.dynamodb.transaction import Transaction
from kernel.http.observability import logger, metrics
from kernel.ids import is_uuid
from sales.contact.model import ConversionTarget
from sales.contact.store import ContactRepository

SOURCE = "federation"
# Federation's event, what it created, and the field of its data naming it.
CREATED: dict[str, tuple[ConversionTarget, str]] = {
    "tenant.created": (ConversionTarget.TENANT, "tenant_id"),
    "application_user.created": (ConversionTarget.APPLICATION_USER, "application_user_id"),
}
REFERENCE_MAX = 256
# A contact merged into one merged in turn, and so on: followed this far to the contact that stands for it.
MAX_MERGE_HOPS = 5
CONTACTS = ContactRepository()


def _unbridged(envelope: Envelope, reason: str, **extra: Any) -> None:
    metrics.add_metric(name="UnbridgedEvents", unit=MetricUnit.Count, value=1)
    logger.warning("federation event not bridged", extra={"reason": reason, **extra})


def _request(envelope: Envelope) -> tuple[ConversionTarget, str, str] | None:
    """(what was created, its reference, the contact it was created for), or None when this event is not one
    the bridge can use (logged and counted)."""
    found = CREATED.get(envelope.detail_type)
    if envelope.source != SOURCE or found is None:
        _unbridged(envelope, "not a federation creation event")
        return None
    target, field_name = found
    requested_by = envelope.data.get("requested_by")
    reference = envelope.data.get(field_name)
    if not isinstance(requested_by, dict) or requested_by.get("context") != "sales":
        _unbridged(envelope, "not requested by sales")
        return None
    contact_id = requested_by.get("contact_id")
    if not isinstance(contact_id, str) or not is_uuid(contact_id):
        _unbridged(envelope, "requested_by.contact_id is not a contact id")
        return None
    if not isinstance(reference, str) or not 0 < len(reference) <= REFERENCE_MAX:
        _unbridged(envelope, f"{field_name} is missing or not a reference", contact_id=contact_id)
        return None
    return target, reference, contact_id.lower()


def on_federation_event(envelope: Envelope, tx: Transaction) -> None:
    """Bridge the contact a Federation creation event was for; the runtime commits `tx` with the event's claim."""
    request = _request(envelope)
    if request is None:
        return
    target, reference, contact_id = request
    contact = CONTACTS.get(contact_id)
    for _hop in range(MAX_MERGE_HOPS):
        if contact is None or contact.merged_into is None:
            break
        contact = CONTACTS.get(contact.merged_into)  # merged since it asked: the survivor took its conversion
    if contact is None or contact.is_merged:
        _unbridged(envelope, "no such contact", contact_id=contact_id)
        return
    before = copy.deepcopy(contact)
    if not contact.bridge_to(target, reference, now=utc_now()):
        if contact.bridge != {**(contact.bridge or {}), "kind": target.value, "id": reference}:
            _unbridged(envelope, "contact already bridged elsewhere", contact_id=contact_id)
        return
    actor = Principal(f"{SOURCE}:{envelope.metadata.actor or 'system'}", frozenset())
    ctx = RequestContext(actor, envelope.metadata.correlation_id or envelope.event_id)
    CONTACTS.save(contact, before, ctx, joining=tx)
