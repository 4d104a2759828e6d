"""Helpers for tests that run the project's own commands (make, manage.py) in a subprocess,
with an environment built from scratch: nothing leaks in from the test settings (which set
SECRET_KEY, TOKEN_ENCRYPTION_KEY and SECURE_COOKIES for this process) or from the shell."""

from __future__ import annotations

import os
import socket
from pathlib import Path

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
