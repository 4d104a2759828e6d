from django.urls import path

from playground.contract import views

app_name = "contract"

urlpatterns = [
    path("openapi.json", views.openapi_json, name="openapi"),
    path("check", views.check_page, name="check"),
    path("export", views.export_page, name="export"),
    path("export/postman/collection.json", views.postman_collection, name="postman_collection"),
    path("export/postman/history.json", views.postman_history, name="postman_history"),
    path("export/postman/environment.json", views.postman_environment,
         name="postman_environment"),
]
