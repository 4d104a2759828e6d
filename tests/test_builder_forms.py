"""The per-product forms and the builder state: bodies, field errors, query strings."""

import json

import pytest
from django.http import QueryDict

from playground import catalogue
from playground.builder import Builder, CheckoutLinkError, import_checkout_link
from playground.forms import PRODUCT_FORMS, ProductForm


def build(query: str) -> Builder:
    return Builder.from_query(QueryDict(query))


def body_of(query: str) -> dict:
    builder = build(query)
    assert builder.is_valid, builder.active_form.errors
    return builder.spec.body


def errors_of(query: str) -> dict:
    builder = build(query)
    assert not builder.is_valid
    return {name: list(errors) for name, errors in builder.active_form.errors.items()}


def test_every_product_has_its_own_form_class_built_from_the_catalogue():
    assert set(PRODUCT_FORMS) == set(catalogue.PRODUCTS)
    assert len({cls.__name__ for cls in PRODUCT_FORMS.values()}) == 5
    for product_type, cls in PRODUCT_FORMS.items():
        assert issubclass(cls, ProductForm)
        assert cls.product is catalogue.PRODUCTS[product_type]
        assert {"coupon_code", "email", "fname", "lname"} <= set(cls.base_fields)


def test_empty_query_opens_on_the_vendors_example_order():
    assert build("").spec.body_text == json.dumps(
        {"type": "new_datacenter_shared", "country": "Belgium", "is_subscription": True,
         "days": 30, "proxies[mixed]": 1000, "bandwidth": 0}, indent=2)


@pytest.mark.parametrize(("query", "body"), [
    ("type=new_datacenter_shared&country=Germany&is_subscription=false&days=30"
     "&proxies_location=us&proxies_size=2500&bandwidth=0",
     {"type": "new_datacenter_shared", "country": "Germany", "is_subscription": False,
      "days": 30, "proxies[us]": 2500, "bandwidth": 0}),
    ("type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
     "&proxies[gb]=1234&bandwidth=0&coupon_code=SAVE10",
     {"type": "new_datacenter_shared", "country": "Belgium", "is_subscription": True,
      "days": 30, "proxies[gb]": 1234, "bandwidth": 0, "coupon_code": "SAVE10"}),
    ("type=new_datacenter_dedicated&country=France&is_subscription=true&days=30"
     "&proxies[th]=25&bandwidth=0",
     {"type": "new_datacenter_dedicated", "country": "France", "is_subscription": True,
      "days": 30, "proxies[th]": 25, "bandwidth": 0}),
    ("type=new_residential&country=Japan&bandwidth=5&duration=90d",
     {"type": "new_residential", "country": "Japan", "bandwidth": 5, "duration": "90d"}),
    ("type=new_residential&country=Japan&bandwidth=5&duration=",
     {"type": "new_residential", "country": "Japan", "bandwidth": 5}),
    ("type=new_residential_unlimited&country=Brazil&location=3&days=7"
     "&email=ops%40example.com&fname=Zo%C3%AB&lname=O%27Brien",
     {"type": "new_residential_unlimited", "country": "Brazil", "location": 3, "days": 7,
      "email": "ops@example.com", "fname": "Zoë", "lname": "O'Brien"}),
    ("type=new_serp&country=Canada&requests=10000&duration=30d",
     {"type": "new_serp", "country": "Canada", "requests": 10000, "duration": "30d"}),
])
def test_product_form_builds_the_golden_body_with_json_types(query, body):
    assert json.dumps(body_of(query)) == json.dumps(body)


def test_a_size_off_the_price_list_is_allowed_because_the_api_decides():
    assert body_of("type=new_serp&country=Canada&requests=777")["requests"] == 777


def test_missing_fields_take_the_products_defaults():
    assert body_of("type=new_residential") == {
        "type": "new_residential", "country": "Belgium", "bandwidth": 1}


@pytest.mark.parametrize(("query", "errors"), [
    ("type=new_datacenter_shared&proxies_size=abc",
     {"proxies_size": ["Enter a whole number."]}),
    ("type=new_datacenter_shared&proxies_size=0",
     {"proxies_size": ["Ensure this value is greater than or equal to 1."]}),
    ("type=new_datacenter_shared&proxies_size=10000000000",
     {"proxies_size": ["Ensure this value is less than or equal to 1000000000."]}),
    ("type=new_datacenter_shared&proxies_location=mars",
     {"proxies_location": ["Select a valid choice. mars is not one of the available choices."]}),
    ("type=new_datacenter_shared&country=BE",
     {"country": ["“BE” is not a country name; pick one from the list."]}),
    ("type=new_datacenter_shared&is_subscription=maybe",
     {"is_subscription": ["Select a valid choice. maybe is not one of the available choices."]}),
    ("type=new_datacenter_shared&days=",
     {"days": ["This field is required."]}),
    ("type=new_residential&bandwidth=-1",
     {"bandwidth": ["Ensure this value is greater than or equal to 1."]}),
    ("type=new_residential&duration=45d",
     {"duration": ["Select a valid choice. 45d is not one of the available choices."]}),
    ("type=new_serp&email=not-an-email",
     {"email": ["Enter a valid email address."]}),
    ("type=new_serp&coupon_code=" + "X" * 65,
     {"coupon_code": ["Ensure this value has at most 64 characters (it has 65)."]}),
])
def test_invalid_input_gets_a_field_error(query, errors):
    assert errors_of(query) == errors


def test_status_endpoint_needs_an_order_id_that_is_a_uuid():
    assert errors_of("endpoint=status&order_id=12345") == {"order_id": [
        "Enter an order id: a UUID such as 0bc1a40f-2a17-4c84-9b2b-f4b9d3e0b3a1."]}
    builder = build("endpoint=status&order_id=0bc1a40f-2a17-4c84-9b2b-f4b9d3e0b3a1")
    assert builder.spec.path == "/v4/account/orders/0bc1a40f-2a17-4c84-9b2b-f4b9d3e0b3a1/status"
    assert builder.spec.body is None


def test_balance_endpoint_has_no_body():
    spec = build("endpoint=balance").spec
    assert (spec.method, spec.path, spec.body) == ("GET", "/v4/account/orders/balance", None)


@pytest.mark.parametrize(("text", "error"), [
    ('{"type": "new_serp",\n  "requests": }',
     "Invalid JSON: Expecting value at line 2, column 15."),
    ("[1, 2]", "The body must be a JSON object ({ ... })."),
    ('{"a": NaN}', "Invalid JSON: NaN is not allowed in JSON."),
    ("", "This field is required."),
])
def test_raw_json_mode_reports_the_parsers_message_with_line_and_column(text, error):
    builder = Builder.from_query(QueryDict(mutable=True) | {"mode": "raw", "body": text})
    assert builder.spec is None
    assert builder.raw_form.errors["body"] == [error]


def test_raw_json_mode_sends_fields_the_forms_do_not_know():
    query = QueryDict(mutable=True)
    query.update({"mode": "raw", "body": '{"type":"new_serp","requests":5,"note":"x"}'})
    assert build(query.urlencode()).spec.body == {"type": "new_serp", "requests": 5, "note": "x"}


def test_switching_to_raw_json_starts_from_the_forms_body():
    builder = build("mode=raw&type=new_serp&country=Chile&requests=1000")
    assert json.loads(builder.raw_form.data["body"]) == {
        "type": "new_serp", "country": "Chile", "requests": 1000}


def test_switching_back_to_the_form_names_the_fields_it_leaves_out():
    query = QueryDict(mutable=True)
    query.update({"mode": "form", "body": '{"type":"new_serp","requests":5,"note":"x"}'})
    builder = build(query.urlencode())
    assert builder.spec.body == {"type": "new_serp", "country": "Belgium", "requests": 5}
    assert builder.notices == ["Not in this form, so left out: note. Switch to Raw JSON to "
                               "send them."]


def test_switching_product_keeps_shared_fields_and_starts_the_rest_from_defaults():
    # The datacenter form's bandwidth 0 (unlimited) is not a residential bandwidth.
    builder = build("shape=create:new_datacenter_shared:form&type=new_residential"
                    "&country=Chile&proxies_location=us&proxies_size=5000&bandwidth=0"
                    "&days=30&coupon_code=SAVE&flow=full")
    assert builder.spec.body == {"type": "new_residential", "country": "Chile",
                                 "bandwidth": 1, "coupon_code": "SAVE"}
    assert builder.flow == "full"


def test_page_url_uses_the_apis_own_field_names_and_never_a_token():
    builder = build("type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
                    "&proxies_location=mixed&proxies_size=1000&bandwidth=0&auth=bearer&token=env")
    assert builder.page_url() == (
        "/?type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
        "&proxies[mixed]=1000&bandwidth=0&auth=bearer&token=env")


def test_page_url_round_trips_to_the_same_request():
    first = build("type=new_residential&country=C%C3%B4te%20d%27Ivoire&bandwidth=3"
                  "&fname=A%26B%20%5B%5D%20%24HOME&flow=full")
    second = build(first.page_url().removeprefix("/?"))
    assert second.spec == first.spec
    assert second.flow == "full"
    assert second.page_url() == first.page_url()


def test_invalid_input_keeps_what_was_typed_in_the_page_url():
    assert build("type=new_serp&requests=lots").page_url() == "/?type=new_serp&requests=lots"


def test_checkout_link_fills_the_builder_and_lists_unknown_fields():
    imported = import_checkout_link(
        "https://proxyscrape.com/purchase?type=new_residential&bandwidth=1&utm_source=mail")
    assert imported.unknown == ["utm_source"]
    assert imported.defaulted == ["country"]
    assert Builder.from_query(imported.query).spec.body == {
        "type": "new_residential", "country": "Belgium", "bandwidth": 1}


def test_checkout_link_with_a_pool_and_a_numeric_boolean():
    imported = import_checkout_link(
        "https://proxyscrape.com/purchase?type=new_datacenter_shared&proxies[mixed]=1000"
        "&is_subscription=1&country=Belgium&days=30&bandwidth=0")
    assert imported.unknown == [] and imported.defaulted == []
    assert Builder.from_query(imported.query).spec.body == catalogue.default_body()


@pytest.mark.parametrize(("url", "message"), [
    ("", "Paste a checkout link first."),
    ("https://proxyscrape.com/purchase", "That link has no query string (nothing after “?”) "
                                         "to import."),
])
def test_checkout_link_errors_say_what_is_wrong(url, message):
    with pytest.raises(CheckoutLinkError) as caught:
        import_checkout_link(url)
    assert str(caught.value) == message


def test_checkout_link_of_an_unknown_product_is_refused():
    with pytest.raises(CheckoutLinkError) as caught:
        import_checkout_link("https://proxyscrape.com/purchase?type=wallet_topup&amount=5")
    assert str(caught.value).startswith("The link's type “wallet_topup” is not a product")


def _field_state(form_class) -> dict:
    return {name: (dict(vars(field)), dict(vars(field.widget)), dict(field.widget.attrs))
            for name, field in form_class.base_fields.items()}


def _same(before: dict, after: dict) -> bool:
    return before.keys() == after.keys() and all(
        value is after[key] or value == after[key] for key, value in before.items())


@pytest.mark.parametrize("product_type", list(PRODUCT_FORMS))
def test_product_forms_share_their_fields_and_nothing_changes_them(product_type):
    """The fields are shared by every instance (not copied per keystroke), so building,
    validating and rendering valid and invalid forms must leave every field as it was."""
    form_class = PRODUCT_FORMS[product_type]
    before = _field_state(form_class)
    first = form_class.from_query(QueryDict(""))
    second = form_class.from_query(QueryDict("country=Atlantis&coupon_code=" + "x" * 99
                                             + "&email=nope&days=-3&proxies_size=abc"))
    assert first.fields["type"] is second.fields["type"] is form_class.base_fields["type"]
    for form in (first, second):
        form.is_valid()
        assert form.errors is not None
        for bound in form:
            str(bound)
            bound.label_tag()
            bound.errors  # noqa: B018 - read, to render the list
    assert first["type"].value() == product_type
    after = _field_state(form_class)
    for name in before:
        for part_before, part_after in zip(before[name], after[name], strict=True):
            assert _same(part_before, part_after), name
