"""JavaScript source for JSON values, strings and object keys, for the Node snippets.

``js_exact`` says whether ``JSON.stringify`` of an object literal gives back Python's JSON
text; when it does not, the Node code embeds the text itself (``js_template``).
"""

from __future__ import annotations

import json
import re

_JS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_JS_INDEX = re.compile(r"0|[1-9][0-9]*")
_JS_SAFE_INT = 2**53


def _escape_unprintable(text: str, keep: str = "") -> str:
    rest = text
    for ch in keep:
        rest = rest.replace(ch, "")
    if rest.isprintable():
        return text  # the usual case, without building the text again character by character
    out = []
    for ch in text:
        if ch.isprintable() or ch in keep:
            out.append(ch)
        elif ord(ch) > 0xFFFF:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def js_str(text: str) -> str:
    """A JavaScript string literal for ``text``; invisible characters become escapes."""
    return _escape_unprintable(json.dumps(text, ensure_ascii=False))


def js_template(text: str) -> str:
    """A template literal whose value is exactly ``text`` (kept multi-line, readable)."""
    body = text.replace("\\", "\\\\").replace("`", "\\`").replace("${", "\\${")
    return "`" + _escape_unprintable(body, keep="\n") + "`"


def js_exact(value) -> bool:
    """Whether ``JSON.stringify(<object literal>, null, 2)`` gives Python's text for it."""
    if value is None or isinstance(value, (bool, str)):
        return not (isinstance(value, str) and any(0xD800 <= ord(c) <= 0xDFFF for c in value))
    if isinstance(value, int):
        return abs(value) <= _JS_SAFE_INT
    if isinstance(value, float):
        return False  # JavaScript writes 1.0 as 1 and 1e16 as 10000000000000000
    if isinstance(value, list):
        return all(js_exact(v) for v in value)
    if isinstance(value, dict):
        for key, item in value.items():
            # JS puts integer-like keys first; "__proto__" in a literal sets the prototype.
            if key == "__proto__" or (_JS_INDEX.fullmatch(key) and int(key) < 2**32 - 1):
                return False
            if not js_exact(key) or not js_exact(item):
                return False
        return True
    return False


def js_literal(value, indent: int = 0) -> str:
    """JavaScript source for a JSON value that ``js_exact`` accepts, 2-space indents."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return js_str(value)
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{js_key(k)}: {js_literal(v, indent + 2)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{inner}{js_literal(v, indent + 2)}," for v in value) \
            + f"\n{pad}]"
    raise TypeError(f"not a JavaScript-exact JSON value: {type(value).__name__}")


def js_key(name: str) -> str:
    """An object key: bare when it is an identifier, else a string literal."""
    return name if _JS_IDENTIFIER.fullmatch(name) else js_str(name)
