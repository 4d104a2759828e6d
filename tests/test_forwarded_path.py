"""The sign-in gate cannot be talked past with a forwarded path: whatever script name or
path a request claims (environ keys as a WSGI server fills them, or request headers of
any spelling), a protected page answers exactly as it does without them, in every mode
that has a gate. Checked through Django's test client and against the real gunicorn
server (`make serve`) with real HTTP headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.urls import set_script_prefix

from playground.models import Call
from tests.html_support import by_id
from tests.live_support import BALANCE_FIELDS, send, use_token
from tests.process_support import running_make

LOGIN_URL = "/accounts/login/"
SSO_REFUSAL = ("Sign in through your company's single sign-on first: this server expects the "
               "proxy to identify you.\n")
OPEN_PREFIXES = ["/healthz", "/static/", "/accounts/login/", "/sandbox/v4/"]
MODES = ["login", "remote-user"]
# Protected pages and actions: (method, path).
PROTECTED = [("GET", "/"), ("GET", "/sandbox/"), ("GET", "/history"), ("POST", "/send"),
             ("POST", "/sandbox/console/top-up"), ("POST", "/sandbox/console/jwt")]


def forged_environ(prefix: str, path: str) -> dict[str, dict[str, str]]:
    """WSGI environ keys a forwarded path could arrive as, by spelling."""
    script = prefix.rstrip("/")
    return {
        "SCRIPT_NAME": {"SCRIPT_NAME": script},
        "SCRIPT_NAME+PATH_INFO": {"SCRIPT_NAME": script, "PATH_INFO": path},
        "Script-Name": {"HTTP_SCRIPT_NAME": script},
        "X-Script-Name": {"HTTP_X_SCRIPT_NAME": script},
        "X-Forwarded-Prefix": {"HTTP_X_FORWARDED_PREFIX": script},
        "Path-Info": {"HTTP_PATH_INFO": prefix},
        "X-Original-URL": {"HTTP_X_ORIGINAL_URL": prefix},
    }


SPELLINGS = list(forged_environ("/x", "/"))


@pytest.fixture(params=MODES)
def gated(request, settings):
    settings.PLAYGROUND_AUTH = request.param
    return request.param


def assert_refused(response, mode: str, path: str) -> None:
    if mode == "login":
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN_URL}?next={quote(path)}"
    else:
        assert response.status_code == 403
        assert response.content.decode() == SSO_REFUSAL


@pytest.mark.parametrize("method,path", PROTECTED)
def test_protected_pages_refuse_anonymous_requests_without_forged_headers(client, db, gated,
                                                                           method, path):
    response = client.generic(method, path)
    assert_refused(response, gated, path)


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("prefix", OPEN_PREFIXES)
@pytest.mark.parametrize("method,path", PROTECTED)
def test_a_forwarded_open_prefix_does_not_open_a_protected_page(client, db, gated, method,
                                                               path, prefix, spelling):
    environ = forged_environ(prefix, path)[spelling]
    response = client.generic(method, path, **environ)
    assert_refused(response, gated, path)


def test_a_forged_script_name_does_not_show_the_sandbox_console(client, db, settings):
    """The reported bypass, as the WSGI server passed it on: the console stays behind the
    sign-in page and the link back does not carry the forged prefix."""
    settings.PLAYGROUND_AUTH = "login"
    response = client.get("/sandbox/", SCRIPT_NAME="/sandbox/v4")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next=/sandbox/"


@pytest.mark.parametrize("configured,location", [
    (None, "/accounts/login/?next=/sandbox/"),
    ("/playground", "/playground/accounts/login/?next=/playground/sandbox/"),
])
def test_the_url_prefix_comes_from_force_script_name_never_the_request(db, settings,
                                                                      configured, location):
    """By default there is no prefix whatever the request's SCRIPT_NAME says; a deployment
    under a sub-path names it in FORCE_SCRIPT_NAME and links carry it. Through Django's WSGI
    handler, as a server calls it (the test client does not set the script prefix)."""
    settings.PLAYGROUND_AUTH = "login"
    if configured is not None:
        settings.FORCE_SCRIPT_NAME = configured
    environ = RequestFactory()._base_environ(PATH_INFO="/sandbox/", SCRIPT_NAME="/sandbox/v4",
                                             REQUEST_METHOD="GET")
    answers = []
    try:
        WSGIHandler()(environ, lambda status, headers: answers.append((status, dict(headers))))
    finally:
        set_script_prefix("/")
    status, headers = answers[0]
    assert status == "302 Found"
    assert headers["Location"] == location


# --- the real server ------------------------------------------------------------------------

# Raw header names as a client sends them; gunicorn upper-cases them before deciding.
HEADER_SPELLINGS = ["SCRIPT_NAME", "Script_Name", "script_name", "Script-Name", "PATH_INFO",
                    "path_info", "Path-Info", "X-Script-Name", "X-Forwarded-Prefix",
                    "X-Forwarded-Path", "X-Original-URL"]


@pytest.fixture(scope="module", params=MODES)
def served(request, tmp_path_factory) -> Iterator[tuple[str, str]]:
    mode = request.param
    with running_make("serve", tmp_path_factory.mktemp(f"serve-{mode}"), server="gunicorn",
                      PLAYGROUND_AUTH=mode, WEB_CONCURRENCY="1") as (url, _log):
        yield mode, url


def served_refusal(response: httpx.Response, mode: str, path: str) -> None:
    if mode == "login":
        assert response.status_code == 302
        assert response.headers["location"] == f"{LOGIN_URL}?next={quote(path)}"
    else:
        assert response.status_code == 403
        assert response.text == SSO_REFUSAL


def test_gunicorn_does_not_take_the_script_name_from_a_header(served):
    """The reported request: a SCRIPT_NAME header and the console behind an open prefix.
    Without the header gunicorn's answer is the sandbox API's 404; with it, the same."""
    _mode, url = served
    plain = httpx.get(f"{url}/sandbox/v4/sandbox/")
    forged = httpx.get(f"{url}/sandbox/v4/sandbox/", headers={"SCRIPT_NAME": "/sandbox/v4"})
    assert plain.status_code == 404
    assert (forged.status_code, forged.text) == (plain.status_code, plain.text)


def same_answer(response: httpx.Response, plain: httpx.Response) -> tuple:
    """What must not change: status, redirect target and, unless it is a page carrying a
    fresh CSRF token, the body."""
    html = response.headers.get("content-type", "").startswith("text/html")
    return (response.status_code, response.headers.get("location"),
            None if html else response.text)


@pytest.mark.parametrize("method,path", PROTECTED)
def test_gunicorn_keeps_protected_pages_closed_whatever_path_headers_say(served, method,
                                                                          path):
    mode, url = served
    with httpx.Client(base_url=url, timeout=10.0) as client:
        served_refusal(client.request(method, path), mode, path)
        for prefix in OPEN_PREFIXES:
            script = prefix.rstrip("/")
            for name in HEADER_SPELLINGS:
                value = prefix if "path" in name.lower() or "url" in name.lower() else script
                forged = client.request(method, path, headers={name: value})
                served_refusal(forged, mode, path)
                # The open prefix in front of the path, as in the reported request: answered
                # as if the header were not there (the sandbox API's 404, the login page...).
                plain = client.request(method, script + path)
                forged = client.request(method, script + path, headers={name: value})
                assert same_answer(forged, plain) == same_answer(plain, plain), (name, path)
                assert "<h1>Sandbox console</h1>" not in forged.text


def test_under_force_script_name_the_playgrounds_links_and_redirects_carry_the_prefix(
        client, db, settings):
    """Links and redirects are reversed from the namespaced urls, never typed as paths, so
    a deployment under a sub-path gets them under it. The script prefix is set as Django's
    WSGI handler sets it from FORCE_SCRIPT_NAME (the test client leaves it alone)."""
    settings.FORCE_SCRIPT_NAME = "/playground"
    set_script_prefix("/playground/")
    try:
        page = client.get("/history")
        imported = client.get("/import", {"url": "ftp://elsewhere.example/x"})
    finally:
        set_script_prefix("/")
    assert page.status_code == 200
    links = set(re.findall(r'<a [^>]*href="([^"]*)"', page.content.decode()))
    assert {"/playground/", "/playground/history"} <= links
    assert not {"/", "/history"} & links
    assert imported.status_code == 302
    assert imported["Location"] == "/playground/"


def test_under_force_script_name_snippets_and_files_call_the_sandbox_under_the_prefix(
        client, db, demo, settings):
    """A copied snippet, History's Copy as cURL, the OpenAPI servers and the Postman
    environment name this server's sandbox where a client outside reaches it: under the
    deployment's sub-path."""
    settings.FORCE_SCRIPT_NAME = "/playground"
    set_script_prefix("/playground/")
    try:
        preview = client.get("/preview", {"endpoint": "balance"}, headers={"HX-Request": "true"})
        environment = client.get("/export/postman/environment.json").json()
        servers = client.get("/openapi.json").json()["servers"]
        use_token(client, "sandbox-full")
        send(client, BALANCE_FIELDS)
        history = client.get("/history").content.decode()
    finally:
        set_script_prefix("/")
    call = Call.objects.get(endpoint="balance")
    assert "http://testserver/playground/sandbox/v4/account/orders/balance" in (
        by_id(history, f"curl-{call.pk}")[0]["text"])
    assert "http://testserver/playground/sandbox/v4/account/orders/balance" in (
        preview.content.decode())
    assert "http://testserver/sandbox/" not in preview.content.decode()
    assert {v["key"]: v["value"] for v in environment["values"]}["base_url"] == (
        "http://testserver/playground/sandbox")
    assert "http://testserver/playground/sandbox" in [s["url"] for s in servers]
