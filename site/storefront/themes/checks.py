"""System checks: broken theme folders and an unknown default theme are reported at start."""

from django.conf import settings
from django.core.checks import Error, Warning, register

from .registry import themes_and_errors


@register("storefront_themes")
def check_themes(app_configs, **kwargs):
    themes, errors = themes_and_errors()
    messages = [Warning(error, hint="Fix the theme's manifest; sites using it fall back to the default theme.",
                        id="storefront_themes.W001") for error in errors]
    if settings.STOREFRONT_DEFAULT_THEME not in themes:
        messages.append(
            Error(
                f"STOREFRONT_DEFAULT_THEME is {settings.STOREFRONT_DEFAULT_THEME!r}, which is not a valid theme "
                f"in {', '.join(map(str, settings.STOREFRONT_THEME_DIRS))}.",
                hint=f"Use one of: {', '.join(sorted(themes)) or '(none found)'}.",
                id="storefront_themes.E001",
            )
        )
    return messages
