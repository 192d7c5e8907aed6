"""Check a `sam build` output: every function packaged, every layer built for the declared runtime.

`python -m tools.check_build [build-dir]` exits 1 naming what is wrong, and prints the layers' sizes. Every stack
of the tree is checked: `sam build` writes the root's artifacts at the top of the build dir and each nested
stack's under its Application's logical id (SalesStack/SalesDealGetFunction/, BillingStack/BillingLayer/).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from local.template import Stack, apply_globals, nested_stacks

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")


def _size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


LAYER_TYPE = "AWS::Serverless::LayerVersion"


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _requirements(source: Path) -> list[str]:
    """The distributions a layer folder's requirements.txt names (`phonenumberslite==9.0.42` -> phonenumberslite)."""
    path = source / "requirements.txt"
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    names = [re.split(r"[\s\[<>=!~;]", line.split("#")[0].strip(), maxsplit=1)[0] for line in lines]
    return [name for name in names if name]


def _check_layer(name: str, layer: Path, source: Path, tag: str) -> list[str]:
    """A layer ships its package (KernelLayer -> kernel/) when its folder has one (layers/kernel/kernel/), every
    library its requirements.txt names, only wheels for the Lambda target, and no AWS SDK. A folder without a
    package (layers/phones/) is a libraries-only layer (PhonesLayer)."""
    problems = []
    package = name.removesuffix("Layer").lower()
    if (source / package).is_dir() and not (layer / package / "__init__.py").is_file():
        problems.append(f"{name}: the {package} package is missing")
    shipped = {_canonical(info.name.split("-")[0]) for info in layer.glob("*.dist-info")}
    for requirement in _requirements(source):
        if _canonical(requirement) not in shipped:
            problems.append(f"{name}: {requirement} (in {source.name}/requirements.txt) is missing")
    if not layer.is_dir() or not any(layer.iterdir()):
        problems.append(f"{name}: the layer is empty")
    wrong = [str(so.relative_to(layer)) for so in layer.rglob("*.so") if tag not in so.name]
    if wrong:
        problems.append(f"{name}: compiled modules must be built for {tag}: {wrong}")
    for module in RUNTIME_PROVIDED:
        if (layer / module).exists():
            problems.append(f"{name}: ships {module}, which the Lambda runtime provides")
    return problems


def _stack_dir(build_dir: Path, stack: Stack) -> Path:
    return build_dir.joinpath(*stack.path)


def check(build_dir: Path) -> list[str]:
    problems = []
    layers: list[tuple[str, Path, Path]] = []  # logical id, built folder, source folder (its ContentUri)
    tags: set[str] = set()
    for stack in nested_stacks(ROOT / "template.yaml"):
        where = _stack_dir(build_dir, stack)
        if stack.path and not (where / "template.yaml").is_file():
            problems.append(f"{stack.name}: no built template at {where / 'template.yaml'}")
        resources = apply_globals(stack.document)  # Runtime and Architectures usually come from Globals
        for name, resource in resources.items():
            if resource["Type"] != "AWS::Serverless::Function":
                continue
            properties = resource["Properties"]
            if not (where / name / "app.py").is_file():
                problems.append(f"{stack.name}/{name}: app.py missing from the build")
            machine = {"arm64": "aarch64", "x86_64": "x86_64"}[properties.get("Architectures", ["x86_64"])[0]]
            runtime = str(properties["Runtime"])  # e.g. python3.13
            tags.add(f"cpython-{runtime.removeprefix('python').replace('.', '')}-{machine}-linux-gnu")
        layers += [
            (name, where / name, stack.file.parent / str(resource["Properties"]["ContentUri"]))
            for name, resource in resources.items()
            if resource["Type"] == LAYER_TYPE
        ]
    if len(tags) != 1:
        # Every context's functions load the one kernel layer, so they must share its runtime and architecture.
        return [*problems, f"the functions do not share one runtime and architecture: {sorted(tags)}"]
    (tag,) = tags
    for name, layer, source in layers:
        problems += _check_layer(name, layer / "python", source, tag)
    if not any((layer / "python" / "pydantic_core").glob(f"*{tag}.so") for _, layer, _ in layers):
        problems.append(f"no layer ships pydantic_core compiled for {tag}")
    return problems


def main() -> int:
    build_dir = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / ".aws-sam" / "build")
    problems = check(build_dir)
    for problem in problems:
        print(problem)
    for stack in nested_stacks(ROOT / "template.yaml"):
        for layer in sorted(_stack_dir(build_dir, stack).glob("*Layer")):
            print(f"{layer.relative_to(build_dir)}: {_size(layer) / 1e6:.1f} MB unzipped")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
