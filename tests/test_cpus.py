"""gunicorn's workers are sized from the CPUs this process may use: its CPU affinity and its
cgroup's CPU quota (cgroup v2 `cpu.max`, or v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`),
not the host's CPU count. Fed with fake affinities and fake cgroup folders."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from playground.cpus import available_cpus, cgroup_cpu_quota

ROOT = Path(__file__).resolve().parent.parent
HOST_CPUS = set(range(64))


def cgroup_v2(root: Path, cpu_max: str) -> Path:
    (root / "cpu.max").write_text(cpu_max + "\n")
    return root


def cgroup_v1(root: Path, quota: str, period: str) -> Path:
    (root / "cpu").mkdir()
    (root / "cpu" / "cpu.cfs_quota_us").write_text(quota + "\n")
    (root / "cpu" / "cpu.cfs_period_us").write_text(period + "\n")
    return root


def test_without_a_quota_the_count_is_the_cpus_the_process_may_run_on(tmp_path):
    assert available_cpus({0, 1, 5}, cgroup_v2(tmp_path, "max 100000")) == 3


def test_without_any_cgroup_file_the_count_is_the_affinity(tmp_path):
    assert available_cpus({2, 3}, tmp_path) == 2


@pytest.mark.parametrize("cpu_max, expected", [
    ("200000 100000", 2),  # --cpus=2
    ("150000 100000", 2),  # --cpus=1.5 rounds up
    ("50000 100000", 1),  # --cpus=0.5: still one worker process
    ("400000 50000", 8),
])
def test_a_cgroup_v2_quota_caps_the_count(tmp_path, cpu_max, expected):
    assert available_cpus(HOST_CPUS, cgroup_v2(tmp_path, cpu_max)) == expected


def test_an_affinity_smaller_than_the_quota_wins(tmp_path):
    assert available_cpus({0}, cgroup_v2(tmp_path, "400000 100000")) == 1


@pytest.mark.parametrize("quota, period, expected", [
    ("300000", "100000", 3),
    ("-1", "100000", 64),  # no quota
])
def test_a_cgroup_v1_quota_caps_the_count(tmp_path, quota, period, expected):
    assert available_cpus(HOST_CPUS, cgroup_v1(tmp_path, quota, period)) == expected


@pytest.mark.parametrize("cpu_max", ["", "garbage", "max", "0 100000", "100000 0", "1 2 3"])
def test_an_unreadable_cpu_max_counts_as_no_quota(tmp_path, cpu_max):
    assert cgroup_cpu_quota(cgroup_v2(tmp_path, cpu_max)) is None
    assert available_cpus({0, 1, 2, 3}, tmp_path) == 4


def test_the_quota_is_read_in_cpus(tmp_path):
    assert cgroup_cpu_quota(cgroup_v2(tmp_path, "150000 100000")) == 1.5


def test_gunicorn_runs_two_workers_a_usable_cpu_unless_web_concurrency_says(monkeypatch):
    monkeypatch.setattr("playground.cpus.available_cpus", lambda: 3)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 6
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"] == 5
