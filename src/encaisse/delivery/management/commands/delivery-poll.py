"""encaisse delivery-poll: ask the Peppol access point what became of the messages sent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from encaisse.delivery import services


class Command(BaseCommand):
    help = "Ask the Peppol access point for the status of sent messages (delivered or rejected)."

    def handle(self, *args: Any, **opts: Any) -> None:
        changed = services.poll_provider_statuses()
        self.stdout.write(f"{changed} delivery status(es) changed")
