"""Portal pages: presentation only; each change is a call to a use case (portal, collections, cases, delivery).

Every object is looked up through the signed-in user's customer accounts
(:mod:`encaisse.portal.accounts`): any other id is a 404. Forms are POST with
CSRF; pages carry no inline script or style (the Content-Security-Policy
allows ``'self'`` only).
"""

from __future__ import annotations

import csv
import io
import logging
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from encaisse.cases import notifications
from encaisse.cases.models import Case, CaseAttachment, CaseEvent, CaseItem, CaseStatus, Visibility
from encaisse.cases.services import (
    CaseError,
    Upload,
    add_comment,
    attach,
    customer_file,
    ensure_reason_codes,
    is_customer_actor,
    open_dispute_from_portal,
)
from encaisse.clock import today
from encaisse.collections.promises import InvalidPromise, take_promise
from encaisse.core.money import Money
from encaisse.ledger.archive import ArchiveError
from encaisse.ledger.models import Customer, DocumentKind, Invoice
from encaisse.ledger.statements import statement_of_account
from encaisse.portal import accounts, documents, online, services
from encaisse.portal.forms import (
    CaseMessageForm,
    ContactsForm,
    DisputeForm,
    EmailForm,
    LanguageForm,
    PasswordSignInForm,
    PromiseForm,
    SetPasswordForm,
)
from encaisse.portal.models import PortalUser
from encaisse.portal.session import (
    LANGUAGE_COOKIE,
    current_user,
    language_of,
    language_or_default,
    portal_login_required,
    portal_page,
    sign_in,
    sign_out,
)
from encaisse.portal.templatetags.portal_tags import money
from encaisse.portal.transfer import transfer_details

log = logging.getLogger(__name__)
PAGE_SIZE = 25
CASE_EVENTS_SHOWN = ("opened", "moved", "resolved", "comment", "reply", "attached")


def _reason_labels() -> dict[str, str]:
    """The default reason codes in the reader's language (an entity's own codes keep their label)."""
    return {
        "pricing": _("Pricing"), "quantity": _("Quantity"), "damaged_goods": _("Damaged goods"),
        "not_received": _("Not received"), "duplicate_billing": _("Duplicate billing"),
        "promotion": _("Promotion / discount"), "tax": _("Tax"), "bank_charges": _("Bank charges"),
        "early_payment_discount": _("Early-payment discount"), "other": _("Other"),
    }  # fmt: skip


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _user(request: HttpRequest) -> PortalUser:
    return request.portal_user  # type: ignore[attr-defined,no-any-return]


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    home = reverse("portal:home")
    if (
        candidate
        and candidate.startswith("/portal/")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return home


def _document(request: HttpRequest, pk: int) -> Invoice:
    try:
        return accounts.get_document(_user(request), pk)
    except Invoice.DoesNotExist:
        raise Http404("no such document") from None


def _customer(request: HttpRequest, pk: int) -> Customer:
    try:
        return accounts.customer_of(_user(request), pk)
    except Customer.DoesNotExist:
        raise Http404("no such account") from None


# --- signing in and out ---------------------------------------------------------------------------


@portal_page
@require_http_methods(["GET", "POST"])
def sign_in_page(request: HttpRequest) -> HttpResponse:
    """Both ways in: a sign-in link by e-mail, or the password."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.method == "GET" and current_user(request) is not None:
        return redirect(next_url)  # already signed in
    link_form, password_form = EmailForm(prefix="link"), PasswordSignInForm(prefix="pw")
    locked = False
    if request.method == "POST" and request.POST.get("method") == "link":
        link_form = EmailForm(request.POST, prefix="link")
        if link_form.is_valid():
            services.request_magic_link(link_form.cleaned_data["email"], ip=_ip(request))
            return redirect("portal:link_sent")
    elif request.method == "POST" and request.POST.get("method") == "password":
        password_form = PasswordSignInForm(request.POST, prefix="pw")
        if password_form.is_valid():
            try:
                user = services.authenticate_password(
                    password_form.cleaned_data["email"],
                    password_form.cleaned_data["password"],
                    ip=_ip(request),
                )
            except services.LockedOut:
                locked = True
                password_form.add_error(None, _(
                    "Too many failed attempts. Try again in %(minutes)d minutes, or ask for a sign-in link."
                ) % {"minutes": services.LOCKOUT_MINUTES})  # fmt: skip
            except services.InvalidSignIn:
                password_form.add_error(None, _("Wrong e-mail address or password."))
            else:
                sign_in(request, user)
                return _signed_in_response(request, user, next_url)
    status = 429 if locked else 400 if request.method == "POST" else 200
    return render(request, "portal/sign_in.html", {
        "link_form": link_form, "password_form": password_form, "next": next_url,
    }, status=status)  # fmt: skip


def _signed_in_response(request: HttpRequest, user: PortalUser, target: str) -> HttpResponse:
    response = HttpResponseRedirect(target)
    response.set_cookie(LANGUAGE_COOKIE, language_or_default(user.language), samesite="Lax")
    return response


@portal_page
def link_sent(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/link_sent.html", {"minutes": int(services.magic_link_lifetime().seconds // 60)}
    )


@portal_page
@require_http_methods(["GET", "POST"])
def magic_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (mail scanners that open links do not use them up); POST signs in."""
    if request.method == "POST":
        try:
            user = services.consume_magic_link(token, ip=_ip(request))
        except services.InvalidSignIn:
            return render(
                request, "portal/link_invalid.html", {"state": services.magic_link_state(token)}, status=410
            )
        sign_in(request, user)
        return _signed_in_response(request, user, reverse("portal:home"))
    state = services.magic_link_state(token)
    if state != "valid":
        return render(request, "portal/link_invalid.html", {"state": state}, status=410)
    return render(request, "portal/link_confirm.html", {"token": token})


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("portal:sign_in")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Switch the portal's language (kept on the user when signed in, else in the language cookie)."""
    user = current_user(request)
    form = LanguageForm(request.POST)
    target = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        with translation.override(language_of(request, user)):
            messages.error(request, _("This language is not available."))
        return redirect(target)
    code = form.cleaned_data["language"]
    if user is not None:
        services.set_language(user, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(LANGUAGE_COOKIE, code, samesite="Lax")
    return response


@portal_login_required
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(user, form.cleaned_data["password1"])
        except services.PortalError as exc:
            form.add_error("password1", str(exc))
        else:
            sign_in(request, user)  # the session follows the new password
            messages.success(request, _("Your password is set."))
            return redirect("portal:home")
    return render(request, "portal/password.html", {"form": form}, status=400 if form.errors else 200)


# --- accounts and documents --------------------------------------------------------------------


@portal_login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    as_of = today()
    summaries = accounts.account_summaries(user, as_of)
    open_cases = Case.objects.filter(customer__in=[s.customer for s in summaries]).exclude(
        status=CaseStatus.RESOLVED
    )
    return render(request, "portal/home.html", {
        "summaries": summaries, "as_of": as_of, "open_cases": open_cases.count(),
    })  # fmt: skip


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _date(value: str | None) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@portal_login_required
def invoices(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    as_of = today()
    customers = accounts.customers_of(user)
    requested = _int(request.GET.get("account"))
    customer_id = requested if requested in {c.pk for c in customers} else None
    flt = accounts.DocumentFilter(
        customer_id=customer_id, kind=request.GET.get("kind", ""), status=request.GET.get("status", ""),
        q=request.GET.get("q", "").strip()[:64], issued_from=_date(request.GET.get("from")),
        issued_to=_date(request.GET.get("to")),
    )  # fmt: skip
    page = Paginator(accounts.filtered(user, flt, as_of), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"doc": d, "badges": accounts.badges(d, as_of)} for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/invoices.html", {
        "page": page, "rows": rows, "filter": flt, "customers": customers, "statuses": accounts.STATUSES,
        "kinds": accounts.KINDS, "query": query.urlencode(), "several_accounts": len(customers) > 1,
    })  # fmt: skip


@portal_login_required
def invoice(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    doc = _document(request, pk)
    as_of = today()
    services.record_invoice_view(user, doc, ip=_ip(request))
    case_ids = (  # is_disputed is the same test, made with the document's own query
        list(
            CaseItem.objects.filter(invoice=doc)
            .exclude(case__status=CaseStatus.RESOLVED)
            .values_list("case_id", flat=True)
        )
        if doc.is_disputed  # type: ignore[attr-defined]
        else []
    )
    payments = accounts.payments_of(doc)
    return render(request, "portal/invoice.html", {
        "doc": doc, "badges": accounts.badges(doc, as_of), "lines": _lines(doc),
        "payments": payments, "timeline": accounts.customer_timeline(doc, payments),
        "files": documents.available(doc), "transfer": transfer_details(doc), "open_case_ids": case_ids,
        "payable": doc.kind == DocumentKind.INVOICE and doc.open_minor > 0,
    })  # fmt: skip


def _lines(doc: Invoice) -> list[dict[str, Any]]:
    rows = doc.lines.order_by("position").values(
        "position", "description", "quantity", "unit_price", "vat_rate", "net_minor"
    )
    return [{**ln, "net": Money.from_minor(ln["net_minor"], doc.currency).amount} for ln in rows]


@portal_login_required
def download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    doc = _document(request, pk)
    found = documents.download(doc, kind)
    if found is None:
        raise Http404("no such file")
    services.record_download(_user(request), doc, kind, ip=_ip(request))
    response = HttpResponse(found.data, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@portal_login_required
def pay(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    payable = doc.kind == DocumentKind.INVOICE and doc.open_minor > 0
    providers = online.providers(doc.entity) if payable else []
    response = render(request, "portal/pay.html", {
        "doc": doc, "transfer": transfer_details(doc), "payable": payable, "providers": providers,
    })  # fmt: skip
    if providers:
        # the "pay online" form is answered by a redirect to the provider's checkout page, which the
        # browser checks against this page's Content-Security-Policy form-action
        response._csp_update = {"form-action": [online.checkout_origin(name) for name, _label in providers]}  # type: ignore[attr-defined]
    return response


@portal_login_required
@require_POST
def pay_online(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    provider = request.POST.get("provider", "")
    if doc.kind != DocumentKind.INVOICE or doc.open_minor <= 0:
        messages.error(request, _("There is nothing left to pay on this invoice."))
        return redirect("portal:invoice", pk=doc.pk)
    if provider not in {name for name, _label in online.providers(doc.entity)}:
        messages.error(request, _("This payment method is not available."))
        return redirect("portal:pay", pk=doc.pk)
    return_url = reverse("portal:invoice", args=[doc.pk])  # made absolute on the configured portal URL
    try:
        target = online.start(doc, provider, return_url=return_url, actor=services.actor_of(_user(request)))
    except online.PaymentUnavailable as exc:
        log.warning("online payment of %s through %s could not start: %s", doc.number, provider, exc)
        messages.error(request, _("The online payment could not be started. Please try again later."))
        return redirect("portal:pay", pk=doc.pk)
    return HttpResponseRedirect(target)


@portal_login_required
@require_http_methods(["GET", "POST"])
def promise(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    doc = _document(request, pk)
    as_of = today()
    if doc.kind != DocumentKind.INVOICE or doc.open_minor <= 0:
        messages.error(request, _("There is nothing left to pay on this invoice."))
        return redirect("portal:invoice", pk=doc.pk)
    form = PromiseForm(request.POST or None, today=as_of, initial={"amount": doc.open_amount.amount})
    if request.method == "POST" and form.is_valid():
        amount: Decimal = form.cleaned_data["amount"]
        if not Money(amount, doc.currency).is_rounded():
            form.add_error("amount", _("Too many decimals for %(currency)s.") % {"currency": doc.currency})
        elif amount > doc.open_amount.amount:
            form.add_error(
                "amount", _("More than the amount due (%(due)s).") % {"due": doc.open_amount.amount}
            )
        else:
            try:
                take_promise(doc.customer, [doc], form.cleaned_data["promised_date"], amount,
                             actor=services.actor_of(user), taken_on=as_of, note=form.cleaned_data["note"])  # fmt: skip
            except InvalidPromise as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Thank you: your promise to pay is recorded."))
                return redirect("portal:invoice", pk=doc.pk)
    return render(
        request, "portal/promise.html", {"doc": doc, "form": form}, status=400 if form.errors else 200
    )


@portal_login_required
@require_http_methods(["GET", "POST"])
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _document(request, pk)
    if doc.kind != DocumentKind.INVOICE or doc.open_minor <= 0:
        messages.error(request, _("Only an invoice with an amount due can be disputed here."))
        return redirect("portal:invoice", pk=doc.pk)
    open_case = (
        Case.objects.filter(items__invoice=doc).exclude(status=CaseStatus.RESOLVED).order_by("pk").first()
    )
    if open_case is not None:
        messages.info(request, _("This invoice is already disputed: follow the case here."))
        return redirect("portal:case", pk=open_case.pk)
    labels = _reason_labels()
    reasons = [(r.code, labels.get(r.code, r.label)) for r in ensure_reason_codes(doc.entity)]
    lines = [
        (
            ln.position,
            f"{ln.position}. {ln.description} — {money(Money.from_minor(ln.net_minor, doc.currency).amount, doc.currency)}",
        )
        for ln in doc.lines.all()
    ]
    form = DisputeForm(request.POST or None, request.FILES or None, reasons=reasons, lines=lines)
    if request.method == "POST" and form.is_valid():
        uploads = [
            Upload(f.name, f.read(), getattr(f, "content_type", "") or "")
            for f in form.cleaned_data["attachments"]
        ]
        try:
            case = open_dispute_from_portal(
                doc.customer, doc, reason=form.cleaned_data["reason"], message=form.cleaned_data["message"],
                lines=form.cleaned_data["lines"], attachments=uploads,
            )  # fmt: skip
        except CaseError as exc:
            for problem in exc.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, _("Your dispute is recorded as %(case)s.") % {"case": case.reference})
            return redirect("portal:case", pk=case.pk)
    return render(
        request, "portal/dispute.html", {"doc": doc, "form": form}, status=400 if form.errors else 200
    )


# --- statement and contacts ------------------------------------------------------------------------


@portal_login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    customer = _customer(request, pk)
    as_of = today()
    fmt = request.GET.get("format", "html")
    if fmt == "pdf":
        from encaisse.collections.documents import statement_pdf

        data = statement_pdf(customer, as_of)
        services.record_statement_export(user, customer, "pdf", ip=_ip(request))
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(
            True, f"statement-{customer.external_id}-{as_of.isoformat()}.pdf"
        )
        return response
    st = statement_of_account(customer, as_of)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        columns = [
            "number",
            "kind",
            "issue_date",
            "due_date",
            "currency",
            "total",
            "open",
            "days_overdue",
            "status",
        ]
        writer.writerow(columns)
        for item in st.items:
            writer.writerow([item[c] for c in columns])
        services.record_statement_export(user, customer, "csv", ip=_ip(request))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            True, f"statement-{customer.external_id}-{as_of.isoformat()}.csv"
        )
        return response
    if fmt != "html":
        raise Http404("no such format")
    numbers = {it["number"] for it in st.items}
    ids = dict(Invoice.objects.filter(customer=customer, number__in=numbers).values_list("number", "pk"))
    items = [{**it, "pk": ids.get(it["number"]), "badge": it["status"]} for it in st.items]
    return render(request, "portal/statement.html", {
        "customer": customer, "statement": st, "items": items, "as_of": as_of,
        "balances": sorted(st.balances.items()), "overdue": st.overdue, "unapplied": sorted(st.unapplied.items()),
    })  # fmt: skip


@portal_login_required
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, pk: int) -> HttpResponse:
    from encaisse.delivery import config as delivery_config
    from encaisse.delivery.models import DeliveryPreference

    user = _user(request)
    customer = _customer(request, pk)
    pref = DeliveryPreference.objects.filter(customer=customer).first()
    current = (pref.channels[0] if pref and pref.channels else None) or next(
        iter(delivery_config.default_channels()), "email"
    )
    form = ContactsForm(
        request.POST or None, initial={"emails": "\n".join(customer.emails), "channel": current}
    )
    if request.method == "POST" and form.is_valid():
        try:
            emails = services.parse_emails(form.cleaned_data["emails"])
            services.update_contacts(user, customer, emails=emails, channel=form.cleaned_data["channel"])
        except services.PortalError as exc:
            form.add_error("emails", str(exc))
        else:
            messages.success(request, _("Your billing contacts are updated."))
            return redirect("portal:contacts", pk=customer.pk)
    return render(request, "portal/contacts.html", {"customer": customer, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


# --- cases --------------------------------------------------------------------------------------------


@portal_login_required
def cases(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = (
        Case.objects.filter(customer__in=user.customers.all())
        .select_related("customer", "reason")
        .prefetch_related(
            Prefetch("items", queryset=CaseItem.objects.select_related("invoice").order_by("pk"))
        )
        .order_by("-opened_at", "-pk")
    )
    show = request.GET.get("show", "")
    if show == "open":
        qs = qs.exclude(status=CaseStatus.RESOLVED)
    elif show == "resolved":
        qs = qs.filter(status=CaseStatus.RESOLVED)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = _reason_labels()
    last_message: dict[int, str] = {}  # the kind of each case's latest message the customer sees
    for case_id, kind in (
        CaseEvent.objects.filter(case_id__in=[c.pk for c in page.object_list], visibility=Visibility.CUSTOMER,
                                 kind__in=("comment", "reply")).order_by("at", "id").values_list("case_id", "kind")
    ):  # fmt: skip
        last_message[case_id] = kind
    rows = [
        {"case": c, "invoices": ", ".join(it.invoice.number for it in c.items.all()),
         "reason": labels.get(c.reason.code, c.reason.label), "amount": Money.from_minor(c.amount_minor, c.currency).amount,
         "status": accounts.CASE_STATUSES.get(c.status, c.status), "replied": last_message.get(c.pk) == "reply"}
        for c in page.object_list
    ]  # fmt: skip
    return render(request, "portal/cases.html", {
        "page": page, "rows": rows, "show": show, "query": f"show={show}" if show else "",
    })  # fmt: skip


def _visible_events(case: Case) -> list[dict[str, Any]]:
    """What the customer sees of a case's history: every status and the outcome, and the customer-visible lines.

    Those are what the customer wrote and sent, and the back office's replies
    with the files sent with them (listed under the reply, each a download),
    sent by the company (and the person, when the entity's case settings say
    so). Internal comments, files and the notes of moves stay internal.
    """
    events = list(CaseEvent.objects.filter(case=case, kind__in=CASE_EVENTS_SHOWN).order_by("at", "id"))
    files = {a.pk: a for a in CaseAttachment.objects.filter(case=case, visibility=Visibility.CUSTOMER)}
    by_content = {(a.sha256, a.filename): a for a in files.values()}  # lines written before ids were kept
    in_replies = {pk for e in events if e.kind == "reply" for pk in e.data.get("attachments", [])}
    company = notifications.company_name(case.entity)
    named = notifications.shows_author(case.entity)
    shown = []
    for e in events:
        visible = e.visibility == Visibility.CUSTOMER
        if e.kind in ("comment", "reply", "attached") and not visible:
            continue
        attached: list[CaseAttachment] = []
        if e.kind == "attached":
            found = files.get(e.data.get("attachment")) or by_content.get((e.data.get("sha256"), e.text))
            if found is None or found.pk in in_replies:
                continue  # gone, or listed under its reply
            attached = [found]
        elif e.kind == "reply":
            attached = [files[pk] for pk in e.data.get("attachments", []) if pk in files]
        author = str(e.data.get("author") or "") if named and e.kind == "reply" else ""
        shown.append({
            "event": e, "by_customer": is_customer_actor(e.actor), "text": e.text if visible else "",
            "status": accounts.CASE_STATUSES.get(e.to_status, e.to_status), "files": attached,
            "sender": f"{company} ({author})" if author else company,
            "outcome": accounts.OUTCOMES.get(str(e.data.get("outcome", ""))) if e.kind == "resolved" else "",
        })  # fmt: skip
    return shown


@portal_login_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = (
        Case.objects.filter(pk=pk, customer__in=user.customers.all())
        .select_related("customer", "reason", "entity")
        .first()
    )
    if found is None:
        raise Http404("no such case")
    form = CaseMessageForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not found.is_open:
            messages.error(request, _("This case is closed."))
            return redirect("portal:case", pk=found.pk)
        if form.is_valid():
            actor = services.actor_of(user)
            try:
                text = (form.cleaned_data["message"] or "").strip()
                if text:
                    add_comment(found, text, actor=actor)
                for f in form.cleaned_data["attachments"]:
                    attach(found, Upload(f.name, f.read(), getattr(f, "content_type", "") or ""), actor=actor)
            except CaseError as exc:
                for problem in exc.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Your message is added to the case."))
                return redirect("portal:case", pk=found.pk)
    items = list(CaseItem.objects.filter(case=found).select_related("invoice").order_by("pk"))
    return render(request, "portal/case.html", {
        "case": found, "items": items, "events": _visible_events(found), "form": form,
        "reason": _reason_labels().get(found.reason.code, found.reason.label),
        "status": accounts.CASE_STATUSES.get(found.status, found.status),
        "outcome": accounts.OUTCOMES.get(found.outcome, "") if found.outcome else "",
        "amount": Money.from_minor(found.amount_minor, found.currency).amount,
    }, status=400 if form.errors else 200)  # fmt: skip


@portal_login_required
def case_file(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    """A file of the customer's case that the customer may see (its own, or sent with a reply)."""
    user = _user(request)
    found = (
        CaseAttachment.objects.filter(
            pk=file_pk, case_id=pk, case__customer__in=user.customers.all(), visibility=Visibility.CUSTOMER
        )
        .select_related("case__entity")
        .first()
    )
    if found is None:
        raise Http404("no such file")
    try:
        data = customer_file(found, actor=services.actor_of(user))
    except ArchiveError:
        log.exception("case file %s (%s) cannot be read from the archive", found.pk, found.sha256)
        raise Http404("no such file") from None
    response = HttpResponse(data, content_type=found.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, found.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
