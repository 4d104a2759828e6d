"""The session engine (playground.sessions): Django's database sessions, loaded by one SQL
query. It must load exactly what Django's own backend would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from playground.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data) -> str:
    store = SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_the_project_uses_this_engine():
    assert settings.SESSION_ENGINE == "playground.sessions"


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

