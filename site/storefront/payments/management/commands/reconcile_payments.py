"""manage.py reconcile_payments: repair or report payments Stripe and the storefront disagree about."""

from django.core.management.base import BaseCommand

from storefront.payments.reconcile import reconcile


class Command(BaseCommand):
    help = (
        "Find payments captured or authorised at Stripe with no order, orders whose sellers' transfers "
        "did not go out, pending refunds and webhook events; repair them (or only report with --dry-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report what would be done, change nothing")
        parser.add_argument(
            "--grace-seconds",
            type=int,
            default=None,
            help="ignore records younger than this (default: STOREFRONT_RECONCILE_GRACE_SECONDS)",
        )

    def handle(self, *args, dry_run=False, grace_seconds=None, **options):
        if grace_seconds is not None and grace_seconds < 0:
            self.stderr.write("--grace-seconds must be 0 or more")
            raise SystemExit(2)
        report = reconcile(dry_run=dry_run, grace_seconds=grace_seconds)
        for finding in report.findings:
            self.stdout.write(str(finding))
        mode = "dry run, nothing changed" if dry_run else "repairs applied"
        self.stdout.write(f"Reconciliation: {len(report.findings)} finding(s) ({mode}).")
