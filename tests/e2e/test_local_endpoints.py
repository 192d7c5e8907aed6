"""Pointed at an external endpoint (here a separately started moto_server), the runtime starts no embedded
backend for those services and creates what the template declares there."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from tests.e2e.harness import FIXTURE_PROJECT, LocalServer, clean_env, die_with_parent, free_port, wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    binary = Path(sys.executable).parent / "moto_server"
    command = [str(binary), "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(command, stdout=log, stderr=log, preexec_fn=die_with_parent)
    url = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=2):
                return True
        except OSError:
            return False

    try:
        wait_for(up, timeout=30)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _table_keys(endpoint: str) -> set[str]:
    ddb = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    return {item["pk"]["S"] for item in ddb.scan(TableName="sales-local-items")["Items"]}


def test_aws_endpoint_url_replaces_the_embedded_backend(moto_server: str, tmp_path: Path) -> None:
    env = clean_env(AWS_ENDPOINT_URL=moto_server)
    server = LocalServer(tmp_path / "state", root=FIXTURE_PROJECT, env=env).start()
    try:
        backend = server.request("GET", "/_local/health").json["backend"]
        assert backend == {s: moto_server for s in ("dynamodb", "dynamodbstreams", "events", "sqs", "sesv2")}
        item_id = server.request("POST", "/items", {"name": "external"}).json["data"]["id"]
        assert f"ITEM#{item_id}" in _table_keys(moto_server)
        # The sender identity was created there, so the handler's SendEmail succeeds; the runtime cannot list
        # what an SES it does not embed sent.
        sent = server.request("POST", "/notify", {"to": "a@customer.example", "subject": "s", "text": "t"})
        assert sent.status == 202, sent.body
        emails = server.request("GET", "/_local/emails")
        assert emails.status == 404
        assert emails.json["error"]["code"] == "EMAILS_NOT_EMBEDDED"
        assert f"SES runs at {moto_server}" in emails.json["error"]["message"]
        # Stream, relay, bus and the events tap all work on the external endpoint too.
        wait_for(lambda: [e for e in server.events("item.created") if e["detail"]["data"]["item_id"] == item_id])
    finally:
        assert server.stop() == 0
    assert not (tmp_path / "state" / "state.json").exists(), "external tables are not snapshotted"

    # A second start finds everything in place (creates only what is missing) and sees the same data.
    again = LocalServer(tmp_path / "state", root=FIXTURE_PROJECT, env=env).start()
    try:
        assert again.request("GET", f"/items/{item_id}").status == 200
    finally:
        assert again.stop() == 0


def test_a_dynamodb_only_endpoint_keeps_the_rest_embedded(moto_server: str, tmp_path: Path) -> None:
    env = clean_env(AWS_ENDPOINT_URL_DYNAMODB=moto_server)
    server = LocalServer(tmp_path / "state", root=FIXTURE_PROJECT, env=env).start()
    try:
        backend = server.request("GET", "/_local/health").json["backend"]
        assert backend["dynamodb"] == backend["dynamodbstreams"] == moto_server
        assert backend["events"] == backend["sqs"] == backend["sesv2"] != moto_server
        item_id = server.request("POST", "/items", {"name": "split"}).json["data"]["id"]
        assert f"ITEM#{item_id}" in _table_keys(moto_server)
        wait_for(lambda: [e for e in server.events("item.created") if e["detail"]["data"]["item_id"] == item_id])
    finally:
        assert server.stop() == 0
