"""cURL: the single call as one ``curl`` command, the complete script in bash.

The JSON text goes inside POSIX single quotes (``'`` becomes ``'\\''``) and is sent with
``--data-raw`` (no ``@file`` reading, no stripping), so it arrives byte for byte. The
complete script reads the JSON answers with ``python3``, which nearly every system has (jq
is not everywhere).
"""

from __future__ import annotations

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
    endpoint_path,
    fill,
    url_path,
)
from playground.spec import RequestSpec

EXTENSION = "sh"


def sh_quote(text: str) -> str:
    """A POSIX shell word for ``text``: single quotes keep every byte but ``'`` itself."""
    return "'" + text.replace("'", "'\\''") + "'"


def _word(token: Token, prefix: str = "") -> str:
    """A shell word for ``prefix`` and the token; unset or empty, the shell stops there."""
    if token.env:
        return f'"{prefix}${{{ENV_VAR}:?{ENV_MISSING}}}"'
    return sh_quote(prefix + token.text)


def single(spec: RequestSpec, options: SnippetOptions) -> str:
    header = _word(options.source, f"{options.header_name}: {options.header_prefix}")
    lines = [f"curl -sS {sh_quote(options.base_url + url_path(spec))}", f"  -H {header}"]
    text = spec.body_text  # None exactly when there is no body
    if text is not None:
        lines += ["  -H 'Content-Type: application/json'", f"  --data-raw {sh_quote(text)}"]
    return " \\\n".join(lines) + "\n"


_HEAD = """\
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

_STEPS = {
    PLACE: """\
BODY=<<BODY>>

answer=$(api <<CREATE_PATH>> -H 'Content-Type: application/json' --data-raw "$BODY")
order_id=$(field "$answer" data)
""",
    GIVEN: "order_id=<<ORDER_ID>>\n",
    WAIT: """\
echo "order_id: $order_id"

# Poll every <<POLL>> s until the order settles, for at most <<LIMIT>> s.
deadline=$((SECONDS + <<LIMIT>>))
while :; do
  answer=$(api "<<STATUS_PATH>>")
  status=$(field "$answer" data.status)
  case $status in
    <<SETTLED>>) break ;;
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
""",
    BALANCE: """\
answer=$(api <<BALANCE_PATH>>)
balance=$(field "$answer" data.balance)
currency=$(field "$answer" data.currency)
echo "balance: $balance $currency"
""",
    PROXY_LIST: """\
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


def full(plan: Plan) -> str:
    token = _word(plan.token) + (f"  # {plan.token.note}" if plan.token.note else "")
    values = {
        "PURPOSE": plan.purpose,
        "BASE": sh_quote(plan.base_url),
        "TOKEN": token,
        "HEADER": plan.header,
        "PREFIX": plan.prefix,
        "BODY": sh_quote(plan.body_text or ""),
        "ORDER_ID": sh_quote(plan.order_id or ""),
        "PATH": sh_quote(plan.proxy_list_path or ""),
        "POLL": str(POLL_SECONDS),
        "LIMIT": str(TIME_LIMIT),
        "SETTLED": " | ".join(SETTLED),
        "CREATE_PATH": endpoint_path("create"),
        "STATUS_PATH": endpoint_path("status", "$order_id"),
        "BALANCE_PATH": endpoint_path("balance"),
    }
    return fill(_HEAD + "".join(_STEPS[step] for step in plan.steps), **values)
