"""The invoice downloads: the buyer's from their account, staff's from the dashboard.

Both answer 404 for an order the user may not see (never 403, so an order
number cannot be probed) and send an anonymous visitor to the login page.
The buyer's view finds the order among the signed-in user's own orders, the
way Oscar's account order page does; staff who may see the dashboard's order
pages (``is_staff`` and ``order.view_order``, as Oscar asks there) may
download any order's. A seller's dashboard access does not open it: an invoice names
every grower of the order and the buyer's addresses.
"""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from oscar.core.loading import get_model

from . import render_invoice

Order = get_model("order", "Order")


def pdf_response(order):
    response = HttpResponse(render_invoice(order), content_type="application/pdf")
    # Django quotes (or RFC 5987-encodes) the name, whatever an order number holds.
    response["Content-Disposition"] = content_disposition_header(True, f"invoice-{order.number}.pdf")
    return response


@never_cache
@require_safe
def customer_invoice(request, number):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    order = Order.objects.filter(user=request.user, number=number).first()
    if order is None:
        raise Http404("No such order in your account")
    return pdf_response(order)


def may_see_every_invoice(user):
    """Staff who may see the dashboard's order pages (Oscar asks staff for order.view_order there)."""
    return user.is_staff and user.has_perm("order.view_order")


@never_cache
@require_safe
def dashboard_invoice(request, number):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_see_every_invoice(request.user):
        raise Http404("No such order")
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise Http404("No such order")
    return pdf_response(order)

