"""Bank statement uploads, transactions and their match decisions (accept, reject)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Schema, UploadedFile
from pydantic import Field

from encaisse.api import pagination
from encaisse.api.auth import scope
from encaisse.api.problems import ApiProblem, Problem, invalid
from encaisse.api.resources.common import (
    MAX_ID,
    as_utc,
    check_range,
    entity_codes,
    entity_for,
    entity_ids_for,
    scoped,
)
from encaisse.api.schemas import AcceptIn, StatementImportOut, TransactionDetail, TransactionPage, money
from encaisse.banking.importing import StatementImportError, import_statement_file
from encaisse.banking.models import BankTransaction, MatchStatus
from encaisse.cashapp.models import MatchDecision
from encaisse.cashapp.services import CashAppError, Confirmation, confirm, reject
from encaisse.formats.bank.records import StatementError

router = Router()
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
READ_ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 404: Problem, 422: Problem}


@router.post("/bank-statements", response={200: StatementImportOut, **ERRORS}, tags=["bank statements"])
def upload_statement(
    request: HttpRequest,
    file: File[UploadedFile],
    entity: Form[str | None] = None,
    accept_unbalanced: Form[bool] = False,
) -> Any:
    """Import a bank statement file (camt.05x, MT940, BAI2, CODA, OFX, CSV), whole or not at all.

    Importing the same file (or an overlapping statement) again adds nothing
    twice. A file that cannot be read is refused with 422, naming the file, the
    line or element, the field and the value.
    """
    s = scope(request)
    target = entity_for(s, entity)
    if file.size is not None and file.size > settings.ENCAISSE_MAX_IMPORT_BYTES:
        raise ApiProblem(413, f"{file.name}: over the import size limit ({settings.ENCAISSE_MAX_IMPORT_BYTES} bytes)",
                         code="too_large")  # fmt: skip
    name = Path(file.name or "statement").name or "statement"
    try:
        result = import_statement_file(
            Path(name),
            data=file.read(),
            entity_code=target.code,
            accept_unbalanced=accept_unbalanced,
            actor=s.actor,
        )
    except StatementImportError as exc:
        raise _import_problem(exc, name) from None
    return result.as_dict()


def _import_problem(exc: StatementImportError, name: str) -> ApiProblem:
    detail = str(exc)
    if "belongs to entity" in detail:
        detail = (
            detail.split(" belongs to entity", 1)[0] + " belongs to another entity"
        )  # name no other entity
    cause = exc.__context__
    if isinstance(cause, StatementError):
        error = {"field": cause.field or "file", "where": f"{name}, {cause.location}" if cause.location else name,
                 "reason": cause.message, "value": cause.value or ""}  # fmt: skip
    else:
        error = {"field": "file", "where": name, "reason": detail, "value": ""}
    return ApiProblem(422, detail, code="statement_refused", errors=[error])


def transaction_json(tx: BankTransaction, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": tx.pk, "entity": codes[tx.entity_id], "account_id": tx.account_id, "statement_id": tx.statement_id,
        "bank_reference": tx.bank_reference, "booking_date": tx.booking_date, "value_date": tx.value_date,
        "amount": money(tx.amount_minor, tx.currency), "counterparty_name": tx.counterparty_name,
        "counterparty_account": tx.counterparty_account, "remittance": tx.remittance,
        "creditor_references": list(tx.creditor_references or []), "end_to_end_id": tx.end_to_end_id,
        "match_status": tx.match_status, "imported_at": tx.imported_at,
    }  # fmt: skip


def decision_json(d: MatchDecision) -> dict[str, Any]:
    return {
        "id": d.pk, "status": d.status, "customer_id": d.customer_id, "confidence": d.confidence,
        "explanation": d.explanation, "decided_by": d.decided_by, "confirmed": d.confirmed,
        "proposals": list(d.proposals or []), "created_at": d.created_at,
        "rows": [{"kind": r.kind, "invoice_id": r.invoice_id, "invoice_number": r.invoice_number,
                  "amount": money(r.amount_minor, r.currency), "explanation": r.explanation}
                 for r in d.rows.order_by("position")],
    }  # fmt: skip


class TransactionFilter(Schema):
    entity: str | None = None
    match_status: str | None = Field(None, description=", ".join(MatchStatus.values))
    currency: str | None = Field(None, pattern="^[A-Z]{3}$")
    account: int | None = Field(None, ge=1, le=MAX_ID, description="Bank account id")
    booked_from: date | None = None
    booked_before: date | None = None
    imported_since: datetime | None = None
    credits_only: bool = False
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)
    cursor: str | None = None


@router.get("/transactions", response={200: TransactionPage, **READ_ERRORS}, tags=["transactions"])
def list_transactions(request: HttpRequest, filters: Query[TransactionFilter]) -> Any:
    """Bank transactions in the order they were imported (id)."""
    s = scope(request)
    check_range(filters.booked_from, filters.booked_before, "booked")
    qs = BankTransaction.objects.filter(entity_id__in=entity_ids_for(s, filters.entity))
    if filters.match_status:
        qs = qs.filter(match_status=filters.match_status)
    if filters.currency:
        qs = qs.filter(currency=filters.currency)
    if filters.account is not None:
        qs = qs.filter(account_id=filters.account)
    if filters.booked_from:
        qs = qs.filter(booking_date__gte=filters.booked_from)
    if filters.booked_before:
        qs = qs.filter(booking_date__lt=filters.booked_before)
    if filters.imported_since:
        qs = qs.filter(imported_at__gte=as_utc(filters.imported_since))
    if filters.credits_only:
        qs = qs.filter(amount_minor__gt=0)
    rows, cursor = pagination.page(qs, key=None, cursor=filters.cursor, limit=filters.limit)
    codes = entity_codes(request)
    return {"items": [transaction_json(t, codes) for t in rows], "next": cursor}


def _detail(request: HttpRequest, tx: BankTransaction) -> dict[str, Any]:
    decision = MatchDecision.objects.filter(transaction=tx, is_current=True).first()
    return {
        **transaction_json(tx, entity_codes(request)),
        "decision": decision_json(decision) if decision else None,
    }


@router.get("/transactions/{int:transaction_id}", response={200: TransactionDetail, **READ_ERRORS},
            tags=["transactions"])  # fmt: skip
def get_transaction(request: HttpRequest, transaction_id: int) -> Any:
    """A transaction with its current match decision (the engine's proposals, or what a person decided)."""
    return _detail(request, scoped(BankTransaction.objects, scope(request), transaction_id, "transaction"))


def _amount(value: str | int | None, index: int) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise invalid([{"field": f"lines[{index}].amount", "where": "body", "reason": "not a decimal number",
                        "value": str(value)}]) from None  # fmt: skip


@router.post("/transactions/{int:transaction_id}/accept", response={200: TransactionDetail, **ERRORS},
             tags=["transactions"])  # fmt: skip
def accept_transaction(request: HttpRequest, transaction_id: int, payload: AcceptIn | None = None) -> Any:
    """Apply the payment to invoices: the lines given, or the engine's first proposal (cash application's confirm)."""
    s = scope(request)
    tx = scoped(BankTransaction.objects.select_related("entity"), s, transaction_id, "transaction")
    if payload is not None and payload.lines is not None:
        lines = [(line.invoice, _amount(line.amount, n)) for n, line in enumerate(payload.lines)]
    else:
        decision = MatchDecision.objects.filter(transaction=tx, is_current=True).first()
        proposal = decision.proposals[0] if decision is not None and decision.proposals else None
        lines = [
            (r["invoice_number"], Decimal(r["amount"]))
            for r in (proposal or {}).get("rows", [])
            if r.get("invoice_number") and r.get("kind") == "invoice"
        ]
    if not lines:
        raise invalid(
            [
                {
                    "field": "lines",
                    "where": "body",
                    "reason": "no proposal to accept: give the invoices it settles",
                }
            ]
        )
    try:
        confirm(
            [tx.entity_id],
            [Confirmation(f"TX{tx.pk}", tuple(lines), "api")],
            actor=s.actor,
            user_id=s.user.pk,
        )
    except CashAppError as exc:
        applied = "already applied" in str(exc) or "applied meanwhile" in str(exc)
        if applied:
            raise ApiProblem(409, "; ".join(exc.problems), code="already_applied") from None
        raise invalid([{"field": "lines", "where": "body", "reason": p} for p in exc.problems]) from None
    tx.refresh_from_db()
    return _detail(request, tx)


@router.post("/transactions/{int:transaction_id}/reject", response={200: TransactionDetail, **ERRORS},
             tags=["transactions"])  # fmt: skip
def reject_transaction(request: HttpRequest, transaction_id: int) -> Any:
    """Say the transaction is not a customer payment (it stays unapplied)."""
    s = scope(request)
    tx = scoped(BankTransaction.objects.select_related("entity"), s, transaction_id, "transaction")
    try:
        reject(tx, actor=s.actor)
    except CashAppError as exc:
        raise ApiProblem(409, "; ".join(exc.problems), code="already_applied") from None
    tx.refresh_from_db()
    return _detail(request, tx)
