"""The console's journal and faults pages: newest first with filters, new entries by polling,
per entry Open in builder, Compare (types included) and cURL (run as copied), who may see
which sandbox, and arming faults from the page."""

from __future__ import annotations

import json
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from playground.sandbox.models import Account, ArmedFault, JournalEntry, Sandbox, hash_token
from tests.html_support import by_class, elements, text_of
from tests.test_sandbox_support import BALANCE, CREATE, SHARED_1000, post_order

HX = {"HTTP_HX_REQUEST": "true"}
STRINGLY = {**SHARED_1000, "days": "30"}  # what a careless client sends


def journal_url(sandbox: Sandbox, suffix: str = "") -> str:
    return f"/sandbox/{sandbox.pk}/journal{suffix}"


def rows(response) -> list[str]:
    return [row["entry"].path for row in response.context["entries"]]


def own_sandbox(owner: str, token: str) -> Sandbox:
    sandbox = Sandbox.objects.create(owner=owner, name="Tuesday demo")
    Account.objects.create(sandbox=sandbox, name=f"acct-{sandbox.pk}", token_hash=hash_token(token),
                           token_hint=token[-4:], email="t@example.com", can_read=True,
                           can_write=True, balance="250.00")
    return sandbox


@pytest.fixture
def public(demo) -> Sandbox:
    return Sandbox.public()


def test_the_console_links_to_the_journal_and_faults_pages(client, public):
    console = client.get("/sandbox/")
    links = [e["text"] for e in elements(console.content) if e["tag"] == "a"
             and "journal-links" in e["within"]]
    assert links == ["Journal", "Faults on demand"]
    assert client.get("/sandbox/current/journal")["Location"] == journal_url(public)
    assert client.get("/sandbox/current/faults")["Location"] == f"/sandbox/{public.pk}/faults"
    assert client.get("/sandbox/current/nothing").status_code == 404


def test_the_journal_page_lists_newest_first_and_filters(client, public):
    client.get(BALANCE, headers={"api-token": "sandbox-full"})
    post_order(client, SHARED_1000, "sandbox-discount")
    client.get(BALANCE, headers={"api-token": "sandbox-readonly"})

    page = client.get(journal_url(public))
    assert page.status_code == 200
    assert rows(page) == [BALANCE, CREATE, BALANCE]
    assert rows(client.get(journal_url(public), {"endpoint": "create"})) == [CREATE]
    assert rows(client.get(journal_url(public), {"account": "sandbox-readonly"})) == [BALANCE]
    assert len(rows(client.get(journal_url(public), {"status": "200"}))) == 3
    assert rows(client.get(journal_url(public), {"status": "abc"})) == []


def test_new_entries_arrive_by_polling_and_nothing_new_is_a_204(client, public):
    client.get(BALANCE, headers={"api-token": "sandbox-full"})
    page = client.get(journal_url(public))
    newest = page.context["newest"]
    poll = f"{journal_url(public, '/rows')}?after={newest}"
    (poller,) = [e for e in elements(page.content) if e["attrs"].get("id") == "journal-poll"]
    assert poller["attrs"]["hx-get"].startswith(poll + "&")
    assert poller["attrs"]["hx-trigger"] == "every 2s"
    assert client.get(poll, **HX).status_code == 204

    post_order(client, SHARED_1000, "sandbox-full")
    fresh = client.get(poll, **HX)
    assert fresh.status_code == 200
    assert rows(fresh) == [CREATE]
    html = fresh.content.decode()
    assert 'hx-swap-oob="true"' in html
    assert '<p id="journal-empty" hx-swap-oob="delete"></p>' in html
    assert f"after={fresh.context['newest']}" in html
    assert client.get(journal_url(public, "/rows?after=x"), **HX).status_code == 400


@pytest.mark.parametrize(("after", "status"), [("9" * 18, 204), ("0" * 18, 200),
                                               ("0" * 19, 400), ("9" * 5000, 400),
                                               ("-1", 400), ("١", 400), ("", 400)])
def test_the_polls_after_is_an_entry_id_of_at_most_18_digits(client, public, after, status):
    client.get(BALANCE, headers={"api-token": "sandbox-full"})
    answer = client.get(journal_url(public, "/rows"), {"after": after}, **HX)
    assert answer.status_code == status
    if status == 400:
        assert answer.content.decode() == "after must be an entry id."


def test_compare_shows_a_string_where_the_builder_sends_a_number(client, public):
    post_order(client, STRINGLY, "sandbox-full")
    entry = JournalEntry.objects.get()
    page = client.get(journal_url(public, f"/{entry.pk}"))
    comparison = page.context["comparison"]
    days = next(row for row in comparison.rows if row.name == "days")
    assert (days.received, days.received_type, days.expected, days.expected_type) == (
        '"30"', "string", "30", "number")
    assert not days.same
    assert comparison.differences == 1
    assert "1 field differs from the builder's body." in page.content.decode()
    assert [e["attrs"]["data-field"] for e in by_class(page.content, "differs")] == ["days"]


def test_compare_says_when_the_body_is_no_product(client, public):
    post_order(client, b"not json", "sandbox-full")
    entry = JournalEntry.objects.get()
    page = client.get(journal_url(public, f"/{entry.pk}"))
    assert text_of(page.content, "compare-problem") == \
        "The body that arrived is not a JSON object."


def test_compare_keeps_body_fields_named_like_builder_options_out_of_the_builder(client,
                                                                                  public):
    post_order(client, {**SHARED_1000, "endpoint": "status", "mode": "raw"}, "sandbox-full")
    entry = JournalEntry.objects.get()
    comparison = client.get(journal_url(public, f"/{entry.pk}")).context["comparison"]
    assert comparison.problem == ""
    assert [row.name for row in comparison.rows if not row.same] == ["endpoint", "mode"]


def test_open_in_builder_loads_the_body_exactly_as_it_arrived(client, public):
    raw = json.dumps(STRINGLY, indent=1)
    post_order(client, raw, "sandbox-full")
    entry = JournalEntry.objects.get()
    link = client.get(journal_url(public, f"/{entry.pk}")).context["builder_url"]
    query = parse_qs(urlsplit(link).query)
    assert query == {"endpoint": ["create"], "mode": ["raw"], "body": [raw]}
    builder = client.get(link)
    assert builder.status_code == 200
    assert builder.context["builder"].raw_form.data["body"] == raw


def test_open_in_builder_for_a_status_read_and_a_bearer_balance(client, public):
    client.get("/sandbox/v4/account/orders/abc-123/status", headers={"api-token": "sandbox-full"})
    client.get(BALANCE, headers={"Authorization": "Bearer sandbox-full"})
    status, balance = JournalEntry.objects.order_by("id")
    assert client.get(journal_url(public, f"/{status.pk}")).context["builder_url"] == \
        "/?endpoint=status&order_id=abc-123"
    assert client.get(journal_url(public, f"/{balance.pk}")).context["builder_url"] == \
        "/?endpoint=balance&auth=bearer"


@pytest.mark.django_db(transaction=True)
def test_the_copied_curl_places_the_same_order_again(live_server, demo):
    hostile = json.dumps({**SHARED_1000, "coupon_code": "it's $(id)"}, ensure_ascii=False)
    post_order(Client(), hostile, "sandbox-full")
    first = JournalEntry.objects.get()
    page = Client().get(journal_url(Sandbox.public(), f"/{first.pk}"))
    curl = page.context["curl"]
    assert "<your-api-key>" in curl
    assert "sandbox-full" not in curl
    command = curl.replace("<your-api-key>", "sandbox-full").replace(
        "http://testserver", live_server.url)
    done = subprocess.run(["bash", "-c", command], capture_output=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr
    again = JournalEntry.objects.latest("id")
    assert again.pk != first.pk
    assert bytes(again.body) == bytes(first.body) == hostile.encode()
    assert again.status == first.status


def test_a_row_copies_its_curl_with_the_token_as_a_placeholder(client, public):
    post_order(client, SHARED_1000, "sandbox-full")
    entry = JournalEntry.objects.get()
    page = client.get(journal_url(public))
    html = page.content.decode()
    assert f'data-copy-target="curl-{entry.pk}"' in html
    assert f'<pre hidden id="curl-{entry.pk}">curl -sS' in html
    curl = page.context["entries"][0]["curl"]
    assert curl.startswith("curl -sS 'http://testserver/sandbox/v4/account/orders/create'")
    assert "-H 'api-token: <your-api-key>'" in curl
    assert "sandbox-full" not in curl


# --- who sees what -------------------------------------------------------------------------

def test_another_owners_sandbox_is_a_404_and_its_own_owner_sees_it(demo, settings):
    settings.PLAYGROUND_AUTH = "login"
    users = get_user_model().objects
    alice, bob = users.create_user("alice", password="pw"), users.create_user("bob", password="pw")
    theirs = own_sandbox(f"user:{alice.pk}", "alice-token-0123456789")
    as_alice, as_bob = Client(), Client()
    as_alice.force_login(alice)
    as_bob.force_login(bob)
    as_alice.get(BALANCE, headers={"api-token": "alice-token-0123456789"})

    assert as_alice.get(journal_url(theirs)).status_code == 200
    assert as_bob.get(journal_url(theirs)).status_code == 404
    entry = JournalEntry.objects.get()
    assert as_bob.get(journal_url(theirs, f"/{entry.pk}")).status_code == 404
    assert as_bob.get(f"/sandbox/{theirs.pk}/faults").status_code == 404
    assert as_bob.post(f"/sandbox/{theirs.pk}/faults/arm", {"kind": "drop", "endpoint": "any",
                                                            "calls": 1}).status_code == 404
    staff = users.create_user("root", password="pw", is_staff=True)
    as_staff = Client()
    as_staff.force_login(staff)
    seen = as_staff.get(journal_url(theirs))
    assert seen.status_code == 200
    assert text_of(seen.content, "staff-view") == \
        f"Another owner's sandbox (user:{alice.pk}): you see it as staff."
    assert text_of(as_alice.get(journal_url(theirs)).content, "staff-view") is None
    assert Client().get(journal_url(theirs)).status_code == 302  # signed out: to the login


def test_the_pages_are_404_with_the_sandbox_off(client, public, settings):
    settings.SANDBOX_ENABLED = False
    assert client.get(journal_url(public)).status_code == 404
    assert client.get(f"/sandbox/{public.pk}/faults").status_code == 404


# --- arming from the page ------------------------------------------------------------------

def test_arming_and_disarming_a_fault_from_the_page(client, public):
    response = client.post(f"/sandbox/{public.pk}/faults/arm",
                           {"kind": "http-503", "endpoint": "balance", "calls": 2, "seconds": ""})
    assert response.status_code == 302
    fault = ArmedFault.objects.get()
    assert (fault.sandbox, fault.kind, fault.endpoint, fault.remaining) == (public, "http-503",
                                                                          "balance", 2)
    assert client.get(BALANCE, headers={"api-token": "sandbox-full"}).status_code == 503
    page = client.get(f"/sandbox/{public.pk}/faults")
    assert "Armed: HTTP 503 with an HTML body, on Balance, for the next 2 call(s)." in \
        page.content.decode()
    assert [e["text"] for e in elements(page.content) if e["tag"] == "td"
            and "num" in e["attrs"].get("class", "")] == ["1", "1"]
    client.post(f"/sandbox/{public.pk}/faults/{fault.pk}/disarm")
    assert not ArmedFault.objects.exists()


def test_a_bad_fault_form_gets_a_400_with_the_reason(client, public, settings):
    settings.SANDBOX_FAULT_MAX_LATENCY = 5
    response = client.post(f"/sandbox/{public.pk}/faults/arm",
                           {"kind": "latency", "endpoint": "any", "calls": 1, "seconds": 60})
    assert response.status_code == 400
    assert "At most 5 s (SANDBOX_FAULT_MAX_LATENCY)." in response.content.decode()
    bad = client.post(f"/sandbox/{public.pk}/faults/arm", {"kind": "x", "calls": 0})
    assert bad.status_code == 400
    assert not ArmedFault.objects.exists()


def test_only_staff_arm_faults_on_the_shared_public_sandbox_when_users_sign_in(public,
                                                                               settings):
    settings.PLAYGROUND_AUTH = "login"
    user = get_user_model().objects.create_user("carol", password="pw")
    client = Client()
    client.force_login(user)
    refused = client.post(f"/sandbox/{public.pk}/faults/arm",
                          {"kind": "drop", "endpoint": "any", "calls": 1})
    assert refused.status_code == 403
    assert text_of(client.get(f"/sandbox/{public.pk}/faults").content, "arm-refused") == \
        "Only this sandbox's owner (or staff) may arm its faults."
    assert not ArmedFault.objects.exists()
