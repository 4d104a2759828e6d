"""Whole numbers from request text (row ids, counts), checked before ``int`` sees them: a
digit string longer than a 64-bit id would otherwise cost a ValueError (Python refuses
conversions over 4,300 digits) or a query the database rejects."""

MAX_DIGITS = 19  # 2**63 - 1, the largest row id, has 19 digits


def whole(text: str, *, low: int, high: int, digits: int = MAX_DIGITS) -> int | None:
    """``text``, ASCII digits only and at most ``digits`` of them, as a whole number from
    ``low`` to ``high``, else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > min(digits, MAX_DIGITS):
        return None
    value = int(text)
    return value if low <= value <= high else None
