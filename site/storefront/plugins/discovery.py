"""Find installed plugins through the ``storefront.plugins`` entry-point group.

First-party plugins in the repository's plugins/ folder are registered in
pyproject.toml exactly like third-party ones, so this is the only way a
plugin is ever found. Nothing here imports Django: the settings module calls
``plugin_apps()`` to add enabled plugins' Django apps to INSTALLED_APPS.

A plugin that fails to import is recorded with its error instead of raising,
so one broken plugin cannot stop the site from starting; the host reports it
through ``manage.py check``, the log and ``manage.py plugins``.
"""

import importlib.metadata
import logging
import re
import traceback
from dataclasses import dataclass, field

from . import ENTRY_POINT_GROUP

logger = logging.getLogger("storefront.plugins")

PLUGIN_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass
class DiscoveredPlugin:
    """One entry point and what came of importing it."""

    id: str
    target: str  # the entry point's value, e.g. "energy_badges.plugin"
    version: str = ""
    distribution: str = ""
    module: object = None
    error: str = ""
    disabled: bool = False  # switched off globally by STOREFRONT_PLUGINS_DISABLED
    meta: dict = field(default_factory=dict)

    @property
    def loaded(self):
        return self.module is not None and not self.error


def plugin_meta(module):
    """The optional module-level declarations a plugin makes about itself."""
    return {
        "label": getattr(module, "LABEL", "") or "",
        "description": (getattr(module, "DESCRIPTION", "") or (module.__doc__ or "")).strip().split("\n")[0],
        "django_app": getattr(module, "DJANGO_APP", None),
        "config_form": getattr(module, "CONFIG_FORM", None),
        "hookspecs": getattr(module, "HOOKSPECS", None),
        "enabled_by_default": bool(getattr(module, "ENABLED_BY_DEFAULT", True)),
        # dotted path of a function(content_dir, progress) -> dict that `manage.py load_demo` calls
        "demo_loader": getattr(module, "DEMO_LOADER", None),
    }


def load_entry_point(entry_point, *, disabled=()):
    """Import one entry point into a DiscoveredPlugin, capturing any error."""
    dist = getattr(entry_point, "dist", None)
    found = DiscoveredPlugin(
        id=entry_point.name,
        target=entry_point.value,
        version=(dist.version if dist is not None else "") or "",
        distribution=(dist.metadata["Name"] if dist is not None else "") or "",
        disabled=entry_point.name in disabled,
    )
    if not PLUGIN_ID_RE.match(entry_point.name):
        found.error = (
            f"the entry point name {entry_point.name!r} is not a valid plugin id: "
            f"use lower-case letters, digits and underscores, starting with a letter"
        )
        return found
    if found.disabled:
        return found
    try:
        found.module = entry_point.load()
    except Exception as exc:  # any error in third-party code must not stop the site
        found.error = f"import of {entry_point.value!r} failed: {exc.__class__.__name__}: {exc}"
        logger.error("Plugin %s failed to load:\n%s", entry_point.name, traceback.format_exc())
        return found
    found.meta = plugin_meta(found.module)
    # A plugin's own __version__ wins: first-party plugins share the project's
    # distribution, whose version says nothing about the plugin.
    found.version = str(getattr(found.module, "__version__", "") or found.version)
    return found


def discover(*, disabled=(), entry_points=None):
    """Every plugin in the entry-point group, sorted by id.

    ``entry_points`` replaces the installed ones (tests use it to feed broken
    plugins); duplicated ids keep the first and record an error on the rest.
    """
    if entry_points is None:
        entry_points = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    seen = {}
    found = []
    for entry_point in sorted(entry_points, key=lambda ep: ep.name):
        if entry_point.name in seen:
            found.append(
                DiscoveredPlugin(
                    id=entry_point.name,
                    target=entry_point.value,
                    error=f"the plugin id {entry_point.name!r} is also used by {seen[entry_point.name]!r}",
                )
            )
            continue
        seen[entry_point.name] = entry_point.value
        found.append(load_entry_point(entry_point, disabled=set(disabled)))
    return found


_installed = None


def installed_plugins(disabled=None):
    """The discovery result for this process, computed once.

    ``disabled`` is only read on the first call (from the settings module);
    later callers get the same list.
    """
    global _installed
    if _installed is None:
        _installed = discover(disabled=disabled or ())
    return _installed


def plugin_apps(disabled=()):
    """Django app paths of the installed, loaded and globally enabled plugins."""
    return [
        plugin.meta["django_app"]
        for plugin in installed_plugins(disabled)
        if plugin.loaded and not plugin.disabled and plugin.meta.get("django_app")
    ]
