"""Per-site plugin enablement: one row per (Wagtail Site, plugin) that differs from the default."""

from django.core.exceptions import ValidationError
from django.db import models


class PluginSetting(models.Model):
    """Switches a plugin on or off for one site and holds its configuration there.

    No row means the plugin's default (on, unless the plugin says
    ENABLED_BY_DEFAULT = False) with its default configuration. ``config`` is
    the submitted form data; it is validated against the plugin's CONFIG_FORM
    in ``clean()`` and again when the scope is built, so a bad value is a form
    error when saved and never a 500 later.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="plugin_settings")
    plugin_id = models.CharField(max_length=100, db_index=True)
    enabled = models.BooleanField(default=True)
    config = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "plugin_id"], name="plugin_setting_unique_per_site")]
        ordering = ["site_id", "plugin_id"]

    def __str__(self):
        state = "on" if self.enabled else "off"
        return f"{self.plugin_id} {state} for {self.site}"

    def clean(self):
        from .config import validate_config
        from .host import get_host

        if self.plugin_id not in get_host().plugins:
            raise ValidationError({"plugin_id": f"No installed plugin has the id {self.plugin_id!r}."})
        if not isinstance(self.config, dict):
            raise ValidationError({"config": "The configuration must be an object of field names to values."})
        _, errors = validate_config(self.plugin_id, self.config)
        if errors:
            raise ValidationError(
                {"config": [f"{field}: {' '.join(messages)}" for field, messages in errors.items()]}
            )

    def save(self, *args, **kwargs):
        self.full_clean()
        super().save(*args, **kwargs)
