"""The built layer: its size, and nothing in it that Lambda provides or the functions never import.

Reads the `sam build` output `make package` leaves in .aws-sam/check (or .aws-sam/build). "Imported" is
what the functions actually load, recorded in fresh interpreters run as in Lambda (tracing on, so the X-Ray
SDK counts) on every function's sample event, plus a keyed command (the idempotency utility); the check
is per top-level package of the layer (metadata folders `*.dist-info` are kept: importlib.metadata reads
them, e.g. uuid6 for its version).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.env import ROOT

BUILD_DIRS = (ROOT / ".aws-sam" / "check", ROOT / ".aws-sam" / "build")
# What the Lambda Python runtime already has: the AWS SDK and its dependencies.
LAMBDA_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath", "urllib3", "dateutil", "six"})


@dataclass
class Entry:
    name: str  # top-level name in the layer's python/ folder
    bytes: int
    module: str  # importable name ("" for metadata and stub-only folders)


@dataclass
class Layer:
    path: Path
    unzipped: int
    zipped: int
    entries: list[Entry] = field(default_factory=list)

    def provided(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.module in LAMBDA_PROVIDED]

    def unused(self, imported: set[str]) -> list[Entry]:
        return [
            entry
            for entry in self.entries
            if not entry.name.endswith(".dist-info")
            and entry.module not in imported
            and entry.module not in LAMBDA_PROVIDED
        ]


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def _zipped(root: Path) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(root.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(root))
    return buffer.tell()


def _module(path: Path) -> str:
    if path.name.endswith(".dist-info") or path.name == "__pycache__":
        return ""
    if path.is_file():
        return path.stem if path.suffix == ".py" else ""
    if path.name.endswith("-stubs"):
        return ""  # type stubs: nothing to import at run time
    return path.name


# The layers a Sales function carries: the kernel with the common libraries, the Sales package, and for the
# functions that parse phones (contact create, update, list) the phone-number library. The Sales layers are built
# in their nested stack.
SALES_LAYERS = ("KernelLayer", "SalesStack/SalesLayer", "SalesStack/PhonesLayer")


def built_layer() -> Layer | None:
    """The Sales functions' layers as one, the most a Sales function carries (their sizes add up on
    /opt/python)."""
    for build in BUILD_DIRS:
        layers = [build / name for name in SALES_LAYERS]
        if all((layer / "python").is_dir() for layer in layers):
            entries = [
                Entry(item.name, _size(item), _module(item))
                for layer in layers
                for item in sorted((layer / "python").iterdir())
            ]
            return Layer(
                build,
                sum(_size(layer) for layer in layers),
                sum(_zipped(layer) for layer in layers),
                entries,
            )
    return None
