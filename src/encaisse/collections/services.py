"""Dunning use cases: run, preview (approve, skip, edit), send.

:func:`dunning_run` loads an entity's open items set-based
(:mod:`encaisse.collections.state`), lets :func:`encaisse.core.dunning.decide_many`
decide, and stores one ``draft`` letter per customer grouping its items at
their levels. It is idempotent per day: a second run on the same day finds the
run and its letters (unique per entity, customer, day and level) and creates
nothing new. A newer run supersedes the drafts of earlier days that were never
sent (they are skipped with that note). A dry run stores only the run's counts.

:func:`send_letters` renders each approved letter (Typst, the customer's
language, the level's tone), archives the PDF (write-once, hash-addressed),
queues it with the delivery app under the key (lead invoice, channel,
``reminder-<level>``) and sends it; the delivery carries the archived letter
(and, for formal letters, the claimed invoices' PDFs) through the document
provider of :mod:`encaisse.collections.documents`, on a retry too; then the
history is recorded (what each item got, the compensation charged), which the
next run reads. Sending happens outside any transaction, as the delivery app
requires; each letter's before and after are one transaction each.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from encaisse.billing.archiving import archive_file
from encaisse.collections.documents import language_of, letter_pdf
from encaisse.collections.models import (
    CallTask,
    DunningHistoryEntry,
    DunningLetter,
    DunningRun,
    LetterStatus,
)
from encaisse.collections.policies import load_policies
from encaisse.collections.state import load_state
from encaisse.core import dunning as core
from encaisse.core.interest import InterestCalculation
from encaisse.core.money import Money
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import Entity, Invoice

log = logging.getLogger(__name__)

ARCHIVE_KIND = "reminder"
SENT_STATES = frozenset({"sent", "delivered", "batched", "viewed"})


class LetterLocked(Exception):
    """The letter was sent (or skipped) and can no longer change."""


@dataclass
class RunResult:
    run: DunningRun
    decisions: tuple[core.DunningDecision, ...]
    created: list[DunningLetter] = field(default_factory=list)
    existing: int = 0
    decision_seconds: float = 0.0


# --- the run ---------------------------------------------------------------------------------


def _interest_json(calc: InterestCalculation) -> dict[str, Any]:
    return {
        "jurisdiction": calc.jurisdiction, "due_date": calc.due_date.isoformat(), "until": calc.until.isoformat(),
        "currency": calc.currency, "exact_total": str(calc.exact_total), "total": str(calc.total.amount),
        "days": calc.days,
        "periods": [
            {"start": p.start.isoformat(), "end": p.end.isoformat(), "days": p.days,
             "principal": str(p.principal.amount), "reference_rate": str(p.reference_rate),
             "margin": str(p.margin), "annual_rate": str(p.annual_rate), "day_basis": p.day_basis,
             "amount": str(p.amount.amount)}
            for p in calc.periods
        ],
    }  # fmt: skip


def _item_json(d: core.ItemDecision, invoice: Invoice, jurisdiction: str) -> dict[str, Any]:
    return {
        "invoice_id": invoice.pk, "number": invoice.number, "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(), "currency": invoice.currency, "level": d.level.number,
        "tone": d.level.tone.value, "open": str(d.item.open_amount.amount), "claimed": str(d.amount.amount),
        "reason": d.reason, "reference": invoice.structured_reference, "jurisdiction": jurisdiction,
        "interest": _interest_json(d.interest) if d.interest is not None and d.interest.periods else None,
        "compensation": str(d.compensation.amount) if d.compensation is not None else None,
    }  # fmt: skip


def _totals_json(plan: core.LetterPlan) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    interest = {m.currency: m for m in plan.interest_totals()}
    compensation = {m.currency: m for m in plan.compensation_totals()}
    for claimed in plan.amounts_due():
        c = claimed.currency
        whole = claimed + interest.get(c, Money.zero(c)) + compensation.get(c, Money.zero(c))
        out[c] = {
            "claimed": str(claimed.amount), "interest": str(interest[c].amount) if c in interest else "0",
            "compensation": str(compensation[c].amount) if c in compensation else "0", "total": str(whole.amount),
        }  # fmt: skip
    return out


def _base_policy(name: str) -> str:
    return name.split(" (+", 1)[0]


def dunning_run(entity: Entity, as_of: date, *, dry_run: bool = False, actor: str = "system") -> RunResult:
    """Decide today's reminders of ``entity`` and store them as draft letters (see the module docstring)."""
    from encaisse.collections.promises import review_promises

    if not dry_run:
        settle_waiting_letters(entity, actor=actor)  # the history the run reads includes letters sent since
    with transaction.atomic():
        if not dry_run:
            review_promises(entity, as_of, actor=actor)
        loaded = load_policies(entity)
        state = load_state(entity, as_of)
        started = time.perf_counter()
        decisions = core.decide_many(
            state.items, state.customers, as_of, policies=loaded.policies, rules=loaded.rules,
            history=state.history, explain_idle=False,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        with_letter = [d for d in decisions if d.letter is not None]
        counts = {
            "customers": len(decisions), "items": sum(len(d.items) for d in decisions),
            "letters": len(with_letter), "skipped": sum(len(d.skipped) for d in decisions),
            "call_tasks": sum(1 for d in decisions if d.call_task),
        }  # fmt: skip
        if dry_run:
            run = DunningRun.objects.create(
                entity=entity, as_of=as_of, dry_run=True, created_by=actor, **counts
            )
            audit.record("dunning.dry_run", actor=actor, entity=entity, object_type="dunning_run", object_id=run.pk,
                         data={"as_of": as_of.isoformat(), **counts})  # fmt: skip
            return RunResult(run, decisions, decision_seconds=seconds)

        run, created_run = DunningRun.objects.get_or_create(
            entity=entity, as_of=as_of, dry_run=False, defaults={"created_by": actor}
        )
        existing = set(
            DunningLetter.objects.filter(entity=entity, as_of=as_of).values_list("customer_id", "level")
        )
        jurisdiction = next(iter(loaded.policies.values())).jurisdiction.code
        rows = []
        for d in with_letter:
            plan = d.letter
            assert plan is not None
            customer_id = int(plan.customer_id)
            if (customer_id, plan.level.number) in existing:
                continue
            customer = state.customer_rows[customer_id]
            language = language_of(customer)
            base = _base_policy(d.policy)
            level_row = loaded.levels.get((base, plan.level.number))
            policy_row = loaded.rows.get(base)
            rows.append(
                DunningLetter(
                    run=run,
                    entity=entity,
                    customer=customer,
                    as_of=as_of,
                    level=plan.level.number,
                    tone=plan.tone.value,
                    channel=plan.channel.value,
                    template=level_row.template_for(language) if level_row else plan.template,
                    language=language,
                    policy=d.policy,
                    auto_send=bool(policy_row and policy_row.auto_send),
                    hand_over=d.hand_over,
                    items=[
                        _item_json(i, state.invoices[int(i.item.invoice_id)], jurisdiction)
                        for i in plan.items
                    ],
                    totals=_totals_json(plan),
                )
            )
        created = DunningLetter.objects.bulk_create(rows, batch_size=500)
        if created and created[0].pk is None:
            created = list(
                DunningLetter.objects.filter(run=run, customer_id__in=[r.customer_id for r in rows])
            )
        calls = [
            CallTask(entity=entity, customer_id=int(d.customer.customer_id), source="dunning", issued_on=as_of,
                     due_on=as_of, reason=f"Call before the letter ({d.policy})")
            for d in decisions if d.call_task
        ]  # fmt: skip
        CallTask.objects.bulk_create(calls, ignore_conflicts=True, batch_size=500)
        if created:
            superseded = (
                DunningLetter.objects.filter(
                    entity=entity, customer_id__in={r.customer_id for r in created}, as_of__lt=as_of,
                    status__in=(LetterStatus.DRAFT, LetterStatus.APPROVED),
                )
            )  # fmt: skip
            superseded.update(status=LetterStatus.SKIPPED, status_note=f"superseded by the run of {as_of}")
        letters = DunningLetter.objects.filter(run=run).count()
        DunningRun.objects.filter(pk=run.pk).update(
            customers=counts["customers"], items=counts["items"], letters=letters, skipped=counts["skipped"],
            call_tasks=CallTask.objects.filter(entity=entity, source="dunning", issued_on=as_of).count(),
        )  # fmt: skip
        run.refresh_from_db()
        audit.record(
            "dunning.run" if created_run else "dunning.run_repeated", actor=actor, entity=entity,
            object_type="dunning_run", object_id=run.pk,
            data={"as_of": as_of.isoformat(), "created": len(created), "existing": len(existing), **counts},
        )  # fmt: skip
    return RunResult(run, decisions, created, len(existing), seconds)


# --- preview ---------------------------------------------------------------------------------


def _editable(letter: DunningLetter) -> None:
    if letter.status not in (LetterStatus.DRAFT, LetterStatus.APPROVED):
        raise LetterLocked(f"letter {letter.pk} is {letter.status}")


def approve_letters(run: DunningRun, letter_ids: Iterable[int] | None = None, *, actor: str) -> int:
    """Approve the given draft letters of ``run`` (None: every draft); returns how many."""
    with transaction.atomic():
        qs = DunningLetter.objects.filter(run=run, status=LetterStatus.DRAFT)
        if letter_ids is not None:
            qs = qs.filter(pk__in=list(letter_ids))
        ids = list(qs.values_list("pk", flat=True))
        DunningLetter.objects.filter(pk__in=ids).update(status=LetterStatus.APPROVED, approved_by=actor)
        if ids:
            audit.record("dunning.letters_approved", actor=actor, entity=run.entity, object_type="dunning_run",
                         object_id=run.pk, data={"letters": ids})  # fmt: skip
    return len(ids)


def skip_letter(letter: DunningLetter, *, actor: str, note: str = "") -> DunningLetter:
    with transaction.atomic():
        letter = DunningLetter.objects.select_for_update().get(pk=letter.pk)
        _editable(letter)
        letter.status, letter.status_note = LetterStatus.SKIPPED, (note or f"skipped by {actor}")[:300]
        letter.save(update_fields=["status", "status_note"])
        audit.record("dunning.letter_skipped", actor=actor, entity=letter.entity, object_type="dunning_letter",
                     object_id=letter.pk, data={"customer": letter.customer_id, "level": letter.level, "note": note})  # fmt: skip
    return letter


def edit_letter(letter: DunningLetter, free_text: str, *, actor: str) -> DunningLetter:
    """Change the free paragraph of a letter not sent yet (the only part a person writes)."""
    with transaction.atomic():
        letter = DunningLetter.objects.select_for_update().get(pk=letter.pk)
        _editable(letter)
        before = letter.free_text
        letter.free_text = free_text.strip()[:4000]
        letter.save(update_fields=["free_text"])
        audit.record("dunning.letter_edited", actor=actor, entity=letter.entity, object_type="dunning_letter",
                     object_id=letter.pk, data={"before": before, "after": letter.free_text})  # fmt: skip
    return letter


# --- sending ---------------------------------------------------------------------------------


def _delivery_channel(letter: DunningLetter, customer_addressee: Any) -> str | None:
    """The level's channel when it can reach the customer, else the other of e-mail and post."""
    from encaisse.delivery.channels import unavailable_reason

    first = "email" if letter.channel == "email" else "post"
    for name in (first, "post" if first == "email" else "email"):
        if unavailable_reason(name, customer_addressee) is None:
            return name
    return None


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)


def _prepare(letter_id: int, actor: str, store: ArchiveStore | None) -> tuple[DunningLetter, int] | str:
    from encaisse.delivery import messages
    from encaisse.delivery.services import queue_delivery

    with transaction.atomic():
        letter = (
            DunningLetter.objects.select_for_update(of=("self",))
            .select_related("entity", "customer", "customer__entity")
            .get(pk=letter_id)
        )
        if letter.status != LetterStatus.APPROVED:
            return f"letter {letter.pk} is {letter.status}"
        pdf = letter_pdf(letter)
        lead = Invoice.objects.get(pk=letter.items[0]["invoice_id"])
        doc = archive_file(
            pdf, kind=ARCHIVE_KIND, filename=f"DL-{letter.pk}.pdf", content_type="application/pdf",
            entity=letter.entity, customer=letter.customer, invoice=lead, number=f"DL-{letter.pk}",
            issue_date=letter.as_of, store=store,
        )  # fmt: skip
        letter.pdf_sha256 = doc.sha256
        addressee, _ = messages.addressee(letter.customer)
        channel = _delivery_channel(letter, addressee)
        if channel is None:
            letter.status, letter.status_note = LetterStatus.FAILED, "no e-mail address nor postal address"
            letter.save(update_fields=["pdf_sha256", "status", "status_note"])
            return letter.status_note
        delivery = queue_delivery(lead, purpose=f"reminder-{letter.level}", channel=channel, actor=actor)
        letter.delivery_id, letter.delivery_ref = delivery.pk, delivery.key
        letter.save(update_fields=["pdf_sha256", "delivery_id", "delivery_ref"])
    return letter, delivery.pk


def _record_sent(letter: DunningLetter, actor: str) -> None:
    entries = []
    for item in letter.items:
        currency = item["currency"]
        interest = item.get("interest")
        entries.append(
            DunningHistoryEntry(
                entity_id=letter.entity_id,
                customer_id=letter.customer_id,
                invoice_id=item["invoice_id"],
                letter=letter,
                level=int(item["level"]),
                sent_on=letter.as_of,
                currency=currency,
                claimed_minor=Money(item["claimed"], currency).minor_units(),
                interest_minor=Money(interest["total"], currency).minor_units() if interest else 0,
                compensation_minor=Money(item["compensation"], currency).minor_units()
                if item.get("compensation")
                else 0,
            )
        )
    DunningHistoryEntry.objects.bulk_create(entries, ignore_conflicts=True)
    letter.status, letter.sent_at = LetterStatus.SENT, timezone.now()
    letter.save(update_fields=["status", "sent_at", "status_note"])
    audit.record(
        "dunning.letter_sent", actor=actor, entity=letter.entity, object_type="dunning_letter", object_id=letter.pk,
        data={"customer": letter.customer_id, "level": letter.level, "delivery": letter.delivery_ref,
              "sha256": letter.pdf_sha256, "invoices": [i["number"] for i in letter.items], "totals": letter.totals},
    )  # fmt: skip


def _record_failed(letter: DunningLetter, status: str, note: str, actor: str) -> None:
    letter.status, letter.status_note = LetterStatus.FAILED, note
    letter.save(update_fields=["status", "status_note"])
    audit.record("dunning.letter_failed", actor=actor, entity=letter.entity, object_type="dunning_letter",
                 object_id=letter.pk, data={"delivery": letter.delivery_ref, "status": status})  # fmt: skip


def settle_waiting_letters(entity: Entity, *, actor: str = "system") -> tuple[list[int], list[int]]:
    """Letters handed to the delivery app that was still trying (a retry queued) get its final outcome.

    A letter whose delivery has since reached the customer (sent by the job worker on a retry) is recorded as
    sent, with its history, exactly as :func:`send_letters` records it; one whose delivery failed for good is
    marked failed. :func:`dunning_run` calls it first: without it the next run would not know the reminder
    went out and would send the same level again. Returns (sent, failed) letter ids.
    """
    from encaisse.delivery.models import FINAL_FAILURES, Delivery

    waiting = dict(
        DunningLetter.objects.filter(
            entity=entity, status=LetterStatus.APPROVED, delivery_id__isnull=False
        ).values_list("pk", "delivery_id")
    )
    if not waiting:
        return [], []
    status_of = dict(Delivery.objects.filter(pk__in=set(waiting.values())).values_list("pk", "status"))
    sent: list[int] = []
    failed: list[int] = []
    for letter_id, delivery_id in sorted(waiting.items()):
        status = status_of.get(delivery_id)
        if status not in SENT_STATES and status not in FINAL_FAILURES:
            continue  # still queued or sending
        with transaction.atomic():
            letter = DunningLetter.objects.select_for_update().select_related("entity").get(pk=letter_id)
            if letter.status != LetterStatus.APPROVED:
                continue  # settled meanwhile
            if status in SENT_STATES:
                letter.status_note = f"delivery {status}"
                _record_sent(letter, actor)
                sent.append(letter_id)
            else:
                _record_failed(letter, status, f"delivery {status}", actor)
                failed.append(letter_id)
    return sent, failed


def send_letters(
    run: DunningRun, *, actor: str, letter_ids: Sequence[int] | None = None, store: ArchiveStore | None = None
) -> SendReport:
    """Render, archive and send every approved letter of ``run``; call it outside any transaction."""
    from encaisse.delivery.channels import ChannelSet
    from encaisse.delivery.models import Delivery
    from encaisse.delivery.services import send_delivery

    report = SendReport()
    qs = DunningLetter.objects.filter(run=run, status=LetterStatus.APPROVED).order_by("id")
    if letter_ids is not None:
        qs = qs.filter(pk__in=list(letter_ids))
    ids = list(qs.values_list("pk", flat=True))
    channels = ChannelSet()
    try:
        for letter_id in ids:
            prepared = _prepare(letter_id, actor, store)
            if isinstance(prepared, str):
                report.failed.append((letter_id, prepared))
                continue
            _letter, delivery_id = prepared
            # the delivery's message carries the archived letter (and its enclosures): see
            # encaisse.collections.documents.reminder_documents, the provider of "reminder-*"
            outcome = send_delivery(delivery_id, channels=channels, store=store)
            status = outcome.status or Delivery.objects.get(pk=delivery_id).status
            with transaction.atomic():
                letter = DunningLetter.objects.select_for_update().select_related("entity").get(pk=letter_id)
                if status in SENT_STATES:
                    letter.status_note = f"delivery {status}"
                    _record_sent(letter, actor)
                    report.sent.append(letter_id)
                elif status in ("queued", "sending"):
                    letter.status_note = f"delivery {status}: {outcome.detail}"[:300]
                    letter.save(update_fields=["status_note"])
                    report.waiting.append(letter_id)
                else:
                    _record_failed(letter, status, f"delivery {status}: {outcome.detail}"[:300], actor)
                    report.failed.append((letter_id, letter.status_note))
    finally:
        channels.close()
    return report
