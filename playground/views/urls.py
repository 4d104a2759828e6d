"""The playground's own routes, namespaced ``playground`` (included by the project's urls)."""

from django.urls import path

from playground.views import builder, chaos, health, history, journal, orders, send, token, wallet

app_name = "playground"

urlpatterns = [
    path("", builder.index, name="index"),
    path("account/api-orders", builder.index, name="api_orders"),
    path("preview", builder.preview, name="preview"),
    path("snippets/<str:lang>", builder.snippet_text, name="snippet"),
    path("snippets/proxy-list/<str:lang>", orders.proxy_list_snippet, name="proxy_list_snippet"),
    path("import", builder.import_checkout, name="import_checkout"),
    path("token", token.token_use, name="token_use"),
    path("token/forget", token.token_forget, name="token_forget"),
    path("wallet", wallet.wallet, name="wallet"),
    path("send", send.send, name="send"),
    path("send/clear", builder.result_clear, name="result_clear"),
    path("orders/<str:order_id>/tracker", orders.tracker, name="tracker"),
    path("orders/<str:order_id>/proxy-list", orders.proxy_list, name="proxy_list"),
    path("history", history.history, name="history"),
    path("healthz", health.healthz, name="healthz"),
    path("sandbox/current/<str:page>", journal.current, name="sandbox_current"),
    path("sandbox/<int:sandbox_id>/journal", journal.journal_page, name="sandbox_journal"),
    path("sandbox/<int:sandbox_id>/journal/rows", journal.journal_rows,
         name="sandbox_journal_rows"),
    path("sandbox/<int:sandbox_id>/journal/<int:entry_id>", journal.journal_entry,
         name="sandbox_journal_entry"),
    path("sandbox/<int:sandbox_id>/faults", chaos.faults_page, name="sandbox_faults"),
    path("sandbox/<int:sandbox_id>/faults/arm", chaos.faults_arm, name="sandbox_faults_arm"),
    path("sandbox/<int:sandbox_id>/faults/<int:fault_id>/disarm", chaos.faults_disarm,
         name="sandbox_faults_disarm"),
]
