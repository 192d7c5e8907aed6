"""Every sample under events/ (the ones `sam local invoke -e` and `make invoke` use) runs through its handler."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.api import LambdaContext, function_module
from tests.support.aws import ROOT

API_SAMPLES = sorted((ROOT / "events" / "sales" / "api").glob("*.json"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text())


@pytest.mark.parametrize("sample", API_SAMPLES, ids=lambda p: p.stem)
def test_api_sample_gets_an_enveloped_answer(aws, sample):
    response = function_module(f"sales/{sample.stem}").lambda_handler(_load(sample), LambdaContext())
    assert response["statusCode"] < 500, response
    if response["statusCode"] != 204:
        body = json.loads(response["body"])
        assert body["status"] in {"success", "error"}
        if body["status"] == "error":
            # The samples name ids that do not exist in an empty table: a clean 404/422, never a 400.
            assert response["statusCode"] in {404, 422}, body
            code = body["error"]["code"]
            assert code.endswith("NOT_FOUND") or code == "INVALID_REFERENCE", body


def test_contact_create_sample_creates_a_contact(aws):
    response = function_module("sales/contact_create").lambda_handler(
        _load(ROOT / "events" / "sales" / "api" / "contact_create.json"), LambdaContext()
    )
    assert response["statusCode"] == 201
    assert json.loads(response["body"])["data"]["display_name"]


def test_stream_sample_is_relayed(aws):
    event = _load(ROOT / "events" / "sales" / "stream" / "outbox_relay.json")
    assert function_module("sales/outbox_relay").lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}


def test_billing_stream_sample_is_relayed_with_the_billing_source(aws, monkeypatch):
    from kernel import relay

    module = function_module("billing/outbox_relay")
    sent: list[dict] = []
    put_events = relay.put_events

    def spy(entries):
        sent.extend(entries)
        return put_events(entries)

    monkeypatch.setattr(relay, "put_events", spy)
    event = _load(ROOT / "events" / "billing" / "stream" / "outbox_relay.json")
    assert module.lambda_handler(event, LambdaContext()) == {"batchItemFailures": []}
    assert [entry["Source"] for entry in sent] == ["billing"] * len(event["Records"])


def test_samples_are_what_the_generator_writes():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "tools.sample_events", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
