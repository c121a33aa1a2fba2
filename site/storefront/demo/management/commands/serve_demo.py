"""manage.py serve_demo: the demo storefront with its local Stripe-compatible server.

Starts localstripe on 127.0.0.1 (state kept in var/localstripe), has it send
its signed events to the storefront's webhook endpoint, then runs Django's
development server; stopping the server (Ctrl-C) stops localstripe too. With
real Stripe keys set (STRIPE_SECRET_KEY), no local server is started.
"""

import os
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse


class Command(BaseCommand):
    help = "Serve the demo storefront on 127.0.0.1 with a local Stripe-compatible server."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port, **options):
        server = None
        # runserver's autoreloader runs this command again in a child process
        # (RUN_MAIN=true); only the parent starts the Stripe server.
        if settings.STRIPE_LOCAL and os.environ.get("RUN_MAIN") != "true":
            from storefront.payments.localserver import start

            api = urlparse(settings.STRIPE_API_BASE)
            state_dir = settings.VAR_DIR / "localstripe"
            try:
                server = start(port=api.port or 8420, state_dir=state_dir, host=api.hostname or "127.0.0.1")
            except RuntimeError as exc:
                raise CommandError(f"The local Stripe server could not start: {exc}. Is port {api.port} taken?") from None
            webhook = f"http://127.0.0.1:{port}{reverse('stripe-webhook')}"
            server.deliver_webhooks_to(webhook, settings.STRIPE_WEBHOOK_SECRET)
            self.stdout.write(f"Local Stripe server on {server.url} (events go to {webhook})")
        try:
            call_command("runserver", f"127.0.0.1:{port}")
        finally:
            if server is not None:
                server.stop()
