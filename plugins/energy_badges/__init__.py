"""Energy badges: verified energy data per grower facility or product, graded A to G.

Sellers submit kWh per kg, renewable share, lighting efficacy, reporting
period and evidence in the dashboard; staff verify or reject it; verified
data earns a badge on product cards, product pages and search results, and
an ``energy_grade`` search facet. The grading method is in grading.py and
docs/plugins.md.
"""

__version__ = "1.0.0"
