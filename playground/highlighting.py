"""Pygments HTML for code and JSON bodies, and the stylesheet for it.

``highlight(text, lang)`` turns a snippet (lang ``curl``, ``python`` or ``node``) or a JSON
body (``json``) into HTML with CSS classes only (the page's CSP allows no inline styles).
It caches by input, as the preview re-renders on every keystroke and mostly only the body
changes; ``cache=False`` keeps nothing of the text (for a snippet holding the user's token).
``stylesheet()`` is the CSS for it, light and dark (``manage.py pygments_css`` writes it).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pygments
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, JavascriptLexer, JsonLexer, PythonLexer

_LEXERS = {
    "curl": BashLexer(),
    "python": PythonLexer(),
    "node": JavascriptLexer(),
    "json": JsonLexer(),
}
_FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def highlight(text: str, lang: str, *, cache: bool = True) -> str:
    """Pygments HTML for ``text`` (lang: ``curl``, ``python``, ``node`` or ``json``).

    cache: keep the result (and, for Python and Node, each line's tokens) for the next call
    with the same input; with ``False`` the text is lexed whole and nothing of it is kept.
    """
    if lang not in _LEXERS:
        raise ValueError(f"lang must be one of {tuple(_LEXERS)}, not {lang!r}")
    if not cache:
        return pygments.highlight(text, _LEXERS[lang], _FORMATTER)
    return _cached(text, lang)


@lru_cache(maxsize=256)
def _cached(text: str, lang: str) -> str:
    alone, rest = _split(text, lang)
    if not alone:
        return pygments.highlight(text, _LEXERS[lang], _FORMATTER)
    html = "".join(_line_html(line, lang) for line in alone)
    if rest:
        html += pygments.highlight(rest, _LEXERS[lang], _LINE_FORMATTER)
    return _OPEN + html + _CLOSE


def _split(text: str, lang: str) -> tuple[list[str], str]:
    """The leading lines of ``text`` a lexer reads the same on their own, and the rest."""
    lines = list(_lines(text))
    if lang in _LINE_SAFE:
        return ([], text) if _LINE_SAFE[lang].search(text) else (lines, "")
    count = 0
    while count < len(lines) and _SHELL_LINE.fullmatch(lines[count]):
        count += 1
    return lines[:count], "".join(lines[count:])


# Python and JavaScript lexers start every line of our snippets in the state they ended the
# line before, except inside a multi-line string; JSON as json.dumps writes it has no token
# across a line break and every key on its colon's line. For such a text each line can be
# lexed and formatted on its own and cached, so a keystroke re-does only the line of the body
# it changed. A shell snippet is read so up to its first line with more than words and
# single-quoted strings (the quoted body, a variable, a command substitution): the curl
# command's first lines. (tests/test_highlighting.py checks this gives exactly what the
# whole text gives.)
_LINE_SAFE = {"python": re.compile(r"\"\"\"|\'\'\'|\\\n"),
              "node": re.compile(r"`|/\*|\\\n"),
              "json": re.compile(r"\n\s*:|/[/*]")}
_SHELL_LINE = re.compile(r"(?:[A-Za-z0-9_ .,:/=+@%-]|'[^'\n]*')*\\?\n")
# The formatter's wrapping around the lines (what it writes for no tokens), and a formatter
# that writes the lines alone, with the same classes.
_OPEN, _CLOSE = pygments.format([], _FORMATTER).split("</code>")
_CLOSE = "</code>" + _CLOSE
_LINE_FORMATTER = HtmlFormatter(nowrap=True)


def _lines(text: str):
    """The lines a lexer reads (it drops newlines at both ends and ends the text with one)."""
    for line in text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n"):
        yield line + "\n"


@lru_cache(maxsize=4096)
def _line_html(line: str, lang: str) -> str:
    return pygments.format(_line_tokens(line, lang), _LINE_FORMATTER)


# How a Python or JavaScript line lexes does not depend on what its plain strings and its
# numbers say: ``"coupon_code": "T5",`` and ``"coupon_code": "TYPING5",`` give the same
# tokens but one. So a line is lexed with each such value swapped for a stand-in, once per
# shape, and the values are put back into the tokens: a keystroke in a field re-lexes
# nothing. Lines with escapes, other quotes or comments are lexed as they are.
_VALUE = re.compile(r'"(?P<string>[^"\n]*)"|(?<![\w.])[0-9]+(?![\w.])')
_PLAIN = re.compile(r"[^\"'\\%{}\x00-\x1f\x7f]+")
_AS_IS = re.compile(r"[\\'`#]|//|/\*")
_SHAPED = ("python", "node")


def _line_tokens(line: str, lang: str) -> list[tuple]:
    if lang in _SHAPED and not _AS_IS.search(line):
        shape, regions = _shape(line)
        if regions:
            tokens = _put_back(_shape_tokens(shape, lang), regions)
            if tokens is not None:
                return tokens
    return list(_LEXERS[lang].get_tokens(line))


def _shape(line: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The line with its plain string contents as ``s`` and its numbers as ``1``, and where
    each stand-in is in it: (start, end, the value it stands for)."""
    parts, regions, last, offset = [], [], 0, 0
    for match in _VALUE.finditer(line):
        if match.group("string") is None:
            start, end, stand_in = match.start(), match.end(), "1"
        elif _PLAIN.fullmatch(match.group("string")):
            start, end, stand_in = match.start("string"), match.end("string"), "s"
        else:
            continue
        parts += [line[last:start], stand_in]
        regions.append((start + offset, start + offset + 1, line[start:end]))
        offset += 1 - (end - start)
        last = end
    parts.append(line[last:])
    return "".join(parts), regions


@lru_cache(maxsize=1024)
def _shape_tokens(shape: str, lang: str) -> tuple:
    return tuple(_LEXERS[lang].get_tokens_unprocessed(shape))


def _put_back(tokens: tuple, regions: list[tuple[int, int, str]]) -> list[tuple] | None:
    """The shape's tokens with the values back in place, or None if a stand-in was not
    inside one token (then the line is lexed as it is)."""
    result, index = [], 0
    for position, ttype, value in tokens:
        end = position + len(value)
        pieces, cursor = [], position
        while index < len(regions) and regions[index][0] < end:
            start, stop, original = regions[index]
            if start < position or stop > end:
                return None
            pieces += [value[cursor - position:start - position], original]
            cursor = stop
            index += 1
        pieces.append(value[cursor - position:])
        result.append((ttype, "".join(pieces)))
    return result if index == len(regions) else None


# --- stylesheet ----------------------------------------------------------------------------

LIGHT_STYLE = "default"
DARK_STYLE = "github-dark"
STYLESHEET = "css/pygments.css"  # below the static folder
# What a dark rule must undo when the light theme sets it and the dark theme does not.
_RESETS = {"color": "inherit", "background-color": "transparent", "font-weight": "normal",
           "font-style": "normal", "text-decoration": "none", "border": "none"}


def _properties(style: str) -> dict[str, str]:
    pairs = (part.split(":", 1) for part in style.split(";") if ":" in part)
    return {name.strip(): value.strip() for name, value in pairs}


def _class_styles(formatter: HtmlFormatter) -> dict[str, tuple]:
    """CSS class -> (declarations, token type, level), as the formatter built them."""
    # HtmlFormatter sets class2style in its constructor; typeshed's stub leaves it out.
    return formatter.class2style  # type: ignore[attr-defined]


def stylesheet() -> str:
    """CSS for ``highlight``'s HTML: a light theme, and a dark one for dark-mode systems."""
    light = HtmlFormatter(style=LIGHT_STYLE)
    dark = HtmlFormatter(style=DARK_STYLE)
    light_classes, dark_classes = _class_styles(light), _class_styles(dark)
    scope = ".highlight"
    lines = [
        f"/* Generated by `manage.py pygments_css` from the Pygments styles {LIGHT_STYLE!r}"
        f" (light)",
        f"   and {DARK_STYLE!r} (dark). Do not edit; run the command again. */",
        f"{scope} pre {{ line-height: 125%; }}",
        *light.get_background_style_defs(scope),
        *light.get_token_style_defs(scope),
        "",
        "@media (prefers-color-scheme: dark) {",
    ]
    dark_lines = [*dark.get_background_style_defs(scope)]
    for name in sorted(set(light_classes) | set(dark_classes)):
        if not name:
            continue
        light_props = _properties(light_classes.get(name, ("",))[0])
        props = _properties(dark_classes.get(name, ("",))[0])
        undo = {k: _RESETS.get(k, "initial") for k in light_props if k not in props}
        merged = {**undo, **props}
        if merged:
            body = "; ".join(f"{k}: {v}" for k, v in merged.items())
            dark_lines.append(f"{scope} .{name} {{ {body} }}")
    lines += [f"  {line}" for line in dark_lines]
    lines.append("}")
    return "\n".join(lines) + "\n"
