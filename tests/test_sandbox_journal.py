"""The sandbox's journal (what arrived, exactly) and its JSON feed at /sandbox/journal:
recorded per sandbox for HTTP and in-process calls, the credential only as a hint, bodies
byte for byte, retention per sandbox, and a feed each sandbox's tokens read alone."""

from __future__ import annotations

import base64
import json
import subprocess

import httpx
import pytest
from django.test import Client

from playground import api
from playground.sandbox import journal
from playground.sandbox.models import Account, JournalEntry, Sandbox, hash_token
from playground.sandbox_transport import SandboxTransport
from tests.test_sandbox_support import (
    BALANCE,
    CREATE,
    SHARED_1000,
    UNAUTHENTICATED,
    auth_headers,
    post_order,
)

FEED = "/sandbox/journal"
# Long and distinctive, so a leak is found by a plain substring search.
OTHER_TOKEN = "jrnOTHER-5b1e0c7a-93d2-4f61-a8c4-0e7d2b9f6a13-c0ffee"
MINE_TOKEN = "jrnMINE-1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9-beef42"
HOSTILE = ('{"type": "new_datacenter_shared", "country": "Belgium", "note": "it\'s \\"quoted\\" '
           '$(touch /tmp/pwned) `id` ; rm -rf ~\\n\\u00e9", "city": "Zürich ✓ 🚀"}\n'
           'second line\r\nthird\t"line"').encode()


def sandbox_account(token: str, *, owner: str, name: str) -> Account:
    sandbox = Sandbox.objects.create(owner=owner, name=f"{name} sandbox")
    return Account.objects.create(sandbox=sandbox, name=name, token_hash=hash_token(token),
                                  token_hint=token[-4:], email=f"{name}@example.com",
                                  can_read=True, can_write=True, balance="250.00")


def feed(client, token: str, query: str = "", **headers) -> httpx.Response:
    return client.get(f"{FEED}{query}", headers={"api-token": token} if token else headers)


@pytest.fixture(autouse=True)
def prune_every_write(settings):
    settings.RETENTION_SWEEP_INTERVAL = 0
    journal.reset_retention()


# --- recording ---------------------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_hostile_body_sent_by_curl_is_journalled_byte_for_byte_and_fed_back(
        live_server, demo, tmp_path):
    url = f"{live_server.url}{CREATE}"
    done = subprocess.run(
        ["curl", "-sS", "-X", "POST", url, "-H", "api-token: sandbox-full",
         "-H", "Content-Type: application/json", "--data-binary", HOSTILE],
        capture_output=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr

    entry = JournalEntry.objects.get()
    assert bytes(entry.body) == HOSTILE
    assert (entry.method, entry.path, entry.endpoint) == ("POST", CREATE, "create")
    assert entry.account_name == "sandbox-full"
    assert entry.sandbox == Sandbox.public()
    assert entry.client == "127.0.0.1"
    assert bytes(entry.response_body) == done.stdout
    assert ["Content-Type", "application/json"] in entry.headers

    data = httpx.get(f"{live_server.url}{FEED}", headers={"api-token": "sandbox-discount"}).json()
    assert data["success"] is True
    (fed,) = data["data"]["entries"]
    assert fed["body"].encode() == HOSTILE
    assert fed["body_base64"] is None
    assert (fed["id"], fed["method"], fed["path"], fed["status"]) == (entry.pk, "POST", CREATE,
                                                                      entry.status)
    assert fed["response_body"].encode() == done.stdout


def test_the_feed_refuses_tokens_of_other_sandboxes_and_bad_tokens(client, demo):
    theirs = sandbox_account(OTHER_TOKEN, owner="user:2", name="other-full")
    post_order(client, SHARED_1000, "sandbox-full")

    other = feed(client, OTHER_TOKEN)
    assert other.status_code == 200
    assert other.json()["data"]["entries"] == []
    assert other.json()["data"]["sandbox"] == theirs.sandbox_id

    asked = feed(client, OTHER_TOKEN, f"?sandbox={Sandbox.public().pk}")
    assert (asked.status_code, asked.json()) == (404, {"success": False,
                                                      "error": "Journal not found."})
    unknown = feed(client, "not-a-token")
    assert (unknown.status_code, unknown.json()) == (401, {"success": False,
                                                          "error": UNAUTHENTICATED})
    assert feed(client, "").status_code == 401


@pytest.mark.parametrize("form", ["api-token", "bearer-token", "bearer-jwt"])
def test_any_token_of_the_sandbox_reads_its_feed_in_either_auth_form(client, demo, form):
    post_order(client, SHARED_1000, "sandbox-full")
    response = client.get(FEED, headers=auth_headers("sandbox-readonly", form))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    (entry,) = response.json()["data"]["entries"]
    assert json.loads(entry["body"]) == SHARED_1000
    assert entry["account"] == "sandbox-full"


def test_each_sandbox_journals_its_own_calls(client, demo):
    mine = sandbox_account(MINE_TOKEN, owner="user:1", name="mine-full")
    client.get(BALANCE, headers={"api-token": MINE_TOKEN})
    client.get(BALANCE, headers={"api-token": "sandbox-full"})

    (entry,) = feed(client, MINE_TOKEN).json()["data"]["entries"]
    assert (entry["path"], entry["account"], entry["status"]) == (BALANCE, "mine-full", 200)
    assert JournalEntry.objects.filter(sandbox=mine.sandbox).count() == 1
    assert JournalEntry.objects.filter(sandbox=Sandbox.public()).count() == 1


def test_the_token_is_kept_only_as_its_form_and_last_characters(client, demo):
    sandbox_account(MINE_TOKEN, owner="user:1", name="mine-full")
    client.get(BALANCE, headers={"api-token": MINE_TOKEN, "Cookie": "sessionid=abc123secret"})
    client.get(BALANCE, headers={"Authorization": f"Bearer {MINE_TOKEN}"})

    bearer, header = JournalEntry.objects.order_by("-id")
    assert (header.auth, header.hint, bearer.auth, bearer.hint) == ("api-token", "ef42",
                                                                    "bearer", "ef42")
    assert ["Api-Token", "…ef42"] in header.headers
    assert ["Authorization", "Bearer …ef42"] in bearer.headers
    stored = json.dumps([list(JournalEntry.objects.values())], default=repr)
    fed = feed(client, MINE_TOKEN).content.decode()
    for text in (stored, fed):
        assert MINE_TOKEN not in text
        assert "abc123secret" not in text


def test_a_call_with_no_or_an_unknown_token_goes_to_the_public_journal(client, demo):
    client.get(BALANCE)
    client.get(BALANCE, headers={"api-token": "nobody-knows-this-token"})
    assert list(JournalEntry.objects.order_by("id").values_list("sandbox", "status", "auth",
                                                                 "account")) == [
        (Sandbox.public().pk, 401, "none", None),
        (Sandbox.public().pk, 401, "api-token", None)]


def test_unknown_endpoints_and_wrong_methods_are_journalled_too(client, demo):
    client.get("/sandbox/v4/nothing/here?x=1", headers={"api-token": "sandbox-full"})
    client.delete(BALANCE, headers={"api-token": "sandbox-full"})
    found = list(JournalEntry.objects.order_by("id").values_list("path", "endpoint", "status",
                                                                  "account_name"))
    assert found == [("/sandbox/v4/nothing/here?x=1", "other", 404, "sandbox-full"),
                     (BALANCE, "balance", 405, "sandbox-full")]


def test_a_body_that_is_not_utf8_comes_back_as_base64_too(client, demo):
    raw = b'{"type": "new_serp", "x": "\xff\xfe\x00"}'
    post_order(client, raw, "sandbox-full")
    (entry,) = feed(client, "sandbox-full").json()["data"]["entries"]
    assert base64.b64decode(entry["body_base64"]) == raw
    assert entry["body"] == raw.decode("utf-8", errors="replace")
    assert entry["status"] == 400


def test_bodies_are_capped_by_the_setting_and_their_full_size_kept(client, demo, settings):
    settings.SANDBOX_JOURNAL_BODY_BYTES = 10
    raw = json.dumps(SHARED_1000).encode()
    post_order(client, raw, "sandbox-full")
    entry = JournalEntry.objects.get()
    assert (bytes(entry.body), entry.body_size) == (raw[:10], len(raw))
    assert len(bytes(entry.response_body)) == 10
    (fed,) = feed(client, "sandbox-full").json()["data"]["entries"]
    assert (fed["body_truncated"], fed["response_truncated"]) == (True, True)


def test_the_playgrounds_in_process_calls_are_journalled(db, demo):
    client = api.AccountApi(api.SANDBOX_INTERNAL_BASE, transport=SandboxTransport())
    try:
        client.balance(api.Credential("sandbox-full", "bearer"))
    finally:
        client.close()
    entry = JournalEntry.objects.get()
    assert (entry.client, entry.auth, entry.path, entry.status) == (
        "playground (in process)", "bearer", BALANCE, 200)
    assert json.loads(bytes(entry.response_body))["data"]["balance"] == 250.0


def test_with_the_journal_off_nothing_is_recorded(client, demo, settings):
    settings.SANDBOX_JOURNAL = False
    post_order(client, SHARED_1000, "sandbox-full")
    assert not JournalEntry.objects.exists()


# --- retention ---------------------------------------------------------------------------

def test_each_sandbox_keeps_its_newest_entries_only(client, demo, settings):
    settings.SANDBOX_JOURNAL_LIMIT = 3
    mine = sandbox_account(MINE_TOKEN, owner="user:1", name="mine-full")
    client.get(BALANCE, headers={"api-token": MINE_TOKEN})
    for n in range(5):
        client.get(f"{BALANCE}?n={n}", headers={"api-token": "sandbox-full"})

    public = JournalEntry.objects.filter(sandbox=Sandbox.public()).order_by("id")
    assert list(public.values_list("path", flat=True)) == [
        f"{BALANCE}?n=2", f"{BALANCE}?n=3", f"{BALANCE}?n=4"]
    assert JournalEntry.objects.filter(sandbox=mine.sandbox).count() == 1


def test_pruning_waits_for_the_sweep_interval(client, demo, settings):
    settings.SANDBOX_JOURNAL_LIMIT = 1
    settings.RETENTION_SWEEP_INTERVAL = 3600
    for _ in range(3):
        client.get(BALANCE, headers={"api-token": "sandbox-full"})
    assert JournalEntry.objects.count() == 3  # the first write's prune found nothing to do
    journal.reset_retention()  # as when the interval has passed
    client.get(BALANCE, headers={"api-token": "sandbox-full"})
    assert JournalEntry.objects.count() == 1


def test_deleting_a_sandbox_deletes_its_journal(client, demo):
    mine = sandbox_account(MINE_TOKEN, owner="user:1", name="mine-full")
    client.get(BALANCE, headers={"api-token": MINE_TOKEN})
    mine.sandbox.delete()
    assert not JournalEntry.objects.exists()


# --- the feed's paging and errors --------------------------------------------------------

def test_the_feed_pages_oldest_first_and_links_the_next_page(client, demo):
    for n in range(3):
        client.get(f"{BALANCE}?n={n}", headers={"api-token": "sandbox-full"})
    first = feed(client, "sandbox-full", "?limit=2").json()["data"]
    assert [e["path"] for e in first["entries"]] == [f"{BALANCE}?n=0", f"{BALANCE}?n=1"]
    assert first["has_more"] is True
    second = client.get(first["next"], headers={"api-token": "sandbox-full"}).json()["data"]
    assert [e["path"] for e in second["entries"]] == [f"{BALANCE}?n=2"]
    assert second["has_more"] is False
    third = client.get(second["next"], headers={"api-token": "sandbox-full"}).json()["data"]
    assert third["entries"] == []
    assert third["next"] == second["next"]
    newest = JournalEntry.objects.order_by("-id").first()
    assert first["latest"] == third["latest"] == newest.pk
    assert feed(client, "sandbox-full", f"?since={newest.pk}").json()["data"]["entries"] == []


@pytest.mark.parametrize("query", ["?since=abc", "?since=-1", "?since=1.5", "?since=",
                                   "?since=99999999999999999999", "?since=١٢"])
def test_a_bad_since_gets_a_clear_400(client, demo, query):
    response = feed(client, "sandbox-full", query)
    assert (response.status_code, response.json()) == (400, {
        "success": False,
        "error": "since must be a journal entry id: a whole number, 0 for the oldest entry "
                 "kept."})


@pytest.mark.parametrize("query", ["?limit=0", "?limit=501", "?limit=x"])
def test_a_bad_limit_gets_a_clear_400(client, demo, query):
    response = feed(client, "sandbox-full", query)
    assert (response.status_code, response.json()["error"]) == (
        400, "limit must be a whole number from 1 to 500.")


@pytest.mark.parametrize(("mode", "refused"), [("login", 302), ("remote-user", 403)])
def test_the_feed_is_open_in_every_auth_mode_because_its_token_authenticates_it(
        demo, settings, mode, refused):
    settings.PLAYGROUND_AUTH = mode
    client = Client()
    post_order(client, SHARED_1000, "sandbox-full")
    assert feed(client, "sandbox-full").status_code == 200
    assert client.get("/sandbox/journalx").status_code == refused  # only the feed's own path


def test_a_nul_in_the_path_is_kept_as_a_replacement_character(client, demo):
    response = client.get("/sandbox/v4/account/orders/a%00b/status",
                          headers={"api-token": "sandbox-full"})
    assert response.status_code == 404
    assert JournalEntry.objects.get().path == "/sandbox/v4/account/orders/a\ufffdb/status"


def test_the_feed_answers_only_get(client, demo):
    response = client.post(FEED, headers={"api-token": "sandbox-full"})
    assert (response.status_code, response["Allow"]) == (405, "GET")
