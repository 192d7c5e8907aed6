"""Billing outbox relay: the Billing table's stream (outbox inserts only) -> the service bus (kernel.relay)."""

from kernel.relay import lambda_handler

__all__ = ["lambda_handler"]
