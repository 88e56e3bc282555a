"""Delivery pages: the deliveries with their status, the issues to handle, an invoice's timeline; the portal link.

Presentation only: each state change is a call to :mod:`encaisse.delivery.services`.
Back-office objects are looked up within the entities the user may see (another
entity's delivery or invoice is a 404). The portal link needs no account: its
signed token is the proof, and it shows one invoice only.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from encaisse.delivery import config, services
from encaisse.delivery.documents import DocumentUnavailable, invoice_files
from encaisse.delivery.models import ChannelName, Delivery, DeliveryIssue, DeliveryStatus
from encaisse.delivery.timeline import timeline
from encaisse.delivery.tokens import ExpiredLink, InvalidLink, read_token
from encaisse.ledger.models import Invoice
from encaisse.ledger.roles import can_write
from encaisse.web.scoping import visible_entities


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    entities = visible_entities(request.user)
    qs = Delivery.objects.filter(entity__in=entities).select_related("invoice", "customer", "entity")
    status = request.GET.get("status", "")
    channel = request.GET.get("channel", "")
    q = request.GET.get("q", "").strip()
    if status in DeliveryStatus.values:
        qs = qs.filter(status=status)
    if channel in ChannelName.values:
        qs = qs.filter(channel=channel)
    if q:
        qs = qs.filter(Q(invoice__number__icontains=q) | Q(customer__name__icontains=q) | Q(provider_id=q))
    counts = dict(
        Delivery.objects.filter(entity__in=entities)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    page = Paginator(qs.order_by("-queued_at", "-id"), 50).get_page(request.GET.get("page"))
    open_issues = DeliveryIssue.objects.filter(entity__in=entities, resolved_at__isnull=True).count()
    return render(request, "delivery/deliveries.html", {
        "page": page, "status": status, "channel": channel, "q": q, "open_issues": open_issues,
        "statuses": [(s, label, counts.get(s, 0)) for s, label in DeliveryStatus.choices],
        "channels": ChannelName.choices,
    })  # fmt: skip


@login_required
def issues(request: HttpRequest) -> HttpResponse:
    entities = visible_entities(request.user)
    show = request.GET.get("show", "open")
    qs = DeliveryIssue.objects.filter(entity__in=entities).select_related(
        "delivery", "delivery__invoice", "delivery__customer"
    )
    qs = qs.filter(resolved_at__isnull=True) if show == "open" else qs.filter(resolved_at__isnull=False)
    page = Paginator(qs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(
        request, "delivery/issues.html", {"page": page, "show": show, "can_write": can_write(request.user)}
    )


@login_required
@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(DeliveryIssue, pk=pk, entity__in=visible_entities(request.user))
    if not can_write(request.user):
        return HttpResponseForbidden("read-only role")
    action = request.POST.get("action", "")
    try:
        services.resolve_issue(
            issue, action=action, actor=request.user.get_username(), note=request.POST.get("note", "")
        )
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Issue on {issue.delivery.invoice.number} closed: {action.replace('_', ' ')}."
        )
    return redirect("delivery_issues")


@login_required
def invoice_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(
        Invoice.objects.select_related("customer", "entity"), pk=pk, entity__in=visible_entities(request.user)
    )
    deliveries_of = invoice.deliveries.order_by("queued_at", "id")
    return render(request, "delivery/timeline.html", {
        "invoice": invoice, "events": timeline(invoice), "deliveries": deliveries_of,
    })  # fmt: skip


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def portal_view(request: HttpRequest, token: str) -> HttpResponse:
    """The invoice behind a link from an e-mail; the first opening by each recipient is recorded."""
    try:
        view = services.record_view(
            token, ip=_client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")
        )
    except ExpiredLink:
        return render(request, "delivery/portal_invalid.html", {"expired": True}, status=410)
    except InvalidLink:
        return render(request, "delivery/portal_invalid.html", {"expired": False}, status=404)
    try:
        files = invoice_files(view.invoice)
    except DocumentUnavailable:
        files = None
    return render(request, "delivery/portal_invoice.html", {
        "invoice": view.invoice, "entity": view.invoice.entity, "recipient": view.recipient, "token": token,
        "has_pdf": files is not None and files.pdf is not None, "has_ubl": files is not None and files.ubl is not None,
    })  # fmt: skip


def portal_download(request: HttpRequest, token: str, kind: str) -> HttpResponse:
    try:
        claims = read_token(token)
    except InvalidLink as exc:
        raise Http404("this link is not valid") from exc
    invoice = get_object_or_404(Invoice, pk=claims.invoice_id, deliveries__pk=claims.delivery_id)
    try:
        files = invoice_files(invoice)
    except DocumentUnavailable as exc:
        raise Http404("the document is not available") from exc
    attachment = {"pdf": files.pdf, "ubl": files.ubl}.get(kind)
    if attachment is None:
        raise Http404("no such document")
    response = HttpResponse(attachment.content, content_type=attachment.content_type)
    response["Content-Disposition"] = f'attachment; filename="{attachment.filename}"'
    return response


@csrf_exempt
@require_POST
def peppol_status(request: HttpRequest) -> HttpResponse:
    """The access point's status callback: ``{"id", "status", "reason"}`` signed with HMAC-SHA256."""
    secret = config.value("ENCAISSE_PEPPOL_WEBHOOK_SECRET")
    if not secret:
        raise Http404("the Peppol status webhook is not enabled")
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Encaisse-Signature", "")):
        return HttpResponseForbidden("bad signature")
    try:
        body = json.loads(request.body)
        provider_id, status = str(body["id"]), str(body["status"]).lower()
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected JSON with id and status"}, status=400)
    from encaisse.delivery.channels.peppol import FINAL_STATUSES

    final = FINAL_STATUSES.get(status)
    delivery = (
        services.record_provider_status(provider_id, final, str(body.get("reason", ""))) if final else None
    )
    if final and delivery is None:
        return JsonResponse({"error": "unknown message id"}, status=404)
    return JsonResponse({"ok": True, "status": delivery.status if delivery else "pending"})
