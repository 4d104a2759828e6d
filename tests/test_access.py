"""Who may use the playground (settings.PLAYGROUND_AUTH): anyone (none), Django accounts
(login), or a trusted SSO proxy header (remote-user), which every other mode ignores."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from playground.models import Call
from tests.html_support import elements, texts_of

HX = {"HTTP_HX_REQUEST": "true"}
LOGIN_URL = "/accounts/login/"
BALANCE_PATH = "/sandbox/v4/account/orders/balance"
SSO_REFUSAL = ("Sign in through your company's single sign-on first: this server expects the "
               "proxy to identify you.\n")
PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def login_mode(settings):
    settings.PLAYGROUND_AUTH = "login"
    return settings


@pytest.fixture
def remote_user_mode(settings):
    settings.PLAYGROUND_AUTH = "remote-user"
    return settings


def make_user(username: str, *, staff: bool = False):
    return get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD,
                                                is_staff=staff)


def sign_in(client, username: str):
    """Sign in through the login page, as a browser does."""
    response = client.post(LOGIN_URL, {"username": username, "password": PASSWORD,
                                       "next": "/"})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/"
    return response


def send_balance(client) -> None:
    """Store a demo token and ask for the balance: one history row for this owner."""
    assert client.post("/token", {"token": "sandbox-full"}, **HX).status_code == 200
    key = client.get("/").context["submission_key"]
    response = client.post("/send", {"endpoint": "balance", "submission_key": key}, **HX)
    assert response.status_code == 200
    assert "HTTP 200" in texts_of(response.content, "span", "http-status")


def history_rows(client) -> list[Call]:
    response = client.get("/history")
    assert response.status_code == 200
    return list(response.context["page"].object_list)


# --- login ------------------------------------------------------------------------------------

def test_login_mode_redirects_an_anonymous_page_request_to_the_login_page(client, db,
                                                                          login_mode):
    response = client.get("/history?endpoint=create")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/history%3Fendpoint%3Dcreate"


def test_login_mode_answers_an_anonymous_fragment_with_401_and_hx_redirect(client, db,
                                                                           login_mode):
    response = client.get("/preview?endpoint=balance", **HX)
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=/"
    assert response.content.decode() == "Your session ended: sign in again."


def test_login_mode_refuses_an_anonymous_send_without_sending(client, demo, login_mode):
    response = client.post("/send", {"endpoint": "balance", "submission_key": "k" * 32}, **HX)
    assert response.status_code == 401
    assert Call.objects.count() == 0


def test_login_mode_protects_the_sandbox_console(client, demo, login_mode):
    response = client.get("/sandbox/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/sandbox/"


def test_login_mode_leaves_the_health_check_and_the_sandbox_api_open(client, demo, login_mode):
    assert client.get("/healthz").json()["status"] == "ok"
    response = client.get(BALANCE_PATH, HTTP_API_TOKEN="sandbox-full")
    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"balance": 250.0, "currency": "USD"}}


def test_login_mode_serves_the_login_page_to_anonymous_users(client, db, login_mode):
    response = client.get("/accounts/login/?next=/")
    assert response.status_code == 200
    found = elements(response.content)
    assert "Sign in" in [e["text"] for e in found if e["tag"] == "h1"]
    names = {e["attrs"].get("name") for e in found}
    assert "username" in names and "password" in names


def test_a_created_user_signs_in_through_the_login_page_and_uses_the_playground(client, demo,
                                                                              login_mode):
    make_user("ada")
    sign_in(client, "ada")
    page = client.get("/")
    assert page.status_code == 200
    assert "ada" in texts_of(page.content, "span", "user")
    assert "Sign out" in page.content.decode()
    send_balance(client)
    call = Call.objects.get()
    assert call.user.username == "ada"
    assert call.owner == f"user:{call.user.pk}"


def test_a_wrong_password_is_refused_on_the_login_page(client, db, login_mode):
    make_user("ada")
    response = client.post(LOGIN_URL, {"username": "ada", "password": "wrong", "next": "/"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert client.get("/").status_code == 302


LOCKED_OUT = ("Too many failed sign-ins After 3 wrong passwords, signing in as this user from "
              "your address is paused for 10 minutes. Try again then, or ask an administrator "
              "to reset your password. Back to the sign-in page")


@pytest.fixture
def throttled(login_mode):
    login_mode.AXES_FAILURE_LIMIT = 3
    login_mode.AXES_COOLOFF_TIME = timedelta(minutes=10)
    return login_mode


def content_words(response) -> str:
    main = re.search(r"<main[^>]*>(.*)</main>", response.content.decode(), re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main.group(1))).split())


def fail_sign_ins(client, times: int) -> list:
    return [client.post(LOGIN_URL, {"username": "ada", "password": "wrong", "next": "/"})
            for _ in range(times)]


def test_repeated_failed_sign_ins_lock_the_user_out_even_with_the_right_password(client, db,
                                                                                 throttled):
    make_user("ada")
    answers = fail_sign_ins(client, 3)
    assert [a.status_code for a in answers] == [200, 200, 429]
    response = client.post(LOGIN_URL, {"username": "ada", "password": PASSWORD, "next": "/"})
    assert response.status_code == 429
    assert content_words(response) == LOCKED_OUT
    assert client.get("/").status_code == 302  # still not signed in


def test_a_locked_out_user_signs_in_again_after_the_cool_off(client, db, throttled):
    make_user("ada")
    fail_sign_ins(client, 3)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=10, seconds=1))
    sign_in(client, "ada")
    assert client.get("/").status_code == 200


def test_the_lockout_is_per_user_name_and_address(client, db, throttled):
    make_user("ada")
    make_user("grace")
    fail_sign_ins(client, 3)
    sign_in(client, "grace")  # another user name from the same address
    client.post("/accounts/logout/")
    other = Client(REMOTE_ADDR="192.0.2.7")  # the same user name from another address
    assert other.post(LOGIN_URL, {"username": "ada", "password": PASSWORD,
                                  "next": "/"}).status_code == 302


def test_a_forwarded_for_header_does_not_escape_the_lockout(client, db, throttled):
    make_user("ada")
    for n in range(3):
        client.post(LOGIN_URL, {"username": "ada", "password": "wrong"},
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    response = client.post(LOGIN_URL, {"username": "ada", "password": PASSWORD},
                           HTTP_X_FORWARDED_FOR="198.51.100.99")
    assert response.status_code == 429


def test_a_successful_sign_in_clears_earlier_failures(client, db, throttled):
    make_user("ada")
    fail_sign_ins(client, 2)
    sign_in(client, "ada")
    client.post("/accounts/logout/")
    assert [a.status_code for a in fail_sign_ins(client, 2)] == [200, 200]
    sign_in(client, "ada")


def test_login_mode_keeps_history_per_user(client, demo, login_mode):
    make_user("ada")
    make_user("grace")
    sign_in(client, "ada")
    send_balance(client)
    assert [row.user.username for row in history_rows(client)] == ["ada"]

    signed_out = client.post("/accounts/logout/")
    assert signed_out.status_code == 302 and signed_out["Location"] == "/"
    assert client.get("/history").status_code == 302
    sign_in(client, "grace")
    assert history_rows(client) == []
    send_balance(client)
    assert [row.user.username for row in history_rows(client)] == ["grace"]


def test_staff_see_everyones_history(client, demo, login_mode):
    make_user("ada")
    make_user("boss", staff=True)
    sign_in(client, "ada")
    send_balance(client)
    client.post("/accounts/logout/")
    sign_in(client, "boss")
    assert sorted(row.user.username for row in history_rows(client)) == ["ada"]
    send_balance(client)
    assert sorted(row.user.username for row in history_rows(client)) == ["ada", "boss"]
    # ...and the page says whose each call was.
    who = texts_of(client.get("/history").content, "td", "who")
    assert "ada" in who and "boss" in who


def test_login_mode_ignores_the_remote_user_header(client, db, login_mode):
    make_user("ada")
    response = client.get("/", HTTP_X_FORWARDED_USER="ada")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"
    assert "_auth_user_id" not in client.session


# --- remote-user ------------------------------------------------------------------------------

def test_remote_user_mode_signs_in_the_user_the_header_names(client, db, remote_user_mode):
    response = client.get("/", HTTP_X_FORWARDED_USER="ada")
    assert response.status_code == 200
    assert "ada" in texts_of(response.content, "span", "user")
    assert "Sign out" not in response.content.decode()
    assert get_user_model().objects.get().username == "ada"


def test_remote_user_mode_refuses_a_request_without_the_header(client, db, remote_user_mode):
    response = client.get("/")
    assert response.status_code == 403
    assert response.content.decode() == SSO_REFUSAL
    assert client.get("/preview", **HX).status_code == 403


def test_remote_user_mode_signs_out_when_the_header_disappears(client, db, remote_user_mode):
    assert client.get("/", HTTP_X_FORWARDED_USER="ada").status_code == 200
    assert client.get("/").status_code == 403


def test_remote_user_mode_follows_a_change_of_user_in_the_header(client, demo,
                                                                 remote_user_mode):
    client.get("/", HTTP_X_FORWARDED_USER="ada")
    response = client.get("/", HTTP_X_FORWARDED_USER="grace")
    assert "grace" in texts_of(response.content, "span", "user")


def test_remote_user_mode_reads_the_configured_header(client, db, remote_user_mode):
    remote_user_mode.REMOTE_USER_HEADER = "X-Auth-Request-User"
    assert client.get("/", HTTP_X_FORWARDED_USER="ada").status_code == 403
    response = client.get("/", HTTP_X_AUTH_REQUEST_USER="grace")
    assert response.status_code == 200
    assert "grace" in texts_of(response.content, "span", "user")


def test_remote_user_mode_keeps_history_per_user(client, demo, remote_user_mode):
    client.defaults["HTTP_X_FORWARDED_USER"] = "ada"
    send_balance(client)
    client.defaults["HTTP_X_FORWARDED_USER"] = "grace"
    assert history_rows(client) == []
    client.defaults["HTTP_X_FORWARDED_USER"] = "ada"
    assert [row.user.username for row in history_rows(client)] == ["ada"]


def test_remote_user_mode_leaves_the_health_check_and_the_sandbox_api_open(client, demo,
                                                                           remote_user_mode):
    assert client.get("/healthz").status_code == 200
    assert client.get(BALANCE_PATH, HTTP_API_TOKEN="sandbox-full").status_code == 200


# --- none ---------------------------------------------------------------------------------------

def test_none_mode_lets_anyone_use_the_playground(client, demo, settings):
    settings.PLAYGROUND_AUTH = "none"
    assert client.get("/").status_code == 200
    assert client.get("/sandbox/").status_code == 200
    send_balance(client)
    assert Call.objects.get().user is None


def test_none_mode_ignores_the_remote_user_header(client, demo, settings):
    settings.PLAYGROUND_AUTH = "none"
    response = client.get("/", HTTP_X_FORWARDED_USER="admin")
    assert response.status_code == 200
    assert texts_of(response.content, "span", "user") == []
    assert "_auth_user_id" not in client.session
    assert not get_user_model().objects.exists()


# --- health check -------------------------------------------------------------------------------

def test_the_health_check_answers_on_any_host_over_plain_http(client, db, settings):
    """A container's health check calls 127.0.0.1 over HTTP, whatever ALLOWED_HOSTS and the
    HTTPS redirect say."""
    settings.ALLOWED_HOSTS = ["playground.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    settings.PLAYGROUND_AUTH = "login"
    response = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    redirected = client.get("/", HTTP_HOST="playground.example.com")
    assert redirected.status_code == 301
    assert redirected["Location"] == "https://playground.example.com/"
