"""Forms: the seller's energy report, the staff verification decision, the per-site configuration."""

from decimal import Decimal

from django import forms
from django.conf import settings
from oscar.core.loading import get_model

from . import grading
from .models import EnergyReport

EVIDENCE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg", "csv", "xlsx")
DEFAULT_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024


def evidence_max_bytes():
    return getattr(settings, "ENERGY_BADGES_EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES)


class EnergyReportForm(forms.ModelForm):
    """A seller's report. ``partners`` limits the growers (and their products) the user may report for."""

    class Meta:
        model = EnergyReport
        fields = [
            "partner", "product", "kwh_per_kg", "renewable_share", "lighting_efficacy",
            "period_start", "period_end", "evidence",
        ]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "period_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, partners, **kwargs):
        super().__init__(*args, **kwargs)
        Product = get_model("catalogue", "Product")
        self.fields["partner"].queryset = partners
        self.fields["product"].queryset = Product.objects.filter(stockrecords__partner__in=partners).distinct()
        self.fields["evidence"].help_text = (
            f"{', '.join(EVIDENCE_EXTENSIONS).upper()}; at most {evidence_max_bytes() // (1024 * 1024)} MB."
        )

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence and hasattr(evidence, "size"):
            extension = evidence.name.rsplit(".", 1)[-1].lower() if "." in evidence.name else ""
            if extension not in EVIDENCE_EXTENSIONS:
                raise forms.ValidationError(
                    f"{evidence.name} is not an accepted evidence file; upload one of: "
                    f"{', '.join(EVIDENCE_EXTENSIONS)}."
                )
            if evidence.size > evidence_max_bytes():
                raise forms.ValidationError(
                    f"{evidence.name} is {evidence.size / (1024 * 1024):.1f} MB; the limit is "
                    f"{evidence_max_bytes() / (1024 * 1024):.0f} MB."
                )
        return evidence

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", f"The period ends ({end}) before it starts ({start}).")
        partner, product = cleaned.get("partner"), cleaned.get("product")
        if partner and product and not product.stockrecords.filter(partner=partner).exists():
            self.add_error("product", f"{product.get_title()} is not sold by {partner}.")
        return cleaned


class VerificationForm(forms.Form):
    decision = forms.ChoiceField(choices=[(EnergyReport.VERIFIED, "Verify"), (EnergyReport.REJECTED, "Reject")])
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == EnergyReport.REJECTED and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the report is rejected; the seller sees this reason.")
        return cleaned


class SiteConfigForm(forms.Form):
    """The plugin's configuration for one site (validated by the plugin host when saved)."""

    thresholds = forms.CharField(
        initial=", ".join(str(t) for t in grading.DEFAULT_THRESHOLDS),
        help_text="Upper bounds of adjusted kWh per kg for grades A to F, comma-separated, rising.",
    )
    renewable_weight = forms.DecimalField(
        initial=grading.DEFAULT_RENEWABLE_WEIGHT, min_value=Decimal(0), max_value=Decimal(1), decimal_places=2,
        help_text="How much a fully renewable supply reduces the graded figure (0 to 1).",
    )
    method_url = forms.CharField(
        required=False, initial="", help_text="A page explaining the method; badges link to it (a path or URL)."
    )

    def clean_thresholds(self):
        raw = self.cleaned_data["thresholds"]
        parts = [part.strip() for part in str(raw).split(",") if part.strip()] if isinstance(raw, str) else list(raw)
        try:
            return grading.validate_thresholds(parts)
        except (ValueError, ArithmeticError) as exc:
            raise forms.ValidationError(f"Thresholds {raw!r}: {exc}.") from None


def reports_visible_to(user):
    """Staff see every report; a seller only those of the growers they belong to."""
    if user.is_staff:
        return EnergyReport.objects.all()
    return EnergyReport.objects.filter(partner__users=user)


def partners_of(user):
    Partner = get_model("partner", "Partner")
    return Partner.objects.all() if user.is_staff else Partner.objects.filter(users=user)


__all__ = ["EnergyReportForm", "SiteConfigForm", "VerificationForm", "partners_of", "reports_visible_to"]
