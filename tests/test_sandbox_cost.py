"""The sandbox's cost does not grow with its orders: every query that the console and
each API call make on the order table follows an index (checked in the database's own
query plans), the console lists a bounded number of orders, and the subaccount list is
bounded."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from playground.sandbox import api_views, views
from playground.sandbox.models import Order
from tests.test_sandbox_support import (
    BALANCE,
    SUBACCOUNTS,
    auth_headers,
    place,
    proxy_list_url,
    status_url,
)


def plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET enable_seqscan = off")  # an empty table: ask for
            cursor.execute("SET enable_sort = off")  # an index plan wherever one exists
            cursor.execute("SET enable_incremental_sort = off")
            cursor.execute(f"EXPLAIN {sql}")
            text = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("RESET enable_seqscan")
            cursor.execute("RESET enable_sort")
            cursor.execute("RESET enable_incremental_sort")
            return text
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def order_reads(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE"))
            and '"sandbox_order"' in q["sql"]]


# A lookup by a unique column finds one row at most: sorting it costs nothing.
UNIQUE = re.compile(r'"sandbox_order"\."(?:id|subaccount_id)" = ')


def assert_indexed(sql: str) -> None:
    text = plan(sql)
    assert "SCAN sandbox_order" not in text.replace("SCAN sandbox_order USING", ""), (sql, text)
    assert "Seq Scan on sandbox_order" not in text, (sql, text)  # PostgreSQL
    if not UNIQUE.search(sql):
        assert "TEMP B-TREE" not in text, (sql, text)  # SQLite: no sort of the rows found
        assert "Sort" not in text, (sql, text)  # PostgreSQL


@pytest.fixture
def an_order(client, demo):
    order_id = place(client)
    Order.objects.filter(pk=order_id).update(due=time.time() - 1)
    return Order.objects.get(pk=order_id)


def test_every_sandbox_api_call_reads_orders_through_an_index(client, demo, an_order):
    headers = auth_headers("sandbox-full")
    with CaptureQueriesContext(connection) as queries:
        place(client)
        assert client.get(status_url(str(an_order.pk)), headers=headers).status_code == 200
        assert client.get(BALANCE, headers=headers).status_code == 200
        assert client.get(SUBACCOUNTS, headers=headers).status_code == 200
        an_order.refresh_from_db()
        assert client.get(proxy_list_url(an_order.subaccount_id, "datacenter_shared"),
                          headers=headers).status_code == 200
    reads = order_reads(queries)
    assert len(reads) >= 6
    for sql in reads:
        assert_indexed(sql)


def test_the_console_reads_orders_through_an_index_and_lists_a_bounded_number(
        client, demo, an_order):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/sandbox/")
    assert response.status_code == 200
    reads = order_reads(queries)
    assert len(reads) >= 2  # settle every due order; the recent ones
    for sql in reads:
        assert_indexed(sql)
    assert any(f"LIMIT {views.RECENT_ORDERS}" in sql for sql in reads)


def test_the_subaccount_list_holds_the_newest_processed_orders_oldest_first(
        client, demo, an_order, monkeypatch):
    second = place(client)
    Order.objects.filter(pk=second).update(due=time.time() - 1, created=time.time() + 1)
    monkeypatch.setattr(api_views, "SUBACCOUNTS_LISTED", 1)
    listed = client.get(SUBACCOUNTS, headers=auth_headers("sandbox-full")).json()["data"]
    assert [s["AccountID"] for s in listed["subaccounts"]] == [
        str(Order.objects.get(pk=second).subaccount_id)]
    monkeypatch.setattr(api_views, "SUBACCOUNTS_LISTED", 10)
    listed = client.get(SUBACCOUNTS, headers=auth_headers("sandbox-full")).json()["data"]
    assert [s["AccountID"] for s in listed["subaccounts"]] == [
        str(an_order.subaccount_id), str(Order.objects.get(pk=second).subaccount_id)]


def test_subaccount_numbers_follow_the_highest_not_the_count(client, demo, an_order):
    Order.objects.filter(pk=an_order.pk).update(subaccount_number=41)
    assert Order.objects.get(pk=place(client)).subaccount_number == 42
