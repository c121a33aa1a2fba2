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

Produce past its best-before is not sold (``FreshStockRequired``): the
quantity a stock record may sell is what ``storefront.commerce.freshness``
finds in its batches (VibeLux lots where a plugin tracks them, else the
product's harvest date plus shelf life), read from the stock record itself,
so it costs no query. Stock that is all past its best-before is
"Past its best-before": not purchasable, and the basket and checkout say so
(Oscar asks the same policy there). The strategy reads today's date once,
when it is made (``today=`` in tests), so one request judges every product
by the same day.
"""

from django.db.models import prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner import availability
from oscar.apps.partner.availability import Unavailable
from oscar.apps.partner.strategy import Default as CoreDefault
from oscar.apps.partner.strategy import Selector as CoreSelector
from oscar.apps.partner.strategy import *  # noqa: F401,F403  (the rest of Oscar's module, unchanged)
from oscar.apps.partner.strategy import PurchaseInfo

from storefront.commerce import freshness
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


class PastBestBefore(Unavailable):
    """Stock is held, but all of it is past its best-before: not sold."""

    code = "outofstock"

    def __init__(self, fresh):
        self.freshness = fresh

    @property
    def message(self):
        return _("Past its best-before")

    def is_purchase_permitted(self, quantity):
        return False, _("past its best-before date (%(date)s)") % {"date": freshness.short_date(self.freshness.best_before)}


class FreshInStock(availability.StockRequired):
    """Oscar's stock-required policy over the units still within their best-before."""

    def __init__(self, fresh):
        super().__init__(fresh.sellable)
        self.freshness = fresh


class FreshAvailable(availability.Available):
    """Stock not tracked (always available) and not past its best-before."""

    def __init__(self, fresh):
        self.freshness = fresh


class FreshStockRequired:
    """Availability mixin: Oscar's StockRequired, selling only stock within its best-before."""

    def availability_policy(self, product, stockrecord):
        if not stockrecord:
            return Unavailable()
        tracked = product.get_product_class().track_stock
        fresh = self.freshness_of(stockrecord, tracked)
        if fresh.past_best_before:
            return PastBestBefore(fresh)
        return FreshInStock(fresh) if tracked else FreshAvailable(fresh)

    def freshness_of(self, stockrecord, tracked=True):
        return freshness.of_stockrecord(stockrecord, self.today, tracked)


class BasketLinePrefetch:
    def fetch_for_line(self, line, stockrecord=None):
        if line.basket_id is None:
            return super().fetch_for_line(line, stockrecord)
        prefetch_basket_lines(line)
        info = super().fetch_for_line(line, stockrecord)
        if line.product_id in line.basket._storefront_hidden_ids:
            return PurchaseInfo(price=info.price, availability=NotSoldOnThisSite(), stockrecord=info.stockrecord)
        return info


class Default(BasketLinePrefetch, FreshStockRequired, CoreDefault):
    """Oscar's Default strategy (first stock record, prices without tax): fresh stock only, basket lines priced in bulk."""

    def __init__(self, request=None, today=None):
        super().__init__(request)
        self.today = today or timezone.localdate()


class Selector(CoreSelector):
    def strategy(self, request=None, user=None, **kwargs):
        return Default(request)
