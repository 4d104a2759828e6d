from django.contrib import admin
from django.urls import include, path

from playground import views

urlpatterns = [
    path("", views.index, name="index"),
    path("account/api-orders", views.index, name="api_orders"),
    path("preview", views.preview, name="preview"),
    path("snippets/<str:lang>", views.snippet_text, name="snippet"),
    path("snippets/proxy-list/<str:lang>", views.proxy_list_snippet, name="proxy_list_snippet"),
    path("import", views.import_checkout, name="import_checkout"),
    path("token", views.token_use, name="token_use"),
    path("token/forget", views.token_forget, name="token_forget"),
    path("wallet", views.wallet, name="wallet"),
    path("send", views.send, name="send"),
    path("send/clear", views.result_clear, name="result_clear"),
    path("orders/<str:order_id>/tracker", views.tracker, name="tracker"),
    path("orders/<str:order_id>/proxy-list", views.proxy_list, name="proxy_list"),
    path("history", views.history, name="history"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("playground.contract.urls")),
    path("sandbox/", include("playground.sandbox.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
