"""Request spec -> code a developer can paste: cURL, Python and Node.

Every snippet sends exactly ``spec.body_text``, byte for byte, whatever the body holds (each
language module says how). ``render`` gives the single call or the complete script (see
``plan``: one description of the complete script that every language writes out);
``filename`` its download name. Highlighting is ``playground.highlighting``'s job.

A language is one module with ``EXTENSION``, ``single(spec, options)`` and ``full(plan)``,
listed in ``_MODULES``.
"""

from __future__ import annotations

from playground.snippets import curl, node, python
from playground.snippets.options import (
    DEFAULT_BASE_URL,
    ENV_VAR,
    TOKEN_MODES,
    SnippetOptions,
    token_problem,
)
from playground.snippets.plan import FILE_STEMS, plan
from playground.spec import RequestSpec

__all__ = ["DEFAULT_BASE_URL", "ENV_VAR", "FLAVOURS", "LANGUAGES", "TOKEN_MODES",
           "SnippetOptions", "filename", "render", "token_problem"]

_MODULES = {"curl": curl, "python": python, "node": node}
LANGUAGES = tuple(_MODULES)
FLAVOURS = ("single", "full")


def render(spec: RequestSpec, lang: str, flavour: str = "single",
           options: SnippetOptions | None = None) -> str:
    """The snippet for ``spec`` in ``lang`` (one of LANGUAGES), ``flavour`` single or full."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {FLAVOURS}, not {flavour!r}")
    options = options or SnippetOptions()
    if flavour == "single":
        return _MODULES[lang].single(spec, options)
    return _MODULES[lang].full(plan(spec, options))


def filename(spec: RequestSpec, lang: str, flavour: str = "full") -> str:
    """A download name: ``place-order.sh`` for a full script, ``place-order-single.sh`` else."""
    if flavour not in FLAVOURS:
        raise ValueError(f"flavour must be one of {FLAVOURS}, not {flavour!r}")
    suffix = "" if flavour == "full" else "-single"
    return f"{FILE_STEMS[spec.endpoint]}{suffix}.{_MODULES[lang].EXTENSION}"
