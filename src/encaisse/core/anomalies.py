"""Unusual payments and behaviour, flagged for a person to review.

Pure detectors over plain records, each returning :class:`Finding` values with
a stable ``key`` (so detection can run again without flagging twice):

- :func:`new_accounts`: a customer pays from a bank account never seen for it before;
- :func:`duplicates`: the same payer, amount and reference again within N days;
- :func:`unusual_amounts`: an amount far from the customer's usual, by a robust
  z-score on log amounts (median and median absolute deviation);
- :func:`behaviour_shifts`: the recent delays moved far from the earlier ones.

>>> from datetime import date
>>> pays = [Payment(1, 10, date(2026, 1, d), 10000, "BE01", "INV-1") for d in (5, 9)]
>>> [f.kind for f in duplicates(pays, days=7)]
['duplicate_payment']
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from encaisse.core.matching.index import account_key

#: |robust z| above which an amount is unusual (Iglewicz and Hoaglin's 3.5)
Z_LIMIT = 3.5


@dataclass(frozen=True, slots=True)
class Payment:
    """A receipt applied to a customer (``id``: the bank transaction)."""

    id: int
    customer_id: int
    day: date
    amount_minor: int
    account: str
    reference: str


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    key: str
    customer_id: int
    day: date
    score: float
    description: str
    details: dict[str, object] = field(default_factory=dict)


def new_accounts(payments: Iterable[Payment], known: dict[int, set[str]] | None = None) -> list[Finding]:
    """Payments from an account the customer never paid from (nor registered) before.

    A customer's first payment ever is not flagged unless it has registered accounts. Accounts are
    compared as cash application knows them (:func:`~encaisse.core.matching.index.account_key`): the
    IBAN on file and the sort code and account a UK payment gives, or the US routing and account on file
    and the bare account number of a Fedwire credit, are one account.
    """
    seen: dict[int, set[str]] = defaultdict(set)
    for cid, accounts in (known or {}).items():
        seen[cid] |= {account_key(a) for a in accounts if a}
    result = []
    for p in sorted(payments, key=lambda p: (p.day, p.id)):
        account = p.account.replace(" ", "").upper()
        key = account_key(account) if account else ""
        if not key:
            continue
        if seen[p.customer_id] and key not in seen[p.customer_id]:
            result.append(Finding("new_account", f"{p.customer_id}:{account}", p.customer_id, p.day, 1.0,
                                  f"paid from a new account {account}", {"transaction": p.id}))  # fmt: skip
        seen[p.customer_id].add(key)
    return result


def duplicates(payments: Iterable[Payment], *, days: int = 7) -> list[Finding]:
    """A payment with the payer, amount and reference of an earlier one at most ``days`` before."""
    last: dict[tuple[int, str, int, str], Payment] = {}
    result = []
    for p in sorted(payments, key=lambda p: (p.day, p.id)):
        key = (p.customer_id, p.account.replace(" ", "").upper(), p.amount_minor, p.reference.strip().upper())
        before = last.get(key)
        if before is not None and p.reference.strip() and (p.day - before.day).days <= days:
            result.append(Finding("duplicate_payment", f"{before.id}:{p.id}", p.customer_id, p.day, 1.0,
                                  f"same amount and reference as the payment of {before.day.isoformat()}",
                                  {"transaction": p.id, "first": before.id}))  # fmt: skip
        last[key] = p
    return result


def robust_z(value: float, history: Sequence[float]) -> float:
    """0.6745 × (value − median) / MAD; 0 when the history has no spread.

    >>> robust_z(10, [1, 2, 3, 4, 5])
    4.7215
    """
    median = statistics.median(history)
    mad = statistics.median(abs(h - median) for h in history)
    if mad == 0:
        return 0.0
    return round(0.6745 * (value - median) / mad, 4)


def unusual_amounts(payments: Iterable[Payment], *, min_history: int = 6) -> list[Finding]:
    """Amounts whose robust z-score on log amounts, against the customer's earlier payments, exceeds 3.5."""
    history: dict[int, list[float]] = defaultdict(list)
    result = []
    for p in sorted(payments, key=lambda p: (p.day, p.id)):
        if p.amount_minor <= 0:
            continue
        value = math.log(p.amount_minor)
        past = history[p.customer_id]
        if len(past) >= min_history:
            z = robust_z(value, past)
            if abs(z) > Z_LIMIT:
                result.append(Finding("unusual_amount", str(p.id), p.customer_id, p.day, abs(z),
                                      f"amount far from the customer's usual (robust z {z:+.1f})",
                                      {"transaction": p.id, "z": z}))  # fmt: skip
        past.append(value)
    return result


def behaviour_shifts(
    delays: dict[int, Sequence[tuple[date, float]]],
    *,
    recent: int = 3,
    min_before: int = 5,
    shift: float = 15.0,
) -> list[Finding]:
    """Customers whose median delay over the last ``recent`` paid invoices moved by ``shift`` days or more."""
    result = []
    for cid, rows in delays.items():
        ordered = sorted(rows)
        if len(ordered) < recent + min_before:
            continue
        before = statistics.median(d for _, d in ordered[:-recent])
        now = statistics.median(d for _, d in ordered[-recent:])
        if abs(now - before) >= shift:
            day = ordered[-1][0]
            result.append(Finding("behaviour_shift", f"{cid}:{day.isoformat()}", cid, day, abs(now - before),
                                  f"pays {now - before:+.0f} days vs. before ({before:.0f} → {now:.0f} days late)",
                                  {"before": before, "now": now}))  # fmt: skip
    return result
