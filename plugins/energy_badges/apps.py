from django.apps import AppConfig


class EnergyBadgesConfig(AppConfig):
    """Energy reports, their verification and the badges they earn."""

    name = "energy_badges"
    label = "energy_badges"
    verbose_name = "Energy badges"
    default_auto_field = "django.db.models.BigAutoField"
