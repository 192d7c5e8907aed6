"""Write the sample events under events/<context>/, for `sam local invoke -e` and `make invoke`.

    python -m tools.sample_events          # (re)write every file
    python -m tools.sample_events --check  # exit 1 if a file is missing, stale or left over

The events follow template.yaml and its nested stacks (read as one, `local.template.load_template`): every
function with an `Api` event gets `<context>/api/<folder>.json` (its CodeUri is functions/<context>/<folder>/)
built from its Path and Method, so a route change cannot leave a stale sample behind; every function fed by a
table stream gets `<context>/stream/<folder>.json`, outbox rows of that context. The payloads below are the only
hand-written part. Ids, request ids and times are fixed, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from local.template import load_template
from tools.samples import CONVERSATION_ID, FIXTURES, MESSAGE_ID

ROOT = Path(__file__).resolve().parents[1]
EVENTS_DIR = ROOT / "events"
TEMPLATE = ROOT / "template.yaml"

REGION = "eu-west-1"
ACCOUNT_ID = "123456789012"
API_ID = "a1b2c3d4e5"
STAGE = "v1"
# Tables of nested stacks are named <root stack>-<nested stack>-<suffix>-<LogicalId>-<suffix> by CloudFormation.
STREAM_ARNS = {
    context: f"arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{table}/stream/2026-11-01T00:00:00.000"
    for context, table in (
        ("sales", "sales-SalesStack-1A2B3C4D5E6F-SalesTable-7G8H9I0J1K2L"),
        ("billing", "sales-BillingStack-6F5E4D3C2B1A-BillingTable-L2K1J0I9H8G7"),
    )
}

# UUIDv7s whose timestamps fit the story: the contact exists a week before the deal is created.
DEAL_ID = "01a1f84a-95c0-7d3a-9c5e-2b8f4a6d1e07"
CONTACT_ID = "01a1d539-d6e0-7b41-8a2f-6c3e9d0b5a14"
CLAIMS = {
    "sub": "0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b",
    "cognito:groups": "sales",
    "email": "rep@example.com",
}
REQUEST_TIME = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
SOURCE_IP = "203.0.113.10"
USER_AGENT = "sales-sample-events/1.0"
# A second contact (a person of the sample organization) and a relationship between the two.
PERSON_ID = "01a1d539-d6e0-7d02-a5c8-4b7e1f9d3c26"
RELATIONSHIP_ID = "01a1d53a-0b10-7c4e-9d21-5a8f3e7b2c19"
PATH_VALUES = {"stage": "proposal", "relationship_id": RELATIONSHIP_ID, "message_id": MESSAGE_ID}
# `{id}` by route: the contact, the partner, the quote, the agreement, else the deal.
RECORD_IDS = {
    "/sales/contacts/": CONTACT_ID,
    "/sales/partners/": FIXTURES["partner"]["id"],
    "/sales/quotes/": FIXTURES["quote"]["id"],
    "/sales/distribution-agreements/": FIXTURES["agreement"]["id"],
    "/sales/activities/": FIXTURES["activity"]["id"],
    "/sales/conversations/": CONVERSATION_ID,
    "/sales/leads/": FIXTURES["lead"]["id"],
    "/sales/opportunities/": FIXTURES["opportunity"]["id"],
    "/billing/jobs/": FIXTURES["job"]["id"],
    "/billing/invoices/": FIXTURES["invoice"]["id"],
    "/billing/payments/": FIXTURES["payment"]["id"],
}
# The routes only admins may call are sampled as an admin's requests (the contract's policy says which).
ADMIN_CLAIMS = {**CLAIMS, "cognito:groups": "admin"}
# Billing routes are sampled as a billing clerk's requests.
BILLING_CLAIMS = {**CLAIMS, "cognito:groups": "billing"}

# Request bodies (snake_case, valid for the operation), by function folder.
_DEVICES = {"description": "Device", "product_code": "DEV-1", "quantity": 40, "unit_price": 19900}
BODIES: dict[str, dict[str, Any]] = {
    "activity_log": {
        "type": "call",
        "subject": "Discovery call",
        "body": "Talked about 40 devices for the Berlin office.",
        "occurred_at": "2026-11-20T09:30:00Z",
        "links": {"contact_id": CONTACT_ID, "deal_id": DEAL_ID},
    },
    "activity_void": {"reason": "Logged on the wrong contact"},
    "conversation_create": {
        "contact_id": CONTACT_ID,
        "channel": "email",
        "address": "buyer@acme.example",
        "subject": "Fleet renewal 2027",
        "deal_id": DEAL_ID,
    },
    "conversation_move_folder": {"folder": "archived"},
    "conversation_post_message": {
        "direction": "in",
        "body": "Could you quote 40 devices with three years of maintenance?",
    },
    "conversation_set_delivery": {"delivery": "read"},
    "conversation_forward": {
        "scope": "thread",
        "to": ["colleague@seller.example"],
        "comment": "Can you take this one?",
    },
    "agreement_create": {
        "reseller_id": FIXTURES["partner"]["id"],
        "distributor_id": FIXTURES["distributor"]["id"],
        "territory": ["DE", "AT"],
        "starts_on": "2026-01-01",
    },
    "deal_register": {
        "customer_id": CONTACT_ID,
        "name": "Fleet of 40 devices",
        "value": 7960000,
        "currency": "EUR",
        "expected_close_date": "2027-03-31",
        "route": "distributor",
        "distributor_id": FIXTURES["distributor"]["id"],
    },
    "deal_decide_direct_exception": {"decision": "granted"},
    "lead_share": {"partner_id": FIXTURES["partner"]["id"]},
    "deal_reallocate_distributor": {"distributor_id": FIXTURES["distributor"]["id"], "reason": "Regional coverage"},
    "partner_create": {"contact_id": CONTACT_ID, "subtype": "reseller", "tier": "gold"},
    "partner_change_tier": {"tier": "platinum", "reason": "Passed 1M EUR in 2026"},
    "deal_create": {
        "customer_id": CONTACT_ID,
        "name": "Enterprise Software License",
        "value": 50000000,
        "currency": "USD",
        "expected_close_date": "2027-03-31",
    },
    "deal_update_basic_info": {"name": "Enterprise License + Support", "expected_close_date": "2027-04-30"},
    "deal_update_value": {"value": 75000000, "currency": "USD"},
    "deal_move_stage": {"stage": "qualified"},
    "deal_win": {"close_date": "2026-11-20", "actual_value": 52000000, "note": "Signed contract attached"},
    "deal_lose": {"close_date": "2026-11-20", "reason": "Lost to competitor - pricing"},
    "contact_create": {
        "kind": "organization",
        "display_name": "Acme Devices GmbH",
        "emails": ["sales@acme.example"],
        "phones": ["+49 30 1234567"],
        "lifecycle": "prospect",
    },
    "contact_update": {"display_name": "Acme Devices AG", "lifecycle": "active"},
    "relationship_create": {"to_id": PERSON_ID, "type": "partner_of"},
    "contact_convert": {"target": "tenant"},
    "contact_merge": {"duplicate_id": FIXTURES["duplicate_contact"]["id"]},
    "campaign_create": {
        "name": "Spring device launch",
        "type": "webinar",
        "budget": {"amount": 1500000, "currency": "EUR"},
    },
    "campaign_update": {"budget": {"amount": 2000000, "currency": "EUR"}},
    "lead_create": {"contact_id": CONTACT_ID, "source": "web_form", "title": "Fleet of 40 devices"},
    "lead_update": {"estimated_value": {"amount": 4800000, "currency": "EUR"}},
    "lead_disqualify": {"reason": "No budget this year"},
    "lead_convert": {"opportunity_name": "Fleet renewal 2027"},
    "opportunity_create": {"customer_id": CONTACT_ID, "name": "Fleet renewal"},
    "opportunity_update": {"name": "Fleet renewal 2027"},
    "opportunity_add_variant": {"name": "Standard", "currency": "EUR", "lines": [_DEVICES]},
    "opportunity_replace_variant": {"name": "Standard", "currency": "EUR", "lines": [{**_DEVICES, "quantity": 50}]},
    "opportunity_validate": {"variant_id": FIXTURES["solutioning_opportunity_variant"]["id"]},
    "opportunity_confirm": {"expected_close_date": "2027-03-31"},
    "opportunity_decline": {"reason": "Budget frozen"},
    # Billing (the two seed contracts keep their camelCase inputs)
    "invoice_issue": {
        "jobId": FIXTURES["job"]["id"],
        "dueDate": "2027-01-31",
        "items": [{"description": "Service", "amount": 100}],
    },
    "invoice_void": {"reason": "Issued to the wrong customer"},
    "payment_record": {"invoiceId": FIXTURES["invoice"]["id"], "amount": 100, "method": "check"},
}

# Query strings (API Gateway passes every value as a string), by function folder.
QUERIES: dict[str, dict[str, str]] = {
    "contact_network": {"depth": "2", "limit": "100"},
    "deal_list": {"page_size": "20"},
    "deal_forecast": {"from": "2026-11", "to": "2027-04"},
    "contact_list": {"q": "Acme"},
    "invoice_list": {"overdue": "true"},
    "job_list": {"status": "completed"},
}


# --- template -----------------------------------------------------------------------------------------------


def _function_events(template_path: Path, kind: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(context, function folder, event properties) of every function event of `kind`, in template order."""
    found = []
    for resource in load_template(template_path)["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = resource["Properties"]
        context, folder = Path(properties["CodeUri"]).parts[-2:]  # functions/<context>/<folder>/
        for event in (properties.get("Events") or {}).values():
            if event.get("Type") == kind:
                found.append((context, folder, event.get("Properties") or {}))
    return found


def api_routes(template_path: Path = TEMPLATE) -> list[tuple[str, str, str, str]]:
    """(context, function folder, method, resource path) of every function's Api event, in template order."""
    return [
        (context, folder, properties["Method"].upper(), properties["Path"])
        for context, folder, properties in _function_events(template_path, "Api")
    ]


def stream_consumers(template_path: Path = TEMPLATE) -> list[tuple[str, str]]:
    """(context, function folder) of every function a DynamoDB stream feeds, in template order."""
    return [(context, folder) for context, folder, _ in _function_events(template_path, "DynamoDB")]


# --- API Gateway REST proxy events --------------------------------------------------------------------------


def _stable_uuid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sales-sample-events:{name}"))


def _stable_uuid7(name: str, at: datetime) -> str:
    """A UUIDv7 (as the service generates) for the instant `at`, its random bits derived from `name`."""
    millis = int(at.timestamp() * 1000)
    rand = uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sales-sample-events:{name}").int & ((1 << 80) - 1)
    rand_a, rand_b = rand >> 62, rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=(millis << 80) | (0x7 << 76) | ((rand_a & 0xFFF) << 64) | (0b10 << 62) | rand_b))


def _path_parameters(resource: str) -> dict[str, str] | None:
    names = [part[1:-1] for part in resource.split("/") if part.startswith("{") and part.endswith("}")]
    if not names:
        return None
    record_id = next((record for prefix, record in RECORD_IDS.items() if resource.startswith(prefix)), DEAL_ID)
    return {name: PATH_VALUES.get(name, record_id) for name in names}


def _claims(method: str, resource: str) -> dict[str, str]:
    """Who the sample request comes from: a sales rep, a billing clerk on billing routes, else an admin."""
    from kernel.contract import Role
    from tools.registry import ALL

    policies = [contract.policy for contract in ALL if (contract.http.method, contract.http.path) == (method, resource)]
    if all(Role.SALES in policy.roles for policy in policies):
        return dict(CLAIMS)
    if all(Role.BILLING in policy.roles for policy in policies):
        return dict(BILLING_CLAIMS)
    return dict(ADMIN_CLAIMS)


def _multi(values: Mapping[str, str] | None) -> dict[str, list[str]] | None:
    return None if values is None else {key: [value] for key, value in values.items()}


def api_event(folder: str, method: str, resource: str) -> dict[str, Any]:
    path_parameters = _path_parameters(resource)
    path = resource
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    query = QUERIES.get(folder)
    body = BODIES.get(folder)
    request_id = _stable_uuid(f"request:{folder}")
    host = f"{API_ID}.execute-api.{REGION}.amazonaws.com"

    headers = {
        "Accept": "application/json",
        "Host": host,
        "User-Agent": USER_AGENT,
        "X-Amzn-Trace-Id": f"Root=1-{int(REQUEST_TIME.timestamp()):08x}-{request_id.replace('-', '')[:24]}",
        "X-Forwarded-For": SOURCE_IP,
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    }
    if method in ("POST", "PUT", "PATCH"):
        headers["Content-Type"] = "application/json"
    if method == "POST":  # every POST command honours Idempotency-Key
        headers["Idempotency-Key"] = _stable_uuid(f"idempotency:{folder}")

    return {
        "resource": resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": _multi(headers),
        "queryStringParameters": query,
        "multiValueQueryStringParameters": _multi(query),
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "authorizer": {"claims": _claims(method, resource)},
            "domainName": host,
            "domainPrefix": API_ID,
            "extendedRequestId": request_id.replace("-", "")[:16] + "=",
            "httpMethod": method,
            "identity": {"sourceIp": SOURCE_IP, "userAgent": USER_AGENT},
            "path": f"/{STAGE}{path}",
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": REQUEST_TIME.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "requestTimeEpoch": int(REQUEST_TIME.timestamp() * 1000),
            "resourceId": request_id[:6],
            "resourcePath": resource,
            "stage": STAGE,
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


# --- DynamoDB stream event (outbox rows) --------------------------------------------------------------------


def _outbox_record(
    *,
    sequence: int,
    event_type: str,
    aggregate_version: int,
    occurred_at: datetime,
    command: str,
    data: Mapping[str, Any],
    context: str = "sales",
    aggregate: tuple[str, str] = ("Deal", DEAL_ID),
) -> dict[str, Any]:
    """One INSERT of an outbox row of `context`'s table, written by `command` (a function folder, whose request
    correlates) for `aggregate` (type, id)."""
    aggregate_type, aggregate_id = aggregate
    keys = {"PK": {"S": f"{aggregate_type.upper()}#{aggregate_id}"}, "SK": {"S": f"OUTBOX#{aggregate_version:010d}#00"}}
    # Sales's record ids came first and stay as they were; other contexts name theirs after the context too.
    record = f"record:{sequence}" if context == "sales" else f"record:{context}:{sequence}"
    image = {
        **keys,
        "type": {"S": "OutboxEvent"},
        "event_id": {"S": _stable_uuid7(f"event:{event_type}", occurred_at)},
        "event_type": {"S": event_type},
        "event_version": {"S": "1.0.0"},
        "occurred_at": {"S": occurred_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
        "actor": {"S": CLAIMS["sub"]},
        "correlation_id": {"S": _stable_uuid(f"request:{command}")},
        "aggregate_type": {"S": aggregate_type},
        "aggregate_id": {"S": aggregate_id},
        "aggregate_version": {"N": str(aggregate_version)},
        "source": {"S": context},
        "data": {"S": json.dumps(data, separators=(",", ":"), sort_keys=True)},
        # Outbox rows outlive the stream's 24 h retention, so a failed batch can be redriven from the table.
        "expires_at": {"N": str(int((occurred_at + timedelta(days=2)).timestamp()))},
    }
    return {
        "eventID": uuid.uuid5(uuid.NAMESPACE_URL, f"urn:sales-sample-events:{record}").hex,
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "ApproximateCreationDateTime": int(occurred_at.timestamp()),
            "Keys": keys,
            "NewImage": image,
            "SequenceNumber": f"{sequence}00000000071234567890",
            "SizeBytes": len(json.dumps(image)),
            "StreamViewType": "NEW_IMAGE",
        },
        "eventSourceARN": STREAM_ARNS[context],
    }


def outbox_stream_event() -> dict[str, Any]:
    created = BODIES["deal_create"]
    won = BODIES["deal_win"]
    won_at = REQUEST_TIME + timedelta(hours=6, minutes=15)
    return {
        "Records": [
            _outbox_record(
                sequence=1,
                event_type="deal.created",
                aggregate_version=1,
                occurred_at=REQUEST_TIME,
                command="deal_create",
                data={
                    "deal_id": DEAL_ID,
                    **created,
                    "assigned_to": CLAIMS["sub"],
                    "stage": "lead",
                    "probability": 10,
                    "source": "inbound",
                },
            ),
            _outbox_record(
                sequence=2,
                event_type="deal.won",
                aggregate_version=2,
                occurred_at=won_at,
                command="deal_win",
                data={
                    "deal_id": DEAL_ID,
                    "customer_id": created["customer_id"],
                    "bridge": None,
                    "name": created["name"],
                    "value": won["actual_value"],
                    "currency": created["currency"],
                    "close_date": won["close_date"],
                    "actual_value": won["actual_value"],
                    "note": won["note"],
                    "assigned_to": CLAIMS["sub"],
                    "opportunity_id": None,
                    "variant_id": None,
                    "quote_id": None,
                    "lines": [],
                    "channel": {"reseller_id": None, "distributor_id": None, "route": "direct"},
                    "won_at": won_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
            ),
        ]
    }


# Billing publishes no event yet: its relay's sample is one illustrative outbox row (a job opened for the won
# deal), which the relay handles like any other, whatever its type.
JOB_ID = "01a1f8b2-4c10-7e25-8d3b-9a6c2f1e0d48"


def billing_outbox_stream_event() -> dict[str, Any]:
    opened_at = REQUEST_TIME + timedelta(hours=6, minutes=16)
    return {
        "Records": [
            _outbox_record(
                sequence=1,
                event_type="job.opened",
                aggregate_version=1,
                occurred_at=opened_at,
                command="billing_job_open",
                data={
                    "job_id": JOB_ID,
                    "deal_id": DEAL_ID,
                    "customer_id": CONTACT_ID,
                    "opened_at": opened_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
                context="billing",
                aggregate=("Job", JOB_ID),
            )
        ]
    }


# The stream sample of each context's stream consumer (outbox relay), by (context, function folder).
def email_stream_event() -> dict[str, Any]:
    """The insert of one outgoing email (an outbound message of an email conversation), as the email sender's
    stream filter passes it."""
    conversation_id, message_id = CONVERSATION_ID, MESSAGE_ID
    keys = {"PK": {"S": f"CONVERSATION#{conversation_id}"}, "SK": {"S": f"MAIL#{message_id}"}}
    image = {
        **keys,
        "type": {"S": "OutgoingEmail"},
        "id": {"S": message_id},
        "conversation_id": {"S": conversation_id},
        "kind": {"S": "message"},
        "message_ids": {"L": [{"S": message_id}]},
        "to": {"L": [{"S": "buyer@acme.example"}]},
        "reply_to": {"S": "buyer@acme.example"},
        "subject": {"S": "Fleet renewal 2027"},
        "comment": {"NULL": True},
        "created_at": {"S": REQUEST_TIME.strftime("%Y-%m-%dT%H:%M:%S.000Z")},
    }
    return {
        "Records": [
            {
                "eventID": uuid.uuid5(uuid.NAMESPACE_URL, "urn:sales-sample-events:email:1").hex,
                "eventName": "INSERT",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": REGION,
                "dynamodb": {
                    "ApproximateCreationDateTime": int(REQUEST_TIME.timestamp()),
                    "Keys": keys,
                    "NewImage": image,
                    "SequenceNumber": "900000000071234567890",
                    "SizeBytes": len(json.dumps(image)),
                    "StreamViewType": "NEW_IMAGE",
                },
                "eventSourceARN": STREAM_ARNS["sales"],
            }
        ]
    }


STREAM_SAMPLES = {
    ("sales", "outbox_relay"): outbox_stream_event,
    ("sales", "email_sender"): email_stream_event,
    ("billing", "outbox_relay"): billing_outbox_stream_event,
}


# --- Federation events and the SQS batches that carry them to a consumer ---------------------------------------
FEDERATION_ACCOUNT = "210987654321"


def federation_event(detail_type: str, reference_field: str, reference: str) -> dict[str, Any]:
    """An EventBridge event as Federation publishes it: what it created, for whom (`requested_by`)."""
    event_id = _stable_uuid7(f"federation:{detail_type}", REQUEST_TIME)
    return {
        "version": "0",
        "id": _stable_uuid(f"bus:{detail_type}"),
        "detail-type": detail_type,
        "source": "federation",
        "account": FEDERATION_ACCOUNT,
        "time": REQUEST_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [],
        "detail": {
            "metadata": {
                "event_id": event_id,
                "event_type": detail_type,
                "event_version": "1.0.0",
                "occurred_at": REQUEST_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "correlation_id": _stable_uuid(f"correlation:{detail_type}"),
            },
            "data": {reference_field: reference, "requested_by": {"context": "sales", "contact_id": CONTACT_ID}},
        },
    }


FEDERATION_EVENTS = {
    "tenant.created": lambda: federation_event("tenant.created", "tenant_id", "tenant-7f3c2a"),
    "application_user.created": lambda: federation_event(
        "application_user.created", "application_user_id", "user-41b9e0"
    ),
}


def sqs_batch(bodies: list[dict[str, Any]], queue: str) -> dict[str, Any]:
    """An SQS event source batch whose messages are EventBridge events (a rule targeting the queue)."""
    return {
        "Records": [
            {
                "messageId": _stable_uuid(f"message:{queue}:{index}"),
                "receiptHandle": f"sample-receipt-{index}",
                "body": json.dumps(body),
                "attributes": {
                    "ApproximateReceiveCount": "1",
                    "SentTimestamp": str(int(REQUEST_TIME.timestamp() * 1000)),
                    "SenderId": "AIDAEVENTBRIDGE",
                    "ApproximateFirstReceiveTimestamp": str(int(REQUEST_TIME.timestamp() * 1000)),
                },
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{queue}",
                "awsRegion": REGION,
            }
            for index, body in enumerate(bodies)
        ]
    }


def queue_consumers(template_path: Path = TEMPLATE) -> list[tuple[str, str]]:
    """(context, function folder) of every function an SQS queue feeds, in template order."""
    return [(context, folder) for context, folder, _ in _function_events(template_path, "SQS")]


def contact_merged_event() -> dict[str, Any]:
    """`contact.merged` as the relay publishes it: the duplicate fixture merged into the contact fixture."""
    occurred = REQUEST_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": "0",
        "id": _stable_uuid("bus:contact.merged"),
        "detail-type": "contact.merged",
        "source": "sales",
        "account": ACCOUNT_ID,
        "time": occurred,
        "region": REGION,
        "resources": [],
        "detail": {
            "metadata": {
                "event_id": _stable_uuid7("event:contact.merged", REQUEST_TIME),
                "event_type": "contact.merged",
                "event_version": "1.0.0",
                "occurred_at": occurred,
                "actor": CLAIMS["sub"],
                "correlation_id": _stable_uuid("request:contact_merge"),
                "aggregate_id": CONTACT_ID,
                "aggregate_version": 2,
            },
            "data": {
                "contact_id": CONTACT_ID,
                "duplicate_id": FIXTURES["duplicate_contact"]["id"],
                "kind": "organization",
                "display_name": "Acme Devices GmbH",
                "owner_id": CLAIMS["sub"],
                "emails": ["sales@acme.example", *FIXTURES["duplicate_contact"]["emails"]],
                "lifecycle": "prospect",
            },
        },
    }


def deal_won_event() -> dict[str, Any]:
    """`deal.won` as the relay publishes it, for a deal confirmed from the sample opportunity."""
    event = contact_merged_event()
    event["id"] = _stable_uuid("bus:deal.won")
    event["detail-type"] = "deal.won"
    event["detail"]["metadata"].update(
        event_id=_stable_uuid7("event:deal.won", REQUEST_TIME),
        event_type="deal.won",
        event_version="1.1.0",
        correlation_id=_stable_uuid("request:deal_win"),
        aggregate_id=DEAL_ID,
    )
    event["detail"]["data"] = {
        "deal_id": DEAL_ID,
        "customer_id": CONTACT_ID,
        "customer_name": "Acme Devices GmbH",
        "bridge": None,
        "name": "Fleet renewal 2027",
        "lines": [{**_DEVICES, "discount_percent": "0", "discount": 0, "total": 796000}],
        "value": 796000,
        "currency": "EUR",
        "opportunity_id": FIXTURES["opportunity"]["id"],
        "variant_id": FIXTURES["solutioning_opportunity_variant"]["id"],
    }
    return event


def provisioning_completed_event() -> dict[str, Any]:
    """`provisioning.completed` as the provisioning system publishes it: the sample deal's work is delivered."""
    occurred = REQUEST_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "version": "0",
        "id": _stable_uuid("bus:provisioning.completed"),
        "detail-type": "provisioning.completed",
        "source": "provisioning",
        "account": ACCOUNT_ID,
        "time": occurred,
        "region": REGION,
        "resources": [],
        "detail": {
            "metadata": {
                "event_id": _stable_uuid7("event:provisioning.completed", REQUEST_TIME),
                "event_type": "provisioning.completed",
                "event_version": "1.0.0",
                "occurred_at": occurred,
                "correlation_id": _stable_uuid("request:deal_win"),
            },
            "data": {"deal_id": DEAL_ID, "completed_at": occurred},
        },
    }


# Events of other contexts this service consumes, by source, then detail-type (events/<source>/<type>.json).
FOREIGN_EVENTS = {
    "federation": FEDERATION_EVENTS,
    "provisioning": {"provisioning.completed": provisioning_completed_event},
}


# The SQS sample of each queue-fed consumer, by (context, function folder).
QUEUE_SAMPLES = {
    ("billing", "jobs_from_won_deals"): lambda: sqs_batch([deal_won_event()], "billing-won-deals"),
    ("billing", "jobs_from_provisioning"): lambda: sqs_batch(
        [provisioning_completed_event()], "billing-provisioning-completed"
    ),
    ("sales", "contact_merge_worker"): lambda: sqs_batch([contact_merged_event()], "sales-contact-merge"),
    ("sales", "campaign_won_projection"): lambda: sqs_batch([deal_won_event()], "sales-campaign-won"),
    ("sales", "conversion_bridge"): lambda: sqs_batch(
        [make() for make in FEDERATION_EVENTS.values()], "sales-conversion-bridge"
    ),
}


def scheduled_functions(template_path: Path = TEMPLATE) -> list[tuple[str, str]]:
    """(context, function folder) of every function EventBridge Scheduler runs, in template order."""
    return [(context, folder) for context, folder, _ in _function_events(template_path, "ScheduleV2")]


def scheduler_event(folder: str) -> dict[str, Any]:
    """What EventBridge Scheduler sends a function target by default: its notification, `detail` the text "{}"."""
    return {
        "version": "0",
        "id": _stable_uuid(f"schedule:{folder}"),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ACCOUNT_ID,
        "time": REQUEST_TIME.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": REGION,
        "resources": [f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule/default/{folder}"],
        "detail": "{}",
    }


# --- files --------------------------------------------------------------------------------------------------


def render() -> dict[Path, str]:
    """Every generated file (path relative to events/) and its content."""
    routes = api_routes()
    # Folder names are unique across contexts, so the payloads are keyed by folder alone.
    folders = {folder for _context, folder, _, _ in routes}
    unknown = (BODIES.keys() | QUERIES.keys()) - folders
    if unknown:
        raise SystemExit(f"payloads for functions without an Api event in the templates: {sorted(unknown)}")
    files = {
        Path(context, "api", f"{folder}.json"): api_event(folder, method, path)
        for context, folder, method, path in routes
    }
    consumers = stream_consumers()
    missing = sorted(f"{context}/{folder}" for context, folder in consumers if (context, folder) not in STREAM_SAMPLES)
    if missing:
        raise SystemExit(f"stream-fed functions without a sample (add one to STREAM_SAMPLES): {missing}")
    for context, folder in consumers:
        files[Path(context, "stream", f"{folder}.json")] = STREAM_SAMPLES[context, folder]()
    queued = queue_consumers()
    missing = sorted(f"{context}/{folder}" for context, folder in queued if (context, folder) not in QUEUE_SAMPLES)
    if missing:
        raise SystemExit(f"queue-fed functions without a sample (add one to QUEUE_SAMPLES): {missing}")
    for context, folder in queued:
        files[Path(context, "sqs", f"{folder}.json")] = QUEUE_SAMPLES[context, folder]()
    for context, folder in scheduled_functions():
        files[Path(context, "schedule", f"{folder}.json")] = scheduler_event(folder)
    # Events of other contexts this service consumes, as they arrive on the bus (POST them to /_local/events).
    for source, events in FOREIGN_EVENTS.items():
        for detail_type, make in events.items():
            files[Path(source, f"{detail_type}.json")] = make()
    return {path: json.dumps(content, indent=2) + "\n" for path, content in files.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that differ; write nothing")
    args = parser.parse_args(argv)

    files = render()
    # <context>/api/ and <context>/stream/ are wholly generated, so a file there the templates no longer ask for
    # is stale.
    leftovers = sorted(
        path.relative_to(EVENTS_DIR)
        for path in [
            *EVENTS_DIR.glob("*/api/*.json"),
            *EVENTS_DIR.glob("*/stream/*.json"),
            *EVENTS_DIR.glob("*/sqs/*.json"),
            *EVENTS_DIR.glob("*/schedule/*.json"),
            *(path for source in FOREIGN_EVENTS for path in EVENTS_DIR.glob(f"{source}/*.json")),
        ]
        if path.relative_to(EVENTS_DIR) not in files
    )
    changed = sorted(
        path
        for path, text in files.items()
        if not (EVENTS_DIR / path).is_file() or (EVENTS_DIR / path).read_text(encoding="utf-8") != text
    )
    if args.check:
        for path in changed:
            print(f"stale or missing: events/{path}", file=sys.stderr)
        for path in leftovers:
            print(f"not generated: events/{path}", file=sys.stderr)
        return 1 if changed or leftovers else 0

    for path in changed:
        target = EVENTS_DIR / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(files[path], encoding="utf-8")
    for path in leftovers:
        (EVENTS_DIR / path).unlink()
    print(f"events/: {len(changed)} written, {len(leftovers)} removed, {len(files) - len(changed)} unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
