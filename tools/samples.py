"""Fixed sample values, so generated documents are deterministic.

- Acceptance examples reference what their `setup` created ("{deal.id}", "{future_date}"); documents show
  them with the fixed values below instead (the acceptance runner uses real ones).
- Every catalogue event gets a sample EventBridge event, built from its JSON Schema with realistic values;
  it is what rule patterns are tested against and what the event pages and AsyncAPI show.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from kernel.events import EventSpec

# UUIDv7s whose timestamps tell one story: the contact exists a week before its deals.
CONTACT_ID = "01a1d539-d6e0-7b41-8a2f-6c3e9d0b5a14"
DEAL_ID = "01a1f84a-95c0-7d3a-9c5e-2b8f4a6d1e07"
CAMPAIGN_ID = "01a1e2b4-3c50-7c07-8d59-3e1a7b0c6d24"
LEAD_ID = "01a1e7c3-52d0-7903-8a2d-5b8e1c0f3d46"
OPPORTUNITY_ID = "01a1e9d5-64e0-7a07-9e19-2b6c0d8a4f31"
VARIANT_ID = "01a1e9d6-0a10-7c29-903b-4d8e2f0c6b53"
PARTNER_ID = "01a1fa10-2b30-7a23-8b9c-1d5e7f2a4c36"
AGREEMENT_ID = "01a1fc30-4d50-7c56-8f3a-6b9c4d0e5f83"
QUOTE_ID = "01a1fb20-3c40-7a34-8d1e-4f7a2b8c3d61"
DISTRIBUTOR_ID = "01a1fa10-2b30-7b34-8c0d-2e6f8a3b5d47"
USER_ID = "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b"
ACTIVITY_ID = "01a1fe50-6f70-7a01-8b2c-3d4e5f6a7b81"
CONVERSATION_ID = "01a1fe60-7080-7b12-8c3d-4e5f6a7b8c92"
MESSAGE_ID = "01a1fe61-8090-7c23-9d4e-5f6a7b8c9da3"
JOB_ID = "01a1ff70-8190-7d34-8e5f-6a7b8c9dab14"
INVOICE_ID = "01a1ff71-92a0-7e45-9f60-7b8c9daebc25"
PAYMENT_ID = "01a1ff72-a3b0-7f56-a071-8c9daebfcd36"
FUTURE_DATE = "2027-03-31"
OCCURRED_AT = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"

# What each acceptance `setup` fixture stands for in the documents.
FIXTURES: dict[str, Any] = {
    "contact": {"id": CONTACT_ID, "emails": ["sales@acme.example"]},
    "deleted_contact": {"id": "01a1d539-d6e0-7c63-9b4a-1e8d7f2c6a95"},
    "employee": {"id": "01a1d539-d6e0-7d02-a5c8-4b7e1f9d3c26"},
    "subsidiary": {"id": "01a1d539-d6e0-7e57-b1d4-7c2a8e5f9b38"},
    "converted_contact": {"id": "01a1d539-d6e0-7f81-9a3c-2d6b8e4f1a57"},
    "duplicate_contact": {"id": "01a1d539-d6e0-7a26-8e5b-9c3f1d7a4b62", "emails": ["info@acme-devices.example"]},
    "merged_contact": {"id": "01a1d539-d6e0-7b93-a7c1-6e2d4f8b3a15", "merged_into": CONTACT_ID},
    "relationship": {
        "id": "01a1d53a-0b10-7c4e-9d21-5a8f3e7b2c19",
        "from_id": "01a1d539-d6e0-7d02-a5c8-4b7e1f9d3c26",
        "to_id": CONTACT_ID,
    },
    "deal": {"id": DEAL_ID},
    "campaign": {"id": CAMPAIGN_ID},
    "lead": {"id": LEAD_ID},
    "qualified_lead": {"id": "01a1e7c3-52d0-7a14-8b3e-6c9f2d1a4e57"},
    "converted_lead": {"id": "01a1e7c3-52d0-7b25-9c4f-7d0a3e2b5f68"},
    "disqualified_lead": {"id": "01a1e7c3-52d0-7c36-ad50-8e1b4f3c6a79"},
    "opportunity": {"id": OPPORTUNITY_ID},
    "solutioning_opportunity": {"id": "01a1e9d5-64e0-7b18-8f2a-3c7d1e9b5a42"},
    "solutioning_opportunity_variant": {"id": VARIANT_ID},
    "validated_opportunity": {"id": "01a1e9d5-64e0-7c29-903b-4d8e2f0c6b53"},
    "validated_opportunity_variant": {"id": "01a1e9d6-0a10-7d3a-a14c-5e9f3a1d7c64"},
    "confirmed_opportunity": {"id": "01a1e9d5-64e0-7d3a-a14c-5e9f3a1d7c64"},
    "declined_opportunity": {"id": "01a1e9d5-64e0-7e4b-b25d-6f0a4b2e8d75"},
    "active_campaign": {"id": "01a1e2b4-3c50-7d18-9e6a-4f2b8c1d7e35"},
    "cancelled_campaign": {"id": "01a1e2b4-3c50-7e29-a4c7-5d3e9f2a8b46"},
    "won_deal": {"id": "01a1f84a-95c0-7e12-a4b7-5d2c8e1f3a60"},
    "lost_deal": {"id": "01a1f84a-95c0-7f45-b3c9-8e6a2d4f1b72"},
    "deleted_deal": {"id": "01a1f84a-95c0-7a98-8d1e-3f7b5c9a2e84"},
    "partner": {"id": PARTNER_ID},
    "suspended_partner": {"id": "01a1fa10-2b30-7d56-8e2f-3a7b9c4d6e58"},
    "distributor": {"id": DISTRIBUTOR_ID},
    "second_distributor": {"id": "01a1fa10-2b30-7c45-9d1e-4f7a2b8c3d61"},
    "quote": {"id": QUOTE_ID, "deal_id": DEAL_ID},
    "direct_deal": {"id": "01a1fd40-5e60-7d67-8a4b-7c0d5e1f6a94"},
    "agreement": {"id": AGREEMENT_ID, "distributor_id": DISTRIBUTOR_ID},
    "sent_quote": {"id": "01a1fb20-3c40-7b45-9e2f-5a8b3c9d4e72"},
    "activity": {"id": ACTIVITY_ID},
    "void_activity": {"id": "01a1fe50-6f70-7b12-8c3d-4e5f6a7b8c92"},
    "contact_activity": {"id": ACTIVITY_ID, "contact_id": CONTACT_ID},
    "lead_activity": {"id": ACTIVITY_ID, "lead_id": LEAD_ID},
    "opportunity_activity": {"id": ACTIVITY_ID, "opportunity_id": OPPORTUNITY_ID},
    "deal_activity": {"id": ACTIVITY_ID, "deal_id": DEAL_ID},
    "conversation": {"id": CONVERSATION_ID, "contact_id": CONTACT_ID},
    "phone_conversation": {"id": "01a1fe60-7080-7c23-9d4e-5f6a7b8c9da3"},
    "message": {"id": MESSAGE_ID, "conversation_id": CONVERSATION_ID},
    "future_date": FUTURE_DATE,
    # Billing
    "job": {"id": JOB_ID, "customer_id": CONTACT_ID},
    "completed_job": {"id": JOB_ID, "customer_id": CONTACT_ID},
    "invoice": {"id": INVOICE_ID, "customer_id": CONTACT_ID},
    "payment": {"id": PAYMENT_ID, "invoice_id": INVOICE_ID},
}
_PLACEHOLDER = re.compile(r"^\{([a-z_]+)(?:\.([a-z_]+)(?:\[(\d+)\])?)?\}$")


def fill(value: Any) -> Any:
    """Replace "{fixture.field[index]}" placeholders with the fixed sample values (KeyError if unknown)."""
    if isinstance(value, Mapping):
        return {key: fill(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [fill(inner) for inner in value]
    if isinstance(value, str) and (match := _PLACEHOLDER.match(value)):
        if match.group(1) not in FIXTURES:
            raise KeyError(f"no sample value for the placeholder {value}: add it to tools/samples.FIXTURES")
        found = FIXTURES[match.group(1)]
        if match.group(2):
            found = found[match.group(2)]
        if match.group(3):
            found = found[int(match.group(3))]
        return found
    return value


# --- events ---------------------------------------------------------------------------------------------------

# Data values by field name (then by event key for the few that depend on the event); anything else is
# derived from the schema: first enum value, `*_id` -> a UUID, `*_date` -> a date, `*_at` -> a timestamp.
_VALUES: dict[str, Any] = {
    "deal_id": DEAL_ID,
    "customer_id": CONTACT_ID,
    "contact_id": CONTACT_ID,
    "assigned_to": USER_ID,
    "owner_id": USER_ID,
    "name": "Enterprise Software License",
    "display_name": "Acme Devices GmbH",
    "kind": "organization",
    "lifecycle": "prospect",
    "emails": ["sales@acme.example"],
    "value": 50000000,
    "previous_value": 50000000,
    "currency": "USD",
    "previous_currency": "USD",
    "stage": "lead",
    "probability": 10,
    "source": "inbound",
    "expected_close_date": FUTURE_DATE,
    "close_date": "2026-11-20",
    "reason": "Lost to competitor - pricing",
    "note": "Signed contract attached",
    "route": "direct",
    "bridge": None,
    "opportunity_id": None,
    "variant_id": None,
    "quote_id": None,
    "reseller_id": None,
    "distributor_id": None,
    "lines": [],
}
_VALUES_BY_EVENT: dict[str, dict[str, Any]] = {
    "activity.logged": {
        "activity_id": ACTIVITY_ID,
        "type": "call",
        "subject": "Discovery call",
        "occurred_at": "2026-11-20T09:30:00.000Z",
        "message_id": None,
        "links": {
            "contact_id": CONTACT_ID,
            "lead_id": None,
            "opportunity_id": None,
            "deal_id": DEAL_ID,
            "conversation_id": None,
        },
    },
    "activity.voided": {
        "activity_id": ACTIVITY_ID,
        "reason": "Logged on the wrong contact",
        "links": {
            "contact_id": CONTACT_ID,
            "lead_id": None,
            "opportunity_id": None,
            "deal_id": DEAL_ID,
            "conversation_id": None,
        },
    },
    "conversation.created": {
        "conversation_id": CONVERSATION_ID,
        "channel": "email",
        "address": "buyer@acme.example",
        "subject": "Fleet renewal 2027",
        "lead_id": None,
        "deal_id": DEAL_ID,
    },
    "conversation.foldered": {"conversation_id": CONVERSATION_ID, "from_folder": "inbox", "to_folder": "archived"},
    "message.received": {
        "conversation_id": CONVERSATION_ID,
        "message_id": MESSAGE_ID,
        "channel": "email",
        "sender": "buyer@acme.example",
        "body": "Could you quote 40 devices with three years of maintenance?",
        "activity_id": ACTIVITY_ID,
    },
    "message.sent": {
        "conversation_id": CONVERSATION_ID,
        "message_id": MESSAGE_ID,
        "channel": "email",
        "sender": "sales@example.com",
        "recipients": ["buyer@acme.example"],
        "subject": "Fleet renewal 2027",
        "body": "Our quote is attached.",
        "activity_id": ACTIVITY_ID,
    },
    "conversation.forwarded": {
        "conversation_id": CONVERSATION_ID,
        "scope": "thread",
        "message_ids": [MESSAGE_ID],
        "to": ["colleague@seller.example"],
        "channel": "email",
        "activity_id": ACTIVITY_ID,
    },
    "deal.stage_changed": {"from_stage": "lead", "to_stage": "qualified", "probability": 25},
    "deal.value_changed": {"value": 75000000},
    "deal.won": {"value": 52000000, "actual_value": 52000000},
    "deal.lost": {"value": 50000000},
    "contact.updated": {"lifecycle": "active"},
    "lead.created": {"source": "web_form", "title": "Fleet of 40 devices", "campaign_id": None, "partner_id": None},
    "lead.converted": {"opportunity_id": OPPORTUNITY_ID, "campaign_id": None},
    "lead.qualified": {"campaign_id": None},
    "lead.disqualified": {"campaign_id": None, "reason": "No budget this year"},
    "lead.reopened": {"campaign_id": None},
    "opportunity.created": {"opportunity_id": OPPORTUNITY_ID, "name": "Fleet renewal", "lead_id": LEAD_ID},
    "opportunity.validated": {
        "opportunity_id": OPPORTUNITY_ID,
        "variant_id": VARIANT_ID,
        "total": 796000,
        "currency": "EUR",
    },
    "opportunity.confirmed": {
        "opportunity_id": OPPORTUNITY_ID,
        "variant_id": VARIANT_ID,
        "total": 796000,
        "currency": "EUR",
    },
    "opportunity.declined": {"opportunity_id": OPPORTUNITY_ID, "reason": "Budget frozen"},
    **{
        key: {"quote_id": QUOTE_ID, "number": "Q-2026-000042", "currency": "EUR", "total": 732320}
        for key in ("quote.created", "quote.sent", "quote.accepted", "quote.rejected")
    },
    "quote.created": {
        "quote_id": QUOTE_ID,
        "number": "Q-2026-000042",
        "currency": "EUR",
        "total": 732320,
        "valid_until": "2026-12-20",
    },
    "quote.rejected": {"quote_id": QUOTE_ID, "number": "Q-2026-000042", "reason": "Over budget"},
    **{
        key: {"partner_id": PARTNER_ID, "tier": "gold", "subtype": "reseller"}
        for key in ("partner.created", "partner.suspended", "partner.reinstated")
    },
    **{
        key: {
            "agreement_id": AGREEMENT_ID,
            "reseller_id": PARTNER_ID,
            "distributor_id": DISTRIBUTOR_ID,
            "territory": ["AT", "DE"],
            "starts_on": "2026-01-01",
            "ends_on": None,
        }
        for key in ("agreement.created", "agreement.activated", "agreement.terminated")
    },
    "lead.shared": {"partner_id": PARTNER_ID},
    "deal.registered": {
        "reseller_id": PARTNER_ID,
        "distributor_id": DISTRIBUTOR_ID,
        "route": "distributor",
        "direct_exception": None,
    },
    "deal.channel_changed": {
        "reseller_id": PARTNER_ID,
        "distributor_id": DISTRIBUTOR_ID,
        "route": "distributor",
        "previous_distributor_id": None,
        "direct_exception": None,
        "reason": "Regional coverage",
        "actor": USER_ID,
    },
    "partner.converted_to_distributor": {"partner_id": PARTNER_ID, "tier": None, "subtype": "distributor"},
    "partner.tier_changed": {
        "partner_id": PARTNER_ID,
        "from_tier": "gold",
        "to_tier": "platinum",
        "reason": "Passed 1M EUR in 2026",
    },
    "contact.bridged": {
        "bridge": {"kind": "tenant", "id": "tenant-7f3c2a", "bridged_at": "2026-11-20T09:30:00Z"},
    },
}


def _stable_uuid7(name: str, at: datetime = OCCURRED_AT) -> str:
    """A UUIDv7 for the instant `at` whose random bits derive from `name`."""
    millis = int(at.timestamp() * 1000)
    rand = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sales-docs:{name}").int & ((1 << 80) - 1)
    rand_a, rand_b = rand >> 62, rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=(millis << 80) | (0x7 << 76) | ((rand_a & 0xFFF) << 64) | (0b10 << 62) | rand_b))


def _resolve(schema: Mapping[str, Any], root: Mapping[str, Any]) -> Mapping[str, Any]:
    while "$ref" in schema:
        schema = root["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _instance(schema: Mapping[str, Any], root: Mapping[str, Any], name: str, values: Mapping[str, Any]) -> Any:
    if name in values:
        return values[name]
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:
        branches = [branch for branch in schema["anyOf"] if branch.get("type") != "null"]
        return _instance(branches[0], root, name, values) if branches else None
    kind = schema.get("type")
    if kind == "object":
        properties = schema.get("properties", {})
        return {key: _instance(inner, root, key, values) for key, inner in properties.items()}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "boolean":
        return False
    if name.endswith("_id") or name == "id":
        return _stable_uuid7(name)
    if name.endswith("_date"):
        return OCCURRED_AT.date().isoformat()
    if name.endswith("_at"):
        return OCCURRED_AT.strftime("%Y-%m-%dT%H:%M:%SZ")
    return name


def sample_detail(spec: EventSpec) -> dict[str, Any]:
    """The EventBridge `detail` of a sample `spec` event: {metadata, data}, valid against its schema."""
    schema = spec.json_schema()
    prefix = spec.key.split(".")[0]
    aggregate_id = {
        "contact": CONTACT_ID,
        "activity": ACTIVITY_ID,
        "conversation": CONVERSATION_ID,
        "message": CONVERSATION_ID,
    }.get(prefix, DEAL_ID)
    metadata = {
        "event_id": _stable_uuid7(f"event:{spec.key}"),
        "event_type": spec.key,
        "event_version": spec.version,
        "occurred_at": OCCURRED_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "actor": USER_ID,
        "correlation_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sales-docs:request:{spec.key}")),
        "aggregate_id": aggregate_id,
        "aggregate_version": 1 if spec.key.endswith(".created") else 2,
    }
    values = {**_VALUES, **_VALUES_BY_EVENT.get(spec.key, {})}
    data = _instance(schema["properties"]["data"], schema, "data", values)
    return {"metadata": metadata, "data": data}


def sample_event(spec: EventSpec) -> dict[str, Any]:
    """The whole event as EventBridge delivers it to a rule target."""
    return {
        "version": "0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sales-docs:eventbridge:{spec.key}")),
        "detail-type": spec.key,
        "source": spec.source,
        "account": ACCOUNT_ID,
        "time": OCCURRED_AT.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": sample_detail(spec),
    }
