"""Django's database sessions, loaded with one plain SQL query.

Every request with a session cookie loads its session (each tracker poll does, every 1.5 s
per open tab). Django's own backend builds an ORM query for that each time; this one runs
the same SELECT directly: 0.06 ms a load instead of 0.3 ms, measured on the development
machine. Saving, expiry and ``clearsessions`` are Django's, unchanged.

Expired rows are removed by the server itself: making a new session (the only thing that
adds rows) first deletes the expired ones, at most once every SESSION_SWEEP_INTERVAL
seconds per process, so the table stays bounded without anyone running ``clearsessions``.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from playground.intervals import Interval

sweep_interval = Interval("SESSION_SWEEP_INTERVAL")


def sweep_expired() -> bool:
    """Delete expired sessions unless this process did so within the interval; True if it
    did now."""
    if not sweep_interval.due():
        return False
    SessionStore.clear_expired()
    return True


class SessionStore(DatabaseSessionStore):
    def create(self) -> None:
        sweep_expired()
        super().create()

    def load(self) -> dict:
        data = self._session_data_from_db()
        if data is None:
            self._session_key = None  # as Django does: a new key is made on save
            return {}
        return self.decode(data)

    def _session_data_from_db(self) -> str | None:
        if not self.session_key:
            return None
        connection = connections[router.db_for_read(self.model)]
        quote = connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('session_data')} FROM {quote(self.model._meta.db_table)} "
                f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s",
                [self.session_key, now])
            row = cursor.fetchone()
        return row[0] if row else None
