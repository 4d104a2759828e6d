from django.urls import include, path

from playground.sandbox import clock_views, feed, sandbox_views, views

app_name = "sandbox"

urlpatterns = [
    path("", views.console, name="console"),
    path("console/top-up", views.top_up, name="top_up"),
    path("console/refund", views.refund, name="refund"),
    path("console/jwt", views.issue_jwt, name="jwt"),
    path("console/sandboxes/new", sandbox_views.create, name="sandbox_create"),
    path("console/sandboxes/switch", sandbox_views.switch, name="sandbox_switch"),
    path("console/sandboxes/reset", sandbox_views.reset, name="sandbox_reset"),
    path("console/sandboxes/delete", sandbox_views.delete, name="sandbox_delete"),
    path("console/tokens/reveal", sandbox_views.reveal, name="token_reveal"),
    path("console/tokens/regenerate", sandbox_views.regenerate, name="token_regenerate"),
    path("console/clock/hold", clock_views.hold, name="clock_hold"),
    path("console/clock/resume", clock_views.resume, name="clock_resume"),
    path("console/clock/advance", clock_views.advance, name="clock_advance"),
    path("console/clock/release", clock_views.release_all, name="clock_release"),
    path("console/clock/order", clock_views.order_action, name="clock_order"),
    path("journal", feed.journal_feed, name="journal_feed"),
    path("", include("playground.sandbox.api_urls")),
]
