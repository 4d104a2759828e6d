"""JSON as an API body may carry it: no NaN or Infinity, no number that overflows into
one, no nesting deeper than ``MAX_DEPTH`` and no string a database or an HTTP client
cannot carry (a NUL character, a lone surrogate). Shared by the builder's Raw JSON mode
and the sandbox, so both refuse the same text for the same reasons."""

from __future__ import annotations

import json
import math

# An order body is flat; anything nested deeper than this only exhausts the stack of
# whatever prints or stores it later (snippet literals, JSON columns).
MAX_DEPTH = 32

TOO_DEEP = f"is nested more than {MAX_DEPTH} levels deep"
HOLDS_NUL = "holds a NUL character (\\u0000)"
HOLDS_SURROGATE = "holds a lone surrogate (\\ud800 to \\udfff), which is not text"


def _reject_constant(name: str):
    raise ValueError(f"{name} is not allowed in JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400 would become Infinity, which JSON cannot carry
        raise ValueError(f"{text} is out of range")
    return value


def loads(text: str):
    """``json.loads`` that raises ValueError (JSONDecodeError with a position for syntax
    errors) for NaN, Infinity and overflowing numbers, and RecursionError for deep nests."""
    return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)


def problem(value) -> str | None:
    """Why a parsed body cannot be sent or stored (one of the texts above), or None.

    Walks the value without recursion, so a deep nest is measured, not overflowed."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return HOLDS_NUL
            if not _encodable(item):
                return HOLDS_SURROGATE
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                return TOO_DEEP
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
