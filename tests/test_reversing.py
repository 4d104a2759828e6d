"""fixed_url: Django's reverse, remembered per script prefix."""

from __future__ import annotations

from django.urls import reverse, set_script_prefix

from playground.web.reversing import fixed_url


def test_fixed_url_is_what_reverse_gives_under_each_script_prefix():
    try:
        for prefix in ("/", "/team/playground/", "/other/"):
            set_script_prefix(prefix)
            for _ in range(2):  # the second answer comes from the cache
                assert fixed_url("playground:index") == reverse("playground:index") == prefix
                assert fixed_url("playground:snippet", "node") == \
                    reverse("playground:snippet", args=["node"]) == f"{prefix}snippets/node"
    finally:
        set_script_prefix("/")
