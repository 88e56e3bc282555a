"""Dispute and deduction cases: list, get, open, comment or reply, move, assign, resolve, approve or decline a write-off.

A comment is an internal note unless its ``visibility`` is ``customer``: it is
then a reply to the customer (:func:`encaisse.cases.services.reply_to_customer`),
shown in the portal and e-mailed to the customer's portal users and billing
contacts once the request has committed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from encaisse.api import pagination
from encaisse.api.auth import scope
from encaisse.api.problems import ApiProblem, Problem, invalid
from encaisse.api.resources.common import MAX_ID, entity_codes, entity_ids_for, scoped
from encaisse.api.schemas import CaseDetail, CaseEventOut, CaseIn, CasePage, CommentIn, ResolveIn, money
from encaisse.cases import services
from encaisse.cases.models import TRANSITIONS, Case, CaseStatus, CaseType
from encaisse.ledger.models import EntityGrant, Invoice

router = Router(tags=["cases"])
ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
READ_ERRORS: dict[int, Any] = {400: Problem, 401: Problem, 404: Problem, 422: Problem}


def case_json(c: Case, codes: dict[int, str]) -> dict[str, Any]:
    return {
        "id": c.pk, "reference": c.reference, "entity": codes[c.entity_id], "customer_id": c.customer_id,
        "type": c.type, "status": c.status, "reason": c.reason.code, "amount": money(c.amount_minor, c.currency),
        "opened_on": c.opened_on, "due_date": c.due_date, "summary": c.summary, "outcome": c.outcome,
        "resolved_amount": money(c.resolved_amount_minor, c.currency), "resolved_on": c.resolved_on,
        "owner": c.owner.get_username() if c.owner_id else None,
    }  # fmt: skip


def event_json(e: Any) -> dict[str, Any]:
    return {"at": e.at, "actor": e.actor, "kind": e.kind, "from_status": e.from_status, "to_status": e.to_status,
            "text": e.text, "visibility": e.visibility}  # fmt: skip


def _detail(c: Case, codes: dict[int, str]) -> dict[str, Any]:
    return {
        **case_json(c, codes),
        "items": [{"invoice_id": i.invoice_id, "invoice_number": i.invoice.number,
                   "amount": money(i.amount_minor, i.currency), "lines": list(i.lines or [])}
                  for i in c.items.select_related("invoice").order_by("id")],
        "events": [event_json(e) for e in c.events.order_by("id")],
    }  # fmt: skip


class CaseFilter(Schema):
    entity: str | None = None
    status: str | None = Field(None, description=", ".join(CaseStatus.values))
    type: str | None = Field(None, description=", ".join(CaseType.values))
    customer: int | None = Field(None, ge=1, le=MAX_ID)
    limit: int = Field(pagination.DEFAULT_LIMIT, ge=1, le=pagination.MAX_LIMIT)
    cursor: str | None = None


@router.get("/cases", response={200: CasePage, **READ_ERRORS})
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> Any:
    s = scope(request)
    qs = Case.objects.filter(entity_id__in=entity_ids_for(s, filters.entity)).select_related(
        "reason", "owner"
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.type:
        qs = qs.filter(type=filters.type)
    if filters.customer is not None:
        qs = qs.filter(customer_id=filters.customer)
    rows, cursor = pagination.page(qs, key=None, cursor=filters.cursor, limit=filters.limit)
    codes = entity_codes(request)
    return {"items": [case_json(c, codes) for c in rows], "next": cursor}


def _case(request: HttpRequest, case_id: int) -> Case:
    return scoped(Case.objects.select_related("entity", "reason", "owner"), scope(request), case_id, "case")


@router.get("/cases/{int:case_id}", response={200: CaseDetail, **READ_ERRORS})
def get_case(request: HttpRequest, case_id: int) -> Any:
    return _detail(_case(request, case_id), entity_codes(request))


def _problems(exc: services.CaseError, field: str = "") -> ApiProblem:
    return invalid([{"field": field, "where": "body", "reason": p} for p in exc.problems])


@router.post("/cases", response={201: CaseDetail, **ERRORS})
def open_case(request: HttpRequest, payload: CaseIn) -> Any:
    """Open a dispute or deduction on invoices of one customer (amounts default to their open amounts)."""
    s = scope(request)
    ids = [i.invoice_id for i in payload.items]
    found = {
        i.pk: i
        for i in Invoice.objects.filter(pk__in=ids, entity_id__in=s.entity_ids).select_related("entity")
    }
    missing = [{"field": f"items[{n}].invoice_id", "where": "body", "reason": "no such invoice", "value": str(i)}
               for n, i in enumerate(ids) if i not in found]  # fmt: skip
    if missing:
        raise invalid(missing)
    entity = next(iter(found.values())).entity
    try:
        items = [
            services.ItemRequest(
                found[i.invoice_id],
                None
                if i.amount is None
                else services.parse_amount(str(i.amount), found[i.invoice_id].currency),
                tuple(i.lines),
            )
            for i in payload.items
        ]
        case = services.open_case(entity, type=payload.type, items=items, reason=payload.reason, actor=s.actor,
                                  summary=payload.summary)  # fmt: skip
    except services.CaseError as exc:
        raise _problems(exc) from None
    return Status(201, _detail(_case(request, case.pk), entity_codes(request)))


@router.post("/cases/{int:case_id}/comments", response={201: CaseEventOut, **ERRORS})
def comment(request: HttpRequest, case_id: int, payload: CommentIn) -> Any:
    """An internal note, or (``"visibility": "customer"``) a reply to the customer (kind ``reply``)."""
    s = scope(request)
    case = _case(request, case_id)
    try:
        event = services.add_comment(
            case, payload.text, actor=s.actor, user=s.user, visibility=payload.visibility
        )
    except services.CaseError as exc:
        raise _problems(exc, "text") from None
    return Status(201, event_json(event))


class TransitionIn(Schema):
    to: str = Field(
        description="The status to move to: " + ", ".join(sorted(set().union(*TRANSITIONS.values())))
    )
    note: str = Field("", max_length=500, description="An internal note on the move")


@router.post("/cases/{int:case_id}/transition", response={200: CaseDetail, **ERRORS})
def move(request: HttpRequest, case_id: int, payload: TransitionIn) -> Any:
    """Move a case between its working statuses (resolving is ``/resolve``); 409 when the move is not allowed."""
    s = scope(request)
    case = _case(request, case_id)
    if payload.to not in CaseStatus.values:
        raise invalid([{"field": "to", "where": "body", "value": payload.to[:40],
                        "reason": f"unknown status (one of {', '.join(CaseStatus.values)})"}])  # fmt: skip
    try:
        moved = services.transition(case, payload.to, actor=s.actor, user=s.user, note=payload.note)
    except services.CaseError as exc:  # the move is not one the case's status allows (now)
        raise ApiProblem(409, "; ".join(exc.problems), code="transition_refused") from None
    return _detail(_case(request, moved.pk), entity_codes(request))


class AssignIn(Schema):
    owner: str | None = Field(
        None,
        max_length=150,
        description="Username of an active user who may see the case's entity; null: nobody",
    )


@router.post("/cases/{int:case_id}/assign", response={200: CaseDetail, **ERRORS})
def assign(request: HttpRequest, case_id: int, payload: AssignIn) -> Any:
    """Give the case an owner, or take it away (``"owner": null``)."""
    s = scope(request)
    case = _case(request, case_id)
    owner = None
    if payload.owner is not None:
        owner = get_user_model().objects.filter(username=payload.owner, is_active=True).first()
        if owner is None or not (
            owner.is_superuser or EntityGrant.objects.filter(user=owner, entity_id=case.entity_id).exists()
        ):
            raise invalid([{"field": "owner", "where": "body", "value": payload.owner[:40],
                            "reason": "no active user who may see this case's entity"}])  # fmt: skip
    services.assign(case, owner, actor=s.actor, user=s.user)
    return _detail(_case(request, case.pk), entity_codes(request))


@router.post("/cases/{int:case_id}/resolve", response={200: CaseDetail, **ERRORS})
def resolve(request: HttpRequest, case_id: int, payload: ResolveIn) -> Any:
    """Resolve with an outcome and post its accounting; a write-off above the limit waits for approval."""
    s = scope(request)
    case = _case(request, case_id)
    if case.status == CaseStatus.RESOLVED:
        raise ApiProblem(409, f"{case.reference} is resolved already", code="already_resolved")
    try:
        amount = None if payload.amount is None else services.parse_amount(str(payload.amount), case.currency)
        # the token's user asks for a write-off above the limit: another person approves it
        resolved = services.resolve(
            case, payload.outcome, actor=s.actor, user=s.user, amount_minor=amount, note=payload.note
        )
    except services.CaseError as exc:
        raise _problems(exc) from None
    return _detail(_case(request, resolved.pk), entity_codes(request))


class DecisionIn(Schema):
    note: str = Field("", max_length=500, description="Why (kept on the case, internal)")


def _decide(request: HttpRequest, case_id: int, approve: bool, note: str) -> Any:
    s = scope(request)
    case = _case(request, case_id)
    try:
        if approve:
            services.approve_write_off(case, user=s.user, actor=s.actor)
        else:
            services.decline_write_off(case, user=s.user, note=note, actor=s.actor)
    except services.CaseError as exc:  # nothing waits for approval, or the asker approving their own
        raise ApiProblem(409, "; ".join(exc.problems), code="approval_refused") from None
    return _detail(_case(request, case.pk), entity_codes(request))


@router.post("/cases/{int:case_id}/approve-write-off", response={200: CaseDetail, **ERRORS})
def approve_write_off(request: HttpRequest, case_id: int) -> Any:
    """Approve the write-off waiting on the case (asked above the entity's limit): it is posted and the case
    resolved. The token's user must be another person than who asked; 409 otherwise, or when none waits."""
    return _decide(request, case_id, True, "")


@router.post("/cases/{int:case_id}/decline-write-off", response={200: CaseDetail, **ERRORS})
def decline_write_off(request: HttpRequest, case_id: int, payload: DecisionIn) -> Any:
    """Decline the write-off waiting on the case: nothing is posted, the case goes back to investigating."""
    return _decide(request, case_id, False, payload.note)
