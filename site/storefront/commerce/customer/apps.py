"""Oscar's customer app (accounts) with the storefront's address book form.

Not forked: like catalogue and basket, only the app config is replaced, so
the app keeps Oscar's name, models and every other view. The address create
and edit views use commerce.addresses.UserAddressForm, which reads UK phone
numbers as buyers type them; the order page loads its lines' growers.
"""

from oscar.apps.customer import apps


class CustomerConfig(apps.CustomerConfig):
    def ready(self):
        super().ready()
        from .views import AddressCreateView, AddressUpdateView, OrderDetailView

        self.address_create_view = AddressCreateView
        self.address_update_view = AddressUpdateView
        self.order_detail_view = OrderDetailView
