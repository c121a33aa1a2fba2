"""manage.py load_demo: load the demo content in content/ into the database.

Safe to run twice: every loader matches what is there by natural keys and
updates it in place, so a second run creates nothing new. Harvest dates are
relative to the day it runs (``--today``, default the local date), so a run
on a later day moves them along and the demo's produce is always fresh.
"""

import inspect
import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from storefront.demo.loaders.catalogue import DemoDataError, load_catalogue
from storefront.demo.loaders.checkout import load_checkout
from storefront.demo.loaders.pages import PageContentError, load_pages
from storefront.demo.loaders.users import load_users
from storefront.plugins.discovery import installed_plugins
from storefront.themes.demo import load_partner_site


class Command(BaseCommand):
    help = (
        "Load the demo growers, catalogue, pages, partner site, shipping countries, plugins' demo content "
        "and users from content/."
    )

    def add_arguments(self, parser):
        parser.add_argument("--content-dir", default=str(settings.BASE_DIR / "content"))
        parser.add_argument("--today", help="load the demo as of this day (YYYY-MM-DD; default: today's local date)")

    def handle(self, *args, **options):
        from pathlib import Path

        content_dir = Path(options["content_dir"])
        if not content_dir.is_dir():
            raise CommandError(f"No content folder at {content_dir}.")
        today = self.parse_day(options.get("today"))
        started = time.perf_counter()
        totals = {}

        def progress(message):
            self.stdout.write(message)

        steps = [
            ("catalogue", lambda: load_catalogue(content_dir, progress, today=today)),
            ("pages", lambda: load_pages(content_dir, progress)),
            ("partner site", lambda: load_partner_site(content_dir, progress)),
            ("shipping countries and site names", lambda: load_checkout(progress)),
        ]
        # Plugins that ship demo content name a loader (DEMO_LOADER in their plugin module).
        for plugin in installed_plugins():
            if plugin.loaded and not plugin.disabled and plugin.meta.get("demo_loader"):
                loader = import_string(plugin.meta["demo_loader"])
                # A loader with dates of its own takes the same day (an optional `today` keyword).
                extra = {"today": today} if "today" in inspect.signature(loader).parameters else {}
                steps.append((f"{plugin.id} plugin",
                              lambda loader=loader, extra=extra: loader(content_dir, progress, **extra)))
        steps.append(("users", lambda: load_users(self.seller_partner_codes(), progress)))

        for name, step in steps:
            self.stdout.write(self.style.MIGRATE_HEADING(f"Loading {name}"))
            try:
                with transaction.atomic():
                    totals.update(step() or {})
            except (DemoDataError, PageContentError) as exc:
                raise CommandError(str(exc)) from None
        # Counts only (loaders also return flags and names for their own tests).
        summary = ", ".join(
            f"{value} {key}" for key, value in totals.items() if type(value) is int and value and "updated" not in key
        )
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded in {time.perf_counter() - started:.1f} s: {summary}"))

    @staticmethod
    def parse_day(value):
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--today {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-12-04.") from None

    @staticmethod
    def seller_partner_codes():
        from oscar.core.loading import get_model

        Partner = get_model("partner", "Partner")
        return list(Partner.objects.order_by("pk").values_list("code", flat=True)[:2])
