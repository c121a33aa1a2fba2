"""Template filters for orders as the buyer sees them (thank-you page, account, emails).

{% load storefront_orders %}
{{ line|grower }}         "Railway Arches Farm, London": who grew the line, and where
{{ source|paid_by }}      "Paid by card ending 4242"
"""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def grower(line):
    """The grower (Oscar's partner) of an order line and their town, or "" if the line has none.

    The name is the one recorded on the line when the order was placed
    (Line.partner_name), so it stays right if the grower is renamed later;
    the town comes from the grower's profile. Load lines with
    select_related("partner") to keep this to no extra query.
    """
    partner = line.partner if line.partner_id else None
    name = line.partner_name or (partner.name if partner is not None else "")
    city = (getattr(partner, "city", "") or "") if partner is not None else ""
    return ", ".join(part for part in (name, city) if part)


@register.filter
def paid_by(source):
    """How an order's payment source reads to a buyer: "Paid by card ending 4242".

    The checkout labels its Stripe sources with the card's last four digits
    (Source.label); a source without a label is named by its type.
    """
    if source.label:
        return _("Paid by %(label)s") % {"label": source.label}
    return _("Paid by %(type)s") % {"type": source.source_type.name}
