"""Request spec -> code a developer can paste (cURL, Python, Node), and its highlighting.

Every snippet sends exactly ``spec.body_text``, byte for byte, whatever the body holds:

- cURL: the JSON text inside POSIX single quotes (``'`` becomes ``'\\''``), sent with
  ``--data-raw`` (no ``@file`` reading, no stripping). The ``full`` script is bash and reads
  the JSON answers with ``python3``, which nearly every system has (jq is not everywhere).
- Python: a dict literal (``repr`` strings, ``True``/``False``/``None``), sent as
  ``json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")``: the same call that
  made ``body_text``.
- Node: an object literal sent as ``JSON.stringify(payload, null, 2)``, which writes the
  same text as Python for strings, booleans, null and integers within +-2**53. A body
  JavaScript cannot hold as it is (floats, larger integers, integer-like keys, which JS
  reorders, or ``__proto__``) is embedded as the exact JSON text in a template literal.

Highlighting them is ``playground.highlighting``'s job.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from playground.spec import AUTH_FORMS, ENDPOINTS, RequestSpec

LANGUAGES = ("curl", "python", "node")
FLAVOURS = ("single", "full")
TOKEN_MODES = ("placeholder", "env", "literal")
ENV_VAR = "PROXYSCRAPE_API_TOKEN"
# What an env-mode snippet prints (and then stops, sending nothing) when ENV_VAR is unset or empty.
ENV_MISSING = f"Set {ENV_VAR} to your API token first."
DEFAULT_BASE_URL = "https://api.proxyscrape.com"
PLACEHOLDERS = {"api-token": "<your-api-key>", "bearer": "<your-jwt>"}
SETTLED = ("processed", "blocked", "failed", "refunded")  # terminal order statuses
POLL_SECONDS = 1.5
TIME_LIMIT = 60  # seconds a full script waits for an order to settle

EXTENSIONS = {"curl": "sh", "python": "py", "node": "mjs"}
FILE_STEMS = {"create": "place-order", "status": "order-status", "balance": "balance",
              "proxy-list": "proxy-list"}

# Characters left as they are in a URL path; anything else in an order id is %-encoded.
_PATH_SAFE = "-._~!$&'()*+,;=:@"


@dataclass(frozen=True)
class SnippetOptions:
    """How a snippet reaches the API and where its token comes from.

    base_url: the API base (the real API or this server's absolute sandbox URL).
    auth: ``api-token`` (header ``api-token: <token>``) or ``bearer``.
    token_mode: ``placeholder`` (``<your-api-key>``/``<your-jwt>``), ``env`` (read
    ``PROXYSCRAPE_API_TOKEN`` at run time) or ``literal`` (``token`` written into the code).
    """

    base_url: str = DEFAULT_BASE_URL
    auth: str = "api-token"
    token_mode: str = "placeholder"
    token: str = field(default="", repr=False)  # literal mode only; never printed

    def __post_init__(self):
        if self.auth not in AUTH_FORMS:
            raise ValueError(f"auth must be one of {AUTH_FORMS}, not {self.auth!r}")
        if self.token_mode not in TOKEN_MODES:
            raise ValueError(f"token_mode must be one of {TOKEN_MODES}, not {self.token_mode!r}")
        if self.token_mode == "literal":
            problem = token_problem(self.token)
            if problem:
                raise ValueError(problem)
        if not re.fullmatch(r"https?://[^\s]+", self.base_url):
            raise ValueError(f"base_url must be an absolute http(s) URL, not {self.base_url!r}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def header_name(self) -> str:
        return "Authorization" if self.auth == "bearer" else "api-token"

    @property
    def header_prefix(self) -> str:
        """What comes before the token in the header value."""
        return "Bearer " if self.auth == "bearer" else ""

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.auth]


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot go into a header as it is, or None when it can.

    API keys and JWTs are printable ASCII; HTTP trims the ends of header values, and the
    HTTP clients of the three languages disagree on anything beyond ASCII.
    """
    if not token:
        return "A literal token cannot be empty."
    if not token.isascii() or not token.isprintable():
        return "A token is printable ASCII: no control characters or other text."
    if token != token.strip():
        return "A token cannot start or end with a space."
    return None


def render(spec: RequestSpec, lang: str, flavour: str = "single",
           options: SnippetOptions | None = None) -> str:
    """The snippet for ``spec`` in ``lang`` (one of LANGUAGES), ``flavour`` single or full."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {FLAVOURS}, not {flavour!r}")
    return _RENDERERS[lang, flavour](spec, options or SnippetOptions())


def filename(spec: RequestSpec, lang: str, flavour: str = "full") -> str:
    """A download name: ``place-order.sh`` for a full script, ``place-order-single.sh`` else."""
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {FLAVOURS}, not {flavour!r}")
    suffix = "" if flavour == "full" else "-single"
    return f"{FILE_STEMS[spec.endpoint]}{suffix}.{EXTENSIONS[lang]}"


def _url_path(spec: RequestSpec) -> str:
    """``spec.path`` with the order id %-encoded where a URL needs it (a UUID needs none),
    and the query string the endpoint takes, if any."""
    if spec.endpoint == "proxy-list":
        return f"{spec.path}?{spec.query}"
    return ENDPOINTS[spec.endpoint][1].format(order_id=_order_id(spec))


def _order_id(spec: RequestSpec) -> str:
    return quote(spec.order_id or "", safe=_PATH_SAFE)


def _fill(template: str, **values: str) -> str:
    """Replace each ``<<NAME>>`` in one pass, so no value is ever read as a marker."""
    return re.sub(r"<<([A-Z_]+)>>", lambda m: values[m.group(1)], template)


# --- cURL / bash ---------------------------------------------------------------------------

def sh_quote(text: str) -> str:
    """A POSIX shell word for ``text``: single quotes keep every byte but ``'`` itself."""
    return "'" + text.replace("'", "'\\''") + "'"


def _curl_header(options: SnippetOptions) -> str:
    prefix = f"{options.header_name}: {options.header_prefix}"
    if options.token_mode == "env":  # unset or empty: the shell stops before running curl
        return f'"{prefix}${{{ENV_VAR}:?{ENV_MISSING}}}"'
    if options.token_mode == "literal":
        return sh_quote(prefix + options.token)
    return sh_quote(prefix + options.placeholder)


def _curl_single(spec: RequestSpec, options: SnippetOptions) -> str:
    lines = [f"curl -sS {sh_quote(options.base_url + _url_path(spec))}",
             f"  -H {_curl_header(options)}"]
    if spec.body is not None:
        lines += ["  -H 'Content-Type: application/json'",
                  f"  --data-raw {sh_quote(spec.body_text)}"]
    return " \\\n".join(lines) + "\n"


_BASH_HEAD = """\
#!/usr/bin/env bash
# <<PURPOSE>>
# Needs curl and python3: python3 reads the JSON answers, as jq is not on every system.
set -euo pipefail

API_BASE=<<BASE>>
TOKEN=<<TOKEN>>
AUTH="<<HEADER>>: <<PREFIX>>$TOKEN"

# api PATH [curl options]: call the API and print its answer.
api() {
  local path=$1
  shift
  curl -sS --max-time 30 "$API_BASE$path" -H "$AUTH" "$@"
}

# field ANSWER PATH: print one field of an answer (PATH like data.status), or stop with
# the API's error text when the answer is an error.
field() {
  python3 - "$1" "$2" <<'PY'
import json
import sys

try:
    answer = json.loads(sys.argv[1])
except ValueError:
    sys.exit("Unexpected answer: " + sys.argv[1][:300])
if answer.get("success") is not True:
    sys.exit(f"API error: {answer.get('error')}")
value = answer
for key in sys.argv[2].split("."):
    value = value.get(key) if isinstance(value, dict) else None
print("" if value is None else value)
PY
}

"""

_BASH_POLL = """\
echo "order_id: $order_id"

# Poll every <<POLL>> s until the order settles, for at most <<LIMIT>> s.
deadline=$((SECONDS + <<LIMIT>>))
while :; do
  answer=$(api "/v4/account/orders/$order_id/status")
  status=$(field "$answer" data.status)
  case $status in
    processed | blocked | failed | refunded) break ;;
  esac
  if ((SECONDS >= deadline)); then
    echo "Order $order_id is still $status after <<LIMIT>> s; check again later." >&2
    exit 1
  fi
  sleep <<POLL>>
done

echo "status: $status"
case $status in
  processed)
    account_id=$(field "$answer" data.subaccount.AccountID)
    echo "AccountID: $account_id"
    ;;
  blocked)
    reason=$(field "$answer" data.block_reason)
    echo "Blocked: $reason" >&2
    exit 1
    ;;
  failed)
    echo "Processing failed; contact support and quote order $order_id." >&2
    exit 1
    ;;
  refunded)
    echo "Refunded: the subaccount is no longer valid." >&2
    exit 1
    ;;
esac
"""

_BASH_BODIES = {
    "create": """\
BODY=<<BODY>>

answer=$(api /v4/account/orders/create -H 'Content-Type: application/json' --data-raw "$BODY")
order_id=$(field "$answer" data)
""" + _BASH_POLL,
    "status": "order_id=<<ORDER_ID>>\n" + _BASH_POLL,
    "balance": """\
answer=$(api /v4/account/orders/balance)
balance=$(field "$answer" data.balance)
currency=$(field "$answer" data.currency)
echo "balance: $balance $currency"
""",
    "proxy-list": """\
# The list comes as plain text, one proxy a line; an error comes as a JSON answer.
answer=$(api <<PATH>> -w '\\n%{http_code}')
code=${answer##*$'\\n'}
list=${answer%$'\\n'*}
if [[ $code != 2* || $list == "{"* ]]; then
  field "$list" data >/dev/null # stops with the API's error text
  echo "Unexpected answer (HTTP $code): ${list:0:300}" >&2
  exit 1
fi
echo "proxies: $(grep -c . <<<"$list" || true)"
grep . <<<"$list" || true
""",
}

_PURPOSES = {
    "create": "Place an order, then poll its status every {poll} s until it settles "
              "(at most {limit} s).",
    "status": "Poll an order's status every {poll} s until it settles (at most {limit} s).",
    "balance": "Read the wallet balance that API orders are paid from.",
    "proxy-list": "Fetch a subaccount's proxy list and print it, one ip:port a line.",
}


def _purpose(spec: RequestSpec) -> str:
    return _PURPOSES[spec.endpoint].format(poll=POLL_SECONDS, limit=TIME_LIMIT)


def _curl_full(spec: RequestSpec, options: SnippetOptions) -> str:
    if options.token_mode == "env":
        token = f'"${{{ENV_VAR}:?{ENV_MISSING}}}"'
    elif options.token_mode == "literal":
        token = sh_quote(options.token)
    else:
        token = f"{sh_quote(options.placeholder)}  # your token here"
    values = {
        "PURPOSE": _purpose(spec),
        "BASE": sh_quote(options.base_url),
        "TOKEN": token,
        "HEADER": options.header_name,
        "PREFIX": options.header_prefix,
        "BODY": sh_quote(spec.body_text or ""),
        "ORDER_ID": sh_quote(_order_id(spec)),
        "PATH": sh_quote(_url_path(spec)),
        "POLL": str(POLL_SECONDS),
        "LIMIT": str(TIME_LIMIT),
    }
    return _fill(_BASH_HEAD + _BASH_BODIES[spec.endpoint], **values)


# --- Python --------------------------------------------------------------------------------

def py_str(text: str) -> str:
    """A Python string literal for ``text``, double-quoted where that needs no escapes."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1] + '"'  # no quote of either kind inside: same escapes
    return literal


def py_literal(value, indent: int = 0) -> str:
    """Python source for a JSON value, laid out with 4-space indents and trailing commas."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(value)
        return 'float("nan")' if math.isnan(value) else f'{"-" if value < 0 else ""}float("inf")'
    if isinstance(value, str):
        return py_str(value)
    pad, inner = " " * indent, " " * (indent + 4)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{py_str(k)}: {py_literal(v, indent + 4)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [f"{inner}{py_literal(v, indent + 4)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


# Env mode: TOKEN is read once, and the snippet stops with one line when it is not set.
_PY_ENV_TOKEN = f"""\
TOKEN = os.environ.get({py_str(ENV_VAR)})
if not TOKEN:
    sys.exit({py_str(ENV_MISSING)})"""


def _py_token(options: SnippetOptions, *, single: bool) -> str:
    """The token expression (single: the whole header value, with any Bearer prefix)."""
    prefix = options.header_prefix if single else ""
    if options.token_mode == "env":
        return f'f"{prefix}{{TOKEN}}"' if prefix else "TOKEN"
    if options.token_mode == "literal":
        return py_str(prefix + options.token)
    return py_str(prefix + options.placeholder)


def _py_single(spec: RequestSpec, options: SnippetOptions) -> str:
    imports = []
    if spec.body is not None:
        imports.append("import json")
    if options.token_mode == "env":
        imports += ["import os", "import sys"]
    out = [*imports, "", "import requests", ""] if imports else ["import requests", ""]
    if options.token_mode == "env":
        out += [_PY_ENV_TOKEN, ""]
    if spec.body is not None:
        out += [f"payload = {py_literal(spec.body)}", ""]
    call = "post" if spec.method == "POST" else "get"
    header = f"{py_str(options.header_name)}: {_py_token(options, single=True)}"
    out += [f"response = requests.{call}(", f"    {py_str(options.base_url + _url_path(spec))},"]
    if spec.body is not None:
        out += [
            "    headers={",
            f"        {header},",
            '        "Content-Type": "application/json",',
            "    },",
            "    # The exact JSON text the playground previewed, as UTF-8.",
            '    data=json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"),',
        ]
    else:
        out.append(f"    headers={{{header}}},")
    out += ["    timeout=30,", ")", "print(response.status_code, response.text)"]
    return "\n".join(out) + "\n"


_PY_CALL_WITH_BODY = """\
def call(method, path, payload=None):
    \"""Send one request and return the answer's data; exit with the API's error text.\"""
    headers = {<<HEADER>>: <<VALUE>>}
    data = None
    if payload is not None:
        headers["Content-Type"] = "application/json"
        # The exact JSON text the playground previewed, as UTF-8.
        data = json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")
    try:
        response = requests.request(
            method, API_BASE + path, headers=headers, data=data, timeout=30
        )
    except requests.RequestException as exc:
        sys.exit(f"Request failed: {exc}")
"""

_PY_CALL_GET = """\
def call(path):
    \"""GET one endpoint and return the answer's data; exit with the API's error text.\"""
    headers = {<<HEADER>>: <<VALUE>>}
    try:
        response = requests.get(API_BASE + path, headers=headers, timeout=30)
    except requests.RequestException as exc:
        sys.exit(f"Request failed: {exc}")
"""

_PY_CALL_TAIL = """\
    try:
        answer = response.json()
    except ValueError:
        sys.exit(f"Unexpected answer (HTTP {response.status_code}): {response.text[:300]}")
    if answer.get("success") is not True:
        sys.exit(f"API error (HTTP {response.status_code}): {answer.get('error')}")
    return answer["data"]
"""

_PY_WAIT_FOR = """\
def wait_for(order_id):
    \"""Poll the order's status until it settles; exit when the time limit passes.\"""
    deadline = time.monotonic() + TIME_LIMIT
    while True:
        order = <<GET_STATUS>>
        if order["status"] in SETTLED:
            return order
        if time.monotonic() >= deadline:
            sys.exit(f"Order {order_id} is still {order['status']} after {TIME_LIMIT} s; "
                     "check again later.")
        time.sleep(POLL_SECONDS)
"""

_PY_MAIN_POLL = """\
def main():
<<START>>
    order = wait_for(order_id)
    status = order["status"]
    print(f"status: {status}")
    if status == "blocked":
        sys.exit(f"Blocked: {order.get('block_reason')}")
    if status == "failed":
        sys.exit(f"Processing failed; contact support and quote order {order_id}.")
    if status == "refunded":
        sys.exit("Refunded: the subaccount is no longer valid.")
    print(f"AccountID: {order['subaccount']['AccountID']}")
"""

_PY_MAIN_BALANCE = """\
def main():
    wallet = call("/v4/account/orders/balance")
    print(f"balance: {wallet['balance']} {wallet['currency']}")
"""


_PY_MAIN_PROXY_LIST = """\
def main():
    try:
        response = requests.get(
            API_BASE + PROXY_LIST_PATH, headers={<<HEADER>>: <<VALUE>>}, timeout=30
        )
    except requests.RequestException as exc:
        sys.exit(f"Request failed: {exc}")
    text = response.text
    # The list comes as plain text, one proxy a line; an error comes as a JSON answer.
    if text.lstrip().startswith("{"):
        try:
            error = response.json().get("error")
        except ValueError:
            error = text[:300]
        sys.exit(f"API error (HTTP {response.status_code}): {error}")
    if not response.ok:
        sys.exit(f"Unexpected answer (HTTP {response.status_code}): {text[:300]}")
    proxies = [line.strip() for line in text.splitlines() if line.strip()]
    print(f"proxies: {len(proxies)}")
    for proxy in proxies:
        print(proxy)
"""


def _blocks(*blocks: str, blank_lines: int = 1) -> str:
    """Join blocks of code with ``blank_lines`` empty lines between them."""
    parts = [b.strip("\n") for b in blocks if b]
    return ("\n" * (blank_lines + 1)).join(parts) + "\n"


def _py_full(spec: RequestSpec, options: SnippetOptions) -> str:
    polls = spec.endpoint in ("create", "status")
    imports = ["import json"] if spec.body is not None else []
    imports += ["import os"] if options.token_mode == "env" else []
    imports += ["import sys"] + (["import time"] if polls else [])
    if options.token_mode == "env":
        token = _PY_ENV_TOKEN.removeprefix("TOKEN = ")
    elif options.token_mode == "literal":
        token = py_str(options.token)
    else:
        token = f"{py_str(options.placeholder)}  # your token here"
    constants = [f"API_BASE = {py_str(options.base_url)}", f"TOKEN = {token}"]
    if polls:
        settled = ", ".join(py_str(s) for s in SETTLED)
        constants += [f"POLL_SECONDS = {POLL_SECONDS}", f"TIME_LIMIT = {TIME_LIMIT}",
                      f"SETTLED = ({settled})"]
    if spec.endpoint == "status":
        constants.append(f"ORDER_ID = {py_str(_order_id(spec))}")
    if spec.endpoint == "proxy-list":
        constants.append(f"PROXY_LIST_PATH = {py_str(_url_path(spec))}")
    value = 'f"Bearer {TOKEN}"' if options.auth == "bearer" else "TOKEN"
    call = _PY_CALL_WITH_BODY if spec.body is not None else _PY_CALL_GET
    call = _fill(call, HEADER=py_str(options.header_name), VALUE=value) + _PY_CALL_TAIL
    if spec.endpoint == "create":
        get_status = 'call("GET", f"/v4/account/orders/{order_id}/status")'
        start = ('    order_id = call("POST", "/v4/account/orders/create", PAYLOAD)\n'
                 '    print(f"order_id: {order_id}")')
    else:
        get_status = 'call(f"/v4/account/orders/{order_id}/status")'
        start = '    order_id = ORDER_ID\n    print(f"order_id: {order_id}")'
    head = _blocks(
        f'"""{_purpose(spec)}\n\nNeeds the requests package: pip install requests\n"""',
        "\n".join(imports),
        "import requests",
        "\n".join(constants),
        f"PAYLOAD = {py_literal(spec.body)}" if spec.body is not None else "",
    )
    if polls:
        defs = [call, _fill(_PY_WAIT_FOR, GET_STATUS=get_status),
                _fill(_PY_MAIN_POLL, START=start)]
    elif spec.endpoint == "proxy-list":  # plain text, not the JSON envelope call() reads
        defs = [_fill(_PY_MAIN_PROXY_LIST, HEADER=py_str(options.header_name), VALUE=value)]
    else:
        defs = [call, _PY_MAIN_BALANCE]
    return _blocks(head, *defs, 'if __name__ == "__main__":\n    main()', blank_lines=2)


# --- Node ----------------------------------------------------------------------------------

_JS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_JS_INDEX = re.compile(r"0|[1-9][0-9]*")
_JS_SAFE_INT = 2**53


def _escape_unprintable(text: str, keep: str = "") -> str:
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
        items = [f"{inner}{k if _JS_IDENTIFIER.fullmatch(k) else js_str(k)}: "
                 f"{js_literal(v, indent + 2)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{inner}{js_literal(v, indent + 2)}," for v in value) \
            + f"\n{pad}]"
    raise TypeError(f"not a JavaScript-exact JSON value: {type(value).__name__}")


def _js_body(spec: RequestSpec) -> tuple[list[str], str]:
    """The lines that define the body, and the expression that sends it."""
    if js_exact(spec.body):
        return ([f"const payload = {js_literal(spec.body)};"],
                "JSON.stringify(payload, null, 2)")
    return (["// The exact JSON text: it holds numbers or keys a JavaScript object would change.",
             f"const payloadJson = {js_template(spec.body_text)};"], "payloadJson")


# Env mode: TOKEN is read once, and the snippet stops with one line when it is not set.
_JS_ENV_TOKEN = f"""\
const TOKEN = process.env.{ENV_VAR};
if (!TOKEN) {{
  console.error({js_str(ENV_MISSING)});
  process.exit(1);
}}"""

# Node scripts run their steps in an async main(): no top-level await, so the same text runs
# as an ES module (.mjs) and pasted into a CommonJS file (what `npm init -y` sets up).
_JS_RUN_MAIN = """\
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
"""


def _js_token(options: SnippetOptions, *, single: bool) -> str:
    prefix = options.header_prefix if single else ""
    if options.token_mode == "env":
        return f"`{prefix}${{TOKEN}}`" if prefix else "TOKEN"
    if options.token_mode == "literal":
        return js_str(prefix + options.token)
    return js_str(prefix + options.placeholder)


def _js_key(name: str) -> str:
    return name if _JS_IDENTIFIER.fullmatch(name) else js_str(name)


def _node_single(spec: RequestSpec, options: SnippetOptions) -> str:
    out = [_JS_ENV_TOKEN, ""] if options.token_mode == "env" else []
    header = f"{_js_key(options.header_name)}: {_js_token(options, single=True)}"
    url = js_str(options.base_url + _url_path(spec))
    out.append("async function main() {")
    if spec.body is not None:
        define, send = _js_body(spec)
        out[-1:-1] = [*define, ""]  # at the top level: a template literal keeps its lines
        out += [f"  const response = await fetch({url}, {{", '    method: "POST",',
                "    headers: {", f"      {header},", '      "Content-Type": "application/json",',
                "    },"]
        if send == "payloadJson":
            out.append("    body: payloadJson,")
        else:
            out += ["    // The exact JSON text the playground previewed.", f"    body: {send},"]
        out.append("  });")
    else:
        out += [f"  const response = await fetch({url}, {{", f"    headers: {{ {header} }},",
                "  });"]
    out += ["  console.log(response.status, await response.text());", "}", "", _JS_RUN_MAIN]
    return "\n".join(out)


_JS_CALL_WITH_BODY = """\
// Send one request and return the answer's data; stop with the API's error text.
async function call(method, path, body) {
  const headers = { <<HEADER>>: <<VALUE>> };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(API_BASE + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    fail(`Request failed: ${error.cause?.message ?? error.message}`);
  }
"""

_JS_CALL_GET = """\
// GET one endpoint and return the answer's data; stop with the API's error text.
async function call(path) {
  let response;
  try {
    response = await fetch(API_BASE + path, {
      headers: { <<HEADER>>: <<VALUE>> },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    fail(`Request failed: ${error.cause?.message ?? error.message}`);
  }
"""

_JS_CALL_TAIL = """\
  const text = await response.text();
  let answer;
  try {
    answer = JSON.parse(text);
  } catch {
    fail(`Unexpected answer (HTTP ${response.status}): ${text.slice(0, 300)}`);
  }
  if (answer.success !== true) {
    fail(`API error (HTTP ${response.status}): ${answer.error}`);
  }
  return answer.data;
}
"""

_JS_WAIT_FOR = """\
async function waitFor(orderId) {
  const deadline = Date.now() + TIME_LIMIT_MS;
  for (;;) {
    const order = await <<GET_STATUS>>;
    if (SETTLED.includes(order.status)) return order;
    if (Date.now() >= deadline) {
      fail(`Order ${orderId} is still ${order.status} after ${TIME_LIMIT_MS / 1000} s; ` +
        "check again later.");
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
"""

_JS_MAIN_POLL = """\
async function main() {
<<START>>
  const order = await waitFor(orderId);
  console.log(`status: ${order.status}`);
  if (order.status === "blocked") fail(`Blocked: ${order.block_reason}`);
  if (order.status === "failed") {
    fail(`Processing failed; contact support and quote order ${orderId}.`);
  }
  if (order.status === "refunded") fail("Refunded: the subaccount is no longer valid.");
  console.log(`AccountID: ${order.subaccount.AccountID}`);
}
"""

_JS_MAIN_BALANCE = """\
async function main() {
  const wallet = await call("/v4/account/orders/balance");
  console.log(`balance: ${wallet.balance} ${wallet.currency}`);
}
"""

_JS_MAIN_PROXY_LIST = """\
async function main() {
  let response;
  try {
    response = await fetch(API_BASE + PROXY_LIST_PATH, {
      headers: { <<HEADER>>: <<VALUE>> },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    fail(`Request failed: ${error.cause?.message ?? error.message}`);
  }
  const text = await response.text();
  // The list comes as plain text, one proxy a line; an error comes as a JSON answer.
  if (text.trimStart().startsWith("{")) {
    let error;
    try {
      error = JSON.parse(text).error;
    } catch {
      error = text.slice(0, 300);
    }
    fail(`API error (HTTP ${response.status}): ${error}`);
  }
  if (!response.ok) fail(`Unexpected answer (HTTP ${response.status}): ${text.slice(0, 300)}`);
  const proxies = text.split("\\n").map((line) => line.trim()).filter(Boolean);
  console.log(`proxies: ${proxies.length}`);
  for (const proxy of proxies) console.log(proxy);
}
"""

_JS_FAIL = """\
function fail(message) {
  console.error(message);
  process.exit(1);
}
"""


def _node_full(spec: RequestSpec, options: SnippetOptions) -> str:
    polls = spec.endpoint in ("create", "status")
    if options.token_mode == "env":
        token = _JS_ENV_TOKEN.removeprefix("const TOKEN = ")
    elif options.token_mode == "literal":
        token = js_str(options.token) + ";"
    else:
        token = js_str(options.placeholder) + ";  // your token here"
    head = [f"// {_purpose(spec)}",
            f"// Node 18 or later, no packages: node {filename(spec, 'node', 'full')}",
            f"const API_BASE = {js_str(options.base_url)};", f"const TOKEN = {token}"]
    if polls:
        head += [f"const POLL_MS = {int(POLL_SECONDS * 1000)};",
                 f"const TIME_LIMIT_MS = {TIME_LIMIT * 1000:_};",
                 "const SETTLED = [" + ", ".join(js_str(s) for s in SETTLED) + "];"]
    if spec.endpoint == "status":
        head.append(f"const ORDER_ID = {js_str(_order_id(spec))};")
    if spec.endpoint == "proxy-list":
        head.append(f"const PROXY_LIST_PATH = {js_str(_url_path(spec))};")
    define, send = _js_body(spec) if spec.body is not None else ([], "")
    value = "`Bearer ${TOKEN}`" if options.auth == "bearer" else "TOKEN"
    call = _JS_CALL_WITH_BODY if spec.body is not None else _JS_CALL_GET
    call = _fill(call, HEADER=_js_key(options.header_name), VALUE=value) + _JS_CALL_TAIL
    if spec.endpoint == "create":
        get_status = 'call("GET", `/v4/account/orders/${orderId}/status`)'
        start = (f'  const orderId = await call("POST", "/v4/account/orders/create", {send});\n'
                 "  console.log(`order_id: ${orderId}`);")
    else:
        get_status = "call(`/v4/account/orders/${orderId}/status`)"
        start = "  const orderId = ORDER_ID;\n  console.log(`order_id: ${orderId}`);"
    if polls:
        rest = [call, _fill(_JS_WAIT_FOR, GET_STATUS=get_status),
                _fill(_JS_MAIN_POLL, START=start)]
    elif spec.endpoint == "proxy-list":  # plain text, not the JSON envelope call() reads
        rest = [_fill(_JS_MAIN_PROXY_LIST, HEADER=_js_key(options.header_name), VALUE=value)]
    else:
        rest = [call, _JS_MAIN_BALANCE]
    return _blocks("\n".join(head), "\n".join(define), _JS_FAIL, *rest, _JS_RUN_MAIN)


_RENDERERS = {
    ("curl", "single"): _curl_single,
    ("curl", "full"): _curl_full,
    ("python", "single"): _py_single,
    ("python", "full"): _py_full,
    ("node", "single"): _node_single,
    ("node", "full"): _node_full,
}
