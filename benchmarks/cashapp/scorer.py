"""Score cash-application decisions against the truth.

Both files are CSV in the export format: the truth
``tx_ref,invoice_number,amount,status,kind`` and the decisions
``tx_ref,invoice_number,amount,status,kind,confidence`` (an optional ``rank``
column numbers the proposals of a suggestion; without it all suggested rows
of a transaction count as one proposal). A scenarios file
``tx_ref,scenario[,month]`` breaks the figures down by difficulty.

Figures (per scenario and overall):

- **automatic rate**: customer payments (truth not ``unrelated``) applied
  without a person, over all customer payments;
- **precision, envelope**: applied transactions whose whole allocation is
  right (the same invoice rows with the same amounts, the same Σ deductions,
  the same Σ on account), over applied transactions (non-customer ones
  included);
- **precision, line items**: applied invoice rows that are in the truth with
  the same amount, over applied invoice rows;
- **unrelated wrongly applied**: non-customer transactions applied to an
  invoice or on account, over non-customer transactions;
- **suggestion hit rate**: suggested transactions whose true answer is among
  the suggestions (every true invoice among the suggested rows; for a
  non-customer transaction, an ``unrelated`` suggestion).

Usage: ``python benchmarks/cashapp/scorer.py truth.csv decisions.csv [--scenarios scenarios.csv]``
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

Row = tuple[str, Decimal, str]  # invoice_number, amount, kind


@dataclass
class TxDecision:
    status: str
    rows: list[Row] = field(default_factory=list)
    ranks: list[int] = field(default_factory=list)


@dataclass
class Figures:
    transactions: int = 0
    customer_payments: int = 0
    applied_customer: int = 0
    applied: int = 0
    applied_right: int = 0
    invoice_rows: int = 0
    invoice_rows_right: int = 0
    non_customer: int = 0
    non_customer_applied: int = 0
    suggested: int = 0
    suggested_hit: int = 0
    unmatched: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, other: Figures) -> None:
        for name in (
            "transactions", "customer_payments", "applied_customer", "applied", "applied_right", "invoice_rows",
            "invoice_rows_right", "non_customer", "non_customer_applied", "suggested", "suggested_hit", "unmatched",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.wrong.extend(other.wrong)

    @staticmethod
    def _ratio(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def automatic_rate(self) -> float | None:
        return self._ratio(self.applied_customer, self.customer_payments)

    @property
    def precision_envelope(self) -> float | None:
        return self._ratio(self.applied_right, self.applied)

    @property
    def precision_lines(self) -> float | None:
        return self._ratio(self.invoice_rows_right, self.invoice_rows)

    @property
    def unrelated_wrongly_applied(self) -> float | None:
        return self._ratio(self.non_customer_applied, self.non_customer)

    @property
    def suggestion_hit_rate(self) -> float | None:
        return self._ratio(self.suggested_hit, self.suggested)


def _amount(text: str) -> Decimal:
    return Decimal(text) if text.strip() else Decimal(0)


def read_truth(path: Path) -> dict[str, list[Row]]:
    out: dict[str, list[Row]] = defaultdict(list)
    with path.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            out[rec["tx_ref"]].append((rec["invoice_number"], _amount(rec["amount"]), rec["kind"]))
    return dict(out)


def read_decisions(path: Path) -> dict[str, TxDecision]:
    out: dict[str, TxDecision] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            d = out.setdefault(rec["tx_ref"], TxDecision(rec["status"]))
            if rec.get("kind"):
                d.rows.append((rec["invoice_number"], _amount(rec["amount"]), rec["kind"]))
                d.ranks.append(int(rec["rank"]) if rec.get("rank") else 1)
    return out


def read_scenarios(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {rec["tx_ref"]: rec["scenario"] for rec in csv.DictReader(fh)}


def envelope(rows: Iterable[Row]) -> tuple[object, ...]:
    """What must agree for a whole payment to be right (see the module)."""
    invoices: list[tuple[str, Decimal]] = []
    deductions = Decimal(0)
    on_account = Decimal(0)
    unrelated = False
    for number, amount, kind in rows:
        if kind == "invoice":
            invoices.append((number, amount))
        elif kind == "deduction":
            deductions += amount
        elif kind == "on_account":
            on_account += amount
        elif kind == "unrelated":
            unrelated = True
    return (tuple(sorted(invoices)), deductions, on_account, unrelated)


def score_one(truth: list[Row], decision: TxDecision | None) -> Figures:
    f = Figures(transactions=1)
    is_customer = not any(kind == "unrelated" for _, _, kind in truth)
    status = decision.status if decision else "unmatched"
    rows = decision.rows if decision else []
    if is_customer:
        f.customer_payments = 1
    else:
        f.non_customer = 1
    if status == "applied":
        f.applied = 1
        if is_customer:
            f.applied_customer = 1
        if envelope(rows) == envelope(truth):
            f.applied_right = 1
        truth_invoices = Counter((n, a) for n, a, k in truth if k == "invoice")
        for number, amount, kind in rows:
            if kind == "invoice":
                f.invoice_rows += 1
                if truth_invoices[(number, amount)] > 0:
                    truth_invoices[(number, amount)] -= 1
                    f.invoice_rows_right += 1
        if not is_customer and any(kind in ("invoice", "on_account", "deduction") for _, _, kind in rows):
            f.non_customer_applied = 1
    elif status == "suggested":
        f.suggested = 1
        if is_customer:
            wanted = {n for n, _, k in truth if k == "invoice"}
            offered_by_rank: dict[int, set[str]] = defaultdict(set)
            kinds: set[str] = set()
            assert decision is not None
            for (number, _, kind), rank in zip(decision.rows, decision.ranks, strict=True):
                offered_by_rank[rank].add(number)
                kinds.add(kind)
            if wanted:
                hit = any(wanted <= offered for offered in offered_by_rank.values())
            else:
                hit = "on_account" in kinds
        else:
            hit = any(kind == "unrelated" for _, _, kind in rows)
        f.suggested_hit = 1 if hit else 0
    else:
        f.unmatched = 1
    return f


def score(
    truth: Mapping[str, list[Row]],
    decisions: Mapping[str, TxDecision],
    scenarios: Mapping[str, str] | None = None,
) -> dict[str, Figures]:
    """Figures per scenario, and ``ALL``."""
    out: dict[str, Figures] = defaultdict(Figures)
    for tx, rows in truth.items():
        f = score_one(rows, decisions.get(tx))
        if f.applied and not f.applied_right:
            f.wrong.append(tx)
        out[(scenarios or {}).get(tx, "all")].add(f)
    total = Figures()
    for f in out.values():
        total.add(f)
    result = dict(sorted(out.items()))
    result["ALL"] = total
    return result


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{100 * value:6.2f}"


def format_table(figures: Mapping[str, Figures], title: str = "") -> str:
    lines = []
    if title:
        lines.append(title)
    header = f"{'scenario':<26}{'n':>7}{'auto%':>8}{'prec.env%':>10}{'prec.line%':>11}{'unrel.appl%':>12}{'sugg':>6}{'sugg.hit%':>10}{'unm':>6}"
    lines.append(header)
    lines.append("-" * len(header))
    for name, f in figures.items():
        lines.append(
            f"{name:<26}{f.transactions:>7}{_pct(f.automatic_rate):>8}{_pct(f.precision_envelope):>10}"
            f"{_pct(f.precision_lines):>11}{_pct(f.unrelated_wrongly_applied):>12}{f.suggested:>6}"
            f"{_pct(f.suggestion_hit_rate):>10}{f.unmatched:>6}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("truth", type=Path)
    parser.add_argument("decisions", type=Path)
    parser.add_argument("--scenarios", type=Path)
    args = parser.parse_args()
    scenarios = read_scenarios(args.scenarios) if args.scenarios else None
    print(format_table(score(read_truth(args.truth), read_decisions(args.decisions), scenarios)))


if __name__ == "__main__":
    main()
