"""Run a contract's acceptance examples: the records their `setup` names, their placeholders filled in, the
request their input stands for."""

from __future__ import annotations

import re
from typing import Any

from pydantic.alias_generators import to_camel

from kernel.contract import Contract
from tests.support.api import Api
from tests.support.samples import days_ahead

_PLACEHOLDER = re.compile(r"^\{([a-z_]+)(?:\.([a-z_]+)(?:\[(\d+)\])?)?\}$")


def setup_records(api: Api, names: tuple[str, ...]) -> dict[str, Any]:
    """Create what an example's `setup` names, through the API like a user would."""
    future = days_ahead(45)
    made: dict[str, Any] = {"future_date": future}

    def contact() -> dict[str, Any]:
        if "contact" not in made:
            made["contact"] = api.post(
                "/sales/contacts",
                {
                    "kind": "organization",
                    "display_name": "Acme Devices GmbH",
                    "emails": ["sales@acme.example"],
                    "phones": ["+49 30 1234567"],
                },
            ).data
        return made["contact"]

    def deal(name: str = "Enterprise Software License") -> dict[str, Any]:
        body = {"customer_id": contact()["id"], "name": name, "value": 50000000, "currency": "USD"}
        reply = api.post("/sales/deals", {**body, "expected_close_date": future})
        assert reply.status == 201, reply.body
        return reply.data

    for name in names:
        if name == "contact":
            contact()
        elif name == "deal":
            made["deal"] = deal()
        elif name == "won_deal":
            made["won_deal"] = api.post(f"/sales/deals/{deal('Won')['id']}/win").data
        elif name == "lost_deal":
            made["lost_deal"] = api.post(f"/sales/deals/{deal('Lost')['id']}/lose").data
        elif name == "deleted_deal":
            made["deleted_deal"] = deal("Deleted")
            assert api.delete(f"/sales/deals/{made['deleted_deal']['id']}").status == 204
        elif name == "employee":
            body = {"kind": "person", "display_name": "Ada Lovelace", "employer_id": contact()["id"]}
            made["employee"] = api.post("/sales/contacts", body).data
        elif name == "relationship":
            if "employee" not in made:
                body = {"kind": "person", "display_name": "Ada Lovelace", "employer_id": contact()["id"]}
                made["employee"] = api.post("/sales/contacts", body).data
            link = {"to_id": contact()["id"], "type": "decision_maker_for"}
            reply = api.post(f"/sales/contacts/{made['employee']['id']}/relationships", link)
            assert reply.status == 201, reply.body
            made["relationship"] = reply.data
        elif name == "converted_contact":
            converted = api.post("/sales/contacts", {"kind": "organization", "display_name": "Converting AG"}).data
            reply = api.post(f"/sales/contacts/{converted['id']}/convert", {"target": "tenant"})
            assert reply.status == 202, reply.body
            made["converted_contact"] = reply.data
        elif name == "subsidiary":
            body = {"kind": "organization", "display_name": "Acme Devices Austria", "parent_id": contact()["id"]}
            made["subsidiary"] = api.post("/sales/contacts", body).data
        elif name in ("duplicate_contact", "merged_contact"):
            email = "info@acme-devices.example" if name == "duplicate_contact" else "office@acme-devices.example"
            body = {"kind": "organization", "display_name": "ACME Devices", "emails": [email]}
            made[name] = api.post("/sales/contacts", body).data
            if name == "merged_contact":
                reply = api.post(f"/sales/contacts/{contact()['id']}/merge", {"duplicate_id": made[name]["id"]})
                assert reply.status == 200, reply.body
                made[name]["merged_into"] = contact()["id"]
        elif name in ("campaign", "active_campaign", "cancelled_campaign"):
            body = {"name": "Spring device launch", "type": "webinar", "budget": {"amount": 1500000, "currency": "EUR"}}
            reply = api.post("/sales/campaigns", body)
            assert reply.status == 201, reply.body
            made[name] = reply.data
            for step in {"active_campaign": ("activate",), "cancelled_campaign": ("cancel",)}.get(name, ()):
                reply = api.post(f"/sales/campaigns/{made[name]['id']}/{step}")
                assert reply.status == 200, reply.body
                made[name] = reply.data
        elif name in ("lead", "qualified_lead", "converted_lead", "disqualified_lead"):
            body = {"contact_id": contact()["id"], "source": "web_form", "title": "Fleet of 40 devices"}
            reply = api.post("/sales/leads", body)
            assert reply.status == 201, reply.body
            made[name] = reply.data
            steps = {
                "qualified_lead": [("qualify", {})],
                "converted_lead": [("qualify", {}), ("convert", {})],
                "disqualified_lead": [("disqualify", {"reason": "No budget"})],
            }.get(name, [])
            for step, step_body in steps:
                reply = api.post(f"/sales/leads/{made[name]['id']}/{step}", step_body)
                assert reply.status in (200, 201), reply.body
            made[name] = api.get(f"/sales/leads/{made[name]['id']}").data
        elif name in (
            "opportunity",
            "solutioning_opportunity",
            "validated_opportunity",
            "confirmed_opportunity",
            "declined_opportunity",
        ):
            reply = api.post("/sales/opportunities", {"customer_id": contact()["id"], "name": "Fleet renewal"})
            assert reply.status == 201, reply.body
            opportunity = reply.data["id"]
            if name != "opportunity":
                line = {"description": "Device", "product_code": "DEV-1", "quantity": 40, "unit_price": 19900}
                variant = {"name": "Standard", "currency": "EUR", "lines": [line]}
                reply = api.post(f"/sales/opportunities/{opportunity}/variants", variant)
                assert reply.status == 201, reply.body
                made[f"{name}_variant"] = reply.data["variants"][-1]
            steps: list[tuple[str, dict[str, Any]]] = {
                "validated_opportunity": [("validate", {"variant_id": "{variant}"})],
                "confirmed_opportunity": [
                    ("validate", {"variant_id": "{variant}"}),
                    ("confirm", {"expected_close_date": future}),
                ],
                "declined_opportunity": [("decline", {"reason": "Went elsewhere"})],
            }.get(name, [])
            for step, step_body in steps:
                filled = {
                    key: made[f"{name}_variant"]["id"] if value == "{variant}" else value
                    for key, value in step_body.items()
                }
                reply = api.post(f"/sales/opportunities/{opportunity}/{step}", filled)
                assert reply.status in (200, 201), reply.body
            made[name] = api.get(f"/sales/opportunities/{opportunity}").data
        elif name in ("partner", "suspended_partner", "distributor", "second_distributor"):
            organization = {
                "partner": "Reseller",
                "suspended_partner": "Suspended Reseller",
                "distributor": "Distributor",
                "second_distributor": "Distributor Two",
            }
            company = api.post(
                "/sales/contacts", {"kind": "organization", "display_name": f"{organization[name]} GmbH"}
            )
            assert company.status == 201, company.body
            reseller = name.endswith("partner")
            profile = {"subtype": "reseller", "tier": "gold"} if reseller else {"subtype": "distributor"}
            reply = api.post("/sales/partners", {"contact_id": company.data["id"], **profile})
            assert reply.status == 201, reply.body
            if name == "suspended_partner":
                reply = api.post(f"/sales/partners/{reply.data['id']}/suspend")
                assert reply.status == 200, reply.body
            made[name] = reply.data
        elif name == "agreement":
            parties = setup_records(api, ("partner", "distributor"))
            body = {
                "reseller_id": parties["partner"]["id"],
                "distributor_id": parties["distributor"]["id"],
                "territory": ["DE"],
                "starts_on": "2026-01-01",
            }
            reply = api.post("/sales/distribution-agreements", body)
            assert reply.status == 201, reply.body
            made["agreement"] = reply.data
        elif name == "direct_deal":
            reseller = setup_records(api, ("partner",))["partner"] if "partner" not in made else made["partner"]
            made["partner"] = reseller
            body = {
                "customer_id": contact()["id"],
                "name": "Registered direct",
                "value": 7960000,
                "currency": "EUR",
                "expected_close_date": future,
                "route": "direct",
            }
            reply = api.post(f"/sales/partners/{reseller['id']}/deals", body)
            assert reply.status == 201, reply.body
            made["direct_deal"] = reply.data
        elif name in ("quote", "sent_quote"):
            quoted = deal(f"Quoted {name}")
            reply = api.post(f"/sales/deals/{quoted['id']}/quotes", {})
            assert reply.status == 201, reply.body
            if name == "sent_quote":
                reply = api.post(f"/sales/quotes/{reply.data['id']}/send")
                assert reply.status == 200, reply.body
            made[name] = reply.data
        elif name in ("activity", "void_activity"):
            body = {"type": "call", "subject": "Discovery call", "links": {"contact_id": contact()["id"]}}
            reply = api.post("/sales/activities", body)
            assert reply.status == 201, reply.body
            if name == "void_activity":
                reply = api.post(f"/sales/activities/{reply.data['id']}/void", {"reason": "Wrong contact"})
                assert reply.status == 200, reply.body
            made[name] = reply.data
        elif name in ("contact_activity", "lead_activity", "opportunity_activity", "deal_activity"):
            kind = name.removesuffix("_activity")
            if kind == "contact":
                record_id = contact()["id"]
            else:
                record_id = setup_records(api, (kind,))[kind]["id"] if kind not in made else made[kind]["id"]
            body = {"type": "call", "subject": f"Call about the {kind}", "links": {f"{kind}_id": record_id}}
            reply = api.post("/sales/activities", body)
            assert reply.status == 201, reply.body
            made[name] = {"id": reply.data["id"], f"{kind}_id": record_id}
        elif name in ("conversation", "phone_conversation", "message"):
            channel, address = (
                ("phone", "+4930123456") if name == "phone_conversation" else ("email", "buyer@acme.example")
            )
            body = {
                "contact_id": contact()["id"],
                "channel": channel,
                "address": address,
                "subject": "Fleet renewal 2027",
            }
            reply = api.post("/sales/conversations", body)
            assert reply.status == 201, reply.body
            made["phone_conversation" if name == "phone_conversation" else "conversation"] = reply.data
            if name == "message":
                text = {"direction": "in", "body": "Could you quote 40 devices?"}
                reply = api.post(f"/sales/conversations/{reply.data['id']}/messages", text)
                assert reply.status == 201, reply.body
                made["message"] = reply.data
        elif name == "deleted_contact":
            made["deleted_contact"] = api.post("/sales/contacts", {"kind": "person", "display_name": "Gone"}).data
            assert api.delete(f"/sales/contacts/{made['deleted_contact']['id']}").status == 204
        elif name in ("job", "completed_job", "invoice", "payment"):
            from tests.support import billing  # imported here: billing's support imports this module's Api

            if name == "job":
                made["job"] = billing.open_job(api)
            elif name == "completed_job":
                made["completed_job"] = billing.completed_job(api)
            else:
                made["invoice"] = billing.issued_invoice(api)
                if name == "payment":
                    body = {"invoice_id": made["invoice"]["id"], "amount": 40, "method": "bank_transfer"}
                    reply = api.post("/billing/payments", body)
                    assert reply.status == 201, reply.body
                    made["payment"] = reply.data
        else:
            raise AssertionError(f"unknown setup fixture {name!r}")
    return made


def fill(value: Any, made: dict[str, Any]) -> Any:
    """`value` with every `{name}`, `{name.field}` or `{name.field[i]}` placeholder replaced from `made`."""
    if isinstance(value, dict):
        return {key: fill(inner, made) for key, inner in value.items()}
    if isinstance(value, list):
        return [fill(inner, made) for inner in value]
    if isinstance(value, str) and (match := _PLACEHOLDER.match(value)):
        found = made[match.group(1)]
        if match.group(2):
            found = found[match.group(2)]
        if match.group(3):
            found = found[int(match.group(3))]
        return found
    return value


def example_request(contract: Contract, example_input: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The path an example's input addresses (its path fields put in) and the rest of the input."""
    values = dict(example_input)
    path = contract.http.path
    for placeholder, field in contract.http.path_params.items():
        value = values.pop(field, None) or values.pop(to_camel(field), None)
        assert value is not None, f"example lacks path field {field}"
        path = path.replace("{" + placeholder + "}", str(value))
    return path, values
