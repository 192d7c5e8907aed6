"""Generate the documents that come from the contracts: `python -m tools.docs [--check]`.

--check writes nothing and exits 1 listing every file that differs from what the code generates (or that
the code no longer generates, in a generated folder), so drift between contracts and docs cannot be merged
(make test runs it through pytest: tests/contract/test_docs_current.py).

| generator | writes |
|---|---|
| event_schemas | docs/events/<event>.v<major>.schema.json (JSON Schema of each event's detail) |
| event_pages | docs/events/<event>.md, docs/events/README.md |
| asyncapi_document | docs/asyncapi.yaml (AsyncAPI 3.0.0) |
| openapi_document | docs/openapi.json (OpenAPI 3.1.0) |
| operation_pages | docs/operations/<operation>.md, docs/operations/README.md |
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml

from tools import ROOT, asyncapi, event_pages, openapi, operation_pages
from tools.registry import EVENTS as CATALOGUE

Generated = dict[Path, str]
# Folders whose every file is generated: a file the code no longer generates there is drift too.
GENERATED_FOLDERS = (ROOT / "docs" / "events", ROOT / "docs" / "operations")


def _json(document: object) -> str:
    return json.dumps(document, indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def _yaml(document: object) -> str:
    return str(yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120, default_flow_style=False))


def event_schemas() -> Generated:
    return {ROOT / "docs" / "events" / spec.schema_file: _json(spec.json_schema()) for spec in CATALOGUE}


def openapi_document() -> Generated:
    return {ROOT / "docs" / "openapi.json": _json(openapi.build())}


def asyncapi_document() -> Generated:
    return {ROOT / "docs" / "asyncapi.yaml": _yaml(asyncapi.build())}


def _pages(generate: Callable[[], Mapping[Path, str]]) -> Callable[[], Generated]:
    def generator() -> Generated:
        return dict(generate())

    generator.__name__ = generate.__module__.rsplit(".", 1)[-1]
    return generator


GENERATORS: tuple[Callable[[], Generated], ...] = (
    event_schemas,
    _pages(event_pages.generate),
    asyncapi_document,
    openapi_document,
    _pages(operation_pages.generate),
)


def generate() -> Generated:
    files: Generated = {}
    for generator in GENERATORS:
        files.update(generator())
    return files


def leftovers(files: Generated) -> list[Path]:
    """Files in a generated folder that the code no longer generates (a removed contract's page)."""
    return sorted(
        path
        for folder in GENERATED_FOLDERS
        if folder.is_dir()
        for path in folder.iterdir()
        if path.is_file() and path not in files
    )


def drift(files: Generated) -> list[str]:
    stale = [path for path, text in files.items() if not path.exists() or path.read_text(encoding="utf-8") != text]
    return [str(path.relative_to(ROOT)) for path in sorted([*stale, *leftovers(files)])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report files that differ; write nothing")
    args = parser.parse_args(argv)
    files = generate()
    stale = drift(files)
    if args.check:
        for name in stale:
            print(f"out of date: {name} (run `make docs`)")
        return 1 if stale else 0
    for path in leftovers(files):
        path.unlink()
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files ({len(stale)} changed or removed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
