"""The case board and the case page. Presentation only: every change goes through ``cases.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from encaisse.cases import notifications, services
from encaisse.cases.models import TRANSITIONS, Case, CaseStatus, CaseType, Outcome, ReasonCode, Visibility
from encaisse.cases.services import BoardFilter, CaseError, ItemRequest, Upload
from encaisse.clock import today
from encaisse.ledger.models import DocumentKind, Invoice
from encaisse.ledger.roles import can_write
from encaisse.web.scoping import visible_entities

COLUMNS = [s for s in CaseStatus]


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _filter(request: HttpRequest) -> BoardFilter:
    g = request.GET
    owner = g.get("owner", "")
    return BoardFilter(
        owner_id=_int(owner), unassigned=owner == "none", reason=g.get("reason", ""),
        type=g.get("type", "") if g.get("type") in CaseType.values else "",
        min_age_days=_int(g.get("min_age")), max_age_days=_int(g.get("max_age")),
    )  # fmt: skip


@login_required
def board(request: HttpRequest) -> HttpResponse:
    ents = list(visible_entities(request.user))
    ids = [e.pk for e in ents]
    found = list(services.cases(ids, _filter(request)).prefetch_related("items__invoice"))
    as_of = today()
    columns = [
        {"status": s.value, "label": s.label, "cases": [c for c in found if c.status == s.value]}
        for s in COLUMNS
    ]
    owners = get_user_model().objects.filter(cases__entity__in=ents).distinct().order_by("username")
    return render(request, "cases/board.html", {
        "columns": columns, "kpis": services.kpis(ids), "as_of": as_of, "owners": owners,
        "reasons": ReasonCode.objects.filter(entity__in=ents).values_list("code", "label").distinct().order_by("code"),
        "types": CaseType.choices, "f": request.GET, "can_write": can_write(request.user),
    })  # fmt: skip


def _case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(
        Case.objects.select_related("entity", "customer", "reason", "owner"),
        pk=pk, entity__in=visible_entities(request.user),
    )  # fmt: skip


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    writer = can_write(request.user)
    return render(request, "cases/case_detail.html", {
        "case": case, "items": case.items.select_related("invoice"), "events": case.events.all(),
        "attachments": case.attachments.all(), "moves": sorted(TRANSITIONS.get(case.status, ())),
        "outcomes": Outcome.choices, "can_write": writer, "as_of": today(),
        "can_approve": writer and case.status == CaseStatus.PENDING_APPROVAL
        and case.requested_by_id != request.user.pk,
        "users": get_user_model().objects.filter(is_active=True).order_by("username") if writer else [],
        "recipients": notifications.recipients(case.customer) if writer else [],
        "company": notifications.company_name(case.entity), "customer_visible": Visibility.CUSTOMER,
    })  # fmt: skip


def _writable(request: HttpRequest, pk: int) -> Case:
    case = _case(request, pk)
    if not can_write(request.user):
        raise PermissionDenied("read-only role")
    return case


@login_required
@require_POST
def case_action(request: HttpRequest, pk: int) -> HttpResponse:
    case = _writable(request, pk)
    p = request.POST
    action = p.get("action", "")
    user = request.user
    try:
        if action == "move":
            services.transition(case, p.get("to", ""), user=user, note=p.get("note", ""))
        elif action == "comment":
            _write(request, case)
        elif action == "assign":
            owner = get_user_model().objects.filter(pk=_int(p.get("owner"))).first()
            services.assign(case, owner, user=user)
        elif action == "attach":
            upload = request.FILES.get("file")
            if upload is None:
                raise CaseError(["choose a file to attach"])
            services.attach(
                case, Upload(upload.name or "file", upload.read(), upload.content_type or ""), user=user
            )
        elif action == "resolve":
            amount = p.get("amount", "").strip()
            services.resolve(
                case, p.get("outcome", ""), user=user, note=p.get("note", ""),
                amount_minor=services.parse_amount(amount, case.currency) if amount else None,
            )  # fmt: skip
        elif action == "approve":
            services.approve_write_off(case, user=user)
        elif action == "decline":
            services.decline_write_off(case, user=user, note=p.get("note", ""))
        else:
            raise CaseError([f"unknown action {action!r}"])
    except CaseError as exc:
        for problem in exc.problems:
            messages.error(request, problem)
    return redirect("case", pk=case.pk)


def _write(request: HttpRequest, case: Case) -> None:
    """The "write" form: an internal note, or a reply to the customer; with files; then an optional move."""
    p, user = request.POST, request.user
    uploads = [
        Upload(f.name or "file", f.read(), f.content_type or "") for f in request.FILES.getlist("files")
    ]
    then = p.get("then", "")
    with transaction.atomic():  # the note, its files and the move are kept together or not at all
        if p.get("visibility") == Visibility.CUSTOMER:
            services.reply_to_customer(
                case, p.get("text", ""), user=user, attachments=uploads, to_status=then
            )
            messages.success(request, "Reply sent to the customer.")
            return
        services.add_comment(case, p.get("text", ""), user=user)
        for upload in uploads:
            services.attach(case, upload, user=user)
        if then:
            services.transition(case, then, user=user)


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Open a dispute or deduction case on an invoice (``?invoice=<id>`` preselects it)."""
    ents = visible_entities(request.user)
    writer = can_write(request.user)
    invoice = None
    inv_id = _int(request.GET.get("invoice") or request.POST.get("invoice"))
    if inv_id is not None:
        invoice = get_object_or_404(Invoice, pk=inv_id, entity__in=ents, kind=DocumentKind.INVOICE)
    problems: list[str] = []
    if request.method == "POST":
        if not writer:
            raise PermissionDenied("read-only role")
        number = request.POST.get("number", "").strip()
        if invoice is None and number:
            invoice = Invoice.objects.filter(
                entity__in=ents, number=number, kind=DocumentKind.INVOICE
            ).first()
        if invoice is None:
            problems.append(f"no invoice {number!r}")
        else:
            try:
                amount = request.POST.get("amount", "").strip()
                case = services.open_case(
                    invoice.entity, type=request.POST.get("type", CaseType.DISPUTE),
                    items=[ItemRequest(invoice, services.parse_amount(amount, invoice.currency) if amount else None)],
                    reason=request.POST.get("reason", ""), user=request.user, actor="",
                    summary=request.POST.get("summary", ""),
                    owner=request.user if request.POST.get("mine") else None,
                )  # fmt: skip
                return redirect(reverse("case", kwargs={"pk": case.pk}))
            except CaseError as exc:
                problems = exc.problems
    entity = invoice.entity if invoice else next(iter(ents), None)
    reasons = services.ensure_reason_codes(entity) if entity is not None and writer else []
    return render(request, "cases/case_new.html", {
        "invoice": invoice, "reasons": reasons, "types": CaseType.choices, "problems": problems,
        "can_write": writer, "post": request.POST,
    })  # fmt: skip
