"""Search pages: results with facets and distance, catalogue and category listings,
autocomplete, and saved searches.

A backend that is down gives the "search is unavailable" page (HTTP 503)
while the rest of the site keeps working; a parameter the form rejects gives
its message beside the results of the parts that were valid.
"""

import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import ListView
from oscar.apps.search.signals import user_search
from oscar.core.loading import get_class, get_model

from storefront.commerce.growers.directory import matching_growers
from storefront.plugins.search import site_visibility_clauses

from . import service
from .cards import attach_cards
from .backends.base import SearchUnavailable
from .facets import FacetLists
from .query import InvalidSearch, SearchRequest

SearchForm = get_class("search.forms", "SearchForm")
BrowseCategoryForm = get_class("search.forms", "BrowseCategoryForm")
CategoryForm = get_class("search.forms", "CategoryForm")
SavedSearch = get_model("search", "SavedSearch")
Category = get_model("catalogue", "Category")

logger = logging.getLogger(__name__)
MAX_PAGE = 1000
MAX_SAVED_SEARCHES = 50


class _Window:
    """A sequence as long as all the results that holds only the current page (for Paginator)."""

    def __init__(self, total, offset, items):
        self.total, self.offset, self.items = total, offset, items

    def __len__(self):
        return self.total

    def count(self):
        return self.total

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.items
        return self.items[index - self.offset]


def _page_number(request):
    try:
        number = int(request.GET.get("page", 1))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), MAX_PAGE)


def site_clauses(request):
    """Clauses that hide the products this request's site does not show (the plugin host decides)."""
    try:
        from storefront.plugins.search import site_visibility_clauses
    except ImportError:  # no plugin host installed: every site shows every product
        return []
    return list(site_visibility_clauses(request))


CMS_RESULTS_SECONDS = 60


def search_cms_pages(query, limit=5, site=None):
    """Live, public CMS pages (blog posts, landing pages) matching the words, for their own section.

    Cached for a minute per site and query: pages change rarely, and the same
    words are searched again and again.
    """
    if not query:
        return []
    from django.core.cache import cache
    from wagtail.models import Page

    key = "search:cms:" + hashlib.blake2b(f"{getattr(site, 'pk', '')}|{query}".encode(), digest_size=16).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found
    try:
        pages = Page.objects.live().public().exclude(depth__lte=1)
        if site is not None:
            pages = pages.descendant_of(site.root_page, inclusive=True)
        found = [
            {"title": page.title, "url": page.get_url(), "search_description": page.search_description}
            for page in pages.search(query)[:limit]
        ]
    except Exception:  # the CMS section is a bonus: its failure must not take product search down
        logger.exception("CMS page search failed for %r", query)
        return []
    cache.set(key, found, CMS_RESULTS_SECONDS)
    return found


class BaseSearchView(View):
    form_class = SearchForm
    template_name = "storefront/search/results.html"
    context_object_name = "results"
    unavailable_template = "storefront/search/unavailable.html"

    def get_form_kwargs(self):
        return {}

    def extra_context(self):
        return {}

    def extra_clauses(self):
        return site_clauses(self.request)

    def get(self, request, *args, **kwargs):
        form = self.form_class(request.GET, **self.get_form_kwargs())
        form.is_valid()
        number = _page_number(request)
        per_page = settings.OSCAR_PRODUCTS_PER_PAGE
        # The site's product visibility (plugin host): hidden products never reach the page or the facet counts.
        visibility = site_visibility_clauses(request)
        try:
            page = service.run(form, page=number, per_page=per_page, extra_clauses=visibility)
            if not page.results and page.total and number > 1:
                # a page past the end: go to the last page instead of an empty one
                number = max(1, (page.total + per_page - 1) // per_page)
                page = service.run(form, page=number, per_page=per_page, extra_clauses=visibility)
        except SearchUnavailable as exc:
            logger.warning("Search unavailable: %s", exc)
            return TemplateResponse(request, self.unavailable_template, {"query": form.data.get("q", "")}, status=503)
        except InvalidSearch as exc:
            form.add_error(None, str(exc))
            page = service.SearchPage([], 0, None, None)
        attach_cards(request, page.results)
        paginator = Paginator(_Window(page.total, (number - 1) * per_page, page.results), per_page)
        try:
            page_obj = paginator.page(number)
        except (EmptyPage, PageNotAnInteger):
            page_obj = paginator.page(1)
        query = form.cleaned_data.get("q", "") if hasattr(form, "cleaned_data") else ""
        context = {
            "form": form,
            "search_form": form,
            "query": query,
            "page_obj": page_obj,
            "page": page_obj,
            "paginator": paginator,
            "is_paginated": paginator.num_pages > 1,
            self.context_object_name: page.results,
            **FacetLists(request, form, page.request, page.response).context(),
            "selected_facets": form.selected_facets,
            "place": form.place,
            "suggestion": page.response.suggestion if page.response else None,
            "form_errors": form.non_field_errors() + [e for name, errs in form.errors.items() if name != "__all__" for e in errs],
            "save_query_string": urlencode([(k, v) for k, vs in request.GET.lists() for v in vs if k != "page"]),
        }
        context.update(self.extra_context())
        return TemplateResponse(request, self.template_name, context)


class FacetedSearchView(BaseSearchView):
    """/search/: products plus matching growers and CMS pages; an empty query lists the catalogue."""

    def dispatch(self, request, *args, **kwargs):
        user_search.send(sender=self, session=request.session, user=request.user, query=request.GET.get("q", "")[:200])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.status_code == 200 and hasattr(response, "context_data"):
            from wagtail.models import Site

            site = Site.find_for_request(request)
            query = response.context_data.get("query")
            response.context_data["cms_pages"] = search_cms_pages(query, site=site)
            response.context_data["growers"] = matching_growers(query, getattr(request, "plugin_scope", None))
        return response


class CatalogueView(BaseSearchView):
    """Browse all products, with the same facets as search."""

    form_class = BrowseCategoryForm
    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"

    def extra_context(self):
        return {"summary": _("All products")}


class ProductCategoryView(BaseSearchView):
    """Browse one category (and its descendants)."""

    form_class = CategoryForm
    context_object_name = "products"
    template_name = "oscar/catalogue/category.html"
    enforce_paths = True

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=self.kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        expected = self.category.get_absolute_url()
        if self.enforce_paths and expected != request.path:
            # keep the buyer's search (place, radius, facets) on the way to the category's own URL
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(expected + ("?" + query if query else ""))
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {"categories": list(self.category.get_descendants_and_self())}

    def extra_context(self):
        return {"category": self.category, "summary": self.category.name}


class AutocompleteView(View):
    """GET ?q=bas -> {"query", "suggestions": [{"title", "url"}]}: the last word is a prefix."""

    limit = 8

    def get(self, request):
        query = (request.GET.get("q") or "").strip()[:100]
        if not query:
            return JsonResponse({"query": "", "suggestions": []})
        try:
            from .query import all_of

            where = all_of(*site_clauses(request))
            response = service.execute(SearchRequest(text=query, where=where, prefix=True, fuzzy=False, limit=self.limit))
        except SearchUnavailable:
            return JsonResponse({"query": query, "suggestions": [], "error": "Search is unavailable right now."}, status=503)
        except InvalidSearch as exc:
            return JsonResponse({"query": query, "suggestions": [], "error": str(exc)}, status=400)
        Product = get_model("catalogue", "Product")
        products = Product.objects.only("pk", "slug", "title", "parent_id").in_bulk([hit.pk for hit in response.hits])
        suggestions = [
            {"title": products[hit.pk].get_title(), "url": products[hit.pk].get_absolute_url()}
            for hit in response.hits
            if hit.pk in products
        ]
        return JsonResponse({"query": query, "suggestions": suggestions})


def describe_search(query_string):
    """A short name for a saved search: 'basil, at least 10 kg, within 50 km of Leeds'."""
    params = QueryDict(query_string)
    parts = []
    if params.get("q"):
        parts.append(params["q"][:60])
    for selected in params.getlist("selected_facets")[:3]:
        parts.append(selected.partition(":")[2][:40])
    if params.get("min_kg"):
        parts.append(f"at least {params['min_kg'][:10]} kg")
    if params.get("radius") and (params.get("location") or params.get("lat")):
        parts.append(f"within {params['radius'][:10]} km of {params.get('location') or 'my location'}"[:80])
    return ", ".join(parts) or str(_("All products"))


class SaveSearchView(LoginRequiredMixin, View):
    """POST query_string (and optional name): save the current search for alerts."""

    def post(self, request):
        query_string = (request.POST.get("query_string") or "").lstrip("?")
        form = SearchForm(QueryDict(query_string))
        if len(query_string) > 2000 or not form.is_valid():
            messages.error(request, _("This search cannot be saved: fix the search first."))
            return redirect(reverse("search:search") + ("?" + query_string if len(query_string) <= 2000 else ""))
        if SavedSearch.objects.filter(user=request.user).count() >= MAX_SAVED_SEARCHES:
            messages.error(request, _("You have %(max)d saved searches: delete one to save another.") % {"max": MAX_SAVED_SEARCHES})
            return redirect("search:saved-list")
        name = (request.POST.get("name") or "").strip()[:120] or describe_search(query_string)[:120]
        saved, created = SavedSearch.objects.get_or_create(user=request.user, query_string=query_string, defaults={"name": name})
        if created:
            messages.success(request, _("Saved. We will email you new matches for “%(name)s” once a day.") % {"name": saved.name})
        else:
            messages.info(request, _("You had already saved this search."))
        return redirect("search:saved-list")


class SavedSearchListView(LoginRequiredMixin, ListView):
    template_name = "storefront/search/saved_list.html"
    context_object_name = "saved_searches"

    def get_queryset(self):
        return SavedSearch.objects.filter(user=self.request.user)


class DeleteSavedSearchView(LoginRequiredMixin, View):
    def post(self, request, pk):
        saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
        saved.delete()
        messages.success(request, _("Deleted the saved search “%(name)s”.") % {"name": saved.name})
        return redirect("search:saved-list")
