"""State one server process remembers must not go wrong when another process moved the
database on: the tracker's memo of who placed an order (``tracking._owned``) holds a Call
whose last known status may be stale."""

from __future__ import annotations

import time

from playground import api, tracking
from playground.models import Call
from playground.owners import Owner
from playground.sandbox import services
from tests.live_support import HX, fall_due, send, use_token


def test_a_status_change_is_recorded_even_when_this_process_remembers_an_older_status(
        client, demo):
    use_token(client, "sandbox-full")
    send(client)
    call = Call.objects.get()
    remembered = Call.objects.get(pk=call.pk)  # what another process's memo still holds
    fall_due(str(call.order_id))
    client.get(f"/orders/{call.order_id}/tracker", **HX)  # "this other process" sees it
    assert Call.objects.get(pk=call.pk).order_status == "processed"
    assert remembered.order_status == "paid"
    assert services.refund(call.order_id)
    tracking.poll(Owner(id=call.owner), remembered, api.Credential("sandbox-full", "api-token"),
                  started=time.time())
    assert Call.objects.get(pk=call.pk).order_status == "refunded"
    assert list(Call.objects.filter(endpoint="status").values_list("order_status", flat=True)) \
        == ["refunded", "processed"]
