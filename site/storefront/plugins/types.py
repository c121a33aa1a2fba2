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
class StockBatch:
    """Part of a stock record's stock that was harvested together (a lot), and how many units of it are left.

    ``harvested`` and ``best_before`` are dates (either may be None when not
    known); ``quantity`` is the units of this batch still unsold, or None when
    the batch is the stock record's whole stock. The storefront sells a batch
    up to and including its best-before day, never after.
    """

    harvested: object = None
    best_before: object = None
    quantity: int | None = None


@dataclass(frozen=True)
class Assets:
    """Stylesheets and scripts a plugin adds to every page of a site (static paths or URLs)."""

    css: tuple = ()
    js: tuple = ()
