"""Stopping the production start (`bin/start`, the image's command) in its first seconds:
SIGTERM during the migrations, and just after gunicorn took over (preloading the app,
before its arbiter has signal handlers), ends it within 2 s.

`docker stop` sends SIGTERM to the container's PID 1 and kills it 10 s later; PID 1 of a
PID namespace ignores every signal it has no handler for. The tests make that PID 1 with
`unshare --pid --fork` (root, as on CI) and run what the image runs there: the Dockerfile's
ENTRYPOINT (tini) with bin/start, or bin/start alone. A test-only app
(tests/slow_start) holds bin/start in the step the test signals."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.process_support import PYTHON, ROOT, clean_env, free_port

START = ROOT / "bin" / "start"
FERNET_KEY = "dGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMhISE="
# How long the step under test may take to be reached (Django's start on a busy machine).
REACH_TIMEOUT = 60.0
STOP_WITHIN = 2.0


def entrypoint() -> list[str]:
    """The Dockerfile's ENTRYPOINT (exec form)."""
    line = re.search(r"^ENTRYPOINT (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M)
    assert line, "the Dockerfile has no ENTRYPOINT in exec form"
    return json.loads(line.group(1))


def required(path: str, why: str) -> None:
    """Skip locally, fail on CI, when a tool the test needs is missing."""
    if shutil.which(path):
        return
    message = f"{path} not found; {why}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set, so this test may not be skipped).", pytrace=False)
    pytest.skip(message)


def as_pid_1() -> list[str]:
    """A command prefix that runs the command as PID 1 of a new PID namespace."""
    required("unshare", "install util-linux")
    if os.geteuid() != 0:
        pytest.skip("a new PID namespace needs root")
    # --kill-child: if unshare dies, so does the namespace, whatever the test did.
    return ["unshare", "--pid", "--fork", "--kill-child"]


@contextmanager
def starting(tmp_path: Path, stage: str,
             prefix: list[str]) -> Iterator[tuple[subprocess.Popen, int]]:
    """``prefix + [bin/start]`` on a fresh SQLite file, held in ``stage``; once it is there
    yields the process and the pid of the held one (as it sees itself), and kills whatever
    is left afterwards."""
    marker = tmp_path / "reached"
    env = clean_env(
        DEBUG="0", SECRET_KEY="a-production-secret-key-of-sufficient-length",
        TOKEN_ENCRYPTION_KEY=FERNET_KEY, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SETTINGS_MODULE="tests.slow_start.settings", SLOW_START=stage,
        SLOW_START_MARKER=str(marker), PYTHON=str(PYTHON), HOST="127.0.0.1",
        PORT=str(free_port()), WEB_CONCURRENCY="1")
    log = (tmp_path / "start.log").open("w")
    process = subprocess.Popen([*prefix, str(START)], cwd=ROOT, env=env, stdout=log,
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + REACH_TIMEOUT
        while not marker.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"bin/start did not reach {stage} (exit {process.returncode}):\n"
                            + (tmp_path / "start.log").read_text())
            time.sleep(0.05)
        yield process, int(marker.read_text())
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)
        log.close()


def namespace_init(unshare: subprocess.Popen) -> int:
    """The pid, seen from here, of the PID 1 that ``unshare --fork`` started."""
    children = Path(f"/proc/{unshare.pid}/task/{unshare.pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def gone(pid: int) -> bool:
    """The process has ended (a zombie counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def stopped_within(process: subprocess.Popen, seconds: float) -> tuple[int | None, float]:
    began = time.monotonic()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - began
    return process.returncode, time.monotonic() - began


def test_sigterm_during_migrations_stops_bin_start_and_the_migration_within_2_s(tmp_path):
    # `make serve`: bin/start is not PID 1, and only it gets the signal (not its group).
    with starting(tmp_path, "migrate", []) as (start, migrate):
        os.kill(start.pid, signal.SIGTERM)
        code, took = stopped_within(start, STOP_WITHIN)
        assert (code, gone(migrate)) == (143, True), f"{took:.1f} s"


def test_sigint_during_migrations_stops_bin_start_and_the_migration_within_2_s(tmp_path):
    with starting(tmp_path, "migrate", []) as (start, migrate):
        os.kill(start.pid, signal.SIGINT)
        code, took = stopped_within(start, STOP_WITHIN)
        assert (code, gone(migrate)) == (130, True), f"{took:.1f} s"


def test_as_pid_1_bin_start_stops_within_2_s_of_sigterm_during_migrations(tmp_path):
    # A container run without an init (the entrypoint overridden, or `docker run --entrypoint`).
    with starting(tmp_path, "migrate", as_pid_1()) as (unshare, _):
        os.kill(namespace_init(unshare), signal.SIGTERM)
        assert stopped_within(unshare, STOP_WITHIN)[0] == 143


@pytest.mark.parametrize("stage", ["migrate", "serve"])
def test_under_the_image_entrypoint_sigterm_stops_the_start_within_2_s(tmp_path, stage):
    # "serve": gunicorn has replaced the shell and is preloading the app; until its arbiter
    # installs handlers only an init in front of it (the image's tini) makes SIGTERM stop it.
    command = entrypoint()
    required(command[0], "install Debian's tini package (the image's ENTRYPOINT)")
    with starting(tmp_path, stage, [*as_pid_1(), *command]) as (unshare, _):
        os.kill(namespace_init(unshare), signal.SIGTERM)
        assert stopped_within(unshare, STOP_WITHIN)[0] == 143
