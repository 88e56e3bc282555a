"""Output of the ``encaisse`` commands: one table for people, JSON and CSV for scripts.

Every listing and report command takes ``--format table|json|csv``. Tables are
drawn with rich; JSON is an object or a list of objects with stable keys
(documented in docs/cli.md); CSV has a header line. Money is written as a
decimal string, never a float.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any, TextIO

from django.core.management.base import CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table


def add_format_argument(parser: CommandParser) -> None:
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table", help="output format")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def emit(
    out: TextIO, rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, *, title: str = "",
    document: Any = None,
) -> None:  # fmt: skip
    """Write rows; ``document`` (when given) is the JSON written instead of the rows."""
    if fmt == "json":
        payload = document if document is not None else [{c: _plain(r.get(c)) for c in columns} for r in rows]
        out.write(json.dumps(payload, indent=2, ensure_ascii=False, default=_plain) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow(["" if r.get(c) is None else _plain(r.get(c)) for c in columns])
    else:
        table = Table(title=title or None, show_lines=False)
        for c in columns:
            numeric = any(isinstance(r.get(c), int | Decimal) for r in rows[:20])
            table.add_column(
                c.replace("_", " "), justify="right" if numeric else "left", no_wrap=True, overflow="ellipsis",
                max_width=None if numeric else 40, min_width=min(len(c), 12),
            )  # fmt: skip
        for r in rows:
            table.add_row(*("" if r.get(c) is None else str(_plain(r.get(c))) for c in columns))
        width = Console().width if out is sys.stdout and sys.stdout.isatty() else 240
        Console(file=out, width=width, force_terminal=False).print(table)


@contextmanager
def progress_bar(description: str, total: int | None, *, enabled: bool = True) -> Iterator[Any]:
    """A rich progress bar on standard error; yields ``advance(n)``."""
    if not enabled or not sys.stderr.isatty():
        yield lambda n=1: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(file=sys.stderr), transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
