"""Sandbox wallets stay within what their column stores: a top-up past the limit is a
form error that changes nothing, and the balance API answers JSON whatever the row holds."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from playground.sandbox import services
from playground.sandbox.models import Account
from tests.test_sandbox_support import BALANCE, auth_headers, balance_of, set_balance

pytestmark = pytest.mark.django_db

TOP_UP = "/sandbox/console/top-up"
OVER = "That would take the wallet of sandbox-full above 1,000,000.00 USD, the sandbox's limit."


def _top_up(client, amount: str):
    return client.post(TOP_UP, {"account": Account.objects.get(name="sandbox-full").pk,
                                "amount": amount})


def test_a_top_up_past_the_wallet_limit_is_a_form_error_and_changes_nothing(client, demo):
    set_balance("sandbox-full", Decimal("999999.00"))

    response = _top_up(client, "1.01")

    assert response.status_code == 400
    assert response.context["topup_form"].errors["amount"] == [OVER]
    assert balance_of("sandbox-full") == Decimal("999999.00")


def test_a_top_up_to_exactly_the_limit_is_taken(client, demo):
    set_balance("sandbox-full", Decimal("999999.00"))

    response = _top_up(client, "1.00")

    assert (response.status_code, response["Location"]) == (302, "/sandbox/")
    assert balance_of("sandbox-full") == services.WALLET_LIMIT


def test_many_top_ups_stop_at_the_limit_and_the_console_and_balance_api_still_work(
        client, demo):
    set_balance("sandbox-full", Decimal("950000.00"))

    answers = [_top_up(client, "100000").status_code for _ in range(3)]

    assert answers == [400, 400, 400]
    assert client.get("/sandbox/").status_code == 200
    balance = client.get(BALANCE, headers=auth_headers("sandbox-full"))
    assert balance.status_code == 200
    assert balance.json() == {"success": True, "data": {"balance": 950000.0, "currency": "USD"}}


def test_a_balance_row_the_column_cannot_read_back_is_a_json_500_not_an_html_page(
        client, demo):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL refuses an overflowing numeric when it is written, so no such "
                    "row can exist there; SQLite stores it and fails when it is read back")
    with connection.cursor() as cursor:  # written behind the app's back, as before the limit
        cursor.execute("UPDATE sandbox_account SET balance = %s WHERE name = %s",
                       ["99999999999999.99", "sandbox-full"])

    response = client.get(BALANCE, headers=auth_headers("sandbox-full"))

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"success": False, "error": services.INTERNAL_ERROR}
