"""A Lambda-like interpreter environment, built without network: `.venv-bench`.

The Lambda Python runtime has boto3 (and its dependencies) and the layer; the development venv has much
more (aws-sam-cli pulls awscrt, pyOpenSSL and cryptography, which boto3/botocore import when present and
which make every cold start slower). `.venv-bench` is a bare venv whose site-packages links exactly the
distributions of `layers/{kernel,sales,phones,pdf}/requirements.txt` + boto3 and their dependency closure, taken from
the development venv (same versions, nothing downloaded).
"""

from __future__ import annotations

import importlib.metadata as md
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
BENCH_VENV = ROOT / ".venv-bench"
# The layers the Sales functions carry: the kernel's libraries, what Sales adds, the phone-number library
# (PhonesLayer, on the functions that parse phones) and the PDF libraries (PdfLayer, on the quote PDF function).
LAYERS = ("kernel", "sales", "phones", "pdf")
REQUIREMENTS = tuple(ROOT / "layers" / layer / "requirements.txt" for layer in LAYERS)
STAMP_NAME = ".bench-closure"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def roots() -> list[Requirement]:
    lines = [line.split("#")[0].strip() for path in REQUIREMENTS for line in path.read_text().splitlines()]
    return [Requirement(line) for line in lines if line] + [Requirement("boto3")]


def closure(requirements: list[Requirement]) -> dict[str, md.Distribution]:
    """Every installed distribution the requirements need (extras and environment markers honoured)."""
    found: dict[str, md.Distribution] = {}
    pending = [(req, frozenset(req.extras)) for req in requirements]
    while pending:
        req, extras = pending.pop()
        name = _canonical(req.name)
        if name in found and not extras:
            continue
        dist = md.distribution(req.name)
        found[name] = dist
        for raw in dist.requires or []:
            inner = Requirement(raw)
            if inner.marker is not None:
                environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
                if not any(inner.marker.evaluate(env) for env in environments):
                    continue
            pending.append((inner, frozenset(inner.extras)))
    return found


def _top_level(dist: md.Distribution) -> set[str]:
    names = set()
    for file in dist.files or []:
        first = file.parts[0]
        if first in ("..", "__pycache__") or first.endswith((".dist-info", ".data")) or first.endswith(".pth"):
            continue
        names.add(first)
    info = Path(str(dist._path))  # type: ignore[attr-defined]  # the .dist-info folder, for importlib.metadata
    names.add(info.name)
    return names


def _site_packages(venv: Path) -> Path:
    return venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"


def build(venv: Path = BENCH_VENV) -> Path:
    """Create (or refresh) the bench venv; return its python. Idempotent and quick."""
    dists = closure(roots())
    wanted = sorted(f"{dist.metadata['Name']}=={dist.version}" for dist in dists.values())
    python = venv / "bin" / "python"
    stamp = venv / STAMP_NAME
    if python.exists() and stamp.exists() and stamp.read_text().split() == wanted:
        return python
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # noqa: S603
    site = _site_packages(venv)
    source = Path(str(md.distribution("boto3")._path)).parent  # type: ignore[attr-defined]
    for dist in dists.values():
        for name in _top_level(dist):
            target = source / name
            if target.exists():
                (site / name).symlink_to(target)
    stamp.write_text("\n".join(wanted) + "\n")
    return python


def describe(venv: Path = BENCH_VENV) -> list[str]:
    stamp = venv / STAMP_NAME
    return stamp.read_text().split() if stamp.exists() else []


if __name__ == "__main__":
    print(build())
    print(" ".join(describe()))
