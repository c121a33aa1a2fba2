"""Oscar's default pricing strategy, with a basket's lines priced from one prefetch instead of a query each.

Oscar's strategy prices a basket line through line.product: its stock records
(one query per line) and its product class (another per line), so a basket of
20 lines cost 60 more queries on every page that shows the basket total.
Here the first line priced loads the stock records and product classes of all
the basket's lines at once. The choice of stock record and the prices are
Oscar's own (UseFirstStockRecord, tax-exclusive Default): only the loading
changes. Found through get_class("partner.strategy", ...), so it replaces
Oscar's module in this forked app.

A line whose product the site being served does not show (per-site
visibility, ``storefront.plugins.visibility``) is priced as usual but is
unavailable: a signed-in buyer's basket follows them from site to site, and
a partner site must not sell what it hides. Oscar then shows the line with
its warning and checkout refuses the basket until the line is removed.
"""

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.availability import Unavailable
from oscar.apps.partner.strategy import Default as CoreDefault
from oscar.apps.partner.strategy import Selector as CoreSelector
from oscar.apps.partner.strategy import *  # noqa: F401,F403  (the rest of Oscar's module, unchanged)
from oscar.apps.partner.strategy import PurchaseInfo

from storefront.plugins.scope import current_scope
from storefront.plugins.visibility import visible_ids

LINE_PREFETCH = ("product__product_class", "product__parent__product_class", "product__stockrecords")


def prefetch_basket_lines(line):
    """Load what pricing reads for every line of line's basket, once per set of loaded lines."""
    basket = line.basket
    lines = basket.all_lines()
    if getattr(basket, "_storefront_priced_lines", None) is lines:
        return
    prefetch_related_objects(list(lines), *LINE_PREFETCH)
    basket._storefront_priced_lines = lines
    # Which of the lines' products the site being served hides: one query, or none when nothing is hidden.
    product_ids = {line.product_id for line in lines}
    basket._storefront_hidden_ids = product_ids - visible_ids(product_ids, scope=current_scope.get())


class NotSoldOnThisSite(Unavailable):
    message = _("Not available on this site")

    def is_purchase_permitted(self, quantity):
        return False, _("not sold on this site")


class BasketLinePrefetch:
    def fetch_for_line(self, line, stockrecord=None):
        if line.basket_id is None:
            return super().fetch_for_line(line, stockrecord)
        prefetch_basket_lines(line)
        info = super().fetch_for_line(line, stockrecord)
        if line.product_id in line.basket._storefront_hidden_ids:
            return PurchaseInfo(price=info.price, availability=NotSoldOnThisSite(), stockrecord=info.stockrecord)
        return info


class Default(BasketLinePrefetch, CoreDefault):
    """Oscar's Default strategy (first stock record, prices without tax), pricing basket lines in bulk."""


class Selector(CoreSelector):
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)
