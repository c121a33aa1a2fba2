"""manage.py sweep_freshness: the daily freshness sweep, now.

Beat runs it just after midnight (storefront.commerce.tasks.sweep_past_best_before).
Run it by hand where no beat runs (the embedded default, a cron job), and
once after upgrading to a release that stores stock batches, so every stock
record's batches are written from its product's harvest date and shelf life
and the plugins' lots.
"""

from django.core.management.base import BaseCommand

from storefront.commerce.freshness import sweep


class Command(BaseCommand):
    help = "Re-index the products whose stock went past its best-before and recheck every stock record's batches."

    def handle(self, *args, **options):
        result = sweep()
        self.stdout.write(
            f"Freshness sweep: {len(result['expired'])} product(s) with stock past its best-before, "
            f"{len(result['repaired'])} with batches repaired."
        )
