"""Payment terms: when an invoice is due, and the early-payment discount it offers.

Terms are written the way finance people write them, case-insensitive:

- ``net 30`` (or ``30 days``, ``30``): due 30 days after the issue date;
- ``eom``: due at the end of the month of issue; ``eom 10``: ten days after that;
- ``net 30 eom``: 30 days after issue, then to the end of that month
  (the French "30 jours fin de mois");
- ``2/10 net 30``: 2 % off when paid within 10 days, otherwise net 30
  (a discount prefix goes with any of the forms above);
- ``due on receipt`` (or ``immediate``): due on the issue date.

The discount is kept on the ledger invoice (``discount_percent``,
``discount_days``) so that cash application can accept a payment short by
exactly the discount within the discount period.

>>> from datetime import date
>>> t = parse_terms("2/10 net 30")
>>> t.discount_percent, t.discount_days, t.due_date(date(2026, 1, 31))
(Decimal('2'), 10, datetime.date(2026, 3, 2))
>>> parse_terms("net 30 eom").due_date(date(2026, 1, 15))
datetime.date(2026, 2, 28)
>>> parse_terms("EOM").due_date(date(2026, 2, 3)), parse_terms("eom 10").due_date(date(2026, 2, 3))
(datetime.date(2026, 2, 28), datetime.date(2026, 3, 10))
>>> parse_terms("2/10 net 30").describe()
'2% discount if paid within 10 days, net 30 days'
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

__all__ = ["InvalidTerms", "PaymentTerms", "parse_terms"]


class InvalidTerms(ValueError):
    """Payment terms that do not follow any of the known forms."""


def _end_of_month(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass(frozen=True, slots=True)
class PaymentTerms:
    """Net days, end-of-month rule and an optional early-payment discount."""

    days: int = 30
    end_of_month: str = ""  # "" | "then" (days, then to month end) | "first" (month end, then days)
    discount_percent: Decimal | None = None
    discount_days: int | None = None

    def due_date(self, issued: date) -> date:
        if self.end_of_month == "first":
            return _end_of_month(issued) + timedelta(days=self.days)
        due = issued + timedelta(days=self.days)
        return _end_of_month(due) if self.end_of_month == "then" else due

    def discount_until(self, issued: date) -> date | None:
        """The last day on which the discount may be taken."""
        return issued + timedelta(days=self.discount_days) if self.discount_days is not None else None

    def describe(self) -> str:
        """The terms as printed on the invoice (BT-20)."""
        if self.end_of_month == "first":
            net = "end of month" + (f" + {self.days} days" if self.days else "")
        elif self.days == 0 and not self.end_of_month:
            net = "due on receipt"
        else:
            net = f"net {self.days} days" + (", end of month" if self.end_of_month == "then" else "")
        if self.discount_percent is None:
            return net
        pct = format(self.discount_percent.normalize(), "f")
        return f"{pct}% discount if paid within {self.discount_days} days, {net}"


_DISCOUNT = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%?\s*/\s*(\d+)\s*(?:days?)?\s*,?\s*(.*)$")
_NET = re.compile(r"^(?:net\s*)?(\d+)(?:\s*days?)?(?:\s*(eom|end of month|fin de mois))?$")
_EOM = re.compile(r"^(?:eom|end of month|fin de mois)(?:\s*\+?\s*(\d+)(?:\s*days?)?)?$")


def parse_terms(text: str) -> PaymentTerms:
    """Read payment terms (see the module docstring); raises :class:`InvalidTerms`."""
    raw = " ".join(text.lower().split())
    if not raw:
        raise InvalidTerms("empty payment terms")
    discount_percent: Decimal | None = None
    discount_days: int | None = None
    rest = raw
    m = _DISCOUNT.match(raw)
    if m:
        try:
            discount_percent = Decimal(m.group(1).replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern only lets digits through
            raise InvalidTerms(f"not a percentage: {m.group(1)!r}") from None
        discount_days = int(m.group(2))
        if not Decimal(0) < discount_percent < Decimal(100):
            raise InvalidTerms(f"a discount is between 0 and 100 %, not {discount_percent}")
        rest = m.group(3).strip()
        if not rest:
            raise InvalidTerms(f"{text!r}: say when the net amount is due (e.g. '2/10 net 30')")
    if rest in ("due on receipt", "on receipt", "immediate", "immediately"):
        terms = PaymentTerms(days=0)
    elif m_net := _NET.match(rest):
        terms = PaymentTerms(days=int(m_net.group(1)), end_of_month="then" if m_net.group(2) else "")
    elif m_eom := _EOM.match(rest):
        terms = PaymentTerms(days=int(m_eom.group(1) or 0), end_of_month="first")
    else:
        raise InvalidTerms(
            f"unknown payment terms {text!r}: use 'net 30', 'eom', 'net 30 eom', 'eom 10', '2/10 net 30' "
            "or 'due on receipt'"
        )
    if terms.days > 366:
        raise InvalidTerms(f"{terms.days} days is more than a year")
    if discount_days is not None and discount_days > terms.days and terms.end_of_month != "first":
        raise InvalidTerms(f"the discount period ({discount_days} days) ends after the due date")
    return PaymentTerms(terms.days, terms.end_of_month, discount_percent, discount_days)
