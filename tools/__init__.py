"""Developer tools (never deployed): documentation generators and checks.

The layer's `sales` package is importable from every tool, as it is from /opt/python on Lambda.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_LAYER = str(ROOT / "layers" / "sales")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)


def project_version() -> str:
    """The version in pyproject.toml: the version of the generated API documents."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])
