"""Real servers the delivery tests talk to, on 127.0.0.1: an SMTP server and a Peppol access point.

:class:`SmtpSink` is an aiosmtpd handler that keeps every message it accepts
and refuses the recipients it is told to (as a mail server does for an unknown
mailbox). :class:`AccessPointStandIn` answers like an access point's REST API
(the contract in docs/delivery.md): it accepts a well-formed UBL with its
routing headers (or JSON envelope) and returns a message id, rejects an
invalid document with 400 and its reasons, answers 503 when told to (to force
retries), returns the first id again for a repeated Idempotency-Key, and
serves each message's delivery status.
"""

from __future__ import annotations

import base64
import email
import email.policy
import itertools
import json
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from lxml import etree

UBL_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class SmtpSink:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        reply = self.refuse.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
        return "250 2.0.0 Ok: queued"

    def messages_to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_smtp(handler: SmtpSink) -> Controller:
    last: Exception | None = None
    for _ in range(5):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port())
        try:
            controller.start()
        except OSError as exc:  # the port was taken between the probe and the bind
            last = exc
            continue
        return controller
    raise RuntimeError(f"cannot start the SMTP server: {last}")


@dataclass
class Submission:
    id: str
    headers: dict[str, str]
    document: bytes
    key: str


@dataclass
class AccessPointState:
    token: str = "ap-secret-token"
    fail_next: list[int] = field(default_factory=list)  # statuses to answer before accepting again
    submissions: list[Submission] = field(default_factory=list)
    by_key: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, tuple[str, str]] = field(default_factory=dict)
    counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    lock: threading.Lock = field(default_factory=threading.Lock)


def _problems(document: bytes, routing: dict[str, str]) -> list[str]:
    """What an access point checks before it takes a document."""
    problems = [f"missing {h}" for h in ("sender", "receiver", "documentType") if not routing.get(h)]
    try:
        root = etree.fromstring(document)
    except etree.XMLSyntaxError as exc:
        return [*problems, f"not well-formed XML: {exc}"]
    if etree.QName(root).localname not in ("Invoice", "CreditNote"):
        problems.append(f"not a UBL invoice: {etree.QName(root).localname}")
    if not root.findtext(f"{{{UBL_NS}}}ID"):
        problems.append("BT-1: the invoice has no number")
    endpoints = root.findall(f".//{{{UBL_NS}}}EndpointID")
    if routing.get("receiver") and endpoints:
        declared = {f"{e.get('schemeID')}:{e.text}" for e in endpoints}
        if routing["receiver"].split("::", 1)[-1] not in declared:
            problems.append("the receiver in the envelope is not the buyer of the document")
    return problems


class _Handler(BaseHTTPRequestHandler):
    state: AccessPointState

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _reply(self, code: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == f"Bearer {self.state.token}":
            return True
        self._reply(401, {"error": "unauthorised"})
        return False

    def do_POST(self) -> None:
        if not self._authorised():
            return
        if self.path.rstrip("/") != "/documents":
            self._reply(404, {"error": "no such endpoint"})
            return
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with self.state.lock:
            if self.state.fail_next:
                self._reply(self.state.fail_next.pop(0), {"error": "service unavailable, try again later"})
                return
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            envelope = json.loads(body)
            document = base64.b64decode(envelope.get("document", ""))
            routing = {k: envelope.get(k, "") for k in ("sender", "receiver", "documentType", "process")}
        else:
            document = body
            routing = {"sender": self.headers.get("X-Peppol-Sender", ""),
                       "receiver": self.headers.get("X-Peppol-Receiver", ""),
                       "documentType": self.headers.get("X-Peppol-Document-Type", ""),
                       "process": self.headers.get("X-Peppol-Process", "")}  # fmt: skip
        key = self.headers.get("Idempotency-Key", "")
        problems = _problems(document, routing)
        if problems:
            self._reply(400, {"error": "invalid document", "reasons": problems})
            return
        with self.state.lock:
            if key and key in self.state.by_key:
                self._reply(200, {"id": self.state.by_key[key], "status": "accepted", "duplicate": True})
                return
            ident = f"AP-{next(self.state.counter):05d}"
            self.state.submissions.append(Submission(ident, routing, document, key))
            self.state.statuses[ident] = ("accepted", "")
            if key:
                self.state.by_key[key] = ident
        self._reply(202, {"id": ident, "status": "accepted"})

    def do_GET(self) -> None:
        if not self._authorised():
            return
        ident = self.path.rstrip("/").rsplit("/", 1)[-1]
        with self.state.lock:
            status = self.state.statuses.get(ident)
        if status is None:
            self._reply(404, {"error": "unknown message"})
            return
        self._reply(200, {"id": ident, "status": status[0], "reason": status[1]})


class AccessPointStandIn:
    def __init__(self) -> None:
        self.state = AccessPointState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> AccessPointStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
