"""The header's wallet: balance and API-ordering discount (read by ``playground.wallet``)."""

from __future__ import annotations

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from playground import redaction, vault
from playground import wallet as wallets
from playground.views._shared import HtmxHttpRequest


@require_GET
@redaction.protect_reports
def wallet(request: HtmxHttpRequest) -> HttpResponse:
    """Fragment: the header's wallet balance and API-ordering discount banner."""
    stored = vault.load(request.session)
    context: dict[str, object] = {"has_token": stored is not None}
    if stored is not None:
        context.update(wallets.read(stored.credential))
    response = TemplateResponse(request, "playground/_wallet.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
