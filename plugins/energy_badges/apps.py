from django.apps import AppConfig


class EnergyBadgesConfig(AppConfig):
    """Energy reports, their verification and the badges they earn."""

    name = "energy_badges"
    label = "energy_badges"
    verbose_name = "Energy badges"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .data import forget_verified_figures
        from .models import EnergyReport

        post_save.connect(forget_verified_figures, sender=EnergyReport, dispatch_uid="energy-badges-forget-save")
        post_delete.connect(forget_verified_figures, sender=EnergyReport, dispatch_uid="energy-badges-forget-delete")
