"""Guards on live ordering for a shared server: ORDER_RATE_LIMIT orders a minute per user,
or for the whole server with PLAYGROUND_AUTH=none (the next one is refused before anything
is sent), and LIVE_ORDERING_ENABLED=0 (no live orders at all while status and balance keep
working). The sandbox is limited by neither."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from playground import api
from playground.models import Call
from playground.sandbox.models import Order
from tests import fake_upstream as fu
from tests.live_support import (
    BALANCE,
    BALANCE_FIELDS,
    CREATE,
    TOKEN,
    Upstream,
    install_upstream,
    ok,
    page,
    send,
    status_path,
    use_token,
    wallet_routes,
    words,
)

ORDER_PLACED = "Order placed."
# PLAYGROUND_AUTH=none (the tests' default) limits the whole server; the other modes each user.
RATE_LIMITED = ("Too many live orders: wait a minute. At most 3 live orders a minute on this "
                "server, to stop a runaway loop from draining the wallet. Nothing was sent.")
RATE_LIMITED_PER_USER = RATE_LIMITED.replace("on this server", "per user")
ORDERING_OFF = ("Placing live orders is turned off here. An administrator set "
                "LIVE_ORDERING_ENABLED=0; status and balance still work.")
ORDER_ID = "3f1c2b9e-8d7a-4c65-b1e0-5a9f7d2c4e81"


def answer_creates(request):
    return ok(str(uuid.uuid4()))


@pytest.fixture
def upstream(db, settings) -> Upstream:
    """Live mode against a fake API that accepts every order; three orders a minute."""
    settings.ORDER_RATE_LIMIT = 3
    fake = Upstream({CREATE: answer_creates, **wallet_routes(),
                     status_path(ORDER_ID): ok({"status": "processed", "price": "29.04"})})
    install_upstream(settings, fake)
    return fake


def place_live_order(client: Client) -> str:
    return words(send(client, confirm="yes"))


# --- ORDER_RATE_LIMIT --------------------------------------------------------------------------

def test_the_fourth_live_order_in_a_minute_is_refused_and_never_sent(client, upstream):
    use_token(client, TOKEN)
    for _ in range(3):
        assert ORDER_PLACED in place_live_order(client)
    assert place_live_order(client) == RATE_LIMITED
    assert upstream.counts[CREATE] == 3
    assert Call.objects.filter(endpoint="create").count() == 3


def test_the_limit_refuses_before_asking_for_confirmation(client, upstream):
    use_token(client, TOKEN)
    for _ in range(3):
        place_live_order(client)
    assert words(send(client)) == RATE_LIMITED  # no confirm=yes: still refused outright
    assert upstream.counts[CREATE] == 3


def test_orders_older_than_a_minute_no_longer_count(client, upstream):
    use_token(client, TOKEN)
    for _ in range(3):
        place_live_order(client)
    for call in Call.objects.filter(endpoint="create"):
        Call.objects.filter(pk=call.pk).update(created=call.created - timedelta(seconds=61))
    assert ORDER_PLACED in place_live_order(client)
    assert upstream.counts[CREATE] == 4


def test_status_and_balance_are_not_limited(client, upstream):
    use_token(client, TOKEN)
    for _ in range(3):
        place_live_order(client)
    read_by_orders = upstream.counts[BALANCE]  # each order shows the wallet around it
    assert "HTTP 200" in page(send(client, BALANCE_FIELDS))
    status = page(send(client, {"endpoint": "status", "order_id": ORDER_ID}))
    assert "HTTP 200" in status
    assert upstream.counts[BALANCE] == read_by_orders + 1
    assert upstream.counts[status_path(ORDER_ID)] == 1


def test_the_limit_is_per_user_across_browsers(upstream, settings):
    settings.PLAYGROUND_AUTH = "login"
    ada = get_user_model().objects.create_user("ada")
    grace = get_user_model().objects.create_user("grace")
    laptop, phone, other = Client(), Client(), Client()
    for browser, user in [(laptop, ada), (phone, ada), (other, grace)]:
        browser.force_login(user)
        use_token(browser, TOKEN)
    for _ in range(2):
        assert ORDER_PLACED in place_live_order(laptop)
    assert ORDER_PLACED in place_live_order(phone)
    assert place_live_order(phone) == RATE_LIMITED_PER_USER
    assert place_live_order(laptop) == RATE_LIMITED_PER_USER
    assert ORDER_PLACED in place_live_order(other)  # someone else's minute is their own
    assert upstream.counts[CREATE] == 4


def test_in_none_mode_fresh_sessions_share_one_limit(db, settings):
    """A script that drops its cookie before every order is still limited: against a fake
    upstream on a real socket, each order from a new client with no cookie."""
    settings.PLAYGROUND_AUTH = "none"
    settings.ORDER_RATE_LIMIT = 3
    fake = fu.FakeUpstream().start()
    settings.PROXYSCRAPE_API_BASE = fake.url
    api.clients.override(None)
    try:
        answers = []
        for _ in range(5):
            fresh = Client()
            use_token(fresh, TOKEN)
            answers.append(place_live_order(fresh))
        assert [ORDER_PLACED in answer for answer in answers[:3]] == [True] * 3
        assert answers[3:] == [RATE_LIMITED, RATE_LIMITED]
        assert fake.count(fu.CREATE) == 3
    finally:
        api.clients.override(None)
        fake.stop()
    assert fake.errors == []


def test_the_sandbox_is_not_rate_limited(client, demo, settings):
    settings.ORDER_RATE_LIMIT = 3
    use_token(client, "sandbox-full")
    for _ in range(5):
        assert ORDER_PLACED in words(send(client))
    assert Order.objects.count() == 5


# --- LIVE_ORDERING_ENABLED ---------------------------------------------------------------------

def test_live_ordering_off_refuses_an_order_and_sends_nothing(client, upstream, settings):
    settings.LIVE_ORDERING_ENABLED = False
    use_token(client, TOKEN)
    assert place_live_order(client) == ORDERING_OFF
    assert words(send(client)) == ORDERING_OFF  # not even the confirmation step
    assert upstream.requests == []
    assert not Call.objects.exists()


def test_live_ordering_off_still_reads_balance_and_order_status(client, upstream, settings):
    settings.LIVE_ORDERING_ENABLED = False
    use_token(client, TOKEN)
    balance = page(send(client, BALANCE_FIELDS))
    assert "HTTP 200" in balance and '<span class="mf">42.5</span>' in balance
    status = page(send(client, {"endpoint": "status", "order_id": ORDER_ID}))
    assert "HTTP 200" in status and "processed" in status
    assert "42.50 USD" in page(client.get("/wallet", HTTP_HX_REQUEST="true"))
    assert upstream.counts[CREATE] == 0
    assert upstream.counts[BALANCE] == 2
    assert upstream.counts[status_path(ORDER_ID)] == 1


def test_live_ordering_off_leaves_the_sandbox_alone(client, demo, settings):
    settings.LIVE_ORDERING_ENABLED = False
    use_token(client, "sandbox-full")
    assert ORDER_PLACED in words(send(client))
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_live_orders_cannot_slip_past_the_limit_together(live_server, settings):
    import re
    import threading
    import time

    import httpx

    from tests.live_support import CREATE_FIELDS

    settings.ORDER_RATE_LIMIT = 3

    def slow_create(request):
        time.sleep(0.05)  # keeps the requests in flight together
        return ok(str(uuid.uuid4()))

    fake = Upstream({CREATE: slow_create, **wallet_routes()})
    install_upstream(settings, fake)
    browser = httpx.Client(base_url=live_server.url, timeout=30)
    browser.get("/")
    headers = {"X-CSRFToken": browser.cookies["csrftoken"], "HX-Request": "true"}
    assert browser.post("/token", data={"token": TOKEN}, headers=headers).status_code == 200
    cookies = httpx.Cookies(browser.cookies)
    barrier = threading.Barrier(10)
    answers: list[str] = []

    def submit():
        with httpx.Client(base_url=live_server.url, cookies=cookies, timeout=30) as tab:
            barrier.wait()
            response = tab.post("/send", headers=headers, data={
                **CREATE_FIELDS, "submission_key": uuid.uuid4().hex, "confirm": "yes"})
            answers.append(" ".join(re.sub(r"<[^>]+>", " ", response.text).split()))

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    browser.close()
    assert fake.counts[CREATE] == 3
    assert sum(ORDER_PLACED in answer for answer in answers) == 3
    assert sum(answer.startswith(RATE_LIMITED) for answer in answers) == 7
