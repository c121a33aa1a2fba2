"""What the plugin keeps from VibeLux: connections, rooms, crop cycles, lots, webhook events, lot allocations.

Every record that comes from VibeLux keeps VibeLux's id (``external_id``,
unique per connection) and VibeLux's ``updated_at`` (``source_updated_at``):
the id makes a redelivery a no-op and the timestamp makes an older update
arriving after a newer one a no-op, so each piece of data has exactly one
effect whichever way (webhook, pull, upload) and in whatever order it came.
"""

import secrets
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models


def new_secret():
    return secrets.token_urlsafe(32)


class Connection(models.Model):
    """One grower's link to VibeLux: where to pull from, the webhook secret, how listings are made."""

    REVIEW = "review"
    PUBLISH = "publish"
    MODE_CHOICES = [(REVIEW, "Create drafts for me to review"), (PUBLISH, "Publish new listings automatically")]

    partner = models.OneToOneField("partner.Partner", on_delete=models.CASCADE, related_name="vibelux_connection")
    facility_id = models.CharField("VibeLux facility id", max_length=64, unique=True)
    webhook_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    webhook_secret = models.CharField(max_length=100, default=new_secret)
    api_base_url = models.URLField(blank=True, help_text="Blank for a grower who uploads files instead.")
    api_token = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    listing_mode = models.CharField(max_length=10, choices=MODE_CHOICES, default=REVIEW)
    default_shelf_life_days = models.PositiveIntegerField(
        default=7, help_text="Used for the best-before date when the product has no shelf life of its own."
    )
    price_per_kg = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Prices new listings made from harvests; without it a new listing stays a draft.",
    )
    pull_interval_seconds = models.PositiveIntegerField(default=900)

    # Facility data (facility.updated).
    facility_name = models.CharField(max_length=128, blank=True)
    facility_city = models.CharField(max_length=100, blank=True)
    facility_region = models.CharField(max_length=100, blank=True)
    facility_updated_at = models.DateTimeField(null=True, blank=True)

    # The pull: per-resource cursor, backoff and the lease that keeps pulls one at a time.
    cursor = models.JSONField(default=dict, blank=True)
    last_pull_at = models.DateTimeField(null=True, blank=True)
    next_pull_at = models.DateTimeField(null=True, blank=True, db_index=True)
    pull_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    pull_lease_until = models.DateTimeField(null=True, blank=True)
    pull_lease_token = models.CharField(max_length=32, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["partner__name"]

    def __str__(self):
        return f"{self.partner} ↔ VibeLux facility {self.facility_id}"

    @property
    def location(self):
        return ", ".join(part for part in (self.facility_name, self.facility_city) if part) or str(self.partner)


class GrowRoom(models.Model):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="rooms")
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    growing_method = models.CharField(max_length=30, blank=True)
    area_m2 = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    tiers = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "external_id"], name="vibelux_room_unique")]

    def __str__(self):
        return self.name


class CropCycle(models.Model):
    """A planting: its forecast (before harvest) and its grow conditions and energy (as it runs)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="cycles")
    external_id = models.CharField(max_length=64)
    room = models.ForeignKey(GrowRoom, on_delete=models.SET_NULL, null=True, blank=True, related_name="cycles")
    room_external_id = models.CharField(max_length=64)
    crop = models.CharField(max_length=100)
    variety = models.CharField(max_length=100)
    planted_date = models.DateField()
    expected_harvest_date = models.DateField(db_index=True)
    forecast_yield_kg = models.DecimalField(max_digits=12, decimal_places=3)
    status = models.CharField(max_length=20)
    mean_temperature_c = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    mean_humidity_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    mean_co2_ppm = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    mean_ppfd = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    mean_dli = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    mean_vpd_kpa = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    energy_kwh = models.DecimalField(max_digits=14, decimal_places=3, null=True, blank=True)
    renewable_share_pct = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    source_updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "external_id"], name="vibelux_cycle_unique")]
        indexes = [models.Index(fields=["connection", "status", "expected_harvest_date"])]

    def __str__(self):
        return f"{self.crop} '{self.variety}' ({self.external_id})"

    @property
    def is_upcoming(self):
        return self.status in ("planned", "growing")


class Lot(models.Model):
    """One harvest: a lot number, its yield in packs, and the stock record its packs went to."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="lots")
    external_id = models.CharField("VibeLux harvest id", max_length=64)
    cycle = models.ForeignKey(CropCycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="lots")
    cycle_external_id = models.CharField(max_length=64)
    lot_number = models.CharField(max_length=64)
    harvest_date = models.DateField(db_index=True)
    best_before = models.DateField()
    yield_kg = models.DecimalField(max_digits=12, decimal_places=3)
    grade = models.CharField(max_length=20)
    crop = models.CharField(max_length=100)
    variety = models.CharField(max_length=100)
    pack_size = models.DecimalField(max_digits=10, decimal_places=3)
    pack_unit = models.CharField(max_length=10)
    pack_weight_kg = models.DecimalField(max_digits=10, decimal_places=4)
    packs = models.PositiveIntegerField(help_text="Packs the yield made, added to the stock record.")
    allocated = models.PositiveIntegerField(default=0, help_text="Packs allocated to order lines.")
    room_name = models.CharField(max_length=100, blank=True)
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="vibelux_lots")
    stockrecord = models.ForeignKey("partner.StockRecord", on_delete=models.PROTECT, related_name="vibelux_lots")
    source_updated_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["harvest_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "external_id"], name="vibelux_lot_harvest_unique"),
            models.UniqueConstraint(fields=["connection", "lot_number"], name="vibelux_lot_number_unique"),
            models.CheckConstraint(condition=models.Q(allocated__lte=models.F("packs")), name="vibelux_lot_not_oversold"),
        ]

    def __str__(self):
        return f"Lot {self.lot_number}"

    @property
    def remaining(self):
        return self.packs - self.allocated


class LotAllocation(models.Model):
    """How many packs of an order line came from which lot (FIFO by harvest date)."""

    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="vibelux_allocations")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="allocations")
    quantity = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["line", "lot"], name="vibelux_allocation_unique")]


class WebhookEvent(models.Model):
    """A delivered webhook, stored before it is processed; the event id makes redeliveries no-ops."""

    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"
    STATUS_CHOICES = [(RECEIVED, "Received"), (PROCESSED, "Processed"), (FAILED, "Failed")]

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default=RECEIVED, db_index=True)
    outcome = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["connection", "event_id"], name="vibelux_event_unique")]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class ForecastSignup(models.Model):
    """A buyer who wants an email when a forecast product is listed with stock."""

    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="vibelux_signups")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "email"], name="vibelux_signup_unique")]


class VibeLuxAccount(models.Model):
    """A VibeLux user (the token's ``sub``) linked to a storefront user of one grower."""

    subject = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vibelux_accounts")
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="accounts")
    linked_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
