"""Energy reports: what a grower measured for a facility (or one product) over a period."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from . import grading


class EnergyReport(models.Model):
    UNVERIFIED = "unverified"
    VERIFIED = "verified"
    REJECTED = "rejected"
    STATUS_CHOICES = [(UNVERIFIED, "Unverified"), (VERIFIED, "Verified"), (REJECTED, "Rejected")]

    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="energy_reports")
    product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="energy_reports",
        help_text="Leave blank when the figures cover the whole facility.",
    )
    kwh_per_kg = models.DecimalField(
        "electricity (kWh per kg of produce)", max_digits=9, decimal_places=3, validators=[MinValueValidator(0)]
    )
    renewable_share = models.DecimalField(
        "renewable share (%)", max_digits=5, decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    lighting_efficacy = models.DecimalField(
        "lighting efficacy (µmol/J)", max_digits=4, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10"))],
    )
    period_start = models.DateField()
    period_end = models.DateField()
    evidence = models.FileField(upload_to="energy_badges/evidence/%Y/%m/")
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=UNVERIFIED, db_index=True)
    rejection_reason = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-pk"]
        indexes = [models.Index(fields=["status", "partner"]), models.Index(fields=["status", "product"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="energy_period_in_order"
            ),
            models.CheckConstraint(condition=models.Q(kwh_per_kg__gte=0), name="energy_kwh_not_negative"),
            models.CheckConstraint(
                condition=models.Q(renewable_share__gte=0, renewable_share__lte=100), name="energy_share_percent"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(rejection_reason=""),
                name="energy_rejection_has_reason",
            ),
        ]

    def __str__(self):
        subject = self.product.get_title() if self.product_id else "facility"
        return f"{self.partner} {subject} {self.period_start}–{self.period_end} ({self.status})"

    def grade(self, thresholds=grading.DEFAULT_THRESHOLDS, renewable_weight=grading.DEFAULT_RENEWABLE_WEIGHT):
        return grading.grade(self.kwh_per_kg, self.renewable_share, thresholds, renewable_weight)
