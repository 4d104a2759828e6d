"""What a screen reader hears while an order runs: its tracker's live region changes once
per status (the elapsed counter ticking and "checking…" between polls stay out of every
live region), and the result's explanation is inside the result's announced region."""

from __future__ import annotations

from playwright.sync_api import expect

from playground.sandbox.models import Order

SLOW_ORDER_TIMEOUT_MS = 20_000

# Records, from before the page's scripts run, every change to the text of a live region
# under #trackers, and each status a tracker body shows as it is swapped in.
WATCH = """
window.__liveChanges = [];
window.__statuses = [];
document.addEventListener("DOMContentLoaded", () => {
  const live = '[aria-live], [role="status"], [role="alert"], [role="log"]';
  new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === 1 ? record.target : record.target.parentElement;
      const region = node && node.closest(live);
      if (region && region.closest("#trackers")) {
        window.__liveChanges.push(region.textContent);
      }
      for (const added of record.addedNodes) {
        if (added.nodeType === 1 && added.matches(".tracker-body[data-status]")) {
          window.__statuses.push(added.dataset.status);
        }
      }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
});
"""


def test_a_slow_order_is_announced_once_per_status_and_never_its_timer(app, page, settings):
    settings.ORDER_POLL_INTERVAL = 0.4  # many polls, most of them with nothing new
    page.add_init_script(WATCH)
    page.goto("/?type=new_datacenter_shared&coupon_code=SANDBOX-SLOW")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••full")
    page.get_by_role("button", name="Send request").click()
    tracker = page.locator("#trackers .tracker").first
    expect(tracker.locator(".tracker-body")).to_have_attribute(
        "data-status", "processed", timeout=SLOW_ORDER_TIMEOUT_MS)
    order = Order.objects.get()
    assert order.status == Order.PROCESSED

    statuses = page.evaluate("window.__statuses")
    changes = [s for i, s in enumerate(statuses) if i == 0 or statuses[i - 1] != s]
    assert changes == ["paid", "processed"]
    assert page.evaluate("window.__liveChanges") == [
        f"Order {order.id}: paid. Paid: the wallet was debited; waiting for the processor.",
        f"Order {order.id}: processed. Processed: the subaccount is ready.",
    ]
    # The counter did tick while it ran, outside every live region.
    assert page.locator(".tracker .elapsed").count() == 1
    assert page.locator("[aria-live] .elapsed, [role=status] .elapsed, "
                        "[aria-live] .poll-indicator, [role=status] .poll-indicator").count() == 0


def test_an_error_result_has_its_explanation_in_the_announced_region(app, page):
    page.goto("/?endpoint=balance")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-writeonly",
                                                 exact=True).click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••only")
    page.get_by_role("button", name="Send request").click()
    announced = page.locator("#result [role=status]")
    expect(announced).to_have_count(1)
    expect(announced.locator(".http-status")).to_have_text("HTTP 403")
    expect(announced.locator(".explanation .result-title")).to_have_text(
        "This account lacks a permission (403).")
    expect(announced.locator(".explanation .result-action")).to_contain_text("Ask support")


def test_a_write_only_token_shows_the_refused_status_read_and_stops(app, page):
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-writeonly",
                                                 exact=True).click()
    page.get_by_role("button", name="Send request").click()
    tracker = page.locator("#trackers .tracker").first
    expect(tracker.locator(".explanation .result-title")).to_have_text(
        "This account lacks a permission (403).")
    expect(tracker.locator(".status")).to_have_text("unknown")
    expect(tracker).not_to_contain_text("waiting for the processor")
    expect(tracker.get_by_role("button", name="Keep waiting")).to_have_count(0)
    expect(tracker.locator(".tracker-announce")).to_have_text(
        f"Order {Order.objects.get().id}: unknown. This account lacks a permission (403). "
        "Reading order status via the API-ordering endpoint is not enabled for this account. "
        "Contact support to request access. Ask support to enable "
        "account:api_ordering:read for the account; it is granted by an admin only.")
