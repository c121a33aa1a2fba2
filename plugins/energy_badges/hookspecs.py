"""The hook the energy badges plugin adds, so other plugins can supply energy data.

The VibeLux integration, for example, knows metered consumption of the grow
rooms it controls and answers this hook instead of a seller typing figures in.
"""

from storefront.plugins import hookspec


@hookspec
def energy_badges_supply_data(partner_ids, product_ids):
    """Energy figures from another source. Collects.

    Return a list of dicts, each with either ``partner_id`` (a facility) or
    ``product_id``, and ``kwh_per_kg``, ``renewable_share`` (percent), and
    optional ``period_end`` (date) and ``source`` (text shown on the badge).
    Supplied figures count as verified (the source is metered, not typed) and
    fill gaps only: a verified report in the dashboard wins.
    """
