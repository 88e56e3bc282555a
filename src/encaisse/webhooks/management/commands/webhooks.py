"""encaisse webhooks add|list|disable|enable|log|redeliver|send-due: outgoing webhooks (docs/webhooks.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.cli import add_format_argument, emit
from encaisse.ledger.models import Entity
from encaisse.webhooks import sending, services
from encaisse.webhooks.emitting import EVENT_TYPES
from encaisse.webhooks.models import WebhookDelivery, WebhookEndpoint

ENDPOINT_COLUMNS = ["id", "entity", "url", "events", "active", "description", "created_at", "disabled_reason"]
LOG_COLUMNS = ["id", "entity", "endpoint", "event", "type", "status", "attempts", "last_status_code",
               "last_error", "next_attempt_at", "delivered_at", "created_at"]  # fmt: skip
ATTEMPT_COLUMNS = ["delivery", "number", "at", "status_code", "duration_ms", "error", "response_excerpt"]
OUTCOME_COLUMNS = ["delivery", "status", "attempts", "status_code", "next_attempt_at", "error"]


def _id(text: str, what: str) -> int:
    if not text.isdigit():
        raise CommandError(f"{what} must be a number, not {text!r}")
    return int(text)


def _endpoint(text: str) -> WebhookEndpoint:
    ep = WebhookEndpoint.objects.select_related("entity").filter(pk=_id(text, "the endpoint id")).first()
    if ep is None:
        raise CommandError(f"no webhook endpoint {text}")
    return ep


class Command(BaseCommand):
    help = "Outgoing webhooks: endpoints, the delivery log, sending again."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="register a receiver URL (prints its signing secret, once)")
        add.add_argument("url")
        add.add_argument("--entity", required=True, help="entity code")
        add.add_argument(
            "--event",
            action="append",
            default=[],
            help=f"event type (repeat; default all): {', '.join(EVENT_TYPES)}",
        )
        add.add_argument("--description", default="")
        lst = sub.add_parser("list", help="list endpoints")
        lst.add_argument("--entity")
        add_format_argument(lst)
        dis = sub.add_parser("disable", help="stop sending to an endpoint")
        dis.add_argument("id")
        dis.add_argument("--reason", default="")
        ena = sub.add_parser("enable", help="send to a disabled endpoint again")
        ena.add_argument("id")
        log = sub.add_parser("log", help="the delivery log, newest first")
        log.add_argument("--endpoint", help="endpoint id")
        log.add_argument("--entity")
        log.add_argument("--failed", action="store_true", help="failed deliveries and those being retried")
        log.add_argument(
            "--attempts", action="store_true", help="every attempt instead of one row per delivery"
        )
        log.add_argument("--limit", type=int, default=100, help="at most this many deliveries (0: all)")
        add_format_argument(log)
        red = sub.add_parser("redeliver", help="send a delivery again now (fresh attempts)")
        red.add_argument("delivery_id")
        red.add_argument("--queue-only", action="store_true", help="leave the sending to the job worker")
        due = sub.add_parser("send-due", help="send every due delivery now")
        due.add_argument("--limit", type=int, default=1000)
        add_format_argument(due)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, "_" + opts["action"].replace("-", "_"))(opts)

    def _add(self, opts: dict[str, Any]) -> None:
        entity = Entity.objects.filter(code=opts["entity"]).first()
        if entity is None:
            raise CommandError(f"--entity: no entity {opts['entity']!r}")
        try:
            made = services.create_endpoint(
                entity,
                opts["url"],
                events=opts["event"] or ["*"],
                description=opts["description"],
                actor="cli",
            )
        except services.WebhookError as exc:
            raise CommandError("\n".join(exc.problems)) from None
        ep = made.endpoint
        self.stdout.write(f"endpoint {ep.pk}: {ep.url} ({', '.join(ep.events)}) for entity {entity.code}")
        self.stdout.write(f"secret: {made.secret}")
        self.stdout.write("Keep this secret now: it is not shown again. Receivers verify signatures with it.")

    def _list(self, opts: dict[str, Any]) -> None:
        qs = WebhookEndpoint.objects.select_related("entity").order_by("id")
        if opts["entity"]:
            qs = qs.filter(entity__code=opts["entity"])
        rows = [{"id": e.pk, "entity": e.entity.code, "url": e.url, "events": ",".join(e.events), "active": e.active,
                 "description": e.description, "created_at": e.created_at, "disabled_reason": e.disabled_reason}
                for e in qs]  # fmt: skip
        emit(self.stdout, rows, ENDPOINT_COLUMNS, opts["format"], title="Webhook endpoints")

    def _disable(self, opts: dict[str, Any]) -> None:
        try:
            ep = services.disable_endpoint(_endpoint(opts["id"]), reason=opts["reason"], actor="cli")
        except services.WebhookError as exc:
            raise CommandError("\n".join(exc.problems)) from None
        self.stdout.write(f"endpoint {ep.pk} disabled")

    def _enable(self, opts: dict[str, Any]) -> None:
        try:
            ep = services.enable_endpoint(_endpoint(opts["id"]), actor="cli")
        except services.WebhookError as exc:
            raise CommandError("\n".join(exc.problems)) from None
        self.stdout.write(f"endpoint {ep.pk} enabled")

    def _log(self, opts: dict[str, Any]) -> None:
        endpoint = _endpoint(opts["endpoint"]) if opts["endpoint"] else None
        entities = None
        if opts["entity"]:
            entities = list(Entity.objects.filter(code=opts["entity"]))
            if not entities:
                raise CommandError(f"--entity: no entity {opts['entity']!r}")
        qs = services.log_entries(endpoint=endpoint, failed=opts["failed"], entities=entities)
        if opts["limit"]:
            qs = qs[: opts["limit"]]
        deliveries = list(qs)
        if opts["attempts"]:
            rows = [{"delivery": d.pk, "number": a.number, "at": a.at, "status_code": a.status_code,
                     "duration_ms": a.duration_ms, "error": a.error, "response_excerpt": a.response_excerpt[:200]}
                    for d in deliveries for a in services.attempts_of(d)]  # fmt: skip
            emit(self.stdout, rows, ATTEMPT_COLUMNS, opts["format"], title="Webhook attempts")
            return
        emit(self.stdout, [services.as_dict(d) for d in deliveries], LOG_COLUMNS, opts["format"],
             title="Webhook deliveries")  # fmt: skip

    def _redeliver(self, opts: dict[str, Any]) -> None:
        d = WebhookDelivery.objects.filter(pk=_id(opts["delivery_id"], "the delivery id")).first()
        if d is None:
            raise CommandError(f"no webhook delivery {opts['delivery_id']}")
        try:
            d = services.redeliver(d, actor="cli")
        except services.WebhookError as exc:
            raise CommandError("\n".join(exc.problems)) from None
        if opts["queue_only"]:
            self.stdout.write(f"delivery {d.pk} queued")
            return
        for o in sending.deliver([d.pk]):
            self.stdout.write(f"delivery {o.delivery_id}: {o.status}" + (f" ({o.error})" if o.error else ""))

    def _send_due(self, opts: dict[str, Any]) -> None:
        outcomes = sending.deliver(limit=opts["limit"])
        rows = [{"delivery": o.delivery_id, "status": o.status, "attempts": o.attempts, "status_code": o.status_code,
                 "next_attempt_at": o.next_attempt_at, "error": o.error} for o in outcomes]  # fmt: skip
        emit(self.stdout, rows, OUTCOME_COLUMNS, opts["format"], title=f"{len(rows)} webhook deliveries sent")
