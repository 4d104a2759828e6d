"""Where this server's sandbox API is, as a client outside the server reaches it."""

from django.http import HttpRequest
from django.urls import get_script_prefix


def sandbox_api_base(request: HttpRequest) -> str:
    """This server's sandbox API base, absolute: the host, the deployment's sub-path
    (``FORCE_SCRIPT_NAME``, through the script prefix) and ``sandbox``, no trailing slash."""
    return request.build_absolute_uri(f"{get_script_prefix()}sandbox")
