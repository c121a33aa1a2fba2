"""Which facets the search pages show, and their links.

Facets come from settings.OSCAR_SEARCH_FACETS (fields and price-range
queries) plus those registered through extra_fields.register_facet(). Every
facet value is a plain link: selecting adds selected_facets=field:value to the
current URL, deselecting removes it, and either goes back to page one, so any
state of the page can be bookmarked.
"""

from urllib.parse import urlencode

from django.conf import settings

from .extra_fields import extra_facets

MAX_VALUES_PER_FACET = 15  # the most frequent values; the words narrow the rest


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
