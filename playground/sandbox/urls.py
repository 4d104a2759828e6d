from django.urls import include, path

from playground.sandbox import feed, views

app_name = "sandbox"

urlpatterns = [
    path("", views.console, name="console"),
    path("console/top-up", views.top_up, name="top_up"),
    path("console/refund", views.refund, name="refund"),
    path("console/jwt", views.issue_jwt, name="jwt"),
    path("journal", feed.journal_feed, name="journal_feed"),
    path("", include("playground.sandbox.api_urls")),
]
