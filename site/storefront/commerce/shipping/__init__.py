"""Fork of oscar.apps.shipping: the storefront's shipping methods.

Forked only to provide repository.Repository (delivery and farm pickup);
Oscar looks it up with get_class("shipping.repository", "Repository"), which
finds this module because the app is labelled "shipping".
"""
