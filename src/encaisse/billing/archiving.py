"""The legal archive of issued and imported invoices: store, find, verify, hold, dispose.

Files live content-addressed in the :class:`~encaisse.ledger.archive.ArchiveStore`
(write-once: a file is never replaced); an :class:`~encaisse.billing.models.ArchivedDocument`
row says what each file is, whose, and until when it must be kept.

Retention: invoices are kept for the entity's ``retention_years`` (10 by
default) counted from the end of the calendar year of issue, the way most EU
rules count it (an invoice of 2 March 2026 kept 10 years is kept until
31 December 2036). Before that date, or while a legal hold is set, deleting or
replacing a record is refused and the refusal is written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Model, Q, QuerySet

from encaisse.billing.models import ArchivedDocument, ArchiveLocked, BillingProfile
from encaisse.clock import today
from encaisse.ledger import audit
from encaisse.ledger.archive import ArchiveStore
from encaisse.ledger.models import Customer, Entity, Invoice

DEFAULT_RETENTION_YEARS = 10


def retention_until(issued: date, years: int) -> date:
    """The last day a document issued on ``issued`` must be kept.

    >>> retention_until(date(2026, 3, 2), 10)
    datetime.date(2036, 12, 31)
    """
    return date(issued.year + years, 12, 31)


def retention_years(entity: Entity) -> int:
    years = BillingProfile.objects.filter(entity=entity).values_list("retention_years", flat=True).first()
    return years if years is not None else DEFAULT_RETENTION_YEARS


def archive_file(
    data: bytes,
    *,
    kind: str,
    filename: str,
    content_type: str,
    entity: Entity,
    customer: Customer | None = None,
    invoice: Invoice | None = None,
    number: str = "",
    issue_date: date | None = None,
    amount_minor: int | None = None,
    currency: str = "",
    sealed: bool = False,
    years: int | None = None,
    store: ArchiveStore | None = None,
) -> ArchivedDocument:
    """Store ``data`` once and record it (idempotent by entity, kind and hash), in the caller's transaction."""
    sha = (store or ArchiveStore()).put(data)
    existing = ArchivedDocument.objects.filter(entity=entity, kind=kind, sha256=sha).first()
    if existing is not None:
        return existing
    keep = years if years is not None else retention_years(entity)
    return ArchivedDocument.objects.create(
        sha256=sha, kind=kind, filename=filename[:200], content_type=content_type, size=len(data), entity=entity,
        customer=customer, invoice=invoice, number=number, issue_date=issue_date, amount_minor=amount_minor,
        currency=currency, sealed=sealed, retention_until=retention_until(issue_date or today(), keep),
    )  # fmt: skip


def _audit_refusal(doc: ArchivedDocument, verb: str, reason: str, actor: str) -> None:
    audit.record(
        f"archive.{verb}_refused", actor=actor, entity=doc.entity, object_type="archived_document",
        object_id=doc.pk, data={"sha256": doc.sha256, "kind": doc.kind, "number": doc.number, "reason": reason},
    )  # fmt: skip


def refuse(doc: ArchivedDocument, verb: str, reason: str, actor: str = "system") -> None:
    """Audit-log a refused deletion or replacement, then raise :class:`ArchiveLocked`.

    Outside a transaction the audit event is committed before the exception;
    inside one, it shares the caller's fate.
    """
    _audit_refusal(doc, verb, reason, actor)
    raise ArchiveLocked(f"{doc}: {reason}")


def check_disposable(doc: ArchivedDocument, *, on: date | None = None, actor: str = "system") -> None:
    """Refuse (audit-logged) unless the retention period is over and no legal hold is set."""
    stored = ArchivedDocument.objects.filter(pk=doc.pk).values("legal_hold", "retention_until").first()
    if stored is None:
        return
    day = on or today()
    if stored["legal_hold"]:
        refuse(doc, "delete", "under legal hold: clear the hold first", actor)
    if day <= stored["retention_until"]:
        refuse(doc, "delete", f"kept until {stored['retention_until'].isoformat()} (retention period)", actor)


def dispose(
    doc: ArchivedDocument, *, actor: str, on: date | None = None, store: ArchiveStore | None = None
) -> None:
    """Delete a record whose retention is over (and its file when no other record shares it)."""
    check_disposable(doc, on=on, actor=actor)
    with transaction.atomic():
        sha = doc.sha256
        audit.record(
            "archive.disposed", actor=actor, entity=doc.entity, object_type="archived_document", object_id=doc.pk,
            data={"sha256": sha, "kind": doc.kind, "number": doc.number, "retention_until": doc.retention_until},
        )  # fmt: skip
        Model.delete(doc)  # the checks above are ArchivedDocument.delete()'s
        if not ArchivedDocument.objects.filter(sha256=sha).exists():
            transaction.on_commit(lambda: (store or ArchiveStore()).remove(sha))


def _set_hold(doc: ArchivedDocument, hold: bool, reason: str, actor: str) -> ArchivedDocument:
    with transaction.atomic():
        locked = ArchivedDocument.objects.select_for_update().get(pk=doc.pk)
        before = {"legal_hold": locked.legal_hold, "reason": locked.legal_hold_reason}
        ArchivedDocument.objects.filter(pk=doc.pk).update(legal_hold=hold, legal_hold_reason=reason[:300])
        audit.record(
            "archive.legal_hold_set" if hold else "archive.legal_hold_cleared", actor=actor, entity=locked.entity,
            object_type="archived_document", object_id=doc.pk,
            data={"before": before, "reason": reason, "number": locked.number, "sha256": locked.sha256},
        )  # fmt: skip
    return ArchivedDocument.objects.get(pk=doc.pk)


def set_legal_hold(doc: ArchivedDocument, *, reason: str, actor: str) -> ArchivedDocument:
    """Keep the document whatever its retention date until the hold is cleared (audit-logged)."""
    if not reason.strip():
        raise ValueError("a legal hold needs a reason (the case or request it is for)")
    return _set_hold(doc, True, reason.strip(), actor)


def clear_legal_hold(doc: ArchivedDocument, *, reason: str, actor: str) -> ArchivedDocument:
    return _set_hold(doc, False, reason.strip(), actor)


def hold_invoice_documents(entity: Entity, number: str, *, hold: bool, reason: str, actor: str) -> int:
    """Set or clear the legal hold of every archived file of one invoice number."""
    docs = list(ArchivedDocument.objects.filter(entity=entity, number=number))
    if not docs:
        raise ArchivedDocument.DoesNotExist(f"nothing archived under {number} in {entity.code}")
    for doc in docs:
        if hold:
            set_legal_hold(doc, reason=reason, actor=actor)
        else:
            clear_legal_hold(doc, reason=reason, actor=actor)
    return len(docs)


@dataclass(frozen=True, slots=True)
class ArchiveProblem:
    sha256: str
    problem: str  # "missing" | "damaged"
    documents: tuple[str, ...]


def verify_archive(store: ArchiveStore | None = None) -> tuple[int, list[ArchiveProblem]]:
    """Re-hash every archived file: (files checked, problems); a problem names the documents it affects."""
    store = store or ArchiveStore()
    by_sha: dict[str, list[str]] = {}
    rows = ArchivedDocument.objects.order_by("id").values_list("sha256", "kind", "number", "filename")
    for sha, kind, number, filename in rows.iterator(chunk_size=5000):
        by_sha.setdefault(sha, []).append(f"{kind} {number or filename}")
    problems = []
    for sha, docs in by_sha.items():
        path = store.path_for(sha)
        if not path.exists():
            problems.append(ArchiveProblem(sha, "missing", tuple(docs)))
        elif store.verify(sha) is not None:
            problems.append(ArchiveProblem(sha, "damaged", tuple(docs)))
    return len(by_sha), problems


@dataclass(frozen=True, slots=True)
class ArchiveQuery:
    customer: str = ""  # external id or part of the name
    number: str = ""  # part of the number
    date_from: date | None = None
    date_to: date | None = None
    amount_min: int | None = None  # minor units
    amount_max: int | None = None
    kind: str = ""


def search_archive(
    entities: QuerySet[Entity] | list[Entity], query: ArchiveQuery
) -> QuerySet[ArchivedDocument]:
    """Archived documents of ``entities`` matching every criterion given."""
    qs = ArchivedDocument.objects.filter(entity__in=entities).select_related("entity", "customer")
    if query.customer:
        qs = qs.filter(Q(customer__external_id=query.customer) | Q(customer__name__icontains=query.customer))
    if query.number:
        qs = qs.filter(number__icontains=query.number)
    if query.date_from:
        qs = qs.filter(issue_date__gte=query.date_from)
    if query.date_to:
        qs = qs.filter(issue_date__lte=query.date_to)
    if query.amount_min is not None:
        qs = qs.filter(amount_minor__gte=query.amount_min)
    if query.amount_max is not None:
        qs = qs.filter(amount_minor__lte=query.amount_max)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    return qs.order_by("-issue_date", "number", "kind")


def read_archived(doc: ArchivedDocument, store: ArchiveStore | None = None) -> bytes:
    """The file's bytes, checked against its hash (raises ArchiveError when damaged or missing)."""
    return (store or ArchiveStore()).get(doc.sha256)


def documents_of(invoice: Invoice) -> dict[str, ArchivedDocument]:
    return {d.kind: d for d in ArchivedDocument.objects.filter(invoice=invoice)}
