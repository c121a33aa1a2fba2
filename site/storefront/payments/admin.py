"""Django admin for the payments layer: staff set growers' commission rates; the rest is read-only.

Payments, transfers, refunds and webhook events are records of what happened
at Stripe; they are changed only by the code paths that talk to Stripe, so
the admin shows them without edit or delete.
"""

from django.contrib import admin

from .models import Dispute, Payment, Refund, SellerAccount, Transfer, WebhookEvent


@admin.register(SellerAccount)
class SellerAccountAdmin(admin.ModelAdmin):
    list_display = ("partner", "account_id", "charges_enabled", "payouts_enabled", "commission_percent")
    list_editable = ("commission_percent",)
    search_fields = ("partner__name", "account_id")
    readonly_fields = ("account_id", "charges_enabled", "payouts_enabled", "details_submitted", "synced_event_created")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("intent_id", "basket", "order", "status", "amount", "amount_captured", "amount_refunded", "created_at")
    list_filter = ("status", "disputed")
    search_fields = ("intent_id", "order__number")


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("order", "partner", "amount", "commission", "amount_reversed", "status", "transfer_id")
    list_filter = ("status",)
    search_fields = ("order__number", "transfer_id", "partner__name")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("order", "sequence", "amount", "status", "refund_id", "created_by", "created_at")
    list_filter = ("status",)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ("event_id", "type", "status", "attempts", "received_at", "processed_at")
    list_filter = ("status", "type")
    search_fields = ("event_id",)


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("dispute_id", "payment", "amount", "reason", "status", "created_at")
