"""Celery beat entries contributed by plugins (merged into the beat schedule by storefront.celery)."""

from .host import installed_host


def plugin_periodic_tasks(host=None):
    schedule = {}
    for plugin_id, entries in (host or installed_host()).collect_startup("storefront_periodic_tasks"):
        for key, entry in entries.items():
            schedule[key if key.startswith(plugin_id) else f"{plugin_id}.{key}"] = entry
    return schedule
