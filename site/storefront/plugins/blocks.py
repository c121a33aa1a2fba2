"""StreamField blocks contributed by plugins, for the CMS's page bodies.

The CMS adds ``plugin_blocks()`` to its StreamFields. Collected from every
globally enabled plugin at start; a block's name is stored in page content,
so the list only grows.
"""

from .host import installed_host


def plugin_blocks(host=None):
    blocks, seen = [], set()
    for _plugin_id, contributed in (host or installed_host()).collect_startup("storefront_wagtail_blocks"):
        for name, block in contributed:
            if name not in seen:
                seen.add(name)
                blocks.append((name, block))
    return blocks
