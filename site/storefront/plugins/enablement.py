"""Build the Scope for a Wagtail Site: which plugins are on there, and their configs.

The scope is read from PluginSetting rows once and cached per site; saving or
deleting a row clears that site's entry (signals in apps.py), so a request
costs one cache read, not a query per plugin.
"""

import logging

from django.core.cache import cache

from .config import default_config, validate_config
from .host import get_host
from .scope import Scope

logger = logging.getLogger("storefront.plugins")

CACHE_TIMEOUT = 300


def cache_key(site_id):
    return f"storefront:plugin-scope:{site_id}"


def _scope_data(site, host):
    from .models import PluginSetting

    rows = {row.plugin_id: row for row in PluginSetting.objects.filter(site_id=site.pk)} if site else {}
    enabled, configs = [], {}
    for plugin_id, record in host.plugins.items():
        row = rows.get(plugin_id)
        on = row.enabled if row is not None else record.meta.get("enabled_by_default", True)
        if not on:
            continue
        try:
            if row is None:
                configs[plugin_id] = default_config(plugin_id, host)
            else:
                cleaned, errors = validate_config(plugin_id, row.config, host)
                if errors:
                    # Saved before the plugin's form changed: keep the site up, leave the plugin off.
                    logger.error("Plugin %s is off for site %s: its stored config is invalid: %s", plugin_id, site, errors)
                    continue
                configs[plugin_id] = cleaned
        except Exception:
            logger.exception("Plugin %s is off for site %s: its configuration could not be read", plugin_id, site)
            continue
        enabled.append(plugin_id)
    return frozenset(enabled), configs


def scope_for_site(site, host=None):
    """The Scope for ``site`` (None gives every plugin with its default config)."""
    host = host or get_host()
    if site is None:
        enabled, configs = _scope_data(None, host)
        return Scope(site=None, enabled=enabled, configs=configs)
    # The host's token is part of the key so a test's fresh host never reads
    # the installed host's entry; every process's installed host shares one.
    key = f"{cache_key(site.pk)}:{host.token}"
    data = cache.get(key)
    if data is None:
        data = _scope_data(site, host)
        cache.set(key, data, CACHE_TIMEOUT)
    return Scope(site=site, enabled=data[0], configs=data[1])


def forget_site(site_id, host=None):
    host = host or get_host()
    cache.delete_many([f"{cache_key(site_id)}:installed.{host.generation}", f"{cache_key(site_id)}:{host.token}"])
