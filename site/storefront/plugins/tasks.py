"""Celery tasks that run plugins' event hooks, one plugin per task, with retries.

``PluginHost.emit`` queues these after the transaction commits. Event
implementations get ids, must be idempotent (a retried task calls them
again) and may raise to ask for a retry.
"""

import logging

from celery import shared_task

logger = logging.getLogger("storefront.plugins")


@shared_task(bind=True, max_retries=5, retry_backoff=True, retry_backoff_max=600, retry_jitter=True)
def run_event(self, plugin_id, hook_name, site_id, kwargs):
    from .enablement import scope_for_site
    from .host import get_host

    host = get_host()
    if plugin_id not in host.plugins:
        logger.warning("Event %s for plugin %s dropped: the plugin is no longer installed", hook_name, plugin_id)
        return "not-installed"
    site = None
    if site_id is not None:
        from wagtail.models import Site

        site = Site.objects.filter(pk=site_id).first()
    scope = scope_for_site(site, host)
    if not scope.allows(plugin_id):
        return "disabled"
    try:
        host.call_one(plugin_id, hook_name, scope=scope, site_id=site_id, **kwargs)
    except Exception as exc:
        logger.warning("Plugin %s failed in %s (attempt %d): %s", plugin_id, hook_name, self.request.retries + 1, exc)
        raise self.retry(exc=exc) from exc
    return "done"
