"""A test-only app that holds `bin/start` in one of its two steps, so a test can signal it
there: SLOW_START=migrate sleeps in `manage.py migrate` (on pre_migrate, before the first
migration), SLOW_START=serve in gunicorn's preloading of the app (before its arbiter has
signal handlers). Either first writes its pid to SLOW_START_MARKER."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from django.apps import AppConfig
from django.db.models.signals import pre_migrate

HOLD = 60.0


def hold(stage: str) -> None:
    if os.environ.get("SLOW_START") != stage:
        return
    marker = Path(os.environ["SLOW_START_MARKER"])
    # Whole or not at all: the test reads it as soon as it exists.
    marker.with_suffix(".partial").write_text(str(os.getpid()))
    marker.with_suffix(".partial").replace(marker)
    time.sleep(HOLD)


class SlowStartConfig(AppConfig):
    name = "tests.slow_start"
    label = "slow_start"

    def ready(self) -> None:
        if sys.argv[1:2] == ["migrate"]:
            # Sent for each app with models before the first migration; this one has none.
            pre_migrate.connect(self.on_pre_migrate)
        else:
            hold("serve")

    def on_pre_migrate(self, **kwargs) -> None:
        hold("migrate")
