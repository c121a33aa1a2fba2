from django.apps import AppConfig


class VibeLuxConfig(AppConfig):
    """Grow-room data from VibeLux, the listings made from it and the lot allocations of order lines."""

    name = "vibelux"
    label = "vibelux"
    verbose_name = "VibeLux grow rooms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_save
        from oscar.core.loading import get_model

        from .traceability import allocate_line_to_lots

        # post_save of the order line runs inside the order placement's transaction, so a
        # line and its lot allocations are committed (or rolled back) together.
        post_save.connect(allocate_line_to_lots, sender=get_model("order", "Line"), dispatch_uid="vibelux-allocate-lots")
