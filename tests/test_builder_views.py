"""The builder's pages and fragments over HTTP: the page, /preview, /snippets/<lang>,
/import. (The forms themselves: test_builder_forms.py; in a browser: tests/browser.)"""

from __future__ import annotations

import html
import json
import re

import pytest
from django.http import QueryDict

from playground import snippets
from playground.builder import Builder
from tests.html_support import by_id, elements

HX = {"HTTP_HX_REQUEST": "true"}
DEFAULT = ("type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
           "&proxies[mixed]=1000&bandwidth=0")
FORM = ("type=new_datacenter_shared&country=Belgium&is_subscription=true&days=30"
        "&proxies_location=mixed&proxies_size=1000&bandwidth=0")
SHAPE = "&shape=create:new_datacenter_shared:form"


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """What a reader sees: tags dropped, white space folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())


@pytest.mark.parametrize("path", ["/", "/account/api-orders"])
def test_the_page_opens_on_the_vendors_example_order_at_both_paths(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    page = text(response)
    assert ("select", {"id": "product", "name": "type"}) in [
        (e["tag"], e["attrs"]) for e in by_id(response.content, "product")]
    assert '"proxies[mixed]"' in page and '"new_datacenter_shared"' in page
    assert "POST http://testserver/sandbox/v4/account/orders/create" in words(response)
    for panel in ("code-curl", "code-python", "code-node"):
        assert f'id="{panel}"' in page


def test_preview_fragment_renders_body_and_three_snippets_and_replaces_the_url(client, db):
    response = client.get(f"/preview?{FORM}{SHAPE}&coupon_code=SAVE10", **HX)
    assert response.status_code == 200
    assert response["HX-Replace-Url"] == f"/?{DEFAULT}&coupon_code=SAVE10"
    assert "HX-Request" in response["Vary"]
    body = text(response)
    assert body.count("SAVE10") >= 4  # the JSON body and the three snippets
    assert 'id="preview"' in body and "Send request" not in body


def test_preview_accepts_the_pages_own_query_string(client, db):
    response = client.get(f"/preview?{DEFAULT}", **HX)
    assert response.status_code == 200
    assert response["HX-Replace-Url"] == f"/?{DEFAULT}"


def test_changing_product_rerenders_the_whole_builder(client, db):
    response = client.get(f"/preview?type=new_serp&country=Chile{SHAPE}", **HX)
    assert response["HX-Retarget"] == "#builder"
    assert response["HX-Reswap"] == "outerHTML"
    page = text(response)
    assert any(e["tag"] == "option" and e["attrs"] == {"value": "new_serp", "selected": None}
               for e in elements(response.content))
    assert 'name="requests"' in page
    assert response["HX-Replace-Url"] == "/?type=new_serp&country=Chile&requests=1000"


def test_invalid_input_keeps_the_last_preview_and_updates_only_errors_and_status(client, db):
    response = client.get(f"/preview?{FORM}{SHAPE}".replace("proxies_size=1000",
                                                             "proxies_size=0"), **HX)
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    page = text(response)
    assert ('id="preview-status" class="preview-status invalid" role="status" '
            'hx-swap-oob="true">The current input is invalid; the preview still shows the '
            "last valid request.</p>") in page
    assert ('<ul class="errorlist" id="errors-proxies_size" hx-swap-oob="true"><li>Ensure this '
            "value is greater than or equal to 1.</li></ul>") in page
    assert "code-curl" not in page
    assert "proxies_size=0" in response["HX-Replace-Url"]


def test_a_valid_preview_clears_the_field_errors_out_of_band(client, db):
    page = text(client.get(f"/preview?{FORM}{SHAPE}", **HX))
    assert '<ul class="errorlist" id="errors-proxies_size" hx-swap-oob="true"></ul>' in page


@pytest.mark.parametrize("lang", snippets.LANGUAGES)
@pytest.mark.parametrize("flow", ["single", "full"])
def test_snippet_text_is_the_rendered_snippet_as_plain_utf8(client, db, lang, flow):
    response = client.get(f"/snippets/{lang}?{DEFAULT}&flow={flow}&coupon_code=Zo%C3%AB")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    spec = Builder.from_query(QueryDict(f"{DEFAULT}&coupon_code=Zo%C3%AB")).spec
    expected = snippets.render(spec, lang, flow, snippets.SnippetOptions(
        base_url="http://testserver/sandbox"))
    assert response.content.decode("utf-8") == expected
    assert "Content-Disposition" not in response


def test_snippet_download_names_the_file(client, db):
    response = client.get(f"/snippets/python?{DEFAULT}&flow=full&download=1")
    assert response["Content-Disposition"] == 'attachment; filename="place-order.py"'


def test_snippet_options_choose_the_header_and_where_the_token_comes_from(client, db):
    placeholder = client.get(f"/snippets/curl?{DEFAULT}").content.decode()
    assert "-H 'api-token: <your-api-key>'" in placeholder
    bearer_env = client.get(f"/snippets/curl?{DEFAULT}&auth=bearer&token=env").content.decode()
    assert '-H "Authorization: Bearer ${PROXYSCRAPE_API_TOKEN:?' in bearer_env
    python_env = client.get(f"/snippets/python?{DEFAULT}&token=env").content.decode()
    assert 'TOKEN = os.environ.get("PROXYSCRAPE_API_TOKEN")' in python_env


def test_snippets_call_the_live_api_in_live_mode(client, db, settings):
    settings.PROXYSCRAPE_API_BASE = "https://api.proxyscrape.com"
    body = client.get(f"/snippets/curl?{DEFAULT}").content.decode()
    assert "https://api.proxyscrape.com/v4/account/orders/create" in body
    assert "testserver" not in body


def test_snippet_of_an_invalid_request_is_a_400_that_says_why(client, db):
    response = client.get("/snippets/node?type=new_serp&requests=lots")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "The request is not valid: requests: Enter a whole number.\n")


def test_unknown_snippet_language_is_a_404(client, db):
    assert client.get(f"/snippets/ruby?{DEFAULT}").status_code == 404


def test_status_and_balance_snippets_have_no_body(client, db):
    order = "0bc1a40f-2a17-4c84-9b2b-f4b9d3e0b3a1"
    status = client.get(f"/snippets/curl?endpoint=status&order_id={order}").content.decode()
    assert f"/v4/account/orders/{order}/status" in status and "--data-raw" not in status
    balance = client.get("/snippets/curl?endpoint=balance").content.decode()
    assert "/v4/account/orders/balance" in balance and "--data-raw" not in balance


def test_import_redirects_to_the_same_request_and_lists_unknown_fields(client, db):
    url = "https://proxyscrape.com/purchase?type=new_residential&bandwidth=1&utm_source=x"
    response = client.get("/import", {"url": url})
    assert response.status_code == 302
    assert response["Location"] == "/?type=new_residential&country=Belgium&bandwidth=1"
    following = client.get(response["Location"])
    page = text(following)
    assert "Imported the checkout link." in page
    assert ("Fields this playground does not know, left out: utm_source. Use Raw JSON to "
            "send them.") in page
    assert "The link leaves out country; the form's defaults fill them in." in page
    assert '"type": "new_residential", "country": "Belgium", "bandwidth": 1' in words(following)


def test_import_of_a_bad_link_says_what_is_wrong(client, db):
    response = client.get("/import", {"url": "https://proxyscrape.com/purchase"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "That link has no query string (nothing after “?”) to import." in text(
        client.get("/"))


def test_the_page_url_never_carries_a_token(client, db):
    response = client.get(f"/preview?{FORM}{SHAPE}&token=placeholder&api-token=secret123", **HX)
    assert "secret123" not in response["HX-Replace-Url"]
    assert json.dumps(response["HX-Replace-Url"]).count("token=") == 0


def test_include_my_token_puts_the_stored_token_in_the_snippets_only_when_asked(client, db):
    from playground import vault

    token = "sk-include-me-7c1d9e22a8f04b6e"
    session = client.session
    vault.store(session, token)
    session.save()
    plain = client.get(f"/preview?{FORM}{SHAPE}", **HX)
    assert token not in plain.content.decode()

    asked = client.get(f"/preview?{FORM}{SHAPE}&include_token=1", **HX)
    page = text(asked)
    assert f"'api-token: {token}'" in page  # the cURL snippet the user sees
    assert "These snippets hold your real token" in page
    assert token not in asked["HX-Replace-Url"] and "include_token" not in asked["HX-Replace-Url"]
    for url in re.findall(r'href="(/snippets/[^"]+)"', asked.content.decode()):
        assert token not in html.unescape(url)
        assert "include_token=1" in html.unescape(url)
    download = client.get(f"/snippets/python?{DEFAULT}&include_token=1&download=1")
    assert f'"api-token": "{token}"' in download.content.decode()


def test_include_my_token_without_a_stored_token_keeps_the_placeholder(client, db):
    page = text(client.get(f"/preview?{FORM}{SHAPE}&include_token=1", **HX))
    assert "'api-token: <your-api-key>'" in page
    assert "No token stored yet, so the snippets keep the placeholder." in page


def test_a_repeated_preview_is_served_from_the_cache_and_follows_the_api_base(client, db,
                                                                              settings):
    url = f"/preview?{FORM}{SHAPE}&coupon_code=CACHED"
    first = client.get(url, **HX)
    again = client.get(url, **HX)
    assert again.content == first.content
    assert again["HX-Replace-Url"] == first["HX-Replace-Url"]
    assert "HX-Request" in again["Vary"]
    settings.PROXYSCRAPE_API_BASE = "https://api.proxyscrape.com"
    live = text(client.get(url, **HX))
    assert "https://api.proxyscrape.com/v4/account/orders/create" in live
