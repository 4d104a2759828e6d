"""The sandbox console at /sandbox/: accounts, top-up, refunds, JWTs; and the sandbox
switch, which turns the console and the whole API into 404s."""

from __future__ import annotations

import html
import json
import re
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from playground import vault
from playground.sandbox import views
from playground.sandbox.models import Account, Order, Sandbox
from tests.html_support import elements, texts_of
from tests.test_sandbox_support import (
    BALANCE,
    BLOCK_REASON,
    CREATE,
    ME,
    SHARED_1000,
    SUBACCOUNTS,
    UNAUTHENTICATED,
    auth_headers,
    balance_of,
    error,
    move_clock,
    place,
    proxy_list_url,
    status_url,
)

pytestmark = pytest.mark.django_db

CONSOLE = "/sandbox/"
TOP_UP = "/sandbox/console/top-up"
REFUND = "/sandbox/console/refund"
JWT = "/sandbox/console/jwt"
ISSUED_JWT = re.compile(r'<textarea[^>]*id="issued-jwt"[^>]*>([^<]+)</textarea>')


def _public_console() -> str:
    """The console showing the public demo set (a visitor's own sandbox comes first)."""
    return f"{CONSOLE}?sandbox={Sandbox.public().pk}"


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- the page ---------------------------------------------------------------------------

def test_the_console_lists_accounts_balances_permissions_and_discounts(client, demo):
    response = client.get(_public_console())

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = _page(response)
    for name, balance in [("sandbox-full", "250.00"), ("sandbox-discount", "250.00"),
                          ("sandbox-readonly", "50.00"), ("sandbox-writeonly", "250.00"),
                          ("sandbox-disabled", "50.00"), ("sandbox-empty", "0.00")]:
        assert f'data-balance="{name}">{balance} USD</td>' in page
    assert "10 %" in texts_of(response.content, "td", "num")
    assert "account:api_ordering:read" in page and "account:api_ordering:write" in page


def test_the_console_lists_every_coupon_including_the_scenario_coupons(client, demo):
    page = _page(client.get(CONSOLE))

    for code in ("SAVE10", "FIVEOFF", "SANDBOX-BLOCK", "SANDBOX-FAIL", "SANDBOX-SLOW"):
        assert f"<td><code>{code}</code></td>" in page
    assert "400 Invalid coupon code." in page


def test_the_console_shows_the_price_list(client, demo):
    page = _page(client.get(CONSOLE))

    assert ('<td><code>new_datacenter_shared</code></td><td class="num">1,000 proxies</td>'
            '<td class="num">24.00</td>') in page
    assert ('<td><code>new_datacenter_shared</code></td><td class="num">2,500 proxies</td>'
            '<td class="num">54.00</td>') in page
    assert ('<td><code>new_serp</code></td><td class="num">1,000 requests</td>'
            '<td class="num">2.50</td>') in page
    assert "a single-country location costs 10 % more" in page
    assert "BE 21 %" in page and "FI 25.5 %" in page


def test_the_console_lists_orders_with_their_statuses(client, demo, monkeypatch):
    blocked = place(client, {**SHARED_1000, "coupon_code": "SANDBOX-BLOCK"})
    processed = place(client)
    move_clock(monkeypatch, Order.objects.get(pk=processed).due)

    response = client.get(_public_console())
    page = _page(response)

    assert f"<td><code>{blocked}</code></td>" in page
    assert "blocked" in texts_of(response.content, "span", "status", "status-blocked")
    assert BLOCK_REASON in page
    assert "processed" in texts_of(response.content, "span", "status", "status-processed")
    assert f'<input type="hidden" name="order" value="{processed}">' in page
    assert f'name="order" value="{blocked}"' not in page  # no refund button for it


# --- top-up -----------------------------------------------------------------------------

def test_a_top_up_credits_the_wallet_and_redirects_to_the_console(client, demo):
    account = Account.objects.get(name="sandbox-empty")

    response = client.post(TOP_UP, {"account": account.pk, "amount": "10.50"})

    assert response.status_code == 302
    assert response["Location"] == CONSOLE
    assert balance_of("sandbox-empty") == Decimal("10.50")
    followed = client.get(CONSOLE)
    assert _messages(followed) == ["Added 10.50 USD to sandbox-empty."]
    assert 'data-balance="sandbox-empty">10.50 USD</td>' in _page(followed)


def test_a_topped_up_wallet_can_pay(client, demo):
    account = Account.objects.get(name="sandbox-empty")
    client.post(TOP_UP, {"account": account.pk, "amount": "29.04"})

    place(client, account_name="sandbox-empty")

    assert balance_of("sandbox-empty") == Decimal("0.00")


@pytest.mark.parametrize("amount, message", [
    ("", "This field is required."),
    ("abc", "Enter a number."),
    ("NaN", "Enter a number."),
    ("0", "Ensure this value is greater than or equal to 0.01."),
    ("-5", "Ensure this value is greater than or equal to 0.01."),
    ("1.005", "Ensure that there are no more than 2 decimal places."),
    ("100000.01", "Ensure this value is less than or equal to 100000."),
])
def test_an_invalid_top_up_amount_is_a_400_with_a_field_error_and_changes_nothing(
        client, demo, amount, message):
    account = Account.objects.get(name="sandbox-full")

    response = client.post(TOP_UP, {"account": account.pk, "amount": amount})

    assert response.status_code == 400
    assert response.context["topup_form"].errors == {"amount": [message]}
    assert f"<li>{message}</li>" in _page(response)
    assert balance_of("sandbox-full") == Decimal("250.00")


def test_a_top_up_for_an_unknown_account_is_a_400(client, demo):
    response = client.post(TOP_UP, {"account": 999999, "amount": "10"})

    assert response.status_code == 400
    assert response.context["topup_form"].errors == {"account": [
        "Select a valid choice. That choice is not one of the available choices."]}
    assert sorted(Account.objects.filter(sandbox=Sandbox.public())
                  .values_list("balance", flat=True)) == sorted(
        Decimal(x) for x in ("250.00", "250.00", "50.00", "250.00", "50.00", "0.00"))


def test_the_console_forms_carry_a_csrf_token_that_is_enforced(demo):
    client = Client(enforce_csrf_checks=True)
    page = client.get(CONSOLE).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    account = Account.objects.get(name="sandbox-full")

    refused = client.post(TOP_UP, {"account": account.pk, "amount": "1.00"})
    accepted = client.post(TOP_UP, {"account": account.pk, "amount": "1.00",
                                    "csrfmiddlewaretoken": token})

    assert refused.status_code == 403
    assert accepted.status_code == 302
    assert balance_of("sandbox-full") == Decimal("251.00")


def test_console_pages_answer_only_their_method(client, demo):
    assert client.post(CONSOLE).status_code == 405
    assert client.get(TOP_UP).status_code == 405
    assert client.get(REFUND).status_code == 405
    assert client.get(JWT).status_code == 405


# --- refund -----------------------------------------------------------------------------

def test_the_refund_button_refunds_a_processed_order(client, demo, monkeypatch):
    order_id = place(client)
    move_clock(monkeypatch, Order.objects.get(pk=order_id).due)

    response = client.post(REFUND, {"order": order_id, "confirm": "yes"})

    assert response.status_code == 302
    assert response["Location"] == CONSOLE
    assert Order.objects.get(pk=order_id).status == "refunded"
    assert balance_of("sandbox-full") == Decimal("250.00")
    followed = client.get(CONSOLE)
    assert _messages(followed) == [
        f"Refunded order {order_id}: 29.04 USD back to sandbox-full."]
    assert "refunded" in texts_of(followed.content, "span", "status", "status-refunded")


def test_the_refund_button_refuses_a_paid_order_with_a_message(client, demo):
    order_id = place(client)

    response = client.post(REFUND, {"order": order_id, "confirm": "yes"}, follow=True)

    assert response.redirect_chain == [(CONSOLE, 302)]
    assert _messages(response) == [
        f"Order {order_id} is not processed, so it cannot be refunded."]
    assert Order.objects.get(pk=order_id).status == "paid"
    assert balance_of("sandbox-full") == Decimal("220.96")


def test_the_refund_button_refuses_a_blocked_order_and_returns_no_extra_money(client, demo,
                                                                              monkeypatch):
    order_id = place(client, {**SHARED_1000, "coupon_code": "SANDBOX-BLOCK"})
    move_clock(monkeypatch, Order.objects.get(pk=order_id).due)

    response = client.post(REFUND, {"order": order_id, "confirm": "yes"}, follow=True)

    assert _messages(response) == [
        f"Order {order_id} is not processed, so it cannot be refunded."]
    assert balance_of("sandbox-full") == Decimal("250.00")


@pytest.mark.parametrize("order", [str(uuid.uuid4()), "not-a-uuid", ""])
def test_the_refund_button_for_an_unknown_order_says_so(client, demo, order):
    response = client.post(REFUND, {"order": order, "confirm": "yes"}, follow=True)

    assert _messages(response) == ["That order does not exist."]


# --- JWT --------------------------------------------------------------------------------

def _issue(client, account_name: str, lifetime: int) -> str:
    account = Account.objects.get(name=account_name)
    response = client.post(JWT, {"account": account.pk, "lifetime": lifetime}, follow=True)
    assert response.redirect_chain == [(f"{CONSOLE}#jwt-issued", 302)]
    return ISSUED_JWT.search(response.content.decode()).group(1)


def test_an_issued_jwt_is_shown_and_authenticates_as_bearer(client, demo):
    token = _issue(client, "sandbox-discount", 900)

    assert token.count(".") == 2
    response = client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.json()["data"]["email"] == "sandbox-discount@example.com"
    balance = client.get(BALANCE, headers={"Authorization": f"Bearer {token}"})
    assert balance.json() == {"success": True, "data": {"balance": 250.0, "currency": "USD"}}


def test_the_console_says_whose_jwt_it_is_and_for_how_long(client, demo):
    account = Account.objects.get(name="sandbox-full")

    page = _page(client.post(JWT, {"account": account.pk, "lifetime": 3600}, follow=True))

    assert "JWT for <code>sandbox-full</code>, 1 hour:" in page


def test_an_issued_jwt_keeps_the_accounts_permissions(client, demo):
    token = _issue(client, "sandbox-readonly", 900)

    response = client.post(CREATE, SHARED_1000, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 403


def test_an_already_expired_jwt_from_the_console_is_the_401(client, demo):
    token = _issue(client, "sandbox-full", -60)

    response = client.get(BALANCE, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert response.json() == error(UNAUTHENTICATED)


def test_a_jwt_lifetime_that_is_not_offered_is_a_400(client, demo):
    account = Account.objects.get(name="sandbox-full")

    response = client.post(JWT, {"account": account.pk, "lifetime": 10**9})

    assert response.status_code == 400
    assert response.context["jwt_form"].errors == {"lifetime": [
        "Select a valid choice. 1000000000 is not one of the available choices."]}
    assert ISSUED_JWT.search(response.content.decode()) is None


# --- the sandbox switch -----------------------------------------------------------------

def _every_api_request():
    order_id, subaccount_id = uuid.uuid4(), uuid.uuid4()
    return [
        ("post", CREATE),
        ("get", CREATE),
        ("get", status_url(order_id)),
        ("get", BALANCE),
        ("get", ME),
        ("get", SUBACCOUNTS),
        ("get", proxy_list_url(subaccount_id, "datacenter_shared")),
        ("get", "/sandbox/v4/account/unknown"),
    ]


@pytest.mark.parametrize("method, path", _every_api_request())
def test_with_the_sandbox_off_every_api_path_is_a_404(client, demo, settings, method, path):
    settings.SANDBOX_ENABLED = False

    response = getattr(client, method)(path, SHARED_1000, content_type="application/json",
                                       headers=auth_headers("sandbox-full")) \
        if method == "post" else client.get(path, headers=auth_headers("sandbox-full"))

    assert response.status_code == 404
    assert Order.objects.count() == 0


@pytest.mark.parametrize("method, path", [("get", CONSOLE), ("post", CONSOLE),
                                          ("post", TOP_UP), ("get", TOP_UP),
                                          ("post", REFUND), ("post", JWT)])
def test_with_the_sandbox_off_the_console_is_a_404(client, demo, settings, method, path):
    settings.SANDBOX_ENABLED = False
    account = Account.objects.get(name="sandbox-full")

    response = getattr(client, method)(path, {"account": account.pk, "amount": "10",
                                              "lifetime": 900})

    assert response.status_code == 404
    assert balance_of("sandbox-full") == Decimal("250.00")


def test_with_the_sandbox_off_an_existing_order_cannot_be_read(client, demo, settings):
    order_id = place(client)
    settings.SANDBOX_ENABLED = False

    response = client.get(status_url(order_id), headers=auth_headers("sandbox-full"))

    assert response.status_code == 404


# --- a JWT shown once after a redirect; refunds asked first ---------------------------------

def test_issuing_a_jwt_redirects_and_shows_it_once_without_it_in_url_or_session(client, demo):
    account = Account.objects.get(name="sandbox-full")
    response = client.post(JWT, {"account": account.pk, "lifetime": 900})
    assert response.status_code == 302
    assert response["Location"] == f"{CONSOLE}#jwt-issued"
    assert set(client.session[views.ISSUED_JWT]) == {"account", "lifetime", "iat"}
    shown = client.get(CONSOLE)
    token = ISSUED_JWT.search(shown.content.decode()).group(1)
    assert "no-store" in shown["Cache-Control"]
    assert token not in json.dumps(dict(client.session.items()))
    assert [e["attrs"]["data-copy-target"] for e in elements(shown.content)
            if e["attrs"].get("data-copy-target")] == ["issued-jwt"]
    use = [e for e in elements(shown.content) if e["tag"] == "input"
           and e["attrs"].get("value") == token]
    assert len(use) == 1 and use[0]["attrs"]["type"] == "hidden"
    again = client.get(CONSOLE).content.decode()  # a reload: gone, and nothing re-posted
    assert ISSUED_JWT.search(again) is None and token not in again


def test_use_in_the_playground_stores_the_jwt_as_bearer_by_a_post(client, demo):
    token = _issue(client, "sandbox-full", 900)
    response = client.post("/token", {"token": token, "auth": "bearer",
                                      "next": "/?auth=bearer"})
    assert response.status_code == 302 and response["Location"] == "/?auth=bearer"
    stored = vault.load(client.session)
    assert stored is not None and stored.credential.auth == "bearer"
    assert stored.credential.token == token


def test_refund_asks_first_and_changes_nothing_until_confirmed(client, demo, monkeypatch):
    order_id = place(client)
    move_clock(monkeypatch, Order.objects.get(pk=order_id).due)
    asked = client.post(REFUND, {"order": order_id})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Refund this order?" in page
    assert 'name="confirm" value="yes"' in page
    assert Order.objects.get(pk=order_id).status != "refunded"
    assert balance_of("sandbox-full") == Decimal("220.96")
    done = client.post(REFUND, {"order": order_id, "confirm": "yes"})
    assert done.status_code == 302
    assert Order.objects.get(pk=order_id).status == "refunded"
