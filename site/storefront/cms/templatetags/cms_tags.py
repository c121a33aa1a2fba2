"""Template tags for the site layout: cached navigation links."""

from django import template

from ..navigation import EMPTY, navigation_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """{% site_navigation as nav %}: nav.header, nav.footer and nav.social for this request's site."""
    request = context.get("request")
    if request is None:
        return EMPTY
    return navigation_for_request(request)
