"""List every plugin: id, version, hooks, the sites it is on, and load errors."""

import json

from django.core.management.base import BaseCommand

from storefront.plugins.report import plugin_report


class Command(BaseCommand):
    help = "List installed plugins with their version, hooks, the sites where they are enabled and any load errors."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print a JSON list for scripts.")

    def handle(self, *args, **options):
        rows = plugin_report()
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
            return
        for row in rows:
            style = {"loaded": self.style.SUCCESS, "disabled": self.style.WARNING}.get(row["state"], self.style.ERROR)
            self.stdout.write(style(f"{row['id']} {row['version'] or '-'} [{row['state']}]") + f"  {row['label']}")
            if row["hooks"]:
                self.stdout.write(f"    hooks: {', '.join(row['hooks'])}")
            self.stdout.write(f"    enabled on: {', '.join(row['enabled_on']) or 'no site'}")
            for error in row["errors"]:
                self.stdout.write(self.style.ERROR(f"    error: {error}"))
        errors = sum(1 for row in rows if row["errors"])
        self.stdout.write(f"{len(rows)} plugin(s), {errors} with errors.")
