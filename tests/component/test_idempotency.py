"""Idempotency-Key: replay without a second write or event; another body with the same key is refused."""

from __future__ import annotations

from tests.support.streams import outbox_rows, stream_records


def _new_deal(contact, future, name="Enterprise License"):
    return {"customer_id": contact["id"], "name": name, "value": 500, "currency": "USD", "expected_close_date": future}


def test_same_key_same_body_replays_the_first_response(api, contact, future):
    headers = {"Idempotency-Key": "create-deal-1"}
    first = api.post("/sales/deals", _new_deal(contact, future), headers=headers)
    rows = len(outbox_rows())
    second = api.post("/sales/deals", _new_deal(contact, future), headers=headers)
    assert first.status == second.status == 201
    assert second.body == first.body
    assert second.headers["ETag"] == first.headers["ETag"]
    assert len(outbox_rows()) == rows, "no second event"
    assert api.get("/sales/deals").body["pagination"]["total"] == 1, "no second deal"


def test_same_key_other_body_is_refused(api, contact, future):
    headers = {"Idempotency-Key": "create-deal-2"}
    assert api.post("/sales/deals", _new_deal(contact, future), headers=headers).status == 201
    reused = api.post("/sales/deals", _new_deal(contact, future, "Another"), headers=headers)
    assert reused.status == 422 and reused.error_code == "IDEMPOTENCY_KEY_REUSED"
    assert api.get("/sales/deals").body["pagination"]["total"] == 1


def test_keys_are_scoped_per_caller_and_operation(api, contact, future):
    headers = {"Idempotency-Key": "shared"}
    assert api.post("/sales/deals", _new_deal(contact, future), headers=headers).status == 201
    other_rep = api.as_user("0192f1c4-7d3e-7a10-8b55-000000000002")
    assert other_rep.post("/sales/deals", _new_deal(contact, future), headers=headers).status == 201
    assert api.get("/sales/deals").body["pagination"]["total"] == 2


def test_a_refused_command_is_not_remembered(api, deal):
    headers = {"Idempotency-Key": "lose-then-fix"}
    assert api.post(f"/sales/deals/{deal['id']}/win").status == 200
    refused = api.post(f"/sales/deals/{deal['id']}/lose", {"reason": "x"}, headers=headers)
    assert refused.error_code == "MARK_LOST_FAILED"
    again = api.post(f"/sales/deals/{deal['id']}/lose", {"reason": "x"}, headers=headers)
    assert again.error_code == "MARK_LOST_FAILED", "errors are re-evaluated, not replayed from a cache"


def test_win_replay_emits_one_deal_won(api, deal):
    headers = {"Idempotency-Key": "win-once"}
    first = api.post(f"/sales/deals/{deal['id']}/win", {"note": "signed"}, headers=headers)
    second = api.post(f"/sales/deals/{deal['id']}/win", {"note": "signed"}, headers=headers)
    assert first.status == second.status == 200 and first.body == second.body
    won = [r for r in stream_records() if r["eventName"] == "INSERT" and "deal.won" in str(r["dynamodb"]["NewImage"])]
    assert len(won) == 1


def test_malformed_key_is_a_400(api, contact, future):
    reply = api.post("/sales/deals", _new_deal(contact, future), headers={"Idempotency-Key": "x" * 200})
    assert reply.status == 400 and reply.error_code == "VALIDATION_ERROR"
