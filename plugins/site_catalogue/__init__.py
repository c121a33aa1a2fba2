"""Site catalogue: limit a site (a white-label partner's storefront) to chosen growers or categories."""

__version__ = "1.0.0"
