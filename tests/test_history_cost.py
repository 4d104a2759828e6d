"""History's cost does not grow with the table: pages by cursor (nothing counts the
owner's calls), filter choices from fixed lists (nothing scans for them), and an index for
every way it reads (checked in the database's own query plan)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from playground import paging
from playground.models import HTTP_STATUS_CHOICES, Call
from playground.owners import Owner
from tests.html_support import elements
from tests.live_support import BALANCE_FIELDS, send, use_token


@pytest.fixture
def owner_with_calls(client, db, demo):
    """A client whose owner has 120 calls, one a second; oldest has http_status 400."""
    use_token(client, "sandbox-full")
    send(client, BALANCE_FIELDS)
    first = Call.objects.get()
    start = timezone.now() - timedelta(days=1)
    Call.objects.bulk_create([
        Call(owner=first.owner, environment="sandbox", base_url="x", endpoint="balance",
             method="GET", path=f"/v4/n/{n}", http_status=200 if n else 400, outcome="ok")
        for n in range(119)])
    for n, call in enumerate(Call.objects.exclude(pk=first.pk).order_by("id")):
        Call.objects.filter(pk=call.pk).update(created=start + timedelta(seconds=n))
    return first.owner


def shown(response) -> list[str]:
    return re.findall(r"<code>GET (/v4/\S+)</code>", response.content.decode())


def link(response, label: str) -> str | None:
    match = re.search(rf'<a href="\?([^"]+)" rel="\w+">{label}</a>', response.content.decode())
    return match[1].replace("&amp;", "&") if match else None


def test_history_walks_older_and_back_newer_by_cursor_without_gaps_or_repeats(
        client, owner_with_calls):
    newest = [c.path for c in Call.objects.filter(owner=owner_with_calls)]
    first = client.get("/history")
    assert shown(first) == newest[:50]
    assert link(first, "Newer") is None
    second = client.get(f"/history?{link(first, 'Older')}")
    assert shown(second) == newest[50:100]
    third = client.get(f"/history?{link(second, 'Older')}")
    assert shown(third) == newest[100:]
    assert link(third, "Older") is None
    back = client.get(f"/history?{link(third, 'Newer')}")
    assert shown(back) == newest[50:100]
    top = client.get(f"/history?{link(back, 'Newer')}")
    assert shown(top) == newest[:50]
    assert link(top, "Newer") is None


def test_history_pages_keep_the_filters_in_their_links(client, owner_with_calls):
    page = client.get("/history", {"endpoint": "balance", "http_status": "200"})
    assert len(shown(page)) == 50
    older = link(page, "Older")
    assert older.startswith("endpoint=balance&http_status=200&order_status=&before=")
    second = client.get(f"/history?{older}")
    third = client.get(f"/history?{link(second, 'Older')}")
    rest = shown(second) + shown(third)
    assert len(rest) == 69  # 120 calls, minus the one 400, minus the 50 on the first page
    assert "/v4/n/0" not in rest


def test_history_counts_nothing_and_reads_no_distinct_statuses(client, owner_with_calls):
    before = paging.cursor(Call.objects.filter(owner=owner_with_calls)[10])
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/history", {"before": before})
    assert response.status_code == 200
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "COUNT(" not in sql
    assert "DISTINCT" not in sql
    assert "OFFSET" not in sql


def test_history_offers_the_contracts_statuses_and_no_answer_whatever_was_sent(
        client, owner_with_calls):
    body = client.get("/history").content.decode()
    select = body[body.index('name="http_status"'):body.index("</select>", body.index(
        'name="http_status"'))]
    assert re.findall(r'<option value="([^"]*)"', select) == [
        "", *map(str, HTTP_STATUS_CHOICES), "none"]
    chosen = elements(client.get("/history", {"http_status": "429"}).content)
    assert ("option", {"value": "429", "selected": None}, "429") in [
        (e["tag"], e["attrs"], e["text"]) for e in chosen]


@pytest.mark.parametrize("text", ["", "1-", "-1", "x-1", "1-1-1", "1" * 18 + "-1",
                                  "99999999999999999-999999999999999999"])
def test_a_cursor_that_is_not_one_shows_the_newest_page(client, owner_with_calls, text):
    newest = [c.path for c in Call.objects.filter(owner=owner_with_calls)][:50]
    for name in ("before", "after"):
        response = client.get("/history", {name: text})
        assert response.status_code == 200
        assert shown(response) == newest  # the last: everything is older, nothing newer


def plan(queryset) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = off")  # an empty table: ask for
            cursor.execute("SET enable_sort = off")  # an index plan wherever one exists
            cursor.execute("SET enable_incremental_sort = off")
        try:
            return queryset.explain()
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET enable_seqscan")
                cursor.execute("RESET enable_sort")
                cursor.execute("RESET enable_incremental_sort")
    return queryset.explain()


@pytest.mark.parametrize("filters", [{}, {"endpoint": "create"}, {"http_status": "200"},
                                     {"http_status": "none"}, {"order_status": "paid"}])
@pytest.mark.parametrize("staff", [False, True])
def test_every_history_read_follows_an_index_in_its_order(db, filters, staff):
    calls = Call.objects.visible_to(Owner(id="session:x", staff=staff)).filtered(**filters)
    now = timezone.now()
    for queryset in (calls[:51], calls.older_than(now, 5)[:51], calls.newer_than(now, 5)[:51]):
        text = plan(queryset)
        if staff and filters:  # staff filter everyone's calls: an index, maybe not in order
            continue
        assert "TEMP B-TREE" not in text  # SQLite: no sort step
        assert "SCAN playground_call\n" not in f"{text}\n"  # SQLite: no plain table scan
        assert "Sort" not in text  # PostgreSQL: no sort step
        assert "Seq Scan" not in text


def test_settling_stale_creates_reads_only_pending_rows(db):
    from playground import sending
    text = plan(Call.objects.filter(endpoint="create", outcome=Call.PENDING,
                                    created__lt=sending._stale_cutoff()).order_by())
    assert "call_pending" in text
