"""The review queue: suggested and unmatched payments, one at a time, made for the keyboard."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from encaisse.banking.models import BankTransaction
from encaisse.cashapp.models import DecisionStatus, MatchDecision
from encaisse.cashapp.services import CashAppError, Confirmation, confirm, reject, tx_ref
from encaisse.ledger.models import DocumentKind, Invoice
from encaisse.ledger.roles import can_write
from encaisse.web.scoping import visible_entities


def _queue(user: Any) -> Any:
    return (
        MatchDecision.objects.filter(
            entity__in=visible_entities(user),
            is_current=True,
            confirmed=False,
            status__in=[DecisionStatus.SUGGESTED, DecisionStatus.UNMATCHED],
        )
        .select_related("transaction", "customer")
        .order_by("transaction__booking_date", "transaction_id")
    )


def _next_after(user: Any, tx_id: int | None) -> MatchDecision | None:
    queue = _queue(user)
    if tx_id is not None:
        later = queue.filter(transaction_id__gt=tx_id).first()
        if later is not None:
            return later
    return queue.first()


@login_required
def review(request: HttpRequest) -> HttpResponse:
    first = _next_after(request.user, None)
    if first is None:
        return render(request, "web/review_empty.html", {})
    return redirect("review_item", pk=first.transaction_id)


def _context(request: HttpRequest, decision: MatchDecision, message: str = "") -> dict[str, Any]:
    tx = decision.transaction
    customer_ids = {p.get("customer_id") for p in decision.proposals if p.get("customer_id")}
    if decision.customer_id:
        customer_ids.add(str(decision.customer_id))
    items = []
    running = Decimal(0)
    for inv in (
        Invoice.objects.filter(
            entity=tx.entity, customer_id__in=[int(c) for c in customer_ids if str(c).isdigit()]
        )
        .exclude(open_minor=0)
        .select_related("customer")
        .order_by("due_date", "number")[:200]
    ):
        sign = -1 if inv.kind == DocumentKind.CREDIT_NOTE else 1
        running += inv.open_amount.amount * sign
        items.append({"invoice": inv, "open": inv.open_amount.amount * sign, "running": running})
    proposed = {
        r["invoice_number"] for p in decision.proposals[:1] for r in p["rows"] if r.get("invoice_number")
    }
    return {
        "decision": decision, "tx": tx, "tx_ref": tx_ref(tx), "items": items, "proposed": proposed,
        "remaining": _queue(request.user).count(), "message": message, "can_write": can_write(request.user),
    }  # fmt: skip


@login_required
def review_item(request: HttpRequest, pk: int) -> HttpResponse:
    tx = get_object_or_404(BankTransaction, pk=pk, entity__in=visible_entities(request.user))
    decision = (
        MatchDecision.objects.filter(transaction=tx, is_current=True)
        .select_related("transaction", "customer")
        .first()
    )
    if decision is None:
        return redirect("review")
    return render(request, "web/review.html", _context(request, decision))


def _lines(request: HttpRequest) -> list[tuple[str, Decimal | None]]:
    lines: list[tuple[str, Decimal | None]] = []
    for number in request.POST.getlist("invoice"):
        raw = request.POST.get(f"amount-{number}", "").strip()
        try:
            lines.append((number, Decimal(raw) if raw else None))
        except InvalidOperation:
            raise CashAppError([f"{number}: {raw!r} is not an amount"]) from None
    return lines


@login_required
@require_POST
def review_action(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_write(request.user):
        raise PermissionDenied("read-only role")
    tx = get_object_or_404(
        BankTransaction.objects.select_related("entity"), pk=pk, entity__in=visible_entities(request.user)
    )
    action = request.POST.get("action")
    entity_ids = [tx.entity_id]
    actor = request.user.get_username()
    try:
        if action == "reject":
            reject(tx, actor=actor)
        elif action == "accept":
            lines = _lines(request)
            if not lines:
                raise CashAppError(["tick at least one invoice, or reject"])
            confirm(
                entity_ids,
                [Confirmation(f"TX{tx.pk}", tuple(lines), "review")],
                actor=actor,
                user_id=request.user.pk,
            )
        elif action != "skip":
            raise CashAppError([f"unknown action {action!r}"])
    except CashAppError as exc:
        decision = (
            MatchDecision.objects.filter(transaction=tx, is_current=True)
            .select_related("transaction", "customer")
            .first()
        )
        assert decision is not None
        return render(request, "web/review.html" if not request.htmx else "web/_review_panel.html",  # type: ignore[attr-defined]
                      _context(request, decision, message="; ".join(exc.problems)), status=422)  # fmt: skip
    following = _next_after(request.user, tx.pk)
    if following is None:
        return render(request, "web/review_empty.html" if not request.htmx else "web/_review_done.html", {})  # type: ignore[attr-defined]
    if request.htmx:  # type: ignore[attr-defined]
        response = render(request, "web/_review_panel.html", _context(request, following))
        response["HX-Push-Url"] = f"/review/{following.transaction_id}/"
        return response
    return redirect("review_item", pk=following.transaction_id)
