"""Small value types that hooks return, shared by the host and plugins."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Badge:
    """A short label shown on product cards, product pages and search results.

    ``code`` is a stable machine name (for CSS and tests), ``label`` the visible
    text, ``title`` the longer explanation shown on hover, ``url`` an optional
    link to where the badge is explained.
    """

    code: str
    label: str
    title: str = ""
    css_class: str = ""
    url: str = ""
    plugin: str = field(default="", compare=False)


@dataclass(frozen=True)
class Assets:
    """Stylesheets and scripts a plugin adds to every page of a site (static paths or URLs)."""

    css: tuple = ()
    js: tuple = ()
