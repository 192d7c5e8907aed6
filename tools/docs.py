"""Generate the documents that come from the contracts: `python -m tools.docs [--check]`.

--check writes nothing and exits 1 listing every file that differs from what the code generates,
so drift between contracts and docs cannot be merged (make test runs it through pytest).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers" / "sales"))

from sales.contracts.events import CATALOGUE  # noqa: E402

Generated = dict[Path, str]


def _json(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def event_schemas() -> Generated:
    return {ROOT / "docs" / "events" / spec.schema_file: _json(spec.json_schema()) for spec in CATALOGUE}


GENERATORS: tuple[Callable[[], Generated], ...] = (event_schemas,)


def generate() -> Generated:
    files: Generated = {}
    for generator in GENERATORS:
        files.update(generator())
    return files


def drift(files: Generated) -> list[str]:
    return [
        str(path.relative_to(ROOT))
        for path, text in sorted(files.items())
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report files that differ; write nothing")
    args = parser.parse_args(argv)
    files = generate()
    stale = drift(files)
    if args.check:
        for name in stale:
            print(f"out of date: {name} (run `make docs`)")
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
