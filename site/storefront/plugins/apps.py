from django.apps import AppConfig


class PluginHostConfig(AppConfig):
    """The plugin host: loads plugins at start, reports problems, wires start-up hooks."""

    name = "storefront.plugins"
    label = "plugin_host"
    verbose_name = "Plugins"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import logging

        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from . import events
        from .dashboard import add_dashboard_navigation
        from .host import installed_host
        from .models import PluginSetting
        from .search import connect_search

        host = installed_host()
        for problem in host.problems:
            logging.getLogger("storefront.plugins").log(
                logging.ERROR if problem.level == "error" else logging.WARNING,
                "Plugin %s: %s", problem.plugin_id, problem.message,
            )
        add_dashboard_navigation(host)
        connect_search(host)
        events.connect()
        post_save.connect(_forget_site, sender=PluginSetting, dispatch_uid="plugin-host-forget-site-save")
        post_delete.connect(_forget_site, sender=PluginSetting, dispatch_uid="plugin-host-forget-site-delete")


def _forget_site(sender, instance, **kwargs):
    from .enablement import forget_site
    from .host import get_host
    from .search import reindex_all_products

    forget_site(instance.site_id)
    # Visibility rules live in the search index (plugin_hidden_on): refresh it.
    host = get_host()
    if instance.plugin_id in host.plugins and "storefront_product_filter" in host.implemented_hooks(instance.plugin_id):
        reindex_all_products()
