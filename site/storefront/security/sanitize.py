"""Make HTML written by sellers inert before it is stored.

Oscar renders a product's description with ``|safe``; sellers write it in the
dashboard or import it from a file. Every save of a product passes the
description through ammonia (nh3): a safelist of formatting tags, no scripts,
no event attributes, no javascript: links. Cleaning on save covers every way
in (dashboard, CSV import, plugins, the admin) with one rule.
"""

import nh3
from django.db.models.signals import pre_save

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "small", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan"}, "th": {"colspan", "scope"}}


def clean_html(html):
    """Return `html` with everything but safe formatting removed."""
    if not html:
        return html
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def clean_product_description(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return
    instance.description = clean_html(instance.description)


def connect_product_description_cleaner():
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    pre_save.connect(clean_product_description, sender=Product, dispatch_uid="storefront-clean-description")
