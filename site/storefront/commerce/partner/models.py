"""Partner = grower. Oscar's abstract partner plus the grower's public profile; stock records with their batches.

StockRecord is Oscar's plus the freshness of its stock (``batches``, and
``next_best_before`` for the daily sweep), written only by
storefront.commerce.freshness.refresh(): pricing a listing, a product page or
a basket reads them with the stock records it loads anyway, instead of a
product's attributes and a plugin's lots per product.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from oscar.apps.partner.abstract_models import AbstractPartner, AbstractStockRecord

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


class StockRecord(AbstractStockRecord):
    batches = models.JSONField(
        default=list, blank=True, editable=False,
        help_text="The harvested batches of this stock, oldest first: [harvested, best before, units left or null "
        "for the whole stock]. Written by storefront.commerce.freshness.refresh().",
    )
    next_best_before = models.DateField(
        null=True, blank=True, editable=False, db_index=True,
        help_text="The next best-before of a batch with stock left; the daily sweep re-checks records once it passes.",
    )


from oscar.apps.partner.models import *  # noqa: E402,F401,F403
