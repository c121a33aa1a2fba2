"""Search models: the embedded backend's document store and buyers' saved searches."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexedDocument(models.Model):
    """One prepared search document of the embedded backend.

    Rows are never updated in place: a change deletes the old row and inserts
    a new one, and a removal inserts a tombstone (data is null). The primary
    key therefore only grows, so a process holding an in-memory snapshot
    catches up by reading the rows above the last key it has seen.
    """

    key = models.CharField(max_length=100, db_index=True)  # "catalogue.product.42"
    data = models.JSONField(null=True)
    # Random per write batch: with max(id) and count(*) it tells a process that
    # its snapshot is stale even where a rolled-back write let ids be reused.
    stamp = models.BigIntegerField(default=0)

    class Meta:
        app_label = "search"

    def __str__(self):
        return self.key


class SavedSearch(models.Model):
    """A signed-in buyer's search, re-run daily to email them new matches."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches")
    name = models.CharField(_("Name"), max_length=120)
    # The search page's query string (q, selected_facets, location, radius...),
    # so the saved search opens as a normal bookmarkable URL.
    query_string = models.CharField(max_length=2000)
    alerts_enabled = models.BooleanField(_("Email me new matches"), default=True)
    date_created = models.DateTimeField(auto_now_add=True)
    # Products created after this moment are "new" for the next alert.
    last_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "search"
        ordering = ["-date_created"]
        verbose_name = _("Saved search")
        verbose_name_plural = _("Saved searches")

    def __str__(self):
        return self.name
