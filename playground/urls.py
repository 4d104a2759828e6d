from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("playground.views.urls", namespace="playground")),
    path("sandbox/", include("playground.sandbox.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
