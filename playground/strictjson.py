"""JSON as an API body may carry it: no NaN or Infinity, and no number that overflows into
one. Shared by the builder's Raw JSON mode and the sandbox, so both refuse the same text."""

from __future__ import annotations

import json
import math


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
