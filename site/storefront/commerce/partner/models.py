"""Partner = grower. Oscar's abstract partner plus the grower's public profile."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from oscar.apps.partner.abstract_models import AbstractPartner

CERTIFICATIONS = {
    "organic": "Organic",
    "gap": "GAP (Good Agricultural Practice)",
    "gmp": "GMP",
    "pesticide-free": "Pesticide free",
}


class Partner(AbstractPartner):
    description = models.TextField(blank=True)
    region = models.CharField(max_length=100, blank=True, db_index=True)
    city = models.CharField(max_length=100, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    certifications = models.CharField(
        max_length=200,
        blank=True,
        help_text="Comma-separated codes: " + ", ".join(CERTIFICATIONS),
    )
    logo = models.ImageField(upload_to="growers/logos/", blank=True, null=True)
    website = models.URLField(blank=True)

    @property
    def certification_codes(self):
        return [code.strip() for code in self.certifications.split(",") if code.strip()]

    @property
    def certification_labels(self):
        return [CERTIFICATIONS.get(code, code) for code in self.certification_codes]

    def clean(self):
        from django.core.exceptions import ValidationError

        unknown = [code for code in self.certification_codes if code not in CERTIFICATIONS]
        if unknown:
            raise ValidationError(
                {"certifications": f"Unknown certification code(s): {', '.join(unknown)}. "
                 f"Known: {', '.join(CERTIFICATIONS)}."}
            )
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")


from oscar.apps.partner.models import *  # noqa: E402,F401,F403
