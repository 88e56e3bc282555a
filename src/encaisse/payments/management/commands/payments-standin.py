"""``encaisse payments-standin``: run the local Stripe/Mollie stand-in in the foreground."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.urls import reverse

from encaisse.payments import config
from encaisse.payments.standin import ProviderStandIn


class Command(BaseCommand):
    help = "Run a local stand-in for Stripe's and Mollie's APIs (for the demo and manual trials)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765, help="0 takes a free port (default 8765)")
        parser.add_argument("--webhook-base", default="",
                            help="base URL of Encaisse for Stripe's webhook (default: ENCAISSE_PORTAL_URL)")  # fmt: skip
        parser.add_argument("--verbose", action="store_true", help="log every request")

    def handle(self, *args: Any, **options: Any) -> None:
        base = (options["webhook_base"] or config.public_url()).rstrip("/")
        standin = ProviderStandIn(
            host=options["host"], port=options["port"], quiet=not options["verbose"],
            stripe_webhook_url=base + reverse("payments_webhook", args=["stripe"]),
        )  # fmt: skip
        self.stdout.write(f"Payment stand-in listening on {standin.url}")
        self.stdout.write("Set these for Encaisse (e.g. in the shell that runs `encaisse runserver`):\n")
        for name, value in standin.env().items():
            self.stdout.write(f"export {name}={value}")
        self.stdout.write(
            f"\nStripe webhooks go to {standin.stripe_webhook_url}; Mollie's to each payment's webhookUrl."
        )
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()  # a demo script reading the output sees it before the first request
        try:
            standin.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("stopped")
