"""Template loader for plugins' own templates, searched after the site's theme and before the core.

Plugin apps join INSTALLED_APPS after Oscar, so Django's app_directories
loader would find Oscar's template of the same name first; this loader puts
installed plugins' templates/ folders ahead of the core.
"""

from pathlib import Path

from django.apps import apps
from django.template.loaders.filesystem import Loader as FilesystemLoader

from .discovery import installed_plugins


def plugin_template_dirs():
    dirs = []
    app_names = {p.meta.get("django_app") for p in installed_plugins() if p.loaded and not p.disabled}
    for config in apps.get_app_configs():
        if config.name in app_names or f"{config.__module__}.{config.__class__.__name__}" in app_names:
            path = Path(config.path) / "templates"
            if path.is_dir():
                dirs.append(path)
    return dirs


class PluginTemplateLoader(FilesystemLoader):
    def get_dirs(self):
        return plugin_template_dirs()
