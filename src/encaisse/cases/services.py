"""Dispute and deduction use cases: open, move, comment, reply, attach, resolve, approve; board figures.

Each public function is one use case in one database transaction and writes
the case's history (:class:`~encaisse.cases.models.CaseEvent`) and the audit
log. The web pages, the ``encaisse`` commands, cash application, the API and
the customer portal call these and nothing else.

The back office's comments and files are internal; a reply to the customer
(:func:`reply_to_customer`) is shown in the portal with its files and e-mailed
to the customer. What the customer writes or sends is the customer's to see.

Resolving posts the accounting, and the ledger stays consistent
(``encaisse ledger-check``):

* **credit note** — issued through billing when the invoice was issued by
  billing (:func:`encaisse.billing.services.credit_invoice`), else a
  ledger-level credit note (its own journal entry, Dr revenue / Dr VAT /
  Cr receivables) applied to the invoice with a pair of ``credit_note``
  allocations, as billing applies its own;
* **write-off** — a ``write_off`` allocation (Dr bad-debt expense /
  Cr receivables); above the entity's limit it waits, in
  ``pending_approval``, for a second person's approval;
* **rebill** — a credit note for the amount on the original invoice and a
  new invoice for the same amount through billing (a fresh due date);
* **rejected** — the customer must pay: nothing is credited.

For a deduction case the deduction allocation posted by cash application is
first reversed (:func:`encaisse.ledger.posting.reverse_allocations`), so the
invoice is open again by the amount deducted; the outcome then settles what
is accepted, and whatever is not accepted stays open and goes back to
collections. While a case is not resolved its invoices are not dunned
(:func:`disputed_invoice_ids`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from encaisse import webhooks
from encaisse.cases.models import (
    RESOLVABLE,
    TRANSITIONS,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseItem,
    CaseSettings,
    CaseSource,
    CaseStatus,
    CaseType,
    Outcome,
    ReasonCode,
    Visibility,
)
from encaisse.clock import today
from encaisse.core.ledger import invoice_entry, to_functional
from encaisse.core.money import InvalidAmount, Money
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import (
    Allocation,
    AllocationKind,
    Customer,
    DocumentKind,
    Entity,
    Invoice,
)
from encaisse.ledger.posting import (
    AllocationRefused,
    AllocationRequest,
    post_allocations,
    post_entries,
    reverse_allocations,
)

DEFAULT_REASONS: tuple[tuple[str, str], ...] = (
    ("pricing", "Pricing"),
    ("quantity", "Quantity"),
    ("damaged_goods", "Damaged goods"),
    ("not_received", "Not received"),
    ("duplicate_billing", "Duplicate billing"),
    ("promotion", "Promotion / discount"),
    ("tax", "Tax"),
    ("bank_charges", "Bank charges"),
    ("early_payment_discount", "Early-payment discount"),
    ("other", "Other"),
)
RECURRING_AFTER = 2  # earlier cases of a customer with one reason that make it a known, recurring deduction
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

# cash application's deduction reasons → our reason codes
_ENGINE_REASONS = {"bank_charges": "bank_charges", "discount": "early_payment_discount"}
# words in remittance text that name a reason (FR, EN, NL, DE)
_TEXT_REASONS: tuple[tuple[str, str], ...] = (
    ("damaged_goods", r"damage|endommag|abîm|abim|beschädig|beschadig|kaputt|casse"),
    ("not_received", r"not received|non re[çc]u|niet ontvangen|nicht erhalten|missing delivery"),
    ("duplicate_billing", r"duplicate|double factur|doublon|dubbel|doppelt"),
    ("quantity", r"quantit|hoeveelheid|menge|short deliver|manquant"),
    ("pricing", r"pric|prix|tarif|prijs|preis"),
    ("promotion", r"promo|korting|rabatt|remise|rebate|ristourne"),
    ("tax", r"\btax|\btva\b|\bvat\b|\bbtw\b|mwst|ust\b"),
    ("bank_charges", r"frais|charges|kosten|gebühr|fees"),
    ("early_payment_discount", r"escompte|skonto|early payment"),
)


class CaseError(Exception):
    """A request that cannot be carried out; nothing was changed."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True, slots=True)
class ItemRequest:
    """An invoice a case concerns; ``amount_minor`` None: its whole open amount."""

    invoice: Invoice
    amount_minor: int | None = None
    lines: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes
    content_type: str = ""


# --- configuration ------------------------------------------------------------------------


def ensure_reason_codes(entity: Entity) -> list[ReasonCode]:
    """The entity's reason codes, seeding the default list the first time (idempotent)."""
    existing = {r.code for r in ReasonCode.objects.filter(entity=entity)}
    missing = [
        ReasonCode(entity=entity, code=code, label=label, position=n)
        for n, (code, label) in enumerate(DEFAULT_REASONS, start=1)
        if code not in existing
    ]
    if not existing and missing:
        ReasonCode.objects.bulk_create(missing, ignore_conflicts=True)
    return list(ReasonCode.objects.filter(entity=entity, active=True))


def case_settings(entity: Entity) -> CaseSettings:
    return CaseSettings.objects.filter(entity=entity).first() or CaseSettings(entity=entity)


def _reason(entity: Entity, code: str) -> ReasonCode:
    ensure_reason_codes(entity)
    found = ReasonCode.objects.filter(entity=entity, code=code, active=True).first()
    if found is None:
        known = ", ".join(
            ReasonCode.objects.filter(entity=entity, active=True).values_list("code", flat=True)
        )
        raise CaseError([f"unknown reason {code!r} (known: {known})"])
    return found


def parse_amount(text: str | Decimal, currency: str) -> int:
    """A decimal amount (never a float) in minor units; raises :class:`CaseError`."""
    try:
        money = Money(Decimal(str(text).strip().replace(",", ".")), currency)
    except (ArithmeticError, InvalidAmount, ValueError):
        raise CaseError([f"amount {text!r} is not a number"]) from None
    if not money.is_rounded():
        raise CaseError([f"amount {text} has more decimals than {currency} allows"])
    return money.minor_units()


# --- history -----------------------------------------------------------------------------


def _event(case: Case, kind: str, actor: str, *, text: str = "", frm: str = "", to: str = "",
           data: dict[str, Any] | None = None, visibility: str = "") -> CaseEvent:  # fmt: skip
    """One history line and its audit event; ``visibility`` "": the author's (see :func:`_visibility`)."""
    visibility = visibility or _visibility(actor)
    event = CaseEvent.objects.create(case=case, actor=actor, kind=kind, from_status=frm, to_status=to, text=text,
                                     data=data or {}, visibility=visibility)  # fmt: skip
    shown = {"visibility": visibility} if visibility != Visibility.INTERNAL else {}
    audit.record(f"case.{kind}", actor=actor, entity=case.entity, object_type="case", object_id=case.pk,
                 data={"from": frm, "to": to, "text": text[:200], **(data or {}), **shown})  # fmt: skip
    return event


def _actor(user: Any, actor: str) -> str:
    """Who is written down: the actor the caller names (the API names its token), else the person."""
    return user.get_username() if user is not None and actor in ("", "system") else actor


def is_customer_actor(actor: str) -> bool:
    """The customer itself (a portal user, or the portal on its behalf) rather than the back office."""
    return actor.startswith("portal:")


def _visibility(actor: str, requested: str = "") -> str:
    """What the customer writes or sends is the customer's to see; the back office's is internal unless said."""
    if requested and requested not in Visibility.values:
        raise CaseError([f"unknown visibility {requested!r} ({', '.join(Visibility.values)})"])
    if is_customer_actor(actor):
        if requested == Visibility.INTERNAL:
            raise CaseError(["a customer's message is shown to the customer: it cannot be internal"])
        return Visibility.CUSTOMER
    return requested or Visibility.INTERNAL


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("entity", "customer", "reason").get(pk=case.pk)


# --- opening -----------------------------------------------------------------------------


def open_case(
    entity: Entity, *, type: str, items: Sequence[ItemRequest], reason: str, actor: str, user: Any = None,
    owner: Any = None, summary: str = "", source: str = CaseSource.PERSON, on: date | None = None,
    attachments: Sequence[Upload] = (), store: ArchiveStore | None = None,
) -> Case:  # fmt: skip
    """Open a case on one or more invoices of one customer; raises :class:`CaseError` listing every problem."""
    actor = _actor(user, actor)
    with transaction.atomic():
        case = _open(entity, type=type, items=items, reason=reason, actor=actor, owner=owner, summary=summary,
                     source=source, on=on or today())  # fmt: skip
        for up in attachments:
            _attach(case, up, actor, store)
    return case


def _open(
    entity: Entity, *, type: str, items: Sequence[ItemRequest], reason: str, actor: str, owner: Any,
    summary: str, source: str, on: date, deduction: Allocation | None = None, recurring: bool = False,
) -> Case:  # fmt: skip
    problems: list[str] = []
    if type not in CaseType.values:
        problems.append(f"unknown case type {type!r} (dispute or deduction)")
    if not items:
        problems.append("a case concerns at least one invoice")
    customers = {it.invoice.customer_id for it in items}
    currencies = {it.invoice.currency for it in items}
    if len(customers) > 1:
        problems.append("the invoices of a case belong to one customer")
    if len(currencies) > 1:
        problems.append("the invoices of a case are in one currency")
    amounts: list[int] = []
    for it in items:
        inv = it.invoice
        if inv.entity_id != entity.pk:
            problems.append(f"invoice {inv.number} is not of entity {entity.code}")
            continue
        if inv.kind != DocumentKind.INVOICE:
            problems.append(f"{inv.number} is a credit note: a case concerns invoices")
            continue
        amount = inv.open_minor if it.amount_minor is None and deduction is None else it.amount_minor
        if amount is None or amount <= 0:
            problems.append(f"invoice {inv.number}: the amount concerned must be positive")
            continue
        if deduction is None and amount > inv.open_minor:
            problems.append(
                f"invoice {inv.number}: {Money.from_minor(amount, inv.currency)} is beyond its open amount "
                f"{inv.open_amount}"
            )
            continue
        amounts.append(amount)
    try:
        code = _reason(entity, reason)
    except CaseError as exc:
        problems += exc.problems
    if problems:
        raise CaseError(problems)
    sla = case_settings(entity)
    days = sla.dispute_sla_days if type == CaseType.DISPUTE else sla.deduction_sla_days
    case = Case.objects.create(
        entity=entity, customer_id=items[0].invoice.customer_id, type=type, source=source, reason=code,
        owner=owner, currency=items[0].invoice.currency, amount_minor=sum(amounts), opened_on=on,
        due_date=on + timedelta(days=days), opened_by=actor, summary=summary[:500], deduction=deduction,
        recurring=recurring,
    )  # fmt: skip
    CaseItem.objects.bulk_create(
        [CaseItem(case=case, invoice=it.invoice, amount_minor=a, currency=it.invoice.currency, lines=list(it.lines))
         for it, a in zip(items, amounts, strict=True)]
    )  # fmt: skip
    _event(case, "opened", actor, to=case.status, text=summary,
           data={"type": type, "source": source, "reason": reason, "amount_minor": case.amount_minor,
                 "currency": case.currency, "invoices": [it.invoice.number for it in items],
                 "deduction_allocation": deduction.pk if deduction else None})  # fmt: skip
    webhooks.case_opened(case)
    return case


def open_dispute_from_portal(
    customer: Customer, invoice: Invoice, *, reason: str, message: str, amount_minor: int | None = None,
    lines: Sequence[int] = (), attachments: Sequence[Upload] = (), on: date | None = None,
    store: ArchiveStore | None = None,
) -> Case:  # fmt: skip
    """A dispute raised by the customer on one of its own invoices (for the portal).

    ``lines`` are the positions of the invoice lines disputed; without an
    amount, the disputed amount is their gross total (else the open amount).
    """
    if invoice.customer_id != customer.pk:
        raise CaseError([f"invoice {invoice.number} is not an invoice of {customer.name}"])
    if lines and amount_minor is None:
        chosen = list(invoice.lines.filter(position__in=list(lines)))
        if len(chosen) != len(set(lines)):
            raise CaseError([f"invoice {invoice.number} has no line(s) {sorted(set(lines))}"])
        amount_minor = sum(
            ln.net_minor + Money(Money.from_minor(ln.net_minor, invoice.currency).amount * ln.vat_rate / 100,
                                 invoice.currency).round().minor_units()
            for ln in chosen
        )  # fmt: skip
        amount_minor = min(amount_minor, invoice.open_minor)
    return open_case(
        customer.entity, type=CaseType.DISPUTE, items=[ItemRequest(invoice, amount_minor, tuple(lines))],
        reason=reason, actor=f"portal:{customer.external_id}", summary=message, source=CaseSource.PORTAL, on=on,
        attachments=attachments, store=store,
    )  # fmt: skip


def propose_reason(engine_reason: str, text: str, history: Counter[str]) -> tuple[str, bool, str]:
    """The reason to propose for a deduction: ``(code, recurring, why)``.

    Cash application's own reason first (bank charges, early-payment
    discount); a deduction the remittance text explains by the words it
    uses; otherwise the customer's recurring reason (the same reason on
    ``RECURRING_AFTER`` or more earlier cases), else ``other``.

    >>> propose_reason("explained", "minus damaged pallet", Counter())
    ('damaged_goods', False, 'remittance text says damaged_goods')
    >>> propose_reason("explained", "", Counter({"promotion": 3}))
    ('promotion', True, 'recurring: 3 earlier promotion cases')
    """
    code = _ENGINE_REASONS.get(engine_reason)
    why = f"cash application: {engine_reason}" if code else ""
    if code is None:
        lowered = text.lower()
        for candidate, pattern in _TEXT_REASONS:
            if re.search(pattern, lowered):
                code, why = candidate, f"remittance text says {candidate}"
                break
    if code is None:
        recurring = [(n, c) for c, n in history.items() if n >= RECURRING_AFTER]
        if recurring:
            n, code = max(recurring)
            return code, True, f"recurring: {n} earlier {code} cases"
        return "other", False, "no reason found"
    return code, history.get(code, 0) >= RECURRING_AFTER, why


def open_deduction_cases(
    entity: Entity, decisions_or_allocation_ids: Iterable[Any], *, actor: str = "cash_application",
    on: date | None = None,
) -> list[Case]:  # fmt: skip
    """One deduction case per deduction allocation (idempotent: an allocation with a case is skipped).

    Takes allocation ids, or cash application's decisions (engine decisions
    or :class:`~encaisse.cashapp.models.MatchDecision` rows): their deduction
    allocations are found by receipt. Set-based: a few queries whatever the count.
    """
    from encaisse.cashapp.models import DecisionRow, MatchDecision  # cashapp calls in here

    allocation_ids: set[int] = set()
    tx_ids: set[int] = set()
    receipt_ids: set[int] = set()
    for x in decisions_or_allocation_ids:
        if isinstance(x, int):
            allocation_ids.add(x)
        elif isinstance(x, MatchDecision):
            if x.receipt_id:
                receipt_ids.add(x.receipt_id)
        elif getattr(x, "transaction_id", None) is not None:
            tx_ids.add(int(x.transaction_id))
    if tx_ids:
        receipt_ids |= set(
            MatchDecision.objects.filter(transaction_id__in=tx_ids, is_current=True, receipt__isnull=False)
            .values_list("receipt_id", flat=True)
        )  # fmt: skip
    deductions = Allocation.objects.filter(
        entity=entity, kind=AllocationKind.DEDUCTION, reverses__isnull=True, reversed_by__isnull=True,
        case__isnull=True, amount_minor__gt=0,
    ).filter(Q(pk__in=allocation_ids) | Q(receipt_id__in=receipt_ids)).select_related("invoice", "receipt")  # fmt: skip
    found = list(deductions.order_by("id"))
    if not found:
        return []
    rows = DecisionRow.objects.filter(
        decision__receipt_id__in={a.receipt_id for a in found if a.receipt_id}, decision__is_current=True,
        kind=AllocationKind.DEDUCTION,
    ).select_related("decision__transaction")  # fmt: skip
    engine: dict[tuple[int | None, int | None], tuple[str, str]] = {}
    for r in rows:
        engine[(r.decision.receipt_id, r.invoice_id)] = (r.reason, r.decision.transaction.remittance)
    history: dict[int, Counter[str]] = defaultdict(Counter)
    for cust, code in Case.objects.filter(
        entity=entity, customer_id__in={a.invoice.customer_id for a in found if a.invoice}
    ).values_list("customer_id", "reason__code"):
        history[cust][code] += 1
    day = on or today()
    tolerance = _charge_tolerances(entity)
    opened = []
    with transaction.atomic():
        ensure_reason_codes(entity)
        for a in found:
            if a.invoice is None:
                continue
            inv = a.invoice
            engine_reason, text = engine.get((a.receipt_id, a.invoice_id), ("", a.note))
            code, recurring, why = propose_reason(engine_reason, text, history[inv.customer_id])
            why += _terms_note(tolerance, inv, a, engine_reason)
            case = _open(
                entity, type=CaseType.DEDUCTION, items=[ItemRequest(inv, a.amount_minor)], reason=code, actor=actor,
                owner=None, summary=f"Deduction of {Money.from_minor(a.amount_minor, a.currency)} on {inv.number} "
                f"({why})", source=CaseSource.CASH_APPLICATION, on=day, deduction=a, recurring=recurring,
            )  # fmt: skip
            history[inv.customer_id][code] += 1
            opened.append(case)
    return opened


def _charge_tolerances(entity: Entity) -> Callable[[str], int]:
    """The bank-charge tolerance of ``entity``'s cash application settings, in minor units of a currency.

    The same figure the matching engine applies (25 EUR's worth by default, scaled for another currency).
    """
    from encaisse.cashapp.services import match_settings  # cashapp calls in here
    from encaisse.core.matching.index import to_minor
    from encaisse.core.matching.records import charge_tolerance

    settings = match_settings(entity)
    return lambda currency: to_minor(charge_tolerance(settings, currency), currency)


def _terms_note(
    tolerance: Callable[[str], int], inv: Invoice, a: Allocation, engine_reason: str
) -> str:  # fmt: skip
    late = inv.discount_days is not None and a.effective_date > inv.issue_date + timedelta(
        days=inv.discount_days
    )
    if engine_reason == "discount" and late:
        return "; discount taken outside its terms"
    if engine_reason == "bank_charges" and a.amount_minor > tolerance(a.currency):
        return "; bank charges over the tolerance"
    return ""


@dataclass(frozen=True, slots=True)
class _DeductionRow:
    """A deduction allocation and what a case needs of its invoice, as one plain row (no models)."""

    pk: int
    receipt_id: int | None
    invoice_id: int
    amount_minor: int
    currency: str
    effective_date: date
    note: str
    invoice_entity_id: int
    customer_id: int
    customer_external_id: str | None
    number: str
    kind: str
    invoice_currency: str
    issue_date: date
    discount_days: int | None


_DEDUCTION_COLUMNS = (
    "id", "receipt_id", "invoice_id", "amount_minor", "currency", "effective_date", "note", "invoice__entity_id",
    "invoice__customer_id", "invoice__customer__external_id", "invoice__number", "invoice__kind",
    "invoice__currency", "invoice__issue_date", "invoice__discount_days",
)  # fmt: skip


def open_deduction_cases_bulk(
    entity: Entity, receipt_ids: Iterable[int], *,
    evidence: dict[tuple[int, int], tuple[str, str]] | None = None, actor: str = "cash_application",
    on: date | None = None,
) -> list[Case]:  # fmt: skip
    """:func:`open_deduction_cases` for the deductions of many receipts at once, in a fixed number of statements.

    The same cases, items, history lines, audit events and ``case.opened``
    webhooks, in allocation order, with the same reasons and the same refusals
    (every problem listed, nothing opened); idempotent too. ``evidence`` is
    what cash application already holds, per ``(receipt id, invoice id)``: the
    engine's reason and the remittance text; without it they are read from the
    current decisions' rows.
    """
    from encaisse.cashapp.models import DecisionRow  # cashapp calls in here

    receipts = sorted(set(receipt_ids))
    found: list[_DeductionRow] = []
    for i in range(0, len(receipts), 20000):
        found += [
            _DeductionRow(*row)
            for row in Allocation.objects.filter(
                entity=entity, kind=AllocationKind.DEDUCTION, reverses__isnull=True, reversed_by__isnull=True,
                case__isnull=True, amount_minor__gt=0, invoice__isnull=False, receipt_id__in=receipts[i : i + 20000],
            ).values_list(*_DEDUCTION_COLUMNS)
        ]  # fmt: skip
    if not found:
        return []
    found.sort(key=lambda row: row.pk)
    if evidence is None:
        evidence = {}
        with_deductions = sorted({row.receipt_id for row in found if row.receipt_id})
        for i in range(0, len(with_deductions), 20000):
            for receipt, inv, reason, text in DecisionRow.objects.filter(
                decision__receipt_id__in=with_deductions[i : i + 20000], decision__is_current=True,
                kind=AllocationKind.DEDUCTION,
            ).values_list("decision__receipt_id", "invoice_id", "reason", "decision__transaction__remittance"):  # fmt: skip
                evidence[(receipt, inv)] = (reason, text)
    history: dict[int, Counter[str]] = defaultdict(Counter)
    customers = sorted({row.customer_id for row in found})
    for i in range(0, len(customers), 20000):
        for cust, code in Case.objects.filter(
            entity=entity, customer_id__in=customers[i : i + 20000]
        ).values_list("customer_id", "reason__code"):
            history[cust][code] += 1
    day = on or today()
    tolerance = _charge_tolerances(entity)
    with transaction.atomic():
        codes = {r.code: r for r in ensure_reason_codes(entity)}
        days = case_settings(entity).deduction_sla_days
        problems: list[str] = []
        opened: list[Case] = []
        summaries: list[str] = []
        for row in found:
            engine_reason, text = evidence.get((row.receipt_id or 0, row.invoice_id), ("", row.note))
            code, recurring, why = propose_reason(engine_reason, text, history[row.customer_id])
            why += _terms_note(tolerance, row, row, engine_reason)  # type: ignore[arg-type]  # the row has what it reads
            if row.invoice_entity_id != entity.pk:
                problems.append(f"invoice {row.number} is not of entity {entity.code}")
            elif row.kind != DocumentKind.INVOICE:
                problems.append(f"{row.number} is a credit note: a case concerns invoices")
            if code not in codes:
                problems.append(f"unknown reason {code!r} (known: {', '.join(codes)})")
                continue
            summary = (
                f"Deduction of {Money.from_minor(row.amount_minor, row.currency)} on {row.number} ({why})"
            )
            opened.append(Case(
                entity=entity, customer_id=row.customer_id, type=CaseType.DEDUCTION, source=CaseSource.CASH_APPLICATION,
                reason=codes[code], owner=None, currency=row.invoice_currency, amount_minor=row.amount_minor,
                opened_on=day, due_date=day + timedelta(days=days), opened_by=actor, summary=summary[:500],
                deduction_id=row.pk, recurring=recurring,
            ))  # fmt: skip
            summaries.append(summary)
            history[row.customer_id][code] += 1
        if problems:
            raise CaseError(problems)
        Case.objects.bulk_create(opened)
        if opened[0].pk is None:  # backends without RETURNING ids
            deductions = [row.pk for row in found]
            pk_of = dict(Case.objects.filter(deduction_id__in=deductions).values_list("deduction_id", "id"))
            for case, row in zip(opened, found, strict=True):
                case.pk = pk_of[row.pk]
        CaseItem.objects.bulk_create(
            [CaseItem(case_id=case.pk, invoice_id=row.invoice_id, amount_minor=row.amount_minor,
                      currency=row.invoice_currency, lines=[]) for case, row in zip(opened, found, strict=True)]
        )  # fmt: skip
        datas = [
            {"type": CaseType.DEDUCTION.value, "source": CaseSource.CASH_APPLICATION.value, "reason": case.reason.code,
             "amount_minor": case.amount_minor, "currency": case.currency, "invoices": [row.number],
             "deduction_allocation": row.pk}
            for case, row in zip(opened, found, strict=True)
        ]  # fmt: skip
        CaseEvent.objects.bulk_create(
            [CaseEvent(case_id=case.pk, actor=actor, kind="opened", from_status="", to_status=case.status, text=summary,
                       data=data) for case, summary, data in zip(opened, summaries, datas, strict=True)]
        )  # fmt: skip
        audit.record_many(
            audit.Pending("case.opened", actor=actor, entity_id=entity.pk, object_type="case", object_id=case.pk,
                          data={"from": "", "to": case.status, "text": summary[:200], **data})
            for case, summary, data in zip(opened, summaries, datas, strict=True)
        )  # fmt: skip
        webhooks.emit_many(entity, "case.opened", (
            {"case": {
                "id": case.pk, "reference": case.reference, "type": case.type, "status": case.status,
                "source": case.source, "reason": case.reason.code,
                "customer": {"id": row.customer_id, "external_id": row.customer_external_id},
                "currency": case.currency, "amount": str(Money.from_minor(case.amount_minor, case.currency).amount),
                "opened_on": day.isoformat(), "due_date": case.due_date.isoformat(),
                "invoices": [{"id": row.invoice_id, "number": row.number,
                              "amount": str(Money.from_minor(row.amount_minor, case.currency).amount)}],
            }}
            for case, row in zip(opened, found, strict=True)
        ))  # fmt: skip
    return opened


# --- working a case ------------------------------------------------------------------------


def transition(
    case: Case, to_status: str, *, actor: str = "system", user: Any = None, note: str = ""
) -> Case:
    """Move a case to another working status (see ``TRANSITIONS``); raises :class:`CaseError`."""
    actor = _actor(user, actor)
    with transaction.atomic():
        case = _locked(case)
        allowed = TRANSITIONS.get(case.status, frozenset())
        if to_status not in allowed:
            raise CaseError([f"{case.reference}: no move from {case.status} to {to_status} "
                             f"(allowed: {', '.join(sorted(allowed)) or 'none'})"])  # fmt: skip
        frm, case.status = case.status, to_status
        case.save(update_fields=["status"])
        _event(case, "moved", actor, frm=frm, to=to_status, text=note)
    return case


def assign(case: Case, owner: Any, *, actor: str = "system", user: Any = None) -> Case:
    actor = _actor(user, actor)
    with transaction.atomic():
        case = _locked(case)
        case.owner = owner
        case.save(update_fields=["owner"])
        _event(
            case,
            "assigned",
            actor,
            text=owner.get_username() if owner else "",
            data={"owner": owner.pk if owner else None},
        )
    return case


def add_comment(
    case: Case, text: str, *, actor: str = "system", user: Any = None, visibility: str = ""
) -> CaseEvent:
    """A comment: the back office's internal note, or the customer's message (a ``portal:`` actor).

    ``visibility`` "customer" from the back office is a reply to the customer
    (:func:`reply_to_customer`: shown in the portal, e-mailed to the customer).
    """
    actor = _actor(user, actor)
    chosen = _visibility(actor, visibility)
    if chosen == Visibility.CUSTOMER and not is_customer_actor(actor):
        return reply_to_customer(case, text, actor=actor, user=user)
    if not text.strip():
        raise CaseError(["a comment needs some text"])
    with transaction.atomic():
        case = _locked(case)
        event = _event(case, "comment", actor, text=text.strip(), visibility=chosen)
        _customer_answered(case, actor)
        return event


def attach(case: Case, upload: Upload, *, actor: str = "system", user: Any = None,
           store: ArchiveStore | None = None, visibility: str = "") -> CaseAttachment:  # fmt: skip
    """Archive a file (content-addressed, write-once) and attach it to the case.

    The back office's files are internal unless ``visibility`` is "customer";
    the customer's own are always the customer's to download.
    """
    actor = _actor(user, actor)
    chosen = _visibility(actor, visibility)
    with transaction.atomic():
        case = _locked(case)
        row = _attach(case, upload, actor, store, visibility=chosen)
        _customer_answered(case, actor)
        return row


def _attach(case: Case, up: Upload, actor: str, store: ArchiveStore | None, *,
            visibility: str = "") -> CaseAttachment:  # fmt: skip
    if not up.data:
        raise CaseError([f"{up.filename}: the file is empty"])
    if len(up.data) > MAX_ATTACHMENT_BYTES:
        raise CaseError([f"{up.filename}: larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"])
    name = re.sub(r"[^\w.\- ]", "_", up.filename.replace("\\", "/").rsplit("/", 1)[-1])[:255] or "file"
    visibility = _visibility(actor, visibility)
    sha = (store or ArchiveStore()).put(up.data)
    row = CaseAttachment.objects.create(case=case, filename=name, content_type=up.content_type[:100],
                                        size=len(up.data), sha256=sha, uploaded_by=actor,
                                        visibility=visibility)  # fmt: skip
    _event(case, "attached", actor, text=name, data={"sha256": sha, "size": len(up.data), "attachment": row.pk},
           visibility=visibility)  # fmt: skip
    return row


def _customer_answered(case: Case, actor: str) -> None:
    """A case waiting for the customer is looked into again once the customer writes or sends a file."""
    if is_customer_actor(actor) and case.status == CaseStatus.WAITING_CUSTOMER:
        case.status = CaseStatus.INVESTIGATING
        case.save(update_fields=["status"])
        _event(case, "moved", actor, frm=CaseStatus.WAITING_CUSTOMER, to=case.status)


def reply_to_customer(
    case: Case, text: str, *, actor: str = "system", user: Any = None, attachments: Sequence[Upload] = (),
    to_status: str = "", store: ArchiveStore | None = None,
) -> CaseEvent:  # fmt: skip
    """Write to the customer: a ``reply`` line the portal shows, with files the customer may download.

    Optionally moves the case (``to_status``, one of the moves in
    ``TRANSITIONS``, typically ``waiting_customer``). Once the transaction has
    committed, the customer's portal users and billing contacts get an e-mail
    (:mod:`encaisse.cases.notifications`); a reply that rolls back sends nothing.
    The portal names the company as the sender, and the person too when the
    entity's :class:`~encaisse.cases.models.CaseSettings` says so.
    """
    actor = _actor(user, actor)
    if is_customer_actor(actor):
        raise CaseError(["the customer adds a message, it does not reply to itself"])
    if not text.strip():
        raise CaseError(["a reply needs some text"])
    with transaction.atomic():
        case = _locked(case)
        if to_status:
            allowed = TRANSITIONS.get(case.status, frozenset())
            if to_status not in allowed:
                raise CaseError([f"{case.reference}: no move from {case.status} to {to_status} "
                                 f"(allowed: {', '.join(sorted(allowed)) or 'none'})"])  # fmt: skip
        files = [_attach(case, up, actor, store, visibility=Visibility.CUSTOMER) for up in attachments]
        author = (user.get_full_name() or user.get_username()) if user is not None else ""
        event = _event(case, "reply", actor, text=text.strip(), visibility=Visibility.CUSTOMER,
                       data={"attachments": [f.pk for f in files], "author": author})  # fmt: skip
        if to_status:
            frm, case.status = case.status, to_status
            case.save(update_fields=["status"])
            _event(case, "moved", actor, frm=frm, to=to_status)
        from encaisse.cases import notifications  # it reads the portal's users: imported when needed

        transaction.on_commit(partial(notifications.notify_reply, event.pk), robust=True)
    return event


def customer_file(attachment: CaseAttachment, *, actor: str) -> bytes:
    """The content of a file the customer may download (the portal checked whose case it is); audited."""
    if attachment.visibility != Visibility.CUSTOMER:
        raise CaseError([f"{attachment.filename} is internal"])
    data = ArchiveStore().get(attachment.sha256)
    audit.record("case.file_downloaded", actor=actor, entity=attachment.case.entity, object_type="case",
                 object_id=attachment.case_id, data={"attachment": attachment.pk, "filename": attachment.filename,
                                                     "sha256": attachment.sha256})  # fmt: skip
    return data


# --- resolution ----------------------------------------------------------------------------


def resolve(
    case: Case, outcome: str, *, actor: str = "system", user: Any = None, amount_minor: int | None = None,
    note: str = "", on: date | None = None, store: ArchiveStore | None = None,
) -> Case:  # fmt: skip
    """Resolve with an outcome and post its accounting (see the module); ``amount_minor`` None: the whole case.

    A write-off above the entity's limit is not posted: the case waits in
    ``pending_approval`` for :func:`approve_write_off` by another person.
    """
    actor = _actor(user, actor)
    day = on or today()
    with transaction.atomic():
        case = _locked(case)
        if case.status not in RESOLVABLE:
            raise CaseError([f"{case.reference} is {case.status}: it cannot be resolved now"])
        if outcome not in Outcome.values:
            raise CaseError([f"unknown outcome {outcome!r} ({', '.join(Outcome.values)})"])
        amount = case.amount_minor if amount_minor is None else amount_minor
        if outcome == Outcome.REJECTED:
            amount = 0
        elif not 0 < amount <= case.amount_minor:
            raise CaseError([f"{case.reference}: the amount must be above zero and at most "
                             f"{Money.from_minor(case.amount_minor, case.currency)}"])  # fmt: skip
        limit = case_settings(case.entity).write_off_limit_minor
        if outcome == Outcome.WRITE_OFF and amount > limit:
            frm = case.status
            case.status = CaseStatus.PENDING_APPROVAL
            case.pending = {
                "outcome": outcome,
                "amount_minor": amount,
                "note": note[:500],
                "on": day.isoformat(),
            }
            case.requested_by = user
            case.save(update_fields=["status", "pending", "requested_by"])
            _event(case, "approval_requested", actor, frm=frm, to=case.status, text=note,
                   data={"amount_minor": amount, "limit_minor": limit})  # fmt: skip
            return case
        _settle(case, outcome, amount, note=note, day=day, actor=actor, user_id=getattr(user, "pk", None),
                store=store)  # fmt: skip
    return case


def approve_write_off(case: Case, *, user: Any, on: date | None = None, actor: str = "") -> Case:
    """A second person approves a write-off above the limit; it is posted and the case resolved."""
    actor = _actor(user, actor)
    with transaction.atomic():
        case = _locked(case)
        if case.status != CaseStatus.PENDING_APPROVAL:
            raise CaseError([f"{case.reference} has no write-off waiting for approval"])
        if case.requested_by_id is None or user is None or user.pk == case.requested_by_id:
            raise CaseError(
                [f"{case.reference}: the write-off is approved by another person than who asked for it"]
            )
        pending = case.pending
        _event(
            case,
            "approved",
            actor,
            frm=case.status,
            to=case.status,
            data={"amount_minor": pending["amount_minor"]},
        )
        case.approved_by = user
        _settle(case, Outcome.WRITE_OFF, int(pending["amount_minor"]), note=pending.get("note", ""),
                day=on or today(), actor=actor, user_id=user.pk, store=None)  # fmt: skip
    return case


def decline_write_off(case: Case, *, user: Any, note: str = "", actor: str = "") -> Case:
    """The write-off is refused: the case goes back to investigating, nothing is posted."""
    actor = _actor(user, actor)
    with transaction.atomic():
        case = _locked(case)
        if case.status != CaseStatus.PENDING_APPROVAL:
            raise CaseError([f"{case.reference} has no write-off waiting for approval"])
        case.status, case.pending, case.requested_by = CaseStatus.INVESTIGATING, {}, None
        case.save(update_fields=["status", "pending", "requested_by"])
        _event(case, "declined", actor, frm=CaseStatus.PENDING_APPROVAL, to=case.status, text=note)
    return case


def _settle(case: Case, outcome: str, amount: int, *, note: str, day: date, actor: str, user_id: int | None,
            store: ArchiveStore | None) -> None:  # fmt: skip
    entity = case.entity
    try:
        deduction = case.deduction_id
        if deduction is not None and not Allocation.objects.filter(reverses_id=deduction).exists():
            reverse_allocations(entity, [deduction], on=day, user_id=user_id)
        documents: list[str] = []
        parts = _split(case, amount)
        if outcome == Outcome.WRITE_OFF:
            post_allocations(entity, [
                AllocationRequest(kind=AllocationKind.WRITE_OFF, amount_minor=part, currency=item.currency,
                                  effective_date=day, invoice_id=item.invoice_id, note=f"write-off, {case.reference}")
                for item, part in parts
            ], user_id=user_id)  # fmt: skip
            for item, _ in parts:
                Invoice.objects.filter(pk=item.invoice_id, open_minor=0).update(written_off=True)
        elif outcome in (Outcome.CREDIT_NOTE, Outcome.REBILL):
            for item, part in parts:
                documents.append(_credit(case, item.invoice, part, day=day, actor=actor, store=store))
                if outcome == Outcome.REBILL:
                    documents.append(_rebill(case, item.invoice, part, day=day, actor=actor, store=store))
    except AllocationRefused as exc:
        raise CaseError([f"{case.reference}: refused by the ledger: {p}" for p in exc.problems]) from None
    frm = case.status
    case.status, case.outcome, case.resolved_amount_minor = CaseStatus.RESOLVED, outcome, amount
    case.resolved_at, case.resolved_on, case.resolution_note = timezone.now(), day, note[:500]
    case.documents, case.pending = documents, {}
    case.save()
    _event(case, "resolved", actor, frm=frm, to=case.status, text=note,
           data={"outcome": outcome, "amount_minor": amount, "documents": documents})  # fmt: skip
    webhooks.case_resolved(case)


def _split(case: Case, amount: int) -> list[tuple[CaseItem, int]]:
    """The amount over the case's items, in order, each up to its own amount."""
    parts = []
    left = amount
    for item in case.items.select_related("invoice").order_by("id"):
        take = min(left, item.amount_minor)
        if take > 0:
            parts.append((item, take))
        left -= take
    return parts


def _net_for_gross(gross: int, rate: Decimal, currency: str) -> int:
    """The net (minor units) whose net + VAT at ``rate`` (rounded half up) is ``gross``, or the nearest."""
    estimate = int((Decimal(gross) * 100 / (100 + rate)).to_integral_value(ROUND_HALF_UP))
    for net in (estimate, estimate - 1, estimate + 1, estimate - 2, estimate + 2):
        vat = int((Decimal(net) * rate / 100).to_integral_value(ROUND_HALF_UP))
        if net + vat == gross:
            return net
    return estimate


def _main_rate(invoice: Invoice) -> tuple[Decimal, str]:
    billing = getattr(invoice, "billing_document", None)
    lines = list(billing.lines.all()) if billing is not None else list(invoice.lines.all())
    if lines:
        biggest = max(lines, key=lambda ln: abs(getattr(ln, "net_minor", 0) or ln.quantity * ln.unit_price))
        return Decimal(biggest.vat_rate), biggest.vat_category
    if invoice.net_minor:
        return (Decimal(invoice.vat_minor) * 100 / invoice.net_minor).quantize(Decimal("0.01")), "S"
    return Decimal(0), "S"


def _credit(case: Case, invoice: Invoice, amount: int, *, day: date, actor: str,
            store: ArchiveStore | None) -> str:  # fmt: skip
    """A credit note for ``amount`` of ``invoice``, applied to it; its number."""
    billing = getattr(invoice, "billing_document", None)
    if billing is not None:
        from encaisse.billing.requests import InvalidRequest, LineRequest
        from encaisse.billing.services import IssueRefused, credit_invoice

        lines = None
        if amount != invoice.total_minor:
            rate, category = _main_rate(invoice)
            net = _net_for_gross(amount, rate, invoice.currency)
            lines = [LineRequest(description=f"Credit for {case.reference} ({case.reason.label})", quantity=Decimal(1),
                                 unit_price=Money.from_minor(net, invoice.currency).amount, vat_rate=rate,
                                 vat_category=category)]  # fmt: skip
        try:
            doc = credit_invoice(invoice, actor=actor, lines=lines, on=max(day, invoice.issue_date), store=store,
                                 note=f"Credit note for invoice {invoice.number} ({case.reference})")  # fmt: skip
        except (InvalidRequest, IssueRefused) as exc:
            raise CaseError([f"{case.reference}: the credit note was refused by billing: {exc}"]) from None
        return doc.number
    return _ledger_credit_note(case, invoice, amount, day=day)


def _ledger_credit_note(case: Case, invoice: Invoice, amount: int, *, day: date) -> str:
    """A ledger-level credit note (for an invoice billing did not issue), with its journal entry, applied."""
    entity = case.entity
    n = Invoice.objects.filter(entity=entity, number__startswith=f"{case.reference}-CN").count() + 1
    number = f"{case.reference}-CN{n}"
    vat = (
        int((Decimal(amount) * invoice.vat_minor / invoice.total_minor).to_integral_value(ROUND_HALF_UP))
        if invoice.total_minor
        else 0
    )
    net_m, vat_m = Money.from_minor(amount - vat, invoice.currency), Money.from_minor(vat, invoice.currency)
    rate = invoice.rate_to_functional
    functional = entity.functional_currency
    total_f = (to_functional(net_m, rate, functional) + to_functional(vat_m, rate, functional)).minor_units()
    on = max(day, invoice.issue_date)
    note = Invoice.objects.create(
        entity=entity, customer_id=invoice.customer_id, kind=DocumentKind.CREDIT_NOTE, number=number,
        series="CASE", issue_date=on, due_date=on, currency=invoice.currency, net_minor=amount - vat, vat_minor=vat,
        total_minor=amount, open_minor=amount, rate_to_functional=rate, total_functional_minor=total_f,
        credited_invoice=invoice, source=f"case:{case.pk}",
    )  # fmt: skip
    entry = invoice_entry(on=on, functional=functional, net=net_m, vat=vat_m, rate=rate,
                          customer_id=invoice.customer_id, description=f"Credit note {number}", credit_note=True)  # fmt: skip
    post_entries([(entity, entry, "invoice", note.pk)])
    post_allocations(entity, [
        AllocationRequest(kind=AllocationKind.CREDIT_NOTE, amount_minor=amount, currency=invoice.currency,
                          effective_date=on, invoice_id=invoice.pk, credit_note_id=note.pk,
                          note=f"credit note {number}"),
        AllocationRequest(kind=AllocationKind.CREDIT_NOTE, amount_minor=amount, currency=invoice.currency,
                          effective_date=on, invoice_id=note.pk, credit_note_id=note.pk,
                          note=f"applied to {invoice.number}"),
    ])  # fmt: skip
    audit.record("invoice.credited", actor="system", entity=entity, object_type="invoice", object_id=note.pk,
                 data={"number": number, "credits": invoice.number, "total_minor": amount, "case": case.pk})  # fmt: skip
    return number


def _rebill(case: Case, invoice: Invoice, amount: int, *, day: date, actor: str,
            store: ArchiveStore | None) -> str:  # fmt: skip
    """A new invoice for ``amount`` through billing (the entity must be set up to invoice); its number."""
    from encaisse.billing.models import BillingProfile
    from encaisse.billing.requests import InvalidRequest
    from encaisse.billing.services import IssueRefused, create_invoice

    if not BillingProfile.objects.filter(entity=case.entity).exists():
        raise CaseError(
            [f"{case.reference}: entity {case.entity.code} is not set up for billing: cannot rebill"]
        )
    rate, category = _main_rate(invoice)
    net = _net_for_gross(amount, rate, invoice.currency)
    data = {
        "entity": case.entity.code, "customer": case.customer.external_id, "currency": invoice.currency,
        "issue_date": max(day, invoice.issue_date).isoformat(), "key": f"case-{case.pk}-rebill-{invoice.pk}",
        "note": f"Rebill of {invoice.number} ({case.reference})",
        "lines": [{"description": f"Rebill of invoice {invoice.number} ({case.reference})", "quantity": "1",
                   "unit_price": str(Money.from_minor(net, invoice.currency).amount), "vat_rate": str(rate),
                   "vat_category": category}],
    }  # fmt: skip
    try:
        doc = create_invoice(data, actor=actor, store=store)
    except (InvalidRequest, IssueRefused) as exc:
        raise CaseError([f"{case.reference}: the rebill was refused by billing: {exc}"]) from None
    return doc.number


# --- for collections and the board ------------------------------------------------------------


def disputed_invoice_ids(entity_ids: Iterable[int]) -> set[int]:
    """Invoices concerned by a case that is not resolved: collections does not dun them."""
    return set(
        CaseItem.objects.filter(case__entity_id__in=list(entity_ids))
        .exclude(case__status=CaseStatus.RESOLVED)
        .values_list("invoice_id", flat=True)
    )


@dataclass(frozen=True, slots=True)
class BoardFilter:
    owner_id: int | None = None
    unassigned: bool = False
    reason: str = ""
    type: str = ""
    min_age_days: int | None = None
    max_age_days: int | None = None
    status: str = ""


def cases(entity_ids: Iterable[int], flt: BoardFilter | None = None, *, as_of: date | None = None) -> Any:
    """The cases of the entities, filtered, with what the board and the listing show."""
    flt = flt or BoardFilter()
    as_of = as_of or today()
    qs = Case.objects.filter(entity_id__in=list(entity_ids)).select_related(
        "customer", "reason", "owner", "entity"
    )
    if flt.owner_id is not None:
        qs = qs.filter(owner_id=flt.owner_id)
    if flt.unassigned:
        qs = qs.filter(owner__isnull=True)
    if flt.reason:
        qs = qs.filter(reason__code=flt.reason)
    if flt.type:
        qs = qs.filter(type=flt.type)
    if flt.status:
        qs = qs.filter(status=flt.status)
    if flt.min_age_days is not None:
        qs = qs.filter(opened_on__lte=as_of - timedelta(days=flt.min_age_days))
    if flt.max_age_days is not None:
        qs = qs.filter(opened_on__gte=as_of - timedelta(days=flt.max_age_days))
    return qs.order_by("due_date", "id")


def case_rows(
    entity_ids: Iterable[int], flt: BoardFilter | None = None, *, as_of: date | None = None
) -> list[dict[str, Any]]:
    as_of = as_of or today()
    found = list(cases(entity_ids, flt, as_of=as_of).prefetch_related("items__invoice"))
    return [
        {
            "case": c.reference, "entity": c.entity.code, "type": c.type, "status": c.status,
            "customer": c.customer.external_id, "reason": c.reason.code,
            "invoices": " ".join(i.invoice.number for i in c.items.all()),
            "amount": Money.from_minor(c.amount_minor, c.currency).amount, "currency": c.currency,
            "owner": c.owner.get_username() if c.owner else "", "opened_on": c.opened_on, "due_date": c.due_date,
            "age_days": (as_of - c.opened_on).days, "overdue": c.is_open and c.due_date < as_of,
            "outcome": c.outcome, "recurring": c.recurring,
        }
        for c in found
    ]  # fmt: skip


def kpis(entity_ids: Iterable[int], *, top: int = 5) -> dict[str, Any]:
    """Open cases, amount in dispute (per currency), average resolution time (days), top reasons by amount."""
    ids = list(entity_ids)
    base = Case.objects.filter(entity_id__in=ids)
    open_qs = base.exclude(status=CaseStatus.RESOLVED)
    in_dispute = {
        row["currency"]: str(Money.from_minor(row["s"] or 0, row["currency"]).amount)
        for row in open_qs.values("currency").annotate(s=Sum("amount_minor")).order_by("currency")
    }
    durations = [
        (resolved - opened).total_seconds()
        for opened, resolved in base.filter(
            status=CaseStatus.RESOLVED, resolved_at__isnull=False
        ).values_list("opened_at", "resolved_at")
    ]
    average = (
        (Decimal(sum(durations)) / len(durations) / 86400).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if durations
        else None
    )
    reasons = [
        {"reason": row["reason__code"], "label": row["reason__label"], "currency": row["currency"],
         "amount": str(Money.from_minor(row["s"] or 0, row["currency"]).amount), "cases": row["n"]}
        for row in base.values("reason__code", "reason__label", "currency")
        .annotate(s=Sum("amount_minor"), n=Count("id"))
        .order_by("-s", "reason__code")[:top]
    ]  # fmt: skip
    return {
        "open_cases": open_qs.count(),
        "amount_in_dispute": in_dispute,
        "average_resolution_days": str(average) if average is not None else None,
        "resolved_cases": len(durations),
        "overdue_cases": open_qs.filter(due_date__lt=today()).count(),
        "top_reasons": reasons,
    }
