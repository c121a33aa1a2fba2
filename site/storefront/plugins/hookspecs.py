"""The storefront's hooks: every point where a plugin can change what the site does.

Each hook below is a function signature with its meaning. A plugin implements
a hook by defining a function of the same name, decorated with
``@storefront.plugins.hookimpl``, that accepts any subset of the arguments.

Three argument names have the same meaning everywhere:

``site``
    the ``wagtail.models.Site`` being served (None outside a request).
``config``
    this plugin's own configuration for that site, already validated against
    the plugin's ``CONFIG_FORM`` (a dict of cleaned values). Every plugin gets
    its own ``config``; it never sees another plugin's.
``products``
    a list of catalogue ``Product`` objects. Hooks about products always get
    the whole batch of a page at once, so a plugin answers a listing with one
    query, never one per product.

How each kind of hook is called:

* Display hooks (badges, template context, assets, index data, theme,
  visibility, facets) go through the guarded caller: a plugin that raises is
  logged with its name and skipped, and a plugin that keeps failing is switched
  off for a while (the breaker). They only reach plugins enabled for the site.
* Start-up hooks (URL patterns, dashboard navigation, Wagtail blocks, periodic
  tasks) are collected once when Django starts, from every installed plugin
  that is not switched off globally. Errors are reported by ``manage.py check``.
* Event hooks (order placed, products imported, stock changed) are side
  effects: the host queues them after the database transaction commits and
  runs each plugin's implementation in its own Celery task, with retries.
  They receive ids, never model instances, because they cross a process.
* Hooks that decide money (prices, payments) must be called with
  ``host.call_strict``, which raises instead of skipping a failing plugin.

"Collects" means the caller gets a list with one result per plugin (None
results are dropped), in call order: plugins are called in the order of
their ids unless an implementation says ``tryfirst=True`` or ``trylast=True``.
"First result" means the first plugin to return something other than None
wins and the rest are not called.
"""

from . import hookspec

# --- display hooks (guarded, per site) -------------------------------------


@hookspec
def storefront_product_badges(products, site, config):
    """Badges for a batch of products. Collects.

    Return ``{product.pk: [Badge, ...]}`` (see ``storefront.plugins.types.Badge``)
    for the products that earn a badge; leave the others out.
    """


@hookspec
def storefront_grower_badges(partners, site, config):
    """Badges for a batch of growers (Oscar ``Partner`` objects). Collects.

    Return ``{partner.pk: [Badge, ...]}`` for the growers that earn one; the
    grower directory and each grower's page show them (an energy grade
    summary, say). Like product badges, answer the batch in one query.
    """


@hookspec
def storefront_template_context(request, site, config):
    """Extra variables for every template rendered in a request. Collects.

    Return a dict. Keys should start with the plugin id (``energy_badges_...``)
    so two plugins cannot overwrite each other's values. A value that costs
    queries can be a callable taking no arguments: it is called only when a
    template reads the variable (at most once a request, guarded like the
    hook: if it raises, the failure is logged and counted and the variable
    is None), so a page served from cached fragments does not pay for it.
    """


@hookspec
def storefront_assets(site, config):
    """Stylesheets and scripts to add to every page of the site. Collects.

    Return ``storefront.plugins.types.Assets(css=(...), js=(...))``; each entry
    is a static path (``energy_badges/badges.css``) or an absolute URL.
    """


@hookspec
def storefront_product_index_data(products):
    """Extra fields for the product search index. Collects.

    Return ``{product.pk: {"field_name": value}}``. The index is shared by all
    sites, so this hook gets no site or config.
    """


@hookspec
def storefront_stock_batches(stockrecord_ids):
    """The harvested batches (lots) that make up these stock records' stock. Collects.

    Return ``{stockrecord_id: [StockBatch, ...]}`` (``storefront.plugins.types``),
    oldest harvest first, for the stock records whose stock the plugin tracks
    by batch; leave the others out. A record the plugin answers is sold from
    its batches: what the batches still within their best-before hold (never
    more than the record's stock). A record no plugin answers is judged by its
    product's ``harvest_date`` and ``shelf_life_days`` attributes.

    Freshness is a fact of the stock, not of a site, so this hook gets no site
    or config. It is asked when stock or its batches change and by the daily
    freshness sweep (``storefront.commerce.freshness``), never while a page
    renders: the answer is kept on the stock record.
    """


@hookspec
def storefront_search_facets():
    """Search facets the plugin's index fields support. Collects.

    Return ``{"field_name": "Label shown above the facet"}``; each field must
    also be returned by ``storefront_product_index_data``.
    """


@hookspec(firstresult=True)
def storefront_site_theme(site, config):
    """The theme name for a site whose theme setting is blank. First result.

    Return the name of a folder under a themes directory, or None to leave the
    choice to the next plugin and then to ``STOREFRONT_DEFAULT_THEME``.
    """


@hookspec
def storefront_product_filter(site, config):
    """Which products a site may show. Collects.

    Return a ``django.db.models.Q`` over ``catalogue.Product`` (or None for no
    restriction). The host ANDs every plugin's filter and applies the result
    the same way in listings, search, product pages (404 when hidden) and the
    basket. The Q must not depend on the request, so it can be cached per site.
    """


# --- start-up hooks (collected once, from globally enabled plugins) --------


@hookspec
def storefront_urlpatterns():
    """URL patterns to mount under ``/plugins/``. Collects.

    Return a list of ``django.urls.path`` / ``re_path`` entries; name them and
    give them a namespace through ``include((patterns, "app_name"))``.
    """


@hookspec
def storefront_dashboard_navigation():
    """Entries for the seller and staff dashboard menu. Collects.

    Return a list of dicts in the shape of ``OSCAR_DASHBOARD_NAVIGATION``
    entries (``label``, ``icon``, ``url_name`` or ``children``, optional
    ``access_fn``).
    """


@hookspec
def storefront_wagtail_blocks():
    """StreamField blocks the CMS may offer to marketers. Collects.

    Return a list of ``(name, block_instance)`` pairs. Block names are
    stored in page content, so never rename one once it has shipped.
    """


@hookspec
def storefront_periodic_tasks():
    """Celery beat entries. Collects.

    Return a dict in the shape of ``CELERY_BEAT_SCHEDULE``; prefix each key
    with the plugin id.
    """


# --- event hooks (after commit, in Celery, with retries) --------------------


@hookspec
def storefront_order_placed(order_id, site_id, config):
    """An order was placed and its transaction committed. Return value ignored."""


@hookspec
def storefront_products_imported(product_ids, site_id, config):
    """Products were created or updated by an import. Return value ignored."""


@hookspec
def storefront_stock_changed(stockrecord_ids, site_id, config):
    """Stock levels changed for these stock records. Return value ignored."""


EVENT_HOOKS = frozenset({"storefront_order_placed", "storefront_products_imported", "storefront_stock_changed"})
STARTUP_HOOKS = frozenset(
    {"storefront_urlpatterns", "storefront_dashboard_navigation", "storefront_wagtail_blocks", "storefront_periodic_tasks"}
)
