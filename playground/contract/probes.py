"""Check the API: read-only probes of the configured API base against the contract (the
OpenAPI document's schemas and the documented error texts), and what they say about each
of the sandbox's assumptions.

Every probe is a GET; nothing here can place an order (``_call`` refuses any other
method). A result is plain data (dicts and lists), so it can be kept in the session.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field

from playground import redaction
from playground.api import ApiError, Credential, get_client
from playground.contract import errors, openapi
from playground.contract.shapes import Shapes, shown
from playground.spec import RequestSpec

PASS, DIFFER, SKIPPED, FAILED = "pass", "differ", "skipped", "error"
MAX_ORDERS = 5
MAX_SEEN = 400  # characters of an answer shown per probe
INVALID_TOKEN_PREFIX = "playground-check-invalid-"


@dataclass
class Probe:
    key: str
    label: str
    request: str  # "GET /v4/..."
    expected: str
    outcome: str = SKIPPED
    seen: str = ""
    differences: list[str] = field(default_factory=list)


class ReadOnly(Exception):
    pass


def _call(spec: RequestSpec, credential: Credential):
    """The one way a probe reaches the API: GETs only."""
    if spec.method != "GET":
        raise ReadOnly(f"Check the API never sends {spec.method} {spec.path}.")
    return get_client().send(spec, credential)


def _seen(response) -> str:
    return redaction.redact(f"HTTP {response.status_code} {response.text[:MAX_SEEN]}")


class Checker:
    def __init__(self) -> None:
        document = openapi.document(sandbox_url=None)
        self.shapes = Shapes(document["components"]["schemas"])
        self.probes: list[Probe] = []

    def _probe(self, key: str, label: str, spec: RequestSpec, credential: Credential | None,
               expected: str, judge) -> Probe:
        probe = Probe(key, label, f"{spec.method} {spec.path}", expected)
        self.probes.append(probe)
        if credential is None:
            probe.seen = "Not run: no token is stored (enter one in the playground first)."
            return probe
        try:
            response = _call(spec, credential)
        except ApiError as exc:
            probe.outcome, probe.seen = FAILED, redaction.redact(f"{exc.kind}: {exc.message}")
            return probe
        probe.seen = _seen(response)
        probe.differences = judge(response)
        probe.outcome = DIFFER if probe.differences else PASS
        return probe

    # --- what an answer must be --------------------------------------------------------

    def success(self, schema_name: str):
        def judge(response) -> list[str]:
            found = [] if response.status_code == 200 else [
                f"HTTP status: expected 200, seen {response.status_code}"]
            payload = response.payload
            if payload.get("success") is not True:
                told = f" (error {shown(payload['error'])})" if "error" in payload else ""
                return [*found, f"success: expected true, seen {shown(payload.get('success'))}"
                        + told]
            if "data" not in payload:
                return [*found, "data: missing"]
            return found + self.shapes.differences(payload["data"],
                                                   {"$ref": f"#/{schema_name}"}, "data")
        return judge

    @staticmethod
    def refusal(status: int, text: str):
        def judge(response) -> list[str]:
            found = [] if response.status_code == status else [
                f"HTTP status: expected {status}, seen {response.status_code}"]
            if response.payload.get("success") is not False:
                found.append(f"success: expected false, seen "
                             f"{shown(response.payload.get('success'))}")
            if response.payload.get("error") != text:
                found.append(f"error: expected {shown(text)}, seen "
                             f"{shown(response.payload.get('error'))}")
            return found
        return judge

    # --- the probes ----------------------------------------------------------------------

    def run(self, credential: Credential | None, *, order_ids: list[str],
            no_read: Credential | None = None) -> list[Probe]:
        unknown = str(uuid.uuid4())
        self._probe("balance", "Balance: shape and types", RequestSpec.balance(), credential,
                    "HTTP 200, data {balance: number, currency: string}",
                    self.success("Balance"))
        self._probe("unknown-order", "Status of an order that does not exist",
                    RequestSpec.status(unknown), credential,
                    f"HTTP 404, error {shown(errors.ERRORS['status'][404][0][1])}",
                    self.refusal(404, errors.ERRORS["status"][404][0][1]))
        invalid = Credential(INVALID_TOKEN_PREFIX + uuid.uuid4().hex)
        self._probe("invalid-token", "A deliberately invalid token", RequestSpec.balance(),
                    invalid, f"HTTP 401, error {shown(errors.UNAUTHENTICATED)}",
                    self.refusal(401, errors.UNAUTHENTICATED))
        read_403 = errors.ERRORS["status"][403][0][1]
        balance_403 = errors.ERRORS["balance"][403][0][1]
        self._probe("no-read-status", "Status without read permission (your second token)",
                    RequestSpec.status(unknown), no_read,
                    f"HTTP 403, error {shown(read_403)}", self.refusal(403, read_403))
        self._probe("no-read-balance", "Balance without read permission (your second token)",
                    RequestSpec.balance(), no_read, f"HTTP 403, error {shown(balance_403)}",
                    self.refusal(403, balance_403))
        if no_read is None:
            for probe in self.probes[-2:]:
                probe.seen = "Not run: give a token without read permission to run it."
        self._probe("me", "Who am I (assumed path)", RequestSpec.me(), credential,
                    "HTTP 200, data {email: string, api_ordering_discount: number, …}",
                    self.success("Me"))
        self._probe("subaccounts", "Subaccounts (assumed data.subaccounts shape)",
                    RequestSpec.subaccounts(), credential,
                    "HTTP 200, data {subaccounts: [subaccount object, …]}",
                    self.success("SubaccountList"))
        for order_id in order_ids[:MAX_ORDERS]:
            self._probe(f"order:{order_id}", "Status of a recent order from History",
                        RequestSpec.status(order_id), credential,
                        "HTTP 200, data: the order object (and its subaccount object)",
                        self.success("Order"))
        return self.probes


# --- the README's "What the sandbox assumes", judged by the probes ----------------------------

# (key, the assumption, probe keys that decide it, how it could be known when none can)
ASSUMPTIONS = (
    ("product-shapes", "The new_datacenter_dedicated, new_residential_unlimited and new_serp "
     "field shapes; the residential-unlimited server-location ids", (),
     "Only placing an order shows it; Check the API never places one."),
    ("prices", "All prices, the single-country markup, expiring-pack discounts, the EU VAT "
     "table", (), "The live API prices orders itself; only placing one shows its price."),
    ("balance-403", "The balance 403 text", ("no-read-balance",),
     "Give a token without read permission to check it."),
    ("sandbox-texts", "\u201cInvalid coupon code.\u201d, \u201cRequest body must be a JSON "
     "object.\u201d, \u201cSubaccount not found.\u201d", (),
     "These answer orders and proxy lists only; Check the API sends neither."),
    ("me-path", f"The me endpoint path ({RequestSpec.me().path})", ("me",), ""),
    ("subaccounts-shape", "The data.subaccounts shape", ("subaccounts",), ""),
    ("country-aliases", "Country aliases such as \u201cUnited States\u201d", (),
     "Only placing an order shows it."),
    ("strict-json", "Bodies nested over 32 levels, or holding a NUL or a lone surrogate, get "
     "the JSON-object 400", (), "Only placing an order shows it."),
    ("wallet-limit", "A console top-up may not take a wallet past 1,000,000.00 USD", (),
     "A sandbox console rule; the live API has no console."),
)
CONFIRMED, CONTRADICTED, UNKNOWN = "confirmed", "contradicted", "unknown"


def judge_assumptions(probes: list[Probe]) -> list[dict]:
    by_key = {p.key: p for p in probes}
    verdicts = []
    for key, text, deciding, otherwise in ASSUMPTIONS:
        ran = [by_key[k] for k in deciding if k in by_key and by_key[k].outcome in (PASS, DIFFER)]
        if not ran:
            verdict, detail = UNKNOWN, otherwise or "The probe that decides it did not run."
        elif any(p.outcome == DIFFER for p in ran):
            verdict = CONTRADICTED
            detail = "; ".join(d for p in ran for d in p.differences)
        else:
            verdict, detail = CONFIRMED, "As assumed."
        verdicts.append({"key": key, "assumption": text, "verdict": verdict, "detail": detail})
    return verdicts


def check(credential: Credential | None, *, order_ids: list[str], base: str,
          no_read: Credential | None = None) -> dict:
    """Run every probe; the result as plain data, dated."""
    probes = Checker().run(credential, order_ids=order_ids, no_read=no_read)
    return {"checked_at": time.time(), "base": base,
            "probes": [asdict(p) for p in probes],
            "assumptions": judge_assumptions(probes),
            "passed": all(p.outcome in (PASS, SKIPPED) for p in probes)}
