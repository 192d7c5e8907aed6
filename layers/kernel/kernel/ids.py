"""Identifiers: UUIDv7 generated here, any RFC 4122 UUID accepted when parsing a reference."""

from __future__ import annotations

import uuid


def new_id() -> str:
    """A time-ordered UUIDv7, so ids sort by creation time in DynamoDB sort keys."""
    # Imported on first use: uuid6 loads importlib.metadata for its version string, which queries never need.
    import uuid6

    return str(uuid6.uuid7())


def is_uuid(value: str) -> bool:
    try:
        parsed = uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    # uuid.UUID also accepts braces, urn: prefixes and missing hyphens; ids must be canonical.
    return str(parsed) == value.lower()
