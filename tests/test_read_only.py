"""`docker run --read-only` works: with every file system read-only except the data folder
(and /dev/shm, which a container always has), bin/start migrates a fresh database and
serves. /tmp is read-only here too, stricter than the README's `--tmpfs /tmp`. The read-only
view is made in a private mount namespace (`unshare --mount`, root, as on CI)."""

from __future__ import annotations

import os
import shlex
import subprocess
import time

import httpx
import pytest

from tests.process_support import PYTHON, ROOT, clean_env, free_port, stop_process_group
from tests.test_start import FERNET_KEY, START, required

START_TIMEOUT = 60.0


def test_bin_start_migrates_and_serves_with_everything_read_only_but_the_data_folder(tmp_path):
    required("unshare", "install util-linux")
    if os.geteuid() != 0:
        pytest.skip("a mount namespace needs root")
    data = tmp_path / "data"
    data.mkdir()
    port = free_port()
    env = clean_env(
        DEBUG="0", SECRET_KEY="a-production-secret-key-of-sufficient-length",
        TOKEN_ENCRYPTION_KEY=FERNET_KEY, DATABASE_URL=f"sqlite:///{data / 'db.sqlite3'}",
        PYTHON=str(PYTHON), HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1",
        PYTHONDONTWRITEBYTECODE="1")  # as the image sets it
    # The data folder becomes a mount of its own, so making / read-only leaves it writable.
    script = (f"mount --bind {shlex.quote(str(data))} {shlex.quote(str(data))} "
              "&& mount -o remount,bind,ro / "
              "&& ! touch /tmp/read-only-check 2>/dev/null "
              f"&& exec {shlex.quote(str(START))}")
    log = tmp_path / "start.log"
    with log.open("w") as out:
        process = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                                    script], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        health = None
        while health is None and time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"bin/start exited with {process.returncode}:\n{log.read_text()}")
            try:
                health = httpx.get(f"{url}/healthz", timeout=2.0)
            except httpx.TransportError:
                time.sleep(0.2)
        assert health is not None, log.read_text()
        assert health.json() == {"status": "ok", "database": "ok", "version": "0.1.0",
                                 "api": "sandbox"}
        assert httpx.get(f"{url}/", timeout=10.0).status_code == 200
    finally:
        stop_process_group(process)
    assert "Traceback" not in log.read_text()
