from django.apps import AppConfig


class ThemesConfig(AppConfig):
    """White-label themes: the site setting, the template loader, checks for broken theme folders."""

    name = "storefront.themes"
    label = "storefront_themes"
    verbose_name = "Themes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import checks  # noqa: F401  (registers the system checks)
        from .models import ThemeSettings

        post_save.connect(_forget, sender=ThemeSettings, dispatch_uid="themes-forget-save")
        post_delete.connect(_forget, sender=ThemeSettings, dispatch_uid="themes-forget-delete")
        try:
            from storefront.plugins.models import PluginSetting
        except ImportError:
            return
        # A plugin switched on or off may change the theme it chooses for the site.
        post_save.connect(_forget, sender=PluginSetting, dispatch_uid="themes-forget-plugin-save")
        post_delete.connect(_forget, sender=PluginSetting, dispatch_uid="themes-forget-plugin-delete")


def _forget(sender, instance, **kwargs):
    from .resolve import forget_site

    forget_site(instance.site_id)
