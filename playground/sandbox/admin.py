from django.contrib import admin

from playground.sandbox.models import Account, Order


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "can_read", "can_write", "balance", "discount_percent")
    exclude = ("token_hash",)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "account", "type", "price", "status", "outcome")
    list_filter = ("status", "type")
    readonly_fields = ("received", "body")
