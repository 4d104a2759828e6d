"""Following an order after it was placed: polling, the terminal statuses (HTTP 286), the
patience limit, the subaccount card and its proxy list, reloads, and ownership."""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest
from django.test import Client

from playground.models import Call
from playground.sandbox import services
from playground.sandbox.models import Order
from tests.html_support import by_id, elements
from tests.live_support import (
    CREATE,
    CREATE_FIELDS,
    HX,
    TOKEN,
    Upstream,
    fail,
    fall_due,
    install_upstream,
    last_order_id,
    ok,
    raising,
    send,
    status_path,
    use_token,
    wallet_routes,
    words,
)

SUB_ID = "6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8"  # a subaccount's AccountID: always a UUID


def _having(html, **wanted) -> list[dict]:
    """The elements that carry all these attribute values (hx_get= stands for hx-get=)."""
    wanted = {name.replace("_", "-"): value for name, value in wanted.items()}
    return [e for e in elements(html) if wanted.items() <= e["attrs"].items()]


def _starting(html, name: str, prefix: str) -> list[dict]:
    """The elements whose attribute `name` starts with `prefix`."""
    return [e for e in elements(html) if (e["attrs"].get(name) or "").startswith(prefix)]


def _tracker(html, order_id: str) -> list[dict]:
    """The order's tracker: a <section class="tracker" id="tracker-<id>">."""
    return [e for e in by_id(html, f"tracker-{order_id}")
            if e["tag"] == "section" and e["attrs"].get("class") == "tracker"]


@pytest.fixture
def placed(client, db, demo):
    """A sandbox order placed from this browser session (still paid); returns its id."""
    def place(coupon: str = "", token: str = "sandbox-full") -> str:
        use_token(client, token)
        fields = {**CREATE_FIELDS, "coupon_code": coupon} if coupon else CREATE_FIELDS
        assert "Order placed." in words(send(client, fields))
        return last_order_id(client)
    return place


def poll(client, order_id: str, **params):
    return client.get(f"/orders/{order_id}/tracker", params, **HX)


def test_a_paid_order_keeps_polling_at_the_configured_interval(client, placed, settings):
    settings.ORDER_POLL_INTERVAL = 2
    order_id = placed()
    response = poll(client, order_id, started=f"{time.time():.3f}")
    html = response.content.decode()
    assert response.status_code == 200
    assert _starting(html, "hx-get", f"/orders/{order_id}/tracker?started=")
    assert _having(html, hx_trigger="every 2s")
    text = words(response)
    assert f"Order {order_id} paid" in text
    assert "Paid: the wallet was debited; waiting for the processor." in text
    assert '<span class="elapsed" data-elapsed="' in html  # the browser keeps counting
    assert '<ol class="timeline"><li class="step-paid">' in html
    assert "&amp;shown=paid" in html


def test_a_poll_that_finds_what_the_page_shows_answers_204_with_nothing_to_swap(
        client, placed):
    order_id = placed()
    started = f"{time.time():.3f}"
    again = client.get(f"/orders/{order_id}/tracker?started={started}&shown=paid",
                       HTTP_HX_REQUEST="true")
    assert again.status_code == 204
    assert again.content == b""
    # A status the page does not show yet gets the full fragment.
    fresh = client.get(f"/orders/{order_id}/tracker?started={started}&shown=unknown",
                       HTTP_HX_REQUEST="true")
    assert fresh.status_code == 200 and "Paid: the wallet was debited" in words(fresh)


def test_the_tracker_start_after_a_create_polls_at_once(client, placed):
    use_token(client, "sandbox-full")
    html = send(client).content.decode()
    order_id = last_order_id(client)
    assert _tracker(html, order_id)
    assert _having(html, hx_trigger="load")


def test_processed_stops_polling_and_shows_the_subaccount_card(client, placed):
    order_id = placed()
    fall_due(order_id)
    response = poll(client, order_id)
    assert response.status_code == 286
    assert json.loads(response["HX-Trigger"]) == {"balance-changed": {}}
    html = response.content.decode()
    assert "hx-trigger" not in html.split('<div class="subaccount-card">')[0]
    sub = services.subaccount_data(Order.objects.get(pk=order_id))
    text = words(response)
    assert "Processed: the subaccount is ready." in text
    assert (f"AccountID {sub['AccountID']} Copy AccountType datacenter_shared Copy "
            "Label Datacenter proxies (shared) #1 Added ") in text
    assert _having(html, data_copy_target=f"account-id-{order_id}")
    assert _having(html, data_copy_target=f"account-type-{order_id}")
    assert (f"curl -sS 'http://testserver/sandbox/v4/account/{sub['AccountID']}"
            "/datacenter_shared/proxy-list?type=getproxies&protocol=http&format=normal'") in text
    assert "-H 'api-token: <your-api-key>'" in text
    assert (f'<button type="button" class="fetch-proxies" hx-post="/orders/{order_id}'
            '/proxy-list"') in html
    assert "Fetch proxy list" in text
    added = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(sub["time_added"]))
    assert f"Added {added} UTC" in text


def test_the_subaccount_cards_next_step_is_the_proxy_list_call_in_three_languages(
        client, placed):
    order_id = placed()
    fall_due(order_id)
    response = poll(client, order_id)
    html = response.content.decode()
    sub = services.subaccount_data(Order.objects.get(pk=order_id))
    card = html.split('<div class="subaccount-card">')[1]
    tabs = [f'<button type="button" role="tab" id="tab-{lang}-{order_id}" '
            f'aria-controls="panel-{lang}-{order_id}" aria-selected="{selected}" '
            f'data-lang="{lang}">{label}</button>'
            for lang, label, selected in [("curl", "cURL", "true"), ("python", "Python", "false"),
                                          ("node", "Node", "false")]]
    assert "".join(tabs) in card
    url = (f"http://testserver/sandbox/v4/account/{sub['AccountID']}/datacenter_shared"
           "/proxy-list?type=getproxies&protocol=http&format=normal")
    text = words(response)
    assert f"curl -sS '{url}' \\ -H 'api-token: <your-api-key>'" in text
    assert f'response = requests.get( "{url}", headers={{"api-token": "<your-api-key>"}},' in text
    assert f'const response = await fetch("{url}", {{' in text
    assert 'headers: { "api-token": "<your-api-key>" }' in text
    for lang, name in [("curl", "proxy-list.sh"), ("python", "proxy-list.py"),
                       ("node", "proxy-list.mjs")]:
        assert (f'data-copy-target="proxy-code-{lang}-{order_id}"') in card
        link = (f'href="/snippets/proxy-list/{lang}?account_id={sub["AccountID"]}'
                f'&amp;account_type=datacenter_shared&amp;auth=api-token&amp;download=1" '
                f'download="{name}">Download {name}</a>')
        assert link in card


def test_the_proxy_list_script_download_is_the_full_script_for_that_subaccount(client, db):
    response = client.get("/snippets/proxy-list/python", {
        "account_id": SUB_ID, "account_type": "datacenter_shared", "auth": "bearer",
        "download": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="proxy-list.py"'
    text = response.content.decode()
    assert 'API_BASE = "http://testserver/sandbox"' in text
    assert (f'PROXY_LIST_PATH = "/v4/account/{SUB_ID}/datacenter_shared/proxy-list'
            '?type=getproxies&protocol=http&format=normal"') in text
    assert '"Authorization": f"Bearer {TOKEN}"' in text
    single = client.get("/snippets/proxy-list/curl", {
        "account_id": SUB_ID, "account_type": "datacenter_shared", "flavour": "single"})
    assert single.content.decode() == (
        f"curl -sS 'http://testserver/sandbox/v4/account/{SUB_ID}/datacenter_shared/proxy-list"
        "?type=getproxies&protocol=http&format=normal' \\\n  -H 'api-token: <your-api-key>'\n")
    assert "Content-Disposition" not in single


@pytest.mark.parametrize(("query", "error"), [
    ({"account_type": "datacenter_shared"}, "account_id: This field is required."),
    ({"account_id": "4402", "account_type": "x\u0007"},
     "account_type: Use printable characters only."),
    ({"account_id": "9" * 101, "account_type": "x"},
     "account_id: Ensure this value has at most 100 characters (it has 101)."),
    ({"account_id": "1", "account_type": "x", "auth": "basic"},
     "auth: Select a valid choice. basic is not one of the available choices."),
])
def test_a_proxy_list_script_for_an_unusable_subaccount_is_a_400_that_says_why(
        client, db, query, error):
    response = client.get("/snippets/proxy-list/node", query)
    assert response.status_code == 400
    assert response.content.decode() == f"The request is not valid: {error}\n"


def test_a_proxy_list_script_in_an_unknown_language_is_a_404(client, db):
    response = client.get("/snippets/proxy-list/go", {"account_id": "1", "account_type": "x"})
    assert response.status_code == 404


def test_an_order_placed_with_a_bearer_token_gets_bearer_proxy_list_snippets(client, placed):
    use_token(client, "sandbox-full", auth="bearer")
    assert "Order placed." in words(send(client, {**CREATE_FIELDS, "auth": "bearer"}))
    order_id = last_order_id(client)
    fall_due(order_id)
    text = words(poll(client, order_id))
    assert "-H 'Authorization: Bearer <your-jwt>'" in text
    assert "api-token" not in text.split("Next step: its proxy list")[1]


def test_blocked_stops_polling_and_shows_the_block_reason(client, placed):
    order_id = placed("SANDBOX-BLOCK")
    fall_due(order_id)
    response = poll(client, order_id)
    assert response.status_code == 286
    text = words(response)
    assert "Blocked by the fraud or pricing guards." in text
    assert ("Reason: Blocked by the fraud guard (sandbox scenario coupon SANDBOX-BLOCK)."
            in text)
    assert "subaccount-card" not in response.content.decode()


def test_failed_stops_polling_and_points_to_support(client, placed):
    order_id = placed("SANDBOX-FAIL")
    fall_due(order_id)
    response = poll(client, order_id)
    assert response.status_code == 286
    text = words(response)
    assert "Processing failed. Contact support with the order id." in text
    assert "Contact support and quote the order id above; stop retrying this order." in text


def test_refunded_stops_polling_and_says_the_subaccount_is_no_longer_valid(client, placed):
    order_id = placed()
    fall_due(order_id)
    assert services.refund(order_id)
    response = poll(client, order_id)
    assert response.status_code == 286
    text = words(response)
    assert "Refunded: the subaccount is no longer valid." in text
    assert "The money went back to the wallet. The subaccount no longer works." in text
    assert "Fetch proxy list" not in text


def test_after_the_patience_runs_out_polling_stops_and_offers_keep_waiting(
        client, placed, settings):
    settings.ORDER_POLL_PATIENCE = 30
    order_id = placed("SANDBOX-SLOW")
    response = poll(client, order_id, started=f"{time.time() - 31:.3f}")
    assert response.status_code == 286
    text = words(response)
    assert "No final status after 30 s. Processing can take longer than usual." in text
    assert "Keep waiting" in text
    html = response.content.decode()
    assert _having(html, hx_get=f"/orders/{order_id}/tracker",
                   hx_target="closest .tracker-body")
    again = poll(client, order_id)  # what "Keep waiting" asks for: a fresh start
    assert again.status_code == 200
    assert _having(again.content, hx_trigger="every 1.5s")


def test_a_started_time_in_the_future_or_garbage_restarts_the_patience(client, placed):
    order_id = placed("SANDBOX-SLOW")
    for started in ("garbage", f"{time.time() + 3600:.3f}", "-5", "nan"):
        assert poll(client, order_id, started=started).status_code == 200


def test_polls_that_change_nothing_write_nothing(client, placed):
    order_id = placed()
    rows = Call.objects.count()
    for _ in range(5):
        assert poll(client, order_id).status_code == 200
    assert Call.objects.count() == rows
    fall_due(order_id)
    assert poll(client, order_id).status_code == 286
    assert Call.objects.count() == rows + 1
    change = Call.objects.first()
    assert (change.endpoint, change.order_status, str(change.order_id)) == (
        "status", "processed", order_id)
    assert Call.objects.get(endpoint="create").order_status == "processed"
    for _ in range(3):
        assert poll(client, order_id).status_code == 286
    assert Call.objects.count() == rows + 1


def test_polls_do_not_rewrite_the_session(client, placed):
    from django.contrib.sessions.models import Session

    order_id = placed()
    before = Session.objects.get().expire_date
    time.sleep(0.01)
    poll(client, order_id)
    assert Session.objects.get().expire_date == before


def test_polling_without_a_token_stops_and_says_why(client, placed):
    order_id = placed()
    client.post("/token/forget", **HX)
    response = poll(client, order_id)
    assert response.status_code == 286
    text = words(response)
    assert ("No token to poll with. The token was forgotten or has expired. Enter the token "
            "again, then press “Keep waiting”.") in text
    assert "Keep waiting" in text


def test_fetch_proxy_list_shows_the_list_and_records_the_call(client, placed):
    order_id = placed()
    fall_due(order_id)
    poll(client, order_id)
    response = client.post(f"/orders/{order_id}/proxy-list", **HX)
    assert response.status_code == 200
    order = Order.objects.get(pk=order_id)
    lines = services.proxy_lines(order)
    text = words(response)
    assert f"{len(lines)} proxies (ip:port, HTTP)." in text
    assert " ".join(lines) in text
    call = Call.objects.get(endpoint="proxy-list")
    assert (call.http_status, str(call.order_id), call.outcome) == (200, order_id, "ok")
    assert call.path == (f"/v4/account/{order.subaccount_id}/datacenter_shared/proxy-list")


def test_fetch_proxy_list_of_a_refunded_order_shows_the_404(client, placed):
    order_id = placed()
    fall_due(order_id)
    services.refund(order_id)
    text = words(client.post(f"/orders/{order_id}/proxy-list", **HX))
    assert "The proxy list answered HTTP 404: Subaccount not found." in text


def test_fetch_proxy_list_before_processing_says_there_is_no_subaccount(client, placed):
    order_id = placed("SANDBOX-SLOW")
    text = words(client.post(f"/orders/{order_id}/proxy-list", **HX))
    assert "This order has no subaccount now." in text


# --- reloads and ownership ------------------------------------------------------------------------

def test_a_reload_shows_trackers_for_this_sessions_recent_orders(client, placed):
    first = placed()
    second = placed()
    html = client.get("/").content.decode()
    for order_id in (first, second):
        assert _tracker(html, order_id)
        assert _starting(html, "hx-get", f"/orders/{order_id}/tracker?started=")
    assert Client().get("/").content.decode().count('<section class="tracker"') == 0


def test_track_query_resumes_an_order_from_history(client, placed):
    order_id = placed()
    fall_due(order_id)
    poll(client, order_id)
    newer = [placed() for _ in range(5)]
    html = client.get("/").content.decode()
    assert by_id(html, f"tracker-{order_id}") == []
    assert all(by_id(html, f"tracker-{n}") for n in newer)
    html = client.get(f"/?track={order_id}").content.decode()
    assert _tracker(html, order_id)


def test_only_the_owner_can_poll_or_fetch_another_client_gets_404(client, placed):
    order_id = placed()
    fall_due(order_id)
    stranger = Client()
    use_token(stranger, "sandbox-full")  # even with the same API token
    assert stranger.get(f"/orders/{order_id}/tracker", **HX).status_code == 404
    assert stranger.post(f"/orders/{order_id}/proxy-list", **HX).status_code == 404
    assert "That order is not in your history, so it cannot be tracked here." in words(
        stranger.get(f"/?track={order_id}"))
    assert not Call.objects.filter(endpoint__in=["status", "proxy-list"]).exists()


@pytest.mark.parametrize("order_id", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
def test_an_unknown_order_is_the_same_404(client, db, order_id):
    assert client.get(f"/orders/{order_id}/tracker", **HX).status_code == 404
    assert client.post(f"/orders/{order_id}/proxy-list", **HX).status_code == 404


# --- polling a live API that misbehaves ---------------------------------------------------

def live_order(client, settings, status_answer) -> tuple[Upstream, str]:
    order_id = str(uuid.uuid4())
    upstream = Upstream({CREATE: ok(order_id), status_path(order_id): status_answer,
                         **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    assert "Order placed." in words(send(client, confirm="yes"))
    return upstream, order_id


def test_a_failed_status_check_keeps_polling_and_says_so(client, db, settings):
    upstream, order_id = live_order(
        client, settings, raising(lambda r: httpx.ReadTimeout("timed out", request=r)))
    response = poll(client, order_id)
    assert response.status_code == 200
    assert _having(response.content, hx_trigger="every 1.5s")
    assert ("The last status check failed; still trying. No answer from http://upstream.test "
            "within 15 s.") in words(response)
    assert upstream.counts[status_path(order_id)] == 1
    assert upstream.counts[CREATE] == 1


@pytest.mark.parametrize(("status", "error", "explanation", "fixable"), [
    (401, "Could not determine account email from authenticated identity.",
     "The API did not accept the token (401).", True),
    (403, "Reading order status via the API-ordering endpoint is not enabled for this account. "
          "Contact support to request access.",
     "Ask support to enable account:api_ordering:read for the account", False),
    (404, "Order not found.", "Order not found (404).", False),
])
def test_a_refused_status_check_stops_polling_with_the_explanation(
        client, db, settings, status, error, explanation, fixable):
    """Only a refusal a new token can fix (401) offers "Keep waiting"; none claims a status
    that no answer gave."""
    _upstream, order_id = live_order(client, settings, fail(status, error))
    response = poll(client, order_id)
    assert response.status_code == 286
    text = words(response)
    assert error in text and explanation in text
    assert ("Keep waiting" in text) is fixable
    assert "waiting for the processor" not in text
    assert f"Order {order_id} unknown" in text


def test_live_terminal_status_from_upstream_stops_polling(client, db, settings):
    now = int(time.time())
    _upstream, order_id = live_order(client, settings, lambda r: ok({
        "order_id": r.url.path.split("/")[-2], "status": "blocked", "type": "new_serp",
        "created_at": now - 5, "updated_at": now, "price": "1.00", "currency": "USD",
        "paid_with_credit": True, "subaccount": None, "block_reason": "<b>Risky</b> card"}))
    response = poll(client, order_id)
    assert response.status_code == 286
    assert "Reason: <b>Risky</b> card" in words(response)
    assert "<b>Risky</b>" not in response.content.decode()


def test_two_tabs_polling_one_change_record_it_once(client, placed):
    from playground import tracking, vault
    from playground.owners import owner_for

    order_id = placed()
    tab_a = Call.objects.get(endpoint="create")
    tab_b = Call.objects.get(endpoint="create")  # loaded before either saw the change
    fall_due(order_id)
    request = client.get("/").wsgi_request
    credential = vault.load(request.session).credential
    for call in (tab_a, tab_b):
        assert tracking.poll(owner_for(request), call, credential, started=time.time()).stop
    assert Call.objects.filter(endpoint="status").count() == 1


def test_a_failed_proxy_list_fetch_is_recorded_and_explained(client, db, settings):
    now = int(time.time())
    order_id = str(uuid.uuid4())
    sub = {"AccountID": SUB_ID, "AccountType": "datacenter_shared", "label": "x",
           "time_added": now}
    upstream = Upstream({
        CREATE: ok(order_id),
        status_path(order_id): ok({"order_id": order_id, "status": "processed",
                                   "created_at": now, "updated_at": now, "subaccount": sub}),
        f"GET /v4/account/{SUB_ID}/datacenter_shared/proxy-list": raising(
            lambda r: httpx.ReadTimeout("timed out", request=r)),
        **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    send(client, confirm="yes")
    response = client.post(f"/orders/{order_id}/proxy-list", **HX)
    assert response.status_code == 200
    assert ("Could not fetch the proxy list. No answer from http://upstream.test within 15 s."
            in words(response))
    call = Call.objects.get(endpoint="proxy-list")
    assert (call.outcome, call.path) == (
        "read-timeout", f"/v4/account/{SUB_ID}/datacenter_shared/proxy-list")
    assert upstream.counts[f"GET /v4/account/{SUB_ID}/datacenter_shared/proxy-list"] == 1


def test_fetch_proxy_list_asks_for_the_url_the_next_step_snippet_shows(client, db, settings):
    now = int(time.time())
    order_id = str(uuid.uuid4())
    sub = {"AccountID": SUB_ID, "AccountType": "datacenter_shared", "label": "x",
           "time_added": now}
    list_route = f"GET /v4/account/{SUB_ID}/datacenter_shared/proxy-list"
    upstream = Upstream({
        CREATE: ok(order_id),
        status_path(order_id): ok({"order_id": order_id, "status": "processed",
                                   "created_at": now, "updated_at": now, "subaccount": sub}),
        list_route: httpx.Response(200, text="192.0.2.1:8080\n"),
        **wallet_routes()})
    install_upstream(settings, upstream)
    use_token(client, TOKEN)
    send(client, confirm="yes")
    shown = words(poll(client, order_id))
    assert "192.0.2.1:8080" in words(client.post(f"/orders/{order_id}/proxy-list", **HX))
    [fetched] = [r for r in upstream.requests if r.url.path.endswith("/proxy-list")]
    assert f"curl -sS '{fetched.url}'" in shown


def test_a_proxy_list_fetch_records_its_duration(client, placed):
    order_id = placed()
    fall_due(order_id)
    client.post(f"/orders/{order_id}/proxy-list", **HX)
    assert Call.objects.get(endpoint="proxy-list").duration_ms > 0


def test_an_unchanged_poll_costs_one_query_reading_the_session_and_writes_nothing(
        client, db, settings):
    """The hot path: after the first poll, the order's owner is remembered, so a poll that
    finds the status the page shows reads only the session, with one SELECT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    paid = {"order_id": "", "status": "paid", "type": "new_datacenter_shared",
            "created_at": int(time.time()), "updated_at": int(time.time()),
            "subaccount": None}
    upstream, order_id = live_order(client, settings, ok(paid))
    assert poll(client, order_id).status_code == 200  # first poll: remembers the owner
    with CaptureQueriesContext(connection) as queries:
        response = poll(client, order_id, shown="paid")
    assert response.status_code == 204
    assert [query["sql"].split(" FROM ")[0] for query in queries] == [
        'SELECT "session_data"']
    assert "django_session" in queries[0]["sql"]
    assert upstream.counts[status_path(order_id)] == 2


def test_with_a_write_only_token_the_tracker_shows_the_403_and_stops(client, placed):
    """sandbox-writeonly may place an order but not read its status: every read is a 403,
    so the tracker says so once and stops, without "paid, waiting" or "Keep waiting"."""
    order_id = placed(token="sandbox-writeonly")
    response = poll(client, order_id, started=f"{time.time():.3f}")
    assert response.status_code == 286
    html = response.content.decode()
    text = words(response)
    assert "This account lacks a permission (403)." in text
    assert "Ask support to enable account:api_ordering:read for the account" in text
    assert "waiting for the processor" not in text
    assert "Keep waiting" not in text
    assert [e["attrs"]["data-status"] for e in elements(html)
            if "tracker-body" in e["attrs"].get("class", "")] == [""]
    assert not _having(html, hx_trigger="every 1.5s")


def test_after_a_reload_a_finished_order_shows_the_time_it_took_not_the_time_since_load(
        client, placed, settings):
    """created_at to updated_at, by the API's timestamps: a page opened long after the
    order ended still shows how long it took to process."""
    order_id = placed()
    order = Order.objects.get(pk=order_id)
    Order.objects.filter(pk=order_id).update(
        created=order.created - 600, due=order.created - 597, updated=order.created - 597)
    response = poll(client, order_id, started=f"{time.time():.3f}")  # as a fresh page does
    assert response.status_code == 286
    [elapsed] = [e for e in elements(response.content.decode())
                 if e["attrs"].get("class") == "elapsed"]
    took = int(order.created - 597) - int(order.created - 600)
    assert elapsed["text"] == f"{took:.1f} s"
    assert "data-elapsed" not in elapsed["attrs"]


def test_a_running_order_counts_from_when_it_was_placed(client, placed):
    order_id = placed("SANDBOX-SLOW")
    order = Order.objects.get(pk=order_id)
    Order.objects.filter(pk=order_id).update(created=order.created - 40,
                                                      due=time.time() + 60)
    response = poll(client, order_id, started=f"{time.time():.3f}")
    assert response.status_code == 200
    [elapsed] = [e for e in elements(response.content.decode())
                 if e["attrs"].get("class") == "elapsed"]
    assert 39.0 <= float(elapsed["attrs"]["data-elapsed"]) <= 45.0
