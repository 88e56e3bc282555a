"""Detect anomalies in one entity's receipts and behaviour and keep them for review.

Payments are the bank transactions whose current cash-application decision is
applied to a customer; delays come from the invoice history. Each finding is
stored once (unique by entity, kind and key), so the detection can run daily.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from encaisse.cashapp.models import DecisionStatus, MatchDecision
from encaisse.core import anomalies as core
from encaisse.insights.models import Anomaly
from encaisse.insights.predictions import load_history
from encaisse.ledger.models import Customer, Entity


def payments(entity: Entity) -> list[core.Payment]:
    rows = MatchDecision.objects.filter(
        entity=entity, is_current=True, status=DecisionStatus.APPLIED, customer__isnull=False
    ).values_list(
        "transaction_id", "customer_id", "transaction__value_date", "transaction__booking_date",
        "transaction__amount_minor", "transaction__counterparty_account", "transaction__remittance",
        "transaction__end_to_end_id",
    )  # fmt: skip
    return [
        core.Payment(tx, cid, value or booked, amount, account or "", (remittance or end_to_end or "")[:140])
        for tx, cid, value, booked, amount, account, remittance, end_to_end in rows
        if (value or booked) is not None
    ]


def detect(entity: Entity, *, duplicate_days: int = 7) -> list[core.Finding]:
    paid = payments(entity)
    known = {
        cid: set(ibans or [])
        for cid, ibans in Customer.objects.filter(entity=entity).values_list("id", "ibans")
    }
    delays: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for it in load_history(entity).items:
        if it.delay is not None and it.paid_on is not None:
            delays[it.customer_id].append((it.paid_on, it.delay))
    return [
        *core.new_accounts(paid, known),
        *core.duplicates(paid, days=duplicate_days),
        *core.unusual_amounts(paid),
        *core.behaviour_shifts(delays),
    ]


def flag_anomalies(entity: Entity, *, duplicate_days: int = 7) -> int:
    """Store new findings; returns how many were new."""
    findings = detect(entity, duplicate_days=duplicate_days)
    before = Anomaly.objects.filter(entity=entity).count()
    Anomaly.objects.bulk_create(
        [
            Anomaly(entity=entity, kind=f.kind, key=f.key[:120], customer_id=f.customer_id, date=f.day,
                    score=f.score, description=f.description[:300], details=f.details)
            for f in findings
        ],
        ignore_conflicts=True,
    )  # fmt: skip
    return Anomaly.objects.filter(entity=entity).count() - before
