"""The search form: every parameter a buyer can put in a search URL, validated.

Nothing a buyer types reaches a backend unchecked: the words are capped,
facet selections must name a known facet, a place must be in the gazetteer
(or be coordinates), the radius and pack size must be sensible numbers, and
the sort must be one we offer. Bad values become form errors that the page
shows; the rest of the search still runs.
"""

import math

from django import forms
from django.utils.translation import gettext_lazy as _

from .facets import facet_fields, range_facets
from .geo import UnknownPlace, resolve_place
from .query import Clause, RangeFacet, SearchRequest, all_of, parse_range, InvalidSearch

MAX_QUERY_LENGTH = 200
MAX_SELECTED_FACETS = 20
RADIUS_CHOICES = [("", _("Any distance")), ("10", "10 km"), ("25", "25 km"), ("50", "50 km"), ("100", "100 km"), ("250", "250 km")]
MAX_RADIUS_KM = 2000

SORT_CHOICES = [
    ("relevance", _("Relevance")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("newest", _("Newest")),
    ("distance", _("Distance")),
]


class SearchForm(forms.Form):
    # Bootstrap's form-control makes each field as wide as its column (the page's grid), not the browser's default width.
    q = forms.CharField(required=False, label=_("Search"), widget=forms.TextInput(attrs={"placeholder": _("Basil, microgreens, strawberries..."), "class": "form-control"}))
    location = forms.CharField(required=False, label=_("Near"), widget=forms.TextInput(attrs={"placeholder": _("Postcode or town"), "class": "form-control"}))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    radius = forms.FloatField(required=False, label=_("Within (km)"), widget=forms.NumberInput(attrs={"class": "form-control", "min": "1", "max": "2000", "step": "any", "placeholder": "50"}))
    min_kg = forms.FloatField(required=False, label=_("Pack size at least (kg)"), widget=forms.NumberInput(attrs={"class": "form-control", "min": "0", "step": "any"}))
    sort_by = forms.ChoiceField(required=False, choices=SORT_CHOICES, label=_("Sort by"), widget=forms.Select(attrs={"class": "custom-select custom-select-sm w-auto"}))

    def __init__(self, data=None, *args, selected_facets=None, categories=None, **kwargs):
        self.raw_selected = list(selected_facets if selected_facets is not None else (data.getlist("selected_facets") if data is not None and hasattr(data, "getlist") else []))
        self.categories = categories
        super().__init__(data, *args, **kwargs)
        self.selected_facets = []  # valid "field:value" strings, as in the URL
        self.facet_clauses = []  # Clause per valid selection
        self.place = None  # (label, lat, lon)

    # Oscar's templates and context processor use these names.
    @property
    def selected_multi_facets(self):
        selected = {}
        for item in self.selected_facets:
            field, _, value = item.partition(":")
            selected.setdefault(field, []).append(value)
        return selected

    def clean_q(self):
        q = (self.cleaned_data.get("q") or "").replace("\x00", " ").strip()
        if len(q) > MAX_QUERY_LENGTH:
            raise forms.ValidationError(_("Search terms can be at most %(max)d characters long.") % {"max": MAX_QUERY_LENGTH})
        return q

    def clean_radius(self):
        radius = self.cleaned_data.get("radius")
        if radius is None:
            return None
        if not math.isfinite(radius) or radius < 1 or radius > MAX_RADIUS_KM:
            raise forms.ValidationError(_("The radius must be between 1 and %(max)d km.") % {"max": MAX_RADIUS_KM})
        return radius

    def clean_min_kg(self):
        value = self.cleaned_data.get("min_kg")
        if value is not None and (not math.isfinite(value) or value < 0 or value > 100000):
            raise forms.ValidationError(_("The pack size must be a positive number of kilograms."))
        return value

    def _clean_coordinate(self, name, limit):
        value = self.cleaned_data.get(name)
        if value is not None and (not math.isfinite(value) or abs(value) > limit):
            self.add_error(None, _("The browser's location was not a valid coordinate."))
            return None
        return value

    def clean(self):
        cleaned = super().clean()
        lat = self._clean_coordinate("lat", 90)
        lon = self._clean_coordinate("lon", 180)
        location = (cleaned.get("location") or "").strip()
        if location:
            try:
                self.place = resolve_place(location)
            except UnknownPlace as exc:
                self.add_error("location", str(exc))
        elif lat is not None and lon is not None:
            self.place = (_("your location"), lat, lon)
        if cleaned.get("radius") and self.place is None and "location" not in self.errors:
            self.add_error("radius", _("Give a place (postcode or town) to search within a radius."))
        if cleaned.get("sort_by") == "distance" and self.place is None and "location" not in self.errors:
            self.add_error("sort_by", _("Give a place (postcode or town) to sort by distance."))
        self._clean_selected_facets()
        return cleaned

    def _clean_selected_facets(self):
        fields = facet_fields()
        ranges = range_facets()
        range_fields = {facet["field"]: name for name, facet in ranges.items()}
        unknown = []
        for raw in self.raw_selected[:MAX_SELECTED_FACETS]:
            field, sep, value = str(raw).partition(":")
            field = field[:-6] if field.endswith("_exact") else field
            if not sep or not value:
                unknown.append(raw)
                continue
            if field in fields:
                clause = Clause(fields[field]["field"], "exact", value)
            elif field in range_fields:
                try:
                    clause = Clause(field, "range", parse_range(value))
                except InvalidSearch:
                    unknown.append(raw)
                    continue
            else:
                unknown.append(raw)
                continue
            normalised = f"{field}:{value}"
            if normalised not in self.selected_facets:
                self.selected_facets.append(normalised)
                self.facet_clauses.append(clause)
        if len(self.raw_selected) > MAX_SELECTED_FACETS:
            self.add_error(None, _("Only the first %(max)d filters were used.") % {"max": MAX_SELECTED_FACETS})
        if unknown:
            shown = ", ".join(repr(str(item)[:60]) for item in unknown[:3])
            self.add_error(None, _("Ignored unknown filter(s): %(filters)s.") % {"filters": shown})

    def search_request(self, *, offset=0, limit=24, extra_clauses=()):
        """The SearchRequest for the valid parts of this form (call after is_valid())."""
        data = getattr(self, "cleaned_data", {}) or {}
        clauses = []
        # selections on one field are alternatives (organic OR GAP); fields combine with AND
        by_field = {}
        for clause in self.facet_clauses:
            by_field.setdefault(clause.field, []).append(clause)
        for field, field_clauses in by_field.items():
            if len(field_clauses) == 1:
                clauses.append(field_clauses[0])
            elif all(c.op == "exact" for c in field_clauses):
                clauses.append(Clause(field, "in", tuple(c.value for c in field_clauses)))
            else:
                from .query import Or

                clauses.append(Or(tuple(field_clauses)))
        if self.categories is not None:
            clauses.append(Clause("category", "in", tuple(c.name for c in self.categories)))
        if data.get("min_kg") is not None and "min_kg" not in self.errors:
            clauses.append(Clause("pack_size_kg", "gte", data["min_kg"]))
        clauses.extend(extra_clauses)
        point = (self.place[1], self.place[2]) if self.place else None
        radius = data.get("radius") if point and "radius" not in self.errors else None
        sort = data.get("sort_by") or ("distance" if point and not data.get("q") else "relevance")
        if sort == "distance" and point is None:
            sort = "relevance"
        return SearchRequest(
            text=data.get("q", "") if "q" not in self.errors else "",
            where=all_of(*clauses),
            facet_fields=[facet["field"] for facet in facet_fields().values()],
            range_facets={name: RangeFacet(facet["field"], [(str(query), *parse_range(str(query))) for _, query in facet["queries"]]) for name, facet in range_facets().items()},
            point=point,
            radius_km=radius,
            sort=sort,
            offset=offset,
            limit=limit,
        )


class BrowseCategoryForm(SearchForm):
    """The catalogue listing: the same form, with no words typed."""


class CategoryForm(SearchForm):
    """A category page: the same form, limited to the category and its descendants."""
