"""The production settings plus the test-only app that can hold `bin/start` in a step."""

from playground.settings import *  # noqa: F403
from playground.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.slow_start.SlowStartConfig"]
