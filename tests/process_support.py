"""Helpers for tests that run the project's own commands (make, manage.py) in a subprocess,
with an environment built from scratch: nothing leaks in from the test settings (which set
SECRET_KEY, TOKEN_ENCRYPTION_KEY and SECURE_COOKIES for this process) or from the shell."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
# `make <target>` first runs `setup`, which reinstalls the venv when pyproject.toml is newer
# than this stamp. The tests check the target itself, so they treat the stamp as up to date
# (`make -o`) instead of letting a stale stamp turn into a pip install in the middle of a run.
STAMP = ".venv/.installed"


def clean_env(**values: str) -> dict[str, str]:
    """A minimal environment: PATH, HOME and a UTF-8 locale, plus ``values``."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    env.update(values)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


STOP_TIMEOUT = 30.0


@contextmanager
def running_make(target: str, tmp: Path, *, server: str | None = None,
                 start_timeout: float = 90.0, port: int | None = None,
                 database_url: str | None = None,
                 **env_values: str) -> Iterator[tuple[str, Path]]:
    """``make <target> HOST=127.0.0.1 PORT=<free>`` with its own SQLite file in ``tmp``
    (or ``database_url``), until /healthz answers 200; yields (base URL, log file) and
    stops it afterwards. ``server``: the Server header /healthz must carry, so a reused
    port is not mistaken for this server."""
    port = port or free_port()
    log = tmp / f"{target}-{port}.log"
    env = clean_env(DATABASE_URL=database_url or f"sqlite:///{tmp / f'{target}.sqlite3'}",
                    **env_values)
    with log.open("w") as out:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", STAMP, target, "HOST=127.0.0.1",
             f"PORT={port}"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(process, url, log, server, start_timeout)
        yield url, log
    finally:
        stop_process_group(process)


def _wait_until_healthy(process: subprocess.Popen, url: str, log: Path, server: str | None,
                        timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make exited with {process.returncode}:\n{log.read_text()}")
        try:
            response = httpx.get(f"{url}/healthz", timeout=2.0)
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        if server is not None:
            assert response.headers.get("server") == server, log.read_text()
        assert response.status_code == 200, response.text
        return
    pytest.fail(f"/healthz did not answer within {timeout:.0f} s:\n{log.read_text()}")


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop make and everything it started (one process group) and wait for them."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        process.poll()
        time.sleep(0.1)
    else:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)
