"""Deployment settings: `make deploy-check` passes Django's deployment checklist, and a
production start (DEBUG off) without its secrets stops with a message naming the secret."""

from __future__ import annotations

import subprocess

import pytest

from tests.process_support import PYTHON, ROOT, STAMP, clean_env

FERNET_KEY = "dGVzdC1vbmx5LWZlcm5ldC1rZXktMzItYnl0ZXMhISE="


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_make_deploy_check_reports_no_issues():
    result = run(["make", "--no-print-directory", "-o", STAMP, "deploy-check"], clean_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("missing, present", [
    ("SECRET_KEY", {"TOKEN_ENCRYPTION_KEY": FERNET_KEY}),
    ("TOKEN_ENCRYPTION_KEY", {"SECRET_KEY": "a-production-secret-key-of-sufficient-length"}),
])
def test_starting_without_debug_and_without_a_secret_fails_naming_it(missing, present):
    # The secret is set to "" rather than left out, so a developer's .env cannot fill it in
    # (environs never overrides a variable the environment already has).
    env = clean_env(DEBUG="0", **present, **{missing: ""})
    result = run([str(PYTHON), "manage.py", "check"], env)
    assert result.returncode == 1
    assert (f"django.core.exceptions.ImproperlyConfigured: The environment variable {missing} "
            f'is required when DEBUG is off. See README, "Deploying for your team".'
            in result.stderr)


def test_starting_with_both_secrets_and_debug_off_passes_the_check():
    env = clean_env(DEBUG="0", SECRET_KEY="a-production-secret-key-of-sufficient-length",
                    TOKEN_ENCRYPTION_KEY=FERNET_KEY)
    result = run([str(PYTHON), "manage.py", "check"], env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_an_unknown_access_mode_stops_the_start_naming_the_choices():
    env = clean_env(DEBUG="1", PLAYGROUND_AUTH="ldap")
    result = run([str(PYTHON), "manage.py", "check"], env)
    assert result.returncode == 1
    assert ("ImproperlyConfigured: PLAYGROUND_AUTH must be none, login or remote-user, "
            "not 'ldap'." in result.stderr)
