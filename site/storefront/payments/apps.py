from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Stripe payments, sellers' payouts and webhooks (Oscar keeps the label "payment")."""

    name = "storefront.payments"
    label = "storefront_payments"
    verbose_name = "Storefront payments"
    default_auto_field = "django.db.models.BigAutoField"
