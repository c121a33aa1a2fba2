"""The site-aware template lookup: the site's theme first, then plugins, then the core.

``ThemeLoader`` yields the active theme's templates/ folder; the project's
TEMPLATES puts it first inside ``CachedThemeLoader``, whose cache key
includes the theme name, so each theme's compiled templates are cached
separately and one site never gets another site's cached template.

A theme template may extend the template it replaces
(``{% extends "oscar/layout.html" %}`` inside the theme's own
oscar/layout.html): Django skips the origin already used and finds the core one.
"""

from django.template.loaders.cached import Loader as CachedLoader
from django.template.loaders.filesystem import Loader as FilesystemLoader

from .active import active_theme


class ThemeLoader(FilesystemLoader):
    def get_dirs(self):
        theme = active_theme()
        return [theme.templates_dir] if theme is not None and theme.templates_dir.is_dir() else []


class CachedThemeLoader(CachedLoader):
    def cache_key(self, template_name, skip=None):
        theme = active_theme()
        return f"{theme.name if theme else '-'}:{super().cache_key(template_name, skip)}"
