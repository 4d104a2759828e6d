"""The Content-Security-Policy header, built once instead of on every response.

django-csp builds the header from settings on every response (0.12 ms measured on the
development machine, a tenth of a status poll's own server time). It only comes out
different with a nonce, a per-view override (django-csp's decorators), a report-only policy
or excluded URL prefixes; a response with none of these gets the header built the first
time. Everything else is django-csp's own middleware, unchanged.
"""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings

# What django-csp's decorators set on a response to change its policy.
_OVERRIDES = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
              "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")


class BuiltOnceCSPMiddleware(CSPMiddleware):
    _built: tuple[object, str] | None = None  # (the settings it was built from, the header)

    def process_response(self, request, response):
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if (not policy or policy.get("EXCLUDE_URL_PREFIXES")
                or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
                or getattr(request, "_csp_nonce", None) is not None
                or any(hasattr(response, name) for name in _OVERRIDES)
                or HEADER in response
                or (settings.DEBUG and response.status_code in (404, 500))):
            return super().process_response(request, response)
        built = self._built
        if built is None or built[0] is not policy:
            built = self._built = (policy, build_policy())
        response[HEADER] = built[1]
        # As django-csp does: a nonce asked for after the header is written is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
