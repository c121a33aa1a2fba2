"""The address book's form: Oscar's UserAddressForm with phone numbers read as buyers type them.

Used by the account's address pages (commerce/customer) and the checkout's
"edit this address" page (commerce/checkout/views.py); Oscar's address app
itself is not forked.
"""

from oscar.apps.address.forms import UserAddressForm as OscarUserAddressForm

from storefront.commerce.phone import AddressPhoneNumberMixin


class UserAddressForm(AddressPhoneNumberMixin, OscarUserAddressForm):
    pass
