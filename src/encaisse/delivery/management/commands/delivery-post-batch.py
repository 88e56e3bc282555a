"""encaisse delivery-post-batch [--day D] [--entity E] [-o DIR]: the print-ready PDF of the day's letters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.clock import today
from encaisse.delivery import services
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.management.options import entities, parse_date


class Command(BaseCommand):
    help = "Merge the postal letters waiting for print into one PDF per entity (archived; written to -o DIR)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", help="letters queued up to this day (default: today)")
        parser.add_argument("--entity")
        parser.add_argument("-o", "--output", help="folder to write the PDFs to")
        add_format_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        day = parse_date(opts["day"], "--day") if opts["day"] else today()
        store = ArchiveStore()
        rows = []
        for entity in entities(opts["entity"]):
            batch = services.build_post_batch(entity, day=day, actor="cli", store=store)
            if batch is None:
                continue
            where = ""
            if opts["output"]:
                folder = Path(opts["output"])
                folder.mkdir(parents=True, exist_ok=True)
                (folder / batch.filename).write_bytes(store.get(batch.sha256))
                where = str(folder / batch.filename)
            rows.append({"entity": entity.code, "file": batch.filename, "letters": batch.letters, "pages": batch.pages,
                         "sha256": batch.sha256, "written_to": where})  # fmt: skip
        if not rows and opts["format"] == "table":
            self.stdout.write("no letter waiting for print")
            return
        emit(self.stdout, rows, ["entity", "file", "letters", "pages", "sha256", "written_to"], opts["format"],
             title="Print batches")  # fmt: skip
