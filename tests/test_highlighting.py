"""Highlighting: classed HTML for snippets and JSON bodies, its caches, and the stylesheet."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import hypothesis
import pygments
import pytest
from django.conf import settings
from django.core.management import call_command
from hypothesis import strategies as st
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, JavascriptLexer, JsonLexer, PythonLexer

from playground import highlighting
from playground.catalogue import default_body
from playground.highlighting import highlight
from playground.snippets import LANGUAGES, SnippetOptions, render
from playground.spec import RequestSpec

BASE = "http://127.0.0.1:8000/sandbox"
CREATE = RequestSpec.create(default_body())
BALANCE = RequestSpec.balance()
# What highlighting must give: Pygments run on the whole text, by hand.
LEXERS = {"curl": BashLexer(), "python": PythonLexer(), "node": JavascriptLexer(),
          "json": JsonLexer()}
FORMATTER = HtmlFormatter(cssclass="highlight", wrapcode=True)


def whole(text: str, lang: str) -> str:
    return pygments.highlight(text, LEXERS[lang], FORMATTER)


@pytest.mark.parametrize("lang", [*LANGUAGES, "json"])
def test_highlight_gives_classed_html_without_inline_styles(lang):
    text = CREATE.body_text if lang == "json" else render(CREATE, lang, "full",
                                                           SnippetOptions(base_url=BASE))
    html = highlight(text, lang)
    assert html.startswith('<div class="highlight"><pre>')
    assert "style=" not in html
    assert "linenos" not in html
    assert "<span class=" in html
    assert html == whole(text, lang) == highlight(text, lang, cache=False)


def test_highlight_escapes_html():
    html = highlight('{"fname": "<script>alert(1)</script>"}', "json")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_highlight_is_cached_by_input_unless_told_not_to():
    text = render(BALANCE, "node", "single", SnippetOptions(base_url="http://cache.test"))
    first = highlight(text, "node")
    assert highlight(text, "node") is first
    fresh = highlight(text, "node", cache=False)
    assert fresh == first and fresh is not first


def test_uncached_highlighting_keeps_nothing_of_the_text():
    """A snippet holding the user's token: neither the result nor a line of it stays."""
    token = f"tok-{uuid.uuid4().hex}"
    text = render(BALANCE, "python", "single", SnippetOptions(
        base_url=BASE, token_mode="literal", token=token))
    assert token in highlight(text, "python", cache=False)
    kept = [highlighting._cached(text, "python")]  # now cached on purpose: it must show up
    assert highlighting._cached.cache_info().currsize >= 1 and token in kept[0]
    highlighting._cached.cache_clear()
    highlighting._line_html.cache_clear()
    highlight(text, "python", cache=False)
    assert highlighting._cached.cache_info().currsize == 0
    assert highlighting._line_html.cache_info().currsize == 0


def test_highlight_refuses_unknown_languages():
    with pytest.raises(ValueError):
        highlight("x", "ruby")
    with pytest.raises(ValueError):
        highlight("x", "ruby", cache=False)


# That highlighting imports nothing of the app: tests/test_import_rules.py.


# --- stylesheet --------------------------------------------------------------------------

def test_committed_stylesheet_is_the_generators_output():
    path = Path(settings.BASE_DIR) / "static" / highlighting.STYLESHEET
    assert path.read_text(encoding="utf-8") == highlighting.stylesheet()


def test_pygments_css_command_check_passes():
    call_command("pygments_css", "--check")


def test_stylesheet_is_scoped_and_has_both_themes():
    css = highlighting.stylesheet()
    assert "@media (prefers-color-scheme: dark) {" in css
    rules = [line.strip() for line in css.splitlines() if "{" in line and "@media" not in line]
    assert rules and all(rule.startswith(".highlight") for rule in rules)
    # A class the light theme colours and the dark theme leaves plain is reset in the dark.
    dark = css.split("@media (prefers-color-scheme: dark) {")[1]
    assert ".highlight .k {" in dark


# --- highlighting line by line is the same as highlighting the whole text -------------------

_HOSTILE = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=24)


@hypothesis.settings(max_examples=80, deadline=None,
                     suppress_health_check=[hypothesis.HealthCheck.too_slow])
@hypothesis.given(country=_HOSTILE, coupon=_HOSTILE, fname=_HOSTILE, size=st.integers(0, 2**60),
       flavour=st.sampled_from(["single", "full"]), auth=st.sampled_from(["api-token", "bearer"]),
       mode=st.sampled_from(["placeholder", "env", "literal"]),
       token=st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1,
                     max_size=30),
       extra=st.recursive(st.none() | st.booleans() | st.integers() | _HOSTILE
                          | st.floats(allow_nan=False, allow_infinity=False),
                          lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(_HOSTILE, inner, max_size=3), max_leaves=8))
def test_line_by_line_highlighting_equals_whole_text_highlighting(
        country, coupon, fname, size, flavour, auth, mode, token, extra):
    body = {"type": "new_serp", "country": country, "requests": size, "coupon_code": coupon,
            "fname": fname, "extra": extra}
    options = SnippetOptions(base_url=BASE, auth=auth, token_mode=mode,
                             token=token if mode == "literal" else "")
    for spec in (RequestSpec.create(body), RequestSpec.status(str(uuid.uuid4())),
                 RequestSpec.balance()):
        for lang in LANGUAGES:
            text = render(spec, lang, flavour, options)
            assert highlighting._cached(text, lang) == whole(text, lang)


_JSON = st.recursive(st.none() | st.booleans() | st.integers() | _HOSTILE
                     | st.floats(allow_nan=False, allow_infinity=False),
                     lambda inner: st.lists(inner, max_size=4)
                     | st.dictionaries(_HOSTILE, inner, max_size=4), max_leaves=12)


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(value=_JSON, ascii_only=st.booleans())
def test_json_highlighted_line_by_line_equals_the_whole_text(value, ascii_only):
    """Bodies and responses are highlighted as json.dumps writes them, a line at a time."""
    text = json.dumps(value, indent=2, ensure_ascii=ascii_only)
    assert highlighting._cached(text, "json") == whole(text, "json")


@pytest.mark.parametrize("text", ["", "\n\n{}\n\n", '{\n  "a"\n  : 1\n}',
                                  '{"url": "http://x/*y"}', "[\r\n  1\r\n]"])
def test_json_a_lexer_would_read_across_lines_is_highlighted_whole(text):
    assert highlighting._cached(text, "json") == whole(text, "json")


def test_a_new_body_formats_only_its_changed_lines():
    first = RequestSpec.create({**default_body(), "coupon_code": "FIRST"}).body_text
    second = RequestSpec.create({**default_body(), "coupon_code": "SECOND"}).body_text
    highlight(first, "json")
    before = highlighting._line_html.cache_info()
    highlight(second, "json")
    after = highlighting._line_html.cache_info()
    assert after.misses - before.misses == 1
    assert after.hits - before.hits == len(second.splitlines()) - 1


def test_the_curl_commands_first_lines_are_highlighted_once_and_the_quoted_body_each_time():
    options = SnippetOptions(base_url="http://first-lines.test")
    texts = [render(RequestSpec.create({**default_body(), "coupon_code": code}), "curl", "single",
                    options) for code in ("ONE", "TWO")]
    alone, rest = highlighting._split(texts[1], "curl")
    assert [line.split()[0] for line in alone] == ["curl", "-H", "-H"]
    assert rest.startswith("  --data-raw '{") and '"coupon_code": "TWO"' in rest
    highlight(texts[0], "curl")
    before = highlighting._line_html.cache_info()
    assert highlight(texts[1], "curl") == whole(texts[1], "curl")
    after = highlighting._line_html.cache_info()
    assert (after.hits - before.hits, after.misses - before.misses) == (3, 0)


@pytest.mark.parametrize("text", ["echo 'a\nb'\n", "X=\"$(date)\" \\\necho $X\n",
                                  "cat <<EOF\nx\nEOF\n", "a 'b' \\\n  c 'd\\''\n"])
def test_shell_a_lexer_reads_across_lines_is_highlighted_as_the_whole_text(text):
    assert highlighting._cached(text, "curl") == whole(text, "curl")


_PLAINISH = st.text(alphabet=st.sampled_from("aZ09 _.-@+:/[]()!?é€%{}'\"\\"), max_size=12)


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(values=st.lists(_PLAINISH | st.integers(-10**12, 10**12) | st.booleans()
                                  | st.none(), min_size=1, max_size=6),
                  flavour=st.sampled_from(["single", "full"]))
def test_lines_lexed_by_shape_equal_the_whole_text(values, flavour):
    """Plain strings and numbers are swapped for stand-ins to lex a line: the HTML is still
    exactly what Pygments gives for the whole text."""
    body = {"type": "new_serp", **{f"f{i}": v for i, v in enumerate(values)}}
    for lang in ("python", "node"):
        text = render(RequestSpec.create(body), lang, flavour, SnippetOptions(base_url=BASE))
        assert highlighting._cached(text, lang) == whole(text, lang)


def test_a_line_differing_only_in_its_values_is_not_lexed_again():
    options = SnippetOptions(base_url="http://shapes.test")
    first, second = ({**default_body(), "coupon_code": code, "proxies[mixed]": size}
                     for code, size in (("SPRING", 1000), ("AUTUMN 24", 25000)))
    for lang in ("python", "node"):
        highlight(render(RequestSpec.create(first), lang, "single", options), lang)
        before = highlighting._shape_tokens.cache_info()
        text = render(RequestSpec.create(second), lang, "single", options)
        assert highlight(text, lang) == whole(text, lang)
        after = highlighting._shape_tokens.cache_info()
        assert after.misses == before.misses and after.hits - before.hits == 2
