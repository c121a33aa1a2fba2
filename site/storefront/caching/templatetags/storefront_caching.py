"""Template tags for what rarely changes: the category tree per site and purge generation, and cached fragments."""

from django import template
from django.conf import settings
from oscar.templatetags.category_tags import get_annotated_list

from storefront.caching.fragments import CSRF_PLACEHOLDER, cached_fragment, fragments_apply
from storefront.caching.keys import current_generation, page_cache
from storefront.caching.local import per_generation
from storefront.commerce.catalogue.shown import prune_tree, shown_category_paths, site_key

register = template.Library()
TREE_SECONDS = 60 * 60


@register.simple_tag(takes_context=True)
def cached_category_tree(context, depth=1):
    """Oscar's {% category_tree depth=N %} for the whole tree, read from the cache, less the empty categories.

    The key carries the page cache's generation, which a category save or
    delete bumps (storefront.caching.purge), so an edited tree shows at once.
    Only public categories are listed, so one tree serves every visitor.
    During a request the tree is kept in the process for the generation
    (storefront.caching.local), without a round trip to the shared cache.
    Categories that lead to no product on the request's site are left out
    (storefront.commerce.catalogue.shown), so the tree kept in the process
    is per site.
    """
    request = context.get("request")
    if not settings.STOREFRONT_CATEGORY_TREE_CACHE:
        return prune_tree(get_annotated_list(depth=depth), shown_category_paths(request))
    if request is None:
        return prune_tree(_shared_tree(None, depth), shown_category_paths(None))
    return per_generation(
        request,
        ("category-tree", depth, *site_key(request)),
        lambda: prune_tree(_shared_tree(request, depth), shown_category_paths(request)),
    )


def _shared_tree(request, depth):
    """The whole public tree (every site's): shared by all processes for the generation."""
    key = f"category-tree:{current_generation(request)}:{depth}"
    cache = page_cache()
    tree = cache.get(key)
    if tree is None:
        tree = get_annotated_list(depth=depth)
        cache.set(key, tree, TREE_SECONDS)
    return tree


@register.tag("cached_fragment")
def do_cached_fragment(parser, token):
    """``{% cached_fragment "name" fact ... %}...{% endcached_fragment %}``: the content, cached for anonymous visitors.

    The facts are template values that, with the site, theme, language and
    purge generation, name everything the content depends on
    (storefront.caching.fragments). Blocks inside stay blocks: a template
    extending this one overrides them as usual. If the context has a
    ``prepare_fragments`` callable, it is called once before content is
    rendered (on a miss, or for a signed-in buyer), so a view can leave the
    loading of what only the fragment reads until it is needed.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(f"'{bits[0]}' takes a fragment name, then the facts it depends on")
    nodelist = parser.parse(("endcached_fragment",))
    parser.delete_first_token()
    return CachedFragmentNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])


class CachedFragmentNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name, facts):
        self.nodelist, self.name, self.facts = nodelist, name, facts

    def render(self, context):
        request = context.get("request")
        if not fragments_apply(request):
            return self.render_content(context)
        facts = tuple(fact.resolve(context) for fact in self.facts)

        def render():
            with context.push(csrf_token=CSRF_PLACEHOLDER):
                return self.render_content(context)

        return cached_fragment(request, self.name.resolve(context), facts, render)

    def render_content(self, context):
        prepare = context.get("prepare_fragments")
        if callable(prepare):
            prepare()
        return self.nodelist.render(context)
