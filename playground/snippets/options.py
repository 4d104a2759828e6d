"""Where a snippet sends its request and where its token comes from, chosen once for all
languages (``SnippetOptions``, then ``Token``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playground.spec import AUTH_FORMS

TOKEN_MODES = ("placeholder", "env", "literal")
ENV_VAR = "PROXYSCRAPE_API_TOKEN"
# What an env-mode snippet prints (and then stops, sending nothing) when ENV_VAR is unset or empty.
ENV_MISSING = f"Set {ENV_VAR} to your API token first."
DEFAULT_BASE_URL = "https://api.proxyscrape.com"
PLACEHOLDERS = {"api-token": "<your-api-key>", "bearer": "<your-jwt>"}


@dataclass(frozen=True)
class SnippetOptions:
    """How a snippet reaches the API and where its token comes from.

    base_url: the API base (the real API or this server's absolute sandbox URL).
    auth: ``api-token`` (header ``api-token: <token>``) or ``bearer``.
    token_mode: ``placeholder`` (``<your-api-key>``/``<your-jwt>``), ``env`` (read
    ``PROXYSCRAPE_API_TOKEN`` at run time) or ``literal`` (``token`` written into the code).
    """

    base_url: str = DEFAULT_BASE_URL
    auth: str = "api-token"
    token_mode: str = "placeholder"
    token: str = field(default="", repr=False)  # literal mode only; never printed

    def __post_init__(self):
        if self.auth not in AUTH_FORMS:
            raise ValueError(f"auth must be one of {AUTH_FORMS}, not {self.auth!r}")
        if self.token_mode not in TOKEN_MODES:
            raise ValueError(f"token_mode must be one of {TOKEN_MODES}, not {self.token_mode!r}")
        if self.token_mode == "literal":
            problem = token_problem(self.token)
            if problem:
                raise ValueError(problem)
        if not re.fullmatch(r"https?://[^\s]+", self.base_url):
            raise ValueError(f"base_url must be an absolute http(s) URL, not {self.base_url!r}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @property
    def header_name(self) -> str:
        return "Authorization" if self.auth == "bearer" else "api-token"

    @property
    def header_prefix(self) -> str:
        """What comes before the token in the header value."""
        return "Bearer " if self.auth == "bearer" else ""

    @property
    def placeholder(self) -> str:
        return PLACEHOLDERS[self.auth]

    @property
    def source(self) -> Token:
        """The token as every language writes it: the one place the token mode is read."""
        if self.token_mode == "env":
            return Token(env=True)
        if self.token_mode == "literal":
            return Token(text=self.token)
        return Token(text=self.placeholder, placeholder=True)


@dataclass(frozen=True)
class Token:
    """A snippet's token: read from ENV_VAR at run time (``env``; the snippet stops with
    ENV_MISSING when it is unset or empty), or ``text`` written into the code, which is a
    placeholder the reader replaces when ``placeholder`` is set."""

    env: bool = False
    text: str = field(default="", repr=False)
    placeholder: bool = False

    @property
    def note(self) -> str:
        """The comment beside a placeholder token in a complete script."""
        return "your token here" if self.placeholder else ""


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot go into a header as it is, or None when it can.

    API keys and JWTs are printable ASCII; HTTP trims the ends of header values, and the
    HTTP clients of the three languages disagree on anything beyond ASCII.
    """
    if not token:
        return "A literal token cannot be empty."
    if not token.isascii() or not token.isprintable():
        return "A token is printable ASCII: no control characters or other text."
    if token != token.strip():
        return "A token cannot start or end with a space."
    return None
