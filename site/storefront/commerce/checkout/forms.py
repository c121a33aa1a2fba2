"""The checkout's forms: Oscar's, with phone numbers read as buyers type them (see commerce/phone.py).

Oscar's checkout views load ShippingAddressForm with
get_class("checkout.forms", ...), which finds this module first; the other
forms are Oscar's own.
"""

from oscar.apps.checkout.forms import *  # noqa: F401,F403
from oscar.apps.checkout.forms import ShippingAddressForm as OscarShippingAddressForm

from storefront.commerce.phone import AddressPhoneNumberMixin


class ShippingAddressForm(AddressPhoneNumberMixin, OscarShippingAddressForm):
    pass
