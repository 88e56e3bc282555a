"""Peppol: the UBL handed to an access point, over its REST API or through a folder it watches.

Participant and document identifiers are taken from the UBL being sent (the
seller's and buyer's ``EndpointID``, the root element and ``CustomizationID``),
so that the envelope always matches the document; a customer's preference may
name the receiver explicitly.

**REST API** (``ENCAISSE_PEPPOL_AP_URL``) — the contract, documented in
docs/delivery.md:

- ``POST {url}/documents`` with the UBL as the body (``Content-Type:
  application/xml``) and the headers ``X-Peppol-Sender``, ``X-Peppol-Receiver``,
  ``X-Peppol-Document-Type``, ``X-Peppol-Process`` and ``Idempotency-Key``;
  or, with ``ENCAISSE_PEPPOL_AP_FORMAT=json``, one JSON envelope carrying the
  same fields and the UBL in base64. Authentication: ``Authorization: Bearer``
  (``ENCAISSE_PEPPOL_AP_TOKEN``) or HTTP basic (``…_USER``/``…_PASSWORD``).
- 2xx with ``{"id": …}``: accepted, the id is the provider message id (sent).
  400/422: the document is rejected (not retried), ``error``/``reasons`` say
  why. 408, 425, 429, 5xx, timeouts and refused connections: retried. Other
  4xx (401, 403, 404…): failed, a person must fix the set-up.
- ``GET {url}/documents/{id}``: ``{"status": "delivered" | "rejected" |
  "failed" | …, "reason": …}``, polled until final; or the access point calls
  our webhook with the same body.
- A submission repeated with the same ``Idempotency-Key`` returns the first
  one's id and sends nothing: after a crash the UBL is simply submitted again.

**Folder** (``ENCAISSE_PEPPOL_OUTBOX``): ``<key>.xml`` (the UBL) then
``<key>.json`` (the envelope, written last: its presence means the pair is
complete), each written to a temporary name and renamed, for access-point
software that picks files up.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from encaisse.delivery import config
from encaisse.delivery.channels import Addressee, Attachment, ChannelResult, Outcome, OutgoingMessage
from encaisse.delivery.models import Delivery
from encaisse.formats.einvoice.model import Document, EInvoiceError
from encaisse.formats.einvoice.ubl import read_ubl

PARTICIPANT_SCHEME = "iso6523-actorid-upis"
DOCUMENT_SCHEME = "busdox-docid-qns"
PROCESS_SCHEME = "cenbii-procid-ubl"
DEFAULT_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
_UBL_ROOTS = {
    False: "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice",
    True: "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote",
}
RETRIED_4XX = frozenset({408, 425, 429})


@dataclass(frozen=True, slots=True)
class Envelope:
    sender: str
    receiver: str
    document_type: str
    process: str
    key: str

    def headers(self) -> dict[str, str]:
        return {
            "X-Peppol-Sender": self.sender,
            "X-Peppol-Receiver": self.receiver,
            "X-Peppol-Document-Type": self.document_type,
            "X-Peppol-Process": self.process,
            "Idempotency-Key": self.key,
        }

    def as_json(self, ubl: bytes | None = None, filename: str = "") -> dict[str, Any]:
        data: dict[str, Any] = {
            "sender": self.sender,
            "receiver": self.receiver,
            "documentType": self.document_type,
            "process": self.process,
            "idempotencyKey": self.key,
        }
        if ubl is not None:
            data["document"] = base64.b64encode(ubl).decode()
            data["sha256"] = hashlib.sha256(ubl).hexdigest()
        if filename:
            data["file"] = filename
        return data


def participant(scheme: str | None, value: str) -> str:
    """``iso6523-actorid-upis::0208:0123456749`` (a value that already has its scheme is kept)."""
    value = value.strip()
    if value.startswith(PARTICIPANT_SCHEME + "::"):
        return value
    return f"{PARTICIPANT_SCHEME}::{f'{scheme}:' if scheme and ':' not in value else ''}{value}"


def envelope(document: Document, key: str, receiver_override: str = "") -> Envelope:
    """The routing data of a UBL document; raises ValueError when a participant id is missing."""
    if document.seller.endpoint is None:
        raise ValueError("the UBL has no seller electronic address (BT-34)")
    receiver = receiver_override
    if not receiver:
        if document.buyer.endpoint is None:
            raise ValueError("the UBL has no buyer electronic address (BT-49)")
        receiver = participant(document.buyer.endpoint.scheme, document.buyer.endpoint.value)
    else:
        receiver = participant(None, receiver)
    customization = (
        document.specification_id
        or "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    return Envelope(
        sender=participant(document.seller.endpoint.scheme, document.seller.endpoint.value),
        receiver=receiver,
        document_type=f"{DOCUMENT_SCHEME}::{_UBL_ROOTS[document.is_credit_note]}##{customization}::2.1",
        process=f"{PROCESS_SCHEME}::{document.process_id or DEFAULT_PROCESS}",
        key=key,
    )


def _envelope_for(
    delivery: Delivery, message: OutgoingMessage
) -> tuple[Envelope, Attachment] | ChannelResult:
    ubl = message.ubl
    if ubl is None:
        return ChannelResult(Outcome.UNAVAILABLE, detail="no UBL for this invoice")
    try:
        document = read_ubl(ubl.content, source=ubl.filename)
        return envelope(document, delivery.key, message.addressee.peppol_id), ubl
    except (EInvoiceError, ValueError) as exc:
        return ChannelResult(Outcome.UNAVAILABLE, detail=f"cannot route the UBL: {exc}")


def _unavailable(addressee: Addressee) -> str | None:
    if not config.peppol_transport():
        return "Peppol is not set up (no access point URL nor outbox folder)"
    if not addressee.peppol_id:
        return "the customer has no Peppol participant id"
    return None


def _reason(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        parts = [str(body.get(k)) for k in ("error", "message", "detail") if body.get(k)]
        reasons = body.get("reasons") or body.get("errors") or []
        if isinstance(reasons, list):
            parts.extend(str(r) for r in reasons)
        return "; ".join(parts)[:500] or json.dumps(body)[:300]
    return str(body)[:300]


@dataclass(frozen=True, slots=True)
class ProviderStatus:
    provider_id: str
    status: str  # delivered | rejected | pending
    reason: str = ""


FINAL_STATUSES = {"delivered": "delivered", "rejected": "rejected", "failed": "rejected", "error": "rejected"}


class AccessPointChannel:
    """Peppol through an access point's REST API (see the module docstring)."""

    name = "peppol"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or config.value("ENCAISSE_PEPPOL_AP_URL")).rstrip("/")
        self.format = config.value("ENCAISSE_PEPPOL_AP_FORMAT", "headers")
        self.timeout = float(config.value("ENCAISSE_PEPPOL_AP_TIMEOUT", "30"))
        self.session = requests.Session()
        token = config.value("ENCAISSE_PEPPOL_AP_TOKEN")
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        elif config.value("ENCAISSE_PEPPOL_AP_USER"):
            self.session.auth = (
                config.value("ENCAISSE_PEPPOL_AP_USER"),
                config.value("ENCAISSE_PEPPOL_AP_PASSWORD"),
            )
        self.session.headers["User-Agent"] = "Encaisse"

    @staticmethod
    def unavailable_reason(addressee: Addressee) -> str | None:
        return _unavailable(addressee)

    def close(self) -> None:
        self.session.close()

    def send(self, delivery: Delivery, message: OutgoingMessage) -> ChannelResult:
        routed_ubl = _envelope_for(delivery, message)
        if isinstance(routed_ubl, ChannelResult):
            return routed_ubl
        routed, ubl = routed_ubl
        url = f"{self.base_url}/documents"
        try:
            if self.format == "json":
                response = self.session.post(
                    url, json=routed.as_json(ubl.content, ubl.filename), timeout=self.timeout,
                    headers={"Idempotency-Key": routed.key},
                )  # fmt: skip
            else:
                response = self.session.post(
                    url, data=ubl.content, timeout=self.timeout,
                    headers={**routed.headers(), "Content-Type": "application/xml"},
                )  # fmt: skip
        except requests.Timeout:
            return ChannelResult(
                Outcome.RETRY, detail=f"the access point did not answer within {self.timeout:g} s"
            )
        except requests.RequestException as exc:
            return ChannelResult(Outcome.RETRY, detail=f"cannot reach the access point: {type(exc).__name__}")
        return self._interpret(response)

    def _interpret(self, response: requests.Response) -> ChannelResult:
        code = response.status_code
        if 200 <= code < 300:
            try:
                body = response.json()
            except ValueError:
                body = {}
            ident = str(body.get("id") or body.get("messageId") or "") if isinstance(body, dict) else ""
            ident = ident or response.headers.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
            if not ident:
                return ChannelResult(Outcome.UNKNOWN, detail=f"HTTP {code} without a message id")
            return ChannelResult(Outcome.SENT, ident, f"accepted by the access point (HTTP {code})")
        reason = _reason(response)
        if code in (400, 422):
            return ChannelResult(
                Outcome.REJECTED, detail=f"rejected by the access point (HTTP {code}): {reason}"
            )
        if code in RETRIED_4XX or code >= 500:
            return ChannelResult(Outcome.RETRY, detail=f"access point HTTP {code}: {reason}")
        return ChannelResult(Outcome.FAILED, detail=f"access point HTTP {code}: {reason}")

    def recover(self, delivery: Delivery) -> ChannelResult:
        return ChannelResult(Outcome.RETRY, detail="submitted again under the same Idempotency-Key")

    def status(self, provider_id: str) -> ProviderStatus | None:
        """The access point's latest word on a message (None when it cannot be asked now)."""
        try:
            response = self.session.get(f"{self.base_url}/documents/{provider_id}", timeout=self.timeout)
        except requests.RequestException:
            return None
        if response.status_code != 200:
            return None
        try:
            body = response.json()
        except ValueError:
            return None
        raw = str(body.get("status", "")).lower() if isinstance(body, dict) else ""
        reason = str(body.get("reason") or body.get("error") or "") if isinstance(body, dict) else ""
        return ProviderStatus(provider_id, FINAL_STATUSES.get(raw, "pending"), reason)


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", key)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class OutboxChannel:
    """Peppol through a folder that access-point software watches (see the module docstring)."""

    name = "peppol"

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = Path(folder or config.peppol_outbox())

    @staticmethod
    def unavailable_reason(addressee: Addressee) -> str | None:
        return _unavailable(addressee)

    def close(self) -> None:
        return None

    def paths(self, delivery: Delivery) -> tuple[Path, Path]:
        stem = _safe(delivery.key)
        return self.folder / f"{stem}.xml", self.folder / f"{stem}.json"

    def send(self, delivery: Delivery, message: OutgoingMessage) -> ChannelResult:
        routed_ubl = _envelope_for(delivery, message)
        if isinstance(routed_ubl, ChannelResult):
            return routed_ubl
        routed, ubl = routed_ubl
        xml, envelope_path = self.paths(delivery)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(xml, ubl.content)
            data = routed.as_json(filename=xml.name) | {"sha256": hashlib.sha256(ubl.content).hexdigest()}
            _write_atomically(envelope_path, json.dumps(data, indent=2).encode())
        except OSError as exc:
            return ChannelResult(Outcome.RETRY, detail=f"cannot write to {self.folder}: {exc}")
        return ChannelResult(Outcome.SENT, envelope_path.stem, f"written to {self.folder}")

    def recover(self, delivery: Delivery) -> ChannelResult:
        _, envelope_path = self.paths(delivery)
        if envelope_path.exists():
            return ChannelResult(Outcome.SENT, envelope_path.stem, f"found in {self.folder}")
        return ChannelResult(Outcome.RETRY, detail="not in the outbox folder: written again")


def peppol_channel() -> AccessPointChannel | OutboxChannel:
    return OutboxChannel() if config.peppol_transport() == "outbox" else AccessPointChannel()
