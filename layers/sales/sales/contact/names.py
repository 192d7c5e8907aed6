"""How contact names compare and sort, shared by the model and the name index."""

from __future__ import annotations


def name_key(display_name: str) -> str:
    """Casefolded, whitespace collapsed."""
    return " ".join(display_name.casefold().split())
