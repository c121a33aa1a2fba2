"""The per-site configuration: which growers and categories the site shows (blank = all)."""

from django import forms
from oscar.core.loading import get_model


def _codes(raw):
    if isinstance(raw, (list, tuple)):
        return [str(code).strip() for code in raw if str(code).strip()]
    return [code.strip() for code in (raw or "").split(",") if code.strip()]


class SiteCatalogueForm(forms.Form):
    growers = forms.CharField(
        required=False, initial="", help_text="Grower (partner) codes, comma-separated. Blank shows every grower."
    )
    categories = forms.CharField(
        required=False, initial="",
        help_text="Category slugs, comma-separated; subcategories are included. Blank shows every category.",
    )

    def clean_growers(self):
        codes = _codes(self.cleaned_data["growers"])
        Partner = get_model("partner", "Partner")
        known = set(Partner.objects.filter(code__in=codes).values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise forms.ValidationError(f"No grower has the code {', '.join(unknown)}.")
        return codes

    def clean_categories(self):
        slugs = _codes(self.cleaned_data["categories"])
        Category = get_model("catalogue", "Category")
        known = set(Category.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            raise forms.ValidationError(f"No category has the slug {', '.join(unknown)}.")
        return slugs
