"""Who grew it: the grower directory (/growers/), each grower's page, and the grower named on cards and lines.

A grower is Oscar's Partner (storefront.commerce.partner holds the public
profile). This package has no models: ``directory`` reads growers with what
their cards show (products on sale on the site being served, rating, badges
from plugins, distance), ``views`` serves the two pages, and the template tags
in ``templatetags/storefront_growers.py`` name a product's or a line's grower
wherever produce is shown (cards, product page, basket, orders, emails).

A grower is listed on a site only while it sells something that site shows
(per-site visibility, storefront.plugins.visibility): a white-label site's
directory lists its own growers, and a grower page of a grower the site does
not sell is a 404 there.
"""
