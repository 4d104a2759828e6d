"""The tracker after a reload tells the truth: a finished order shows how long it took by
the API's created_at and updated_at, not the seconds since the page loaded, and the
counter does not run on."""

from __future__ import annotations

from playwright.sync_api import expect

from playground.sandbox.models import Order

ORDER_TIMEOUT_MS = 15_000


def test_after_a_reload_a_processed_order_shows_the_time_it_took(app, page):
    page.goto("/")
    page.locator("form.demo-tokens").get_by_role("button", name="sandbox-full",
                                                 exact=True).click()
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#trackers .tracker-body").first).to_have_attribute(
        "data-status", "processed", timeout=ORDER_TIMEOUT_MS)

    order = Order.objects.get()  # placed ten minutes ago, processed three seconds later
    Order.objects.filter(pk=order.pk).update(created=order.created - 600,
                                             updated=order.created - 597)
    took = int(order.created - 597) - int(order.created - 600)
    page.reload()
    tracker = page.locator(f"#tracker-{order.id}")
    expect(tracker.locator(".tracker-body")).to_have_attribute("data-status", "processed")
    expect(tracker.locator(".elapsed")).to_have_text(f"{took:.1f} s")
    page.wait_for_timeout(1200)  # two ticks of the page's counter
    expect(tracker.locator(".elapsed")).to_have_text(f"{took:.1f} s")
