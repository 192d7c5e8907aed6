"""Activities through the real handlers: logging with live links, timelines newest first with type filter and
cursors, void kept on the timeline, totals from counters."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api


def log(api: Api, links: dict[str, str], *, type_: str = "call", subject: str = "Call", at: str | None = None) -> Any:
    body: dict[str, Any] = {"type": type_, "subject": subject, "links": links}
    if at is not None:
        body["occurred_at"] = at
    reply = api.post("/sales/activities", body)
    assert reply.status == 201, reply.body
    return reply.data


def test_a_timeline_is_newest_first_filtered_by_type_and_paged(api: Api, contact: dict, deal: dict) -> None:
    links = {"contact_id": contact["id"], "deal_id": deal["id"]}
    old = log(api, links, type_="call", subject="First call", at="2026-11-01T09:00:00Z")
    note = log(api, links, type_="note", subject="A note", at="2026-11-02T09:00:00+02:00")
    new = log(api, links, type_="call", subject="Second call", at="2026-11-03T09:00:00Z")
    timeline = api.get(f"/sales/deals/{deal['id']}/activities")
    assert [item["id"] for item in timeline.data] == [new["id"], note["id"], old["id"]]
    assert timeline.body["pagination"]["total"] == 3
    assert note["occurred_at"] == "2026-11-02T07:00:00.000Z"  # stored in UTC
    calls = api.get(f"/sales/contacts/{contact['id']}/activities", query={"type": "call"})
    assert [item["id"] for item in calls.data] == [new["id"], old["id"]]
    assert calls.body["pagination"]["total"] == 2
    first = api.get(f"/sales/deals/{deal['id']}/activities", query={"page_size": 2})
    assert [item["id"] for item in first.data] == [new["id"], note["id"]]
    cursor = first.body["pagination"]["next_cursor"]
    rest = api.get(f"/sales/deals/{deal['id']}/activities", query={"page_size": 2, "cursor": cursor})
    assert [item["id"] for item in rest.data] == [old["id"]] and rest.body["pagination"]["next_cursor"] is None
    # A cursor of the unfiltered list does not continue the calls-only list.
    foreign = api.get(f"/sales/deals/{deal['id']}/activities", query={"type": "call", "cursor": cursor})
    assert foreign.status == 400


def test_a_void_activity_stays_on_every_timeline_shown_as_void(api: Api, contact: dict, deal: dict) -> None:
    logged = log(api, {"contact_id": contact["id"], "deal_id": deal["id"]})
    voided = api.post(f"/sales/activities/{logged['id']}/void", {"reason": "  Wrong deal  "})
    assert voided.status == 200 and voided.data["status"] == "void" and voided.data["void_reason"] == "Wrong deal"
    assert voided.data["voided_by"] == voided.data["actor"]
    for path in (f"/sales/deals/{deal['id']}/activities", f"/sales/contacts/{contact['id']}/activities"):
        [shown] = api.get(path).data
        assert shown["status"] == "void" and shown["version"] == 2
    again = api.post(f"/sales/activities/{logged['id']}/void", {"reason": "Again"})
    assert again.status == 409 and again.error_code == "INVALID_TRANSITION"
    assert api.get(f"/sales/deals/{deal['id']}/activities").body["pagination"]["total"] == 1


def test_links_must_be_live_records(api: Api, contact: dict, deal: dict) -> None:
    assert api.delete(f"/sales/deals/{deal['id']}").status == 204
    refused = api.post("/sales/activities", {"type": "note", "subject": "x", "links": {"deal_id": deal["id"]}})
    assert refused.status == 422 and refused.error_code == "LINKED_RECORD_NOT_FOUND"
    assert refused.body["error"]["details"][0]["field"] == "links.deal_id"
    none = api.post("/sales/activities", {"type": "note", "subject": "x", "links": {}})
    assert none.status == 400 and none.body["error"]["details"][0]["field"] == "links"
    # A deleted deal's timeline is gone with it.
    assert api.get(f"/sales/deals/{deal['id']}/activities").error_code == "DEAL_NOT_FOUND"
    assert api.post(f"/sales/deals/{deal['id']}/restore").status == 200
    assert api.get(f"/sales/deals/{deal['id']}/activities").status == 200


def test_markup_in_an_activity_is_kept_verbatim(api: Api, contact: dict) -> None:
    body = "<script>alert(1)</script>\n<b>bold</b> & 'quotes' \"double\""
    logged = log(api, {"contact_id": contact["id"]}, subject="<img src=x onerror=alert(1)>")
    stored = api.post("/sales/activities", {"type": "email", "subject": "s", "body": body, "links": logged["links"]})
    assert api.get(f"/sales/activities/{stored.data['id']}").data["body"] == body
    assert api.get(f"/sales/activities/{logged['id']}").data["subject"] == "<img src=x onerror=alert(1)>"
