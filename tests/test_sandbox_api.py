"""The sandbox API's documented shapes and errors (CONTRACT.md sections 1-3), through
Django's test client, for every auth form; plus malformed bodies and 405s."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from decimal import Decimal

import jwt
import pytest
from django.test import Client

from playground.sandbox import services
from playground.sandbox.demo import DEMO_TOKENS, seed_demo_accounts
from playground.sandbox.models import Account, Order
from tests.test_sandbox_support import (
    AUTH_FORMS,
    BAD_BODY,
    BAD_OVERRIDE,
    BALANCE,
    CREATE,
    INSUFFICIENT,
    INVALID_COUPON,
    ME,
    NO_READ_BALANCE,
    NO_READ_STATUS,
    NO_WRITE,
    ORDER_NOT_FOUND,
    PRICING,
    SHARED_1000,
    SUBACCOUNTS,
    UNAUTHENTICATED,
    auth_headers,
    balance_of,
    error,
    move_clock,
    place,
    post_order,
    proxy_list_url,
    status_url,
)

pytestmark = pytest.mark.django_db

EVERY_GET = (BALANCE, ME, SUBACCOUNTS, status_url(uuid.uuid4()),
             proxy_list_url(uuid.uuid4(), "datacenter_shared"))


# --- success shapes, every auth form ---------------------------------------------------

@pytest.mark.parametrize("form", AUTH_FORMS)
def test_create_answers_the_bare_order_id_and_debits_the_wallet(client, demo, form):
    response = post_order(client, SHARED_1000, "sandbox-full", form)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"success", "data"}
    assert body["success"] is True
    order = Order.objects.get()
    assert body["data"] == str(order.pk)
    assert str(uuid.UUID(body["data"])) == body["data"]
    assert order.account.name == "sandbox-full"
    assert order.price == Decimal("29.04")
    assert balance_of("sandbox-full") == Decimal("250.00") - Decimal("29.04")


@pytest.mark.parametrize("form", AUTH_FORMS)
def test_status_of_a_fresh_order_is_paid_with_the_documented_shape(client, demo, form):
    order_id = place(client)
    order = Order.objects.get(pk=order_id)

    response = client.get(status_url(order_id), headers=auth_headers("sandbox-full", form))

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {
        "order_id": order_id,
        "status": "paid",
        "type": "new_datacenter_shared",
        "created_at": int(order.created),
        "updated_at": int(order.created),
        "price": "29.04",
        "currency": "USD",
        "paid_with_credit": True,
        "subaccount": None,
    }}


def test_timestamps_are_integers_and_price_is_a_two_decimal_string(client, demo):
    order_id = place(client, {**SHARED_1000, "country": "United States"})

    data = client.get(status_url(order_id), headers=auth_headers("sandbox-full")).json()["data"]

    assert type(data["created_at"]) is int
    assert type(data["updated_at"]) is int
    assert data["price"] == "24.00"
    assert data["paid_with_credit"] is True


@pytest.mark.parametrize("form", AUTH_FORMS)
def test_balance_is_a_json_number_with_its_currency(client, demo, form):
    response = client.get(BALANCE, headers=auth_headers("sandbox-full", form))

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"balance": 250.0, "currency": "USD"}}
    assert type(response.json()["data"]["balance"]) is float
    assert b'"balance": 250.0,' in response.content


def test_balance_keeps_cents_after_an_order(client, demo):
    place(client)

    response = client.get(BALANCE, headers=auth_headers("sandbox-full"))

    assert response.json()["data"] == {"balance": 220.96, "currency": "USD"}


@pytest.mark.parametrize("form", AUTH_FORMS)
def test_me_names_the_identity_and_its_discount(client, demo, form):
    response = client.get(ME, headers=auth_headers("sandbox-discount", form))

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {
        "email": "sandbox-discount@example.com",
        "fname": "Sandbox",
        "lname": "Discount",
        "api_ordering_discount": 10,
        "permissions": ["account:api_ordering:read", "account:api_ordering:write"],
    }}


def test_me_reports_zero_discount_and_works_without_any_permission(client, demo):
    response = client.get(ME, headers=auth_headers("sandbox-disabled"))

    assert response.status_code == 200
    assert response.json()["data"]["api_ordering_discount"] == 0
    assert response.json()["data"]["permissions"] == []


@pytest.mark.parametrize("form", AUTH_FORMS)
def test_subaccounts_is_an_empty_list_before_any_order(client, demo, form):
    response = client.get(SUBACCOUNTS, headers=auth_headers("sandbox-full", form))

    assert response.status_code == 200
    assert response.json() == {"success": True, "data": {"subaccounts": []}}


def test_subaccounts_lists_only_the_callers_processed_orders(client, demo, monkeypatch):
    mine = place(client)
    place(client, account_name="sandbox-discount")
    order = Order.objects.get(pk=mine)
    headers = auth_headers("sandbox-full", "bearer-jwt")
    move_clock(monkeypatch, order.due + 1)

    response = client.get(SUBACCOUNTS, headers=headers)

    assert response.json() == {"success": True, "data": {"subaccounts": [{
        "AccountID": str(order.subaccount_id),
        "AccountType": "datacenter_shared",
        "label": "Datacenter proxies (shared) #1",
        "time_added": int(order.due),
    }]}}


def test_body_email_and_names_override_the_identity_and_default_to_it(client, demo):
    default = place(client)
    override = place(client, {**SHARED_1000, "email": "buyer@example.org", "fname": "Ada",
                              "lname": "Lovelace"})

    assert Order.objects.values("email", "fname", "lname").get(pk=default) == {
        "email": "sandbox-full@example.com", "fname": "Sandbox", "lname": "Full"}
    assert Order.objects.values("email", "fname", "lname").get(pk=override) == {
        "email": "buyer@example.org", "fname": "Ada", "lname": "Lovelace"}


@pytest.mark.parametrize("flags", [{"pay_with_credit": 0, "no_redirect": 0},
                                   {"pay_with_credit": "gateway", "no_redirect": False}])
def test_pay_with_credit_and_no_redirect_are_ignored_the_wallet_always_pays(client, demo, flags):
    order_id = place(client, {**SHARED_1000, **flags})

    data = client.get(status_url(order_id), headers=auth_headers("sandbox-full")).json()["data"]
    assert data["paid_with_credit"] is True
    assert balance_of("sandbox-full") == Decimal("220.96")


def test_the_order_keeps_the_body_exactly_as_it_arrived(client, demo):
    raw = '{"type":"new_datacenter_shared","country":"Belgium","is_subscription":true,' \
          '"days":30,"proxies[mixed]":1000,"bandwidth":0,"note":"caf\u00e9"}'
    order_id = place(client, raw)

    assert Order.objects.get(pk=order_id).received == raw


def test_api_post_needs_no_csrf_token(demo):
    response = post_order(Client(enforce_csrf_checks=True), SHARED_1000)

    assert response.status_code == 200


# --- 401: the identity ---------------------------------------------------------------

def _tamper(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    other = Account.objects.exclude(pk=int(claims["sub"])).first()
    forged = jwt.utils.base64url_encode(json.dumps({**claims, "sub": str(other.pk)}).encode())
    return f"{header}.{forged.decode()}.{signature}"


def _bad_credentials():
    """Every way to not be anyone: name -> headers (built inside the test, needs the db)."""

    def jwt_for(lifetime=900, key=None, **claims):
        account = Account.objects.get(name="sandbox-full")
        if key is None:
            return services.issue_jwt(account, lifetime=lifetime)
        return jwt.encode({"sub": str(account.pk), "iss": services.JWT_ISSUER,
                           "exp": 2_000_000_000, **claims}, key, algorithm="HS256")

    return {
        "missing": lambda: {},
        "unknown api-token": lambda: {"api-token": "sandbox-nobody"},
        "unknown bearer token": lambda: {"Authorization": "Bearer sandbox-nobody"},
        "empty api-token": lambda: {"api-token": ""},
        "bearer without credential": lambda: {"Authorization": "Bearer "},
        "basic scheme": lambda: {"Authorization": "Basic sandbox-full"},
        "token without scheme": lambda: {"Authorization": "sandbox-full"},
        "expired jwt": lambda: {"Authorization": f"Bearer {jwt_for(lifetime=-60)}"},
        "tampered jwt": lambda: {"Authorization": f"Bearer {_tamper(jwt_for())}"},
        "truncated jwt signature": lambda: {"Authorization": f"Bearer {jwt_for()[:-4]}"},
        "jwt signed with another key": lambda: {
            "Authorization": f"Bearer {jwt_for(key=secrets.token_hex(32))}"},
        "not a jwt, three parts": lambda: {"Authorization": "Bearer a.b.c"},
        "jwt for an account that is gone": lambda: {
            "Authorization": f"Bearer {_jwt_for_deleted_account()}"},
    }


def _jwt_for_deleted_account() -> str:
    ghost = Account.objects.create(name="ghost", token_hash="0" * 64, token_hint="host",
                                   email="ghost@example.com")
    token = services.issue_jwt(ghost, lifetime=900)
    ghost.delete()
    return token


BAD_CREDENTIALS = list(_bad_credentials())


@pytest.mark.parametrize("case", BAD_CREDENTIALS)
@pytest.mark.parametrize("path", [CREATE, *EVERY_GET], ids=lambda p: p.split("/")[-1])
def test_bad_or_missing_identity_is_the_documented_401_everywhere(client, demo, case, path):
    headers = _bad_credentials()[case]()
    if path == CREATE:
        response = client.post(path, json.dumps(SHARED_1000), content_type="application/json",
                               headers=headers)
    else:
        response = client.get(path, headers=headers)

    assert response.status_code == 401
    assert response.json() == error(UNAUTHENTICATED)
    assert Order.objects.count() == 0
    assert balance_of("sandbox-full") == Decimal("250.00")


def test_an_api_token_header_wins_over_a_bearer_header(client, demo):
    response = client.get(BALANCE, headers={"api-token": "sandbox-readonly",
                                            "Authorization": "Bearer sandbox-full"})

    assert response.json() == {"success": True, "data": {"balance": 50.0, "currency": "USD"}}


def test_the_bearer_scheme_is_case_insensitive(client, demo):
    response = client.get(BALANCE, headers={"Authorization": "bearer sandbox-full"})

    assert response.status_code == 200


# --- 403: permissions ------------------------------------------------------------------

@pytest.mark.parametrize("form", AUTH_FORMS)
@pytest.mark.parametrize("name", ["sandbox-readonly", "sandbox-disabled"])
def test_create_without_write_permission_is_the_documented_403(client, demo, name, form):
    before = balance_of(name)

    response = post_order(client, SHARED_1000, name, form)

    assert response.status_code == 403
    assert response.json() == error(NO_WRITE)
    assert Order.objects.count() == 0
    assert balance_of(name) == before


def test_the_write_403_comes_before_any_body_check(client, demo):
    response = post_order(client, b"\xff not json", "sandbox-readonly")

    assert response.status_code == 403
    assert response.json() == error(NO_WRITE)


@pytest.mark.parametrize("form", AUTH_FORMS)
@pytest.mark.parametrize("name", ["sandbox-writeonly", "sandbox-disabled"])
def test_status_without_read_permission_is_the_documented_403(client, demo, name, form):
    order_id = place(client, account_name="sandbox-writeonly")

    response = client.get(status_url(order_id), headers=auth_headers(name, form))

    assert response.status_code == 403
    assert response.json() == error(NO_READ_STATUS)


@pytest.mark.parametrize("form", AUTH_FORMS)
@pytest.mark.parametrize("name", ["sandbox-writeonly", "sandbox-disabled"])
def test_balance_without_read_permission_is_the_403_in_the_status_wording(client, demo, name,
                                                                          form):
    response = client.get(BALANCE, headers=auth_headers(name, form))

    assert response.status_code == 403
    assert response.json() == error(NO_READ_BALANCE)


def test_writeonly_can_place_orders(client, demo):
    place(client, account_name="sandbox-writeonly")

    assert balance_of("sandbox-writeonly") == Decimal("220.96")


# --- 400: pricing and wallet -----------------------------------------------------------

@pytest.mark.parametrize("form", AUTH_FORMS)
def test_a_package_that_is_not_on_the_price_list_is_the_pricing_400(client, demo, form):
    response = post_order(client, {**SHARED_1000, "proxies[mixed]": 1234}, "sandbox-full", form)

    assert response.status_code == 400
    assert response.json() == error(PRICING)
    assert Order.objects.count() == 0


@pytest.mark.parametrize("form", AUTH_FORMS)
def test_an_empty_wallet_gets_the_insufficient_balance_400_and_no_order(client, demo, form):
    response = post_order(client, SHARED_1000, "sandbox-empty", form)

    assert response.status_code == 400
    assert response.json() == error(INSUFFICIENT)
    assert Order.objects.count() == 0
    assert balance_of("sandbox-empty") == Decimal("0.00")


def test_a_wallet_one_cent_short_is_refused_and_an_exact_wallet_pays(client, demo):
    Account.objects.filter(name="sandbox-full").update(balance=Decimal("29.03"))
    short = post_order(client, SHARED_1000)
    Account.objects.filter(name="sandbox-full").update(balance=Decimal("29.04"))
    exact = post_order(client, SHARED_1000)

    assert short.json() == error(INSUFFICIENT)
    assert exact.status_code == 200
    assert Order.objects.count() == 1
    assert balance_of("sandbox-full") == Decimal("0.00")


@pytest.mark.parametrize("code", ["NOPE", "SAVE 10", 10, True, ["SAVE10"]])
def test_an_unknown_coupon_is_the_invalid_coupon_400(client, demo, code):
    response = post_order(client, {**SHARED_1000, "coupon_code": code})

    assert response.status_code == 400
    assert response.json() == error(INVALID_COUPON)
    assert Order.objects.count() == 0


@pytest.mark.parametrize("code", [None, ""])
def test_an_empty_or_null_coupon_means_no_coupon(client, demo, code):
    order_id = place(client, {**SHARED_1000, "coupon_code": code})

    assert Order.objects.get(pk=order_id).price == Decimal("29.04")


def test_coupon_codes_are_case_and_space_insensitive(client, demo):
    order_id = place(client, {**SHARED_1000, "coupon_code": " save10 "})

    # 24.00 - 10 % = 21.60; VAT 21 % = 4.536 -> 4.54; 26.14
    assert Order.objects.get(pk=order_id).price == Decimal("26.14")


# --- 404: orders that are not yours ------------------------------------------------------

def test_another_accounts_order_and_an_unknown_id_are_the_same_404(client, demo):
    theirs = place(client, account_name="sandbox-discount")

    foreign = client.get(status_url(theirs), headers=auth_headers("sandbox-full"))
    unknown = client.get(status_url(uuid.uuid4()), headers=auth_headers("sandbox-full"))
    not_a_uuid = client.get(status_url("not-an-order"), headers=auth_headers("sandbox-full"))

    for response in (foreign, unknown, not_a_uuid):
        assert response.status_code == 404
        assert response.json() == error(ORDER_NOT_FOUND)
    assert foreign.content == unknown.content == not_a_uuid.content
    # Every header but the per-request id and timing is the same.
    varying = ("X-Request-ID", "Server-Timing")
    assert ({k: v for k, v in foreign.headers.items() if k not in varying}
            == {k: v for k, v in unknown.headers.items() if k not in varying})


@pytest.mark.parametrize("form", AUTH_FORMS)
def test_unknown_order_is_404_in_every_auth_form(client, demo, form):
    response = client.get(status_url(uuid.uuid4()), headers=auth_headers("sandbox-full", form))

    assert response.status_code == 404
    assert response.json() == error(ORDER_NOT_FOUND)


def test_an_unknown_endpoint_below_v4_is_a_json_404(client, demo):
    response = client.get("/sandbox/v4/account/orders", headers=auth_headers("sandbox-full"))

    assert response.status_code == 404
    assert response.json() == error("No such endpoint.")


# --- 405 --------------------------------------------------------------------------------

@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_create_with_another_method_is_a_json_405(client, demo, method):
    response = getattr(client, method)(CREATE, headers=auth_headers("sandbox-full"))

    assert response.status_code == 405
    assert response.json() == error(f"Method {method.upper()} is not allowed here.")
    assert response["Allow"] == "POST"
    assert Order.objects.count() == 0


@pytest.mark.parametrize("path", EVERY_GET, ids=lambda p: p.split("/")[-1])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_endpoints_with_another_method_are_a_json_405(client, demo, path, method):
    response = getattr(client, method)(path, headers=auth_headers("sandbox-full"))

    assert response.status_code == 405
    assert response.json() == error(f"Method {method.upper()} is not allowed here.")
    assert response["Allow"] == "GET"


# --- malformed bodies: always a JSON 400, no order, no money moved -----------------------

VALID = json.dumps(SHARED_1000)


def _with(**fields) -> str:
    return json.dumps({**SHARED_1000, **fields})


def _raw_field(name: str, raw_value: str) -> str:
    return VALID[:-1] + f', "{name}": {raw_value}}}'


MALFORMED = {
    # not a JSON object at all
    "empty body": (b"", BAD_BODY),
    "whitespace only": (b"  \n", BAD_BODY),
    "not json": (b"type=new_datacenter_shared&proxies[mixed]=1000", BAD_BODY),
    "truncated json": (VALID[:-1].encode(), BAD_BODY),
    "not utf-8": (b'{"type": "new_datacenter_shared", "country": "B\xe9lgica"}', BAD_BODY),
    "utf-16": (VALID.encode("utf-16"), BAD_BODY),
    "utf-8 with bom": (b"\xef\xbb\xbf" + VALID.encode(), BAD_BODY),
    "a json array": (f"[{VALID}]".encode(), BAD_BODY),
    "an empty array": (b"[]", BAD_BODY),
    "a json string": (b'"new_datacenter_shared"', BAD_BODY),
    "a json number": (b"1000", BAD_BODY),
    "json null": (b"null", BAD_BODY),
    "json true": (b"true", BAD_BODY),
    "NaN literal": (_raw_field("bandwidth", "NaN").encode(), BAD_BODY),
    "Infinity literal": (_raw_field("extra", "-Infinity").encode(), BAD_BODY),
    "float overflowing to infinity": (_raw_field("extra", "1e999").encode(), BAD_BODY),
    "integer with 5000 digits": (_raw_field("extra", "9" * 5000).encode(), BAD_BODY),
    "escaped lone surrogate": (_raw_field("fname", '"\\ud800"').encode(), BAD_BODY),
    "escaped lone surrogate in a key": (_raw_field('x\\udfff', "1").encode(), BAD_BODY),
    "escaped NUL character": (_raw_field("lname", '"a\\u0000b"').encode(), BAD_BODY),
    "nested 900 deep": (_raw_field("extra", "[" * 900 + "]" * 900).encode(), BAD_BODY),
    "nested 100000 deep": (_raw_field("extra", "[" * 100000 + "]" * 100000).encode(),
                           BAD_BODY),
    # a JSON object that describes no buyable package
    "empty object": (b"{}", PRICING),
    "type missing": (json.dumps({k: v for k, v in SHARED_1000.items() if k != "type"}).encode(),
                     PRICING),
    "type not a string": (_with(type=5).encode(), PRICING),
    "type is a list": (_with(type=["new_datacenter_shared"]).encode(), PRICING),
    "unknown type": (_with(type="new_mobile").encode(), PRICING),
    "wallet top-up type": (_with(type="wallet_topup", amount=50).encode(), PRICING),
    "pool size as a string": (_with(**{"proxies[mixed]": "1000"}).encode(), PRICING),
    "pool size as a float": (_with(**{"proxies[mixed]": 1000.0}).encode(), PRICING),
    "pool size as a bool": (_with(**{"proxies[mixed]": True}).encode(), PRICING),
    "pool size negative": (_with(**{"proxies[mixed]": -1000}).encode(), PRICING),
    "pool size zero": (_with(**{"proxies[mixed]": 0}).encode(), PRICING),
    "pool size huge": (_with(**{"proxies[mixed]": 10**30}).encode(), PRICING),
    "pool size null": (_with(**{"proxies[mixed]": None}).encode(), PRICING),
    "unknown location": (json.dumps({**{k: v for k, v in SHARED_1000.items()
                                        if k != "proxies[mixed]"},
                                     "proxies[xx]": 1000}).encode(), PRICING),
    "upper-case location": (json.dumps({**{k: v for k, v in SHARED_1000.items()
                                           if k != "proxies[mixed]"},
                                        "proxies[MIXED]": 1000}).encode(), PRICING),
    "two locations": (_with(**{"proxies[us]": 1000}).encode(), PRICING),
    "no location": (json.dumps({k: v for k, v in SHARED_1000.items()
                                if k != "proxies[mixed]"}).encode(), PRICING),
    "days as a string": (_with(days="30").encode(), PRICING),
    "days not offered": (_with(days=31).encode(), PRICING),
    "days huge": (_with(days=10**20).encode(), PRICING),
    "days negative": (_with(days=-30).encode(), PRICING),
    "is_subscription as a string": (_with(is_subscription="true").encode(), PRICING),
    "is_subscription as 1": (_with(is_subscription=1).encode(), PRICING),
    "bandwidth limited": (_with(bandwidth=100).encode(), PRICING),
    "bandwidth as a float": (_with(bandwidth=0.0).encode(), PRICING),
    "country as an ISO code": (_with(country="BE").encode(), PRICING),
    "country unknown": (_with(country="Atlantis").encode(), PRICING),
    "country blank": (_with(country="  ").encode(), PRICING),
    "country a number": (_with(country=56).encode(), PRICING),
    "country missing": (json.dumps({k: v for k, v in SHARED_1000.items()
                                    if k != "country"}).encode(), PRICING),
    "residential negative bandwidth": (json.dumps({"type": "new_residential", "country":
                                                   "Belgium", "bandwidth": -1}).encode(),
                                       PRICING),
    "residential huge bandwidth": (json.dumps({"type": "new_residential", "country": "Belgium",
                                               "bandwidth": 10**18}).encode(), PRICING),
    "residential unknown duration": (json.dumps({"type": "new_residential", "country":
                                                 "Belgium", "bandwidth": 1,
                                                 "duration": "45d"}).encode(), PRICING),
    "unlimited unknown server location": (json.dumps({"type": "new_residential_unlimited",
                                                      "country": "Belgium", "location": 99,
                                                      "days": 7}).encode(), PRICING),
    "unlimited negative days": (json.dumps({"type": "new_residential_unlimited", "country":
                                            "Belgium", "location": 1, "days": -7}).encode(),
                                PRICING),
    "serp requests not on the list": (json.dumps({"type": "new_serp", "country": "Belgium",
                                                  "requests": 999}).encode(), PRICING),
    # the package is fine, a side field is not
    "coupon not a string": (_with(coupon_code={"code": "SAVE10"}).encode(), INVALID_COUPON),
    "email not a string": (_with(email=5).encode(), BAD_OVERRIDE),
    "fname a list": (_with(fname=["Ada"]).encode(), BAD_OVERRIDE),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_malformed_body_is_a_json_400_with_no_order_and_no_debit(client, demo, case):
    raw, message = MALFORMED[case]

    response = client.post(CREATE, raw, content_type="application/json",
                           headers=auth_headers("sandbox-full"))

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == error(message)
    assert Order.objects.count() == 0
    assert balance_of("sandbox-full") == Decimal("250.00")


def test_a_body_over_the_upload_limit_is_a_json_400(client, demo, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    raw = _raw_field("note", json.dumps("x" * 2000)).encode()

    response = client.post(CREATE, raw, content_type="application/json",
                           headers=auth_headers("sandbox-full"))

    assert response.status_code == 400
    assert response.json() == error("Request body is too large.")
    assert Order.objects.count() == 0


def test_a_body_sent_as_text_plain_is_still_read_as_json(client, demo):
    response = client.post(CREATE, VALID, content_type="text/plain",
                           headers=auth_headers("sandbox-full"))

    assert response.status_code == 200


# --- storage: hashed credentials, idempotent seeding -----------------------------------

def test_demo_credentials_are_stored_as_sha256_digests(demo):
    for name in DEMO_TOKENS:
        account = Account.objects.get(name=name)
        assert account.token_hash == hashlib.sha256(name.encode()).hexdigest()
        assert account.token_hint == name[-4:]


def test_a_secret_token_leaves_no_plain_trace_in_the_account_table(client, demo):
    token = secrets.token_urlsafe(24)
    Account.objects.create(name="private", token_hash=hashlib.sha256(token.encode()).hexdigest(),
                           token_hint=token[-4:], email="private@example.com", can_read=True)

    response = client.get(BALANCE, headers={"api-token": token})

    assert response.status_code == 200
    rows = Account.objects.values_list()
    assert not any(token in str(value) for row in rows for value in row)


def test_seeding_twice_keeps_six_accounts_and_their_balances(demo):
    Account.objects.filter(name="sandbox-full").update(balance=Decimal("12.34"), can_write=False)

    seed_demo_accounts(Account)
    seed_demo_accounts(Account)

    assert sorted(Account.objects.values_list("name", flat=True)) == sorted(DEMO_TOKENS)
    assert Account.objects.count() == 6
    full = Account.objects.get(name="sandbox-full")
    assert full.balance == Decimal("12.34")
    assert full.can_write is True  # permissions are restored, the wallet is not
    assert {a.name: a.balance for a in Account.objects.exclude(name="sandbox-full")} == {
        "sandbox-discount": Decimal("250.00"), "sandbox-readonly": Decimal("50.00"),
        "sandbox-writeonly": Decimal("250.00"), "sandbox-disabled": Decimal("50.00"),
        "sandbox-empty": Decimal("0.00")}


def test_the_migrations_seeded_the_six_demo_accounts_with_their_wallets(db):
    assert {a.name: (a.can_read, a.can_write, a.balance, a.discount_percent)
            for a in Account.objects.all()} == {
        "sandbox-full": (True, True, Decimal("250.00"), Decimal("0")),
        "sandbox-discount": (True, True, Decimal("250.00"), Decimal("10")),
        "sandbox-readonly": (True, False, Decimal("50.00"), Decimal("0")),
        "sandbox-writeonly": (False, True, Decimal("250.00"), Decimal("0")),
        "sandbox-disabled": (False, False, Decimal("50.00"), Decimal("0")),
        "sandbox-empty": (True, True, Decimal("0.00"), Decimal("0")),
    }
