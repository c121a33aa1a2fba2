"""The themes this installation knows, read once from STOREFRONT_THEME_DIRS."""

import logging
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from .manifest import find_themes

logger = logging.getLogger("storefront.themes")


@lru_cache(maxsize=1)
def _scan(dirs):
    themes, errors = find_themes(dirs)
    for error in errors:
        logger.error("Theme skipped: %s", error)
    return themes, tuple(errors)


def themes_and_errors():
    return _scan(tuple(str(d) for d in settings.STOREFRONT_THEME_DIRS))


def get_themes():
    return themes_and_errors()[0]


def get_theme(name):
    """The named theme, or the default theme when the name is blank or unknown."""
    themes = get_themes()
    if name and name in themes:
        return themes[name]
    if name:
        logger.warning("Unknown theme %r; using %r", name, settings.STOREFRONT_DEFAULT_THEME)
    return themes.get(settings.STOREFRONT_DEFAULT_THEME)


def theme_choices():
    """Choices for the site setting: every valid theme, by display name."""
    return [("", "Default theme")] + [(name, theme.label) for name, theme in sorted(get_themes().items())]


@receiver(setting_changed)
def _forget_themes(setting, **kwargs):
    if setting in {"STOREFRONT_THEME_DIRS", "STOREFRONT_DEFAULT_THEME"}:
        _scan.cache_clear()
