"""A sandbox per person (issue 15): every owner gets their own, seeded like the demo set
with fresh tokens; up to five, named; switch, reset, delete; and isolation in the API and
in every console POST."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from playground.sandbox import chaos
from playground.sandbox.models import (
    Account,
    ArmedFault,
    JournalEntry,
    Order,
    Sandbox,
    hash_token,
)
from tests.html_support import by_id, elements, texts_of
from tests.sandboxes_support import (
    CONSOLE,
    MODES,
    TOKEN_SHAPE,
    account_of,
    current,
    owner_client,
    reveal,
    token,
)
from tests.test_sandbox_support import (
    BALANCE,
    CREATE,
    SHARED_1000,
    SHARED_1000_PRICE,
    UNAUTHENTICATED,
    error,
    status_url,
)

pytestmark = pytest.mark.django_db

NEW = "/sandbox/console/sandboxes/new"
SWITCH = "/sandbox/console/sandboxes/switch"
RESET = "/sandbox/console/sandboxes/reset"
DELETE = "/sandbox/console/sandboxes/delete"
REGENERATE = "/sandbox/console/tokens/regenerate"
TOP_UP = "/sandbox/console/top-up"
REFUND = "/sandbox/console/refund"
JWT = "/sandbox/console/jwt"
SEEDED = {"full": ("250.00", True, True, "0.00"), "discount": ("250.00", True, True, "10.00"),
          "readonly": ("50.00", True, False, "0.00"), "writeonly": ("250.00", False, True, "0.00"),
          "disabled": ("50.00", False, False, "0.00"), "empty": ("0.00", True, True, "0.00")}


@pytest.fixture
def mode(request, settings):
    settings.PLAYGROUND_AUTH = request.param
    return request.param


def _order(client, api_token: str, body=SHARED_1000) -> str:
    response = client.post(CREATE, body, content_type="application/json",
                           headers={"api-token": api_token})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def _balance(client, api_token: str, form: str = "api-token") -> float:
    headers = ({"api-token": api_token} if form == "api-token"
               else {"Authorization": f"Bearer {api_token}"})
    response = client.get(BALANCE, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["data"]["balance"]


# --- one per person -------------------------------------------------------------------

def test_a_visitor_who_only_looks_sees_the_public_set_and_gets_no_sandbox(client, demo):
    response = client.get(CONSOLE)

    assert response.context["sandbox"].is_public
    assert response.context["new_sandbox_form"]["name"].value() == "My sandbox"
    assert by_id(response.content, "no-own-sandbox")
    assert Sandbox.objects.exclude(owner="").count() == 0


@pytest.mark.parametrize("mode", ("login", "remote-user"), indirect=True)
def test_a_signed_in_users_first_console_visit_makes_my_sandbox(demo, mode):
    ada = owner_client(mode, "ada")

    sandbox = ada.get(CONSOLE).context["sandbox"]

    assert (sandbox.name, sandbox.owner.startswith("user:")) == ("My sandbox", True)
    assert sandbox.accounts.count() == 6


def test_the_first_use_of_the_console_makes_my_sandbox_with_the_six_kinds_of_account(
        client, demo):
    sandbox = current(client)

    assert sandbox.name == "My sandbox"
    assert sandbox.owner.startswith("session:")
    got = {a.kind: (f"{a.balance:.2f}", a.can_read, a.can_write, f"{a.discount_percent:.2f}")
           for a in sandbox.accounts.all()}
    assert got == SEEDED
    assert current(client).pk == sandbox.pk  # the next visit finds the same one


def test_each_generated_token_is_random_stored_hashed_and_sealed_never_in_plain_text(
        client, demo):
    sandbox = current(client)
    tokens = {a.kind: reveal(client, a) for a in sandbox.accounts.all()}

    assert len(set(tokens.values())) == 6
    assert all(TOKEN_SHAPE.match(t) for t in tokens.values())
    for account in sandbox.accounts.all():
        plain = tokens[account.kind]
        assert account.token_hash == hash_token(plain)
        assert account.token_hint == plain[-4:]
        stored = [str(v) for v in Account.objects.filter(pk=account.pk).values().first().values()]
        assert not any(plain in value for value in stored)


def test_a_generated_token_works_in_both_auth_forms(client, demo):
    full = token(client)

    assert _balance(client, full) == 250.0
    assert _balance(client, full, "bearer") == 250.0


def test_the_console_shows_only_the_token_hint_until_asked(client, demo):
    sandbox = current(client)
    full = account_of(sandbox, "full")
    plain = reveal(client, full)

    page = client.get(CONSOLE).content.decode()

    assert plain not in page
    assert f"••••{plain[-4:]}" in texts_of(page, "code", "token-hint")


def test_regenerate_makes_a_new_token_and_the_old_one_stops_working(client, demo):
    full = account_of(current(client), "full")
    old = reveal(client, full)

    response = client.post(REGENERATE, {"account": full.pk})

    assert response.status_code == 200
    [shown] = by_id(response.content, f"token-{full.pk}")
    new = shown["text"]
    assert new != old and TOKEN_SHAPE.match(new)
    stale = client.get(BALANCE, headers={"api-token": old})
    assert stale.status_code == 401
    assert stale.json() == error(UNAUTHENTICATED)
    assert _balance(client, new) == 250.0


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_two_owners_get_separate_sandboxes_in_every_auth_mode(demo, mode):
    ada, grace = owner_client(mode, "ada"), owner_client(mode, "grace")

    ada_box, grace_box = current(ada), current(grace)

    assert ada_box.pk != grace_box.pk
    assert ada_box.owner != grace_box.owner
    if mode != "none":
        assert ada_box.owner.startswith("user:")
    assert not set(ada_box.accounts.values_list("pk", flat=True)) & set(
        grace_box.accounts.values_list("pk", flat=True))


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_each_token_sees_only_its_own_orders_and_wallet(demo, mode):
    ada, grace = owner_client(mode, "ada"), owner_client(mode, "grace")
    ada_token, grace_token = token(ada), token(grace)

    order_id = _order(ada, ada_token)

    assert _balance(ada, ada_token) == float(Decimal("250.00") - SHARED_1000_PRICE)
    assert _balance(grace, grace_token) == 250.0
    assert _balance(grace, "sandbox-full") == 250.0  # the public set is untouched too
    assert ada.get(status_url(order_id), headers={"api-token": ada_token}).status_code == 200
    foreign = grace.get(status_url(order_id), headers={"api-token": grace_token})
    assert foreign.status_code == 404


def test_a_foreign_order_id_answers_exactly_what_an_unknown_id_answers(demo):
    ada, grace = owner_client("none", "ada"), owner_client("none", "grace")
    ada_token, grace_token = token(ada), token(grace)
    order_id = _order(ada, ada_token)

    foreign = grace.get(status_url(order_id), headers={"api-token": grace_token})
    unknown = grace.get(status_url(uuid.uuid4()), headers={"api-token": grace_token})
    public = grace.get(status_url(order_id), headers={"api-token": "sandbox-full"})

    for answer in (foreign, public):
        assert answer.status_code == unknown.status_code == 404
        assert answer.content == unknown.content
        assert answer.json() == error("Order not found.")
        assert answer["Content-Type"] == unknown["Content-Type"]


# --- named sandboxes: create, switch, reset, delete -----------------------------------

def test_an_owner_makes_up_to_five_sandboxes_and_a_sixth_is_a_form_error(client, demo):
    current(client)
    for name in ("Tuesday demo", "CI", "Three", "Four"):
        response = client.post(NEW, {"name": name})
        assert response.status_code == 302
        assert response["Location"] == CONSOLE
    assert current(client).name == "Four"  # a new sandbox becomes the current one

    refused = client.post(NEW, {"name": "Six"})

    assert refused.status_code == 400
    assert refused.context["new_sandbox_form"].errors == {"name": [
        "You have 5 sandboxes, the most there can be: delete one first."]}
    owner = current(client).owner
    assert list(Sandbox.objects.filter(owner=owner).values_list("name", flat=True)) == [
        "My sandbox", "Tuesday demo", "CI", "Three", "Four"]
    assert Account.objects.filter(sandbox__owner=owner).count() == 30


@pytest.mark.parametrize("name, message", [
    ("My sandbox", "You already have a sandbox named “My sandbox”."),
    ("  My   sandbox ", "You already have a sandbox named “My sandbox”."),
    ("", "This field is required."),
    ("x" * 41, "Ensure this value has at most 40 characters (it has 41)."),
])
def test_a_duplicate_blank_or_long_name_is_a_form_error_and_makes_nothing(client, demo, name,
                                                                          message):
    current(client)

    response = client.post(NEW, {"name": name})

    assert response.status_code == 400
    assert response.context["new_sandbox_form"].errors == {"name": [message]}
    assert Sandbox.objects.exclude(owner="").count() == 1


def test_two_owners_may_use_the_same_name(demo):
    ada, grace = owner_client("none", "ada"), owner_client("none", "grace")
    current(ada), current(grace)

    assert ada.post(NEW, {"name": "CI"}).status_code == 302
    assert grace.post(NEW, {"name": "CI"}).status_code == 302


def test_switching_shows_the_chosen_sandbox_and_is_remembered(client, demo):
    first = current(client)
    client.post(NEW, {"name": "CI"})

    response = client.post(SWITCH, {"sandbox": first.pk})

    assert response.status_code == 302
    assert current(client).pk == first.pk
    public = Sandbox.public()
    client.post(SWITCH, {"sandbox": public.pk})
    page = client.get(CONSOLE)
    assert page.context["sandbox"].pk == public.pk
    assert 'data-balance="sandbox-full">250.00 USD</td>' in page.content.decode()


def test_reset_restores_the_seeded_wallets_and_removes_the_orders_keeping_the_tokens(
        client, demo):
    sandbox = current(client)
    full, empty = account_of(sandbox, "full"), account_of(sandbox, "empty")
    full_token = reveal(client, full)
    _order(client, full_token)
    client.post(TOP_UP, {"account": empty.pk, "amount": "12.00"})
    other = Order.objects.count()

    response = client.post(RESET, {"sandbox": sandbox.pk})

    assert response.status_code == 302
    assert Order.objects.filter(sandbox=sandbox).count() == 0
    assert other == 1
    assert _balance(client, full_token) == 250.0
    assert Account.objects.get(pk=empty.pk).balance == Decimal("0.00")


def test_a_sandbox_id_of_thousands_of_digits_is_no_sandbox_not_a_500(client, demo):
    huge = "9" * 5000  # past the 4,300 digits Python's int() accepts from text
    page = client.get(CONSOLE, {"sandbox": huge})  # ignored: a visitor sees the public set
    assert page.status_code == 200
    assert page.context["sandbox"].pk == Sandbox.public().pk
    assert client.post(SWITCH, {"sandbox": huge}).status_code == 404


def test_reset_empties_the_journal_and_disarms_the_faults_of_that_sandbox_only(client, demo):
    sandbox = current(client)
    full_token = reveal(client, account_of(sandbox, "full"))
    assert client.get(BALANCE, headers={"api-token": full_token}).status_code == 200
    client.get(BALANCE, headers={"api-token": "sandbox-full"})  # the public set's journal
    chaos.arm(sandbox.pk, kind="http-500", endpoint="any", calls=3, seconds=0)
    assert JournalEntry.objects.filter(sandbox=sandbox).count() == 1
    public_entries = JournalEntry.objects.filter(sandbox=Sandbox.public()).count()

    assert client.post(RESET, {"sandbox": sandbox.pk}).status_code == 302

    assert JournalEntry.objects.filter(sandbox=sandbox).count() == 0
    assert ArmedFault.objects.filter(sandbox=sandbox).count() == 0
    assert JournalEntry.objects.filter(sandbox=Sandbox.public()).count() == public_entries
    # Disarmed: the next call answers as usual.
    assert client.get(BALANCE, headers={"api-token": full_token}).status_code == 200


def test_the_consoles_journal_and_faults_links_open_the_sandbox_it_shows(client, demo):
    sandbox = current(client)
    assert client.get("/sandbox/current/journal")["Location"] == f"/sandbox/{sandbox.pk}/journal"
    assert client.get("/sandbox/current/faults")["Location"] == f"/sandbox/{sandbox.pk}/faults"
    client.post(SWITCH, {"sandbox": Sandbox.public().pk})
    assert client.get("/sandbox/current/journal")["Location"] == (
        f"/sandbox/{Sandbox.public().pk}/journal")


def test_delete_removes_the_sandbox_its_accounts_and_orders_and_its_tokens_stop(client, demo):
    sandbox = current(client)
    full_token = token(client)
    _order(client, full_token)

    response = client.post(DELETE, {"sandbox": sandbox.pk})

    assert response.status_code == 302
    assert not Sandbox.objects.filter(pk=sandbox.pk).exists()
    assert Account.objects.filter(sandbox_id=sandbox.pk).count() == 0
    assert Order.objects.count() == 0
    assert client.get(BALANCE, headers={"api-token": full_token}).status_code == 401
    assert current(client).pk != sandbox.pk  # the next visit makes a new first one


# --- isolation in the console ----------------------------------------------------------

def test_the_console_lists_only_the_owners_sandboxes_and_the_public_set(demo):
    ada, grace = owner_client("none", "ada"), owner_client("none", "grace")
    current(ada), current(grace)
    grace.post(NEW, {"name": "Grace's CI"})

    listed = [(item.sandbox.name, item.mine) for item in ada.get(CONSOLE).context["listed"]]

    assert listed == [("My sandbox", True), ("Public demo", False)]


def test_staff_see_every_sandbox_marked_as_someone_elses(demo, settings):
    settings.PLAYGROUND_AUTH = "login"
    grace, boss = owner_client("login", "grace"), owner_client("login", "boss", staff=True)
    grace_box = current(grace)

    response = boss.get(CONSOLE)

    listed = [(item.sandbox.name, item.mine, item.foreign) for item in response.context["listed"]]
    assert listed == [("My sandbox", True, False), ("Public demo", False, False),
                      ("My sandbox", False, True)]
    assert "staff view" in texts_of(response.content, "span", "status-foreign")
    assert grace_box.owner in response.content.decode()


def _forgeries(victim: Sandbox) -> list[tuple[str, dict]]:
    account = account_of(victim, "full")
    return [(SWITCH, {"sandbox": victim.pk}), (RESET, {"sandbox": victim.pk}),
            (DELETE, {"sandbox": victim.pk}), ("/sandbox/console/tokens/reveal",
                                               {"account": account.pk}),
            (REGENERATE, {"account": account.pk})]


def test_forged_posts_naming_another_owners_sandbox_or_account_are_404_and_change_nothing(
        demo):
    ada, mallory = owner_client("none", "ada"), owner_client("none", "mallory")
    victim = current(ada)
    ada_token = token(ada)
    _order(ada, ada_token)
    current(mallory)
    before = list(Account.objects.filter(sandbox=victim).values())

    for path, data in _forgeries(victim):
        response = mallory.post(path, data)
        assert response.status_code == 404, path
        assert ada_token not in response.content.decode()

    assert Sandbox.objects.filter(pk=victim.pk).exists()
    assert list(Account.objects.filter(sandbox=victim).values()) == before
    assert Order.objects.filter(sandbox=victim).count() == 1
    assert current(mallory).pk != victim.pk


def test_forged_top_up_refund_and_jwt_for_another_owners_account_change_nothing(demo):
    ada, mallory = owner_client("none", "ada"), owner_client("none", "mallory")
    victim = current(ada)
    full = account_of(victim, "full")
    order_id = _order(ada, reveal(ada, full))
    Order.objects.filter(pk=order_id).update(status="processed")
    current(mallory)

    top_up = mallory.post(TOP_UP, {"account": full.pk, "amount": "10.00"})
    refund = mallory.post(REFUND, {"order": order_id}, follow=True)
    jwt = mallory.post(JWT, {"account": full.pk, "lifetime": 900})

    choice = ["Select a valid choice. That choice is not one of the available choices."]
    assert top_up.status_code == 400
    assert top_up.context["topup_form"].errors == {"account": choice}
    assert [str(m) for m in refund.context["messages"]] == ["That order does not exist."]
    assert jwt.status_code == 400
    assert jwt.context["jwt_form"].errors == {"account": choice}
    assert Account.objects.get(pk=full.pk).balance == Decimal("250.00") - SHARED_1000_PRICE
    assert Order.objects.get(pk=order_id).status == "processed"


def test_the_public_demo_set_cannot_be_reset_or_deleted_by_a_visitor(client, demo):
    current(client)
    public = Sandbox.public()

    assert client.post(RESET, {"sandbox": public.pk}).status_code == 404
    assert client.post(DELETE, {"sandbox": public.pk}).status_code == 404
    assert Sandbox.objects.filter(pk=public.pk).exists()


# --- the playground's token panel ---------------------------------------------------------

def test_the_token_panel_offers_the_persons_own_tokens_first_then_the_public_ones(client,
                                                                                  demo):
    sandbox = current(client)
    full = account_of(sandbox, "full")
    plain = reveal(client, full)

    page = client.get("/").content.decode()

    buttons = [e for e in elements(page) if e["tag"] == "button" and "token-panel" in e["within"]
               and e["attrs"].get("name") in ("sandbox_account", "token")]
    names = [(b["attrs"]["name"], b["text"]) for b in buttons]
    assert names[:6] == [("sandbox_account", f"{a.kind} ••••{a.token_hint}")
                         for a in sandbox.accounts.all()]
    assert names[6:] == [("token", t) for t in ("sandbox-full", "sandbox-discount",
                                                "sandbox-readonly", "sandbox-writeonly",
                                                "sandbox-disabled", "sandbox-empty")]
    assert plain not in page

    chosen = client.post("/token", {"sandbox_account": full.pk, "auth": "api-token"},
                         HTTP_HX_REQUEST="true")

    assert chosen.status_code == 200
    assert plain not in chosen.content.decode()
    assert f"••••{plain[-4:]}" in texts_of(chosen.content, "code", "token-hint")


def test_the_token_panel_refuses_another_persons_sandbox_account(demo):
    ada, mallory = owner_client("none", "ada"), owner_client("none", "mallory")
    full = account_of(current(ada), "full")

    response = mallory.post("/token", {"sandbox_account": full.pk}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert response.context["token_error"] == "Enter a token first."
    assert response.context["vault"] is None


# --- secrecy ---------------------------------------------------------------------------

def test_a_generated_token_stays_out_of_logs_urls_and_the_session(client, demo, caplog):
    caplog.set_level("DEBUG")
    sandbox = current(client)
    full = account_of(sandbox, "full")
    plain = reveal(client, full)
    fresh = client.post(REGENERATE, {"account": full.pk})
    [shown] = by_id(fresh.content, f"token-{full.pk}")
    new = shown["text"]
    _balance(client, new)
    _order(client, new)
    redirect = client.post(SWITCH, {"sandbox": sandbox.pk})

    assert plain not in caplog.text and new not in caplog.text
    assert new not in redirect["Location"]
    session = client.session
    assert not any(new in str(session[key]) for key in session.keys())


@pytest.mark.parametrize("value", ["", "abc", "-1", "0", str(2**64), "1e3", " ", "١"])
def test_a_malformed_sandbox_or_account_id_is_a_404_never_a_500(client, demo, value):
    current(client)

    for path, field in [(SWITCH, "sandbox"), (RESET, "sandbox"), (DELETE, "sandbox"),
                        ("/sandbox/console/tokens/reveal", "account"), (REGENERATE, "account"),
                        ("/sandbox/console/clock/hold", "sandbox")]:
        assert client.post(path, {field: value}).status_code == 404, (path, value)
    assert client.get(CONSOLE, {"sandbox": value}).status_code == 200


def test_a_jwt_issued_for_an_own_account_reads_that_sandboxs_wallet_only(client, demo):
    sandbox = current(client)
    full = account_of(sandbox, "full")
    _order(client, reveal(client, full))

    response = client.post(JWT, {"account": full.pk, "lifetime": 900}, follow=True)

    assert response.redirect_chain == [(f"{CONSOLE}#jwt-issued", 302)]
    assert response.context["sandbox"].pk == sandbox.pk  # the console shows its sandbox
    assert response.context["jwt"]["account"].pk == full.pk
    assert _balance(client, response.context["jwt"]["token"], "bearer") == float(
        Decimal("250.00") - SHARED_1000_PRICE)


def test_staff_may_reset_someone_elses_sandbox_but_never_see_its_tokens(demo, settings):
    settings.PLAYGROUND_AUTH = "login"
    grace, boss = owner_client("login", "grace"), owner_client("login", "boss", staff=True)
    grace_box = current(grace)
    full = account_of(grace_box, "full")
    _order(grace, reveal(grace, full))

    assert boss.post(RESET, {"sandbox": grace_box.pk}).status_code == 302
    assert Order.objects.filter(sandbox=grace_box).count() == 0
    assert boss.post("/sandbox/console/tokens/reveal", {"account": full.pk}).status_code == 404
    assert boss.post(REGENERATE, {"account": full.pk}).status_code == 404
