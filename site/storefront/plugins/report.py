"""One description of every plugin, for `manage.py plugins` and the Wagtail admin page."""

from .host import get_host


def plugin_report(host=None, sites=None):
    """A list of dicts, one per plugin (registered, failed or switched off globally), sorted by id."""
    from wagtail.models import Site

    from .enablement import scope_for_site

    host = host or get_host()
    sites = list(Site.objects.order_by("hostname", "port")) if sites is None else sites
    scopes = {site.pk: scope_for_site(site, host) for site in sites}
    failing = host.failing()
    problems = {}
    for problem in host.problems:
        problems.setdefault(problem.plugin_id, []).append(problem.message)
    rows = []
    for plugin_id, record in host.plugins.items():
        rows.append(
            {
                "id": plugin_id,
                "label": record.label,
                "version": record.version,
                "description": record.meta.get("description", ""),
                "django_app": record.meta.get("django_app") or "",
                "hooks": host.implemented_hooks(plugin_id),
                "state": "failing" if plugin_id in failing else "loaded",
                "enabled_on": [f"{s.hostname}:{s.port}" for s in sites if scopes[s.pk].allows(plugin_id)],
                "errors": problems.get(plugin_id, []) + ([f"breaker open: {failing[plugin_id]}"] if plugin_id in failing else []),
            }
        )
    for plugin in host.unloaded:
        rows.append(
            {
                "id": plugin.id,
                "label": (plugin.meta or {}).get("label") or plugin.id,
                "version": plugin.version,
                "description": (plugin.meta or {}).get("description", ""),
                "django_app": (plugin.meta or {}).get("django_app") or "",
                "hooks": [],
                "state": "disabled" if plugin.disabled else "error",
                "enabled_on": [],
                "errors": problems.get(plugin.id, []) if not plugin.disabled else [],
            }
        )
    return sorted(rows, key=lambda row: row["id"])
