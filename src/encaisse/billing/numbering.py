"""Gapless invoice numbers per entity and series.

A number is taken when an invoice is issued, never at draft, inside the
issuing transaction: the series row is locked (``SELECT … FOR UPDATE`` on
PostgreSQL; SQLite has a single writer, its transactions begin ``IMMEDIATE``),
its counter is incremented, and when issuing fails the transaction rolls back
and gives the number back. Two processes issuing at once therefore queue on the
series and get consecutive numbers, and no number is ever skipped. The ledger's
unique (entity, number) constraint is the last line of defence.

A series' format is a Python format string over these fields only:
``{seq}`` (required, e.g. ``{seq:06d}``), ``{year}``, ``{yy}``, ``{month}``,
``{entity}`` and ``{series}``. A series that restarts every year needs
``{year}`` or ``{yy}`` in its format, or numbers would repeat.

>>> format_number("INV-{year}-{seq:06d}", seq=42, on=date(2026, 3, 2))
'INV-2026-000042'
>>> format_number("{entity}/{yy}{month:02d}/{seq}", seq=7, on=date(2026, 3, 2), entity="BE")
'BE/2603/7'
"""

from __future__ import annotations

import re
import string
from datetime import date

from encaisse.billing.models import NumberCounter, NumberSeries
from encaisse.ledger.models import Entity

_FIELDS = frozenset({"seq", "year", "yy", "month", "entity", "series"})
_SPEC = re.compile(r"^0?\d{0,2}d?$")


class InvalidSeriesFormat(ValueError):
    """A numbering format that would not give unique, well-formed numbers."""


def check_format(fmt: str, reset: str = NumberSeries.Reset.YEARLY) -> None:
    """Raise :class:`InvalidSeriesFormat` unless ``fmt`` is safe and gives unique numbers."""
    names = []
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError as exc:
        raise InvalidSeriesFormat(f"{fmt!r}: {exc}") from None
    for _text, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in _FIELDS or conversion:
            raise InvalidSeriesFormat(f"{fmt!r}: unknown field {{{name}}}; use {', '.join(sorted(_FIELDS))}")
        if spec and not _SPEC.match(spec):
            raise InvalidSeriesFormat(f"{fmt!r}: format spec {spec!r} not allowed (use e.g. 06d)")
        names.append(name)
    if names.count("seq") != 1:
        raise InvalidSeriesFormat(f"{fmt!r}: the format needs {{seq}} exactly once")
    if reset == NumberSeries.Reset.YEARLY and not ({"year", "yy"} & set(names)):
        raise InvalidSeriesFormat(f"{fmt!r}: a series that restarts yearly needs {{year}} or {{yy}}")
    sample = format_number(fmt, seq=1, on=date(2026, 1, 1), entity="X", series="S")
    if len(sample) + 6 > 64:
        raise InvalidSeriesFormat(f"{fmt!r}: numbers would be too long")


def format_number(fmt: str, *, seq: int, on: date, entity: str = "", series: str = "") -> str:
    return fmt.format(seq=seq, year=on.year, yy=f"{on.year % 100:02d}", month=on.month, entity=entity,
                      series=series)  # fmt: skip


def ensure_series(
    entity: Entity, code: str, fmt: str | None = None, reset: str | None = None
) -> NumberSeries:
    """The series ``code`` of ``entity``, created with ``fmt`` (default ``CODE-{year}-{seq:06d}``) if new."""
    series = NumberSeries.objects.filter(entity=entity, code=code).first()
    if series is not None:
        return series
    fmt = fmt or f"{code.upper()}-{{year}}-{{seq:06d}}"
    reset = reset or NumberSeries.Reset.YEARLY
    check_format(fmt, reset)
    # Two first invoices issued at once both create the series: the loser of the race
    # waits for the winner's commit, hits the unique constraint and reads its row.
    series, _created = NumberSeries.objects.get_or_create(
        entity=entity, code=code, defaults={"format": fmt, "reset": reset}
    )
    return series


def take_number(series: NumberSeries, on: date) -> str:
    """The next number of ``series`` for an invoice dated ``on``; call inside the issuing transaction."""
    locked = NumberSeries.objects.select_for_update().select_related("entity").get(pk=series.pk)
    period = str(on.year) if locked.reset == NumberSeries.Reset.YEARLY else ""
    counter, _ = NumberCounter.objects.get_or_create(series=locked, period=period)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_number(locked.format, seq=counter.last, on=on, entity=locked.entity.code.upper(),
                         series=locked.code)  # fmt: skip
