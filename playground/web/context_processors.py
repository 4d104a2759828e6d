from django.conf import settings

from playground import api


def playground(request):
    """What every page's header needs: which API the playground talks to."""
    sandbox = api.is_sandbox()
    return {
        "api_mode": "sandbox" if sandbox else "live",
        "api_base_display": "Embedded sandbox" if sandbox else settings.PROXYSCRAPE_API_BASE,
        "sandbox_enabled": settings.SANDBOX_ENABLED,
        "playground_auth": settings.PLAYGROUND_AUTH,
    }
