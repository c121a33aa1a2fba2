"""The account's address book views, with the storefront's address form."""

from oscar.apps.customer import views

from storefront.commerce.addresses import UserAddressForm


class AddressCreateView(views.AddressCreateView):
    form_class = UserAddressForm


class AddressUpdateView(views.AddressUpdateView):
    form_class = UserAddressForm


class OrderDetailView(views.OrderDetailView):
    """Oscar's order page in the account; its lines come with their products and growers in one query."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["order_lines"] = ctx["order"].lines.select_related("partner", "product")
        return ctx
