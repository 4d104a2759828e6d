"""History's rows offer Re-send (back into the builder) and Copy as cURL, the token a
placeholder."""

from __future__ import annotations

import pytest

from playground.models import Call
from tests.html_support import by_id, elements
from tests.live_support import BALANCE_FIELDS, send, use_token


@pytest.fixture
def sandbox(db, demo):
    return demo


def test_each_builder_row_offers_resend_and_its_curl_with_a_placeholder(client, sandbox):
    use_token(client, "sandbox-full")
    send(client)  # the default order
    order = Call.objects.get(endpoint="create")
    send(client, {"endpoint": "status", "order_id": str(order.order_id)})
    send(client, BALANCE_FIELDS)
    html = client.get("/history").content.decode()
    links = [e for e in elements(html) if e["tag"] == "a" and e["text"] == "Re-send"]
    assert len(links) == 3
    assert all(e["attrs"]["href"].startswith("/?") and e["attrs"]["href"].endswith("#resend")
               for e in links)
    for call in Call.objects.filter(endpoint__in=("create", "status", "balance")):
        text = by_id(html, f"curl-{call.pk}")[0]["text"]
        assert text.startswith("curl ")
        assert f"http://testserver/sandbox{call.path}" in text
        assert "api-token: <your-api-key>" in text
        assert "sandbox-full" not in text
    created = by_id(html, f"curl-{order.pk}")[0]["text"]
    assert '"proxies[mixed]": 1000' in created
    buttons = [e for e in elements(html) if e["attrs"].get("data-copy-target", "").startswith(
        "curl-")]
    assert [e["text"] for e in buttons] == ["Copy as cURL"] * 3


def test_a_bearer_row_copies_with_the_bearer_placeholder(client, sandbox):
    use_token(client, "sandbox-full", auth="bearer")
    send(client, {**BALANCE_FIELDS, "auth": "bearer"})
    call = Call.objects.get(endpoint="balance")
    text = by_id(client.get("/history").content.decode(), f"curl-{call.pk}")[0]["text"]
    assert "Authorization: Bearer <your-jwt>" in text
