"""White-label themes: a manifest, templates and static files per folder, chosen per Wagtail Site.

A theme is data, never code: ``themes/<name>/theme.json`` (name, colours,
fonts, logo, favicon, header and footer style), ``templates/`` that override
storefront and Oscar templates, and ``static/``, served at
``/static/themes/<name>/``. See docs/themes.md.
"""
