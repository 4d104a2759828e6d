"""The services behind the views, called as a script or a management command would: with an
``Owner``, never a request. Also the rules the views used to hold: the one token check,
the balance check after a create, History's filters, what of a balance a page shows."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from playground import sending, snippets, tracking, vault, wallet
from playground.api import ApiResponse
from playground.models import Call
from playground.owners import OWNER_KEY, Owner, owner_for
from playground.spec import ERROR_INSUFFICIENT_BALANCE

BALANCE_TEXT = json.dumps({"success": True, "data": {"balance": 12.5, "currency": "USD"}})


def visitor():
    request = RequestFactory().get("/")
    request.session = SessionStore()
    request.user = AnonymousUser()
    return request


def test_a_visitor_who_only_looks_owns_nothing_and_keeps_nothing_in_the_session():
    request = visitor()
    looking = owner_for(request)
    assert looking.id.startswith("session:")
    assert (looking.user, looking.staff) == (None, False)
    assert OWNER_KEY not in request.session
    assert request.session.modified is False


def test_an_owner_resolved_to_write_is_kept_by_the_session():
    request = visitor()
    writing = owner_for(request, create=True)
    assert request.session[OWNER_KEY] == writing.id
    assert owner_for(request) == writing


@pytest.mark.django_db
def test_a_signed_in_user_is_the_owner_and_staff_say_so():
    user = get_user_model().objects.create_user("ada", is_staff=True)
    request = visitor()
    request.user = user
    assert owner_for(request, create=True) == Owner(id=f"user:{user.pk}", user=user, staff=True)
    assert OWNER_KEY not in request.session


def record_balance(owner: Owner) -> Call:
    return sending.record(owner, endpoint="balance", method="GET",
                          path="/v4/account/orders/balance",
                          result=ApiResponse(200, BALANCE_TEXT, json.loads(BALANCE_TEXT), 3.0))


@pytest.mark.django_db
def test_services_record_and_read_history_for_an_owner_without_a_request():
    script, other = Owner(id="script:nightly"), Owner(id="session:someone-else")
    call = record_balance(script)
    record_balance(other)
    assert (call.owner, call.user, call.http_status, call.outcome) == (
        "script:nightly", None, 200, "ok")
    assert list(Call.objects.visible_to(script)) == [call]
    assert Call.objects.visible_to(Owner(id="user:1", staff=True)).count() == 2
    assert tracking.recent_orders(script) == []
    assert tracking.owned_order(script, "not-a-uuid") is None
    assert sending.recent_orders_count(script) == 0


@pytest.mark.django_db
def test_historys_filters_take_choices_and_match_nothing_for_other_values():
    owner = Owner(id="script:filters")
    record_balance(owner)
    calls = Call.objects.visible_to(owner)
    assert calls.filtered(endpoint="balance", http_status="200").count() == 1
    assert calls.filtered(endpoint="create").count() == 0
    assert calls.filtered(endpoint="balance\x00").count() == 0
    assert calls.filtered(order_status="nonsense").count() == 0
    assert calls.filtered(http_status="none").count() == 0
    assert calls.filtered(http_status="²").count() == 1  # not a number: no filter


@pytest.mark.parametrize("endpoint,outcome,error,check", [
    ("create", "unknown-outcome", "", True),
    ("create", "network", "", True),
    ("create", "api-error", ERROR_INSUFFICIENT_BALANCE, True),
    ("create", "connect", "", False),  # nothing was sent
    ("create", "ok", "", False),
    ("balance", "network", "", False),
])
def test_the_balance_is_read_again_only_after_a_create_that_may_have_debited(
        endpoint, outcome, error, check):
    assert sending.needs_balance_check(Call(endpoint=endpoint, outcome=outcome,
                                            error=error)) is check


@given(st.text(max_size=40))
def test_a_token_the_vault_keeps_can_always_be_written_into_a_snippet(token):
    if vault.token_problem(token) == "":
        assert snippets.token_problem(token) is None
        assert snippets.SnippetOptions(token_mode="literal", token=token).token == token


@pytest.mark.parametrize("data,shown", [
    ({"balance": 1234.5, "currency": "USD"}, "1,234.50 USD"),
    ({"balance": "12.00", "currency": "EUR"}, "12.00 EUR"),
    ("not an object", "?"),
])
def test_a_balance_reads_as_money(data, shown):
    assert wallet.money(data) == shown


@pytest.mark.parametrize("balance", [float("nan"), float("inf"), 1e15])
def test_a_balance_no_wallet_holds_is_not_shown(balance):
    with pytest.raises(wallet.Unshowable):
        wallet.money({"balance": balance, "currency": "USD"})
