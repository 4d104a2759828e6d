"""Compare an API answer with a schema of the OpenAPI document, field by field, in words.

Only what the document uses for answers: ``type`` (one or a list), ``const``, ``enum``,
``required``, ``properties``, ``items``, ``anyOf`` (a ``$ref`` or null), ``format: uuid``
and ``pattern``. Objects are read as closed here: a field the contract does not list is
reported too, so a renamed field shows as one missing and one unexpected.
"""

from __future__ import annotations

import json
import re
import uuid

JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict,
    "array": list, "null": type(None)}
MAX_SHOWN = 80


def shown(value: object) -> str:
    """A value as JSON, cut short."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def json_type(value: object) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    for name, kind in JSON_TYPES.items():
        if isinstance(value, kind):
            return name
    return type(value).__name__


def _is(value: object, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, JSON_TYPES[name])


class Shapes:
    def __init__(self, schemas: dict):
        self.schemas = schemas

    def resolve(self, schema: dict) -> dict:
        while "$ref" in schema:
            schema = {**self.schemas[schema["$ref"].rsplit("/", 1)[1]],
                      **{k: v for k, v in schema.items() if k != "$ref"}}
        return schema

    def differences(self, value: object, schema: dict, where: str = "") -> list[str]:
        """Every way ``value`` differs from ``schema``, one sentence each."""
        schema = self.resolve(schema)
        at = where or "the answer"
        if "anyOf" in schema:
            options = [self.resolve(s) for s in schema["anyOf"]]
            if value is None and any(o.get("type") == "null" for o in options):
                return []
            other = next((o for o in options if o.get("type") != "null"), options[0])
            return self.differences(value, other, where)
        if "const" in schema and value != schema["const"]:
            return [f"{at}: expected {shown(schema['const'])}, seen {shown(value)}"]
        types = schema.get("type")
        if types is not None:
            names = types if isinstance(types, list) else [types]
            if not any(_is(value, n) for n in names):
                return [f"{at}: expected {' or '.join(names)}, seen {json_type(value)} "
                        f"{shown(value)}"]
        if "enum" in schema and value not in schema["enum"]:
            allowed = ", ".join(str(v) for v in schema["enum"])
            return [f"{at}: expected one of {allowed}; seen {shown(value)}"]
        if isinstance(value, str):
            if schema.get("format") == "uuid" and not _uuid(value):
                return [f"{at}: expected a UUID, seen {shown(value)}"]
            if "pattern" in schema and not re.search(schema["pattern"], value):
                return [f"{at}: expected text matching {schema['pattern']}, seen {shown(value)}"]
        if isinstance(value, dict) and "properties" in schema:
            return self._object(value, schema, where)
        if isinstance(value, list) and "items" in schema:
            found = []
            for i, item in enumerate(value):
                found += self.differences(item, schema["items"], f"{where}[{i}]")
            return found
        return []

    def _object(self, value: dict, schema: dict, where: str) -> list[str]:
        found = []
        prefix = f"{where}." if where else ""
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{prefix}{name}: missing")
        for name, item in value.items():
            if name in schema["properties"]:
                found += self.differences(item, schema["properties"][name], f"{prefix}{name}")
            else:
                found.append(f"{prefix}{name}: not in the contract (seen {shown(item)})")
        return found


def _uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text.lower()
    except ValueError:
        return False
