"""Schemathesis against the local server, from the OpenAPI document it serves (the committed docs/openapi.json).

Every phase runs (the spec's examples, the coverage of each schema's edges, random fuzzing, and stateful
sequences along the spec's links: a created contact's id becomes a deal's customer_id, ...), bounded by
a number of cases per operation (FUZZ_MAX_EXAMPLES, else about 240 cases spread over the
operations, 2 to 8 each, so the run stays bounded as operations are added), with a fixed seed so a run is
reproducible (FUZZ_SEED picks another).

Checked on every response: no 5xx; the status is one the operation documents; its Content-Type and headers
are the documented ones; the body matches the documented schema (the success envelope or the ErrorEnvelope);
a deleted record is gone and a created one can be read back.

Not checked, on purpose:
- ignored_auth, missing_required_header: locally a request without Authorization runs as the default dev
  principal (docs/local-runtime.md), where API Gateway's Cognito authorizer answers 401.
- positive_data_acceptance, negative_data_rejection: many refusals depend on state no schema states (the
  customer must be a live contact, expected_close_date in the future, If-Match the current version, a won deal
  cannot be lost), and an X-Correlation-Id outside its pattern is replaced by the request id, not refused.
  A 4xx is a valid answer as long as it is documented and carries the error envelope, which the checks above
  verify.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import LocalServer

pytestmark = pytest.mark.e2e

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "use_after_free",
    "ensure_resource_availability",
)
OPERATIONS = sum(
    1
    for item in json.loads((Path(__file__).parents[2] / "docs" / "openapi.json").read_text(encoding="utf-8"))[
        "paths"
    ].values()
    for method in item
    if method in ("get", "post", "put", "patch", "delete")
)
# About 240 cases in all: 8 an operation for the first 30 operations, fewer (never under 2) beyond, so the
# run's time stays near two minutes as operations are added (FUZZ_MAX_EXAMPLES=8 for a deeper run).
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", str(max(2, min(8, 240 // OPERATIONS)))))
SEED = int(os.environ.get("FUZZ_SEED", "20261126"))
# A guard against a hung run, not a time budget (how long the suite takes is make test's concern, not a test's):
# about 4 minutes on an idle 2-core machine, so a loaded one has room.
TIMEOUT = 1200
# A dev token for every request (docs/local-runtime.md): without it, Schemathesis would send made-up bearer
# tokens, and every call would stop at the 401. An admin may call every operation of both contexts (a sales rep
# would stop at Billing's 403 and the partner program's), so every handler is fuzzed past its policy.
TOKEN = "Bearer dev:019b72b6-0000-7000-8000-00000000f022:admin"


def test_the_api_answers_as_its_openapi_document_says(sales_server: LocalServer, tmp_path: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{sales_server.url}/openapi.json",
        "--url",
        sales_server.url,
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        # One worker: concurrent workers hit a thread-safety bug of CPython 3.11's ast module in Hypothesis
        # ("AST constructor recursion depth mismatch"); the server serialises invocations anyway.
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--generation-database",
        "none",
        "--header",
        f"Authorization: {TOKEN}",
        "--report",
        "har",
        "--report-dir",
        str(tmp_path / "report"),
        "--no-color",
    ]
    # Its own folder: no schemathesis.toml or .hypothesis/ of the repository is read or written.
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "120"}
    try:
        run = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as error:
        output = error.stdout if isinstance(error.stdout, str) else (error.stdout or b"").decode(errors="replace")
        pytest.fail(f"schemathesis ran longer than {TIMEOUT}s:\n{output[-6000:]}", pytrace=False)
    output = run.stdout + run.stderr
    if run.returncode != 0:
        failures = output[output.find("=== FAILURES") :] if "=== FAILURES" in output else output
        errors = output[output.find("=== ERRORS") :] if "=== ERRORS" in output else ""
        pytest.fail(
            f"schemathesis exited {run.returncode} (seed {SEED}; requests in {tmp_path / 'report'}):\n"
            f"{(errors or failures)[:12000]}\n...\n{output[-3000:]}",
            pytrace=False,
        )
    # Warnings (such as "operations repeatedly returned 404": random ids name no record) do not fail the run.
    counts = re.search(r"(\d+) generated, (\d+) passed", output)
    assert counts and int(counts[2]) >= MAX_EXAMPLES * OPERATIONS, f"schemathesis ran too few cases:\n{output[-3000:]}"
