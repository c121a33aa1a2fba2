"""Oscar's basket app with the storefront's add-to-basket view; not a fork.

Only the app config is replaced (the app's name is still ``oscar.apps.basket``):
the add-to-basket URL serves ``views.BasketAddView``, which loads the product
with what pricing and the form read instead of a query for each.
"""
