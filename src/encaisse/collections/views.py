"""Collections pages: dunning runs and their letter preview, the worklist, promises, holds, statements.

Presentation only: every change goes through a service. Writing needs a role
that may write (:func:`encaisse.ledger.roles.can_write`); every query is scoped
to the entities the user may see.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from encaisse.clock import today
from encaisse.collections import credit, promises, services, worklist
from encaisse.collections.documents import letter_pdf, statement_pdf
from encaisse.collections.models import (
    CallOutcome,
    CallTask,
    CreditAlert,
    CreditHold,
    DunningLetter,
    DunningRun,
    LetterStatus,
    PromiseToPay,
)
from encaisse.ledger.models import Customer, DocumentKind, Entity, Invoice
from encaisse.ledger.roles import can_write
from encaisse.web.scoping import visible_entities


def _writer(request: HttpRequest) -> str:
    if not can_write(request.user):
        raise PermissionDenied("read-only role")
    return str(request.user.get_username())


def _customer(request: HttpRequest, pk: int) -> Customer:
    return get_object_or_404(
        Customer.objects.select_related("entity"), pk=pk, entity__in=visible_entities(request.user)
    )


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    entities = visible_entities(request.user)
    rows = DunningRun.objects.filter(entity__in=entities, dry_run=False).select_related("entity")[:100]
    return render(request, "collections/runs.html", {"runs": rows, "entities": entities, "as_of": today()})


@login_required
@require_POST
def start_run(request: HttpRequest) -> HttpResponse:
    actor = _writer(request)
    entity = get_object_or_404(Entity, pk=request.POST.get("entity"), pk__in=visible_entities(request.user))
    try:
        as_of = date.fromisoformat(request.POST.get("as_of") or today().isoformat())
    except ValueError:
        messages.error(request, "The date must be YYYY-MM-DD.")
        return redirect("collections_runs")
    result = services.dunning_run(entity, as_of, actor=actor)
    return redirect("collections_run", pk=result.run.pk)


def _run(request: HttpRequest, pk: int) -> DunningRun:
    return get_object_or_404(
        DunningRun.objects.select_related("entity"), pk=pk, entity__in=visible_entities(request.user)
    )


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    letters = list(run.letter_rows.select_related("customer").order_by("customer__name", "level"))
    counts = {s: sum(1 for x in letters if x.status == s) for s in LetterStatus.values}
    return render(request, "collections/run.html", {"run": run, "letters": letters, "counts": counts,
                                                    "can_write": can_write(request.user)})  # fmt: skip


@login_required
@require_POST
def letter_action(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _writer(request)
    letter = get_object_or_404(DunningLetter.objects.select_related("run", "entity"), pk=pk,
                               entity__in=visible_entities(request.user))  # fmt: skip
    action = request.POST.get("action", "")
    try:
        if action == "approve":
            services.approve_letters(letter.run, [letter.pk], actor=actor)
        elif action == "skip":
            services.skip_letter(letter, actor=actor, note=request.POST.get("note", ""))
        elif action == "edit":
            services.edit_letter(letter, request.POST.get("free_text", ""), actor=actor)
        else:
            messages.error(request, f"Unknown action {action!r}.")
    except services.LetterLocked as exc:
        messages.error(request, str(exc))
    return redirect("collections_run", pk=letter.run_id)


@login_required
@require_POST
def run_action(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _writer(request)
    run = _run(request, pk)
    action = request.POST.get("action", "")
    if action == "approve_all":
        n = services.approve_letters(run, actor=actor)
        messages.success(request, f"{n} letter(s) approved.")
    elif action == "send":
        report = services.send_letters(run, actor=actor)
        messages.success(
            request, f"{len(report.sent)} sent, {len(report.waiting)} waiting, {len(report.failed)} failed."
        )
    else:
        messages.error(request, f"Unknown action {action!r}.")
    return redirect("collections_run", pk=run.pk)


@login_required
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    letter = get_object_or_404(DunningLetter.objects.select_related("entity", "customer", "customer__entity"), pk=pk,
                               entity__in=visible_entities(request.user))  # fmt: skip
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="DL-{letter.pk}.pdf"'
    return response


@login_required
def statement_download(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    response = HttpResponse(statement_pdf(customer, today()), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="statement-{customer.external_id}.pdf"'
    return response


@login_required
def customer_collections(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk)
    open_invoices = Invoice.objects.filter(
        customer=customer, kind=DocumentKind.INVOICE, open_minor__gt=0
    ).order_by("due_date")
    return render(request, "collections/customer.html", {
        "customer": customer, "invoices": open_invoices,
        "promises": PromiseToPay.objects.filter(customer=customer).prefetch_related("invoices").order_by("-id")[:20],
        "hold": credit.active_hold(customer), "holds": CreditHold.objects.filter(customer=customer).order_by("-id")[:10],
        "tasks": CallTask.objects.filter(customer=customer).order_by("-id")[:20],
        "notes": customer.collector_notes.all()[:20], "outcomes": CallOutcome.choices,
        "letters": DunningLetter.objects.filter(customer=customer).order_by("-as_of", "-id")[:20],
        "can_write": can_write(request.user), "today": today(),
    })  # fmt: skip


@login_required
@require_POST
def promise_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _writer(request)
    customer = _customer(request, pk)
    ids = [int(x) for x in request.POST.getlist("invoices") if x.isdigit()]
    invoices = list(Invoice.objects.filter(pk__in=ids, customer=customer))
    try:
        promised = date.fromisoformat(request.POST.get("promised_date", ""))
        amount = Decimal(request.POST.get("amount", "").replace(",", "."))
        promises.take_promise(customer, invoices, promised, amount, actor=actor, taken_on=today(),
                              note=request.POST.get("note", ""))  # fmt: skip
        messages.success(request, "Promise to pay recorded.")
    except (ValueError, InvalidOperation) as exc:
        messages.error(request, f"Promise not recorded: {exc}")
    return redirect("collections_customer", pk=customer.pk)


@login_required
@require_POST
def hold_action(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _writer(request)
    customer = _customer(request, pk)
    if request.POST.get("action") == "release":
        try:
            credit.release_hold(customer, actor=actor, note=request.POST.get("note", ""))
        except credit.NoActiveHold as exc:
            messages.error(request, str(exc))
    else:
        reason = request.POST.get("reason", "").strip() or "placed by hand"
        credit.place_hold(customer, reason, actor=actor, since=today())
    return redirect("collections_customer", pk=customer.pk)


@login_required
@require_POST
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _writer(request)
    customer = _customer(request, pk)
    task = None
    if request.POST.get("task", "").isdigit():
        task = get_object_or_404(CallTask, pk=int(request.POST["task"]), customer=customer)
    try:
        worklist.record_call(customer, request.POST.get("text", ""), actor=actor, outcome=request.POST.get("outcome", ""),
                             task=task, user=request.user)  # fmt: skip
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(request.POST.get("next") or "collections_worklist")


@login_required
def worklist_page(request: HttpRequest) -> HttpResponse:
    ids = list(visible_entities(request.user).values_list("pk", flat=True))
    as_of = today()
    rows = worklist.worklist(ids, as_of)[:200]
    alerts = CreditAlert.objects.filter(entity_id__in=ids, acknowledged_at__isnull=True).select_related(
        "customer"
    )[:50]
    return render(request, "collections/worklist.html", {"rows": rows, "as_of": as_of, "alerts": alerts,
                                                         "outcomes": CallOutcome.choices,
                                                         "can_write": can_write(request.user)})  # fmt: skip
