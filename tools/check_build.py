"""Check a `sam build` output: every function packaged, the layer built for the declared runtime.

`python -m tools.check_build [build-dir]` exits 1 naming what is wrong, and prints the layer's size.
"""

from __future__ import annotations

import sys
from pathlib import Path

from local.template import load_template

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")


def _size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def check(build_dir: Path) -> list[str]:
    template = load_template(ROOT / "template.yaml")
    function_globals = template.get("Globals", {}).get("Function", {})
    runtime = function_globals["Runtime"]  # e.g. python3.13
    architecture = function_globals.get("Architectures", ["x86_64"])[0]
    machine = {"arm64": "aarch64", "x86_64": "x86_64"}[architecture]
    problems = []
    for name, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function" and not (build_dir / name / "app.py").is_file():
            problems.append(f"{name}: app.py missing from the build")
    layer = build_dir / "SalesLayer" / "python"
    if not (layer / "sales" / "runtime" / "http.py").is_file():
        problems.append("SalesLayer: the sales package is missing")
    tag = f"cpython-{runtime.removeprefix('python').replace('.', '')}-{machine}-linux-gnu"
    extensions = list(layer.rglob("*.so"))
    wrong = [str(so.relative_to(layer)) for so in extensions if tag not in so.name]
    if not extensions or wrong:
        problems.append(f"SalesLayer: compiled modules must be built for {tag}: {wrong or 'none found'}")
    for name in RUNTIME_PROVIDED:
        if (layer / name).exists():
            problems.append(f"SalesLayer: ships {name}, which the Lambda runtime provides")
    return problems


def main() -> int:
    build_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".aws-sam" / "build")
    problems = check(build_dir)
    for problem in problems:
        print(problem)
    layer = build_dir / "SalesLayer"
    if layer.exists():
        print(f"SalesLayer: {_size(layer) / 1e6:.1f} MB unzipped")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
