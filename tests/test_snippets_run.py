"""Every snippet, run for real: bash + curl, Python + requests, Node's built-in fetch.

Against the sandbox on a live test server (the order it stores must hold exactly the
previewed JSON text, and full scripts must end with the processed subaccount), and against
a tiny capture server that records the raw bytes of whatever arrives.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import api
from playground.catalogue import default_body
from playground.sandbox import services
from playground.sandbox.models import Order
from playground.snippets import (
    ENV_VAR,
    FLAVOURS,
    LANGUAGES,
    SnippetOptions,
    filename,
    render,
)
from playground.spec import RequestSpec

INTERPRETERS = {"curl": "bash", "python": sys.executable, "node": "node"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Free text in every field the sandbox accepts as it is: quotes, shell syntax, non-ASCII.
TRICKY = default_body() | {
    "fname": "O'Brien \"Bob\" $HOME $(id) `id` \\ & [x] ; | <> ü 😀",
    "lname": "line\nbreak\ttab \u2028 '\\''",
    "email": "it's@exämple.com",
}
HOSTILE_TOKEN = "a'b\"c$HOME`id`$(id)\\n&;|<>[]{}()*?!#~%^ z"


def _require(program: str) -> None:
    if shutil.which(program) is None:
        pytest.skip(f"{program} is not installed")


def start(spec: RequestSpec, lang: str, flavour: str, options: SnippetOptions, directory: Path,
          *, token: str | None = "sandbox-full", name: str | None = None) -> subprocess.Popen:
    """Write the snippet to its download name (or ``name``) and start it; the token in the
    environment (``None``: not set at all)."""
    _require("curl" if lang == "curl" else INTERPRETERS[lang])
    path = directory / (name or filename(spec, lang, flavour))
    path.write_text(render(spec, lang, flavour, options), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k != ENV_VAR}
    if token is not None:
        env[ENV_VAR] = token
    return subprocess.Popen([INTERPRETERS[lang], str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            errors="replace", env=env, cwd=directory)


def finish(process: subprocess.Popen, timeout: float = 90) -> subprocess.CompletedProcess:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run(spec: RequestSpec, lang: str, flavour: str, options: SnippetOptions, directory: Path,
        *, token: str = "sandbox-full", timeout: float = 90) -> subprocess.CompletedProcess:
    return finish(start(spec, lang, flavour, options, directory, token=token), timeout)


def field(stdout: str, name: str) -> str:
    """The value of a ``name: value`` line a full script printed."""
    match = re.search(rf"^{re.escape(name)}: (.*)$", stdout, re.MULTILINE)
    assert match, f"no {name} line in {stdout!r}"
    return match.group(1)


def answer(stdout: str) -> dict:
    """The API's answer a single snippet printed (Python and Node print the status first)."""
    if not stdout.startswith("{"):
        status, stdout = stdout.split(" ", 1)
        assert status == "200"
    return json.loads(stdout)


# --- against the sandbox on a live server --------------------------------------------------

@pytest.fixture
def sandbox(live_server, demo, fast_processing) -> str:
    return f"{live_server.url}/sandbox"


def env_options(base: str, auth: str = "api-token") -> SnippetOptions:
    return SnippetOptions(base_url=base, auth=auth, token_mode="env")


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_create_snippet_sends_the_previewed_json(lang, flavour, sandbox, tmp_path):
    spec = RequestSpec.create(TRICKY)
    result = run(spec, lang, flavour, env_options(sandbox), tmp_path)
    assert result.returncode == 0, result.stderr
    if flavour == "single":
        order_id = UUID.search(result.stdout).group(0)
    else:
        order_id = field(result.stdout, "order_id")
    order = Order.objects.get(pk=order_id)
    assert order.received.encode("utf-8") == spec.body_text.encode("utf-8")
    if flavour == "full":
        assert field(result.stdout, "status") == "processed"
        assert field(result.stdout, "AccountID") == str(order.subaccount_id)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_status_snippet_reads_the_order(lang, flavour, sandbox, live_api, tmp_path):
    placed = live_api.create_order(default_body(), api.Credential("sandbox-full"))
    assert placed.ok, placed.text
    order = Order.objects.get(pk=placed.data)
    result = run(RequestSpec.status(placed.data), lang, flavour, env_options(sandbox), tmp_path)
    assert result.returncode == 0, result.stderr
    if flavour == "single":
        assert answer(result.stdout)["data"]["order_id"] == placed.data
    else:
        assert field(result.stdout, "order_id") == placed.data
        assert field(result.stdout, "status") == "processed"
        assert field(result.stdout, "AccountID") == str(order.subaccount_id)


@pytest.mark.parametrize("auth", ["api-token", "bearer"])
@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_balance_snippet_reads_the_wallet(lang, flavour, auth, sandbox, tmp_path):
    result = run(RequestSpec.balance(), lang, flavour, env_options(sandbox, auth), tmp_path)
    assert result.returncode == 0, result.stderr
    if flavour == "single":
        assert answer(result.stdout)["data"] == {"balance": 250.0, "currency": "USD"}
    else:
        assert re.fullmatch(r"balance: 250(\.0)? USD\n", result.stdout)


@pytest.mark.parametrize("endpoint", ["create", "balance"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_script_stops_with_the_apis_error_text(lang, endpoint, sandbox, tmp_path):
    spec = RequestSpec.create(default_body()) if endpoint == "create" else RequestSpec.balance()
    result = run(spec, lang, "full", env_options(sandbox), tmp_path, token="not-a-token")
    assert result.returncode != 0
    assert "Could not determine account email from authenticated identity." in result.stderr
    assert "order_id" not in result.stdout


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_script_reports_a_blocked_order(lang, sandbox, tmp_path):
    spec = RequestSpec.create(default_body() | {"coupon_code": "SANDBOX-BLOCK"})
    result = run(spec, lang, "full", env_options(sandbox), tmp_path)
    assert result.returncode != 0
    order = Order.objects.get(pk=field(result.stdout, "order_id"))
    assert field(result.stdout, "status") == "blocked"
    assert f"Blocked: {order.block_reason}" in result.stderr
    assert "AccountID" not in result.stdout


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_script_points_a_failed_order_to_support(lang, sandbox, tmp_path):
    spec = RequestSpec.create(default_body() | {"coupon_code": "SANDBOX-FAIL"})
    result = run(spec, lang, "full", env_options(sandbox), tmp_path)
    assert result.returncode != 0
    assert field(result.stdout, "status") == "failed"
    assert "contact support" in result.stderr


def processed_order(live_api) -> Order:
    """An order the sandbox has processed, so its subaccount has a proxy list."""
    placed = live_api.create_order(default_body(), api.Credential("sandbox-full"))
    assert placed.ok, placed.text
    Order.objects.filter(pk=placed.data).update(due=time.time() - 1)
    services.settle(Order.objects.get(pk=placed.data).sandbox, pk=placed.data)
    return Order.objects.get(pk=placed.data, status=Order.PROCESSED)


def proxy_list_spec(order: Order) -> RequestSpec:
    sub = services.subaccount_data(order)
    return RequestSpec.proxy_list(sub["AccountID"], sub["AccountType"])


@pytest.mark.parametrize("auth", ["api-token", "bearer"])
@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_proxy_list_snippet_prints_the_subaccounts_proxies(lang, flavour, auth, sandbox,
                                                            live_api, tmp_path):
    order = processed_order(live_api)
    result = run(proxy_list_spec(order), lang, flavour, env_options(sandbox, auth), tmp_path)
    assert result.returncode == 0, result.stderr
    lines = services.proxy_lines(order)
    if flavour == "single":  # Python and Node print the HTTP status first
        assert result.stdout.removeprefix("200 ").split() == lines
    else:
        assert result.stdout == f"proxies: {len(lines)}\n" + "".join(f"{x}\n" for x in lines)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_proxy_list_script_stops_with_the_apis_error_once_the_order_is_refunded(
        lang, sandbox, live_api, tmp_path):
    order = processed_order(live_api)
    assert services.refund(order.pk)
    result = run(proxy_list_spec(order), lang, "full", env_options(sandbox), tmp_path)
    assert result.returncode != 0
    assert services.SUBACCOUNT_NOT_FOUND in result.stderr
    assert result.stdout == ""


# --- against a capture server: the raw bytes that arrive -----------------------------------

CAPTURED_ID = "00000000-0000-0000-0000-000000000000"
ACCOUNT_ID = "11111111-1111-1111-1111-111111111111"
CAPTURED_PROXIES = ["10.0.0.1:8080", "10.0.0.2:8080"]


class _Capture(BaseHTTPRequestHandler):
    """Records each request; answers like the API, with canned data per endpoint."""

    def do_GET(self):
        self._answer()

    def do_POST(self):
        self._answer()

    def _answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.captured.append({"method": self.command, "path": self.path,
                                         "headers": self.headers, "body": body})
        if "/proxy-list?" in self.path:  # plain text, one proxy a line, like the API
            self._reply("text/plain", "".join(f"{x}\n" for x in CAPTURED_PROXIES).encode())
            return
        if self.path.endswith("/balance"):
            data = {"balance": 12.5, "currency": "USD"}
        elif self.path.endswith("/status"):
            data = {"order_id": CAPTURED_ID, "status": "processed",
                    "subaccount": {"AccountID": ACCOUNT_ID}}
        else:
            data = CAPTURED_ID
        self._reply("application/json", json.dumps({"success": True, "data": data}).encode())

    def _reply(self, content_type: str, payload: bytes):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def capture():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    server.captured = []
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("snippets")


def captured(capture, lang: str) -> list[dict]:
    with capture.lock:
        return [r for r in capture.captured if r["path"].startswith(f"/{lang}/")]


def capture_options(capture, lang: str, **options) -> SnippetOptions:
    """Options that point a snippet at the capture server, under its own ``/<lang>`` base."""
    port = capture.server_address[1]
    return SnippetOptions(**{"base_url": f"http://127.0.0.1:{port}/{lang}",
                             "token_mode": "env", **options})


def send(capture, spec: RequestSpec, langs, flavour: str, directory: Path,
         **options) -> dict[str, list[dict]]:
    """Run one snippet per language at once against the capture server; what arrived.

    Each language gets its own base path (``/<lang>``), so the requests can be told apart.
    """
    with capture.lock:
        capture.captured.clear()
    processes = {}
    for lang in langs:
        folder = directory / lang
        folder.mkdir(exist_ok=True)
        processes[lang] = start(spec, lang, flavour, capture_options(capture, lang, **options),
                                folder)
    for lang, process in processes.items():
        result = finish(process, timeout=30)
        assert result.returncode == 0, (lang, result.stderr)
    return {lang: captured(capture, lang) for lang in langs}


FREE_TEXT = st.text(
    st.characters(exclude_categories=("Cs",))
    | st.sampled_from("'\"\\$`\n\r\t&;|<>[](){}*?!#~%^ \u2028\u2029\x00\x7f"),
    max_size=30,
)
FREE_FIELDS = ("country", "coupon_code", "email", "fname", "lname")


@settings(max_examples=25, deadline=None)
@given(fields=st.fixed_dictionaries({name: FREE_TEXT for name in FREE_FIELDS}))
def test_free_text_reaches_the_api_byte_for_byte(capture, workdir, fields):
    spec = RequestSpec.create(default_body() | fields)
    for lang, [request] in send(capture, spec, LANGUAGES, "single", workdir).items():
        assert request["body"] == spec.body_text.encode("utf-8"), lang
        assert request["headers"]["Content-Type"] == "application/json"


JSON_KEYS = FREE_TEXT | st.sampled_from(["0", "1", "10", "__proto__", "01", "-1", "proxies[us]"])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | FREE_TEXT,
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(JSON_KEYS, children, max_size=3),
    max_leaves=12,
)


@settings(max_examples=20, deadline=None)
@given(extra=st.dictionaries(JSON_KEYS, JSON_VALUES, max_size=4))
def test_any_json_body_reaches_the_api_byte_for_byte(capture, workdir, extra):
    """Numbers JavaScript cannot keep, integer-like keys, nesting: still the same bytes."""
    spec = RequestSpec.create(default_body() | extra)
    for lang, [request] in send(capture, spec, ("python", "node"), "single", workdir).items():
        assert request["body"] == spec.body_text.encode("utf-8"), lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_full_create_script_sends_the_same_bytes(capture, workdir, lang):
    spec = RequestSpec.create(TRICKY | {"price": 1.0, "big": 2**60, "7": "seven"})
    create, status = send(capture, spec, [lang], "full", workdir)[lang]
    assert create["method"] == "POST" and create["body"] == spec.body_text.encode("utf-8")
    assert status["method"] == "GET"
    assert status["path"] == f"/{lang}/v4/account/orders/{CAPTURED_ID}/status"


def test_proxy_list_ids_arrive_as_one_segment_each_in_every_language(capture, workdir):
    spec = RequestSpec.proxy_list("id with space/and'quote?", "type#1&x")
    for lang, [request] in send(capture, spec, LANGUAGES, "single", workdir).items():
        assert request["method"] == "GET"
        assert request["path"] == (f"/{lang}/v4/account/id%20with%20space%2Fand%27quote%3F"
                                   "/type%231%26x/proxy-list"
                                   "?type=getproxies&protocol=http&format=normal"), lang


@pytest.mark.parametrize("auth", ["api-token", "bearer"])
@pytest.mark.parametrize("flavour", FLAVOURS)
def test_literal_hostile_token_arrives_exactly(capture, workdir, flavour, auth):
    received = send(capture, RequestSpec.balance(), LANGUAGES, flavour, workdir, auth=auth,
                    token_mode="literal", token=HOSTILE_TOKEN)
    for lang, [request] in received.items():
        if auth == "bearer":
            assert request["headers"]["Authorization"] == f"Bearer {HOSTILE_TOKEN}", lang
            assert "api-token" not in request["headers"]
        else:
            assert request["headers"]["api-token"] == HOSTILE_TOKEN, lang
            assert "Authorization" not in request["headers"]


# --- env mode without the variable: one clear line, nothing sent ---------------------------

TOKEN_MISSING = "Set PROXYSCRAPE_API_TOKEN to your API token first."


@pytest.mark.parametrize("token", [None, ""], ids=["unset", "empty"])
@pytest.mark.parametrize("auth", ["api-token", "bearer"])
@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("endpoint", ["create", "status", "balance", "proxy-list"])
def test_env_mode_without_the_token_stops_with_one_line_and_sends_nothing(
        capture, workdir, endpoint, flavour, auth, token):
    spec = {"create": RequestSpec.create(TRICKY), "status": RequestSpec.status(CAPTURED_ID),
            "balance": RequestSpec.balance(),
            "proxy-list": RequestSpec.proxy_list("4402", "datacenter_shared")}[endpoint]
    with capture.lock:
        capture.captured.clear()
    processes = {}
    for lang in LANGUAGES:
        folder = workdir / f"no-token-{lang}"
        folder.mkdir(exist_ok=True)
        processes[lang] = start(spec, lang, flavour, capture_options(capture, lang, auth=auth),
                                folder, token=token)
    for lang, process in processes.items():
        result = finish(process, timeout=30)
        assert result.returncode != 0, lang
        [line] = result.stderr.splitlines()
        if lang == "curl":  # bash says where: "<file>: line <n>: PROXYSCRAPE_API_TOKEN: ..."
            assert line.endswith(f": PROXYSCRAPE_API_TOKEN: {TOKEN_MISSING}"), line
        else:
            assert line == TOKEN_MISSING, lang
        assert result.stdout == "", lang
    with capture.lock:
        assert capture.captured == []


# --- Node: the same text as an ES module and pasted into a CommonJS project ----------------

NODE_FILES = {
    "mjs": ("place.mjs", None),
    "commonjs": ("index.js", {"name": "pasted", "version": "1.0.0", "type": "commonjs"}),
    "no-type": ("index.js", {"name": "pasted", "version": "1.0.0"}),
}


@pytest.mark.parametrize("form", sorted(NODE_FILES))
@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("endpoint", ["create", "status", "balance", "proxy-list"])
def test_node_snippets_run_as_a_module_and_pasted_into_a_commonjs_file(
        capture, tmp_path, endpoint, flavour, form):
    spec = {"create": RequestSpec.create(TRICKY), "status": RequestSpec.status(CAPTURED_ID),
            "balance": RequestSpec.balance(),
            "proxy-list": RequestSpec.proxy_list("4402", "datacenter_shared")}[endpoint]
    name, package = NODE_FILES[form]
    if package is not None:
        (tmp_path / "package.json").write_text(json.dumps(package), encoding="utf-8")
    with capture.lock:
        capture.captured.clear()
    result = finish(start(spec, "node", flavour, capture_options(capture, "node"), tmp_path,
                          name=name), timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    [first, *_] = captured(capture, "node")
    assert first["method"] == spec.method
    assert first["headers"]["api-token"] == "sandbox-full"
    if spec.body is not None:
        assert first["body"] == spec.body_text.encode("utf-8")
    if flavour == "full":
        expected = {"create": f"order_id: {CAPTURED_ID}\nstatus: processed\n"
                              f"AccountID: {ACCOUNT_ID}\n",
                    "status": f"order_id: {CAPTURED_ID}\nstatus: processed\n"
                              f"AccountID: {ACCOUNT_ID}\n",
                    "balance": "balance: 12.5 USD\n",
                    "proxy-list": "proxies: 2\n10.0.0.1:8080\n10.0.0.2:8080\n"}[endpoint]
        assert result.stdout == expected
    else:
        assert result.stdout.startswith("200 ")
