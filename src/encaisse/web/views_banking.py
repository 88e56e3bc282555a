"""Back-office pages for bank statements and transactions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from encaisse.banking.importing import FileResult, StatementImportError, import_statement_file
from encaisse.banking.models import BankTransaction, MatchStatus, Statement
from encaisse.cashapp.services import CashAppError, MatchSummary, match
from encaisse.clock import today
from encaisse.ledger.models import Entity
from encaisse.ledger.roles import can_write
from encaisse.web.scoping import visible_entities

#: what the upload form offers; the importer detects the format when "auto" is chosen
UPLOAD_FORMATS = ("auto", "camt.053", "camt.052", "camt.054", "mt940", "mt942", "bai2", "coda", "ofx")


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass
class UploadOutcome:
    """What one upload did: the import's figures, then the matching run's, per entity."""

    file: FileResult
    matched: dict[str, MatchSummary]


def _upload(request: HttpRequest, entities: list[Entity]) -> tuple[UploadOutcome | None, str]:
    """Import the posted statement file for one entity, then match the entity's new credits.

    The entity is always explicit: the importer then refuses a file naming an account of another
    entity, so a user never imports into an entity they may not see.
    """
    upload = request.FILES.get("file")
    if upload is None:
        return None, "Choose a statement file to import."
    limit = settings.ENCAISSE_MAX_IMPORT_BYTES
    if upload.size is not None and upload.size > limit:
        return None, f"{upload.name}: over the import size limit ({limit} bytes)."
    code = request.POST.get("entity", "").strip() or (entities[0].code if len(entities) == 1 else "")
    entity = next((e for e in entities if e.code == code), None)
    if entity is None:
        return None, f"No entity {code!r} among yours." if code else "Choose the entity the statement is for."
    fmt = request.POST.get("format", "auto")
    if fmt not in UPLOAD_FORMATS:
        return None, f"Unknown format {fmt!r}."
    actor = str(request.user.get_username())
    try:
        result = import_statement_file(
            Path(Path(upload.name or "statement").name), data=upload.read(),
            format=None if fmt == "auto" else fmt, entity_code=entity.code,
            accept_unbalanced=request.POST.get("accept_unbalanced") == "1", actor=actor,
        )  # fmt: skip
    except StatementImportError as exc:
        return None, f"Refused, nothing imported: {exc}"
    try:
        summary = match(entity, actor=actor, today=today())
    except CashAppError as exc:
        return UploadOutcome(result, {}), "Imported, but matching failed: " + "; ".join(exc.problems)
    return UploadOutcome(result, {entity.code: summary}), ""


@login_required
def statements(request: HttpRequest) -> HttpResponse:
    entities = list(visible_entities(request.user).order_by("code"))
    extra: dict[str, Any] = {
        "entities": entities,
        "formats": UPLOAD_FORMATS,
        "can_write": can_write(request.user),
    }
    status = 200
    if request.method == "POST":
        if not can_write(request.user):
            raise PermissionDenied("read-only role")
        outcome, error = _upload(request, entities)
        extra.update(outcome=outcome, error=error)
        status = 422 if outcome is None else 200
    qs = (
        Statement.objects.filter(entity__in=visible_entities(request.user))
        .select_related("account", "source")
        .order_by("-closing_date", "-id")
    )
    account = request.GET.get("account", "").strip()
    if account:
        qs = qs.filter(account__account_key__icontains=account.replace(" ", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/statements.html", {"page": page, "account": account, **extra}, status=status)


@login_required
def transactions(request: HttpRequest) -> HttpResponse:
    qs = BankTransaction.objects.filter(entity__in=visible_entities(request.user)).select_related("account")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(counterparty_name__icontains=q) | Q(remittance__icontains=q) | Q(bank_reference__icontains=q)
            | Q(end_to_end_id__icontains=q) | Q(counterparty_account__icontains=q.replace(" ", ""))
        )  # fmt: skip
    if request.GET.get("statement", "").isdigit():
        qs = qs.filter(statement_id=int(request.GET["statement"]))
    direction = request.GET.get("direction", "")
    if direction == "credit":
        qs = qs.filter(amount_minor__gt=0)
    elif direction == "debit":
        qs = qs.filter(amount_minor__lt=0)
    status = request.GET.get("status", "")
    if status in MatchStatus.values:
        qs = qs.filter(match_status=status)
    start, end = _date(request.GET.get("from")), _date(request.GET.get("to"))
    if start:
        qs = qs.filter(booking_date__gte=start)
    if end:
        qs = qs.filter(booking_date__lte=end)
    page = Paginator(qs.order_by("-booking_date", "-id"), 50).get_page(request.GET.get("page"))
    template = "web/_transaction_rows.html" if request.htmx else "web/transactions.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "q": q, "direction": direction, "status": status,
                                      "statuses": MatchStatus.choices})  # fmt: skip


@login_required
def transaction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tx = get_object_or_404(
        BankTransaction.objects.select_related("account", "statement", "statement__source"),
        pk=pk,
        entity__in=visible_entities(request.user),
    )
    return render(request, "web/transaction_detail.html", {"tx": tx})
