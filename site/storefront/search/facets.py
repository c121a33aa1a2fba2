"""Which facets the search pages show, and their links.

Facets come from settings.OSCAR_SEARCH_FACETS (fields and price-range
queries) plus those registered through extra_fields.register_facet(). Every
facet value is a plain link: selecting adds selected_facets=field:value to the
current URL, deselecting removes it, and either goes back to page one, so any
state of the page can be bookmarked.

The rendered facet lists of a page are kept in this process under the
index generation that counted them (SearchResponse.generation) and what
else they depend on (the search request, the page's path and parameters,
the purge generation, host, theme and language): a listing or search asked
again before the index changes costs no counting and no template work.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from storefront.caching.lru import LRU

from .extra_fields import extra_facets

MAX_VALUES_PER_FACET = 15  # the most frequent values; the words narrow the rest
FACET_LISTS_TEMPLATE = "storefront/search/facet_lists.html"
CACHED_FACET_LISTS = 2000  # pages' facet lists kept per process (a few KB each)


def facet_fields():
    """{key: {"name": label, "field": index field}} for field facets, in display order."""
    fields = {key: dict(value) for key, value in settings.OSCAR_SEARCH_FACETS.get("fields", {}).items()}
    for field, label in extra_facets().items():
        fields.setdefault(field, {"name": label, "field": field})
    return fields


def range_facets():
    """{key: {"name", "field", "queries": [(label, "[a TO b]")]}} for range facets."""
    return {key: dict(value) for key, value in settings.OSCAR_SEARCH_FACETS.get("queries", {}).items()}


def _url(path, params):
    query = urlencode(params, doseq=True)
    return f"{path}?{query}" if query else path


def _params_without(request, drop_selected=None, add_selected=None):
    base, selected = _current_params(request)
    selected = [s for s in selected if s != drop_selected]
    if add_selected and add_selected not in selected:
        selected.append(add_selected)
    return base + [("selected_facets", s) for s in selected]


def _current_params(request):
    # parsed once per request: a page builds a link for every facet value
    cached = getattr(request, "_search_facet_params", None)
    if cached is None:
        base = [(k, v) for k, values in request.GET.lists() for v in values if k not in ("page", "selected_facets")]
        cached = (base, request.GET.getlist("selected_facets"))
        request._search_facet_params = cached
    return cached


def facet_data(request, form, response):
    """Oscar's facet_data shape: {key: {"name", "results": [{name, count, selected, select_url...}]}}."""
    selected = set(form.selected_facets)
    path = request.path
    data = {}
    for key, facet in facet_fields().items():
        items = []
        for value, count in response.facets.get(facet["field"], [])[:MAX_VALUES_PER_FACET]:
            token = f"{key}:{value}"
            is_selected = token in selected
            items.append(
                {
                    "name": value,
                    "count": count,
                    "show_count": True,
                    "disabled": count == 0 and not is_selected,
                    "selected": is_selected,
                    # only the link the template shows: deselect for a selected value, select otherwise
                    "select_url": "" if is_selected else _url(path, _params_without(request, add_selected=token)),
                    "deselect_url": _url(path, _params_without(request, drop_selected=token)) if is_selected else "",
                }
            )
        # a selected value with no matches left still shows, so it can be deselected
        for token in sorted(selected):
            field, _, value = token.partition(":")
            if field == key and not any(item["name"] == value for item in items):
                items.append({"name": value, "count": 0, "show_count": True, "disabled": False, "selected": True,
                              "select_url": "", "deselect_url": _url(path, _params_without(request, drop_selected=token))})
        data[key] = {"name": facet["name"], "results": items}
    for key, facet in range_facets().items():
        counts = response.range_facets.get(key, {})
        items = []
        for label, query in facet["queries"]:
            token = f"{facet['field']}:{query}"
            is_selected = token in selected
            count = counts.get(str(query), 0)
            items.append(
                {
                    "name": str(label),
                    "count": count,
                    "show_count": True,
                    "disabled": count == 0 and not is_selected,
                    "selected": is_selected,
                    "select_url": _url(path, _params_without(request, add_selected=token)),
                    "deselect_url": _url(path, _params_without(request, drop_selected=token)),
                }
            )
        data[key] = {"name": facet["name"], "results": items}
    return data


rendered_lists = LRU(CACHED_FACET_LISTS)  # key -> (html, has_facets)


def _lists_key(request, search_request, response):
    """What a page's facet lists depend on, or None when the backend gives no index generation."""
    if response.generation is None:
        return None
    from storefront.caching.keys import current_generation
    from storefront.themes.active import active_theme

    base, selected = _current_params(request)
    theme = active_theme()
    return (
        response.generation,
        current_generation(request),  # site, theme and plugin settings: an edit bumps it
        request.get_host(),
        getattr(theme, "name", None),
        get_language(),
        request.path,
        tuple(base),
        tuple(selected),
        repr(search_request),  # the words, filters (the site's visibility among them) and facets counted
    )


class FacetLists:
    """A results page's facets: `data` (Oscar's facet_data), `html` (the lists rendered) and `has_facets`.

    The HTML and has_facets come from the per-process cache when the same
    page was rendered under the same index generation; `data` is only built
    when something asks for it.
    """

    def __init__(self, request, form, search_request, response):
        self.request, self.form, self.response = request, form, response
        self._key = _lists_key(request, search_request, response) if response is not None else None
        self._rendered = rendered_lists.get(self._key) if self._key is not None else None
        self._data = None

    @property
    def data(self):
        if self._data is None:
            self._data = facet_data(self.request, self.form, self.response) if self.response is not None else {}
        return self._data

    def _render(self):
        if self._rendered is None:
            data = self.data
            has_facets = any(facet["results"] for facet in data.values())
            html = render_to_string(FACET_LISTS_TEMPLATE, {"facet_data": data}) if has_facets else ""
            self._rendered = (mark_safe(html), has_facets)
            if self._key is not None:
                rendered_lists.set(self._key, self._rendered)
        return self._rendered

    @property
    def html(self):
        return self._render()[0]

    @property
    def has_facets(self):
        return self._render()[1]

    def context(self):
        """The template context entries: facet_data (built lazily), has_facets and facet_lists (the HTML)."""
        return {
            "facet_data": SimpleLazyObject(lambda: self.data),
            "has_facets": self.has_facets,
            "facet_lists": self.html,
        }
