from django.urls import include, path

from playground import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("sandbox/", include("playground.sandbox.urls")),
]
