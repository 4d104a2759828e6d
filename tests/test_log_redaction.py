"""Token redaction in log text: a token after an api-token or Authorization header name is
masked, and redacting twice (the record factory, then the console handler's filter, both
run on every record) gives the same text as redacting once."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.redaction import REDACTED, redact

SECRET = "Zq9secretTokenValue01"


@pytest.mark.parametrize("text, expected", [
    (f"api-token: {SECRET}", f"api-token: {REDACTED}"),
    (f"{{'api-token': '{SECRET}'}}", f"{{'api-token': '{REDACTED}'}}"),
    (f'{{"api-token": "{SECRET}", "x": 1}}', f'{{"api-token": "{REDACTED}", "x": 1}}'),
    (f"(b'api-token', b'{SECRET}')", f"(b'api-token', b'{REDACTED}')"),
    (f"Authorization: Bearer {SECRET}", f"Authorization: Bearer {REDACTED}"),
    (f"Authorization: Basic {SECRET}", f"Authorization: Basic {REDACTED}"),
    (f"authorization={SECRET}", f"authorization={REDACTED}"),
    (f"bearer {SECRET} then", f"bearer {REDACTED} then"),
])
def test_a_token_after_a_header_name_is_masked_and_the_header_name_kept(text, expected):
    assert redact(text) == expected
    assert redact(redact(text)) == expected


@pytest.mark.parametrize("text", [
    f"api-token: {REDACTED}", f"Authorization: Bearer {REDACTED}",
    f"Authorization: {REDACTED}", f"api-token: b'{REDACTED}'", f"{{'api-token': '{REDACTED}'}}",
])
def test_already_redacted_text_is_left_unchanged(text):
    assert redact(text) == text


PIECES = ["api-token", "API-Token", "Authorization", "authorization", "Bearer", "Basic",
          ":", "=", ",", " ", "  ", "'", '"', "b'", "{", "}", "[", "]", REDACTED, "abc",
          "x.y-z", "\n"]


@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_redacting_twice_changes_nothing(text):
    once = redact(text)
    assert redact(once) == once
