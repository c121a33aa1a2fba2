"""Template tags that put the active theme into a page: CSS variables, fonts, stylesheet, classes."""

import re

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ..active import active_theme

register = template.Library()

UNSAFE_CSS = re.compile(r"[<>{};\\]")


def _theme(context):
    request = context.get("request")
    return getattr(request, "theme", None) or active_theme()


@register.simple_tag(takes_context=True)
def theme_static(context, relative):
    """URL of a file in the active theme's static/ folder."""
    theme = _theme(context)
    return static(theme.static_path(relative)) if theme and relative else ""


@register.simple_tag(takes_context=True)
def theme_classes(context):
    theme = _theme(context)
    if theme is None:
        return ""
    return format_html("theme-{} header-{} footer-{}", theme.name, theme.header, theme.footer)


@register.simple_tag(takes_context=True)
def theme_head(context):
    """The theme's font stylesheet, colour and font variables, and own stylesheet."""
    theme = _theme(context)
    if theme is None:
        return ""
    parts = []
    fonts = theme.fonts.get("stylesheet")
    if fonts:
        href = fonts if fonts.startswith("https://") else static(theme.static_path(fonts))
        parts.append(format_html('<link rel="stylesheet" href="{}">', href))
    variables = [(f"--theme-{key.replace('_', '-')}", value) for key, value in sorted(theme.colours.items())]
    variables += [("--theme-font-body", theme.fonts["body"]), ("--theme-font-heading", theme.fonts["heading"])]
    if theme.logo:
        variables.append(("--theme-logo", f'url("{static(theme.static_path(theme.logo))}")'))
    # Inside <style> HTML escaping would corrupt quotes in font names, so the
    # values are plain CSS: the manifest loader only admits hex colours and
    # font lists without < > { } ; characters.
    css = " ".join(f"{name}: {value};" for name, value in variables if not UNSAFE_CSS.search(value))
    parts.append(mark_safe(f'<style id="theme-variables">:root {{ {css} }}</style>'))
    if theme.stylesheet:
        parts.append(format_html('<link rel="stylesheet" href="{}">', static(theme.static_path(theme.stylesheet))))
    return format_html_join("\n", "{}", ((part,) for part in parts))


@register.simple_tag(takes_context=True)
def theme_logo_url(context):
    theme = _theme(context)
    return static(theme.static_path(theme.logo)) if theme and theme.logo else ""
