"""Saved-search alerts: email each buyer the products new since their last alert.

"New" means created after the saved search's last alert (or after it was
saved, the first time). Each saved search is handled in its own transaction
and its last_alerted_at moves forward only when the email went out, so a
retried run sends nothing twice and a failed email is retried next run.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from . import service
from .backends.base import SearchUnavailable
from .query import Clause

logger = logging.getLogger(__name__)
MAX_PRODUCTS_PER_ALERT = 20


def new_matches(saved_search, since):
    """Products matching the saved search that were created after `since`, newest first."""
    SearchForm = get_class("search.forms", "SearchForm")
    form = SearchForm(QueryDict(saved_search.query_string))
    if not form.is_valid() and not getattr(form, "cleaned_data", None):
        return []
    page = service.run(
        form,
        per_page=MAX_PRODUCTS_PER_ALERT,
        extra_clauses=[Clause("date_created", "gt", since.timestamp())],
    )
    return [result.object for result in page.results]


def send_alerts(now=None):
    """Send every due alert; returns {"sent": n, "checked": n, "failed": n}."""
    SavedSearch = get_model("search", "SavedSearch")
    now = now or timezone.now()
    site_url = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    sent = checked = failed = 0
    for saved in SavedSearch.objects.filter(alerts_enabled=True, user__is_active=True).select_related("user").iterator():
        checked += 1
        since = saved.last_alerted_at or saved.date_created
        try:
            products = new_matches(saved, since)
        except SearchUnavailable:
            logger.warning("Search unavailable: saved-search alerts stop here and run again next time")
            raise
        if products and saved.user.email:
            body = render_to_string(
                "storefront/search/alert_email.txt",
                {
                    "user": saved.user,
                    "saved_search": saved,
                    "products": products,
                    "site_url": site_url,
                    "search_url": reverse("search:search") + "?" + saved.query_string,
                    "manage_url": reverse("search:saved-list"),
                },
            )
            try:
                send_mail(f"New products for your search: {saved.name}"[:150], body, None, [saved.user.email])
            except OSError:
                failed += 1
                logger.exception("Saved-search alert %s could not be sent; it will be retried next run", saved.pk)
                continue
            sent += 1
        with transaction.atomic():
            SavedSearch.objects.filter(pk=saved.pk).update(last_alerted_at=now)
    return {"sent": sent, "checked": checked, "failed": failed}
