"""The snippet generators' text: exact lines per language, quoting, options, imports.

Running the snippets for real is in test_snippets_run.py; highlighting is in
test_highlighting.py.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from playground import snippets
from playground.catalogue import default_body
from playground.snippets import LANGUAGES, SnippetOptions, filename, render
from playground.snippets.curl import sh_quote
from playground.snippets.js_values import js_exact, js_template
from playground.snippets.plan import plan
from playground.snippets.python import py_literal
from playground.spec import RequestSpec
from playground.views._shared import snippet_panels

BASE = "http://127.0.0.1:8000/sandbox"
ORDER_ID = "0bc1a40f-2a17-4c84-9b2b-f4b9d3e0b3a1"
CREATE = RequestSpec.create(default_body())
STATUS = RequestSpec.status(ORDER_ID)
BALANCE = RequestSpec.balance()
PROXY_LIST = RequestSpec.proxy_list("4402", "datacenter_shared")
SPECS = {"create": CREATE, "status": STATUS, "balance": BALANCE, "proxy-list": PROXY_LIST}
HOSTILE_TOKEN = "a'b\"c$HOME`id`\\n&;|<>[]{}()*?!#~%^ z"


def options(**kwargs) -> SnippetOptions:
    return SnippetOptions(**{"base_url": BASE, **kwargs})


# --- golden texts ------------------------------------------------------------------------

def test_curl_single_create_golden():
    assert render(CREATE, "curl", "single", options()) == """\
curl -sS 'http://127.0.0.1:8000/sandbox/v4/account/orders/create' \\
  -H 'api-token: <your-api-key>' \\
  -H 'Content-Type: application/json' \\
  --data-raw '{
  "type": "new_datacenter_shared",
  "country": "Belgium",
  "is_subscription": true,
  "days": 30,
  "proxies[mixed]": 1000,
  "bandwidth": 0
}'
"""


def test_python_single_create_golden():
    assert render(CREATE, "python", "single", options(token_mode="env")) == """\
import json
import os
import sys

import requests

TOKEN = os.environ.get("PROXYSCRAPE_API_TOKEN")
if not TOKEN:
    sys.exit("Set PROXYSCRAPE_API_TOKEN to your API token first.")

payload = {
    "type": "new_datacenter_shared",
    "country": "Belgium",
    "is_subscription": True,
    "days": 30,
    "proxies[mixed]": 1000,
    "bandwidth": 0,
}

response = requests.post(
    "http://127.0.0.1:8000/sandbox/v4/account/orders/create",
    headers={
        "api-token": TOKEN,
        "Content-Type": "application/json",
    },
    # The exact JSON text the playground previewed, as UTF-8.
    data=json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"),
    timeout=30,
)
print(response.status_code, response.text)
"""


def test_node_single_create_golden():
    assert render(CREATE, "node", "single", options(auth="bearer")) == """\
const payload = {
  type: "new_datacenter_shared",
  country: "Belgium",
  is_subscription: true,
  days: 30,
  "proxies[mixed]": 1000,
  bandwidth: 0,
};

async function main() {
  const response = await fetch("http://127.0.0.1:8000/sandbox/v4/account/orders/create", {
    method: "POST",
    headers: {
      Authorization: "Bearer <your-jwt>",
      "Content-Type": "application/json",
    },
    // The exact JSON text the playground previewed.
    body: JSON.stringify(payload, null, 2),
  });
  console.log(response.status, await response.text());
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
"""


NODE_RUN_MAIN = ("main().catch((error) => {\n  console.error(error);\n"
                 "  process.exitCode = 1;\n});\n")


def test_get_snippets_golden():
    assert render(STATUS, "curl", "single", options(token_mode="env")) == (
        f"curl -sS '{BASE}/v4/account/orders/{ORDER_ID}/status' \\\n"
        '  -H "api-token: ${PROXYSCRAPE_API_TOKEN:?'
        'Set PROXYSCRAPE_API_TOKEN to your API token first.}"\n')
    assert render(BALANCE, "python", "single", options(auth="bearer", token_mode="env")) == (
        "import os\nimport sys\n\nimport requests\n\n"
        'TOKEN = os.environ.get("PROXYSCRAPE_API_TOKEN")\nif not TOKEN:\n'
        '    sys.exit("Set PROXYSCRAPE_API_TOKEN to your API token first.")\n\n'
        "response = requests.get(\n"
        f'    "{BASE}/v4/account/orders/balance",\n'
        '    headers={"Authorization": f"Bearer {TOKEN}"},\n'
        "    timeout=30,\n)\nprint(response.status_code, response.text)\n")
    assert render(BALANCE, "node", "single", options(token_mode="env")) == (
        "const TOKEN = process.env.PROXYSCRAPE_API_TOKEN;\nif (!TOKEN) {\n"
        '  console.error("Set PROXYSCRAPE_API_TOKEN to your API token first.");\n'
        "  process.exit(1);\n}\n\n"
        "async function main() {\n"
        f'  const response = await fetch("{BASE}/v4/account/orders/balance", {{\n'
        '    headers: { "api-token": TOKEN },\n'
        "  });\n  console.log(response.status, await response.text());\n}\n\n"
        + NODE_RUN_MAIN)


PROXY_URL = (f"{BASE}/v4/account/4402/datacenter_shared/proxy-list"
             "?type=getproxies&protocol=http&format=normal")


def test_proxy_list_single_snippets_golden():
    assert render(PROXY_LIST, "curl", "single", options()) == (
        f"curl -sS '{PROXY_URL}' \\\n  -H 'api-token: <your-api-key>'\n")
    assert render(PROXY_LIST, "python", "single", options(auth="bearer")) == (
        f'import requests\n\nresponse = requests.get(\n    "{PROXY_URL}",\n'
        '    headers={"Authorization": "Bearer <your-jwt>"},\n'
        "    timeout=30,\n)\nprint(response.status_code, response.text)\n")
    assert render(PROXY_LIST, "node", "single", options()) == (
        f'async function main() {{\n  const response = await fetch("{PROXY_URL}", {{\n'
        '    headers: { "api-token": "<your-api-key>" },\n'
        "  });\n  console.log(response.status, await response.text());\n}\n\n"
        + NODE_RUN_MAIN)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_proxy_list_full_script_prints_a_count_then_the_proxies_and_stops_on_errors(lang):
    text = render(PROXY_LIST, lang, "full", options())
    assert "Fetch a subaccount's proxy list and print it, one ip:port a line." in text
    assert "proxies: " in text
    assert "an error comes as a JSON answer" in text
    assert "/v4/account/orders/" not in text  # no status polling: the order is done


@pytest.mark.parametrize("lang", LANGUAGES)
def test_proxy_list_ids_become_one_encoded_path_segment_each(lang):
    spec = RequestSpec.proxy_list("id with space/and'quote?", "type#1")
    text = render(spec, lang, "single", options())
    path = "/v4/account/id%20with%20space%2Fand%27quote%3F/type%231/proxy-list?type=getproxies"
    assert path in text


# --- header lines per auth form and token mode ---------------------------------------------

HEADER_LINES = {
    # (lang, auth, mode): the line that carries the credential in the single snippet
    ("curl", "api-token", "placeholder"): "  -H 'api-token: <your-api-key>'",
    ("curl", "bearer", "placeholder"): "  -H 'Authorization: Bearer <your-jwt>'",
    ("curl", "api-token", "env"):
        '  -H "api-token: ${PROXYSCRAPE_API_TOKEN:?'
        'Set PROXYSCRAPE_API_TOKEN to your API token first.}"',
    ("curl", "bearer", "env"):
        '  -H "Authorization: Bearer ${PROXYSCRAPE_API_TOKEN:?'
        'Set PROXYSCRAPE_API_TOKEN to your API token first.}"',
    ("curl", "api-token", "literal"): "  -H 'api-token: it'\\''s'",
    ("curl", "bearer", "literal"): "  -H 'Authorization: Bearer it'\\''s'",
    ("python", "api-token", "placeholder"): '        "api-token": "<your-api-key>",',
    ("python", "bearer", "placeholder"): '        "Authorization": "Bearer <your-jwt>",',
    ("python", "api-token", "env"): '        "api-token": TOKEN,',
    ("python", "bearer", "env"): '        "Authorization": f"Bearer {TOKEN}",',
    ("python", "api-token", "literal"): '        "api-token": "it\'s",',
    ("python", "bearer", "literal"): '        "Authorization": "Bearer it\'s",',
    ("node", "api-token", "placeholder"): '      "api-token": "<your-api-key>",',
    ("node", "bearer", "placeholder"): '      Authorization: "Bearer <your-jwt>",',
    ("node", "api-token", "env"): '      "api-token": TOKEN,',
    ("node", "bearer", "env"): "      Authorization: `Bearer ${TOKEN}`,",
    ("node", "api-token", "literal"): '      "api-token": "it\'s",',
    ("node", "bearer", "literal"): '      Authorization: "Bearer it\'s",',
}


@pytest.mark.parametrize(("lang", "auth", "mode"), sorted(HEADER_LINES))
def test_credential_line(lang, auth, mode):
    text = render(CREATE, lang, "single", options(auth=auth, token_mode=mode, token="it's"))
    lines = [line.removesuffix(" \\") for line in text.splitlines()]
    assert HEADER_LINES[lang, auth, mode] in lines


FULL_TOKEN_LINES = {
    ("curl", "placeholder"): "TOKEN='<your-api-key>'  # your token here",
    ("curl", "env"):
        'TOKEN="${PROXYSCRAPE_API_TOKEN:?Set PROXYSCRAPE_API_TOKEN to your API token first.}"',
    ("curl", "literal"): "TOKEN='it'\\''s'",
    ("python", "placeholder"): 'TOKEN = "<your-api-key>"  # your token here',
    ("python", "env"): 'TOKEN = os.environ.get("PROXYSCRAPE_API_TOKEN")',
    ("python", "literal"): 'TOKEN = "it\'s"',
    ("node", "placeholder"): 'const TOKEN = "<your-api-key>";  // your token here',
    ("node", "env"): "const TOKEN = process.env.PROXYSCRAPE_API_TOKEN;",
    ("node", "literal"): 'const TOKEN = "it\'s";',
}


@pytest.mark.parametrize(("lang", "mode"), sorted(FULL_TOKEN_LINES))
@pytest.mark.parametrize("endpoint", sorted(SPECS))
def test_full_script_token_and_base_lines(lang, mode, endpoint):
    text = render(SPECS[endpoint], lang, "full", options(token_mode=mode, token="it's"))
    lines = text.splitlines()
    assert FULL_TOKEN_LINES[lang, mode] in lines
    base = {"curl": f"API_BASE='{BASE}'", "python": f'API_BASE = "{BASE}"',
            "node": f'const API_BASE = "{BASE}";'}[lang]
    assert base in lines


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_script_bearer_header(lang):
    text = render(STATUS, lang, "full", options(auth="bearer", token_mode="env"))
    expected = {"curl": 'AUTH="Authorization: Bearer $TOKEN"',
                "python": '    headers = {"Authorization": f"Bearer {TOKEN}"}',
                "node": "      headers: { Authorization: `Bearer ${TOKEN}` },"}[lang]
    assert expected in text.splitlines()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("endpoint", ["create", "status"])
def test_full_scripts_poll_to_a_terminal_status(lang, endpoint):
    text = render(SPECS[endpoint], lang, "full", options())
    for status in ("processed", "blocked", "failed", "refunded"):
        assert status in text
    assert "1.5" in text or "1500" in text
    assert "60" in text
    assert "order_id: " in text and "AccountID: " in text and "block_reason" in text
    assert "support" in text


def test_bash_full_script_does_not_need_jq():
    text = render(CREATE, "curl", "full", options())
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "jq is not on every system" in text  # the comment that says why python3
    assert "jq " not in text.replace("jq is not", "")
    assert "set -euo pipefail" in text


def test_base_url_trailing_slash_and_real_default():
    assert SnippetOptions(base_url=BASE + "/").base_url == BASE
    text = render(BALANCE, "curl")
    assert "'https://api.proxyscrape.com/v4/account/orders/balance'" in text


def test_hostile_base_url_and_order_id_are_quoted():
    hostile = "http://127.0.0.1:1/x'y\"z$a`b`"
    spec = RequestSpec.status("id with space/and'quote")
    curl = render(spec, "curl", "single", options(base_url=hostile))
    assert "'http://127.0.0.1:1/x'\\''y\"z$a`b`/v4/account/orders/" in curl
    assert "id%20with%20space%2Fand'\\''quote/status'" in curl
    python = render(spec, "python", "full", options(base_url=hostile))
    assert "API_BASE = 'http://127.0.0.1:1/x\\'y\"z$a`b`'" in python
    assert 'ORDER_ID = "id%20with%20space%2Fand\'quote"' in python
    node = render(spec, "node", "full", options(base_url=hostile))
    assert 'const API_BASE = "http://127.0.0.1:1/x\'y\\"z$a`b`";' in node


# --- literal token quoting -----------------------------------------------------------------

def test_literal_hostile_token_quoting():
    opts = options(token_mode="literal", token=HOSTILE_TOKEN)
    curl = render(BALANCE, "curl", "single", opts)
    assert "-H 'api-token: a'\\''b\"c$HOME`id`\\n&;|<>[]{}()*?!#~%^ z'" in curl
    python = render(BALANCE, "python", "single", opts)
    assert ast.literal_eval(python.split('"api-token": ')[1].split("},")[0]) == HOSTILE_TOKEN
    node = render(BALANCE, "node", "single", opts)
    assert json.loads(node.split('"api-token": ')[1].split(" },")[0]) == HOSTILE_TOKEN


def test_token_repr_is_redacted():
    assert "s3cret" not in repr(SnippetOptions(token_mode="literal", token="s3cret"))


@pytest.mark.parametrize("token", ["", " lead", "trail ", "new\nline", "nul\x00", "ünï"])
def test_literal_tokens_that_cannot_travel_in_a_header_are_refused(token):
    with pytest.raises(ValueError):
        SnippetOptions(token_mode="literal", token=token)


@pytest.mark.parametrize("kwargs", [{"auth": "basic"}, {"token_mode": "secret"},
                                    {"base_url": "/sandbox"}, {"base_url": "http://a b"}])
def test_unknown_options_are_refused(kwargs):
    with pytest.raises(ValueError):
        SnippetOptions(**kwargs)


def test_unknown_language_or_flavour_is_refused():
    with pytest.raises(ValueError):
        render(CREATE, "ruby", "single")
    with pytest.raises(ValueError):
        render(CREATE, "curl", "half")


# --- body quoting ----------------------------------------------------------------------------

TRICKY = {
    "type": "new_datacenter_shared",
    "country": "Côte d'Ivoire",
    "fname": "O'Brien \"Bob\" $HOME `id` \\ & [x] ; | <>",
    "lname": "line\nbreak\ttab\r\x00\x7f\u2028\u2029\u00a0 😀 ünï",
    "email": "a'\\''b@example.com",
    "nested": {"list": [1, True, None, "x"], "empty": {}, "none": []},
}


def test_python_payload_literal_is_the_body():
    text = render(RequestSpec.create(TRICKY), "python", "single", options())
    literal = text.split("payload = ")[1].split("\n}\n")[0] + "\n}"
    assert ast.literal_eval(literal) == TRICKY
    assert "\\u2028" in literal and "😀" in literal  # invisible escaped, visible kept


def test_python_literal_special_floats():
    assert py_literal(float("nan")) == 'float("nan")'
    assert py_literal(float("-inf")) == '-float("inf")'
    assert py_literal(0.1) == "0.1"


def test_curl_body_is_single_quoted_json_text():
    spec = RequestSpec.create(TRICKY)
    text = render(spec, "curl", "single", options())
    assert f"  --data-raw {sh_quote(spec.body_text)}\n" in text
    assert sh_quote("it's") == "'it'\\''s'"


def test_node_uses_an_object_literal_when_javascript_keeps_the_body():
    text = render(RequestSpec.create(TRICKY), "node", "single", options())
    assert "const payload = {" in text
    assert "JSON.stringify(payload, null, 2)" in text
    assert '  lname: "line\\nbreak\\ttab\\r\\u0000\\u007f\\u2028\\u2029\\u00a0 😀 ünï",' in text


@pytest.mark.parametrize("body", [
    {"type": "x", "price": 1.5},
    {"type": "x", "big": 2**53 + 1},
    {"type": "x", "1": "integer-like keys come first in JavaScript"},
    {"type": "x", "__proto__": 1},
    {"type": "x", "nested": [{"f": 1e100}]},
])
def test_node_embeds_the_json_text_when_javascript_would_change_it(body):
    spec = RequestSpec.create(body)
    for flavour in ("single", "full"):
        text = render(spec, "node", flavour, options())
        assert "const payloadJson = `" in text
        assert "JSON.stringify" not in text


def test_js_template_literal_escapes():
    assert js_template("a`b${c}$d\\e\n\u2028") == "`a\\`b\\${c}$d\\\\e\n\\u2028`"


def test_js_exact_limits():
    assert js_exact({"01": 1, "-1": 2, "a": [2**53, -(2**53)]})
    assert not js_exact({"4294967294": 1})
    assert js_exact({"4294967295": 1})  # not an array index: order kept


# --- names -----------------------------------------------------------------------------------

def test_filenames():
    assert filename(CREATE, "curl", "full") == "place-order.sh"
    assert filename(CREATE, "python", "full") == "place-order.py"
    assert filename(CREATE, "node", "full") == "place-order.mjs"
    assert filename(STATUS, "python", "single") == "order-status-single.py"
    assert filename(BALANCE, "node", "full") == "balance.mjs"
    assert filename(PROXY_LIST, "curl", "full") == "proxy-list.sh"
    assert filename(PROXY_LIST, "python", "single") == "proxy-list-single.py"


@pytest.mark.parametrize("endpoint", sorted(SPECS))
@pytest.mark.parametrize("flavour", snippets.FLAVOURS)
def test_python_snippets_compile(endpoint, flavour):
    for mode in snippets.TOKEN_MODES:
        opts = options(token_mode=mode, token=HOSTILE_TOKEN)
        compile(render(SPECS[endpoint], "python", flavour, opts), "snippet.py", "exec")


# --- the package's shape ------------------------------------------------------------------

PACKAGE = Path(snippets.__file__).parent


# What the snippet modules may import: tests/test_import_rules.py (the spec and each other).


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_is_one_module(lang):
    assert (PACKAGE / f"{lang}.py").exists()


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_snippet_modules_stay_below_300_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 300


def test_the_token_mode_is_read_in_one_place():
    """Languages ask the Token; only options.py looks at token_mode."""
    for path in PACKAGE.glob("*.py"):
        if path.name != "options.py":
            assert "token_mode" not in path.read_text(encoding="utf-8"), path.name


def test_the_plan_says_what_each_complete_script_does():
    opts = options(auth="bearer", token_mode="env")
    create = plan(CREATE, opts)
    assert (create.steps, create.call, create.polls) == (("place", "wait"), "send", True)
    assert create.body_text == CREATE.body_text and create.order_id is None
    assert (create.header, create.prefix, create.token.env) == ("Authorization", "Bearer ", True)
    status = plan(RequestSpec.status("id/with space"), opts)
    assert (status.steps, status.call, status.order_id) == (("given", "wait"), "get",
                                                           "id%2Fwith%20space")
    balance = plan(BALANCE, opts)
    assert (balance.steps, balance.call, balance.polls) == (("balance",), "get", False)
    proxy_list = plan(PROXY_LIST, opts)
    assert (proxy_list.steps, proxy_list.call) == (("proxy-list",), None)
    assert proxy_list.proxy_list_path == PROXY_URL.removeprefix(BASE)


@pytest.mark.parametrize("endpoint", sorted(SPECS))
def test_a_script_that_waits_has_the_json_helper_its_polls_go_through(endpoint):
    """The languages write the polling loop only beside the call helper it uses."""
    script = plan(SPECS[endpoint], options())
    assert not script.polls or script.call in ("send", "get")


def test_the_token_source_follows_the_mode():
    assert options(token_mode="env").source.env
    placeholder = options(auth="bearer").source
    assert (placeholder.env, placeholder.text, placeholder.note) == (False, "<your-jwt>",
                                                                   "your token here")
    literal = options(token_mode="literal", token="it's").source
    assert (literal.env, literal.text, literal.note) == (False, "it's", "")
    assert "it's" not in repr(literal)


def test_snippet_panels_hand_the_template_escaped_values():
    """snippet_panels escapes every value itself (the template writes them as they are)."""
    panels = snippet_panels(
        spec=RequestSpec.balance(), flavour="single", file_flavour="full",
        options=SnippetOptions(base_url="http://escape.test"),
        download_url=lambda lang: f"/snippets/{lang}?a=1&b=<2>", id_suffix='-"x"',
        code_prefix="<p>", label_order="<o>")
    html = render_to_string("playground/_snippet_tabs.html", {"snippet_list": panels})
    assert 'href="/snippets/node?a=1&amp;b=&lt;2&gt;"' in html
    assert 'id="tab-python-&quot;x&quot;"' in html
    assert 'id="&lt;p&gt;code-curl-&quot;x&quot;"' in html
    assert 'aria-label="Node code, proxy list of order &lt;o&gt;"' in html
    assert "<o>" not in html and "<p>" not in html and "<2>" not in html
