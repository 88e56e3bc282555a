"""What the black-box checks share: driving the product's command line and reading its export.

Each check designs its own data and truth; they share only this: running ``encaisse`` commands on a
fresh workspace (:func:`run_steps`), reading the export's rows and the outcome of each transaction, as
the export contract defines them (docs/cashapp.md, "Accounting rows"), and printing a table per
scenario (:func:`pct`, :func:`trap_table`).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

#: one export row: invoice number, amount in cents, kind, status, confidence
Row = tuple[str, int, str, str, str]
#: the columns of ``misses.csv`` that :func:`score_kinds` writes (a check's ``miss_row`` gives them, and may add)
MISS_COLUMNS = [
    "scenario", "issue", "tx_ref", "amount", "currency", "value_date", "payer_name", "payer_iban", "ultimate",
    "remittance", "truth_rows", "product_rows",
]  # fmt: skip
#: the line of the totals of each kind of credit
_OVERALL = {"customer": "ALL customer", "trap": "ALL traps (must not apply)", "nc": "ALL non-customer"}


def cents(text: str) -> int:
    """An amount written with a dot ("-1234.50", "1,234.50") in cents."""
    neg = text.strip().startswith("-")
    whole, _, frac = text.strip().lstrip("-+").partition(".")
    v = int(whole.replace(",", "") or 0) * 100 + int((frac + "00")[:2] or 0)
    return -v if neg else v


def read_export(path: Path) -> dict[str, list[Row]]:
    """The export's rows by the bank's transaction reference (none when the file is missing)."""
    rows: dict[str, list[Row]] = defaultdict(list)
    if path.exists():
        with path.open(newline="", encoding="utf-8-sig") as f:
            for r in csv.DictReader(f):
                rows[r["tx_ref"]].append(
                    (r["invoice_number"], cents(r["amount"]), r["kind"], r["status"], r.get("confidence", ""))
                )
    return rows


def outcome(rows: list[Row]) -> tuple[str, list[tuple[str, int, str]]]:
    """(status, applied rows) of one transaction: ``applied``, ``suggested``, ``unmatched`` or ``missing``
    (not in the export); a transaction applied as unrelated is not posted to a customer, so unmatched."""
    statuses = {r[3] for r in rows}
    status = (
        "applied"
        if "applied" in statuses
        else "suggested"
        if "suggested" in statuses
        else "unmatched"
        if rows
        else "missing"
    )
    applied = sorted((n, a, k) for n, a, k, s, _c in rows if s == "applied" and k != "unrelated")
    if status == "applied" and not applied:
        status = "unmatched"
    return status, applied


def envelope(rows: list[tuple[str, int, str]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """What a whole payment's rows come to: invoice rows, deductions per invoice, on account."""
    inv = sorted((n, a) for n, a, k in rows if k == "invoice")
    ded: Counter[str] = Counter()
    for n, a, k in rows:
        if k == "deduction":
            ded[n] += a
    acc = sum(a for _n, a, k in rows if k == "on_account")
    return inv, sorted((n, a) for n, a in ded.items() if a), acc


def score_kinds(
    txs: Iterable[Any],
    out: Path,
    miss_row: Callable[[Any, str, list[Row]], list[str]],
    *,
    columns: list[str] = MISS_COLUMNS,
) -> dict[str, object]:
    """Scores the export in ``out`` against the truth of each credit of ``txs`` (objects with ``ref``,
    ``debit``, ``kind`` — ``customer``, ``trap`` or ``nc`` —, ``scenario``, ``truth`` as (invoice number, cents,
    kind) rows and ``allow_on_account``) per scenario and per kind, and writes ``misses.csv`` (``columns``,
    one ``miss_row`` per transaction not as its truth wants). A customer payment applied is right when its
    rows are the truth's; a trap or non-customer credit is right unless applied (wholly on account when
    ``allow_on_account``)."""
    prod = read_export(out / "out.csv")
    stats: dict[str, Counter[str]] = defaultdict(Counter)
    misses: list[list[str]] = []
    for t in txs:
        if t.debit:
            continue
        rows = prod.get(t.ref, [])
        status, applied = outcome(rows)
        group = [stats[t.scenario], stats[_OVERALL[t.kind]]]
        for s in group:
            s["n"] += 1
            s[status] += 1
        if t.kind == "customer":
            truth = sorted(t.truth)
            if status == "applied":
                ok = applied == truth
                tc = Counter(truth)
                good = sum(min(c, tc[r]) for r, c in Counter(applied).items())
                for s in group:
                    s["env_ok"] += ok
                    s["lines"] += len(applied)
                    s["lines_ok"] += good
                if not ok:
                    misses.append(miss_row(t, "wrong", rows))
            else:
                if status == "suggested":
                    sugg = {n for n, _a, _k, s2, _c in rows if s2 == "suggested" and n}
                    hit = {n for n, _a, k in truth if k == "invoice"} <= sugg
                    for s in group:
                        s["sugg_hit"] += hit
                misses.append(miss_row(t, f"not_applied:{status}", rows))
        elif status == "applied":
            only_acct = all(k == "on_account" for _n, _a, k in applied)
            if t.allow_on_account and only_acct:
                for s in group:
                    s["on_account_ok"] += 1
            else:
                for s in group:
                    s["wrongly_applied"] += 1
                misses.append(miss_row(t, "must_not_apply_but_applied", rows))
    with (out / "misses.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(misses)
    return {"stats": {k: dict(v) for k, v in stats.items()}, "misses": len(misses), "product_refs": len(prod)}


def run_steps(
    exe: Path,
    steps: list[tuple[str, list[str]]],
    home: Path,
    *,
    notes: Callable[[str, subprocess.CompletedProcess[str]], list[str]] | None = None,
) -> tuple[dict[str, float], list[dict[str, str]], dict[str, subprocess.CompletedProcess[str]]]:
    """Runs ``encaisse`` commands one after the other on the workspace in ``home`` (no other ``ENCAISSE_``
    setting of the caller's leaks in): each step's time, the steps that failed (an exit code, a traceback, or
    what ``notes`` finds wrong in the output: refused files, warnings) and each step's output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENCAISSE_")}
    env["ENCAISSE_HOME"] = str(home)
    timings: dict[str, float] = {}
    problems: list[dict[str, str]] = []
    results: dict[str, subprocess.CompletedProcess[str]] = {}
    for name, args in steps:
        t0 = time.perf_counter()
        p = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=False)
        timings[name] = time.perf_counter() - t0
        results[name] = p
        found = notes(name, p) if notes else []
        if p.returncode != 0 or "Traceback" in p.stderr or found:
            problems.append(
                {
                    "step": name,
                    "rc": str(p.returncode),
                    "stderr": p.stderr.strip()[-3000:],
                    "stdout": ("; ".join(found) if found else p.stdout.strip())[-3000:],
                }
            )
    return timings, problems, results


def check_arguments(
    doc: str | None, argv: list[str] | None, *, payments: int, prefix: str, keep: bool = True
) -> tuple[argparse.Namespace, Path, Path]:
    """The options every check takes (``--payments``, ``--seed``, ``--out``, ``--keep`` unless ``keep`` is false,
    ``--generate-only``), the ``encaisse`` command to drive (the repository's ``.venv``, else beside this Python)
    and the directory of the files (``--out``, created if missing, or a new temporary one named ``prefix…``)."""
    ap = argparse.ArgumentParser(description=(doc or "").splitlines()[0] if doc else None)
    ap.add_argument("--payments", type=int, default=payments)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path)
    if keep:
        ap.add_argument("--keep", action="store_true")
    ap.add_argument("--generate-only", action="store_true")
    args = ap.parse_args(argv)
    exe = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "encaisse"
    if not exe.exists():
        exe = Path(sys.executable).parent / "encaisse"
    out = args.out or Path(tempfile.mkdtemp(prefix=prefix))
    out.mkdir(parents=True, exist_ok=True)
    return args, exe, out


def step_log(p: subprocess.CompletedProcess[str], *, tail: int | None = None) -> str:
    """A step's exit code and output, for its log (the last ``tail`` characters of each stream)."""
    out, err = (p.stdout, p.stderr) if tail is None else (p.stdout[-tail:], p.stderr[-tail:])
    return f"rc={p.returncode}\n--stdout--\n{out}\n--stderr--\n{err}"


def pct(a: float, b: float) -> str:
    """``a`` of ``b`` in per cent, six characters wide ("     -" of nothing)."""
    return f"{100.0 * a / b:6.1f}" if b else "     -"


def trap_table(stats: dict[str, dict[str, int]], *, env_base: str, groups: tuple[str, ...] = ()) -> list[str]:
    """The lines of a table per scenario: customer payments (automatic, precision of the whole payment and
    of the line items — the whole payment over ``env_base`` —, suggested, unmatched, missing, suggestion
    hits), then traps (``trap_…``) and non-customer credits (``nc_…``) with how many were applied, then the
    totals, then the ``groups`` (per channel, say)."""
    head = (
        f"{'scenario':26} {'n':>5} {'auto%':>6} {'env.p%':>6} {'line.p%':>7} {'sugg%':>6} {'unm%':>6} "
        f"{'miss':>4} {'s.hit':>5} {'applied(wrong)':>14}"
    )
    lines = [head]
    cust = sorted(k for k in stats if not k.startswith(("ALL", "trap_", "nc_", *groups)))
    keys = (
        cust
        + sorted(k for k in stats if k.startswith("trap_"))
        + sorted(k for k in stats if k.startswith("nc_"))
    )
    keys += ["ALL customer", "ALL traps (must not apply)", "ALL non-customer"]
    keys += sorted(k for k in stats if groups and k.startswith(groups))
    for k in keys:
        s = stats.get(k, {})
        n = s.get("n", 0)
        if not n:
            continue
        ap = s.get("applied", 0)
        wr = s.get("wrongly_applied", 0)
        if k.startswith(("trap_", "nc_", "ALL traps", "ALL non")):
            extra = f" (+{s['on_account_ok']} on acct ok)" if s.get("on_account_ok") else ""
            lines.append(
                f"{k:26} {n:5d} {'':>6} {'':>6} {'':>7} {pct(s.get('suggested', 0), n)} "
                f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {'':>5} "
                f"{wr:6d} = {pct(wr, n).strip()}%{extra}"
            )
            continue
        tail = f" {wr:6d} non-cust/trap" if groups and k.startswith(groups) and wr else ""
        lines.append(
            f"{k[:26]:26} {n:5d} {pct(ap, n)} {pct(s.get('env_ok', 0), s.get(env_base, 0))} "
            f"{pct(s.get('lines_ok', 0), s.get('lines', 0)):>7} {pct(s.get('suggested', 0), n)} "
            f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d} {s.get('sugg_hit', 0):5d}{tail}"
        )
    return lines


def report(
    out: Path,
    table: str,
    timings: dict[str, float],
    problems: list[dict[str, str]],
    result: dict[str, object],
    *,
    remove: bool,
) -> None:
    """Prints the table, the steps' times and problems; writes ``report.json``; removes ``out`` if asked."""
    print(table)
    print("timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    for p in problems:
        print(f"PROBLEM in {p['step']} (rc {p['rc']}): {p['stderr'][-1200:]} {p['stdout'][-600:]}")
    (out / "report.json").write_text(
        json.dumps({"timings": timings, "problems": problems, **result}, indent=1, default=str)
    )
    print(f"misses: {result['misses']} rows in {out / 'misses.csv'}")
    if remove:
        shutil.rmtree(out, ignore_errors=True)
        print(f"{out} removed (pass --keep or --out DIR to keep the files)")


def summary_lines(
    result: dict[str, object], automatic: str | None = "automatic rate: {rate}% of {n} customer payments"
) -> list[str]:
    """The two closing lines of a check's table: the automatic rate (``automatic``, with ``{rate}`` and ``{n}``;
    none if ``None``), the envelope and line-item rates over the customer payments, then the precision of what
    was applied and how many customer payments, traps and non-customer credits were applied wrongly."""
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]
    li: dict[str, int] = result["line_items"]  # type: ignore[assignment]
    a = stats.get("ALL customer", {})
    t = stats.get("ALL traps (must not apply)", {})
    nc = stats.get("ALL non-customer", {})
    rates = [
        f"envelope rate (whole payment right / customer payments): {pct(a.get('env_ok', 0), a.get('n', 0)).strip()}%",
        f"line-item rate (truth invoice rows posted right): {pct(li['posted_right'], li['truth_rows']).strip()}%"
        f" of {li['truth_rows']}",
    ]
    if automatic is not None:
        rates.insert(
            0, automatic.format(rate=pct(a.get("applied", 0), a.get("n", 0)).strip(), n=a.get("n", 0))
        )
    return [
        "",
        "   ".join(rates),
        f"precision of applied: whole payment {pct(a.get('env_ok', 0), a.get('applied', 0)).strip()}% of "
        f"{a.get('applied', 0)}, line items {pct(a.get('lines_ok', 0), a.get('lines', 0)).strip()}% of "
        f"{a.get('lines', 0)}   wrong applied: customer {a.get('applied', 0) - a.get('env_ok', 0)}, "
        f"traps {t.get('wrongly_applied', 0)}, non-customer {nc.get('wrongly_applied', 0)}",
    ]


def grouped_table(result: dict[str, object], width: int, groups: Iterable[tuple[str, str]]) -> str:
    """A check's whole table: the customer scenarios; for each ``(title, key)`` of ``groups`` the customer
    payments and the traps and non-customer credits regrouped by ``result[key]`` (country, format…); the traps
    and non-customer credits per scenario; :func:`summary_lines`."""
    stats: dict[str, dict[str, int]] = result["stats"]  # type: ignore[assignment]

    def customer(st: dict[str, dict[str, int]]) -> list[str]:
        return sorted(k for k in st if not k.startswith(("ALL", "trap_", "nc_")))

    lines = customer_lines(width, stats, [*customer(stats), "ALL customer"], "customer scenario")
    for title, key in groups:
        st: dict[str, dict[str, int]] = result[key]  # type: ignore[assignment]
        lines += ["", *customer_lines(width, st, customer(st), title)]
        others = sorted(k for k in st if k.startswith(("trap_", "nc_")))
        lines += other_lines(width, st, others, f"{title}: traps / non-cust")
    lines.append("")
    others = sorted(k for k in stats if k.startswith("trap_")) + sorted(
        k for k in stats if k.startswith("nc_")
    )
    lines += other_lines(
        width, stats, [*others, "ALL traps (must not apply)", "ALL non-customer"], "trap / non-customer"
    )
    return "\n".join(lines + summary_lines(result))


def load_why(out: Path) -> dict[str, str]:
    """The product's explanation of each payment left to a person (``encaisse review --format json``, written to
    ``review.json`` in ``out``)."""
    try:
        return {r["tx_ref"]: r.get("why", "") for r in json.loads((out / "review.json").read_text() or "[]")}
    except (OSError, ValueError):
        return {}


def customer_lines(width: int, stats: dict[str, dict[str, int]], keys: list[str], title: str) -> list[str]:
    """A table of customer payments, a line per key of ``stats`` (its first column ``width`` wide): applied, right,
    wrong, precision of envelopes and line items, suggested and their hits, unmatched, missing from the export."""
    head = (
        f"{title:{width}} {'n':>5} {'auto%':>6} {'right%':>6} {'wrong':>5} {'env.p%':>6} {'line.p%':>7} "
        f"{'sugg%':>6} {'s.hit%':>6} {'unm%':>6} {'miss':>4}"
    )
    lines = [head]
    for k in keys:
        s = stats.get(k, {})
        n = s.get("n", 0)
        if not n:
            continue
        ap, ok, sg = s.get("applied", 0), s.get("env_ok", 0), s.get("suggested", 0)
        lines.append(
            f"{k[:width]:{width}} {n:5d} {pct(ap, n)} {pct(ok, n)} {ap - ok:5d} {pct(ok, ap)} "
            f"{pct(s.get('lines_ok', 0), s.get('lines', 0)):>7} {pct(sg, n)} {pct(s.get('sugg_hit', 0), sg)} "
            f"{pct(s.get('unmatched', 0), n)} {s.get('missing', 0):4d}"
        )
    return lines


def other_lines(width: int, stats: dict[str, dict[str, int]], keys: list[str], title: str) -> list[str]:
    """A table of traps and non-customer credits, which must stay unapplied: suggested, unmatched, missing, and
    wrongly applied (on account where accepted counted apart)."""
    lines = [f"{title:{width}} {'n':>5} {'sugg%':>6} {'unm%':>6} {'miss':>4} {'applied (wrong)':>16}"]
    for k in keys:
        s = stats.get(k, {})
        n = s.get("n", 0)
        if not n:
            continue
        wr = s.get("wrongly_applied", 0)
        acc = f" (+{s['on_account_ok']} on acct ok)" if s.get("on_account_ok") else ""
        lines.append(
            f"{k[:width]:{width}} {n:5d} {pct(s.get('suggested', 0), n)} {pct(s.get('unmatched', 0), n)} "
            f"{s.get('missing', 0):4d} {wr:8d} = {pct(wr, n).strip()}%{acc}"
        )
    return lines


def scores_by(
    credits: list[Any],
    out: Path,
    miss_row: Callable[..., list[str]],
    columns: list[str],
    groups: dict[str, Callable[[Any], str]],
) -> dict[str, object]:
    """:func:`score_kinds` of the ``credits`` (dataclasses with ``kind``, ``scenario``, ``ref`` and ``truth``), with
    the same per grouping (``groups``: result key → the group of a credit; traps and non-customer credits apart,
    as ``trap_…`` and ``nc_…``) and the line-item rate (``line_items``: the truth's invoice rows, those posted
    right). ``misses.csv`` is that of the whole."""
    found: dict[str, object] = {}
    for name, key in groups.items():
        proxies = []
        for t in credits:
            prefix = "" if t.kind == "customer" else "trap_" if t.kind == "trap" else "nc_"
            proxies.append(dataclasses.replace(t, scenario=prefix + key(t)))
        found[name] = score_kinds(proxies, out, miss_row, columns=columns)["stats"]
    result = score_kinds(credits, out, miss_row, columns=columns)
    result.update(found)
    prod = read_export(out / "out.csv")
    want = got = 0
    for t in credits:
        if t.kind != "customer":
            continue
        truth = Counter((n, a, k) for n, a, k in t.truth if k == "invoice")
        want += sum(truth.values())
        status, applied = outcome(prod.get(t.ref, []))
        if status == "applied":
            got += sum(min(c, truth[r]) for r, c in Counter(applied).items())
    result["line_items"] = {"truth_rows": want, "posted_right": got}
    return result


def statement_refusals(name: str, p: subprocess.CompletedProcess[str]) -> list[str]:
    """What ``import-statement --format json`` refused (for :func:`run_steps`' ``notes``)."""
    if name != "import-statement":
        return []
    try:
        summary = json.loads(p.stdout)
    except ValueError:
        return ["import-statement printed no JSON summary"]
    return [f"refused: {r}" for r in summary.get("refused", [])]


def save_step_logs(out: Path, results: dict[str, subprocess.CompletedProcess[str]]) -> None:
    """Each step's output in ``out/<step>.log`` (the review's longer), and the review's JSON in ``review.json``."""
    for name, p in results.items():
        (out / f"{name}.log").write_text(step_log(p, tail=20000) if name == "review" else step_log(p))
    (out / "review.json").write_text(results["review"].stdout if "review" in results else "[]")


def run_generated_check(
    doc: str | None,
    argv: list[str] | None,
    *,
    prefix: str,
    generator: Callable[[int, int], Any],
    check_files: Callable[[Any, list[Path]], None],
    run_product: Callable[[Any, Path, Path, list[Path]], tuple[dict[str, float], list[dict[str, str]]]],
    score: Callable[[Any, Path], dict[str, object]],
    print_table: Callable[[dict[str, object]], str],
    write_statements: Callable[[Any, Path], list[Path]] = lambda gen, folder: gen.statements(folder),
) -> int:
    """A check's ``main``: its options (:func:`check_arguments`), its data generated (``generator(payments,
    seed)``: customers, invoices, statements written by ``write_statements`` and checked by ``check_files``,
    truth) into the output directory, the product driven (``run_product``), scored (``score``) and reported
    (:func:`report`)."""
    args, exe, out = check_arguments(doc, argv, payments=2000, prefix=prefix)
    t0 = time.perf_counter()
    gen = generator(args.payments, args.seed)
    gen.generate()
    gen.write_customers(out / "customers.csv")
    gen.write_invoices(out / "invoices.csv")
    if (out / "statements").exists():
        shutil.rmtree(out / "statements")
    statements = write_statements(gen, out / "statements")
    check_files(gen, statements)
    gen.write_truth(out / "truth.csv")
    credits = [t for t in gen.txs if not t.debit]
    kinds = Counter(t.kind for t in credits)
    print(
        f"generated in {time.perf_counter() - t0:.1f}s: {len(gen.customers)} customers, {len(gen.invoices)} documents, "
        f"{len(credits)} credits ({kinds['customer']} customer payments, {kinds['trap']} traps, {kinds['nc']} non-customer), "
        f"{len(statements)} statements, dropped {dict(gen.dropped)}, out={out}"
    )
    if args.generate_only:
        return 0
    timings, problems = run_product(gen, out, exe, statements)
    result = score(gen, out)
    report(out, print_table(result), timings, problems, result, remove=not args.keep and args.out is None)
    return 0
