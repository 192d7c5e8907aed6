"""Check a `sam build` output: every function packaged, every layer built for the declared runtime.

`python -m tools.check_build [build-dir]` exits 1 naming what is wrong, and prints the layers' sizes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from local.template import load_template

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")


def _size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


LAYER_TYPE = "AWS::Serverless::LayerVersion"


def _check_layer(name: str, layer: Path, tag: str) -> list[str]:
    """A layer ships its package (KernelLayer -> kernel/), only wheels for the Lambda target, no AWS SDK."""
    problems = []
    package = name.removesuffix("Layer").lower()
    if not (layer / package / "__init__.py").is_file():
        problems.append(f"{name}: the {package} package is missing")
    wrong = [str(so.relative_to(layer)) for so in layer.rglob("*.so") if tag not in so.name]
    if wrong:
        problems.append(f"{name}: compiled modules must be built for {tag}: {wrong}")
    for module in RUNTIME_PROVIDED:
        if (layer / module).exists():
            problems.append(f"{name}: ships {module}, which the Lambda runtime provides")
    return problems


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
    tag = f"cpython-{runtime.removeprefix('python').replace('.', '')}-{machine}-linux-gnu"
    layers = [name for name, resource in template["Resources"].items() if resource["Type"] == LAYER_TYPE]
    for name in layers:
        problems += _check_layer(name, build_dir / name / "python", tag)
    if not any((build_dir / name / "python").rglob("*.so") for name in layers):
        problems.append(f"no layer ships compiled modules for {tag}: pydantic_core is missing")
    return problems


def main() -> int:
    build_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".aws-sam" / "build")
    problems = check(build_dir)
    for problem in problems:
        print(problem)
    for layer in sorted(build_dir.glob("*Layer")):
        print(f"{layer.name}: {_size(layer) / 1e6:.1f} MB unzipped")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
