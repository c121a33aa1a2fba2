"""System checks: a plugin that failed to import, or declares a hook that does not exist, is reported at start."""

from django.core.checks import Error, Warning, register


@register("storefront_plugins")
def check_plugins(app_configs, **kwargs):
    from .host import get_host

    messages = []
    for index, problem in enumerate(get_host().problems):
        kind = Error if problem.level == "error" else Warning
        messages.append(
            kind(
                f"Plugin {problem.plugin_id!r} {problem.message}",
                hint="Fix or uninstall the plugin, or switch it off with STOREFRONT_PLUGINS_DISABLED; "
                "the rest of the site runs without it.",
                obj=problem.plugin_id,
                id="plugin_host.E001" if problem.level == "error" else "plugin_host.W001",
            )
        )
    return messages
