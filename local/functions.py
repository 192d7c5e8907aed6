"""Load each function's handler module and invoke it in-process, with its own environment and a Lambda
context, the way the Lambda runtime would.

Every function module is called `app.py`, so each is imported from its file under a unique module name
(`fn_<LogicalId>`). All functions share one interpreter: invocations are serialised by one lock because
each swaps `os.environ` to its own variables (as its Lambda would see them) for the duration of the call.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from local.project import Function, Project

log = logging.getLogger("local.functions")

Handler = Callable[[Any, Any], Any]


class UnknownFunctionError(KeyError):
    pass


@dataclass
class LambdaContext:
    """The attributes of the Python runtime's context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    function_version: str = "$LATEST"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    identity: Any = None
    client_context: Any = None
    _started: float = field(default_factory=time.monotonic)

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[$LATEST]{self.aws_request_id.replace('-', '')}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self._started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


def _env_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@dataclass
class _Loaded:
    module: ModuleType
    mtime: float


class FunctionRunner:
    def __init__(self, project: Project, on_invoked: Callable[[str, Any], None] | None = None) -> None:
        self.project = project
        self._lock = threading.RLock()
        self._loaded: dict[str, _Loaded] = {}
        self._environments: dict[str, dict[str, str]] = {}
        self._on_invoked = on_invoked
        for folder in reversed(project.layer_dirs):
            if str(folder) not in sys.path:
                sys.path.insert(0, str(folder))

    def function(self, function_id: str) -> Function:
        try:
            return self.project.functions[function_id]
        except KeyError:
            known = ", ".join(sorted(self.project.functions)) or "none"
            raise UnknownFunctionError(f"unknown function {function_id!r} (template declares: {known})") from None

    def environment(self, function_id: str) -> dict[str, str]:
        """The variables the function's Lambda would see: template Globals + its own, plus the runtime's."""
        if function_id not in self._environments:
            function = self.function(function_id)
            resolver = self.project.resolver
            variables = {k: _env_value(v) for k, v in resolver.resolve(dict(function.environment)).items()}
            name = resolver.physical_name(function_id)
            self._environments[function_id] = {
                "AWS_LAMBDA_FUNCTION_NAME": name,
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
                "AWS_LAMBDA_FUNCTION_TIMEOUT": str(function.timeout),
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
                "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.runtime}",
                # Like `sam local`: Powertools Tracer and friends switch themselves off.
                "AWS_SAM_LOCAL": "true",
                "_HANDLER": function.handler,
                **variables,
            }
        return self._environments[function_id]

    def context(self, function_id: str) -> LambdaContext:
        function = self.function(function_id)
        resolver = self.project.resolver
        return LambdaContext(
            function_name=resolver.physical_name(function_id),
            invoked_function_arn=str(resolver.get_att(function_id, "Arn")),
            memory_limit_in_mb=function.memory_size,
            timeout_seconds=function.timeout,
        )

    def invoke(self, function_id: str, event: Any, *, mutating: bool = True) -> Any:
        """Run the handler on `event` and return what it returns (exceptions propagate)."""
        function = self.function(function_id)
        with self._lock, self._environment(self.environment(function_id)):
            handler = self._handler(function)
            context = self.context(function_id)
            started = time.monotonic()
            try:
                return handler(event, context)
            finally:
                elapsed = time.monotonic() - started
                if elapsed > function.timeout:
                    log.warning(
                        "%s ran %.1fs, longer than its Timeout (%ss): Lambda would have stopped it",
                        function_id,
                        elapsed,
                        function.timeout,
                    )
                if self._on_invoked is not None and mutating:
                    self._on_invoked(function_id, event)

    def preload(self) -> None:
        """Import every handler once (cold starts) so the first request is not slow and broken code
        shows at start-up."""
        for function_id, function in self.project.functions.items():
            with self._lock, self._environment(self.environment(function_id)):
                try:
                    self._handler(function)
                except Exception:
                    log.exception("%s: cannot import %s", function_id, function.module_file)

    @contextmanager
    def _environment(self, variables: Mapping[str, str]) -> Iterator[None]:
        saved = {name: os.environ.get(name) for name in variables}
        os.environ.update(variables)
        try:
            yield
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value

    def _handler(self, function: Function) -> Handler:
        """Import (or re-import after an edit of the function's file) and return the handler."""
        path = function.module_file
        mtime = path.stat().st_mtime
        loaded = self._loaded.get(function.logical_id)
        if loaded is None or loaded.mtime != mtime:
            if loaded is not None:
                log.info("%s changed, reloading", path)
            self._loaded[function.logical_id] = _Loaded(self._import(function), mtime)
        handler = getattr(self._loaded[function.logical_id].module, function.handler_name, None)
        if not callable(handler):
            raise AttributeError(f"{path} has no function {function.handler_name}")
        return handler  # type: ignore[no-any-return]

    @staticmethod
    def _import(function: Function) -> ModuleType:
        name = f"fn_{function.logical_id}"
        spec = importlib.util.spec_from_file_location(name, function.module_file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {function.module_file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        # The function's folder is its /var/task: sibling modules import as top-level names.
        sys.path.insert(0, str(function.code_dir))
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        finally:
            sys.path.remove(str(function.code_dir))
        return module
