"""Promises to pay: taken by a collector, kept or broken, and what follows.

A promise covers its invoices in dunning (:mod:`encaisse.core.dunning`) until
it is broken. :func:`review_promises` (run at the start of every dunning run)
settles open promises from the ledger: **kept** when the payments applied to
its invoices since the promise was taken, up to its date, reach the promised
amount; **broken** when its date has passed without that. A broken promise
creates a call task for the collector and lets dunning resume on the next run
(the promise no longer covers the invoices).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from encaisse.collections.models import CallTask, PromiseStatus, PromiseToPay
from encaisse.core.money import Money
from encaisse.ledger import audit
from encaisse.ledger.models import Allocation, Customer, DocumentKind, Entity, Invoice


class InvalidPromise(ValueError):
    """A promise that cannot be taken as given."""


def take_promise(
    customer: Customer, invoices: Sequence[Invoice], promised_date: date, amount: Decimal, *, actor: str,
    taken_on: date, note: str = "",
) -> PromiseToPay:  # fmt: skip
    """Record a promise to pay ``amount`` by ``promised_date`` for ``invoices`` of ``customer``."""
    if not invoices:
        raise InvalidPromise("a promise covers at least one invoice")
    strangers = [i.number for i in invoices if i.customer_id != customer.pk or i.kind != DocumentKind.INVOICE]
    if strangers:
        raise InvalidPromise(f"not invoices of {customer.name}: {', '.join(strangers)}")
    currencies = {i.currency for i in invoices}
    if len(currencies) != 1:
        raise InvalidPromise("a promise is in one currency: choose invoices of one currency")
    if promised_date < taken_on:
        raise InvalidPromise(f"the promised date {promised_date} is before today ({taken_on})")
    money = Money(amount, currencies.pop())
    if money.amount <= 0:
        raise InvalidPromise("the promised amount must be positive")
    with transaction.atomic():
        promise = PromiseToPay.objects.create(
            entity=customer.entity, customer=customer, promised_date=promised_date,
            amount_minor=money.round().minor_units(), currency=money.currency, taken_by=actor, taken_on=taken_on,
            note=note[:500],
        )  # fmt: skip
        promise.invoices.set(invoices)
        audit.record("promise.taken", actor=actor, entity=customer.entity, object_type="promise_to_pay",
                     object_id=promise.pk, data={"customer": customer.external_id, "amount": str(money.amount),
                     "currency": money.currency, "date": promised_date.isoformat(),
                     "invoices": [i.number for i in invoices]})  # fmt: skip
    return promise


@dataclass
class PromiseReview:
    kept: list[int] = field(default_factory=list)
    broken: list[int] = field(default_factory=list)


def review_promises(entity: Entity, as_of: date, *, actor: str = "system") -> PromiseReview:
    """Settle the open promises of ``entity`` as of a day (kept / broken), set-based."""
    report = PromiseReview()
    with transaction.atomic():
        promises = list(PromiseToPay.objects.filter(entity=entity, status=PromiseStatus.OPEN))
        if not promises:
            return report
        through = PromiseToPay.invoices.through
        invoices_of: dict[int, set[int]] = defaultdict(set)
        for pid, iid in through.objects.filter(promisetopay_id__in=[p.pk for p in promises]).values_list(
            "promisetopay_id", "invoice_id"
        ):
            invoices_of[pid].add(iid)
        all_ids = set().union(*invoices_of.values()) if invoices_of else set()
        earliest = min(p.taken_on for p in promises)
        payments = list(
            Allocation.objects.filter(invoice_id__in=all_ids, effective_date__gte=earliest, effective_date__lte=as_of)
            .values_list("invoice_id", "effective_date", "amount_minor", "currency")
        )  # fmt: skip
        tasks = []
        for p in promises:
            ids = invoices_of.get(p.pk, set())
            until = min(p.promised_date, as_of)
            paid = sum(
                amount for iid, when, amount, currency in payments
                if iid in ids and currency == p.currency and p.taken_on <= when <= until
            )  # fmt: skip
            if paid >= p.amount_minor:
                p.status, p.paid_minor, p.resolved_on = PromiseStatus.KEPT, paid, as_of
                report.kept.append(p.pk)
            elif as_of > p.promised_date:
                p.status, p.paid_minor, p.resolved_on = PromiseStatus.BROKEN, paid, as_of
                report.broken.append(p.pk)
                tasks.append(CallTask(
                    entity=entity, customer_id=p.customer_id, source="promise", promise=p, issued_on=as_of,
                    due_on=as_of, reason=f"Promise to pay of {p.promised_date} broken "
                    f"({Money.from_minor(paid, p.currency)} paid of {Money.from_minor(p.amount_minor, p.currency)})",
                ))  # fmt: skip
            else:
                continue
            p.save(update_fields=["status", "paid_minor", "resolved_on"])
            audit.record(f"promise.{p.status}", actor=actor, entity=entity, object_type="promise_to_pay",
                         object_id=p.pk, data={"paid_minor": paid, "amount_minor": p.amount_minor,
                         "date": p.promised_date.isoformat(), "as_of": as_of.isoformat()})  # fmt: skip
        CallTask.objects.bulk_create(tasks, ignore_conflicts=True)
    return report
