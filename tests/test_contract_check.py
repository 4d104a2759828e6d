"""Check the API (/check): read-only probes against the contract. Against the sandbox every
probe passes; against a fake upstream over real sockets that drifts in one way at a time,
each drift is reported precisely; no probe ever reaches create."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from playground import owners
from playground.contract import probes
from playground.models import Call
from playground.sandbox import services
from playground.sandbox.models import Order
from tests import fake_upstream as fu
from tests.html_support import by_id
from tests.live_support import send, use_token

GOOD, NO_READ = "check-good-token-0001", "check-no-read-token-0002"
ORDER_ID = "0b7c6a52-1f0e-4d6b-9a55-3c1f0e2d4b6a"


def run_check(client: Client, **data) -> dict:
    response = client.post("/check", data)
    assert response.status_code == 302 and response["Location"] == "/check"
    page = client.get("/check")
    assert page.status_code == 200
    return page.context["result"]


def outcomes(result: dict) -> dict[str, str]:
    return {p["key"]: p["outcome"] for p in result["probes"]}


def differences(result: dict, key: str) -> list[str]:
    return next(p["differences"] for p in result["probes"] if p["key"] == key)


def verdicts(result: dict) -> dict[str, str]:
    return {a["key"]: a["verdict"] for a in result["assumptions"]}


# --- against the sandbox -----------------------------------------------------------------------

def test_against_the_sandbox_every_probe_passes_and_no_order_is_placed(demo):
    client = Client()
    use_token(client, "sandbox-full")
    send(client)  # one order in History, for the recent-orders probe
    order_id = str(Call.objects.get(endpoint="create").order_id)
    orders_before = Order.objects.count()
    result = run_check(client, no_read_token="sandbox-writeonly")
    assert Order.objects.count() == orders_before
    assert outcomes(result) == {
        "balance": "pass", "unknown-order": "pass", "invalid-token": "pass",
        "no-read-status": "pass", "no-read-balance": "pass", "me": "pass",
        "subaccounts": "pass", f"order:{order_id}": "pass"}
    assert result["passed"] is True
    assert verdicts(result) == {
        "product-shapes": "unknown", "prices": "unknown", "balance-403": "confirmed",
        "sandbox-texts": "unknown", "me-path": "confirmed", "subaccounts-shape": "confirmed",
        "country-aliases": "unknown", "strict-json": "unknown", "wallet-limit": "unknown"}


def test_without_a_second_token_the_permission_probes_do_not_run_and_stay_unknown(demo):
    client = Client()
    use_token(client, "sandbox-full")
    result = run_check(client)
    assert outcomes(result)["no-read-balance"] == "skipped"
    assert verdicts(result)["balance-403"] == "unknown"
    assert result["passed"] is True


def test_the_last_result_is_kept_and_dated_and_the_second_token_is_not(demo):
    client = Client()
    use_token(client, "sandbox-full")
    run_check(client, no_read_token="sandbox-writeonly")
    page = client.get("/check")
    html = page.content.decode()
    assert by_id(html, "checked-at") and page.context["checked_at"].year >= 2026
    assert "sandbox-writeonly" not in str(dict(client.session))
    assert "sandbox-writeonly" not in html and "sandbox-full" not in html


def test_with_no_stored_token_the_token_probes_say_so(db):
    result = run_check(Client())
    assert outcomes(result)["balance"] == "skipped"
    assert outcomes(result)["invalid-token"] == "pass"  # needs no token of the user's
    assert verdicts(result)["me-path"] == "unknown"


def test_a_second_token_with_spaces_is_a_clear_error(db):
    response = Client().post("/check", {"no_read_token": "two words"})
    assert response.status_code == 400
    assert response.context["error"] == ("A token is printable ASCII with no spaces; that one "
                                         "is not.")


def test_probes_refuse_any_method_but_get():
    with pytest.raises(probes.ReadOnly):
        probes._call(probes.RequestSpec.create({"type": "x"}), probes.Credential("t"))


# --- against a drifting fake upstream ------------------------------------------------------------

class Contract:
    """A fake API that keeps to the contract until a test makes it drift."""

    def __init__(self):
        self.balance: dict = {"balance": 42.5, "currency": "USD"}
        self.status = "processed"
        self.rename: dict[str, str] = {}
        self.drop: set[str] = set()
        self.not_found = services.ORDER_NOT_FOUND
        self.me_path_exists = True

    def order(self, order_id: str) -> dict:
        data = fu.order(order_id, self.status)
        data = {self.rename.get(k, k): v for k, v in data.items() if k not in self.drop}
        return data

    def __call__(self, exchange) -> None:
        token = exchange.received.headers.get("api-token", "")
        name, path = exchange.name, exchange.received.path
        if token not in (GOOD, NO_READ):
            return exchange.answer(fu.refusal(services.UNAUTHENTICATED, 401))
        if name == fu.BALANCE:
            if token == NO_READ:
                return exchange.answer(fu.refusal(services.NO_READ_BALANCE, 403))
            return exchange.answer(fu.envelope(self.balance))
        if name == fu.STATUS:
            if token == NO_READ:
                return exchange.answer(fu.refusal(services.NO_READ_STATUS, 403))
            if exchange.params["order_id"] == ORDER_ID:
                return exchange.answer(fu.envelope(self.order(ORDER_ID)))
            return exchange.answer(fu.refusal(self.not_found, 404))
        if name == fu.ME and self.me_path_exists:
            return exchange.answer(fu.envelope({"email": "a@example.com",
                                                "api_ordering_discount": 0}))
        if path == "/v4/account/subaccounts":
            return exchange.answer(fu.envelope({"subaccounts": [
                self.order(ORDER_ID)["subaccount"]]}))
        if name == fu.CREATE:
            return exchange.answer(fu.envelope(str(uuid.uuid4())))
        return exchange.answer(fu.refusal("No such endpoint.", 404))


@pytest.fixture
def upstream(settings):
    fake = fu.FakeUpstream().start()
    contract = Contract()
    for name in (fu.CREATE, fu.STATUS, fu.BALANCE, fu.ME, fu.PROXY_LIST, ""):
        fake.set(name, contract)
    settings.PROXYSCRAPE_API_BASE = fake.url
    yield fake, contract
    fake.stop()
    assert fake.errors == []


@pytest.fixture
def checking(upstream, db):
    """A browser session with a stored token and one order of its own in History."""
    fake, contract = upstream
    client = Client()
    use_token(client, GOOD)
    Call.objects.create(owner=client.session[owners.OWNER_KEY], environment="live",
                        base_url=fake.url, endpoint="create", method="POST",
                        path="/v4/account/orders/create", request_body={"type": "x"},
                        http_status=200, outcome="ok", order_id=ORDER_ID)
    return client, fake, contract


def check_against(checking) -> dict:
    client, fake, _contract = checking
    result = run_check(client, no_read_token=NO_READ)
    assert fake.count(fu.CREATE) == 0
    assert {r.method for r in fake.requests} == {"GET"}
    return result


def test_a_faithful_upstream_passes_every_probe(checking):
    result = check_against(checking)
    assert set(outcomes(result).values()) == {"pass"}
    assert result["base"] == checking[1].url


def test_a_renamed_field_is_reported_as_missing_and_unexpected(checking):
    checking[2].rename = {"order_id": "orderId"}
    result = check_against(checking)
    assert differences(result, f"order:{ORDER_ID}") == [
        "data.order_id: missing", f'data.orderId: not in the contract (seen "{ORDER_ID}")']
    assert outcomes(result)["balance"] == "pass"
    assert result["passed"] is False


def test_a_number_sent_as_a_string_is_reported(checking):
    checking[2].balance = {"balance": "42.5", "currency": "USD"}
    result = check_against(checking)
    assert differences(result, "balance") == [
        'data.balance: expected number, seen string "42.5"']


def test_a_different_error_text_is_reported(checking):
    checking[2].not_found = "Order does not exist."
    result = check_against(checking)
    assert differences(result, "unknown-order") == [
        'error: expected "Order not found.", seen "Order does not exist."']


def test_an_extra_status_is_reported(checking):
    checking[2].status = "queued"
    result = check_against(checking)
    assert differences(result, f"order:{ORDER_ID}") == [
        'data.status: expected one of paid, processed, blocked, failed, refunded; '
        'seen "queued"']


def test_a_missing_field_is_reported(checking):
    checking[2].drop = {"currency"}
    result = check_against(checking)
    assert differences(result, f"order:{ORDER_ID}") == ["data.currency: missing"]


def test_a_subaccount_field_of_the_wrong_type_is_reported(checking):
    contract = checking[2]
    original = contract.order
    contract.order = lambda oid: {**original(oid), "subaccount": {
        **original(oid)["subaccount"], "time_added": "yesterday"}}
    result = check_against(checking)
    assert differences(result, f"order:{ORDER_ID}") == [
        'data.subaccount.time_added: expected integer, seen string "yesterday"']
    assert differences(result, "subaccounts") == [
        'data.subaccounts[0].time_added: expected integer, seen string "yesterday"']
    assert verdicts(result)["subaccounts-shape"] == "contradicted"


def test_a_missing_me_path_contradicts_the_assumption_with_what_was_seen(checking):
    checking[2].me_path_exists = False
    result = check_against(checking)
    assert differences(result, "me") == [
        "HTTP status: expected 200, seen 404",
        'success: expected true, seen false (error "No such endpoint.")']
    me = next(a for a in result["assumptions"] if a["key"] == "me-path")
    assert me["verdict"] == "contradicted"
    assert me["detail"] == ('HTTP status: expected 200, seen 404; success: expected true, '
                            'seen false (error "No such endpoint.")')


def test_a_different_balance_403_text_contradicts_its_assumption(checking, monkeypatch):
    monkeypatch.setattr(services, "NO_READ_BALANCE", "Balance reading is off.")
    result = check_against(checking)
    assert differences(result, "no-read-balance")[0].startswith(
        'error: expected "Reading the wallet balance via the API-ordering endpoint')
    assert verdicts(result)["balance-403"] == "contradicted"
