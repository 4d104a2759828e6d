"""A clock you control (issue 15): per sandbox, processing is automatic or held; the owner
releases one order or all, advances the clock, or settles an order by hand. The status API
(over the test client) and the console agree at every step."""

from __future__ import annotations

import time
from decimal import Decimal

import httpx
import pytest

from playground.sandbox.models import Order, Sandbox
from tests.html_support import texts_of
from tests.sandboxes_support import CONSOLE, account_of, current, owner_client, reveal
from tests.test_sandbox_support import (
    BALANCE,
    CREATE,
    SHARED_1000,
    SHARED_1000_PRICE,
    move_clock,
    status_url,
)

pytestmark = pytest.mark.django_db

HOLD = "/sandbox/console/clock/hold"
RESUME = "/sandbox/console/clock/resume"
ADVANCE = "/sandbox/console/clock/advance"
RELEASE = "/sandbox/console/clock/release"
ORDER = "/sandbox/console/clock/order"
SLOW = {**SHARED_1000, "coupon_code": "SANDBOX-SLOW"}  # 3 s with fast_processing
BY_HAND = "Blocked by the sandbox's owner (settled by hand in the console)."


@pytest.fixture
def box(client, demo, fast_processing):
    """This visitor's sandbox and its full account's token."""
    sandbox = current(client)
    return sandbox, reveal(client, account_of(sandbox, "full"))


def _place(client, api_token, body=SHARED_1000) -> str:
    response = client.post(CREATE, body, content_type="application/json",
                           headers={"api-token": api_token})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _status(client, api_token, order_id) -> dict:
    response = client.get(status_url(order_id), headers={"api-token": api_token})
    assert response.status_code == 200
    return response.json()["data"]


def _console_status(client, order_id) -> str:
    """The status the console's order table shows for ``order_id``."""
    page = client.get(CONSOLE).content.decode()
    row = page.split(f"<td><code>{order_id}</code></td>", 1)[1].split("</tr>", 1)[0]
    [status] = texts_of(row, "span", "status")
    return status


def _agree(client, api_token, order_id) -> str:
    """The status, once the API and the console have both said the same."""
    api_status = _status(client, api_token, order_id)["status"]
    assert _console_status(client, order_id) == api_status
    return api_status


def _balance(client, api_token) -> float:
    return client.get(BALANCE, headers={"api-token": api_token}).json()["data"]["balance"]


def test_a_held_sandbox_keeps_orders_paid_however_far_the_real_clock_runs(client, box,
                                                                          monkeypatch):
    sandbox, api_token = box
    assert client.post(HOLD, {"sandbox": sandbox.pk}).status_code == 302
    order_id = _place(client, api_token)

    move_clock(monkeypatch, time.time() + 3600)

    assert _agree(client, api_token, order_id) == "paid"
    assert Sandbox.objects.get(pk=sandbox.pk).held


def test_an_automatic_sandbox_processes_after_the_configured_delay(client, box, monkeypatch):
    _sandbox, api_token = box
    order_id = _place(client, api_token)
    assert _agree(client, api_token, order_id) == "paid"

    move_clock(monkeypatch, Order.objects.get(pk=order_id).due)

    assert _agree(client, api_token, order_id) == "processed"


def test_releasing_one_held_order_ends_it_as_its_coupon_says_and_leaves_the_others(client,
                                                                                   box):
    sandbox, api_token = box
    client.post(HOLD, {"sandbox": sandbox.pk})
    first, second = _place(client, api_token), _place(client, api_token)

    response = client.post(ORDER, {"sandbox": sandbox.pk, "order": first,
                                   "action": "release"}, follow=True)

    assert [str(m) for m in response.context["messages"]][-1:] == [f"Released order {first}."]
    assert _agree(client, api_token, first) == "processed"
    assert _status(client, api_token, first)["subaccount"]["AccountType"] == "datacenter_shared"
    assert _agree(client, api_token, second) == "paid"


def test_release_all_ends_every_paid_order_of_the_sandbox(client, box):
    sandbox, api_token = box
    client.post(HOLD, {"sandbox": sandbox.pk})
    done = _place(client, api_token)
    blocked = _place(client, api_token, {**SHARED_1000, "coupon_code": "SANDBOX-BLOCK"})

    response = client.post(RELEASE, {"sandbox": sandbox.pk}, follow=True)

    assert [str(m) for m in response.context["messages"]][-1:] == ["Released 2 paid orders."]
    assert _agree(client, api_token, done) == "processed"
    assert _agree(client, api_token, blocked) == "blocked"
    assert _balance(client, api_token) == float(Decimal("250.00") - SHARED_1000_PRICE)


def test_advancing_a_held_clock_ends_the_orders_that_fall_due_by_then(client, box):
    sandbox, api_token = box
    client.post(HOLD, {"sandbox": sandbox.pk})
    quick, slow = _place(client, api_token), _place(client, api_token, SLOW)

    assert client.post(ADVANCE, {"sandbox": sandbox.pk, "seconds": 1}).status_code == 302

    assert _agree(client, api_token, quick) == "processed"
    assert _agree(client, api_token, slow) == "paid"
    client.post(ADVANCE, {"sandbox": sandbox.pk, "seconds": 2})
    assert _agree(client, api_token, slow) == "processed"
    assert Sandbox.objects.get(pk=sandbox.pk).clock_offset == 3


def test_advancing_a_running_clock_ends_a_slow_order_at_once(client, box):
    sandbox, api_token = box
    slow = _place(client, api_token, SLOW)

    client.post(ADVANCE, {"sandbox": sandbox.pk, "seconds": 5})

    status = _status(client, api_token, slow)
    assert status["status"] == "processed"
    assert status["updated_at"] >= status["created_at"]
    assert _console_status(client, slow) == "processed"


def test_resuming_a_held_sandbox_ends_the_orders_whose_delay_has_passed(client, box,
                                                                        monkeypatch):
    sandbox, api_token = box
    client.post(HOLD, {"sandbox": sandbox.pk})
    order_id = _place(client, api_token)
    assert _agree(client, api_token, order_id) == "paid"

    assert client.post(RESUME, {"sandbox": sandbox.pk}).status_code == 302
    move_clock(monkeypatch, time.time() + 1)

    assert _agree(client, api_token, order_id) == "processed"
    assert not Sandbox.objects.get(pk=sandbox.pk).held


@pytest.mark.parametrize("action, money_back", [("processed", False), ("blocked", True),
                                                ("failed", True)])
def test_settle_now_ends_a_paid_order_as_asked(client, box, action, money_back):
    sandbox, api_token = box
    client.post(HOLD, {"sandbox": sandbox.pk})
    order_id = _place(client, api_token)

    response = client.post(ORDER, {"sandbox": sandbox.pk, "order": order_id,
                                   "action": action}, follow=True)

    assert [str(m) for m in response.context["messages"]][-1:] == [
        f"Settled order {order_id} as {action}."]
    assert _agree(client, api_token, order_id) == action
    status = _status(client, api_token, order_id)
    assert (status["subaccount"] is not None) == (action == "processed")
    if action == "blocked":
        assert status["block_reason"] == BY_HAND
    expected = Decimal("250.00") if money_back else Decimal("250.00") - SHARED_1000_PRICE
    assert _balance(client, api_token) == float(expected)


def test_settle_now_as_processed_overrides_a_scenario_coupon(client, box):
    sandbox, api_token = box
    order_id = _place(client, api_token, {**SHARED_1000, "coupon_code": "SANDBOX-FAIL"})

    client.post(ORDER, {"sandbox": sandbox.pk, "order": order_id, "action": "processed"})

    assert _agree(client, api_token, order_id) == "processed"


def test_settling_an_order_that_is_no_longer_paid_says_so_and_changes_nothing(client, box):
    sandbox, api_token = box
    order_id = _place(client, api_token)
    client.post(ORDER, {"sandbox": sandbox.pk, "order": order_id, "action": "failed"})

    response = client.post(ORDER, {"sandbox": sandbox.pk, "order": order_id,
                                   "action": "processed"}, follow=True)

    assert [str(m) for m in response.context["messages"]][-1:] == [
        f"Order {order_id} is not a paid order of “My sandbox”."]
    assert _agree(client, api_token, order_id) == "failed"


@pytest.mark.parametrize("seconds, message", [
    ("0", "Ensure this value is greater than or equal to 1."),
    ("86401", "Ensure this value is less than or equal to 86400."),
    ("soon", "Enter a whole number."),
    ("", "This field is required."),
])
def test_an_advance_outside_one_second_to_one_day_is_a_form_error_and_moves_nothing(
        client, box, seconds, message):
    sandbox, _token = box

    response = client.post(ADVANCE, {"sandbox": sandbox.pk, "seconds": seconds})

    assert response.status_code == 400
    assert response.context["advance_form"].errors == {"seconds": [message]}
    assert Sandbox.objects.get(pk=sandbox.pk).clock_offset == 0


def test_another_owner_cannot_touch_the_clock_or_the_orders_of_a_sandbox(demo,
                                                                         fast_processing):
    ada, mallory = owner_client("none", "ada"), owner_client("none", "mallory")
    victim = current(ada)
    api_token = reveal(ada, account_of(victim, "full"))
    ada.post(HOLD, {"sandbox": victim.pk})
    order_id = _place(ada, api_token)
    current(mallory)

    for path, data in [(RESUME, {}), (HOLD, {}), (ADVANCE, {"seconds": 60}), (RELEASE, {}),
                       (ORDER, {"order": order_id, "action": "processed"})]:
        assert mallory.post(path, {"sandbox": victim.pk, **data}).status_code == 404, path

    victim.refresh_from_db()
    assert victim.held and victim.clock_offset == 0
    assert _status(ada, api_token, order_id)["status"] == "paid"


def test_a_visitor_cannot_hold_or_settle_the_public_demo_set(client, demo, fast_processing):
    current(client)
    public = Sandbox.public()
    order_id = _place(client, "sandbox-full")

    assert client.post(HOLD, {"sandbox": public.pk}).status_code == 404
    assert client.post(ORDER, {"sandbox": public.pk, "order": order_id,
                               "action": "failed"}).status_code == 404
    assert not Sandbox.objects.get(pk=public.pk).held
    assert Order.objects.get(pk=order_id).status == "paid"


def test_an_order_id_from_another_sandbox_is_refused_even_with_your_own_sandbox_named(
        demo, fast_processing):
    ada, mallory = owner_client("none", "ada"), owner_client("none", "mallory")
    victim = current(ada)
    order_id = _place(ada, reveal(ada, account_of(victim, "full")))
    own = current(mallory)

    response = mallory.post(ORDER, {"sandbox": own.pk, "order": order_id, "action": "failed"},
                            follow=True)

    assert [str(m) for m in response.context["messages"]][-1:] == [
        f"Order {order_id} is not a paid order of “My sandbox”."]
    assert Order.objects.get(pk=order_id).status == "paid"


def test_reset_puts_the_clock_back_to_automatic_and_unmoved(client, box):
    sandbox, _token = box
    client.post(HOLD, {"sandbox": sandbox.pk})
    client.post(ADVANCE, {"sandbox": sandbox.pk, "seconds": 600})

    client.post("/sandbox/console/sandboxes/reset", {"sandbox": sandbox.pk})

    sandbox.refresh_from_db()
    assert (sandbox.held, sandbox.frozen_at, sandbox.clock_offset) == (False, None, 0)


@pytest.mark.django_db(transaction=True)
def test_over_loopback_the_status_api_follows_hold_advance_and_release(live_server, demo,
                                                                       fast_processing):
    console = owner_client("none", "ada")
    sandbox = current(console)
    api_token = reveal(console, account_of(sandbox, "full"))
    console.post(HOLD, {"sandbox": sandbox.pk})
    base = f"{live_server.url}/sandbox/v4/account/orders"
    with httpx.Client(headers={"api-token": api_token}, timeout=10) as http:
        quick = http.post(f"{base}/create", json=SHARED_1000).json()["data"]
        slow = http.post(f"{base}/create", json=SLOW).json()["data"]
        time.sleep(0.3)  # past the 0.2 s delay: held, so still paid
        assert http.get(f"{base}/{quick}/status").json()["data"]["status"] == "paid"

        console.post(ADVANCE, {"sandbox": sandbox.pk, "seconds": 1})
        assert http.get(f"{base}/{quick}/status").json()["data"]["status"] == "processed"
        assert http.get(f"{base}/{slow}/status").json()["data"]["status"] == "paid"

        console.post(ORDER, {"sandbox": sandbox.pk, "order": slow, "action": "release"})
        assert http.get(f"{base}/{slow}/status").json()["data"]["status"] == "processed"
        assert http.get(f"{base}/balance").json()["data"]["balance"] == float(
            Decimal("250.00") - 2 * SHARED_1000_PRICE)
