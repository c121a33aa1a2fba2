"""The grower directory (/growers/) and a grower's page (/growers/<code>/).

The directory lists the growers the site sells from, filtered by region and
certification, nearest first when the buyer gives a place. A grower's page
is the grower's profile above their products, listed with the shop's own
search, facets and sorting (it is a search page limited to the grower), so
a buyer filters a grower's produce exactly as they filter the catalogue.
Both pages are anonymous-cacheable (STOREFRONT_PAGE_CACHE_VIEWS) and are
purged with every other page when a grower, product or stock record changes.
"""

from django import forms
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views import View
from oscar.core.loading import get_class

from storefront.search.geo import UnknownPlace, resolve_place
from storefront.search.views import BaseSearchView

from . import directory

SearchForm = get_class("search.forms", "SearchForm")


class DirectoryForm(forms.Form):
    region = forms.ChoiceField(required=False, label=_("Region"))
    certification = forms.ChoiceField(required=False, label=_("Certification"))
    near = forms.CharField(required=False, max_length=100, label=_("Near"),
                           widget=forms.TextInput(attrs={"placeholder": _("Postcode or town")}))

    def __init__(self, data, regions):
        super().__init__(data)
        self.fields["region"].choices = [("", _("All regions"))] + [(region, region) for region in regions]
        self.fields["certification"].choices = [("", _("Any certification"))] + directory.certification_choices()
        self.place = None

    def clean_near(self):
        text = (self.cleaned_data.get("near") or "").replace("\x00", "").strip()
        if text:
            try:
                self.place = resolve_place(text)
            except UnknownPlace as exc:
                raise forms.ValidationError(str(exc)) from None
        return text


class GrowerListView(View):
    template_name = "growers/grower_list.html"

    def get(self, request):
        scope = getattr(request, "plugin_scope", None)
        form = DirectoryForm(request.GET, directory.region_choices(scope))
        form.is_valid()
        # A filter the form refused (an unknown region, say) is left out; the form shows why.
        cleaned = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors}
        growers = directory.listed_growers(
            scope,
            region=cleaned.get("region", ""),
            certification=cleaned.get("certification", ""),
            place=form.place,
        )
        return TemplateResponse(request, self.template_name, {"form": form, "growers": growers, "place": form.place})


class GrowerProductsForm(SearchForm):
    """The shop's search form, limited to one grower's products."""

    def __init__(self, *args, grower=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.grower = grower

    def search_request(self, *, extra_clauses=(), **kwargs):
        from storefront.search.query import Clause

        only_theirs = (Clause("grower", "in", (self.grower.name,)),)
        return super().search_request(extra_clauses=only_theirs + tuple(extra_clauses), **kwargs)


class GrowerDetailView(BaseSearchView):
    form_class = GrowerProductsForm
    context_object_name = "products"
    template_name = "growers/grower_detail.html"

    def get(self, request, *args, code, **kwargs):
        scope = getattr(request, "plugin_scope", None)
        place = None
        if request.GET.get("location"):
            try:
                place = resolve_place(request.GET["location"].replace("\x00", ""))
            except UnknownPlace:
                place = None  # the product search's own form reports it beside the results
        self.grower = directory.grower_on_sale(code, scope, place=place)
        if self.grower is None:  # no such grower, or nothing of theirs is on sale on this site
            raise Http404("No such grower on this site.")
        self.partner = self.grower.partner
        self.reviews = directory.recent_reviews(self.partner, scope)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"grower": self.partner}

    def extra_context(self):
        return {"grower": self.grower, "partner": self.partner, "reviews": self.reviews}
