"""Synthetic receivables for the ledger benchmark: customers, invoices and their settlements.

A seeded generator writes ``n`` customers and ``m`` invoices as the CSV files
``encaisse import-customers`` and ``encaisse import-invoices`` read, fast
enough for millions of rows (plain string formatting, check digits computed
inline: Belgian VAT numbers, Belgian IBANs, OGM structured references).
Amounts are integer cents; VAT is 21 % rounded half up in integers.
:func:`plan_settlements` spreads a number of allocations over the imported
invoices (some unpaid, most paid in one part, some in several), every one
effective between the invoice's issue date and the as-of date.

>>> from encaisse.core.references import is_valid_ogm
>>> from stdnum.be import vat
>>> from stdnum import iban
>>> rows = list(customer_rows(3, seed=1))
>>> all(vat.is_valid(r[3]) and iban.is_valid(r[4]) for r in rows)
True
>>> inv = list(invoice_rows(5, 3, seed=1, as_of=date(2026, 6, 30)))
>>> all(is_valid_ogm(r[-1]) for r in inv), inv == list(invoice_rows(5, 3, seed=1, as_of=date(2026, 6, 30)))
(True, True)
>>> plan = plan_settlements([(1, 10000, date(2026, 1, 1)), (2, 500, date(2026, 2, 1))], 3, seed=1, as_of=date(2026, 6, 30))
>>> len(plan) <= 3, all(a > 0 for i, a, d in plan), sum(a for i, a, d in plan if i == 1) <= 10000
(True, True, True)
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path

_FAMILY = ("Janssens", "Peeters", "Maes", "Dubois", "Lambert", "Dupont", "Willems", "Claes", "Martin", "Mertens",
           "Jacobs", "Wouters", "Leroy", "Simon", "Laurent", "Goossens", "De Smet", "Renard", "Hubert", "Lejeune")  # fmt: skip
_TRADE = ("Bouw", "Transport", "Logistics", "Bakkerij", "Garage", "Consult", "Techniek", "Imprimerie",
          "Menuiserie", "Brasserie", "Distribution", "Services")  # fmt: skip
_FORM = ("BV", "NV", "SRL", "SA", "CommV", "SC")
_BANKS = ("001", "068", "310", "363", "539", "735", "751")
CUSTOMER_COLUMNS = ("id", "name", "country", "vat_number", "iban", "email", "language", "payment_terms_days")
INVOICE_COLUMNS = ("number", "customer_id", "issue_date", "due_date", "currency", "net", "vat", "total",
                   "structured_reference")  # fmt: skip


def _be_vat(rng: random.Random) -> str:
    body = rng.randint(2_000_000, 19_999_999)
    return f"BE{body:08d}{97 - body % 97:02d}"


def _be_iban(rng: random.Random) -> str:
    first_ten = int(rng.choice(_BANKS) + f"{rng.randint(0, 9_999_999):07d}")
    check = first_ten % 97 or 97
    bban = f"{first_ten:010d}{check:02d}"
    iban_check = 98 - int(bban + "111400") % 97  # "BE" → 11 14, check digits 00
    return f"BE{iban_check:02d}{bban}"


def _cents(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def customer_rows(n: int, *, seed: int) -> Iterator[tuple[str, ...]]:
    rng = random.Random(seed)
    for i in range(1, n + 1):
        family, trade = rng.choice(_FAMILY), rng.choice(_TRADE)
        name = f"{trade} {family} {i} {rng.choice(_FORM)}"
        language = rng.choice(("fr", "nl"))
        yield (f"C{i:06d}", name, "BE", _be_vat(rng), _be_iban(rng),
               f"ap{i}@{family.lower().replace(' ', '')}.example", language, rng.choice(("30", "30", "45", "60")))  # fmt: skip


def invoice_rows(
    n: int, customers: int, *, seed: int, as_of: date, months: int = 24
) -> Iterator[tuple[str, ...]]:
    """Invoices issued over ``months`` up to ``as_of``, in number (and date) order."""
    rng = random.Random(seed + 1)
    span = months * 30
    first = as_of - timedelta(days=span)
    days = sorted(rng.randrange(span + 1) for _ in range(n))
    dates = [(first + timedelta(days=d)) for d in range(span + 1)]
    for i, d in enumerate(days, start=1):
        issue = dates[d]
        net = rng.randint(1_000, 500_000)
        vat = (net * 21 + 50) // 100
        body = issue.year * 1_000_000 + i % 1_000_000
        ogm = f"{body:010d}{body % 97 or 97:02d}"
        yield (f"INV{i:08d}", f"C{rng.randint(1, customers):06d}", issue.isoformat(),
               (issue + timedelta(days=rng.choice((30, 30, 45, 60)))).isoformat(), "EUR", _cents(net), _cents(vat),
               _cents(net + vat), ogm)  # fmt: skip


def write_csv(path: Path, columns: Sequence[str], rows: Iterator[tuple[str, ...]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def plan_settlements(
    invoices: Sequence[tuple[int, int, date]], target: int, *, seed: int, as_of: date
) -> list[tuple[int, int, date]]:
    """About ``target`` allocations ``(invoice id, amount in cents, effective date)`` over ``(id, total, issue date)``.

    As in a real ledger, recent invoices are mostly still open and old ones
    mostly settled: unpaid are three in four of those issued in the last 45
    days, one in ten of those up to 120 days old, one in fifty older. Each
    paid invoice gets one part, then (round-robin) more parts, up to four,
    until ``target`` is reached; parts add up to the total, except for one
    invoice in twenty whose last part is missing (partly paid). Every part is
    effective between the issue date and ``as_of``.
    """
    rng = random.Random(seed + 2)
    payable = []
    for inv in invoices:
        age = (as_of - inv[2]).days
        unpaid = 75 if age < 45 else 10 if age < 120 else 2
        if rng.randrange(100) >= unpaid:
            payable.append(inv)
    parts = [1] * min(len(payable), target)
    extra = target - len(parts)
    rounds = 0
    while extra > 0 and parts and rounds < 3:
        for k in range(len(parts)):
            if extra == 0:
                break
            parts[k] += 1
            extra -= 1
        rounds += 1
    result = []
    for (inv_id, total, issue), count in zip(payable, parts, strict=False):
        room = max(0, (as_of - issue).days)
        share = total // count
        amounts = [share] * (count - 1) + [total - share * (count - 1)]
        if count > 1 and rng.randrange(100) < 5:
            amounts.pop()
        for amount in amounts:
            result.append((inv_id, amount, issue + timedelta(days=rng.randint(0, min(room, 120)))))
    return result
