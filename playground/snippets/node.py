"""Node (built-in fetch, no packages): the body as an object literal sent as
``JSON.stringify(payload, null, 2)``, which writes the same text as Python for strings,
booleans, null and integers within +-2**53. A body JavaScript cannot hold as it is (floats,
larger integers, integer-like keys, which JS reorders, or ``__proto__``) is embedded as the
exact JSON text in a template literal.

The code runs in an async ``main()`` (no top-level ``await``), so the same text works as a
downloaded ``.mjs`` and pasted into a CommonJS ``index.js`` (what ``npm init -y`` sets up).
"""

from __future__ import annotations

from playground.snippets.js_values import js_exact, js_key, js_literal, js_str, js_template
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

EXTENSION = "mjs"


def _define_body(body, body_text: str) -> tuple[list[str], str]:
    """The lines that define the body, and the expression that sends it."""
    if js_exact(body):
        return ([f"const payload = {js_literal(body)};"], "JSON.stringify(payload, null, 2)")
    return (["// The exact JSON text: it holds numbers or keys a JavaScript object would change.",
             f"const payloadJson = {js_template(body_text)};"], "payloadJson")


def _define_token(token: Token) -> str:
    """The statement that sets TOKEN; from the environment, it stops when that is unset."""
    if token.env:
        return (f"const TOKEN = process.env.{ENV_VAR};\nif (!TOKEN) {{\n"
                f"  console.error({js_str(ENV_MISSING)});\n  process.exit(1);\n}}")
    return f"const TOKEN = {js_str(token.text)};" + (f"  // {token.note}" if token.note else "")


def _header_value(token: Token, prefix: str, *, inline: bool) -> str:
    """The auth header's value: the token's text itself (``inline``) or made from TOKEN."""
    if inline and not token.env:
        return js_str(prefix + token.text)
    return f"`{prefix}${{TOKEN}}`" if prefix else "TOKEN"


_RUN_MAIN = """\
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
"""


def single(spec: RequestSpec, options: SnippetOptions) -> str:
    token = options.source
    out = [_define_token(token), ""] if token.env else []  # else: in the header itself
    value = _header_value(token, options.header_prefix, inline=True)
    header = f"{js_key(options.header_name)}: {value}"
    url = js_str(options.base_url + url_path(spec))
    text = spec.body_text  # None exactly when there is no body
    if text is not None:
        define, send = _define_body(spec.body, text)
        # At the top level, outside main(): a template literal keeps its lines as they are.
        out += [*define, "", "async function main() {", f"  const response = await fetch({url}, {{",
                '    method: "POST",', "    headers: {", f"      {header},",
                '      "Content-Type": "application/json",', "    },"]
        if send == "payloadJson":
            out.append("    body: payloadJson,")
        else:
            out += ["    // The exact JSON text the playground previewed.", f"    body: {send},"]
        out.append("  });")
    else:
        out += ["async function main() {", f"  const response = await fetch({url}, {{",
                f"    headers: {{ {header} }},", "  });"]
    out += ["  console.log(response.status, await response.text());", "}", "", _RUN_MAIN]
    return "\n".join(out)


_FAIL = """\
function fail(message) {
  console.error(message);
  process.exit(1);
}
"""

# The JSON helper, by the plan's kind of call; then the part both kinds share.
_CALLS = {
    "send": """\
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
""",
    "get": """\
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
""",
}

_CALL_TAIL = """\
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

_WAIT_FOR = """\
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

_GET_STATUS = {"send": 'call("GET", `<<STATUS_PATH>>`)', "get": "call(`<<STATUS_PATH>>`)"}

# main()'s steps, already indented for its body.
_STEPS = {
    PLACE: """\
  const orderId = await call("POST", "<<CREATE_PATH>>", <<SEND>>);
  console.log(`order_id: ${orderId}`);
""",
    GIVEN: """\
  const orderId = ORDER_ID;
  console.log(`order_id: ${orderId}`);
""",
    WAIT: """\
  const order = await waitFor(orderId);
  console.log(`status: ${order.status}`);
  if (order.status === "blocked") fail(`Blocked: ${order.block_reason}`);
  if (order.status === "failed") {
    fail(`Processing failed; contact support and quote order ${orderId}.`);
  }
  if (order.status === "refunded") fail("Refunded: the subaccount is no longer valid.");
  console.log(`AccountID: ${order.subaccount.AccountID}`);
""",
    BALANCE: """\
  const wallet = await call("<<BALANCE_PATH>>");
  console.log(`balance: ${wallet.balance} ${wallet.currency}`);
""",
    PROXY_LIST: """\
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
""",
}


def full(plan: Plan) -> str:
    head = [f"// {plan.purpose}",
            f"// Node 18 or later, no packages: node {plan.stem}.{EXTENSION}",
            f"const API_BASE = {js_str(plan.base_url)};", _define_token(plan.token)]
    if plan.polls:
        head += [f"const POLL_MS = {int(POLL_SECONDS * 1000)};",
                 f"const TIME_LIMIT_MS = {TIME_LIMIT * 1000:_};",
                 "const SETTLED = [" + ", ".join(js_str(s) for s in SETTLED) + "];"]
    if plan.order_id is not None:
        head.append(f"const ORDER_ID = {js_str(plan.order_id)};")
    if plan.proxy_list_path is not None:
        head.append(f"const PROXY_LIST_PATH = {js_str(plan.proxy_list_path)};")
    text = plan.body_text  # None exactly when there is no body
    define, send = _define_body(plan.body, text) if text is not None else ([], "")
    values = {"HEADER": js_key(plan.header), "SEND": send,
              "VALUE": _header_value(plan.token, plan.prefix, inline=False),
              "CREATE_PATH": endpoint_path("create"), "BALANCE_PATH": endpoint_path("balance")}
    helpers = []
    if plan.call is not None:
        helpers.append(fill(_CALLS[plan.call], **values) + _CALL_TAIL)
        if plan.polls:  # waiting reads the status through the same helper
            status = fill(_GET_STATUS[plan.call], STATUS_PATH=endpoint_path("status", "${orderId}"))
            helpers.append(fill(_WAIT_FOR, GET_STATUS=status))
    main = "async function main() {\n" + fill("".join(_STEPS[s] for s in plan.steps), **values)
    return blocks("\n".join(head), "\n".join(define), _FAIL, *helpers, main + "}\n", _RUN_MAIN)
