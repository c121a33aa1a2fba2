"""Admin choosers for Oscar's catalogue, so editors pick products and categories in a modal.

Oscar's models are not Wagtail-indexed, so the modals search the database
directly (title or UPC for products, name for categories). Each viewset is
registered in wagtail_hooks.py and hands out the StreamField ChooserBlock that
blocks.py uses, so the block and the modal always agree on the model.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet


class _SearchForm(BaseFilterForm):
    """A search box over a few text fields; subclasses name the fields."""

    search_fields: tuple[str, ...] = ()

    q = forms.CharField(
        label=_("Search term"),
        widget=forms.TextInput(attrs={"placeholder": _("Search")}),
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class ProductSearchForm(_SearchForm):
    search_fields = ("title", "upc")


class CategorySearchForm(_SearchForm):
    search_fields = ("name", "slug")


class _ProductListingMixin:
    filter_form_class = ProductSearchForm

    def get_object_list(self):
        from oscar.core.loading import get_model

        Product = get_model("catalogue", "Product")
        # Only canonical, public products have a product page to link to.
        return Product.objects.browsable().select_related("product_class").order_by("title")

    @property
    def columns(self):
        return super().columns + [
            Column("upc", label=_("UPC"), accessor="upc"),
            Column("product_class", label=_("Product type"), accessor="product_class"),
        ]


class ProductChooseView(_ProductListingMixin, ChooseView):
    pass


class ProductChooseResultsView(_ProductListingMixin, ChooseResultsView):
    pass


class _CategoryListingMixin:
    filter_form_class = CategorySearchForm

    def get_object_list(self):
        from oscar.core.loading import get_model

        Category = get_model("catalogue", "Category")
        return Category.objects.browsable().order_by("path")

    @property
    def title_column(self):
        # Category.__str__ walks the ancestors (a query per row); the name and
        # the depth column say enough to tell categories apart.
        column = super().title_column
        column.accessor = "name"
        return column

    @property
    def columns(self):
        return super().columns + [
            Column("depth", label=_("Level"), accessor="depth"),
            Column("slug", label=_("Slug"), accessor="slug"),
        ]


class CategoryChooseView(_CategoryListingMixin, ChooseView):
    pass


class CategoryChooseResultsView(_CategoryListingMixin, ChooseResultsView):
    pass


class ProductChooserViewSet(ChooserViewSet):
    model = "catalogue.Product"
    icon = "pick"
    choose_one_text = _("Choose a product")
    choose_another_text = _("Choose another product")
    edit_item_text = _("Edit product")
    choose_view_class = ProductChooseView
    choose_results_view_class = ProductChooseResultsView
    # Oscar's own forms (dashboard) keep their widgets.
    register_widget = False


class CategoryChooserViewSet(ChooserViewSet):
    model = "catalogue.Category"
    icon = "folder-open-inverse"
    choose_one_text = _("Choose a category")
    choose_another_text = _("Choose another category")
    edit_item_text = _("Edit category")
    choose_view_class = CategoryChooseView
    choose_results_view_class = CategoryChooseResultsView
    register_widget = False


product_chooser_viewset = ProductChooserViewSet("product_chooser", url_prefix="cms/choose-product")
category_chooser_viewset = CategoryChooserViewSet("category_chooser", url_prefix="cms/choose-category")
