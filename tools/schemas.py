"""JSON Schema plumbing shared by the generators: pydantic models hoisted into one set of named schemas,
and readable field rows (name, type, notes) for the Markdown pages."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

JsonSchema = dict[str, Any]
Resolver = Callable[[str], tuple[str, Mapping[str, Any]]]
_PYDANTIC_DEFS = "#/$defs/"


def _rewrite(node: Any, refs: Mapping[str, str], *, in_properties: bool = False) -> Any:
    """Point pydantic's `#/$defs/X` refs at `refs[X]`; drop the titles pydantic puts on every property."""
    if isinstance(node, list):
        return [_rewrite(inner, refs) for inner in node]
    if not isinstance(node, dict):
        return node
    result: JsonSchema = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str) and value.startswith(_PYDANTIC_DEFS):
            result[key] = refs[value.removeprefix(_PYDANTIC_DEFS)]
        elif key == "properties" and isinstance(value, dict):
            result[key] = {name: _rewrite(inner, refs, in_properties=True) for name, inner in value.items()}
        elif key == "title" and in_properties:
            continue
        else:
            result[key] = _rewrite(value, refs)
    return result


def without_property_titles(schema: Mapping[str, Any]) -> JsonSchema:
    """A schema whose refs already point at their final place, with the property titles dropped as hoist does."""
    return _rewrite(dict(schema), {})  # type: ignore[no-any-return]


class SchemaSet:
    """Named schemas under one `$ref` prefix (OpenAPI `#/components/schemas/`); two different schemas can
    never share a name: the second gets `suffix` (when given) or the build fails."""

    def __init__(self, ref_prefix: str) -> None:
        self.ref_prefix = ref_prefix
        self.schemas: dict[str, JsonSchema] = {}

    def ref(self, name: str) -> JsonSchema:
        return {"$ref": self.ref_prefix + name}

    def add(self, name: str, schema: JsonSchema) -> JsonSchema:
        existing = self.schemas.get(name)
        if existing is not None and existing != schema:
            raise ValueError(f"two different schemas are named {name}")
        self.schemas[name] = schema
        return self.ref(name)

    def hoist(self, name: str, schema: Mapping[str, Any], *, suffix: str = "") -> JsonSchema:
        """Add a pydantic schema (with its `$defs`) under `name`; returns the `$ref` to it."""
        root = dict(schema)
        defs: dict[str, Any] = root.pop("$defs", {})
        names = {def_name: def_name for def_name in defs}

        def refs() -> dict[str, str]:
            return {def_name: self.ref_prefix + target for def_name, target in names.items()}

        clashes = [
            def_name
            for def_name, inner in defs.items()
            if def_name in self.schemas and self.schemas[def_name] != _rewrite(inner, refs())
        ]
        if clashes and suffix:
            names.update({def_name: def_name + suffix for def_name in clashes})
        for def_name, inner in defs.items():
            self.add(names[def_name], _rewrite(inner, refs()))
        return self.add(name, _rewrite(root, refs()))

    def model(
        self,
        model: type[BaseModel],
        *,
        mode: Literal["validation", "serialization"],
        by_alias: bool,
        name: str | None = None,
        omit: Iterable[str] = (),
        suffix: str = "",
    ) -> JsonSchema:
        schema = without(model.model_json_schema(mode=mode, by_alias=by_alias), omit)
        if name:
            schema["title"] = name
        return self.hoist(name or model.__name__, schema, suffix=suffix)

    def resolver(self) -> Resolver:
        def resolve(ref: str) -> tuple[str, Mapping[str, Any]]:
            name = ref.removeprefix(self.ref_prefix)
            return name, self.schemas[name]

        return resolve

    def sorted(self) -> dict[str, JsonSchema]:
        return {name: self.schemas[name] for name in sorted(self.schemas)}


def without(schema: Mapping[str, Any], fields: Iterable[str]) -> JsonSchema:
    """An object schema without some properties (path fields are not part of the body)."""
    omit = set(fields)
    result = dict(schema)
    if not omit:
        return result
    result["properties"] = {name: inner for name, inner in schema.get("properties", {}).items() if name not in omit}
    required = [name for name in schema.get("required", []) if name not in omit]
    if required:
        result["required"] = required
    else:
        result.pop("required", None)
    return result


def defs_resolver(root: Mapping[str, Any]) -> Resolver:
    """Resolve pydantic's own `#/$defs/X` refs inside one generated schema."""

    def resolve(ref: str) -> tuple[str, Mapping[str, Any]]:
        name = ref.rsplit("/", 1)[-1]
        return name, root["$defs"][name]

    return resolve


def non_null(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
    """`X | None` as pydantic writes it (anyOf with a null branch) -> (X, nullable)."""
    branches = schema.get("anyOf")
    if isinstance(branches, list):
        rest = [branch for branch in branches if branch.get("type") != "null"]
        if len(rest) == 1 and len(rest) < len(branches):
            merged = {key: value for key, value in schema.items() if key != "anyOf"}
            return {**rest[0], **merged}, True
    return schema, False


# --- readable rows for the Markdown pages ---------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRow:
    name: str
    type: str
    required: bool
    notes: str


def _code(value: Any) -> str:
    return "`" + json.dumps(value, ensure_ascii=False) + "`" if not isinstance(value, str) else f"`{value}`"


def _label(schema: Mapping[str, Any], resolve: Resolver) -> str:
    schema, nullable = non_null(schema)
    suffix = " or null" if nullable else ""
    if "$ref" in schema:
        return resolve(schema["$ref"])[0] + suffix
    if "anyOf" in schema:
        return " or ".join(_label(branch, resolve) for branch in schema["anyOf"]) + suffix
    if "const" in schema:
        return _code(schema["const"]) + suffix
    kind = schema.get("type", "any")
    if kind == "array":
        items = schema.get("items")
        return (f"array of {_label(items, resolve)}" if items else "array") + suffix
    if kind == "object" and isinstance(schema.get("additionalProperties"), dict):
        return f"object of {_label(schema['additionalProperties'], resolve)}" + suffix
    if kind == "string" and "format" in schema:
        return f"string ({schema['format']})" + suffix
    if "enum" in schema:
        return f"{kind} (enum)" + suffix
    return str(kind) + suffix


def _limits(schema: Mapping[str, Any], resolve: Resolver) -> list[str]:
    if "$ref" in schema:
        target = resolve(schema["$ref"])[1]
        return _limits(target, resolve) if "enum" in target else []
    notes = []
    if "enum" in schema:
        notes.append("one of " + ", ".join(_code(value) for value in schema["enum"]))
    low, high = schema.get("minLength"), schema.get("maxLength")
    if low is not None and high is not None:
        notes.append(f"{low} characters" if low == high else f"{low}-{high} characters")
    elif high is not None:
        notes.append(f"at most {high} characters")
    elif low is not None:
        notes.append(f"at least {low} characters")
    if "minimum" in schema:
        notes.append(f"minimum {schema['minimum']}")
    if "maximum" in schema:
        notes.append(f"maximum {schema['maximum']}")
    if "maxItems" in schema:
        notes.append(f"at most {schema['maxItems']} items")
    if "pattern" in schema:
        notes.append(f"pattern `{schema['pattern']}`")
    return notes


def notes_of(schema: Mapping[str, Any], resolve: Resolver) -> str:
    inner, _ = non_null(schema)
    parts = []
    if schema.get("description"):
        parts.append(str(schema["description"]).rstrip("."))
    elif inner.get("description"):
        parts.append(str(inner["description"]).rstrip("."))
    parts += _limits(inner, resolve)
    if inner.get("type") == "array" and isinstance(inner.get("items"), dict):
        items = [f"items: {note}" for note in _limits(inner["items"], resolve)]
        parts += items
    if "default" in schema and schema["default"] is not None and schema["default"] != []:
        parts.append(f"default {_code(schema['default'])}")
    if inner.get("examples"):
        parts.append(f"e.g. {_code(inner['examples'][0])}")
    return "; ".join(parts)


def _nested(schema: Mapping[str, Any], resolve: Resolver) -> tuple[str, Mapping[str, Any]] | None:
    """The object model (with properties) a field holds, directly or as array items: (prefix suffix, schema)."""
    schema, _ = non_null(schema)
    suffix = ""
    if schema.get("type") == "array" and isinstance(schema.get("items"), dict):
        schema, suffix = non_null(schema["items"])[0], "[]"
    if "$ref" in schema:
        target = resolve(schema["$ref"])[1]
        if target.get("type") == "object" and target.get("properties"):
            return suffix, target
    return None


def field_rows(
    schema: Mapping[str, Any],
    resolve: Resolver,
    *,
    names: Mapping[str, str] | None = None,
    prefix: str = "",
    depth: int = 0,
) -> list[FieldRow]:
    """One row per property, nested models expanded as `parent.child` / `parent[].child` (3 levels)."""
    required = set(schema.get("required", []))
    rows = []
    for name, inner in schema.get("properties", {}).items():
        shown = prefix + (names or {}).get(name, name)
        rows.append(FieldRow(shown, _label(inner, resolve), name in required, notes_of(inner, resolve)))
        nested = _nested(inner, resolve)
        if nested is not None and depth < 2:
            suffix, target = nested
            rows += field_rows(target, resolve, prefix=f"{shown}{suffix}.", depth=depth + 1)
    return rows
