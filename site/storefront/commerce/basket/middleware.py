"""Oscar's basket middleware, loading a basket's lines once and keeping the offers it looked up.

Oscar's asks ``basket.is_empty`` first, which counts the lines (a query),
then loads them to apply offers. Here the lines are loaded first and the
count read from them. The offers looked up for the basket (site offers and
the basket's vouchers' offers) are kept on it as ``candidate_offers``, so
the basket page's "spend more to get..." messages and the messages after
adding to the basket (.messages) use them instead of looking them all up
again.
"""

from oscar.apps.basket.middleware import BasketMiddleware as CoreBasketMiddleware
from oscar.core.loading import get_class

Applicator = get_class("offer.applicator", "Applicator")


def apply_offers(basket, request):
    """Oscar's ``Applicator().apply``, looking the basket's offers up once a request (``basket.candidate_offers``).

    The offers depend on the site, the user and the basket's vouchers, not on
    its lines, so they hold however the lines change during the request.
    """
    applicator = Applicator()
    offers = getattr(basket, "candidate_offers", None)
    if offers is None:
        offers = basket.candidate_offers = applicator.get_offers(basket, request.user, request)
    applicator.apply_offers(basket, offers)


class BasketMiddleware(CoreBasketMiddleware):
    def apply_offers_to_basket(self, request, basket):
        if basket.id is None or not basket.all_lines():  # evaluating the lines keeps them for the count
            return
        apply_offers(basket, request)
