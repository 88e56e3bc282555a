"""The shape every file-import command shares: options, progress, summary, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import progress_bar
from encaisse.ledger.importing import ImportFailed


class ImportCommand(BaseCommand):
    what = "rows"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--entity", help="entity code (when the file has no entity column)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def run(self, path: Path, **kw: Any) -> Any:
        raise NotImplementedError

    def handle(self, *args: Any, **opts: Any) -> None:
        results = []
        failed = False
        for path in opts["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            size = path.stat().st_size
            if size > settings.ENCAISSE_MAX_IMPORT_BYTES:
                raise CommandError(
                    f"{path}: {size} bytes is over the import limit ({settings.ENCAISSE_MAX_IMPORT_BYTES})"
                )
            try:
                with progress_bar(f"{path.name}", None) as advance:
                    summary = self.run(
                        path, entity_code=opts["entity"], dry_run=opts["dry_run"], progress=advance
                    )
            except ImportFailed as exc:
                self.stderr.write(str(exc))
                failed = True
                continue
            results.append(summary)
            if summary.ignored_columns:
                self.stderr.write(
                    f"{path}: column(s) not read: {', '.join(summary.ignored_columns)} "
                    f"(`encaisse {self.__module__.rpartition('.')[2]} --help` and docs/cli.md list the columns read)"
                )
            if opts["format"] == "table":
                changed = f", {len(summary.changed)} changed and kept as issued" if summary.changed else ""
                updated = f", {summary.updated} updated" if summary.updated else ""
                if summary.settled_before:
                    updated += (
                        f", {summary.settled_before} settled in part or in full before (opening balances)"
                    )
                dry = " (dry run: nothing written)" if summary.dry_run else ""
                self.stdout.write(
                    f"{path}: {summary.rows} rows: {summary.new} new {self.what}, {summary.known} already known{updated}{changed}{dry}"
                )
                for number in summary.changed[:20]:
                    self.stderr.write(
                        f"{path}: {number} differs from the issued invoice; not changed (issue a credit note)"
                    )
        if opts["format"] == "json":
            self.stdout.write(json.dumps([s.as_dict() for s in results], indent=2))
        if failed:
            raise CommandError("some files were refused; nothing was imported from them")
