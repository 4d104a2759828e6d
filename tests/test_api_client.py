"""The client as the one request path: it sends a ``RequestSpec`` exactly as the spec
describes it, and every fault it can meet is one row of ``playground.faults.FAULTS``.

The upstream here is ``httpx.MockTransport``: it records what the client put on the wire,
or raises the fault a row is for, and no socket is needed for either.
"""

from __future__ import annotations

import json
import time
import uuid

import httpx
import pytest

from playground import api, faults
from playground.spec import ACCOUNT_READS, ENDPOINTS, PROXY_LIST_QUERY, RequestSpec

BASE = "http://upstream.test/base"
ORDER_ID = str(uuid.uuid4())
ACCOUNT_ID = str(uuid.uuid4())
CREDENTIAL = api.Credential("pg-client-test-token", "api-token")
OK = {"success": True, "data": {}}

SPECS = {
    "create": RequestSpec.create({"type": "new_datacenter_shared", "country": "Belgium",
                                  "is_subscription": True, "days": 30,
                                  "proxies[mixed]": 1000, "bandwidth": 0}),
    "status": RequestSpec.status(ORDER_ID),
    "balance": RequestSpec.balance(),
    "me": RequestSpec.me(),
    "subaccounts": RequestSpec.subaccounts(),
    "proxy-list": RequestSpec.proxy_list(ACCOUNT_ID, "datacenter_shared"),
}


class Capture:
    """A MockTransport handler that keeps every request and answers ``answer``."""

    def __init__(self, answer=None):
        self.requests: list[httpx.Request] = []
        self.answer = answer or (lambda request: httpx.Response(200, json=OK))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.answer(request)

    def client(self, **options) -> api.AccountApi:
        return api.AccountApi(BASE, transport=httpx.MockTransport(self), **options)


def test_the_specs_here_cover_every_endpoint_the_playground_calls():
    assert set(SPECS) == {*ENDPOINTS, *ACCOUNT_READS, "proxy-list"}


@pytest.mark.parametrize("endpoint", sorted(SPECS))
def test_the_client_sends_exactly_the_method_path_query_and_body_of_the_spec(endpoint):
    spec = SPECS[endpoint]
    capture = Capture()
    client = capture.client()
    response = client.send(spec, CREDENTIAL)
    client.close()
    assert response.ok is True
    [sent] = capture.requests
    assert sent.method == spec.method
    assert sent.url.host == "upstream.test"
    assert sent.url.path == "/base" + spec.path
    assert sent.url.query.decode() == spec.query
    assert sent.url.raw_path.decode() == "/base" + spec.path + (
        f"?{spec.query}" if spec.query else "")
    assert sent.headers["api-token"] == CREDENTIAL.token
    if spec.body is None:
        assert sent.content == b""
        assert "content-type" not in sent.headers
    else:
        assert json.loads(sent.content) == spec.body
        assert sent.headers["content-type"] == "application/json"


def test_the_proxy_list_asks_for_the_query_the_snippets_show():
    spec = SPECS["proxy-list"]
    assert spec.query == PROXY_LIST_QUERY
    assert str(httpx.QueryParams(spec.params)) == PROXY_LIST_QUERY


def _sent(call) -> tuple[str, str, bytes, dict[str, str]]:
    capture = Capture()
    client = capture.client()
    call(client)
    client.close()
    [request] = capture.requests
    return request.method, str(request.url), request.content, dict(request.headers)


NAMED = {
    "create": lambda c: c.create_order(SPECS["create"].body, CREDENTIAL),
    "status": lambda c: c.order_status(ORDER_ID, CREDENTIAL),
    "balance": lambda c: c.balance(CREDENTIAL),
    "me": lambda c: c.me(CREDENTIAL),
    "subaccounts": lambda c: c.subaccounts(CREDENTIAL),
    "proxy-list": lambda c: c.proxy_list(ACCOUNT_ID, "datacenter_shared", CREDENTIAL),
}


@pytest.mark.parametrize("endpoint", sorted(NAMED))
def test_each_named_method_sends_what_its_spec_describes(endpoint):
    assert _sent(NAMED[endpoint]) == _sent(lambda c: c.send(SPECS[endpoint], CREDENTIAL))


@pytest.mark.parametrize(("account_id", "account_type"), [
    ("..", "datacenter_shared"), (ACCOUNT_ID, "../orders/balance"), (ACCOUNT_ID, "a?b=c")])
def test_a_subaccount_whose_ids_would_change_the_path_is_never_asked_for(account_id,
                                                                         account_type):
    capture = Capture()
    client = capture.client()
    with pytest.raises(api.ApiError) as caught:
        client.proxy_list(account_id, account_type, CREDENTIAL)
    client.close()
    assert caught.value.kind == "bad-response"
    assert caught.value.message.startswith(
        "The API answered a subaccount this page cannot use: The Account")
    assert capture.requests == []


# --- the fault table ----------------------------------------------------------------------

def _raise(exc: Exception):
    def answer(request):
        raise exc
    return answer


def _late(request):
    time.sleep(0.06)  # past the 0.05 s deadline these examples run with
    raise httpx.ReadTimeout("timed out", request=request)


CAP = 1024
# (what the upstream does, the index of the row it must land on), one or more per row.
EXAMPLES = [
    (lambda r: httpx.Response(302, headers={"location": "https://elsewhere.test/x"}), 0),
    (lambda r: httpx.Response(301, headers={"location": "javascript:alert(1)"}), 1),
    (lambda r: httpx.Response(200, content=b"x" * (CAP + 1)), 2),
    (lambda r: httpx.Response(200, headers={"content-length": str(CAP + 1)}), 2),
    (_raise(httpx.ConnectTimeout("timed out")), 3),
    (_raise(httpx.PoolTimeout("no free connection")), 4),
    (_raise(httpx.ConnectError("[Errno -2] Name or service not known")), 5),
    (_raise(httpx.ConnectError("[Errno 111] Connection refused")), 6),
    (_raise(httpx.UnsupportedProtocol("ftp")), 7),
    (_raise(httpx.LocalProtocolError("bad header")), 7),
    (_raise(httpx.ProxyError("proxy said no")), 7),
    (_late, 8),
    (_raise(httpx.ReadTimeout("timed out")), 9),
    (_raise(httpx.WriteTimeout("timed out")), 9),
    (lambda r: httpx.Response(200, headers={"content-encoding": "gzip"}, content=b"not gzip"),
     10),
    (_raise(httpx.RemoteProtocolError("peer closed")), 11),
    (_raise(httpx.ReadError("reset by peer")), 11),
    (_raise(httpx.InvalidURL("bad location")), 12),
    (_raise(ValueError("bad header value")), 12),
]


def test_every_row_of_the_fault_table_has_an_example_here():
    assert {row for _, row in EXAMPLES} == set(range(len(faults.FAULTS)))


@pytest.mark.parametrize("spec", [SPECS["create"], SPECS["balance"]], ids=["POST", "GET"])
@pytest.mark.parametrize(("answer", "row"), EXAMPLES, ids=[
    "redirect-to-web-url", "redirect-to-javascript", "too-large-body", "too-large-declared",
    "connect-timeout", "pool-timeout", "dns", "refused", "unsupported-protocol",
    "local-protocol-error", "proxy-error", "read-past-deadline", "read-timeout", "write-timeout",
    "bad-gzip", "remote-protocol-error", "read-error", "invalid-url", "value-error"])
def test_each_fault_lands_on_its_own_row_with_that_rows_kind_and_retries(
        monkeypatch, spec, answer, row):
    matched: list[faults.Fault | None] = []

    def recording(exc):
        found = faults.fault_for(exc)
        matched.append(found)
        return found

    monkeypatch.setattr(api, "fault_for", recording)
    capture = Capture(answer)
    client = capture.client(deadline=0.05 if answer is _late else 30.0,
                            max_response_bytes=CAP)
    with pytest.raises(api.ApiError) as caught:
        client.send(spec, CREDENTIAL)
    client.close()
    fault = faults.FAULTS[row]
    assert matched[-1] is fault
    assert caught.value.kind == fault.kind(spec.method)
    assert caught.value.method == spec.method and caught.value.path == spec.path
    retried = fault.retry_get and spec.method == "GET"
    assert len(capture.requests) == (1 + api.GET_RETRIES if retried else 1)


def test_the_order_post_is_never_retried_and_a_get_only_when_nothing_was_sent():
    for fault in faults.FAULTS:
        if fault.retry_get:  # a connection that never opened: the order was not sent either
            assert fault.post_kind != faults.UNKNOWN
            assert fault.catches[0] in (httpx.ConnectTimeout, httpx.ConnectError)


def test_every_row_formats_its_wording_for_both_methods():
    facts = {"base": BASE, "deadline": 30.0, "read_timeout": 15.0, "cap": faults.size(CAP)}
    for fault in faults.FAULTS:
        for method in ("POST", "GET"):
            text = fault.text(method, Exception("why"), **facts)
            assert text.endswith((".", ")"))
            assert "{" not in text


def test_an_exception_that_is_no_call_fault_is_not_dressed_up_as_one():
    client = Capture(_raise(RuntimeError("a bug in a transport"))).client()
    with pytest.raises(RuntimeError, match="a bug in a transport"):
        client.send(SPECS["balance"], CREDENTIAL)
    client.close()
