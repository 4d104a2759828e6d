"""Python (requests): the body as a dict literal, sent as
``json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8")``, the same call that made
``spec.body_text``, so the bytes match."""

from __future__ import annotations

import math

from playground.snippets.options import ENV_MISSING, ENV_VAR, SnippetOptions, Token
from playground.snippets.plan import (
    BALANCE,
    GIVEN,
    PLACE,
    POLL_SECONDS,
    PROXY_LIST,
    SETTLED,
    TIME_LIMIT,
    WAIT,
    Plan,
    blocks,
    endpoint_path,
    fill,
    url_path,
)
from playground.spec import RequestSpec

EXTENSION = "py"


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


def _define_token(token: Token) -> str:
    """The statement that sets TOKEN; from the environment, it stops when that is unset."""
    if token.env:
        return (f"TOKEN = os.environ.get({py_str(ENV_VAR)})\n"
                f"if not TOKEN:\n    sys.exit({py_str(ENV_MISSING)})")
    return f"TOKEN = {py_str(token.text)}" + (f"  # {token.note}" if token.note else "")


def _header_value(token: Token, prefix: str, *, inline: bool) -> str:
    """The auth header's value: the token's text itself (``inline``) or made from TOKEN."""
    if inline and not token.env:
        return py_str(prefix + token.text)
    return f'f"{prefix}{{TOKEN}}"' if prefix else "TOKEN"


def _imports(*names: str) -> str:
    return "\n".join(f"import {name}" for name in names if name)


def single(spec: RequestSpec, options: SnippetOptions) -> str:
    token, has_body = options.source, spec.body is not None
    imports = _imports("json" if has_body else "", *(("os", "sys") if token.env else ()))
    out = [imports, "", "import requests", ""] if imports else ["import requests", ""]
    if token.env:  # the other forms write the token in the header itself
        out += [_define_token(token), ""]
    if has_body:
        out += [f"payload = {py_literal(spec.body)}", ""]
    value = _header_value(token, options.header_prefix, inline=True)
    header = f"{py_str(options.header_name)}: {value}"
    call = "post" if spec.method == "POST" else "get"
    out += [f"response = requests.{call}(", f"    {py_str(options.base_url + url_path(spec))},"]
    if has_body:
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


# The JSON helper, by the plan's kind of call; then the part both kinds share.
_CALLS = {
    "send": """\
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
""",
    "get": """\
def call(path):
    \"""GET one endpoint and return the answer's data; exit with the API's error text.\"""
    headers = {<<HEADER>>: <<VALUE>>}
    try:
        response = requests.get(API_BASE + path, headers=headers, timeout=30)
    except requests.RequestException as exc:
        sys.exit(f"Request failed: {exc}")
""",
}

_CALL_TAIL = """\
    try:
        answer = response.json()
    except ValueError:
        sys.exit(f"Unexpected answer (HTTP {response.status_code}): {response.text[:300]}")
    if answer.get("success") is not True:
        sys.exit(f"API error (HTTP {response.status_code}): {answer.get('error')}")
    return answer["data"]
"""

_GET_STATUS = {"send": 'call("GET", f"<<STATUS_PATH>>")', "get": 'call(f"<<STATUS_PATH>>")'}

_WAIT_FOR = """\
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

# main()'s steps, already indented for its body.
_STEPS = {
    PLACE: """\
    order_id = call("POST", "<<CREATE_PATH>>", PAYLOAD)
    print(f"order_id: {order_id}")
""",
    GIVEN: """\
    order_id = ORDER_ID
    print(f"order_id: {order_id}")
""",
    WAIT: """\
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
""",
    BALANCE: """\
    wallet = call("<<BALANCE_PATH>>")
    print(f"balance: {wallet['balance']} {wallet['currency']}")
""",
    PROXY_LIST: """\
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
""",
}


def full(plan: Plan) -> str:
    imports = _imports("json" if plan.body is not None else "", "os" if plan.token.env else "",
                       "sys", "time" if plan.polls else "")
    constants = [f"API_BASE = {py_str(plan.base_url)}", _define_token(plan.token)]
    if plan.polls:
        settled = ", ".join(py_str(s) for s in SETTLED)
        constants += [f"POLL_SECONDS = {POLL_SECONDS}", f"TIME_LIMIT = {TIME_LIMIT}",
                      f"SETTLED = ({settled})"]
    if plan.order_id is not None:
        constants.append(f"ORDER_ID = {py_str(plan.order_id)}")
    if plan.proxy_list_path is not None:
        constants.append(f"PROXY_LIST_PATH = {py_str(plan.proxy_list_path)}")
    head = blocks(
        f'"""{plan.purpose}\n\nNeeds the requests package: pip install requests\n"""',
        imports,
        "import requests",
        "\n".join(constants),
        f"PAYLOAD = {py_literal(plan.body)}" if plan.body is not None else "",
    )
    header = {"HEADER": py_str(plan.header),
              "VALUE": _header_value(plan.token, plan.prefix, inline=False)}
    helpers = []
    if plan.call is not None:
        helpers.append(fill(_CALLS[plan.call], **header) + _CALL_TAIL)
        if plan.polls:  # waiting reads the status through the same helper
            status = fill(_GET_STATUS[plan.call], STATUS_PATH=endpoint_path("status", "{order_id}"))
            helpers.append(fill(_WAIT_FOR, GET_STATUS=status))
    main = "def main():\n" + fill("".join(_STEPS[step] for step in plan.steps), **header,
                                   CREATE_PATH=endpoint_path("create"),
                                   BALANCE_PATH=endpoint_path("balance"))
    return blocks(head, *helpers, main, 'if __name__ == "__main__":\n    main()', blank_lines=2)
