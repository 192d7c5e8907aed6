"""Logger, Metrics and Tracer: one instance each per process, configured from POWERTOOLS_* env vars.

The Powertools Tracer is built only where Powertools would trace (in Lambda, POWERTOOLS_TRACE_DISABLED not
set): building it imports the X-Ray SDK, which outside Lambda also creates two X-Ray clients for its sampler,
a third of a second of every cold import, only to be switched off again. Elsewhere (tests, `make dev`, sam
local) `tracer` is a stand-in whose decorators hand the function back unchanged, which is all a disabled
Tracer does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer

_TRUE = frozenset({"1", "y", "yes", "t", "true", "on"})


def tracing_enabled() -> bool:
    """Powertools' own rule (Tracer._is_tracer_disabled), applied without importing the X-Ray SDK."""
    if os.getenv("POWERTOOLS_TRACE_DISABLED", "false").strip().lower() in _TRUE:
        return False
    in_lambda = bool(os.getenv("LAMBDA_TASK_ROOT"))
    emulated = bool(os.getenv("AWS_SAM_LOCAL") or os.getenv("AWS_CHALICE_CLI_MODE"))
    return in_lambda and not emulated


class UntracedTracer:
    """The part of Tracer's interface the service uses, as a disabled Tracer behaves: no segments, no I/O."""

    disabled = True

    def capture_lambda_handler(
        self,
        lambda_handler: Callable[..., Any] | None = None,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Callable[..., Any]:
        if lambda_handler is None:
            return _unchanged
        return lambda_handler

    def capture_method(
        self,
        method: Callable[..., Any] | None = None,
        capture_response: bool | None = None,
        capture_error: bool | None = None,
    ) -> Callable[..., Any]:
        if method is None:
            return _unchanged
        return method

    def put_annotation(self, key: str, value: Any) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        return None


def _unchanged(function: Callable[..., Any]) -> Callable[..., Any]:
    return function


logger = Logger()
metrics = Metrics()
tracer: Tracer | UntracedTracer = Tracer() if tracing_enabled() else UntracedTracer()
