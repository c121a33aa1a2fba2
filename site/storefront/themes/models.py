"""The per-site theme choice: a Wagtail site setting, edited under Settings > Theme."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .registry import get_themes, theme_choices


@register_setting(icon="image")
class ThemeSettings(BaseSiteSetting):
    theme = models.CharField(
        max_length=100,
        blank=True,
        choices=theme_choices,
        help_text="The white-label theme of this site. Blank uses the theme a plugin chooses, else the default.",
    )

    class Meta:
        verbose_name = "Theme"

    def clean(self):
        if self.theme and self.theme not in get_themes():
            raise ValidationError({"theme": f"There is no theme called {self.theme!r}."})

    def save(self, *args, **kwargs):
        self.full_clean(exclude=["site"])
        super().save(*args, **kwargs)
