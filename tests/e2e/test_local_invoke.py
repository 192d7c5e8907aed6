"""`python -m local invoke` (what `make invoke FN=... EVENT=...` runs): one function, one event, JSON out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import FIXTURE_PROJECT, REPO, clean_env

pytestmark = pytest.mark.e2e


def invoke(*args: str, root: Path = FIXTURE_PROJECT, state_dir: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "local", "invoke", *args, "--root", str(root), "--state-dir", str(state_dir)]
    return subprocess.run(command, cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=60)


def api_event(path: str) -> dict[str, object]:
    return {
        "resource": "/echo/{proxy+}",
        "path": path,
        "httpMethod": "GET",
        "headers": None,
        "multiValueHeaders": None,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": {"proxy": path.removeprefix("/echo/")},
        "requestContext": {"stage": "v1", "authorizer": {"claims": {"sub": "u-1", "cognito:groups": "sales"}}},
        "body": None,
        "isBase64Encoded": False,
    }


def test_invoke_prints_only_the_return_value_on_stdout(tmp_path: Path) -> None:
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(api_event("/echo/hello")))
    result = invoke("EchoFunction", str(event_file), state_dir=tmp_path / "state")
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)  # exactly one JSON document: the handler's print went to stderr
    assert response["statusCode"] == 200
    echoed = json.loads(response["body"])
    assert echoed["function"] == "sales-local-EchoFunction"
    assert echoed["env"]["TABLE_NAME"] == "sales-local-items"
    assert echoed["request_context"]["authorizer"]["claims"]["sub"] == "u-1"
    assert "echo: GET /echo/hello" in result.stderr


def test_invoke_a_stream_consumer(tmp_path: Path) -> None:
    record = {
        "eventID": "1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "eu-west-1",
        "dynamodb": {
            "Keys": {"pk": {"S": "OUTBOX#e-1"}},
            "NewImage": {
                "pk": {"S": "OUTBOX#e-1"},
                "event_id": {"S": "e-1"},
                "event_type": {"S": "item.created"},
                "data": {"S": json.dumps({"item_id": "i-1"})},
            },
            "SequenceNumber": "100",
            "SizeBytes": 10,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": "arn:aws:dynamodb:eu-west-1:123456789012:table/sales-local-items/stream/x",
    }
    event_file = tmp_path / "stream.json"
    event_file.write_text(json.dumps({"Records": [record]}))
    result = invoke("RelayFunction", str(event_file), state_dir=tmp_path / "state")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"batchItemFailures": []}


def test_invoke_reports_a_handler_error_as_json_and_fails(tmp_path: Path) -> None:
    event = api_event("/echo/boom")
    event["queryStringParameters"] = {"crash": "1"}
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    result = invoke("EchoFunction", str(event_file), state_dir=tmp_path / "state")
    assert result.returncode == 1
    error = json.loads(result.stdout)
    assert error["errorType"] == "RuntimeError"
    assert error["errorMessage"] == "asked to crash"


def test_invoke_refuses_an_unknown_function_or_an_unreadable_event(tmp_path: Path) -> None:
    event_file = tmp_path / "event.json"
    event_file.write_text("{}")
    unknown = invoke("NoSuchFunction", str(event_file), state_dir=tmp_path / "state")
    assert unknown.returncode == 2
    assert "EchoFunction" in unknown.stderr  # lists what the template declares
    assert unknown.stdout == ""
    unreadable = invoke("EchoFunction", str(tmp_path / "missing.json"), state_dir=tmp_path / "state")
    assert unreadable.returncode == 2
    assert "missing.json" in unreadable.stderr
    event_file.write_text("{not json")
    assert invoke("EchoFunction", str(event_file), state_dir=tmp_path / "state").returncode == 2
