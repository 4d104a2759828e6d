"""After an order's result, the same form cannot place a second order by accident: the
result keeps the form's submission key and brings a fresh one only for a deliberate
"Place another order"."""

from __future__ import annotations

import re
import uuid

import pytest

from playground.sandbox.models import Order
from tests.live_support import (
    BALANCE_FIELDS,
    CREATE,
    TOKEN,
    Upstream,
    install_upstream,
    ok,
    rendered_key,
    send,
    use_token,
    wallet_routes,
)

KEY = re.compile(r'<input type="hidden" id="submission-key" name="submission_key" '
                 r'value="([0-9a-f]{32})" hx-swap-oob="true"(?: data-another="([0-9a-f]{32})")?>')


@pytest.fixture
def sandbox(db, demo):
    return demo


def test_an_order_result_keeps_the_key_and_offers_a_fresh_one_apart(client, sandbox):
    use_token(client, "sandbox-full")
    key = rendered_key(client)
    first = KEY.search(send(client, key=key).content.decode())
    assert first is not None
    kept, another = first.groups()
    assert kept == key and another and another != key
    again = send(client, key=kept).content.decode()  # a click of the same burst
    assert "This form was already sent: this is its first result. Nothing was sent again." \
        in again
    assert KEY.search(again).group(1) == key
    assert Order.objects.count() == 1
    second = KEY.search(send(client, key=another).content.decode())  # "Place another order"
    assert Order.objects.count() == 2
    assert second.group(1) == another and second.group(2) not in (None, key, another)


def test_a_read_or_a_refused_order_brings_a_fresh_key_as_before(client, sandbox):
    use_token(client, "sandbox-empty")
    key = rendered_key(client)
    refused = KEY.search(send(client, key=key).content.decode())
    assert refused.group(1) != key and refused.group(2) is None
    read = KEY.search(send(client, BALANCE_FIELDS, key=refused.group(1)).content.decode())
    assert read.group(1) != refused.group(1) and read.group(2) is None
    assert Order.objects.count() == 0


def test_a_live_order_result_keeps_its_key_too(client, db, settings):
    upstream = Upstream({CREATE: lambda request: ok(str(uuid.uuid4())), **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    key = rendered_key(client)
    kept, another = KEY.search(send(client, key=key, confirm="yes").content.decode()).groups()
    assert kept == key and another
    send(client, key=kept, confirm="yes")  # the burst, confirmed or not, sends nothing more
    assert upstream.counts[CREATE] == 1
    send(client, key=another, confirm="yes")
    assert upstream.counts[CREATE] == 2
