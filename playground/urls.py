from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("playground.views.urls", namespace="playground")),
    path("", include("playground.contract.urls")),
    path("sandbox/", include("playground.sandbox.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
