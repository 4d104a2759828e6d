"""How many CPUs this process may use, for sizing gunicorn's workers.

``os.cpu_count()`` (and ``multiprocessing.cpu_count()``) count the host's CPUs. A container
is usually given fewer: a CPU set (``docker run --cpuset-cpus``, seen through the process's
affinity) or a CFS quota (``docker run --cpus``, seen in the cgroup's ``cpu.max`` on cgroup
v2, or ``cpu.cfs_quota_us`` and ``cpu.cfs_period_us`` on cgroup v1).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def available_cpus(affinity: set[int] | None = None, cgroup_root: Path = CGROUP_ROOT) -> int:
    """The smaller of the CPUs this process may run on and its cgroup's CPU quota (rounded
    up), at least 1. ``affinity`` defaults to ``os.sched_getaffinity(0)``."""
    if affinity is None:
        affinity = _affinity()
    count = len(affinity) if affinity else (os.cpu_count() or 1)
    quota = cgroup_cpu_quota(cgroup_root)
    if quota is not None:
        count = min(count, math.ceil(quota))
    return max(1, count)


def cgroup_cpu_quota(cgroup_root: Path = CGROUP_ROOT) -> float | None:
    """The CPU quota in CPUs (e.g. 1.5), or None when there is none or it cannot be read."""
    v2 = _read(cgroup_root / "cpu.max")
    if v2 is not None:
        fields = v2.split()
        if len(fields) == 2:
            return _ratio(fields[0], fields[1])
        return None
    quota = _read(cgroup_root / "cpu" / "cpu.cfs_quota_us")
    period = _read(cgroup_root / "cpu" / "cpu.cfs_period_us")
    if quota is None or period is None:
        return None
    return _ratio(quota, period)


def _ratio(quota: str, period: str) -> float | None:
    # "max" (v2) or -1 (v1) means no quota.
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:
        return None
    if quota_us <= 0 or period_us <= 0:
        return None
    return quota_us / period_us


def _read(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def _affinity() -> set[int]:
    try:
        return os.sched_getaffinity(0)
    except (AttributeError, OSError):  # not on Linux
        return set()
