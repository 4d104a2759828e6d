"""The session engine (playground.web.sessions): Django's database sessions, loaded by one SQL
query. It must load exactly what Django's own backend would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from playground.web import sessions
from playground.web.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_the_project_uses_this_engine():
    assert settings.SESSION_ENGINE == "playground.web.sessions"


def test_a_saved_session_loads_the_same_data_as_djangos_backend():
    key = saved(token={"hint": "abcd…wxyz"}, n=3, text="é ✓")
    assert SessionStore(key).load() == DjangoStore(key).load() == {
        "token": {"hint": "abcd…wxyz"}, "n": 3, "text": "é ✓"}


def test_an_expired_session_loads_empty_and_is_saved_under_a_new_key():
    key = saved(n=1)
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None
    store["n"] = 2
    store.save()
    assert store.session_key != key
    assert SessionStore(store.session_key).load() == {"n": 2}


def test_an_unknown_or_missing_key_loads_empty():
    assert SessionStore("x" * 32).load() == {}
    assert SessionStore(None).load() == {}


def test_tampered_session_data_loads_empty_like_djangos_backend():
    key = saved(n=1)
    Session.objects.filter(pk=key).update(session_data="not-signed-data")
    assert SessionStore(key).load() == DjangoStore(key).load() == {}



# --- no session until there is something to keep; expired ones are removed --------------------

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("path,extra", [
    ("/", {}), ("/history", {}), ("/history?endpoint=create", HX),
    ("/preview?endpoint=balance", HX),
    ("/preview?endpoint=create&type=new_datacenter_shared", HX),
    ("/?track=0b9b1f57-8a35-4c6a-9f7c-1f0e5d6b8a11", {}), ("/sandbox/", {}),
])
def test_an_anonymous_visitor_who_only_looks_gets_no_session(client, demo, path, extra):
    response = client.get(path, **extra)
    assert response.status_code == 200
    assert Session.objects.count() == 0
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_storing_a_token_makes_the_session_with_its_owner_id(client, demo):
    """The owner id is saved with the token, so two sends racing from one session (a double
    click while the first waits on the API) agree on whose form it is."""
    assert client.post("/token", {"token": "sandbox-full"}, **HX).status_code == 200
    session = Session.objects.get()
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == session.session_key
    assert SessionStore(session.session_key).load()["playground.owner"].startswith("session:")


def test_a_sent_call_belongs_to_the_session_that_sent_it(client, demo):
    client.post("/token", {"token": "sandbox-full"}, **HX)
    key = client.get("/").context["submission_key"]
    sent = client.post("/send", {"endpoint": "balance", "submission_key": key}, **HX)
    assert sent.status_code == 200
    owner = SessionStore(Session.objects.get().session_key).load()["playground.owner"]
    assert [call.owner for call in client.get("/history").context["page"].object_list] == [
        owner]


def test_making_a_session_deletes_the_expired_ones(client, demo, settings):
    settings.SESSION_SWEEP_INTERVAL = 0
    stale = [saved(n=i) for i in range(3)]
    kept = saved(n=9)
    Session.objects.filter(pk__in=stale).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.post("/token", {"token": "sandbox-full"}, **HX).status_code == 200
    mine = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert set(Session.objects.values_list("pk", flat=True)) == {kept, mine}


def test_expired_sessions_are_swept_at_most_once_an_interval(settings):
    settings.SESSION_SWEEP_INTERVAL = 3600
    sessions.sweep_interval.reset()
    assert sessions.sweep_expired() is True
    stale = saved(n=1)
    Session.objects.filter(pk=stale).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert sessions.sweep_expired() is False
    assert Session.objects.filter(pk=stale).exists()
    settings.SESSION_SWEEP_INTERVAL = 0
    assert sessions.sweep_expired() is True
    assert not Session.objects.filter(pk=stale).exists()
