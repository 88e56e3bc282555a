"""encaisse archive-verify: re-hash every archived file; non-zero exit when one is damaged or missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from encaisse.billing.archiving import verify_archive


class Command(BaseCommand):
    help = "Re-hash every archived document (PDF, UBL, Factur-X, imported e-invoices); report damaged or missing files."

    def handle(self, *args: Any, **opts: Any) -> None:
        checked, problems = verify_archive()
        for p in problems:
            self.stderr.write(f"{p.problem.upper()} {p.sha256}: {'; '.join(p.documents)}")
        if problems:
            raise CommandError(f"{len(problems)} of {checked} archived file(s) damaged or missing")
        self.stdout.write(f"archive intact: {checked} file(s) re-hashed")
