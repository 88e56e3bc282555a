"""What a portal user may see: its customer accounts, their documents with a status, one invoice's story.

Every lookup starts from the user's customer accounts (:func:`customer_ids`):
an id of another customer's invoice, case or account is simply not found
(the views answer 404, never a hint that it exists). Lists are set-based: the
status flags (disputed, promised) are ``EXISTS`` sub-queries of the page's
one query, never one query per row.

Statuses (:data:`STATUSES`) are the ledger's (:meth:`Invoice.status`: open,
partly paid, overdue, paid) plus *disputed* (a case that is not resolved
concerns it) and *promised* (an open promise to pay covers it). A partly
paid invoice past its due date is also shown overdue. A credit note is
*available* until it is used up, then *applied*.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum, When
from django.utils.translation import gettext_lazy as _

from encaisse.cases.models import Case, CaseItem, CaseStatus
from encaisse.collections.models import PromiseStatus, PromiseToPay
from encaisse.core.money import Money
from encaisse.ledger.models import Allocation, AllocationKind, Customer, DocumentKind, Invoice
from encaisse.portal.models import PortalUser

STATUSES: dict[str, Any] = {
    "unpaid": _("Unpaid (all)"),
    "open": _("Open"),
    "partly_paid": _("Partly paid"),
    "overdue": _("Overdue"),
    "paid": _("Paid"),
    "disputed": _("Disputed"),
    "promised": _("Promised"),
}
BADGES: dict[str, Any] = {
    **STATUSES,
    "partially_paid": _("Partly paid"),
    "written_off": _("Written off"),
    "available": _("Available credit"),
    "applied": _("Applied"),
}
KINDS: dict[str, Any] = {"invoice": _("Invoices"), "credit_note": _("Credit notes")}


def customer_ids(user: PortalUser) -> list[int]:
    return list(user.customers.values_list("pk", flat=True))


def customers_of(user: PortalUser) -> list[Customer]:
    return list(user.customers.select_related("entity").order_by("name", "pk"))


def customer_of(user: PortalUser, pk: int) -> Customer:
    """One of the user's accounts; raises ``Customer.DoesNotExist`` for any other id."""
    return user.customers.select_related("entity").get(pk=pk)


def _disputed() -> Exists:
    return Exists(CaseItem.objects.filter(invoice=OuterRef("pk")).exclude(case__status=CaseStatus.RESOLVED))


def _promised() -> Exists:
    return Exists(
        PromiseToPay.invoices.through.objects.filter(
            invoice_id=OuterRef("pk"), promisetopay__status=PromiseStatus.OPEN
        )
    )


def documents(user: PortalUser) -> QuerySet[Invoice]:
    """The user's invoices and credit notes, with ``is_disputed`` and ``is_promised``."""
    return (
        Invoice.objects.filter(customer__in=user.customers.all())
        .select_related("customer", "entity")
        .annotate(is_disputed=_disputed(), is_promised=_promised())
    )


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    customer_id: int | None = None
    kind: str = ""
    status: str = ""
    q: str = ""
    issued_from: date | None = None
    issued_to: date | None = None


def filtered(user: PortalUser, flt: DocumentFilter, as_of: date) -> QuerySet[Invoice]:
    qs = documents(user)
    if flt.customer_id is not None:
        qs = qs.filter(customer_id=flt.customer_id)
    if flt.kind in KINDS:
        qs = qs.filter(kind=flt.kind)
    if flt.q:
        qs = qs.filter(Q(number__icontains=flt.q) | Q(structured_reference__icontains=flt.q))
    if flt.issued_from:
        qs = qs.filter(issue_date__gte=flt.issued_from)
    if flt.issued_to:
        qs = qs.filter(issue_date__lte=flt.issued_to)
    status = flt.status
    if status in STATUSES:
        # statuses are about what is owed: they select invoices, not credit notes
        qs = qs.filter(kind=DocumentKind.INVOICE)
    if status == "unpaid":
        qs = qs.exclude(open_minor=0)
    elif status == "open":
        qs = qs.filter(open_minor=F("total_minor"), due_date__gte=as_of).exclude(open_minor=0)
    elif status == "partly_paid":
        qs = qs.exclude(open_minor=0).exclude(open_minor=F("total_minor"))
    elif status == "overdue":
        qs = qs.filter(due_date__lt=as_of).exclude(open_minor=0)
    elif status == "paid":
        qs = qs.filter(open_minor=0)
    elif status == "disputed":
        qs = qs.filter(is_disputed=True)
    elif status == "promised":
        qs = qs.filter(is_promised=True)
    return qs.order_by("-issue_date", "-number", "-pk")


def badges(invoice: Invoice, as_of: date) -> list[str]:
    """The status codes shown beside a document (see the module docstring)."""
    if invoice.kind == DocumentKind.CREDIT_NOTE:
        return ["applied" if invoice.open_minor == 0 else "available"]
    found = [invoice.status(as_of)]
    if found[0] == "partially_paid" and invoice.due_date < as_of:
        found.append("overdue")
    if getattr(invoice, "is_disputed", False):
        found.append("disputed")
    if getattr(invoice, "is_promised", False) and invoice.open_minor:
        found.append("promised")
    return found


@dataclass
class AccountSummary:
    customer: Customer
    totals: list[dict[str, Any]] = field(default_factory=list)  # currency, open, overdue (Decimal)


def account_summaries(user: PortalUser, as_of: date) -> list[AccountSummary]:
    """Each account with its open and overdue amounts per currency (credit notes reduce the open amount)."""
    accounts = customers_of(user)
    rows = (
        Invoice.objects.filter(customer__in=[c.pk for c in accounts])
        .exclude(open_minor=0)
        .values("customer_id", "currency", "kind")
        .annotate(
            open=Sum("open_minor"),
            overdue=Sum(SqlCase(When(due_date__lt=as_of, then="open_minor"), default=0)),
        )
        .order_by()
    )
    sums: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for r in rows:
        sign = -1 if r["kind"] == DocumentKind.CREDIT_NOTE else 1
        pair = sums[r["customer_id"]][r["currency"]]
        pair[0] += sign * (r["open"] or 0)
        if sign > 0:
            pair[1] += r["overdue"] or 0
    out = []
    for c in accounts:
        totals = [
            {
                "currency": cur,
                "open": Money.from_minor(o, cur).amount,
                "overdue": Money.from_minor(d, cur).amount,
            }
            for cur, (o, d) in sorted(sums[c.pk].items())
        ]
        out.append(AccountSummary(c, totals))
    return out


def get_document(user: PortalUser, pk: int) -> Invoice:
    """One of the user's documents; raises ``Invoice.DoesNotExist`` for any other id."""
    return documents(user).get(pk=pk)


def payments_of(invoice: Invoice) -> list[dict[str, Any]]:
    """What settled the invoice so far, as the customer sees it (payments, credit notes, deductions, and what
    was settled before the invoice was imported)."""
    shown = (
        AllocationKind.INVOICE,
        AllocationKind.CREDIT_NOTE,
        AllocationKind.DEDUCTION,
        AllocationKind.OPENING,
    )
    labels = {
        AllocationKind.INVOICE: _("Payment"),
        AllocationKind.CREDIT_NOTE: _("Credit note applied"),
        AllocationKind.DEDUCTION: _("Deduction"),
        AllocationKind.OPENING: _("Settled before"),  # what was paid before the balance was taken over
    }
    rows = (
        Allocation.objects.filter(invoice=invoice, kind__in=shown)
        .select_related("credit_note")
        .order_by("effective_date", "id")
    )
    return [
        {
            "date": a.effective_date, "label": labels[AllocationKind(a.kind)],
            "amount": Money.from_minor(a.amount_minor, a.currency).amount, "currency": a.currency,
            "credit_note": a.credit_note.number if a.credit_note_id and a.credit_note else "",
            "reversal": a.reverses_id is not None or a.amount_minor < 0,
        }
        for a in rows
    ]  # fmt: skip


def _at(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def customer_timeline(invoice: Invoice, payments: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The invoice's story as the customer may see it: issue, sending, payments, disputes, promises.

    ``payments`` is :func:`payments_of` the invoice when the caller has it already.
    """
    from encaisse.delivery.models import DeliveryEvent, DeliveryStatus

    events: list[dict[str, Any]] = [
        {"at": _at(invoice.issue_date), "title": _("Issued"), "detail": ""},
    ]
    sent_labels = {DeliveryStatus.SENT: _("Sent"), DeliveryStatus.DELIVERED: _("Delivered")}
    for e in (
        DeliveryEvent.objects.filter(invoice=invoice, status__in=list(sent_labels))
        .select_related("delivery")
        .order_by("at", "id")
    ):
        events.append(
            {"at": e.at, "title": sent_labels[DeliveryStatus(e.status)], "detail": e.delivery.channel}
        )
    for p in payments_of(invoice) if payments is None else payments:
        events.append({"at": _at(p["date"]), "title": p["label"], "detail": f"{p['amount']} {p['currency']}"})
    for case in Case.objects.filter(items__invoice=invoice).distinct().order_by("opened_at", "id"):
        events.append({"at": case.opened_at, "title": _("Dispute opened"), "detail": case.reference})
        if case.resolved_at:
            events.append({"at": case.resolved_at, "title": _("Dispute resolved"), "detail": case.reference})
    for promise in PromiseToPay.objects.filter(invoices=invoice).order_by("created_at", "id"):
        events.append({
            "at": promise.created_at, "title": _("Promise to pay"),
            "detail": f"{promise.amount.amount} {promise.currency} · {promise.promised_date.isoformat()}",
        })  # fmt: skip
    events.sort(key=lambda e: e["at"])
    return events


def amount_text(minor: int, currency: str) -> Decimal:
    return Money.from_minor(minor, currency).amount


# how the customer reads a case's status and outcome (the back office's working statuses are merged)
CASE_STATUSES: dict[str, Any] = {
    "open": _("Received"),
    "investigating": _("Being looked into"),
    "waiting_customer": _("Waiting for your answer"),
    "waiting_internal": _("Being looked into"),
    "pending_approval": _("Being looked into"),
    "resolved": _("Closed"),
}
OUTCOMES: dict[str, Any] = {
    "credit_note": _("A credit note is issued"),
    "write_off": _("The amount is cancelled"),
    "rebill": _("The invoice is replaced by a new one"),
    "rejected": _("The invoice stands: the amount is due"),
}
