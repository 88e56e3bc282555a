"""Back-office pages for bank statements and transactions."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from encaisse.banking.models import BankTransaction, MatchStatus, Statement
from encaisse.web.scoping import visible_entities


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def statements(request: HttpRequest) -> HttpResponse:
    qs = (
        Statement.objects.filter(entity__in=visible_entities(request.user))
        .select_related("account", "source")
        .order_by("-closing_date", "-id")
    )
    account = request.GET.get("account", "").strip()
    if account:
        qs = qs.filter(account__account_key__icontains=account.replace(" ", ""))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "web/statements.html", {"page": page, "account": account})


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
