"""Template tags that name who grew what, and let buyers compare packs.

    {% load storefront_growers %}
    {% product_grower product as grower %}      the Partner selling the product (the strategy's stock record)
    {% grower_label partner %}                  "Railway Arches Farm, London"
    {% pack_unit_price product price as per %}  UnitPrice (amount, per) or None
    {% basket_grower_groups formset as groups %} the basket's forms grouped by grower, with subtotals
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from django import template
from oscar.core.loading import get_model

from storefront.commerce.catalogue.packs import pack_of, unit_price

register = template.Library()


@register.simple_tag
def product_grower(product):
    """The grower of the stock record Oscar's strategy sells from (its first one), or None."""
    if product is None:
        return None
    records = list(product.stockrecords.all())  # the page's prefetch, where it has one
    return records[0].partner if records else None


@register.simple_tag
def grower_label(partner):
    if partner is None:
        return ""
    return f"{partner.name}, {partner.city}" if partner.city else partner.name


@register.simple_tag
def pack_unit_price(product, price):
    return unit_price(pack_of(product), price)


@dataclass
class GrowerGroup:
    partner: object
    forms: list = field(default_factory=list)  # (index in the formset, form)
    subtotal: Decimal = Decimal(0)
    currency: str = ""


@register.simple_tag
def basket_grower_groups(formset):
    """[GrowerGroup] in the order the basket's lines first name each grower; lines keep their form index.

    The index matters: Oscar's basket script removes a line by its position
    in the formset. One query loads the growers of every line.
    """
    Partner = get_model("partner", "Partner")
    forms = list(formset)
    partner_ids = {form.instance.stockrecord.partner_id for form in forms if form.instance.stockrecord_id}
    partners = Partner.objects.in_bulk(partner_ids)
    groups = OrderedDict()
    for index, form in enumerate(forms):
        line = form.instance
        partner_id = line.stockrecord.partner_id if line.stockrecord_id else None
        group = groups.setdefault(partner_id, GrowerGroup(partners.get(partner_id)))
        group.forms.append((index, form))
        price = line.line_price_incl_tax if line.is_tax_known else line.line_price_excl_tax
        if price is not None:
            group.subtotal += price
        group.currency = group.currency or line.price_currency
    return list(groups.values())
