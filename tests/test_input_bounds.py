"""Inputs that used to crash a page, a snippet or the sandbox, bounded where they come in.

Raw JSON bodies too deep to print, or holding text no HTTP client or database can carry,
are refused by the builder with a field error and by the sandbox with its JSON 400, by
the one rule in ``playground.strictjson``; no snippet is ever served for them.
"""

from __future__ import annotations

import io
import json
import uuid
from decimal import Decimal

import pytest
from django.test import Client

from playground import strictjson
from playground.models import Call
from playground.sandbox.models import Order
from tests.live_support import HX
from tests.test_sandbox_support import BAD_BODY, CREATE, auth_headers, balance_of, error

ORDER = ('{"type": "new_datacenter_shared", "country": "Belgium", "is_subscription": true, '
         '"days": 30, "proxies[mixed]": 1000, "bandwidth": 0%s}')
TOO_DEEP = "The body is nested more than 32 levels deep; the API cannot take it."
NUL = "The body holds a NUL character (\\u0000); the API cannot take it."
SURROGATE = ("The body holds a lone surrogate (\\ud800 to \\udfff), which is not text; "
             "the API cannot take it.")

UNSENDABLE = {
    "nested 400 deep": (ORDER % (', "extra": ' + "[" * 400 + "]" * 400), TOO_DEEP),
    "nested 700 deep": (ORDER % (', "extra": ' + "{\"a\": " * 700 + "1" + "}" * 700),
                        TOO_DEEP),
    "nested 33 deep": (ORDER % (', "extra": ' + "[" * 32 + "]" * 32), TOO_DEEP),
    "lone surrogate in a value": (ORDER % ', "fname": "\\ud800"', SURROGATE),
    "lone low surrogate in a key": (ORDER % ', "x\\udfff": 1', SURROGATE),
    "NUL in a value": (ORDER % ', "lname": "a\\u0000b"', NUL),
    "NUL in a nested key": (ORDER % ', "extra": {"\\u0000": 1}', NUL),
}
IDS = list(UNSENDABLE)


def _raw(body: str) -> dict:
    return {"mode": "raw", "body": body}


def test_thirty_two_levels_are_still_a_body():
    body = ORDER % (', "extra": ' + "[" * 31 + "]" * 31)
    assert strictjson.problem(json.loads(body)) is None


@pytest.mark.parametrize("case", IDS)
@pytest.mark.parametrize("path", ["/", "/preview"])
def test_an_unsendable_raw_body_is_a_field_error_on_the_page_and_the_preview(
        client, db, path, case):
    body, message = UNSENDABLE[case]
    response = client.get(path, _raw(body))
    assert response.status_code == 200
    builder = response.context["builder"]
    assert builder.spec is None
    assert builder.raw_form.errors["body"] == [message]


@pytest.mark.parametrize("case", IDS)
def test_an_unsendable_raw_body_keeps_the_htmx_preview_out_of_the_swap(client, db, case):
    body, message = UNSENDABLE[case]
    response = client.get("/preview", _raw(body), **HX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert response.context["builder"].raw_form.errors["body"] == [message]


@pytest.mark.parametrize("case", IDS)
@pytest.mark.parametrize("lang", ["curl", "python", "node"])
def test_no_snippet_is_served_for_an_unsendable_raw_body(client, db, lang, case):
    body, message = UNSENDABLE[case]
    for extra in ({}, {"download": "1"}, {"flow": "full"}):
        response = client.get(f"/snippets/{lang}", {**_raw(body), **extra})
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response.content.decode() == f"The request is not valid: body: {message}\n"
        assert "Content-Disposition" not in response


@pytest.mark.parametrize("case", IDS)
def test_the_sandbox_refuses_the_same_bodies_with_its_json_400(client, demo, case):
    body, _message = UNSENDABLE[case]
    response = client.post(CREATE, body.encode(), content_type="application/json",
                           headers=auth_headers("sandbox-full"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == error(BAD_BODY)
    assert Order.objects.count() == 0
    assert balance_of("sandbox-full") == Decimal("250.00")


@pytest.mark.parametrize("case", IDS)
def test_sending_an_unsendable_raw_body_sends_nothing(client, db, case):
    body, _message = UNSENDABLE[case]
    client.post("/token", {"token": "sandbox-full"})
    response = client.post("/send", {**_raw(body), "submission_key": "k" * 32}, **HX)
    assert response.status_code == 200
    assert "The request is not valid, so it was not sent." in response.content.decode()
    assert Order.objects.count() == 0


# --- form posts in a charset Django cannot read ---------------------------------------

FORM_ROUTES = ["/token", "/token/forget", "/send", "/sandbox/console/top-up",
               "/sandbox/console/refund", "/sandbox/console/jwt", "/accounts/login/",
               f"/orders/{uuid.uuid4()}/proxy-list", "/no-such-page"]
BAD_CHARSETS = ["utf-16", "UTF-32", "utf-8-sig", "utf8", "latin-1", "nope", "rot13", "hex"]


def _form_reason(charset: str) -> str:
    return (f"The form was sent as “{charset}”, but this site reads forms in UTF-8 only. "
            "Reload the page and send it again.")


@pytest.fixture
def csrf_client(db) -> Client:
    """A client that checks CSRF, as browsers meet it, holding a valid token."""
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    return client


def _post_form(client: Client, path: str, charset: str, **headers):
    token = client.cookies["csrftoken"].value
    body = f"token=sandbox-full&amount=10&csrfmiddlewaretoken={token}".encode()
    return client.generic("POST", path, body, headers=headers,
                          content_type=f"application/x-www-form-urlencoded; charset={charset}")


@pytest.mark.parametrize("charset", BAD_CHARSETS)
@pytest.mark.parametrize("path", FORM_ROUTES)
def test_a_form_in_a_charset_django_cannot_read_is_the_sites_400_page(
        csrf_client, path, charset):
    response = _post_form(csrf_client, path, charset)
    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == "400.html"
    assert response.context["reason"] == _form_reason(charset)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_an_htmx_form_in_utf_16_is_refused_the_same_way(csrf_client):
    response = _post_form(csrf_client, "/token", "utf-16", **{"HX-Request": "true"})
    assert response.status_code == 400
    assert response.context["reason"] == _form_reason("utf-16")


@pytest.mark.parametrize("charset", ["utf-8", "UTF-8"])
def test_a_form_declared_utf_8_is_read(csrf_client, charset):
    response = _post_form(csrf_client, "/token", charset)
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_get_declaring_an_unknown_charset_is_served_as_before(client, db):
    response = client.get("/", {"type": "new_serp"}, CONTENT_TYPE="text/plain; charset=nope")
    assert response.status_code == 200


def test_the_sandbox_api_answers_a_utf_16_form_with_its_json_400(client, demo):
    response = client.generic("POST", CREATE, b"type=new_serp",
                              content_type="application/x-www-form-urlencoded; charset=utf-16",
                              headers=auth_headers("sandbox-full"))
    assert response.status_code == 400
    assert response.json() == error(BAD_BODY)


def test_a_request_declaring_a_codec_that_is_not_text_is_built_and_refused(db):
    """Django's own request object raises while it is built (``rot13`` is a codec but not a
    text encoding); the playground's WSGI application uses one that does not."""
    from django.core.handlers.wsgi import WSGIRequest

    from playground.web.charsets import CharsetSafeWSGIRequest, charset_problem

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": "type=new_serp",
               "CONTENT_TYPE": "text/plain; charset=rot13", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO()}
    with pytest.raises(LookupError):
        WSGIRequest(environ)
    request = CharsetSafeWSGIRequest(environ)
    assert request.GET["type"] == "new_serp"
    assert charset_problem(request) == ("The request declares the charset “rot13”, which "
                                        "is not a text encoding.")


def test_a_query_with_too_many_fields_gets_the_sites_400_page(client, db):
    response = client.get("/?" + "&".join(f"f{i}=1" for i in range(1100)))
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert "This server could not read the request." in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"


# --- text that would reach a database query --------------------------------------------

@pytest.mark.parametrize(("name", "value"), [("endpoint", "create\x00"),
                                             ("order_status", "\x00"),
                                             ("endpoint", "nonsense")])
def test_a_history_filter_that_is_not_a_choice_matches_nothing_and_is_never_queried(
        client, db, name, value):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/history", {name: value})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert not any(value in query["sql"] for query in queries.captured_queries)


def test_a_submission_key_with_a_nul_character_is_not_stored(client, db):
    client.post("/token", {"token": "sandbox-full"})
    response = client.post("/send", {"endpoint": "balance", "submission_key": "a\x00b"}, **HX)
    assert response.status_code == 200
    assert "This form is out of date." in response.content.decode()
    assert Call.objects.count() == 0


# --- the audit: numbers and strings bounded where they come in -------------------------

BUILDER_NUMBERS = [
    ("new_datacenter_shared", "proxies_size", "9" * 10000, "Enter a whole number."),
    ("new_datacenter_shared", "days", "1e400", "Enter a whole number."),
    ("new_datacenter_shared", "bandwidth", "1" + "0" * 20,
     "Ensure this value is less than or equal to 1000000000."),
    ("new_serp", "requests", "NaN", "Enter a whole number."),
    ("new_residential", "bandwidth", "-1e308", "Enter a whole number."),
    ("new_datacenter_shared", "coupon_code", "x" * 10000,
     "Ensure this value has at most 64 characters (it has 10000)."),
    ("new_datacenter_shared", "fname", "Ada\x00", "Null characters are not allowed."),
]


@pytest.mark.parametrize(("product", "name", "value", "message"), BUILDER_NUMBERS)
def test_a_share_link_with_an_out_of_bounds_field_is_a_field_error_and_no_snippet(
        client, db, product, name, value, message):
    query = {"type": product, name: value}
    page = client.get("/", query)
    assert page.status_code == 200
    assert page.context["builder"].form.errors[name] == [message]
    snippet = client.get("/snippets/python", query)
    assert snippet.status_code == 400
    assert snippet.content.decode() == f"The request is not valid: {name}: {message}\n"


LONG = "x" * 10000


@pytest.mark.parametrize(("field", "stored", "limit"), [("fname", "fname", 128),
                                                        ("lname", "lname", 128),
                                                        ("email", "email", 254)])
def test_a_sandbox_order_with_a_very_long_override_is_placed_with_it_cut_to_the_column(
        client, demo, field, stored, limit):
    body = ORDER % f', "{field}": "{LONG}"'
    response = client.post(CREATE, body.encode(), content_type="application/json",
                           headers=auth_headers("sandbox-full"))
    assert response.status_code == 200
    assert getattr(Order.objects.get(), stored) == LONG[:limit]


@pytest.mark.parametrize("extra", [f', "coupon_code": "{LONG}"', ', "coupon_code": 1e308',
                                   ', "coupon_code": ' + "9" * 4000])
def test_a_sandbox_order_with_an_absurd_coupon_is_the_coupon_400(client, demo, extra):
    response = client.post(CREATE, (ORDER % extra).encode(), content_type="application/json",
                           headers=auth_headers("sandbox-full"))
    assert response.status_code == 400
    assert response.json() == error("Invalid coupon code.")
    assert Order.objects.count() == 0
