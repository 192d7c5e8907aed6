"""Deal lifecycle through the real handlers: stage moves, win/lose, soft delete, If-Match, history,
the outbox rows each command writes, and the seed's usage examples and common patterns."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tests.support import table
from tests.support.api import Api
from tests.support.assertions import RFC3339_UTC, assert_error
from tests.support.events import DEFAULT_USER
from tests.support.samples import OTHER_USER, UNKNOWN_DEAL, seed_body, utc_today
from tests.support.spec import DEAL_WON_KEYS

NewDeal = Callable[..., dict[str, Any]]


# -- 6. stage ---------------------------------------------------------------------------------------
def test_move_to_qualified_seed_payload(api: Api, deal: dict) -> None:
    reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"})
    assert reply.status == 200, reply.body
    assert (reply.data["stage"], reply.data["probability"], reply.data["status"]) == ("qualified", 25, "open")
    rows = table.deal_outbox(deal["id"])
    assert table.event_types(rows) == ["deal.created", "deal.stage_changed"]
    assert rows[-1]["payload"] == {
        "deal_id": deal["id"],
        "from_stage": "lead",
        "to_stage": "qualified",
        "probability": 25,
    }


def test_skips_and_backward_moves_among_open_stages(api: Api, new_deal: NewDeal, subtests: Any) -> None:
    paths = [
        (["qualified", "proposal", "negotiation"], [25, 50, 75]),  # forward, one by one
        (["negotiation", "lead"], [75, 10]),  # skip, then all the way back
        (["proposal", "qualified", "negotiation"], [50, 25, 75]),  # skip, back, skip
    ]
    for path, probabilities in paths:
        with subtests.test(path=path):
            deal = new_deal()
            for stage, probability in zip(path, probabilities, strict=True):
                reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": stage})
                assert reply.status == 200, reply.body
                assert (reply.data["stage"], reply.data["probability"], reply.data["status"]) == (
                    stage,
                    probability,
                    "open",
                )
            assert reply.data["version"] == 1 + len(path)
            rows = table.deal_outbox(deal["id"])
            assert table.event_types(rows) == ["deal.created"] + ["deal.stage_changed"] * len(path)
            assert [row["aggregate_version"] for row in rows] == list(range(1, len(path) + 2))


def test_move_to_the_same_stage_writes_nothing(api: Api, deal: dict) -> None:
    with table.nothing_written():
        reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "lead"})
    assert reply.status == 200
    assert reply.data["version"] == 1


@pytest.mark.parametrize(("close", "stage"), [("win", "closed_won"), ("lose", "closed_lost")])
def test_closed_stages_are_terminal(api: Api, deal: dict, close: str, stage: str, subtests: Any) -> None:
    assert api.post(f"/sales/deals/{deal['id']}/{close}", {"close_date": "2025-12-31"}).status == 200
    for target in ("intake", "lead", "qualified", "proposal", "negotiation", "closed_won", "closed_lost"):
        with subtests.test(target=target):
            with table.nothing_written():
                reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": target})
            assert_error(reply, 400, "MOVE_STAGE_FAILED")
            assert reply.body["error"]["message"] == f"cannot move from terminal stage {stage}"


def test_seed_terminal_error_body(api: Api, deal: dict) -> None:
    api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "negotiation"})
    assert reply.status == 400
    assert reply.body["status"] == "error"
    assert reply.body["error"]["code"] == "MOVE_STAGE_FAILED"
    assert reply.body["error"]["message"] == "cannot move from terminal stage closed_won"


def test_moving_to_intake_is_refused(api: Api, deal: dict) -> None:
    with table.nothing_written():
        reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "intake"})
    assert_error(reply, 400, "MOVE_STAGE_FAILED")


def test_unknown_stage_is_a_validation_error(api: Api, deal: dict, subtests: Any) -> None:
    for stage in ("won", "LEAD", "", "closed", None, 1, ["lead"]):
        with subtests.test(stage=stage):
            with table.nothing_written():
                reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": stage})
            assert_error(reply, 400, "VALIDATION_ERROR", "stage")
    with table.nothing_written():
        assert_error(api.put(f"/sales/deals/{deal['id']}/stage", {}), 400, "VALIDATION_ERROR", "stage")


def test_move_unknown_deal_is_404(api: Api) -> None:
    assert_error(api.put(f"/sales/deals/{UNKNOWN_DEAL}/stage", {"stage": "qualified"}), 404, "DEAL_NOT_FOUND")


def test_move_to_closed_won_is_a_win_with_the_same_event(api: Api, new_deal: NewDeal) -> None:
    via_win, via_stage = new_deal(name="Won by POST /win"), new_deal(name="Won by PUT /stage")
    today_before = utc_today()
    won = api.post(f"/sales/deals/{via_win['id']}/win", {})
    moved = api.put(f"/sales/deals/{via_stage['id']}/stage", {"stage": "closed_won"})
    today_after = utc_today()
    for reply in (won, moved):
        assert reply.status == 200, reply.body
        assert (reply.data["stage"], reply.data["probability"], reply.data["status"]) == ("closed_won", 100, "won")
        assert reply.data["actual_close_date"] in {today_before, today_after}
    won_rows, moved_rows = table.deal_outbox(via_win["id"]), table.deal_outbox(via_stage["id"])
    assert table.event_types(won_rows) == table.event_types(moved_rows) == ["deal.created", "deal.won"]
    won_data, moved_data = won_rows[-1]["payload"], moved_rows[-1]["payload"]
    assert set(won_data) == set(moved_data) >= DEAL_WON_KEYS
    differing = {key for key in won_data if won_data[key] != moved_data[key]}
    assert differing <= {"deal_id", "name", "won_at", "close_date"}
    assert moved_data["deal_id"] == via_stage["id"]
    assert moved_data["close_date"] == moved.data["actual_close_date"]


def test_move_to_closed_lost_is_a_loss(api: Api, deal: dict) -> None:
    reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "closed_lost"})
    assert reply.status == 200, reply.body
    assert (reply.data["stage"], reply.data["probability"], reply.data["status"]) == ("closed_lost", 0, "lost")
    assert reply.data["actual_close_date"] is not None
    assert table.event_types(table.deal_outbox(deal["id"])) == ["deal.created", "deal.lost"]


# -- 7. win -----------------------------------------------------------------------------------------
def test_win_seed_payload(api: Api, deal: dict) -> None:
    reply = api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    assert reply.status == 200, reply.body
    assert reply.data["stage"] == "closed_won"
    assert reply.data["probability"] == 100
    assert reply.data["status"] == "won"
    assert reply.data["actual_close_date"] == "2025-12-31"
    assert reply.data["value"] == 50000000
    assert reply.data["actual_value"] is None


def test_win_contract_example_in_camel_case(api: Api, deal: dict) -> None:
    """crm.deal.win example mark-won: actualValue replaces the value, the note is kept."""
    reply = api.post(f"/sales/deals/{deal['id']}/win", {"actualValue": 52000, "note": "Signed contract attached"})
    assert reply.status == 200, reply.body
    assert reply.data["status"] == "won"
    assert reply.data["value"] == 52000
    assert reply.data["actual_value"] == 52000
    assert reply.data["note"] == "Signed contract attached"
    assert api.get(f"/sales/deals/{deal['id']}").data == reply.data


def test_win_close_date_defaults_to_today(api: Api, deal: dict) -> None:
    before = utc_today()
    reply = api.post(f"/sales/deals/{deal['id']}/win")
    assert reply.status == 200, reply.body
    assert reply.data["actual_close_date"] in {before, utc_today()}


def test_win_writes_deal_won_with_every_spec_key(api: Api, deal: dict, contact: dict) -> None:
    reply = api.post(
        f"/sales/deals/{deal['id']}/win",
        {"close_date": "2025-12-31", "actual_value": 48000000, "note": "PO 4711"},
        headers={"X-Correlation-Id": "corr-win-1"},
    )
    assert reply.status == 200, reply.body
    rows = table.deal_outbox(deal["id"])
    assert table.event_types(rows) == ["deal.created", "deal.won"]
    row = rows[-1]
    assert row["aggregate_version"] == 2
    assert row["correlation_id"] == "corr-win-1"
    assert row["event_version"] == "1.1.0"
    assert set(row["payload"]) >= DEAL_WON_KEYS
    # Who to bill, as the win read the customer (1.1.0).
    assert row["payload"]["customer_name"] == contact["display_name"]
    assert {key: row["payload"][key] for key in DEAL_WON_KEYS} == {
        "deal_id": deal["id"],
        "customer_id": contact["id"],
        "bridge": None,
        "name": deal["name"],
        "value": 48000000,
        "currency": "USD",
        "close_date": "2025-12-31",
        "actual_value": 48000000,
        "note": "PO 4711",
        "assigned_to": DEFAULT_USER,
        "opportunity_id": None,
        "variant_id": None,
        "quote_id": None,
        "lines": [],
        "channel": {"reseller_id": None, "distributor_id": None, "route": "direct"},
    }


def test_cannot_win_a_lost_deal(api: Api, deal: dict) -> None:
    api.post(f"/sales/deals/{deal['id']}/lose", {"reason": "pricing"})
    with table.nothing_written():
        reply = api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    assert_error(reply, 400, "MARK_WON_FAILED")


def test_cannot_win_twice(api: Api, deal: dict) -> None:
    api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    with table.nothing_written():
        reply = api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-30", "actual_value": 1})
    assert_error(reply, 400, "MARK_WON_FAILED")


def test_win_rejects_bad_input(api: Api, deal: dict, subtests: Any) -> None:
    cases = [
        ({"actual_value": 0}, "actual_value"),
        ({"actual_value": -1}, "actual_value"),
        ({"actual_value": 520.5}, "actual_value"),
        ({"actual_value": "52000"}, "actual_value"),
        ({"actual_value": True}, "actual_value"),
        ({"close_date": "yesterday"}, "close_date"),
        ({"note": "x" * 2001}, "note"),
        ({"reason": "won on price"}, "reason"),
    ]
    for body, field in cases:
        with subtests.test(body=body):
            with table.nothing_written():
                reply = api.post(f"/sales/deals/{deal['id']}/win", body)
            assert_error(reply, 400, "VALIDATION_ERROR", field)


def test_win_unknown_deal_is_404(api: Api) -> None:
    assert_error(api.post(f"/sales/deals/{UNKNOWN_DEAL}/win", {}), 404, "DEAL_NOT_FOUND")


# -- 8. lose ----------------------------------------------------------------------------------------
def test_lose_seed_payload(api: Api, deal: dict) -> None:
    reply = api.post(
        f"/sales/deals/{deal['id']}/lose", {"close_date": "2025-12-31", "reason": "Lost to competitor - pricing"}
    )
    assert reply.status == 200, reply.body
    assert reply.data["stage"] == "closed_lost"
    assert reply.data["probability"] == 0
    assert reply.data["status"] == "lost"
    assert reply.data["actual_close_date"] == "2025-12-31"
    assert reply.data["loss_reason"] == "Lost to competitor - pricing"
    rows = table.deal_outbox(deal["id"])
    assert table.event_types(rows) == ["deal.created", "deal.lost"]
    assert rows[-1]["payload"]["reason"] == "Lost to competitor - pricing"
    assert rows[-1]["payload"]["close_date"] == "2025-12-31"


def test_cannot_lose_a_won_deal(api: Api, deal: dict) -> None:
    api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    with table.nothing_written():
        reply = api.post(f"/sales/deals/{deal['id']}/lose", {"close_date": "2025-12-31", "reason": "oops"})
    assert_error(reply, 400, "MARK_LOST_FAILED")


def test_cannot_lose_twice(api: Api, deal: dict) -> None:
    api.post(f"/sales/deals/{deal['id']}/lose", {"reason": "first"})
    with table.nothing_written():
        reply = api.post(f"/sales/deals/{deal['id']}/lose", {"reason": "second"})
    assert_error(reply, 400, "MARK_LOST_FAILED")
    assert api.get(f"/sales/deals/{deal['id']}").data["loss_reason"] == "first"


def test_lose_unknown_deal_is_404(api: Api) -> None:
    assert_error(api.post(f"/sales/deals/{UNKNOWN_DEAL}/lose", {}), 404, "DEAL_NOT_FOUND")


# -- 9. delete and restore --------------------------------------------------------------------------
def test_delete_is_soft_and_answers_204(api: Api, deal: dict) -> None:
    reply = api.delete(f"/sales/deals/{deal['id']}")
    assert reply.status == 204
    assert reply.body is None
    assert_error(api.get(f"/sales/deals/{deal['id']}"), 404, "DEAL_NOT_FOUND")
    # Soft: the item is kept with its deletion time, and deal.deleted is in the outbox.
    [item] = table.partition(f"DEAL#{deal['id']}", "DEAL")
    assert item["deleted_at"]
    rows = table.deal_outbox(deal["id"])
    assert table.event_types(rows) == ["deal.created", "deal.deleted"]
    assert rows[-1]["payload"] == {"deal_id": deal["id"], "customer_id": deal["customer_id"]}


def test_a_deleted_deal_refuses_every_command_with_404(api: Api, deal: dict) -> None:
    api.delete(f"/sales/deals/{deal['id']}")
    path = f"/sales/deals/{deal['id']}"
    with table.nothing_written():
        for reply in (
            api.delete(path),
            api.put(f"{path}/stage", {"stage": "qualified"}),
            api.put(f"{path}/value", {"value": 1, "currency": "USD"}),
            api.put(f"{path}/basic-info", {"name": "x"}),
            api.post(f"{path}/win", {}),
            api.post(f"{path}/lose", {}),
            api.get(f"{path}/history"),
        ):
            assert_error(reply, 404, "DEAL_NOT_FOUND")


def test_restore_brings_the_deal_back(api: Api, deal: dict) -> None:
    api.delete(f"/sales/deals/{deal['id']}")
    reply = api.post(f"/sales/deals/{deal['id']}/restore")
    assert reply.status == 200, reply.body
    assert reply.data["id"] == deal["id"]
    assert reply.data["stage"] == "lead"
    assert reply.data["version"] == 3
    assert api.get(f"/sales/deals/{deal['id']}").status == 200
    assert table.event_types(table.deal_outbox(deal["id"])) == ["deal.created", "deal.deleted", "deal.restored"]


def test_restore_of_a_live_deal_changes_nothing(api: Api, deal: dict) -> None:
    with table.nothing_written():
        reply = api.post(f"/sales/deals/{deal['id']}/restore")
    assert reply.status == 200
    assert reply.data["version"] == 1


def test_restore_unknown_deal_is_404(api: Api) -> None:
    assert_error(api.post(f"/sales/deals/{UNKNOWN_DEAL}/restore"), 404, "DEAL_NOT_FOUND")


def test_restore_needs_a_live_customer(api: Api, deal: dict, contact: dict) -> None:
    assert api.delete(f"/sales/deals/{deal['id']}").status == 204
    assert api.delete(f"/sales/contacts/{contact['id']}").status == 204
    with table.nothing_written():
        reply = api.post(f"/sales/deals/{deal['id']}/restore")
    assert_error(reply, 422, "CUSTOMER_NOT_FOUND", "customer_id")
    assert api.post(f"/sales/contacts/{contact['id']}/restore").status == 200
    assert api.post(f"/sales/deals/{deal['id']}/restore").status == 200


def test_delete_unknown_deal_is_404(api: Api) -> None:
    assert_error(api.delete(f"/sales/deals/{UNKNOWN_DEAL}"), 404, "DEAL_NOT_FOUND")


def test_delete_with_a_non_uuid_is_400(api: Api) -> None:
    assert_error(api.delete("/sales/deals/nope"), 400, "VALIDATION_ERROR", "deal_id")


# -- If-Match / ETag --------------------------------------------------------------------------------
def test_if_match_with_the_current_version_succeeds(api: Api, deal: dict) -> None:
    etag = api.get(f"/sales/deals/{deal['id']}").headers["ETag"]
    reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"}, headers={"If-Match": etag})
    assert reply.status == 200, reply.body
    assert reply.headers["ETag"] == '"2"'


def test_if_match_accepts_weak_bare_and_star(api: Api, new_deal: NewDeal, subtests: Any) -> None:
    for header in ('W/"1"', "1", "*", ' "1" '):
        with subtests.test(header=header):
            deal = new_deal()
            reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"}, headers={"If-Match": header})
            assert reply.status == 200, reply.body


def test_stale_if_match_is_412_and_writes_nothing(api: Api, deal: dict) -> None:
    stale = api.get(f"/sales/deals/{deal['id']}").headers["ETag"]
    api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"})
    path = f"/sales/deals/{deal['id']}"
    with table.nothing_written():
        for reply in (
            api.put(f"{path}/stage", {"stage": "proposal"}, headers={"If-Match": stale}),
            api.put(f"{path}/value", {"value": 1, "currency": "USD"}, headers={"If-Match": stale}),
            api.put(f"{path}/basic-info", {"name": "Renamed"}, headers={"If-Match": stale}),
            api.post(f"{path}/win", {}, headers={"If-Match": stale}),
            api.post(f"{path}/lose", {}, headers={"If-Match": stale}),
            api.delete(path, headers={"If-Match": stale}),
        ):
            assert_error(reply, 412, "PRECONDITION_FAILED")
    assert api.get(path).data["stage"] == "qualified"


def test_a_future_version_in_if_match_is_412_too(api: Api, deal: dict) -> None:
    reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"}, headers={"If-Match": '"7"'})
    assert_error(reply, 412, "PRECONDITION_FAILED")


def test_malformed_if_match_is_400(api: Api, deal: dict) -> None:
    with table.nothing_written():
        reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "qualified"}, headers={"If-Match": "abc"})
    assert_error(reply, 400, "VALIDATION_ERROR")


def test_every_mutation_answers_the_new_etag(api: Api, deal: dict) -> None:
    path = f"/sales/deals/{deal['id']}"
    steps = [
        api.put(f"{path}/basic-info", {"name": "Renamed"}),
        api.put(f"{path}/value", {"value": 60000000, "currency": "USD"}),
        api.put(f"{path}/stage", {"stage": "proposal"}),
        api.post(f"{path}/win", {}),
    ]
    for version, reply in enumerate(steps, start=2):
        assert reply.status == 200, reply.body
        assert reply.data["version"] == version
        assert reply.headers["ETag"] == f'"{version}"'


# -- history ----------------------------------------------------------------------------------------
def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_history_lists_every_stage_change(api: Api, deal: dict) -> None:
    path = f"/sales/deals/{deal['id']}"
    assert api.put(f"{path}/stage", {"stage": "qualified"}).status == 200
    assert api.as_user(OTHER_USER).put(f"{path}/stage", {"stage": "proposal"}).status == 200
    assert api.put(f"{path}/stage", {"stage": "proposal"}).status == 200  # same stage: no entry
    assert api.put(f"{path}/stage", {"stage": "intake"}).status == 400  # refused: no entry
    assert api.put(f"{path}/value", {"value": 1, "currency": "USD"}).status == 200  # not a stage change
    assert api.put(f"{path}/stage", {"stage": "qualified"}).status == 200  # backward
    assert api.post(f"{path}/win", {"close_date": "2025-12-31"}).status == 200
    reply = api.get(f"{path}/history")
    assert reply.status == 200, reply.body
    assert reply.data["deal_id"] == deal["id"]
    assert reply.data["stage"] == "closed_won"
    entries = reply.data["entries"]
    assert [(entry["from_stage"], entry["to_stage"]) for entry in entries] == [
        (None, "lead"),
        ("lead", "qualified"),
        ("qualified", "proposal"),
        ("proposal", "qualified"),
        ("qualified", "closed_won"),
    ]
    assert [entry["actor"] for entry in entries] == [DEFAULT_USER, DEFAULT_USER, OTHER_USER, DEFAULT_USER, DEFAULT_USER]
    for entry in entries:
        assert set(entry) == {"from_stage", "to_stage", "actor", "at", "time_in_stage_seconds"}
        assert RFC3339_UTC.match(entry["at"])
    assert entries[0]["at"] == deal["created_at"]
    assert entries[0]["time_in_stage_seconds"] is None
    for previous, entry in itertools.pairwise(entries):
        assert _instant(entry["at"]) >= _instant(previous["at"])
        # Time spent in the stage left = the gap between entering it and leaving it.
        gap = _instant(entry["at"]) - _instant(previous["at"])
        assert entry["time_in_stage_seconds"] == int(gap.total_seconds())


def test_history_records_wins_and_losses_through_every_route(api: Api, new_deal: NewDeal) -> None:
    routes = {
        "win": ("post", "win", {}),
        "lose": ("post", "lose", {"reason": "budget"}),
        "stage-won": ("put", "stage", {"stage": "closed_won"}),
        "stage-lost": ("put", "stage", {"stage": "closed_lost"}),
    }
    for name, (method, suffix, body) in routes.items():
        deal = new_deal(name=name)
        assert getattr(api, method)(f"/sales/deals/{deal['id']}/{suffix}", body).status == 200
        entries = api.get(f"/sales/deals/{deal['id']}/history").data["entries"]
        closed = "closed_won" if "won" in name or name == "win" else "closed_lost"
        assert [(entry["from_stage"], entry["to_stage"]) for entry in entries] == [(None, "lead"), ("lead", closed)]


def test_history_errors(api: Api, deal: dict) -> None:
    assert_error(api.get(f"/sales/deals/{UNKNOWN_DEAL}/history"), 404, "DEAL_NOT_FOUND")
    assert_error(api.get("/sales/deals/nope/history"), 400, "VALIDATION_ERROR", "deal_id")
    api.delete(f"/sales/deals/{deal['id']}")
    assert_error(api.get(f"/sales/deals/{deal['id']}/history"), 404, "DEAL_NOT_FOUND")
    api.post(f"/sales/deals/{deal['id']}/restore")
    entries = api.get(f"/sales/deals/{deal['id']}/history").data["entries"]
    assert [entry["to_stage"] for entry in entries] == ["lead"]  # delete/restore are not stage changes


# -- outbox ---------------------------------------------------------------------------------------
def test_each_command_writes_its_events_with_the_version_it_produced(api: Api, deal: dict) -> None:
    path = f"/sales/deals/{deal['id']}"
    api.put(f"{path}/value", {"value": 60000000, "currency": "USD"})
    api.put(f"{path}/stage", {"stage": "negotiation"})
    api.post(f"{path}/win", {"actual_value": 58000000})
    api.delete(path)
    api.post(f"{path}/restore")
    rows = table.deal_outbox(deal["id"])
    assert table.event_types(rows) == [
        "deal.created",
        "deal.value_changed",
        "deal.stage_changed",
        "deal.won",
        "deal.deleted",
        "deal.restored",
    ]
    assert [row["aggregate_version"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert len({row["event_id"] for row in rows}) == len(rows)
    assert all(row["aggregate_id"] == deal["id"] and row["source"] == "sales" for row in rows)
    assert [row["occurred_at"] for row in rows] == sorted(row["occurred_at"] for row in rows)
    assert rows[3]["payload"]["value"] == rows[3]["payload"]["actual_value"] == 58000000


def test_failed_commands_write_no_event(api: Api, deal: dict) -> None:
    path = f"/sales/deals/{deal['id']}"
    api.post(f"{path}/win", {})
    with table.nothing_written():
        assert api.put(f"{path}/stage", {"stage": "lead"}).status == 400
        assert api.post(f"{path}/win", {}).status == 400
        assert api.post(f"{path}/lose", {}).status == 400
        assert api.put(f"{path}/value", {"value": 5, "currency": "USD"}).status == 400
    assert table.event_types(table.deal_outbox(deal["id"])) == ["deal.created", "deal.won"]


# -- seed usage examples --------------------------------------------------------------------------
def test_seed_example_1_create_and_close_deal(api: Api, contact: dict, future: str) -> None:
    created = api.post("/sales/deals", {**seed_body(contact["id"], future), "name": "Enterprise License"})
    assert created.status == 201, created.body
    deal_id = created.data["id"]
    for stage, probability in (("qualified", 25), ("proposal", 50), ("negotiation", 75)):
        reply = api.put(f"/sales/deals/{deal_id}/stage", {"stage": stage})
        assert reply.status == 200, reply.body
        assert (reply.data["stage"], reply.data["probability"]) == (stage, probability)
    won = api.post(f"/sales/deals/{deal_id}/win", {"close_date": "2025-12-31"})
    assert won.status == 200, won.body
    assert (won.data["stage"], won.data["probability"], won.data["actual_close_date"]) == (
        "closed_won",
        100,
        "2025-12-31",
    )
    entries = api.get(f"/sales/deals/{deal_id}/history").data["entries"]
    assert [entry["to_stage"] for entry in entries] == ["lead", "qualified", "proposal", "negotiation", "closed_won"]


def test_seed_example_2_update_value_during_negotiation(api: Api, deal: dict, days_ahead: Callable[[int], str]) -> None:
    deal_id = deal["id"]
    api.put(f"/sales/deals/{deal_id}/stage", {"stage": "negotiation"})
    value = api.put(f"/sales/deals/{deal_id}/value", {"value": 60000000, "currency": "USD"})
    assert value.status == 200, value.body
    assert (value.data["value"], value.data["currency"]) == (60000000, "USD")
    later = days_ahead(90)
    info = api.put(
        f"/sales/deals/{deal_id}/basic-info",
        {"name": "Enterprise License + Premium Support", "expected_close_date": later},
    )
    assert info.status == 200, info.body
    current = api.get(f"/sales/deals/{deal_id}").data
    assert current["name"] == "Enterprise License + Premium Support"
    assert current["expected_close_date"] == later
    assert current["value"] == 60000000
    assert (current["stage"], current["probability"]) == ("negotiation", 75)


def test_seed_example_3_track_lost_deal(api: Api, deal: dict, new_deal: NewDeal) -> None:
    new_deal()
    reply = api.post(
        f"/sales/deals/{deal['id']}/lose",
        {"close_date": "2025-12-31", "reason": "Customer chose competitor due to pricing"},
    )
    assert reply.status == 200, reply.body
    assert reply.data["loss_reason"] == "Customer chose competitor due to pricing"
    stats = api.get("/sales/deals/stats/pipeline").data["stats"]
    assert stats["closed_lost"] == 1
    assert stats["lead"] == 1


def test_seed_example_4_sales_pipeline_dashboard(api: Api, new_deal: NewDeal) -> None:
    proposal = new_deal(name="In proposal")
    api.put(f"/sales/deals/{proposal['id']}/stage", {"stage": "proposal"})
    won = new_deal(name="Won", value=2250000000)
    api.post(f"/sales/deals/{won['id']}/win", {"close_date": "2025-12-31"})
    new_deal(name="Lead")
    pipeline = api.get("/sales/deals/stats/pipeline")
    assert pipeline.status == 200
    assert {stage: count for stage, count in pipeline.data["stats"].items() if count} == {
        "lead": 1,
        "proposal": 1,
        "closed_won": 1,
    }
    in_proposal = api.get("/sales/deals/stage/proposal")
    assert in_proposal.status == 200
    assert [(item["id"], item["stage"], item["name"], item["value"]) for item in in_proposal.data] == [
        (proposal["id"], "proposal", "In proposal", 50000000)
    ]
    won_stats = api.get("/sales/deals/stats/won")
    assert won_stats.status == 200
    assert (won_stats.data["count"], won_stats.data["total_value"]) == (1, 2250000000)


def test_pattern_1_quick_win(api: Api, deal: dict) -> None:
    reply = api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    assert reply.status == 200, reply.body
    assert (reply.data["stage"], reply.data["probability"]) == ("closed_won", 100)
    entries = api.get(f"/sales/deals/{deal['id']}/history").data["entries"]
    assert [(entry["from_stage"], entry["to_stage"]) for entry in entries] == [
        (None, "lead"),
        ("lead", "closed_won"),
    ]


def test_pattern_2_full_pipeline(api: Api, deal: dict) -> None:
    for stage in ("qualified", "proposal", "negotiation"):
        assert api.put(f"/sales/deals/{deal['id']}/stage", {"stage": stage}).status == 200
    reply = api.post(f"/sales/deals/{deal['id']}/win", {"close_date": "2025-12-31"})
    assert reply.status == 200
    assert reply.data["version"] == 5
    assert table.event_types(table.deal_outbox(deal["id"])) == [
        "deal.created",
        "deal.stage_changed",
        "deal.stage_changed",
        "deal.stage_changed",
        "deal.won",
    ]


def test_pattern_3_price_negotiation(api: Api, deal: dict) -> None:
    reply = api.put(f"/sales/deals/{deal['id']}/value", {"value": 75000000, "currency": "USD"})
    assert reply.status == 200, reply.body
    assert reply.data["value"] == 75000000
    assert api.get("/sales/deals/stats/pipeline").data["open_value"] == {"lead": {"USD": 75000000}}


def test_won_event_after_actual_value_matches_the_stored_deal(api: Api, deal: dict) -> None:
    reply = api.put(f"/sales/deals/{deal['id']}/stage", {"stage": "closed_won"})
    stored = api.get(f"/sales/deals/{deal['id']}").data
    payload = table.deal_outbox(deal["id"])[-1]["payload"]
    assert set(payload) >= DEAL_WON_KEYS
    for key in ("customer_id", "name", "value", "currency", "assigned_to", "note", "actual_value"):
        assert payload[key] == stored[key], key
    assert payload["close_date"] == stored["actual_close_date"] == reply.data["actual_close_date"]
    assert payload["close_date"] <= utc_today()
