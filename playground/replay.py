"""A History row as a request again: its RequestSpec and its cURL, the token a placeholder."""

from __future__ import annotations

from playground import snippets
from playground.models import Call
from playground.spec import AUTH_FORMS, RequestSpec


def spec_of(call: Call) -> RequestSpec | None:
    """The request a builder call sent, from what History kept; None for other calls
    (a poll, a proxy-list fetch)."""
    if call.endpoint == "create" and isinstance(call.request_body, dict):
        return RequestSpec.create(call.request_body)
    if call.endpoint == "status":
        parts = call.path.rstrip("/").split("/")
        return RequestSpec.status(parts[-2]) if len(parts) >= 2 and parts[-1] == "status" \
            else None
    if call.endpoint == "balance":
        return RequestSpec.balance()
    return None


def curl(call: Call, *, base_url: str) -> str:
    """The call as a cURL command against ``base_url``, with the token as a placeholder;
    empty when the call is not one the builder makes."""
    spec = spec_of(call)
    if spec is None:
        return ""
    auth = call.auth_form if call.auth_form in AUTH_FORMS else "api-token"
    options = snippets.SnippetOptions(base_url=base_url, auth=auth, token_mode="placeholder")
    return snippets.render(spec, "curl", "single", options)
