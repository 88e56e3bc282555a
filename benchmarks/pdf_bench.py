"""Invoice PDF throughput: Typst rendering of one-page and five-page invoices.

Run: ``.venv/bin/python benchmarks/pdf_bench.py [--count 200] [--processes 2]``.
Prints PDFs per second for a one-page invoice (1 to 12 lines, EPC QR code,
logo) and a five-page invoice (120 lines), each with one :class:`Renderer`
reused for every document (fonts loaded and template parsed once), in one
process and in a pool of processes (one renderer per worker, warmed before the
clock starts). The documents are built before the clock starts: only the
rendering (inputs, QR code, Typst layout and PDF/A-3b export) is timed.
Target: at least 40 one-page PDFs/s in one process.

On a shared machine the wall-clock rate falls with the neighbours' load; the
rate per CPU-second of the benchmark process (single-process runs) tells the
code's own cost apart from theirs. ``uptime`` before a run shows the load.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from decimal import Decimal as D

import segno

from encaisse.formats.einvoice.model import Address, Document, Identifier, Line, Party, PaymentMeans
from encaisse.formats.einvoice.totals import allowance, build_document
from encaisse.formats.pdf import Renderer

SELLER = Party(name="Encaisse Demo SRL", address=Address(country="BE", lines=("Rue de la Loi 16",), city="Bruxelles",
               postcode="1000"), legal_id=Identifier("0123456749", "0208"), vat_id="BE0123456749",
               endpoint=Identifier("0123456749", "0208"))  # fmt: skip
BUYER = Party(name="Acheteur SA", address=Address(country="BE", lines=("Meir 1",), city="Antwerpen", postcode="2000"),
              vat_id="BE0202239951", endpoint=Identifier("0202239951", "0208"))  # fmt: skip
RATES = (D("21"), D("6"), D("12"))
DESCRIPTION = "Consulting and implementation services as agreed in the statement of work, phase {}."


def make_document(n: int, line_count: int | None = None) -> Document:
    """Invoice number n: 1 to 12 lines (or ``line_count``), three rates, a discount every third line."""
    lines = []
    for i in range(1, (line_count or n % 12 + 1) + 1):
        discounts = (allowance(D(i * 7), D("5"), reason="Discount"),) if i % 3 == 0 else ()
        lines.append(Line(id=str(i), quantity=D(i % 5 + 1), unit_code="HUR", name=f"Service {i}",
                          description=DESCRIPTION.format(i) if i % 2 else None,
                          net_price=D(f"{i * 7}.{n % 100:02d}"), vat_category="S", vat_rate=RATES[i % 3],
                          allowances_charges=discounts))  # fmt: skip
    issued = date(2026, 1, 1) + timedelta(days=n % 365)
    ogm = f"{n:010d}"
    ogm += f"{int(ogm) % 97 or 97:02d}"
    return build_document(number=f"INV-{n:07d}", issue_date=issued, due_date=issued + timedelta(days=30),
                          seller=SELLER, buyer=BUYER, lines=lines, buyer_reference=f"PO-{n}",
                          payment_terms="30 days net",
                          payment_means=(PaymentMeans(code="30", account_id="BE71096123456769", bic="GKCCBEBB",
                                                      remittance=ogm),))  # fmt: skip


def _logo() -> bytes:
    out = io.BytesIO()
    segno.make("Encaisse Demo SRL").save(out, kind="png", scale=6)
    return out.getvalue()


_RENDERER: Renderer | None = None
_DOCS: dict[str, list[Document]] = {}


def _worker_init(one_page: int, five_page: int) -> None:
    global _RENDERER
    _RENDERER = Renderer(language="fr", logo=_logo())
    _DOCS["one"] = [make_document(n) for n in range(1, one_page + 1)]
    _DOCS["five"] = [make_document(n, 120) for n in range(1, five_page + 1)]
    _RENDERER.render(_DOCS["one"][0])
    _RENDERER.render(_DOCS["five"][0])


def _render(task: tuple[str, int]) -> int:
    assert _RENDERER is not None
    kind, index = task
    return len(_RENDERER.render(_DOCS[kind][index]))


def _timed(label: str, count: int, run: Callable[[], object]) -> float:
    """Runs and prints the rate; the CPU time of this process tells apart a busy machine from slow code."""
    start, cpu = time.perf_counter(), time.process_time()
    run()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    rate = count / elapsed
    per_cpu = (
        f"{count / cpu:6.1f} PDFs per CPU-second of this process" if cpu > elapsed / 20 else "in the workers"
    )
    print(f"{label:<40} {count:5d} in {elapsed:6.2f} s = {rate:6.1f} PDFs/s   ({per_cpu})")
    return rate


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=200, help="one-page invoices (five-page: a quarter)")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args(argv)
    one_count, five_count = args.count, max(1, args.count // 4)

    _worker_init(one_count, five_count)
    renderer, docs = _RENDERER, _DOCS
    assert renderer is not None
    import pypdf

    for kind in ("one", "five"):
        pages = len(pypdf.PdfReader(io.BytesIO(renderer.render(docs[kind][0]))).pages)
        print(f"{kind}-page sample: {len(docs[kind][0].lines)} lines, {pages} page(s)")

    one = _timed("one-page invoices, 1 process", one_count, lambda: renderer.render_many(docs["one"]))
    _timed("five-page invoices, 1 process", five_count, lambda: renderer.render_many(docs["five"]))

    context = multiprocessing.get_context("spawn")
    with context.Pool(args.processes, initializer=_worker_init, initargs=(one_count, five_count)) as pool:
        pool.map(_render, [("one", 0)] * args.processes * 2)  # every worker started and warm
        _timed(f"one-page invoices, {args.processes} processes", one_count,
               lambda: pool.map(_render, [("one", i) for i in range(one_count)], chunksize=8))  # fmt: skip
        _timed(f"five-page invoices, {args.processes} processes", five_count,
               lambda: pool.map(_render, [("five", i) for i in range(five_count)], chunksize=2))  # fmt: skip
    print(f"target 40 one-page PDFs/s in one process: {'met' if one >= 40 else 'NOT met'} ({one:.1f})")


if __name__ == "__main__":
    main()
