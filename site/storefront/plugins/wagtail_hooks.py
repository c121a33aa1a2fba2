"""Put the plugins page in the Wagtail admin, under Settings, for users allowed to manage plugins."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_plugin_admin_urls():
    urls = [
        path("", admin_views.plugin_list, name="list"),
        path("<str:plugin_id>/reset/", admin_views.plugin_reset, name="reset"),
        path("<str:plugin_id>/<int:site_id>/toggle/", admin_views.plugin_toggle, name="toggle"),
        path("<str:plugin_id>/<int:site_id>/", admin_views.plugin_configure, name="configure"),
    ]
    return [path("plugins/", include((urls, "storefront_plugins")))]


class PluginsMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_manage_plugins(request.user)


@hooks.register("register_settings_menu_item")
def register_plugins_menu_item():
    return PluginsMenuItem("Plugins", reverse("storefront_plugins:list"), icon_name="cogs", order=900)
