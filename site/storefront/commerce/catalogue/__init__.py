"""Oscar's catalogue app with the storefront's product page view; not a fork.

The models, templates and every other view stay Oscar's (the app's name is
still ``oscar.apps.catalogue``): only the app config is replaced, so the
product page URL serves ``views.ProductDetailView``, which loads what the
page shows in a few queries instead of one per attribute.
"""
