"""Developer tools (never deployed): documentation generators and checks.

The layers' packages (`kernel`, `sales`, `billing`) are importable from every tool, as they are from /opt/python
on Lambda.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _layer in ("billing", "sales", "kernel"):
    if str(ROOT / "layers" / _layer) not in sys.path:
        sys.path.insert(0, str(ROOT / "layers" / _layer))


def project_version() -> str:
    """The version in pyproject.toml: the version of the generated API documents."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])
