"""The playground's views (being split by feature; ``builder`` holds them all for now)."""

from playground.views.builder import *  # noqa: F403
from playground.views.builder import healthz  # noqa: F401
