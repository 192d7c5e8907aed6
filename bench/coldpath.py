"""The cold path as a caller waits for it: a fresh process imports the handler and answers its first request.

Everything a cold invocation pays is in it: imports, settings, the resolver, the boto3 client and its endpoint
and credential resolution, the first model validation, and the DynamoDB round trips of the request itself,
against a moto server holding the template's tables (a contact and an open deal under the sample events' ids,
written again before every run, so every command reaches its write). The floor is the same in bare boto3:
import it, create a DynamoDB client, one GetItem. Both run in the same interpreter, interleaved, as fresh
processes; the figure is the median wall time of each and the ratio is function / floor.

Both clocks stop when the answer is ready, not when the process exits: Lambda keeps the process for the next
request, so its teardown (unloading a few hundred modules, about a quarter of a second here) is never waited
for. The child reports the monotonic time and its own CPU time at that moment, then leaves with os._exit.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.coldstart import Function, Samples, _environment
from bench.env import FAKE_AWS, REGION, ROOT, function_environment

# Printed by the child when its answer is ready: the monotonic clock (shared by every process on the machine)
# and the CPU time the process has used so far.
_READY = (
    "import os, resource, time\n"
    "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print(time.monotonic(), usage.ru_utime + usage.ru_stime, flush=True)\n"
    "os._exit(0)\n"
)
FLOOR = (
    "import os, boto3\n"
    "client = boto3.client('dynamodb')\n"
    "client.get_item(TableName=os.environ['TABLE_NAME'], Key={'PK': {'S': 'COLD'}, 'SK': {'S': 'PATH'}})\n" + _READY
)
# What any handler built on this stack pays at least, with no code of its own: the floor, plus importing
# pydantic and validating and dumping one small model (its validator is built on that first use), and the
# Powertools Logger and Metrics writing one log line and one metric. It shows how much of the target the
# libraries the service is built on leave to the service's own code.
LIBRARIES = (
    "import os, boto3\n"
    "from datetime import date\n"
    "from pydantic import BaseModel, Field\n"
    "from aws_lambda_powertools import Logger, Metrics\n"
    "from aws_lambda_powertools.metrics import MetricUnit\n"
    "logger, metrics = Logger(service='floor'), Metrics(namespace='Floor', service='floor')\n"
    "class Item(BaseModel):\n"
    "    name: str = Field(min_length=1)\n"
    "    amount: int = Field(ge=0)\n"
    "    due: date | None = None\n"
    "client = boto3.client('dynamodb')\n"
    "client.get_item(TableName=os.environ['TABLE_NAME'], Key={'PK': {'S': 'COLD'}, 'SK': {'S': 'PATH'}})\n"
    "item = Item.model_validate({'name': 'x', 'amount': 1, 'due': '2030-01-01'}).model_dump(mode='json')\n"
    "logger.info('answered', extra={'item': item})\n"
    "metrics.add_metric(name='Requests', unit=MetricUnit.Count, value=1)\n"
    "metrics.flush_metrics()\n" + _READY
)
FIRST_RESPONSE = (
    "import json, sys\n"
    "import app\n"
    "class Context:\n"
    "    function_name = 'bench'; memory_limit_in_mb = 512; aws_request_id = 'bench'\n"
    "    invoked_function_arn = 'arn:aws:lambda:eu-west-1:123456789012:function:bench'\n"
    "    def get_remaining_time_in_millis(self): return 10000\n"
    "with open(sys.argv[1]) as handle:\n"
    "    app.lambda_handler(json.load(handle), Context())\n" + _READY
)


def _run(python: str, code: str, env: dict[str, str], *args: str) -> tuple[float, float]:
    """Wall and CPU seconds from the start of a fresh interpreter to its answer."""
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [python, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{python} -c {code!r} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    ready, cpu = (float(value) for value in lines[-1].split())
    return ready - started, cpu


@dataclass
class ColdPath:
    floor: Samples = field(default_factory=Samples)
    libraries: Samples = field(default_factory=Samples)
    functions: dict[str, Samples] = field(default_factory=dict)
    rounds: int = 0

    def ratio(self, folder: str) -> float:
        return self.functions[folder].median / self.floor.median

    def cpu_ratio(self, folder: str) -> float:
        return self.functions[folder].cpu_median / self.floor.cpu_median

    @property
    def libraries_ratio(self) -> float:
        """The libraries' own cold path (LIBRARIES) over the floor: what is left of the target is the service's."""
        return self.libraries.median / self.floor.median

    @property
    def worst(self) -> tuple[str, float]:
        folder = max(self.functions, key=self.ratio)
        return folder, self.ratio(folder)

    @property
    def median_ratio(self) -> float:
        ratios = sorted(self.ratio(folder) for folder in self.functions)
        return ratios[len(ratios) // 2]


def _client(service: str, url: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=url, region_name=REGION, **_credentials())  # type: ignore[call-overload]


def _credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": FAKE_AWS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": FAKE_AWS["AWS_SECRET_ACCESS_KEY"],
    }


def _create_tables(url: str) -> None:
    from local.template import load_template

    resources = load_template(ROOT / "template.yaml")["Resources"]
    names = function_environment()
    client = _client("dynamodb", url)
    for logical_id, variable in (("SalesTable", "TABLE_NAME"), ("IdempotencyTable", "IDEMPOTENCY_TABLE_NAME")):
        props = resources[logical_id]["Properties"]
        request: dict[str, Any] = {
            "TableName": names[variable],
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if props.get("GlobalSecondaryIndexes"):
            request["GlobalSecondaryIndexes"] = [
                {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
                for index in props["GlobalSecondaryIndexes"]
            ]
        client.create_table(**request)
    _client("events", url).create_event_bus(Name=names["EVENT_BUS_NAME"])


def _seed(url: str) -> None:
    """A live contact, an open deal and a draft quote of it under the ids the sample events name, as new (the
    quote PDF function's first response renders a real document)."""
    from kernel.dynamodb.codec import to_attributes
    from kernel.money import Money
    from sales.contact.model import Contact, ContactKind
    from sales.contact.store import contact_item
    from sales.deal.model import Deal
    from sales.deal.store import deal_item
    from sales.quote.model import Quote, quote_number
    from sales.quote.store import quote_item
    from tools.sample_events import CONTACT_ID, DEAL_ID
    from tools.samples import FIXTURES

    now = datetime.now(UTC)
    contact = Contact.create(kind=ContactKind.ORGANIZATION, display_name="Acme Cold GmbH", owner_id="bench", now=now)
    contact.id, contact.version = CONTACT_ID, 1
    deal = Deal.create(
        customer_id=CONTACT_ID,
        assigned_to="0192f1c4-7d3e-7a10-8b55-3c1d2e4f5a6b",
        name="Cold deal",
        value=Money(100_000, "USD"),
        expected_close_date=date.today() + timedelta(days=90),
        actor="bench",
        now=now,
        deal_id=DEAL_ID,
    )
    deal.version = 1
    quote = Quote.create(
        deal_id=DEAL_ID,
        customer_id=CONTACT_ID,
        customer_name=contact.display_name,
        currency="USD",
        lines=[{"description": "Cold deal", "quantity": 1, "unit_price": 100_000, "discount_percent": "0"}],
        tier=None,
        tier_percentages={},
        number=quote_number(now.year, 1),
        valid_until=None,
        notes=None,
        today=now.date(),
        now=now,
        quote_id=FIXTURES["quote"]["id"],
    )
    quote.version = 1
    client = _client("dynamodb", url)
    table = function_environment()["TABLE_NAME"]
    for item in (contact_item(contact), deal_item(deal), quote_item(quote)):
        client.put_item(TableName=table, Item=to_attributes(item))


@contextmanager
def moto_world() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    from local import moto_fixes

    moto_fixes.install()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        _create_tables(url)
        yield url
    finally:
        server.stop()


def measure(python: str, functions: Sequence[Function], rounds: int) -> ColdPath:
    result = ColdPath(functions={function.folder: Samples() for function in functions}, rounds=rounds)
    with moto_world() as url:
        endpoints = {"AWS_ENDPOINT_URL_DYNAMODB": url, "AWS_ENDPOINT_URL_EVENTBRIDGE": url}
        floor_env = _environment(None, endpoints)
        for _round in range(rounds):
            for index, function in enumerate(functions):
                if index % 3 == 0:
                    _seed(url)
                    wall, cpu = _run(python, FLOOR, floor_env)
                    result.floor.wall.append(wall)
                    result.floor.cpu.append(cpu)
                if index == 0:
                    wall, cpu = _run(python, LIBRARIES, floor_env)
                    result.libraries.wall.append(wall)
                    result.libraries.cpu.append(cpu)
                _seed(url)
                wall, cpu = _run(python, FIRST_RESPONSE, _environment(function, endpoints), str(function.sample_event))
                result.functions[function.folder].wall.append(wall)
                result.functions[function.folder].cpu.append(cpu)
    return result


if __name__ == "__main__":
    import sys

    from bench import env

    for layer in ("billing", "sales", "kernel"):
        sys.path.insert(0, str(env.ROOT / "layers" / layer))
    env.configure()
    os.environ.pop("AWS_ENDPOINT_URL", None)
    from bench.coldstart import functions as all_functions

    python = sys.argv[1] if len(sys.argv) > 1 else sys.executable
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    found = measure(python, all_functions(), rounds)
    print(f"floor {found.floor.median * 1000:.0f} ms, {found.floor.cpu_median * 1000:.0f} ms CPU")
    print(f"libraries {found.libraries.median * 1000:.0f} ms {found.libraries_ratio:.2f}x")
    for folder in sorted(found.functions, key=found.ratio):
        samples = found.functions[folder]
        print(
            f"{folder:28} {samples.median * 1000:6.0f} ms {found.ratio(folder):.2f}x  "
            f"CPU {samples.cpu_median * 1000:5.0f} ms {found.cpu_ratio(folder):.2f}x"
        )
    print(f"median {found.median_ratio:.2f}x, worst {found.worst[0]} {found.worst[1]:.2f}x")
