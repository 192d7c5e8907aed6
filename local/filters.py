"""EventBridge-style pattern matching, as Lambda applies it to event source records (FilterCriteria).

Supported: exact values (strings, numbers, booleans, null), `prefix`, `suffix`, `equals-ignore-case`,
`anything-but`, `numeric`, `exists`, `wildcard` and `$or`. EventBridge rules themselves are matched by the
backend (moto), not here.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

_MISSING = object()
_NUMERIC: Mapping[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}


def matches(pattern: Mapping[str, Any], record: Any) -> bool:
    """True when `record` (a dict) satisfies every key of `pattern`."""
    for key, rule in pattern.items():
        if key == "$or":
            if not any(matches(alternative, record) for alternative in rule):
                return False
            continue
        value = record.get(key, _MISSING) if isinstance(record, Mapping) else _MISSING
        if isinstance(rule, Mapping):
            if not (isinstance(value, Mapping) and matches(rule, value)):
                return False
        elif isinstance(rule, list):
            if not any(_matches_rule(item, value) for item in rule):
                return False
        elif value is _MISSING or value != rule:
            return False
    return True


def matches_any(patterns: tuple[Mapping[str, Any], ...] | list[Mapping[str, Any]], record: Any) -> bool:
    """Lambda semantics: no filter means every record; several filters are OR-ed."""
    return not patterns or any(matches(pattern, record) for pattern in patterns)


def _matches_rule(rule: Any, value: Any) -> bool:
    if isinstance(rule, Mapping):
        (name, argument), *_ = rule.items()
        if name == "exists":
            return (value is not _MISSING) == bool(argument)
        if value is _MISSING:
            return False
        values = value if isinstance(value, list) else [value]
        return any(_test(name, argument, item) for item in values)
    if value is _MISSING:
        return False
    values = value if isinstance(value, list) else [value]
    return any(_equal(item, rule) for item in values)


def _equal(value: Any, expected: Any) -> bool:
    """JSON equality: "1" is not 1, true is not 1, 1 is 1.0."""
    if isinstance(value, bool) or isinstance(expected, bool):
        return value is expected
    if isinstance(value, int | float) and isinstance(expected, int | float):
        return value == expected
    return type(value) is type(expected) and bool(value == expected)


def _test(name: str, argument: Any, value: Any) -> bool:
    if name in ("prefix", "suffix"):
        if not isinstance(value, str):
            return False
        ignore_case = isinstance(argument, Mapping)
        expected = str(argument["equals-ignore-case"] if ignore_case else argument)
        text = value.lower() if ignore_case else value
        expected = expected.lower() if ignore_case else expected
        return text.startswith(expected) if name == "prefix" else text.endswith(expected)
    if name == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(argument).lower()
    if name == "anything-but":
        if isinstance(argument, Mapping):
            (inner, inner_argument), *_ = argument.items()
            return not _test(inner, inner_argument, value)
        excluded = argument if isinstance(argument, list) else [argument]
        return value not in excluded
    if name == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        pairs = zip(argument[::2], argument[1::2], strict=True)
        return all(_NUMERIC[op](float(value), float(bound)) for op, bound in pairs)
    if name == "wildcard":
        regex = ".*".join(re.escape(part) for part in str(argument).split("*"))
        return isinstance(value, str) and re.fullmatch(regex, value) is not None
    raise ValueError(f"filter operator {name!r} is not supported locally")
