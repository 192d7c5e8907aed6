"""The AWS side: endpoints (embedded moto or the ones the environment names), clients, and creating the
tables, buses, queues and SES sender identities the template declares when they are missing."""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from local.project import EMAIL_IDENTITY_TYPE, TABLE_TYPES, Project

log = logging.getLogger("local.backend")

# service -> environment variables naming its endpoint. The first name is the one botocore reads
# (AWS_ENDPOINT_URL_<service id>); the others are accepted spellings.
ENDPOINT_VARIABLES: Mapping[str, tuple[str, ...]] = {
    "dynamodb": ("AWS_ENDPOINT_URL_DYNAMODB",),
    "dynamodbstreams": ("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "AWS_ENDPOINT_URL_DYNAMODBSTREAMS"),
    "events": ("AWS_ENDPOINT_URL_EVENTBRIDGE", "AWS_ENDPOINT_URL_EVENTS"),
    "sqs": ("AWS_ENDPOINT_URL_SQS",),
    # botocore's service id is SESv2. moto keeps SES v1 and v2 in one backend, so a handler still on the v1
    # client (AWS_ENDPOINT_URL, below) reaches the same identities and sent emails.
    "sesv2": ("AWS_ENDPOINT_URL_SESV2",),
}
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def external_endpoints(environ: Mapping[str, str]) -> dict[str, str]:
    """The endpoints the environment names, per service."""
    generic = environ.get("AWS_ENDPOINT_URL")
    found: dict[str, str] = {}
    for service, names in ENDPOINT_VARIABLES.items():
        url = next((environ[name] for name in names if environ.get(name)), generic)
        if url:
            found[service] = url
    # DynamoDB Local and moto serve streams on the DynamoDB endpoint.
    if "dynamodb" in found and "dynamodbstreams" not in found:
        found["dynamodbstreams"] = found["dynamodb"]
    return found


@dataclass
class Backend:
    region: str
    environ: MutableMapping[str, str] = field(default_factory=lambda: os.environ)
    endpoints: dict[str, str] = field(default_factory=dict)
    embedded_url: str | None = None
    _server: Any = None
    _clients: dict[str, Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def embedded_services(self) -> list[str]:
        return sorted(s for s, url in self.endpoints.items() if url == self.embedded_url)

    def start(self) -> None:
        """Start moto for every service the environment does not point elsewhere, then export the
        endpoints, region and dummy credentials for the in-process handlers (boto3 reads them)."""
        self.endpoints = external_endpoints(self.environ)
        missing = [service for service in ENDPOINT_VARIABLES if service not in self.endpoints]
        if missing:
            self._start_moto()
            assert self.embedded_url is not None
            for service in missing:
                self.endpoints[service] = self.embedded_url
        for names in ENDPOINT_VARIABLES.values():
            for name in names[1:]:
                self.environ.pop(name, None)
        for service, names in ENDPOINT_VARIABLES.items():
            self.environ[names[0]] = self.endpoints[service]
        if self.embedded_url:
            # Anything else the handlers might call stays local too.
            self.environ["AWS_ENDPOINT_URL"] = self.environ.get("AWS_ENDPOINT_URL", self.embedded_url)
        self.environ.update(DUMMY_CREDENTIALS)
        self.environ.pop("AWS_PROFILE", None)
        self.environ["AWS_DEFAULT_REGION"] = self.region
        self.environ["AWS_REGION"] = self.region

    def _start_moto(self) -> None:
        from moto.server import ThreadedMotoServer

        from local import moto_fixes

        moto_fixes.install()
        # moto's werkzeug server logs every request; the local runtime logs its own lines.
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.embedded_url = f"http://{host}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = boto3.session.Session().client(
                    service,  # type: ignore[call-overload]
                    region_name=self.region,
                    endpoint_url=self.endpoints[service],
                    aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                    aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
                    config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=30),
                )
            return self._clients[service]

    def trim_stream_iterators(self, keep: int = 64) -> None:
        """moto keeps every shard iterator it ever handed out (one per GetRecords call); a poller
        asking five times a second would grow it without bound. Only for the embedded server."""
        if "dynamodbstreams" not in self.embedded_services:
            return
        from moto.dynamodbstreams.models import dynamodbstreams_backends

        for account in list(dynamodbstreams_backends.keys()):
            for region_backend in list(dynamodbstreams_backends[account].values()):
                iterators = region_backend.shard_iterators
                for arn in list(iterators)[:-keep]:
                    iterators.pop(arn, None)


# -- creating what the template declares ------------------------------------------------------------------


def bootstrap(project: Project, backend: Backend) -> list[str]:
    """Create missing tables, buses, queues and email identities; record their real ids in the resolver.
    Returns what was created (for the banner)."""
    created: list[str] = []
    created += _bootstrap_tables(project, backend)
    created += _bootstrap_buses(project, backend)
    created += _bootstrap_queues(project, backend)
    created += _bootstrap_email_identities(project, backend)
    return created


def _table_request(name: str, props: Mapping[str, Any], kind: str) -> dict[str, Any]:
    if kind == "AWS::Serverless::SimpleTable":
        key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
        scalar = {"String": "S", "Number": "N", "Binary": "B"}[key["Type"]]
        return {
            "TableName": name,
            "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": scalar}],
            "BillingMode": "PAY_PER_REQUEST",
        }
    on_demand = props.get("BillingMode") == "PAY_PER_REQUEST"
    throughput = props.get("ProvisionedThroughput") or {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}

    def index(spec: Mapping[str, Any], with_throughput: bool) -> dict[str, Any]:
        request = {key: spec[key] for key in ("IndexName", "KeySchema", "Projection") if key in spec}
        if with_throughput and not on_demand:
            request["ProvisionedThroughput"] = spec.get("ProvisionedThroughput") or throughput
        return request

    request: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": "PAY_PER_REQUEST" if on_demand else "PROVISIONED",
    }
    if not on_demand:
        request["ProvisionedThroughput"] = throughput
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [index(i, True) for i in props["GlobalSecondaryIndexes"]]
    if props.get("LocalSecondaryIndexes"):
        request["LocalSecondaryIndexes"] = [index(i, False) for i in props["LocalSecondaryIndexes"]]
    stream = props.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    return request


def _bootstrap_tables(project: Project, backend: Backend) -> list[str]:
    ddb = backend.client("dynamodb")
    resolver = project.resolver
    created = []
    for logical_id, resource in project.resources_of(*TABLE_TYPES).items():
        props = resolver.resolve(resource.get("Properties") or {})
        name = resolver.physical_name(logical_id)
        request = _table_request(name, props, resource["Type"])
        try:
            table = ddb.describe_table(TableName=name)["Table"]
            _add_missing_table_parts(ddb, table, request)
            table = ddb.describe_table(TableName=name)["Table"]
        except ddb.exceptions.ResourceNotFoundException:
            table = ddb.create_table(**request)["TableDescription"]
            created.append(f"table {name}")
        ttl = props.get("TimeToLiveSpecification") or {}
        if ttl.get("Enabled"):
            _enable_ttl(ddb, name, ttl["AttributeName"])
        attributes = {"Arn": table["TableArn"]}
        if table.get("LatestStreamArn"):
            attributes["StreamArn"] = table["LatestStreamArn"]
        resolver.set_attributes(logical_id, **attributes)
    return created


def _add_missing_table_parts(ddb: Any, table: Mapping[str, Any], request: Mapping[str, Any]) -> None:
    """An existing table (DynamoDB Local, a moto server) may predate a template change."""
    name = request["TableName"]
    if "StreamSpecification" in request and not table.get("StreamSpecification", {}).get("StreamEnabled"):
        log.info("enabling the stream on existing table %s", name)
        ddb.update_table(TableName=name, StreamSpecification=request["StreamSpecification"])
    existing = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    for index in request.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] in existing:
            continue
        log.info("adding index %s to existing table %s", index["IndexName"], name)
        ddb.update_table(
            TableName=name,
            AttributeDefinitions=request["AttributeDefinitions"],
            GlobalSecondaryIndexUpdates=[{"Create": index}],
        )


def _enable_ttl(ddb: Any, name: str, attribute: str) -> None:
    try:
        status = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        if status.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
            return
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attribute})
    except ClientError as error:  # not every emulator implements TTL; it never matters locally
        log.debug("TTL on %s not set: %s", name, error)


def _bootstrap_buses(project: Project, backend: Backend) -> list[str]:
    events = backend.client("events")
    created = []
    for logical_id in project.resources_of("AWS::Events::EventBus"):
        name = project.resolver.physical_name(logical_id)
        try:
            bus = events.describe_event_bus(Name=name)
        except events.exceptions.ResourceNotFoundException:
            bus = events.create_event_bus(Name=name)
            bus["Arn"] = bus["EventBusArn"]
            created.append(f"event bus {name}")
        project.resolver.set_attributes(logical_id, Arn=bus["Arn"])
    return created


_QUEUE_ATTRIBUTES = (
    "DelaySeconds",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "VisibilityTimeout",
    "FifoQueue",
    "ContentBasedDeduplication",
)


def ensure_queue(backend: Backend, name: str, attributes: Mapping[str, str] | None = None) -> tuple[str, str]:
    """Create the queue if missing; return (url, arn)."""
    sqs = backend.client("sqs")
    try:
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    except ClientError:
        url = sqs.create_queue(QueueName=name, Attributes=dict(attributes or {}))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _bootstrap_queues(project: Project, backend: Backend) -> list[str]:
    sqs = backend.client("sqs")
    resolver = project.resolver
    queues = project.resources_of("AWS::SQS::Queue")
    created = []
    # First every queue, then redrive policies: they name dead-letter queues by ARN.
    for logical_id, resource in queues.items():
        props = resolver.resolve(resource.get("Properties") or {})
        name = resolver.physical_name(logical_id)
        attributes = {key: _sqs_value(props[key]) for key in _QUEUE_ATTRIBUTES if key in props}
        try:
            sqs.get_queue_url(QueueName=name)
        except ClientError:
            created.append(f"queue {name}")
        url, arn = ensure_queue(backend, name, attributes)
        resolver.set_attributes(logical_id, Ref=url, QueueUrl=url, Arn=arn)
    for logical_id, resource in queues.items():
        redrive = (resource.get("Properties") or {}).get("RedrivePolicy")
        if redrive:
            policy = resolver.resolve(redrive)
            sqs.set_queue_attributes(
                QueueUrl=resolver.attributes_of(logical_id)["QueueUrl"],
                Attributes={"RedrivePolicy": policy if isinstance(policy, str) else json.dumps(policy)},
            )
    return created


def _sqs_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _bootstrap_email_identities(project: Project, backend: Backend) -> list[str]:
    """SES refuses to send from an address (or a domain's addresses) that is not a verified identity; moto's
    CreateEmailIdentity verifies at once, so creating each declared identity makes the handlers' SendEmail work
    as it does once the deployed identity is verified."""
    identities = project.resources_of(EMAIL_IDENTITY_TYPE)
    if not identities:
        return []
    ses = backend.client("sesv2")
    resolver = project.resolver
    created = []
    for logical_id, resource in identities.items():
        props = resolver.resolve(resource.get("Properties") or {})
        identity = props.get("EmailIdentity")
        if not isinstance(identity, str) or not identity:
            log.warning("%s: EmailIdentity %r is not an address or domain; not created", logical_id, identity)
            continue
        try:
            ses.get_email_identity(EmailIdentity=identity)
        except ses.exceptions.NotFoundException:
            ses.create_email_identity(EmailIdentity=identity)
            created.append(f"email identity {identity}")
        # CloudFormation's Ref of an EmailIdentity is the identity itself.
        resolver.set_attributes(logical_id, Ref=identity, Name=identity)
    return created
