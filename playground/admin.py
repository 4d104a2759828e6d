from django.contrib import admin

from playground.models import Call


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ("created", "owner", "user", "environment", "method", "path", "http_status",
                    "outcome", "order_status")
    list_filter = ("environment", "endpoint", "http_status", "outcome", "order_status")
    search_fields = ("order_id", "path", "owner")
    readonly_fields = [f.name for f in Call._meta.fields]
