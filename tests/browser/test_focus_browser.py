"""Where keyboard focus is after each htmx swap: on the endpoint radio the arrow keys moved
to, on the new result after Send (and the next Tab goes on inside it), inside the live
confirmation while it is open (a dialog: it takes focus, keeps Tab inside, Enter confirms,
Escape cancels and gives focus back to Send), and on the proxy list after fetching it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from playground.sandbox.models import Order

ORDER_TIMEOUT_MS = 15_000


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def focus_is_inside(page: Page, selector: str) -> bool:
    return page.evaluate("(s) => document.querySelector(s).contains(document.activeElement)",
                         selector)


def wait_for_shape(page: Page, shape: str) -> None:
    expect(page.locator('#builder input[name="shape"]')).to_have_value(shape)
    expect(page.locator("#builder.htmx-settling, #builder.htmx-request")).to_have_count(0)


def use_token(page: Page, token: str = "sandbox-full") -> None:
    page.get_by_role("textbox", name="API token", exact=True).fill(token)
    page.get_by_role("button", name="Use token").click()
    expect(page.locator("#token-panel .token-hint")).to_have_text("••••" + token[-4:])


def test_arrow_keys_on_the_endpoint_keep_focus_on_the_chosen_radio(app, page):
    page.goto("/")
    wait_for_shape(page, "create:new_datacenter_shared:form")
    page.get_by_role("radio", name="Place order").focus()

    page.keyboard.press("ArrowRight")
    wait_for_shape(page, "status:new_datacenter_shared:form")
    assert focused_id(page) == "endpoint-status"
    expect(page.get_by_role("radio", name="Order status")).to_be_checked()

    page.keyboard.press("ArrowRight")
    wait_for_shape(page, "balance:new_datacenter_shared:form")
    assert focused_id(page) == "endpoint-balance"

    page.keyboard.press("ArrowLeft")
    wait_for_shape(page, "status:new_datacenter_shared:form")
    assert focused_id(page) == "endpoint-status"


def test_edit_as_radios_keep_focus_when_the_builder_re_renders(app, page):
    page.goto("/")
    wait_for_shape(page, "create:new_datacenter_shared:form")
    page.get_by_role("radio", name="Form").focus()
    page.keyboard.press("ArrowRight")
    wait_for_shape(page, "create:new_datacenter_shared:raw")
    assert focused_id(page) == "mode-raw"


def test_after_send_focus_is_on_the_result_and_the_next_tab_stays_in_it(app, page):
    page.goto("/?endpoint=balance")
    use_token(page)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#result .http-status")).to_have_text("HTTP 200")
    expect(page.locator("#result")).to_be_focused()

    # Tab walks on inside the result (headers, Copy) to its body, never back to <body>.
    body = page.get_by_role("region", name="Response body")
    for _ in range(4):
        page.keyboard.press("Tab")
        assert focus_is_inside(page, "#result")
        if body.evaluate("el => el === document.activeElement"):
            break
    expect(body).to_be_focused()


def test_the_live_confirmation_is_a_dialog_escape_cancels_and_enter_confirms(
        app, page, settings):
    settings.PROXYSCRAPE_API_BASE = f"{app}/sandbox"
    page.goto("/")
    use_token(page)
    send = page.locator("#send-request")
    send.click()

    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_be_visible()
    confirm = dialog.get_by_role("button", name="Yes, place this order and debit my wallet")
    cancel = dialog.get_by_role("button", name="Cancel")
    expect(confirm).to_be_focused()
    # Tab and Shift+Tab go round inside the dialog.
    page.keyboard.press("Tab")
    expect(cancel).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("region", name="The order's body")).to_be_focused()
    page.keyboard.press("Tab")
    expect(confirm).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(dialog.get_by_role("region", name="The order's body")).to_be_focused()

    page.keyboard.press("Escape")
    expect(page.get_by_role("alertdialog")).to_have_count(0)
    expect(send).to_be_focused()
    assert Order.objects.count() == 0

    page.keyboard.press("Enter")  # Send again, from the keyboard
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#result .result-title")).to_have_text("Order placed.")
    expect(page.locator("#result")).to_be_focused()
    assert Order.objects.count() == 1


def test_fetching_the_proxy_list_puts_focus_on_the_list(app, page):
    page.goto("/")
    use_token(page)
    page.get_by_role("button", name="Send request").click()
    expect(page.locator("#trackers .tracker-body").first).to_have_attribute(
        "data-status", "processed", timeout=ORDER_TIMEOUT_MS)
    page.get_by_role("button", name="Fetch proxy list").click()
    order = Order.objects.get()
    expect(page.get_by_role("region", name=f"Proxy list of order {order.id}",
                             exact=True)).to_be_focused()
