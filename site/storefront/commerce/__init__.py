"""The commerce core: django-oscar, configured and forked only where it must be.

Forked Oscar apps live in sub-packages named after the Oscar app they replace
(partner, checkout, shipping); each fork's docstring says why it exists.
Everything else uses Oscar's own extension points.
"""
