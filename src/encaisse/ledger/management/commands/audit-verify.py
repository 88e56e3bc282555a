"""encaisse audit-verify: walk the audit hash chain; exit non-zero naming the first broken row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from encaisse.ledger.audit import verify_chain
from encaisse.ledger.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit log's hash chain."

    def handle(self, *args: Any, **opts: Any) -> None:
        for brk in verify_chain():
            raise CommandError(f"audit log broken at event {brk.sequence}: {brk.reason}")
        self.stdout.write(f"audit log intact: {AuditEvent.objects.count()} events")
