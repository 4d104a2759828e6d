import uuid

from playground import api


def test_healthz_touches_the_database_and_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


def test_in_process_client_places_an_order_in_the_embedded_sandbox(demo):
    client = api.get_client()
    credential = api.Credential("sandbox-full")
    response = client.create_order(
        {"type": "new_datacenter_shared", "country": "Belgium", "is_subscription": True,
         "days": 30, "proxies[mixed]": 1000, "bandwidth": 0},
        credential,
    )
    assert response.status_code == 200
    assert response.ok
    uuid.UUID(response.data)
    status = client.order_status(response.data, credential)
    assert status.data["status"] == "paid"
    assert status.data["price"] == "29.04"


def test_live_client_talks_to_the_sandbox_over_loopback(live_api):
    response = live_api.balance(api.Credential("sandbox-full", auth="bearer"))
    assert response.status_code == 200
    assert response.payload == {"success": True, "data": {"balance": 250.0, "currency": "USD"}}
