"""Paying an invoice by bank transfer: the entity's account, the amount due, the reference and the EPC QR code.

The code (EPC069-12, :mod:`encaisse.formats.pdf.epc_qr`) is only for EUR
invoices with an amount due of 0.01 to 999 999 999.99 and a valid IBAN; the
other details are shown for every invoice with something to pay.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from stdnum import iban as stdnum_iban

from encaisse.formats.pdf.epc_qr import (
    EpcPayment,
    epc_qr,
    format_iban,
    format_reference,
    structured_reference,
)
from encaisse.ledger.models import DocumentKind, Invoice

_MIN, _MAX = Decimal("0.01"), Decimal("999999999.99")


@dataclass(frozen=True, slots=True)
class TransferDetails:
    beneficiary: str
    iban: str  # in groups of four
    bic: str
    amount: Decimal
    currency: str
    reference: str  # as the payer types it: +++…+++, RF.. .., or the invoice number
    structured: bool
    qr_svg: str | None


@lru_cache(maxsize=1024)
def qr_svg(payment: EpcPayment) -> str:
    """The code as inline SVG: scalable (a viewBox, no fixed size), with a title for screen readers.

    Drawing a code takes milliseconds; the same payment (an invoice opened again, its pay page) is
    drawn once per process.
    """
    out = io.BytesIO()
    epc_qr(payment).save(
        out, kind="svg", xmldecl=False, svgns=True, nl=False, omitsize=True, svgclass="epc-qr", lineclass=None,
        title=f"EPC QR code: {payment.iban} {payment.amount} EUR",
    )  # fmt: skip
    return out.getvalue().decode("utf-8")


def transfer_details(invoice: Invoice) -> TransferDetails | None:
    """How to pay ``invoice`` by transfer; None for a credit note, a paid invoice or an entity without IBAN."""
    if invoice.kind != DocumentKind.INVOICE or invoice.open_minor <= 0:
        return None
    entity = invoice.entity
    iban = next((i for i in entity.ibans or [] if stdnum_iban.is_valid(i)), None)
    if iban is None:
        return None
    amount = invoice.open_amount.amount
    compact = structured_reference(invoice.structured_reference)
    reference = format_reference(compact) if compact else invoice.number
    bic = entity.bic.strip().upper() if entity.bic and len(entity.bic.strip()) in (8, 11) else ""
    svg = None
    if invoice.currency == "EUR" and _MIN <= amount <= _MAX:
        payment = EpcPayment(
            name=entity.legal_name[:70], iban=str(stdnum_iban.compact(iban)), amount=amount.quantize(_MIN),
            bic=bic or None, reference=compact, text=None if compact else invoice.number[:140],
        )  # fmt: skip
        svg = qr_svg(payment)
    return TransferDetails(
        beneficiary=entity.legal_name, iban=format_iban(iban), bic=bic, amount=amount, currency=invoice.currency,
        reference=reference, structured=compact is not None, qr_svg=svg,
    )  # fmt: skip
