"""E-invoice throughput: UBL generation, UBL generation + full validation, CII + Factur-X.

Run: ``.venv/bin/python benchmarks/einvoice_bench.py [--count 400]``. Prints
invoices per second for:

- UBL generation alone (build the model with totals, write Peppol BIS UBL);
- UBL generation + full validation (XSD + CEN EN 16931 XSLT + Peppol rules),
  in one process and in a pool of 2 processes (one per core here);
- CII generation + Factur-X embedding into a ready PDF/A-3 page (the PDF
  rendering itself is the billing service's and is not counted).

Stylesheets are compiled before the clock starts (once per process).
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal as D

from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.cii import write_cii
from encaisse.formats.einvoice.model import Address, Document, Identifier, Line, Party, PaymentMeans
from encaisse.formats.einvoice.totals import allowance, build_document
from encaisse.formats.einvoice.ubl import write_ubl
from encaisse.formats.einvoice.validation import validate, warm_up

SELLER = Party(name="Encaisse Demo SRL", address=Address(country="BE", lines=("Rue de la Loi 16",), city="Bruxelles",
               postcode="1000"), legal_id=Identifier("0123456749", "0208"), vat_id="BE0123456749",
               endpoint=Identifier("0123456749", "0208"))  # fmt: skip
BUYER = Party(name="Acheteur SA", address=Address(country="BE", lines=("Meir 1",), city="Antwerpen", postcode="2000"),
              vat_id="BE0202239951", endpoint=Identifier("0202239951", "0208"))  # fmt: skip
RATES = (D("21"), D("6"), D("12"))


def make_document(n: int) -> Document:
    """Invoice number n: 1 to 12 lines, three rates, a discount every third line."""
    lines = []
    for i in range(1, n % 12 + 2):
        discounts = (allowance(D(i * 7), D("5"), reason="Discount"),) if i % 3 == 0 else ()
        lines.append(Line(id=str(i), quantity=D(i % 5 + 1), unit_code="C62", name=f"Service {i}",
                          net_price=D(f"{i * 7}.{n % 100:02d}"), vat_category="S", vat_rate=RATES[i % 3],
                          allowances_charges=discounts))  # fmt: skip
    issued = date(2026, 1, 1) + timedelta(days=n % 365)
    return build_document(number=f"INV-{n:07d}", issue_date=issued, due_date=issued + timedelta(days=30),
                          seller=SELLER, buyer=BUYER, lines=lines, buyer_reference=f"PO-{n}",
                          payment_means=(PaymentMeans(code="30", account_id="BE71096123456769", remittance=f"INV-{n}"),))  # fmt: skip


def generate_ubl(n: int) -> int:
    return len(write_ubl(make_document(n)))


def generate_and_validate(n: int) -> int:
    report = validate(write_ubl(make_document(n)), source=str(n))
    if not report.is_valid:
        raise AssertionError(f"invoice {n} invalid: {[f.rule_id for f in report.fatal]}")
    return len(report.findings)


def _warm_worker() -> None:
    """Compile the stylesheets and run Saxon to its steady state (its first ~200 runs are slower)."""
    warm_up()
    for n in range(200):
        generate_and_validate(100_000 + n)


def _timed(label: str, count: int, run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    rate = count / elapsed
    print(f"{label:<58} {count:6d} in {elapsed:7.2f} s  = {rate:8.1f} invoices/s")
    return rate


def _serial(func: Callable[[int], int], numbers: Sequence[int]) -> None:
    for n in numbers:
        func(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=400)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    numbers = list(range(1, args.count + 1))

    _warm_worker()
    _timed("UBL generation (model + totals + write)", args.count, lambda: _serial(generate_ubl, numbers))
    _timed("UBL generation + validation (XSD, CEN, Peppol), 1 process", args.count,
           lambda: _serial(generate_and_validate, numbers))  # fmt: skip
    with multiprocessing.get_context("spawn").Pool(args.processes, initializer=_warm_worker) as pool:
        pool.map(generate_and_validate, range(args.processes * 2))  # every worker warm before timing
        _timed(f"UBL generation + validation, {args.processes} processes", args.count,
               lambda: pool.map(generate_and_validate, numbers, chunksize=16))  # fmt: skip

    import typst

    page = bytes(
        typst.compile(b'#set page(paper: "a4")\n= Invoice\nSee the attached data.', pdf_standards=["a-3b"])
    )
    fx_count = max(1, args.count // 4)
    _timed("CII generation + Factur-X embedding (PDF/A-3 page given)", fx_count,
           lambda: [facturx.embed(page, make_document(n)) for n in range(1, fx_count + 1)])  # fmt: skip
    _timed("CII generation alone", args.count, lambda: [write_cii(make_document(n)) for n in numbers])


if __name__ == "__main__":
    main()
