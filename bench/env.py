"""The process environment of an in-process run: the functions' variables from the templates, fake AWS.

Call `configure()` before anything imports `sales` (Powertools and the settings read it at import time).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REGION = "eu-west-1"
TABLE = "sales-test"
BUS = "sales-test-bus"
IDEMPOTENCY_TABLE = "sales-test-idempotency"

FAKE_AWS = {
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def _resolve(value: Any, parameters: dict[str, Any]) -> str:
    """A template value with every Ref replaced: parameter defaults, or a stand-in physical name."""
    if isinstance(value, dict) and "Ref" in value:
        name = value["Ref"]
        default = parameters.get(name, {}).get("Default")
        return str(default) if default is not None else f"sales-bench-{name}"
    return str(value)


def function_environment(logical_id: str | None = None, context: str = "sales") -> dict[str, str]:
    """A function's environment (its stack's Globals + its own) from template.yaml and its nested stacks, Refs
    resolved locally; without a function, the variables every function of `context` shares (its Globals)."""
    from local.template import load_template

    template = load_template(ROOT / "template.yaml")  # nested stacks inlined, Globals applied
    parameters = template.get("Parameters", {})
    resources = template["Resources"]
    if logical_id:
        variables = dict(resources[logical_id]["Properties"].get("Environment", {}).get("Variables", {}))
    else:
        environments = [
            resource["Properties"].get("Environment", {}).get("Variables", {})
            for resource in resources.values()
            if resource["Type"] == "AWS::Serverless::Function"
            and str(resource["Properties"].get("CodeUri", "")).startswith(f"functions/{context}/")
        ]
        if not environments:
            raise ValueError(f"no function of the {context} context in the templates")
        variables = {
            name: value
            for name, value in environments[0].items()
            if all(env.get(name) == value for env in environments)
        }
    return {name: _resolve(value, parameters) for name, value in variables.items()}


def configure() -> None:
    """In-process runs: the template's variables with the moto table names, metrics on, tracing off
    (as outside Lambda), logs at the template's default level."""
    variables = function_environment()
    variables.update(
        TABLE_NAME=TABLE, EVENT_BUS_NAME=BUS, EVENT_SOURCE="sales", IDEMPOTENCY_TABLE_NAME=IDEMPOTENCY_TABLE
    )
    os.environ.update(FAKE_AWS)
    os.environ.update(variables)
    os.environ["POWERTOOLS_TRACE_DISABLED"] = "1"
    for name in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        del os.environ[name]
