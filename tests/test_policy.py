"""The Content-Security-Policy header built once (playground.web.policy): the same header
django-csp builds, and django-csp's own behaviour wherever the header can differ."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.decorators import csp_exempt, csp_update
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from playground.web.policy import BuiltOnceCSPMiddleware


def answer(view, path: str = "/page") -> tuple[object, HttpResponse]:
    middleware = BuiltOnceCSPMiddleware(view)
    request = RequestFactory().get(path)
    return request, middleware(request)


def plain(request):
    return HttpResponse("ok")


def directives(header: str) -> set[str]:
    return {part.strip() for part in header.split(";")}


def test_a_plain_response_gets_the_header_django_csp_builds_from_settings():
    _, first = answer(plain)
    _, second = answer(plain)
    assert first[HEADER] == second[HEADER] == build_policy()
    assert "default-src 'self'" in directives(first[HEADER])
    assert "frame-ancestors 'none'" in directives(first[HEADER])


def test_the_header_follows_changed_settings():
    answer(plain)
    with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [SELF],
                                                                   "img-src": ["data:"]}}):
        _, response = answer(plain)
    assert directives(response[HEADER]) == {"default-src 'self'", "img-src data:"}


def test_a_per_view_update_still_changes_that_views_header_only():
    _, updated = answer(csp_update({"img-src": ["https://images.example"]})(plain))
    _, untouched = answer(plain)
    assert "img-src 'self' data: https://images.example" in directives(updated[HEADER])
    assert "img-src 'self' data:" in directives(untouched[HEADER])


def test_an_exempt_view_gets_no_header():
    _, response = answer(csp_exempt()(plain))
    assert HEADER not in response


def test_a_view_that_uses_the_nonce_gets_it_in_its_header():
    def with_nonce(request):
        return HttpResponse(f"<script nonce='{request.csp_nonce}'></script>")

    request, response = answer(with_nonce)
    assert f"'nonce-{request.csp_nonce}'" in response[HEADER]


def test_asking_for_the_nonce_after_the_header_is_written_is_an_error():
    request, _ = answer(plain)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)


def test_a_report_only_policy_is_still_sent_beside_the_enforced_one():
    with override_settings(CONTENT_SECURITY_POLICY_REPORT_ONLY={
            "DIRECTIVES": {"default-src": [SELF]}}):
        _, response = answer(plain)
    assert response[HEADER_REPORT_ONLY] == "default-src 'self'"
    assert "frame-ancestors 'none'" in directives(response[HEADER])


@pytest.mark.django_db
def test_pages_and_fragments_carry_the_header(client):
    for path in ("/", "/healthz"):
        assert "default-src 'self'" in client.get(path)[HEADER]
