"""A local stand-in for the parts of Stripe's and Mollie's APIs that Encaisse uses.

A small HTTP server (``http.server`` in a thread, on 127.0.0.1 and a free
port unless told otherwise) that answers like the real services do, for the
tests, the demo and manual trials without an account or a network:

* ``POST /v1/checkout/sessions`` and ``GET /v1/checkout/sessions/{id}``
  (Stripe: form-encoded, ``Authorization: Bearer`` the secret key, ``cs_test_…``
  ids, amounts in Stripe's units, ``Idempotency-Key`` honoured);
* ``POST /v2/payments`` and ``GET /v2/payments/{id}`` (Mollie: JSON, the
  ``test_…`` key, ``tr_…`` ids, ``amount.value`` checked to have exactly the
  currency's decimals);
* ``GET /checkout/{id}``: a minimal hosted payment page with a button per
  outcome; ``GET`` or ``POST /pay/{id}`` (``outcome=paid`` by default, or
  ``failed``, ``expired``, ``canceled``; ``async_paid`` for Stripe, ``open``
  for Mollie) settles the payment, sends the webhook exactly as the provider
  would, then redirects the customer back. Stripe's webhook is the signed
  event JSON (``Stripe-Signature``) sent to the endpoint registered with the
  stand-in (``stripe_webhook_url``, as in Stripe's dashboard); Mollie's is
  the form ``id=tr_…`` sent to the payment's ``webhookUrl``, after which our
  side fetches the payment back.

Webhooks are delivered synchronously (the redirect waits for them) and kept in
:attr:`ProviderStandIn.deliveries`, so that tests can look at them and replay
them. ``encaisse payments-standin`` runs it in the foreground.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from encaisse.core.money import InvalidAmount, Money, minor_unit
from encaisse.payments.providers import mollie, stripe

# Keys of the stand-in only: they open nothing anywhere else.
STRIPE_SECRET_KEY = "sk_test_standin_4eC39HqLyjWDarjtT1zdp7dc"  # noqa: S105
STRIPE_WEBHOOK_SECRET = "whsec_standin_0b1f2c3d4e5f60718293a4b5c6d7e8f9"  # noqa: S105
MOLLIE_API_KEY = "test_standinDHar4XY7LxsDOtmnkVtjNVWXLSlXsM"
_ALNUM = string.ascii_letters + string.digits
_STRIPE_OUTCOMES = ("paid", "async_paid", "failed", "expired", "canceled")
_MOLLIE_OUTCOMES = ("paid", "failed", "expired", "canceled", "open")


def _token(n: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(n))


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


@dataclass
class Delivery:
    """One webhook sent (or, with ``deliver=False``, prepared) by the stand-in."""

    provider: str
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # our endpoint's HTTP answer; None: not sent or unreachable
    error: str = ""


@dataclass
class _Answer:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, payload: Any) -> _Answer:
    return _Answer(status, json.dumps(payload).encode())


class ProviderStandIn:
    """The stand-in server; a context manager that starts and stops it."""

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, stripe_secret_key: str = STRIPE_SECRET_KEY,
        stripe_webhook_secret: str = STRIPE_WEBHOOK_SECRET, stripe_webhook_url: str = "",
        mollie_api_key: str = MOLLIE_API_KEY, mollie_webhook_secret: str = "", quiet: bool = True,
    ) -> None:  # fmt: skip
        self.stripe_secret_key = stripe_secret_key
        self.stripe_webhook_secret = stripe_webhook_secret
        self.stripe_webhook_url = stripe_webhook_url
        self.mollie_api_key = mollie_api_key
        self.mollie_webhook_secret = mollie_webhook_secret
        self.quiet = quiet
        self.sessions: dict[str, dict[str, Any]] = {}
        self.payments: dict[str, dict[str, Any]] = {}
        self.deliveries: list[Delivery] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every API call, in order
        self._idempotent: dict[tuple[str, str], str] = {}
        self.lock = threading.RLock()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.standin = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    # -- life --------------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ProviderStandIn:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="payments-standin",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the management command)."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ProviderStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """The settings that point Encaisse at this stand-in."""
        return {
            "ENCAISSE_STRIPE_API_BASE": self.url,
            "ENCAISSE_STRIPE_SECRET_KEY": self.stripe_secret_key,
            "ENCAISSE_STRIPE_WEBHOOK_SECRET": self.stripe_webhook_secret,
            "ENCAISSE_MOLLIE_API_BASE": self.url,
            "ENCAISSE_MOLLIE_API_KEY": self.mollie_api_key,
            **(
                {"ENCAISSE_MOLLIE_WEBHOOK_SECRET": self.mollie_webhook_secret}
                if self.mollie_webhook_secret
                else {}
            ),
        }

    # -- what a customer does on the hosted page ---------------------------------------------------
    def pay(
        self, provider_id: str, outcome: str = "paid", *, amount_minor: int | None = None,
        currency: str | None = None, deliver: bool = True,
    ) -> list[Delivery]:  # fmt: skip
        """Settle a session or payment as the customer would, and send (or prepare) its webhooks.

        ``amount_minor``/``currency`` (ISO minor units) make the provider report
        another amount than was asked, as a tampered or misconfigured checkout would.
        """
        with self.lock:
            if provider_id in self.sessions:
                prepared = self._settle_stripe(provider_id, outcome, amount_minor, currency)
            elif provider_id in self.payments:
                prepared = self._settle_mollie(provider_id, outcome, amount_minor, currency)
            else:
                raise KeyError(provider_id)
            self.deliveries.extend(prepared)
        if deliver:
            for d in prepared:
                self.send(d)
        return prepared

    def send(self, delivery: Delivery) -> Delivery:
        """POST a webhook to its URL (again, for a replay) and record our endpoint's answer."""
        if not delivery.url:
            delivery.error = "no webhook URL registered"
            return delivery
        try:
            response = requests.post(delivery.url, data=delivery.body, headers=delivery.headers, timeout=30,
                                     allow_redirects=False)  # fmt: skip
            delivery.status, delivery.error = response.status_code, ""
        except requests.RequestException as exc:
            delivery.status, delivery.error = None, type(exc).__name__
        return delivery

    def _settle_stripe(
        self, sid: str, outcome: str, amount_minor: int | None, currency: str | None
    ) -> list[Delivery]:
        if outcome not in _STRIPE_OUTCOMES:
            raise ValueError(f"Stripe outcomes: {', '.join(_STRIPE_OUTCOMES)}")
        s = self.sessions[sid]
        if s["status"] != "open":
            return []
        if currency:
            s["currency"] = currency.lower()
        if amount_minor is not None:
            s["amount_total"] = s["amount_subtotal"] = stripe.stripe_units(
                Money.from_minor(amount_minor, s["currency"].upper())
            )
        if outcome == "canceled":  # the customer went back: the session stays open until it expires
            return []
        if outcome == "expired":
            s.update(status="expired", url=None)
            return [self._stripe_event("checkout.session.expired", s)]
        s.update(status="complete", url=None, payment_intent=f"pi_{_token(24)}")
        if outcome == "paid":
            s["payment_status"] = "paid"
            return [self._stripe_event("checkout.session.completed", s)]
        events = [self._stripe_event("checkout.session.completed", s)]  # asynchronous method: unpaid first
        if outcome == "async_paid":
            s["payment_status"] = "paid"
            events.append(self._stripe_event("checkout.session.async_payment_succeeded", s))
        else:
            events.append(self._stripe_event("checkout.session.async_payment_failed", s))
        return events

    def _stripe_event(self, event_type: str, session: dict[str, Any]) -> Delivery:
        event = {
            "id": f"evt_{_token(24)}", "object": "event", "api_version": "2024-06-20", "created": int(time.time()),
            "livemode": False, "pending_webhooks": 1, "type": event_type,
            "request": {"id": None, "idempotency_key": None}, "data": {"object": json.loads(json.dumps(session))},
        }  # fmt: skip
        body = json.dumps(event, indent=2).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": stripe.sign(body, self.stripe_webhook_secret, int(time.time())),
        }
        return Delivery("stripe", self.stripe_webhook_url, headers, body)

    def _settle_mollie(
        self, pid: str, outcome: str, amount_minor: int | None, currency: str | None
    ) -> list[Delivery]:
        if outcome not in _MOLLIE_OUTCOMES:
            raise ValueError(f"Mollie outcomes: {', '.join(_MOLLIE_OUTCOMES)}")
        p = self.payments[pid]
        if p["status"] not in ("open", "pending"):
            return []
        if currency or amount_minor is not None:
            cur = currency or p["amount"]["currency"]
            minor = (
                amount_minor if amount_minor is not None else Money(p["amount"]["value"], cur).minor_units()
            )
            p["amount"] = {"currency": cur, "value": mollie.mollie_value(Money.from_minor(minor, cur))}
        if outcome != "open":
            p["status"] = outcome
            p.pop("expiresAt", None)
            p["_links"].pop("checkout", None)
            p[
                {"paid": "paidAt", "failed": "failedAt", "expired": "expiredAt", "canceled": "canceledAt"}[
                    outcome
                ]
            ] = _iso(time.time())
            if outcome == "paid":
                p["method"] = "ideal"
                p["amountRemaining"] = {"currency": p["amount"]["currency"], "value": "0.00"}
        body = f"id={pid}".encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "Mollie.nl HTTP client/1.0",
        }
        if self.mollie_webhook_secret:
            headers["X-Mollie-Signature"] = mollie.sign(body, self.mollie_webhook_secret)
        return [Delivery("mollie", p.get("webhookUrl") or "", headers, body)]

    # -- the HTTP API --------------------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes) -> _Answer:
        parts = urlsplit(target)
        path, query = parts.path, dict(parse_qsl(parts.query))
        with self.lock:
            self.requests.append((method, path))
        auth = headers.get("authorization", "")
        if m := re.fullmatch(r"/v1/checkout/sessions(?:/([A-Za-z0-9_]+))?", path):
            if auth != f"Bearer {self.stripe_secret_key}":
                return _json(401, {"error": {"type": "invalid_request_error",
                                             "message": "Invalid API Key provided: " + auth[7:15] + "****"}})  # fmt: skip
            if method == "POST" and m.group(1) is None:
                return self._create_session(body, headers.get("idempotency-key", ""))
            if method == "GET" and m.group(1):
                with self.lock:
                    s = self.sessions.get(m.group(1))
                    if s is None:
                        return _json(404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                                     "message": f"No such checkout.session: '{m.group(1)}'"}})  # fmt: skip
                    return _json(200, s)
        if m := re.fullmatch(r"/v2/payments(?:/([A-Za-z0-9_]+))?", path):
            if auth != f"Bearer {self.mollie_api_key}":
                return _json(401, {"status": 401, "title": "Unauthorized Request",
                                   "detail": "Missing authentication, or failed to authenticate"})  # fmt: skip
            if method == "POST" and m.group(1) is None:
                return self._create_payment(body, headers.get("idempotency-key", ""))
            if method == "GET" and m.group(1):
                with self.lock:
                    p = self.payments.get(m.group(1))
                    if p is None:
                        return _json(404, {"status": 404, "title": "Not Found",
                                           "detail": f"No payment exists with token {m.group(1)}."})  # fmt: skip
                    return _json(200, p)
        if m := re.fullmatch(r"/checkout/([A-Za-z0-9_]+)/?", path):
            return self._checkout_page(m.group(1))
        if m := re.fullmatch(r"/pay/([A-Za-z0-9_]+)/?", path):
            form = dict(parse_qsl(body.decode("utf-8", "replace"))) if method == "POST" else {}
            return self._pay_page(m.group(1), form.get("outcome") or query.get("outcome") or "paid")
        if path == "/" and method == "GET":
            return self._index()
        return _json(404, {"error": {"message": f"the stand-in has no {method} {path}"}})

    def _create_session(self, body: bytes, idempotency_key: str) -> _Answer:
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        with self.lock:
            if idempotency_key and ("stripe", idempotency_key) in self._idempotent:
                return _json(200, self.sessions[self._idempotent[("stripe", idempotency_key)]])

        def refuse(param: str, message: str) -> _Answer:
            return _json(
                400, {"error": {"type": "invalid_request_error", "param": param, "message": message}}
            )

        if form.get("mode") != "payment":
            return refuse("mode", "Missing required param: mode.")
        if not form.get("success_url", "").startswith(("http://", "https://")):
            return refuse("success_url", "Not a valid URL")
        currency = form.get("line_items[0][price_data][currency]", "")
        if not re.fullmatch(r"[a-z]{3}", currency):
            return refuse(
                "line_items[0][price_data][currency]", "Invalid currency: must be a lowercase ISO code"
            )
        try:
            unit = int(form.get("line_items[0][price_data][unit_amount]", ""))
            quantity = int(form.get("line_items[0][quantity]", ""))
        except ValueError:
            return refuse("line_items[0][price_data][unit_amount]", "Invalid integer")
        if unit < 1 or quantity < 1:
            return refuse(
                "line_items[0][price_data][unit_amount]", "This value must be greater than or equal to 1."
            )
        if not form.get("line_items[0][price_data][product_data][name]"):
            return refuse("line_items[0][price_data][product_data][name]", "Missing required param.")
        sid = f"cs_test_{_token(58)}"
        now = int(time.time())
        session = {
            "id": sid, "object": "checkout.session", "amount_subtotal": unit * quantity, "amount_total": unit * quantity,
            "cancel_url": form.get("cancel_url"), "client_reference_id": form.get("client_reference_id") or None,
            "created": now, "currency": currency, "expires_at": now + 86400, "livemode": False,
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[") and k.endswith("]")},
            "mode": "payment", "payment_intent": None, "payment_status": "unpaid", "status": "open",
            "success_url": form.get("success_url"), "url": f"{self.url}/checkout/{sid}",
        }  # fmt: skip
        with self.lock:
            self.sessions[sid] = session
            if idempotency_key:
                self._idempotent[("stripe", idempotency_key)] = sid
        return _json(200, session)

    def _create_payment(self, body: bytes, idempotency_key: str) -> _Answer:
        with self.lock:
            if idempotency_key and ("mollie", idempotency_key) in self._idempotent:
                return _json(201, self.payments[self._idempotent[("mollie", idempotency_key)]])

        def refuse(field_name: str, detail: str) -> _Answer:
            return _json(
                422, {"status": 422, "title": "Unprocessable Entity", "detail": detail, "field": field_name}
            )

        try:
            data = json.loads(body)
        except ValueError:
            return _json(
                400, {"status": 400, "title": "Bad Request", "detail": "The request body is not valid JSON"}
            )
        amount = data.get("amount") if isinstance(data, dict) else None
        if not isinstance(amount, dict) or not re.fullmatch(r"[A-Z]{3}", str(amount.get("currency", ""))):
            return refuse("amount.currency", "The amount currency is invalid")
        value, decimals = amount.get("value"), minor_unit(str(amount["currency"]))
        pattern = r"\d+" + (rf"\.\d{{{decimals}}}" if decimals else "")
        if not isinstance(value, str) or not re.fullmatch(pattern, value):
            return refuse("amount.value", "The amount contains an invalid value")
        try:
            if Money(value, amount["currency"]).amount <= 0:
                return refuse("amount.value", "The amount is lower than the minimum")
        except InvalidAmount:
            return refuse("amount.value", "The amount contains an invalid value")
        if not str(data.get("description", "")).strip():
            return refuse("description", "The description is invalid")
        if not str(data.get("redirectUrl", "")).startswith(("http://", "https://")):
            return refuse("redirectUrl", "The redirect URL is invalid")
        pid = f"tr_{_token(10)}"
        now = time.time()
        payment = {
            "resource": "payment", "id": pid, "mode": "live" if self.mollie_api_key.startswith("live_") else "test",
            "createdAt": _iso(now), "status": "open", "isCancelable": False, "amount": amount,
            "description": data["description"], "method": None, "metadata": data.get("metadata"),
            "locale": "en_US", "profileId": "pfl_standin01", "sequenceType": "oneoff",
            "redirectUrl": data["redirectUrl"], "cancelUrl": data.get("cancelUrl"), "webhookUrl": data.get("webhookUrl"),
            "expiresAt": _iso(now + 900),
            "_links": {"self": {"href": f"{self.url}/v2/payments/{pid}", "type": "application/hal+json"},
                       "checkout": {"href": f"{self.url}/checkout/{pid}", "type": "text/html"}},
        }  # fmt: skip
        with self.lock:
            self.payments[pid] = payment
            if idempotency_key:
                self._idempotent[("mollie", idempotency_key)] = pid
        return _json(201, payment)

    # -- the hosted pages ------------------------------------------------------------------------------
    def _describe(self, pid: str) -> tuple[str, str, str, tuple[str, ...]] | None:
        """(provider, amount text, description, outcomes) of a session or payment."""
        with self.lock:
            if pid in self.sessions:
                s = self.sessions[pid]
                amount = stripe.from_stripe_units(s["amount_total"], s["currency"])
                return "Stripe", str(amount), s["status"], _STRIPE_OUTCOMES
            if pid in self.payments:
                p = self.payments[pid]
                return (
                    "Mollie",
                    f"{p['amount']['value']} {p['amount']['currency']}",
                    p["status"],
                    _MOLLIE_OUTCOMES,
                )
        return None

    def _checkout_page(self, pid: str) -> _Answer:
        found = self._describe(pid)
        if found is None:
            return _Answer(404, b"<h1>No such payment</h1>", "text/html; charset=utf-8")
        provider, amount, status, outcomes = found
        buttons = "".join(
            f'<button name="outcome" value="{o}"{" autofocus" if o == "paid" else ""}>'
            f"{'Pay ' + html.escape(amount) if o == 'paid' else o.replace('_', ' ').capitalize()}</button> "
            for o in outcomes
        )
        page = (
            f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{provider} checkout (stand-in)</title>'
            '</head><body style="font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto">'
            f"<h1>{provider} checkout (local stand-in)</h1><p>Amount: <strong>{html.escape(amount)}</strong></p>"
            f"<p>Status: {html.escape(status)}</p>"
            f'<form method="post" action="/pay/{pid}">{buttons}</form></body></html>'
        )
        return _Answer(200, page.encode(), "text/html; charset=utf-8")

    def _pay_page(self, pid: str, outcome: str) -> _Answer:
        if self._describe(pid) is None:
            return _Answer(404, b"<h1>No such payment</h1>", "text/html; charset=utf-8")
        try:
            self.pay(pid, outcome)
        except ValueError as exc:
            return _Answer(400, html.escape(str(exc)).encode(), "text/plain; charset=utf-8")
        with self.lock:
            if pid in self.sessions:
                s = self.sessions[pid]
                back = (
                    s["cancel_url"]
                    if outcome in ("canceled", "expired", "failed") and s["cancel_url"]
                    else s["success_url"]
                )
            else:
                p = self.payments[pid]
                back = p["cancelUrl"] if outcome == "canceled" and p.get("cancelUrl") else p["redirectUrl"]
        return _Answer(303, b"", "text/plain", {"Location": back})

    def _index(self) -> _Answer:
        with self.lock:
            ids = list(self.sessions) + list(self.payments)
        rows = "".join(f'<li><a href="/checkout/{i}">{i}</a></li>' for i in ids) or "<li>none yet</li>"
        page = f"<!doctype html><title>Payment stand-in</title><h1>Payment stand-in</h1><ul>{rows}</ul>"
        return _Answer(200, page.encode(), "text/html; charset=utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        standin: ProviderStandIn = self.server.standin  # type: ignore[attr-defined]
        answer = standin.handle(
            self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
        )
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        if answer.content_type.startswith("application/json"):
            self.send_header("Request-Id", f"req_{_token(14)}")
        for k, v in answer.headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(answer.body)

    do_GET = _serve
    do_POST = _serve

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.standin.quiet:  # type: ignore[attr-defined]
            super().log_message(format, *args)
