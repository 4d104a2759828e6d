"""GET /openapi.json: a valid OpenAPI 3.1 document generated from the catalogue, the request
specs and the sandbox's error texts; and Schemathesis, run over real HTTP against the
sandbox on a live server, finds nothing wrong with either."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from openapi_spec_validator import validate

from playground import catalogue, spec
from playground.contract import errors
from playground.sandbox import services
from playground.sandbox.models import Account


@pytest.fixture
def document(db) -> dict:
    response = Client().get("/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_openapi_json_is_a_valid_openapi_3_1_document(document):
    validate(document)  # raises on any violation
    assert document["openapi"] == "3.1.0"


def test_servers_are_the_live_api_and_this_servers_sandbox(document):
    assert [s["url"] for s in document["servers"]] == ["https://api.proxyscrape.com",
                                                        "http://testserver/sandbox"]


def test_without_the_sandbox_only_the_live_server_is_listed(db, settings):
    settings.SANDBOX_ENABLED = False
    servers = Client().get("/openapi.json").json()["servers"]
    assert [s["url"] for s in servers] == ["https://api.proxyscrape.com"]


def test_download_link_answers_the_document_as_an_attachment(db):
    response = Client().get("/openapi.json?download=1")
    assert response["Content-Disposition"] == (
        'attachment; filename="proxyscrape-api-ordering.openapi.json"')


def test_every_endpoint_is_described_and_the_undocumented_ones_are_tagged_assumed(document):
    operations = {(method.upper(), path): op for path, item in document["paths"].items()
                  for method, op in item.items()}
    assert set(operations) == {
        ("POST", "/v4/account/orders/create"), ("GET", "/v4/account/orders/{orderId}/status"),
        ("GET", "/v4/account/orders/balance"), ("GET", "/v4/account/auth/me"),
        ("GET", "/v4/account/subaccounts"),
        ("GET", "/v4/account/{subAccountId}/{AccountType}/proxy-list")}
    tags = {key: op["tags"] for key, op in operations.items()}
    assert [k for k, t in tags.items() if t == ["documented"]] == [
        ("POST", "/v4/account/orders/create"), ("GET", "/v4/account/orders/{orderId}/status"),
        ("GET", "/v4/account/orders/balance")]
    for key in [k for k, t in tags.items() if t == ["assumed"]]:
        assert "**Assumed**" in operations[key]["description"]


def test_both_security_schemes_apply_to_every_operation(document):
    assert document["components"]["securitySchemes"] == {
        "apiToken": {"type": "apiKey", "in": "header", "name": "api-token",
                     "description": "The account's API key, server to server."},
        "bearerJwt": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                      "description": "A signed-in caller's JWT (the sandbox also takes a "
                                     "demo token here)."}}
    for item in document["paths"].values():
        for op in item.values():
            assert op["security"] == [{"apiToken": []}, {"bearerJwt": []}]


def test_one_request_schema_per_product_chosen_by_type(document):
    schemas = document["components"]["schemas"]
    request = schemas["OrderRequest"]
    assert request["discriminator"]["propertyName"] == "type"
    assert request["discriminator"]["mapping"] == {
        t: f"#/components/schemas/Order_{t}" for t in catalogue.PRODUCTS}
    assert request["oneOf"] == [{"$ref": f"#/components/schemas/Order_{t}"}
                                for t in catalogue.PRODUCTS]
    for product_type, product in catalogue.PRODUCTS.items():
        schema = schemas[f"Order_{product_type}"]
        assert schema["properties"]["type"]["const"] == product_type
        for f in product.fields:
            if f.kind == "pool":
                for location in catalogue.LOCATIONS:
                    assert schema["properties"][f"proxies[{location}]"]["enum"] == list(
                        f.suggestions)
                assert schema["oneOf"] == [{"required": [f"proxies[{loc}]"]}
                                           for loc in catalogue.LOCATIONS]
            else:
                assert (f.name in schema["required"]) is f.required


def test_field_types_choices_and_ranges_come_from_the_catalogue(document):
    schemas = document["components"]["schemas"]
    shared = schemas["Order_new_datacenter_shared"]["properties"]
    assert shared["is_subscription"]["type"] == "boolean"
    assert shared["days"]["type"] == "integer" and shared["days"]["enum"] == [30]
    assert shared["bandwidth"]["enum"] == [0]
    assert shared["country"]["$ref"] == "#/components/schemas/Country"
    assert "Belgium" in schemas["Country"]["enum"]
    assert len(schemas["Country"]["enum"]) == len(catalogue.country_choices())
    residential = schemas["Order_new_residential"]["properties"]
    assert residential["duration"]["enum"] == ["30d", "60d", "90d", None]
    assert residential["bandwidth"]["minimum"] == 1
    assert residential["bandwidth"]["enum"] == list(
        catalogue.PRODUCTS["new_residential"].field("bandwidth").suggestions)
    unlimited = schemas["Order_new_residential_unlimited"]["properties"]
    assert unlimited["location"]["enum"] == list(catalogue.SERVER_LOCATIONS)


def test_order_and_subaccount_objects_are_described(document):
    schemas = document["components"]["schemas"]
    order = schemas["Order"]
    assert order["required"] == ["order_id", "status", "type", "created_at", "updated_at",
                                 "price", "currency", "paid_with_credit", "subaccount"]
    assert order["properties"]["status"]["enum"] == list(spec.ORDER_STATUSES)
    assert order["properties"]["created_at"]["type"] == "integer"
    assert order["properties"]["price"]["type"] == "string"
    assert "block_reason" in order["properties"]
    assert schemas["Subaccount"]["required"] == ["AccountID", "AccountType", "label",
                                                 "time_added"]
    status_ok = document["paths"]["/v4/account/orders/{orderId}/status"]["get"][
        "responses"]["200"]["content"]["application/json"]["schema"]
    assert status_ok["properties"]["data"] == {"$ref": "#/components/schemas/Order"}


def _examples(document, path, method, status) -> list[str]:
    content = document["paths"][path][method]["responses"][status]["content"]
    return [e["value"]["error"] for e in content["application/json"]["examples"].values()]


def test_every_documented_error_text_is_an_example_word_for_word(document):
    create = "/v4/account/orders/create"
    assert _examples(document, create, "post", "400") == [
        "Missing or invalid pricing configuration.", "Insufficient wallet balance.",
        "Invalid coupon code.", "Request body must be a JSON object.",
        "Request body is too large.", "Fields email, fname and lname must be strings."]
    assert _examples(document, create, "post", "401") == [services.UNAUTHENTICATED]
    assert _examples(document, create, "post", "403") == [
        "API ordering is not enabled for this account. Contact support to request access."]
    status = "/v4/account/orders/{orderId}/status"
    assert _examples(document, status, "get", "404") == ["Order not found."]
    assert _examples(document, status, "get", "403") == [
        "Reading order status via the API-ordering endpoint is not enabled for this account. "
        "Contact support to request access."]
    assert _examples(document, "/v4/account/orders/balance", "get", "403") == [
        services.NO_READ_BALANCE]
    proxy = "/v4/account/{subAccountId}/{AccountType}/proxy-list"
    assert _examples(document, proxy, "get", "404") == ["Subaccount not found."]
    assert errors.ERRORS["create"][401][0][1] == (
        "Could not determine account email from authenticated identity.")


# --- Schemathesis against the sandbox, over real HTTP ------------------------------------------

# Schemathesis cannot know which coupon codes exist (a coupon is free text in the contract;
# which codes are valid is data). So it draws coupon_code from the sandbox's own codes, as
# one supplies test data, and every check stays on: an unknown code is the documented 400,
# which its positive-data check would otherwise count against the sandbox.
CONFIG = """
[dictionaries.coupons]
values = ["SAVE10", "FIVEOFF", "SANDBOX-BLOCK", "SANDBOX-FAIL", "SANDBOX-SLOW"]

[parameters]
"body.coupon_code" = { dictionary = "coupons" }

[phases.stateful]
max-steps = 4
"""


def _schemathesis(tmp_path: Path, live_url: str, *args: str) -> subprocess.CompletedProcess:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    command = [str(Path(sys.executable).with_name("schemathesis")), "--config-file",
               str(config), "run", f"{live_url}/openapi.json", "--url", f"{live_url}/sandbox",
               "-H", "api-token: sandbox-full", "--seed", "16", "--workers", "2",
               "--no-color", *args]
    # cwd: its .hypothesis folder and any report stay out of the project
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.fixture
def rich_sandbox(live_server, demo, settings):
    """The demo accounts, with sandbox-full's wallet large enough for every order the run
    places (an empty wallet is the documented 400, and would end the run's orders early)."""
    # Processed when first read (SANDBOX-SLOW too), so the status -> proxy-list link finds a
    # subaccount and the stateful phase reads real proxy lists.
    settings.SANDBOX_PROCESSING_DELAY = 0
    settings.SANDBOX_SLOW_DELAY = 0
    Account.objects.filter(name="sandbox-full").update(balance=900000)
    return live_server


def test_schemathesis_finds_no_failure_in_any_operation(rich_sandbox, tmp_path):
    """Every default check on every operation, in the examples, fuzzing and stateful phases
    (the stateful phase follows the document's links, create -> status -> proxy-list, with
    real order and subaccount ids); then the coverage phase (every boundary and negative
    case the schema defines) on every operation but create.

    Checks that cannot apply, and why (Schemathesis skips them by itself):
    - use_after_free, ensure_resource_availability: need a DELETE; the API has none.
    - object_level_authorization (not a default check): needs a second identity configured.
    - A blocked or failed order (scenario coupons) never gets a subaccount, so its
      status -> proxy-list link has nothing to follow: Schemathesis notes it, as it should.
    The coverage phase for create generates some 1,500 cases (every country, every package
    size, for five products) and takes about five minutes on this shared 2-core machine,
    so it runs only with CONTRACT_FULL_COVERAGE=1 (the test below; it passed on 2026-12-01).
    """
    run = _schemathesis(tmp_path, rich_sandbox.url, "--phases", "examples,fuzzing,stateful",
                        "--max-examples", "25")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Failures:" not in run.stdout
    assert "Operations:       6 selected / 6 total" in run.stdout
    assert "API Links:    2 covered / 2 selected / 2 total" in run.stdout
    assert "Missing test data" not in run.stdout  # proxy-list was reached with real ids
    coverage = _schemathesis(tmp_path, rich_sandbox.url, "--phases", "coverage",
                             "--exclude-operation-id", "createOrder")
    assert coverage.returncode == 0, coverage.stdout[-6000:] + coverage.stderr[-2000:]
    assert "Failures:" not in coverage.stdout
    assert "Operations:       5 selected / 6 total" in coverage.stdout


@pytest.mark.skipif(not os.environ.get("CONTRACT_FULL_COVERAGE"),
                    reason="slow: set CONTRACT_FULL_COVERAGE=1 to run create's coverage phase")
def test_schemathesis_coverage_phase_on_create_finds_no_failure(rich_sandbox, tmp_path):
    run = _schemathesis(tmp_path, rich_sandbox.url, "--phases", "coverage",
                        "--include-operation-id", "createOrder")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
