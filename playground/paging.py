"""History's pages, newest first, by cursor: a page costs the same however many calls there
are, because nothing counts them. A cursor names the last (or first) row shown, as
``<microseconds since 1970>-<id>``; the next page starts just past it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from playground.models import Call, CallQuerySet

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CURSOR = re.compile(r"([0-9]{1,17})-([0-9]{1,18})")


@dataclass(frozen=True)
class Page:
    object_list: list[Call]
    newer: str = ""  # the cursor for the page of newer calls, "" when there is none
    older: str = ""  # the cursor for the page of older calls, "" when there is none

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)


def cursor(call: Call) -> str:
    return f"{(call.created - _EPOCH) // timedelta(microseconds=1)}-{call.pk}"


def parse(text: str) -> tuple[datetime, int] | None:
    """A cursor's (created, id), or None if ``text`` is not one."""
    match = _CURSOR.fullmatch(text)
    if match is None:
        return None
    try:
        created = _EPOCH + timedelta(microseconds=int(match[1]))
    except OverflowError:
        return None
    return created, int(match[2])


def page(calls: CallQuerySet, *, size: int, before: str = "", after: str = "") -> Page:
    """Up to ``size`` of ``calls``: the newest, or those older than the cursor ``before``,
    or those newer than the cursor ``after``. One query reads one row more than it shows,
    to know whether there is more in that direction; one indexed EXISTS the other way."""
    if (point := parse(after)) is not None:
        rows = list(calls.newer_than(*point)[:size + 1])
        if rows:
            shown = rows[:size][::-1]
            return Page(shown, newer=cursor(shown[0]) if len(rows) > size else "",
                        older=cursor(shown[-1]))
        # nothing newer left (deleted since): show the newest page
    elif (point := parse(before)) is not None:
        rows = list(calls.older_than(*point)[:size + 1])
        shown = rows[:size]
        newer = calls.newer_than(*point).exists()
        return Page(shown, newer=(cursor(shown[0]) if shown else before) if newer else "",
                    older=cursor(shown[-1]) if len(rows) > size else "")
    rows = list(calls[:size + 1])
    shown = rows[:size]
    return Page(shown, older=cursor(shown[-1]) if len(rows) > size else "")

