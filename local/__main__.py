"""`python -m local serve|invoke|routes`: the local runtime's command line (see docs/local-runtime.md)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import traceback
from pathlib import Path
from types import FrameType
from typing import Any

from local.apidocs import SPEC_PATH, UI_PATH, ApiDocs
from local.apigw import DEFAULT_CLAIMS
from local.functions import UnknownFunctionError
from local.project import EMAIL_IDENTITY_TYPE, load_project
from local.runtime import LocalRuntime, Settings
from local.template import nested_stacks

log = logging.getLogger("local")


def _key_value(text: str) -> tuple[str, str]:
    key, separator, value = text.partition("=")
    if not key or not separator:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path.cwd(), help="project root (default: the current folder)")
    common.add_argument("--template", type=Path, help="SAM template (default: <root>/template.yaml)")
    common.add_argument("--state-dir", type=Path, help="where state is kept (default: <root>/.local)")
    common.add_argument(
        "--region", default=os.environ.get("AWS_DEFAULT_REGION", "eu-west-1"), help="default: $AWS_DEFAULT_REGION"
    )
    common.add_argument(
        "--parameter",
        action="append",
        default=[],
        type=_key_value,
        metavar="KEY=VALUE",
        help="template parameter override (repeatable)",
    )
    common.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="default: INFO",
    )

    parser = argparse.ArgumentParser(
        prog="python -m local",
        description="Run the functions of template.yaml locally, without Docker or an AWS account.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser(
        "serve", parents=[common], help="serve the API (make dev)", description="Serve every API route."
    )
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3000")), help="default: $PORT or 3000")
    invoke = commands.add_parser(
        "invoke",
        parents=[common],
        help="run one function on one event (make invoke)",
        description="Run one function on one event, print its return value as JSON (like sam local invoke).",
    )
    invoke.add_argument(
        "function", help="the function's logical id (SAM's <Stack>/<LogicalId> form for a nested stack works too)"
    )
    invoke.add_argument("event", help="event JSON file ('-' reads stdin)")
    commands.add_parser("routes", parents=[common], help="list the API routes and event sources")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    root = args.root.resolve()
    parameters = dict(args.parameter)
    return Settings(
        template=(args.template or root / "template.yaml").resolve(),
        root=root,
        state_dir=(args.state_dir or root / ".local").resolve(),
        region=args.region,
        parameters=parameters,
    )


def _sample_path(runtime: LocalRuntime) -> str:
    plain = [r.path for r in runtime.project.routes if r.method == "GET" and "{" not in r.path]
    return next((p for p in plain if p.startswith("/sales/deals")), plain[0] if plain else "/")


def _templates(runtime: LocalRuntime) -> str:
    """The template and its nested stacks, which the runtime reads as one."""
    root = runtime.settings.root
    files = []
    for stack in nested_stacks(runtime.settings.template):
        path = stack.file.relative_to(root) if stack.file.is_relative_to(root) else stack.file
        files.append(f"{path} ({stack.name})" if stack.path else str(path))
    return files[0] + (f" + {', '.join(files[1:])}, read as one" if len(files) > 1 else "")


def _banner(runtime: LocalRuntime, url: str) -> str:
    project, backend = runtime.project, runtime.backend
    stages = sorted({route.stage for route in project.routes})
    if backend.embedded_url:
        embedded = ", ".join(backend.embedded_services)
        where = f"embedded moto at {backend.embedded_url} ({embedded})"
        external = {s: u for s, u in backend.endpoints.items() if u != backend.embedded_url}
        if external:
            where += "; " + ", ".join(f"{s} at {u}" for s, u in external.items())
    else:
        where = ", ".join(f"{service} at {endpoint}" for service, endpoint in backend.endpoints.items())
    state = str(runtime.settings.state_dir)
    if runtime.snapshot is not None:
        restored = f"{runtime.restored_items} item(s)"
        if runtime.email_snapshot is not None:
            restored += f", {runtime.restored_emails} email(s)"
        state += f" (restored {restored}; `make dev-reset` wipes it)"
    else:
        kept = "events log and sent emails" if runtime.email_snapshot is not None else "events log"
        state += f" ({kept} only: tables live in the external DynamoDB)"
    consumers = len(project.rule_sources) + len(project.queue_sources)
    sample = _sample_path(runtime)
    schedules = []
    if project.schedules:
        schedules = [
            f"  Schedules  {len(project.schedules)} (they never fire by themselves): "
            f"POST {url}/_local/schedules/<name> runs one now"
        ]
    emails = []
    if "sesv2" in backend.embedded_services and project.resources_of(EMAIL_IDENTITY_TYPE):
        emails = [f"  Emails     {url}/_local/emails[?to=someone@example.com]   (what SES was asked to send)"]
    docs = []
    if ApiDocs(runtime.settings.root).available:
        docs = [
            f"  Docs       {url}{UI_PATH}   (Swagger UI, offline: Try it out calls this server)",
            f"             {url}{SPEC_PATH}   (docs/openapi.json; Authorize takes dev:<user-id>:<groups>)",
        ]
    lines = [
        "",
        "Sales service - local runtime (no Docker)",
        f"  Templates  {_templates(runtime)}",
        f"  API        {url}   ({len(project.routes)} routes, also under /{' /'.join(stages)})",
        f"  Backend    {where}",
        f"  State      {state}",
        f"  Workers    {len(project.stream_sources)} stream consumer(s) (outbox relays), {consumers} event consumer(s)",
        f"  Events     {url}/_local/events[?detail_type=deal.won]   (POST one to play another service)",
        *emails,
        *schedules,
        *docs,
        f"  Try        curl -s {url}{sample}",
        f"  Principal  none sent = sub {DEFAULT_CLAIMS['sub']}, group sales; pick one with",
        "             -H 'Authorization: Bearer dev:<user-id>:<group>[,<group>][:<partner-id>]'",
        "  Ctrl-C stops (state is saved).",
        "",
    ]
    if runtime.created:
        lines.insert(6, f"  Created    {', '.join(runtime.created)}")
    return "\n".join(lines)


def _stop_on_signals() -> threading.Event:
    """Ctrl-C and SIGTERM stop cleanly, even when started in the background (where SIGINT is ignored).

    The handler only sets an event the main thread waits on: an exception raised from a handler lands wherever
    the main thread happens to be, and inside a weakref callback or a __del__ Python swallows it (the stop
    would be lost)."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, handler)
    signal.signal(signal.SIGTERM, handler)
    return stop


def _runtime(settings: Settings) -> LocalRuntime | None:
    try:
        return LocalRuntime(settings)
    except (OSError, ValueError) as error:
        print(f"cannot load {settings.template}: {error}", file=sys.stderr)
        return None


def serve(args: argparse.Namespace) -> int:
    from local.server import LocalApp, LocalServer

    runtime = _runtime(_settings(args))
    if runtime is None:
        return 2
    stop = _stop_on_signals()
    try:
        server = LocalServer((args.host, args.port), LocalApp(runtime))
    except OSError as error:
        print(f"cannot listen on {args.host}:{args.port}: {error} (set PORT=...)", file=sys.stderr)
        return 1
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    try:
        runtime.start()
        print(_banner(runtime, f"http://{args.host}:{args.port}"), flush=True)
        serving.start()
        while not stop.wait(0.5) and serving.is_alive():
            pass
        log.info("stopping")
        server.shutdown()
    except KeyboardInterrupt:
        log.info("stopping")
    finally:
        # Shutting down saves state: a second Ctrl-C (or `timeout` signalling the whole group) must not cut it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server.server_close()
        runtime.stop()
    return 0


def invoke(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        text = sys.stdin.read() if args.event == "-" else Path(args.event).read_text(encoding="utf-8")
        event = json.loads(text)
    except (OSError, ValueError) as error:
        print(f"cannot read event {args.event}: {error}", file=sys.stderr)
        return 2
    runtime = _runtime(settings)
    if runtime is None:
        return 2
    # `sam local invoke` names a nested stack's function SalesStack/SalesDealGetFunction; logical ids are unique
    # across the stacks here, so the last part is enough.
    args.function = args.function.rsplit("/", 1)[-1]
    try:
        runtime.runner.function(args.function)
    except UnknownFunctionError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    # Only the return value goes to stdout; whatever the function prints (logs) goes to stderr.
    result_out = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    status = 0
    try:
        runtime.start(background=False)
        result: Any = runtime.runner.invoke(args.function, event)
    except Exception as error:
        traceback.print_exc()
        result = {
            "errorMessage": str(error),
            "errorType": type(error).__name__,
            "stackTrace": traceback.format_tb(error.__traceback__),
        }
        status = 1
    finally:
        runtime.stop()
    result_out.write(json.dumps(result, default=str) + "\n")
    result_out.close()
    return status


def routes(args: argparse.Namespace) -> int:
    settings = _settings(args)
    project = load_project(settings.template, settings.root, region=settings.region, parameters=settings.parameters)
    for route in sorted(project.routes, key=lambda r: (r.path, r.method)):
        print(f"{route.method:7} {route.path:50} {route.function_id}")
    for stream in project.stream_sources:
        print(f"STREAM  {stream.table_id or stream.stream!s:50} {stream.function_id}")
    for rule in project.rule_sources:
        print(f"RULE    {json.dumps(rule.pattern)[:50]:50} {rule.function_id}")
    for queue in project.queue_sources:
        print(f"SQS     {json.dumps(queue.queue)[:50]:50} {queue.function_id}")
    for schedule in project.schedules:
        described = f"{schedule.logical_id} {project.resolver.resolve(schedule.expression)}"
        print(f"SCHEDULE {described[:49]:49} {schedule.function_id}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)-5s %(message)s", datefmt="%H:%M:%S")
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    command = {"serve": serve, "invoke": invoke, "routes": routes}[args.command]
    try:
        return command(args)
    except BrokenPipeError:  # `python -m local routes | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
