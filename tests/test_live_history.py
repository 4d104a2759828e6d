"""History: every call sent is a Call row, listed newest first for its owner only, with
filters and links back into the builder and the tracker."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client

from playground.models import RESPONSE_CAP, Call
from playground.sandbox.models import Order
from tests.html_support import texts_of
from tests.live_support import (
    BALANCE,
    BALANCE_FIELDS,
    CREATE_BODY,
    CREATE_FIELDS,
    HX,
    TOKEN,
    Upstream,
    fall_due,
    install_upstream,
    ok,
    send,
    use_token,
    words,
)


@pytest.fixture
def sandbox(db, demo):
    return demo


def hrefs(response) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', response.content.decode())]


def test_a_sent_order_is_recorded_with_everything_but_the_token(client, sandbox):
    use_token(client, "sandbox-full")
    send(client)
    call = Call.objects.get()
    order = Order.objects.get()
    assert call.created is not None
    assert call.owner == client.session["playground.owner"]
    assert call.owner.startswith("session:")
    assert (call.environment, call.base_url) == ("sandbox", "http://sandbox.internal/sandbox")
    assert (call.endpoint, call.method, call.path) == (
        "create", "POST", "/v4/account/orders/create")
    assert call.request_body == CREATE_BODY
    assert call.http_status == 200
    assert call.duration_ms > 0
    assert json.loads(call.response_body) == {"success": True, "data": str(order.pk)}
    assert (call.order_id, call.order_status) == (order.pk, "paid")
    assert call.auth_form == "api-token"
    assert "sandbox-full" not in json.dumps(
        {f.name: str(getattr(call, f.name)) for f in Call._meta.fields})


def test_the_last_known_order_status_follows_the_tracker(client, sandbox):
    use_token(client, "sandbox-full")
    send(client, {**CREATE_FIELDS, "coupon_code": "SANDBOX-FAIL"})
    call = Call.objects.get()
    fall_due(str(call.order_id))
    client.get(f"/orders/{call.order_id}/tracker", **HX)
    call.refresh_from_db()
    assert call.order_status == "failed"


def test_the_response_body_kept_is_capped(client, db, settings):
    install_upstream(settings, Upstream({BALANCE: ok({"balance": 1, "pad": "x" * 100_000})}))
    use_token(client, TOKEN)
    send(client, BALANCE_FIELDS)
    assert len(Call.objects.get().response_body) == RESPONSE_CAP


def test_history_lists_this_sessions_calls_newest_first(client, sandbox):
    use_token(client, "sandbox-full")
    send(client, BALANCE_FIELDS)
    send(client)
    send(client, {"endpoint": "status", "order_id": str(Order.objects.get().pk)})
    text = words(client.get("/history"))
    paths = re.findall(r"(GET|POST) (/v4/account/orders/\S+)", text)
    assert [p for _m, p in paths] == [
        f"/v4/account/orders/{Order.objects.get().pk}/status",
        "/v4/account/orders/create",
        "/v4/account/orders/balance",
    ]


def test_history_never_shows_another_sessions_calls(client, sandbox):
    use_token(client, "sandbox-full")
    send(client, BALANCE_FIELDS)
    other = Client()
    use_token(other, "sandbox-readonly")
    send(other)  # a 403 that only the other session sent
    text = words(client.get("/history"))
    assert "/v4/account/orders/balance" in text
    assert "/v4/account/orders/create" not in text
    assert "403" not in texts_of(client.get("/history").content, "td", "num")


def test_history_filters_by_endpoint_http_status_and_order_status(client, sandbox):
    use_token(client, "sandbox-full")
    send(client, BALANCE_FIELDS)
    send(client)
    send(client, {**CREATE_FIELDS, "coupon_code": "SANDBOX-BLOCK"})
    blocked = Call.objects.filter(endpoint="create").first()
    fall_due(str(blocked.order_id))
    client.get(f"/orders/{blocked.order_id}/tracker", **HX)
    send(client, {"endpoint": "create", "type": "new_serp", "country": "Canada",
                  "requests": "777"})

    def rows(**query):
        return client.get("/history", query).content.decode().count('class="history-row"')

    assert rows() == 5  # balance, two creates, the blocked status change, the 400
    assert rows(endpoint="create") == 3
    assert rows(endpoint="balance") == 1
    assert rows(endpoint="status") == 1
    assert rows(http_status="400") == 1
    assert rows(http_status="200") == 4
    assert rows(order_status="blocked") == 2  # the create row and the status change
    assert rows(order_status="paid") == 1
    assert rows(endpoint="create", order_status="blocked") == 1
    assert "Nothing here yet for these filters." in words(
        client.get("/history", {"order_status": "refunded"}))


@pytest.mark.parametrize(("status", "offered"), [("299", True), ("99999", True),
                                                 ("100000", False), ("000200", False),
                                                 ("2x", False), ("²", False)])
def test_a_status_from_a_link_is_offered_as_chosen_when_it_is_up_to_five_digits(
        client, sandbox, status, offered):
    page = client.get("/history", {"http_status": status}).content.decode()
    chosen = f'<option value="{status}" selected>{status}</option>'
    assert (chosen in page) is offered


def test_history_links_reopen_the_request_in_the_builder_and_track_the_order(client, sandbox):
    use_token(client, "sandbox-full")
    send(client, {**CREATE_FIELDS, "proxies_location": "us", "coupon_code": "SAVE10"})
    send(client, BALANCE_FIELDS)
    call = Call.objects.get(endpoint="create")
    links = hrefs(client.get("/history"))
    assert "/?endpoint=balance" in links
    assert f"/?track={call.order_id}#tracker-{call.order_id}" in links  # opens at the tracker
    reopen = next(h for h in links if h.startswith("/?type=new_datacenter_shared"))
    spec = client.get(reopen).context["spec"]
    assert spec.body == call.request_body
    assert spec.body["proxies[us]"] == 1000 and spec.body["coupon_code"] == "SAVE10"
    tracked = client.get(f"/?track={call.order_id}").content.decode()
    assert f'<section class="tracker" id="tracker-{call.order_id}"' in tracked


def test_a_status_change_row_reopens_as_a_status_request(client, sandbox):
    use_token(client, "sandbox-full")
    send(client)
    order_id = str(Order.objects.get().pk)
    fall_due(order_id)
    client.get(f"/orders/{order_id}/tracker", **HX)
    assert f"/?endpoint=status&order_id={order_id}" in hrefs(client.get("/history"))


def test_faults_are_in_history_with_their_outcome(client, db, settings):
    import httpx

    def refused(request):
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    install_upstream(settings, Upstream({BALANCE: refused}))
    use_token(client, TOKEN)
    send(client, BALANCE_FIELDS)
    text = words(client.get("/history"))
    assert "connect" in text
    assert "Could not connect to http://upstream.test (connection refused or unreachable)." in text
    assert "live" in text
    assert words(client.get("/history", {"http_status": "none"})).count("GET /v4") == 1
