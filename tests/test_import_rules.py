"""The import rules of DESIGN.md, read from the source with `ast`.

Every import counts: at the top of a module, inside a function, under `TYPE_CHECKING`,
relative ones, and `importlib.import_module("...")` with a literal name. Rules name module
prefixes (`playground.sandbox` covers the package and everything under it), so they keep
holding when a module becomes a package or a package gains modules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "playground"

# Plain helpers: data and pure functions that know no request, no session, no client.
# The sandbox may use them, and they may use only each other.
PLAIN_HELPERS = (
    "playground.catalogue",
    "playground.spec",
    "playground.strictjson",
    "playground.lru",
    "playground.intervals",
    "playground.secretbox",  # the one encryption at rest (the vault's and the sandbox's)
    "playground.owners",  # the Owner value services take (imports nothing of the app)
)

# What the DESIGN forbids outright; checked on top of the allow-lists, so widening an
# allow-list by mistake cannot let these through.
CLIENT = "playground.api"
VIEWS = "playground.views"
NEVER_IN_SANDBOX = (VIEWS, CLIENT, "playground.vault", "playground.sending",
                    "playground.tracking", "playground.snippets", "playground.forms",
                    "playground.builder", "playground.web")


@dataclass(frozen=True)
class Rule:
    """Modules under `prefix` import, of the app, only what `allowed` names (None: any)
    and never what `forbidden` names. A module may always import within its own prefix."""

    prefix: str
    allowed: tuple[str, ...] | None
    forbidden: tuple[str, ...] = ()


RULES = (
    Rule("playground.sandbox", allowed=PLAIN_HELPERS, forbidden=NEVER_IN_SANDBOX),
    Rule("playground.snippets", allowed=("playground.spec",), forbidden=(CLIENT, VIEWS)),
    Rule("playground.forms", allowed=None, forbidden=(VIEWS,)),
    Rule("playground.catalogue", allowed=()),
    Rule("playground.highlighting", allowed=()),
    *(Rule(helper, allowed=PLAIN_HELPERS, forbidden=NEVER_IN_SANDBOX)
      for helper in PLAIN_HELPERS if helper != "playground.catalogue"),
)


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_names(path: Path, root: Path = ROOT) -> set[str]:
    """Dotted names a module imports; `from a import b` gives `a.b`, which is the module
    `a.b` or a name inside `a` (prefix matching treats both alike)."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.update(base if alias.name == "*" else f"{base}.{alias.name}"
                         for alias in node.names)
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name)
                       and node.func.id in ("import_module", "__import__")))):
            names.add(node.args[0].value)
    return names


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


MODULES = sorted(APP.rglob("*.py"))


def violations(path: Path, rule: Rule, root: Path = ROOT) -> set[str]:
    found = set()
    for name in imported_names(path, root):
        if not under(name, "playground"):
            continue
        if under(name, rule.prefix):
            continue
        if rule.allowed is not None and not any(under(name, a) for a in rule.allowed):
            found.add(name)
        if any(under(name, f) for f in rule.forbidden):
            found.add(name)
    return found


CASES = [(path, rule) for rule in RULES for path in MODULES
         if under(module_name(path), rule.prefix)]


@pytest.mark.parametrize(("path", "rule"), CASES,
                         ids=[f"{module_name(p)}:{r.prefix}" for p, r in CASES])
def test_each_module_imports_only_what_its_rule_allows(path, rule):
    assert violations(path, rule) == set()


@pytest.mark.parametrize("rule", RULES, ids=[r.prefix for r in RULES])
def test_every_rule_covers_at_least_one_module(rule):
    """A rule whose prefix names no module (after a rename) would pass without checking."""
    assert any(under(module_name(path), rule.prefix) for path in MODULES)


def test_the_sandbox_modules_are_all_checked():
    sandbox = {module_name(p) for p, r in CASES if r.prefix == "playground.sandbox"}
    assert {"playground.sandbox.services", "playground.sandbox.views",
            "playground.sandbox.api_views", "playground.sandbox.prices",
            "playground.sandbox.orders"} <= sandbox


# --- the reader itself -----------------------------------------------------------------------

def test_the_reader_sees_imports_in_functions_relative_ones_and_import_module(tmp_path):
    package = tmp_path / "playground" / "sandbox"
    package.mkdir(parents=True)
    source = package / "probe.py"
    source.write_text(
        "import json\n"
        "from playground import catalogue\n"
        "from . import models\n"
        "from .. import vault as v\n"
        "from ..snippets.curl import render\n"
        "def later():\n"
        "    from playground.api import AccountApi\n"
        "    importlib.import_module('playground.views')\n",
        encoding="utf-8")

    names = imported_names(source, tmp_path)

    assert names == {"json", "playground.catalogue", "playground.sandbox.models",
                     "playground.vault", "playground.snippets.curl.render",
                     "playground.api.AccountApi", "playground.views"}


def test_a_forbidden_import_is_a_violation_even_when_allowed_by_mistake(tmp_path):
    rule = Rule("playground.sandbox", allowed=("playground",), forbidden=NEVER_IN_SANDBOX)
    package = tmp_path / "playground" / "sandbox"
    package.mkdir(parents=True)
    source = package / "probe.py"
    source.write_text("from playground.vault import get_token\nfrom playground import spec\n",
                      encoding="utf-8")

    assert violations(source, rule, tmp_path) == {"playground.vault.get_token"}


# --- one vocabulary ---------------------------------------------------------------------------

def test_no_api_path_is_typed_outside_the_spec():
    """Snippets, the client and tracking take their paths from `playground.spec` (the
    sandbox's routes, the server side of the contract, are written relative to /sandbox/)."""
    typed = [str(path.relative_to(ROOT)) for path in sorted(APP.rglob("*.py"))
             if "migrations" not in path.parts
             and str(path.relative_to(ROOT)) != "playground/spec.py"
             and "/v4/account" in path.read_text(encoding="utf-8")]
    assert typed == []


def test_no_list_of_terminal_statuses_is_typed_outside_the_spec():
    spelled = [str(path.relative_to(ROOT)) for path in sorted(APP.rglob("*.py"))
               if "migrations" not in path.parts and str(path.relative_to(ROOT)) !=
               "playground/spec.py" and ('"processed", "blocked", "failed", "refunded"'
                                         in path.read_text(encoding="utf-8")
                                         or "processed | blocked | failed | refunded"
                                         in path.read_text(encoding="utf-8"))]
    assert spelled == []
