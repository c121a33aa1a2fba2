"""Fork of oscar.apps.partner: a partner is a grower, with a public profile.

Forked because the grower profile (description, location, region,
certifications, logo) belongs on the Partner row itself: every product card,
search document and payout reads it, and a separate profile table would cost
a join or a query on each of them. StockRecord keeps the batches its
stock was harvested in (storefront.commerce.freshness) for the same reason:
every price shown reads them.
"""
