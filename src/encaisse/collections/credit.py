"""Credit holds and the automatic credit check.

A customer on hold is not dunned (:mod:`encaisse.core.dunning` leaves every
item of a customer on hold out) and, for sales, gets no new credit. Holds are
placed and released by a person (:func:`place_hold`, :func:`release_hold`) or
by :func:`credit_check`, which puts a customer on hold when

- its exposure (the open balance: invoices less credit notes, in the currency
  of its credit limit) is over its credit limit, or
- one of its invoices is more than the entity's ``hold_overdue_days`` overdue,

and writes a :class:`~encaisse.collections.models.CreditAlert` for the credit
manager. Every placement and release is in the audit log.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from encaisse.collections.models import CreditAlert, CreditHold
from encaisse.collections.policies import settings_of
from encaisse.core.money import Money
from encaisse.ledger import audit
from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice


class NoActiveHold(Exception):
    """The customer is not on hold."""


def active_hold(customer: Customer) -> CreditHold | None:
    return CreditHold.objects.filter(customer=customer, released_at__isnull=True).first()


def place_hold(
    customer: Customer, reason: str, *, actor: str, since: date, automatic: bool = False
) -> CreditHold:
    """Put ``customer`` on hold (the active hold is returned when there is one already)."""
    with transaction.atomic():
        existing = (
            CreditHold.objects.select_for_update().filter(customer=customer, released_at__isnull=True).first()
        )
        if existing is not None:
            return existing
        hold = CreditHold.objects.create(
            entity=customer.entity, customer=customer, reason=reason[:300], automatic=automatic, since=since,
            placed_by=actor,
        )  # fmt: skip
        audit.record("credit.hold_placed", actor=actor, entity=customer.entity, object_type="customer",
                     object_id=customer.pk, data={"hold": hold.pk, "reason": reason, "automatic": automatic,
                                                  "since": since.isoformat()})  # fmt: skip
    return hold


def release_hold(customer: Customer, *, actor: str, note: str = "") -> CreditHold:
    with transaction.atomic():
        hold = (
            CreditHold.objects.select_for_update().filter(customer=customer, released_at__isnull=True).first()
        )
        if hold is None:
            raise NoActiveHold(f"{customer.name} is not on hold")
        hold.released_at, hold.released_by, hold.release_note = timezone.now(), actor, note[:300]
        hold.save(update_fields=["released_at", "released_by", "release_note"])
        audit.record("credit.hold_released", actor=actor, entity=customer.entity, object_type="customer",
                     object_id=customer.pk, data={"hold": hold.pk, "note": note, "reason": hold.reason})  # fmt: skip
    return hold


@dataclass
class CreditCheckReport:
    over_limit: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    placed: list[int] = field(default_factory=list)


def credit_check(entity: Entity, as_of: date, *, actor: str = "system") -> CreditCheckReport:
    """Hold the customers over their credit limit or too long overdue, with an alert each (set-based)."""
    report = CreditCheckReport()
    options = settings_of(entity)
    with transaction.atomic():
        exposure: dict[tuple[int, str], int] = defaultdict(int)
        for cid, kind, currency, open_minor in Invoice.objects.filter(entity=entity).exclude(open_minor=0).values_list(
            "customer_id", "kind", "currency", "open_minor"
        ):  # fmt: skip
            exposure[(cid, currency)] += -open_minor if kind == DocumentKind.CREDIT_NOTE else open_minor
        reasons: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for c in Customer.objects.filter(entity=entity, credit_limit_minor__isnull=False).exclude(
            credit_limit_currency=""
        ):
            used = exposure.get((c.pk, c.credit_limit_currency), 0)
            if used > c.credit_limit_minor:
                limit = Money.from_minor(c.credit_limit_minor, c.credit_limit_currency)
                reasons[c.pk].append(
                    (
                        "over_limit",
                        f"exposure {Money.from_minor(used, c.credit_limit_currency)} over the credit limit {limit}",
                    )
                )
                report.over_limit.append(c.pk)
        if options.hold_overdue_days is not None:
            limit_day = as_of - timedelta(days=options.hold_overdue_days)
            for row in (
                Invoice.objects.filter(entity=entity, kind=DocumentKind.INVOICE, open_minor__gt=0, due_date__lt=limit_day)
                .values("customer_id").annotate(oldest=Min("due_date"))
            ):  # fmt: skip
                days = (as_of - row["oldest"]).days
                reasons[row["customer_id"]].append(
                    ("overdue", f"an invoice {days} days overdue (limit {options.hold_overdue_days} days)")
                )
                report.overdue.append(row["customer_id"])
        if not reasons:
            return report
        customers = {c.pk: c for c in Customer.objects.filter(pk__in=reasons).select_related("entity")}
        held = set(
            CreditHold.objects.filter(customer_id__in=reasons, released_at__isnull=True).values_list(
                "customer_id", flat=True
            )
        )
        for cid, found in reasons.items():
            customer = customers[cid]
            hold = None
            if cid not in held:
                hold = place_hold(
                    customer, "; ".join(text for _, text in found), actor=actor, since=as_of, automatic=True
                )
                report.placed.append(cid)
            for kind, text in found:
                CreditAlert.objects.get_or_create(
                    customer=customer, kind=kind, as_of=as_of,
                    defaults={"entity": entity, "detail": text[:500], "hold": hold},
                )  # fmt: skip
    return report
