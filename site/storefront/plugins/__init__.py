"""The plugin host: pluggy hooks, discovery, per-site enablement, guarded calling.

Plugins import only the two markers from here at module level::

    from storefront.plugins import hookimpl

This module deliberately imports nothing from Django, because the settings
module discovers plugins (to add their apps to INSTALLED_APPS) before Django
is configured.
"""

import pluggy

PROJECT_NAME = "storefront"
ENTRY_POINT_GROUP = "storefront.plugins"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

__all__ = ["ENTRY_POINT_GROUP", "PROJECT_NAME", "hookimpl", "hookspec"]
