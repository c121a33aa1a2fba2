"""StreamField blocks contributed by plugins, for the CMS's page bodies.

``storefront.cms.fields.PluginStreamField`` adds ``plugin_blocks()`` to the
home, landing and standard page bodies. They are collected from every
globally enabled plugin at start; a block's name is stored in page content,
so the list only grows.

A plugin's block renders nothing on a site where that plugin is switched off:
the editor may have placed it on a page that several sites share, and a
switched-off plugin must leave no trace on that site.
"""

from .host import installed_host
from .scope import current_scope


def plugin_blocks(host=None):
    """``[(name, block)]`` from every plugin's ``storefront_wagtail_blocks``; first name wins."""
    blocks, seen = [], set()
    for plugin_id, contributed in (host or installed_host()).collect_startup("storefront_wagtail_blocks"):
        for name, block in contributed:
            if name not in seen:
                seen.add(name)
                blocks.append((name, _rendered_only_where_enabled(plugin_id, block)))
    return blocks


def _rendered_only_where_enabled(plugin_id, block):
    """Make ``block.render`` return "" while a site without ``plugin_id`` is being served.

    Outside a request (the admin's previews, scripts) there is no scope and the
    block renders as usual.
    """
    render = block.render

    def render_where_enabled(value, context=None):
        scope = current_scope.get()
        if scope is not None and not scope.allows(plugin_id):
            return ""
        return render(value, context=context)

    block.render = render_where_enabled
    return block
