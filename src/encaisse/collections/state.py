"""What dunning needs to know of an entity's open items, loaded set-based (a few queries, no loop of queries).

:func:`load_state` builds the :class:`~encaisse.core.dunning.OpenItem` s and
:class:`~encaisse.core.dunning.CustomerState` s of one entity as of a day:

- open invoices (not credit notes) from the ``open_minor`` cache;
- ``disputed`` from the cases app (:func:`disputed_invoice_ids`; none while
  that app is not installed);
- the open promise to pay that covers each invoice;
- customers on credit hold (an active :class:`~encaisse.collections.models.CreditHold`);
- unapplied credits per customer and currency: Σ on-account allocations of
  its receipts (as the statement of account shows them);
- the risk of each customer from the insights app (:func:`risk_of`; "normal"
  while that app does not provide one);
- the balance schedule of partly paid invoices (for exact interest);
- the history of what was sent (:class:`~encaisse.collections.models.DunningHistoryEntry`)
  and the dunning call tasks issued.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from encaisse.collections.models import (
    CallTask,
    CreditHold,
    DunningHistoryEntry,
    PromiseStatus,
    PromiseToPay,
)
from encaisse.core import dunning as core
from encaisse.core.money import Money
from encaisse.ledger.models import Allocation, AllocationKind, Customer, DocumentKind, Entity, Invoice


def disputed_invoice_ids(entity_ids: Iterable[int]) -> set[int]:
    """Invoices in dispute, from the cases app when it is installed (the seam to it)."""
    try:
        from encaisse.cases.services import disputed_invoice_ids as from_cases  # type: ignore[import-not-found]
    except ImportError:
        return set()
    return set(from_cases(list(entity_ids)))


_RISKS = {r.value: r for r in core.Risk}


def risk_of(customer_ids: Iterable[int]) -> dict[int, core.Risk]:
    """Each customer's risk from the insights app when it provides one, else normal."""
    ids = list(customer_ids)
    try:
        from encaisse.insights.risk import risk_of as from_insights  # type: ignore[import-not-found]
    except ImportError:
        return dict.fromkeys(ids, core.Risk.NORMAL)
    found = from_insights(ids)
    return {cid: _RISKS.get(str(found.get(cid, "normal")), core.Risk.NORMAL) for cid in ids}


@dataclass(frozen=True)
class DunningState:
    items: list[core.OpenItem]
    customers: dict[int, core.CustomerState]
    history: core.DunningHistory
    invoices: dict[int, Invoice]
    customer_rows: dict[int, Customer]


def load_state(entity: Entity, as_of: date) -> DunningState:
    invoices = {
        inv.pk: inv
        for inv in Invoice.objects.filter(entity=entity, kind=DocumentKind.INVOICE, open_minor__gt=0)
        .only("id", "customer_id", "number", "currency", "open_minor", "total_minor", "due_date", "issue_date",
              "structured_reference", "entity_id", "kind", "written_off")
        .order_by("id")
    }  # fmt: skip
    customer_ids = {inv.customer_id for inv in invoices.values()}
    customer_rows = {c.pk: c for c in Customer.objects.filter(pk__in=customer_ids)}
    disputed = disputed_invoice_ids([entity.pk])

    promises: dict[int, core.PromiseToPay] = {}
    through = PromiseToPay.invoices.through
    open_promises = {p.pk: p for p in PromiseToPay.objects.filter(entity=entity, status=PromiseStatus.OPEN)}
    for promise_id, invoice_id in through.objects.filter(promisetopay_id__in=open_promises).values_list(
        "promisetopay_id", "invoice_id"
    ):
        p = open_promises[promise_id]
        current = promises.get(invoice_id)
        if current is None or p.promised_date > current.date:
            promises[invoice_id] = core.PromiseToPay(
                p.promised_date, Money.from_minor(p.amount_minor, p.currency)
            )

    on_hold = set(
        CreditHold.objects.filter(entity=entity, released_at__isnull=True).values_list(
            "customer_id", flat=True
        )
    )
    credits: dict[int, list[Money]] = defaultdict(list)
    for row in (
        Allocation.objects.filter(entity=entity, kind=AllocationKind.ON_ACCOUNT, receipt__customer_id__in=customer_ids)
        .values("receipt__customer_id", "currency")
        .annotate(s=Sum("amount_minor"))
    ):  # fmt: skip
        if row["s"]:
            credits[row["receipt__customer_id"]].append(Money.from_minor(row["s"], row["currency"]))

    # Partly paid invoices: the balance after each allocation, for interest on the real balance.
    schedules: dict[int, list[tuple[date, int]]] = defaultdict(list)
    partly = [i for i, inv in invoices.items() if inv.open_minor != inv.total_minor]
    if partly:
        for invoice_id, when, amount in (
            Allocation.objects.filter(invoice_id__in=partly, effective_date__lte=as_of)
            .values_list("invoice_id", "effective_date", "amount_minor")
            .order_by("invoice_id", "effective_date", "id")
        ):
            schedules[invoice_id].append((when, amount))

    risks = risk_of(customer_ids)
    items = []
    for inv in invoices.values():
        changes: tuple[tuple[date, Money], ...] = ()
        steps = schedules.get(inv.pk)
        if steps:
            balance = inv.total_minor
            start = min(inv.issue_date, inv.due_date)
            built = [(start, Money.from_minor(balance, inv.currency))]
            for when, amount in steps:
                balance -= amount
                built.append((max(when, start), Money.from_minor(balance, inv.currency)))
            changes = tuple(built)
        items.append(
            core.OpenItem(
                inv.pk,
                inv.number,
                inv.customer_id,
                inv.open_amount,
                inv.due_date,
                disputed=inv.pk in disputed,
                promise=promises.get(inv.pk),
                balance_changes=changes,
            )
        )
    customers = {
        cid: core.CustomerState(
            cid,
            segment=(c.segment or "standard"),
            risk=risks.get(cid, core.Risk.NORMAL),
            on_hold=cid in on_hold,
            unapplied_credits=tuple(credits.get(cid, ())),
        )
        for cid, c in customer_rows.items()
    }

    sent = []
    charged = set()
    for invoice_id, level, sent_on, compensation in DunningHistoryEntry.objects.filter(
        entity=entity, invoice_id__in=invoices
    ).values_list("invoice_id", "level", "sent_on", "compensation_minor"):
        sent.append(core.SentLevel(invoice_id, level, sent_on))
        if compensation:
            charged.add(invoice_id)
    # Compensation is charged once per invoice ever: also for invoices no longer in this run's set.
    calls = tuple(
        core.CallTask(cid, issued)
        for cid, issued in CallTask.objects.filter(entity=entity, source="dunning").values_list(
            "customer_id", "issued_on"
        )
    )
    history = core.DunningHistory(tuple(sent), frozenset(charged), calls)
    return DunningState(items, customers, history, invoices, customer_rows)
