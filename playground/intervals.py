"""Work a server process does for itself now and then, instead of a cron job or a worker:
``Interval(setting).due()`` says yes at most once per that many seconds (the setting is read
each time, so tests and deployments can change it), per process and thread-safe."""

from __future__ import annotations

import threading
import time

from django.conf import settings


class Interval:
    def __init__(self, setting: str):
        self.setting = setting
        self._lock = threading.Lock()
        self._last = float("-inf")  # monotonic time this process last said yes

    def due(self) -> bool:
        """True (and the interval restarted) if the last yes is at least the setting ago."""
        with self._lock:
            now = time.monotonic()
            if now - self._last < getattr(settings, self.setting):
                return False
            self._last = now
            return True

    def reset(self) -> None:
        """The next ``due()`` says yes (tests; a fresh process starts so)."""
        with self._lock:
            self._last = float("-inf")
