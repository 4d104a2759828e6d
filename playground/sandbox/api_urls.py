"""The sandbox API's routes, relative to its base URL (``<host>/sandbox``).

Also used on its own by the in-process transport (``playground.sandbox_transport``).
"""

from django.urls import path, re_path

from playground.sandbox import api_views

urlpatterns = [
    path("v4/account/orders/create", api_views.create_order),
    path("v4/account/orders/balance", api_views.balance),
    path("v4/account/orders/<str:order_id>/status", api_views.order_status),
    path("v4/account/auth/me", api_views.me),
    path("v4/account/subaccounts", api_views.subaccounts),
    path("v4/account/<uuid:subaccount_id>/<slug:account_type>/proxy-list", api_views.proxy_list),
    re_path(r"^v4/(?P<path>.*)$", api_views.not_found),
]
