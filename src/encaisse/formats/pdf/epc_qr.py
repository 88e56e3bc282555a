"""The EPC QR code ("GiroCode", EPC069-12) and the payment instructions of an invoice.

A payer's banking app reads the code and pre-fills a SEPA credit transfer:
service tag ``BCD``, version ``002``, character set ``1`` (UTF-8), ``SCT``, the
BIC, the beneficiary's name (at most 70 characters), the IBAN, the amount in EUR
and either the structured reference (RF creditor reference or Belgian OGM,
compact) or a text of at most 140 characters. An invoice gets a code only when
it can be paid that way: a EUR invoice (not a credit note) with an amount due
of at least 0.01 and a credit-transfer payment means (UNTDID 4461 codes 30, 42,
58) with a valid IBAN.

The same module prints what the payer types by hand: the IBAN in groups of
four and the reference as its scheme prints it.

>>> format_iban("be71096123456769")
'BE71 0961 2345 6769'
>>> format_reference("090933755493"), format_reference("rf18539007547034")
('+++090/9337/55493+++', 'RF18 5390 0754 7034')
>>> format_reference("Invoice 42")
'Invoice 42'
>>> structured_reference("+++090/9337/55493+++"), structured_reference("Invoice 42")
('090933755493', None)
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Final

import segno
import segno.helpers
from stdnum import iban as stdnum_iban

from encaisse.core.references import (
    format_ogm,
    format_rf,
    is_valid_ogm,
    is_valid_rf,
    validate_ogm,
    validate_rf,
)
from encaisse.formats.einvoice.model import Document, PaymentMeans

__all__ = [
    "CREDIT_TRANSFER_CODES",
    "EpcPayment",
    "credit_transfer",
    "epc_payment",
    "epc_qr",
    "epc_qr_svg",
    "format_iban",
    "format_reference",
    "structured_reference",
]

# UNTDID 4461 codes under which the payer sends a credit transfer to the account given.
CREDIT_TRANSFER_CODES: Final[frozenset[str]] = frozenset({"30", "42", "58"})

_MIN_AMOUNT: Final = Decimal("0.01")
_MAX_AMOUNT: Final = Decimal("999999999.99")
_MAX_NAME: Final = 70
_MAX_TEXT: Final = 140


def format_iban(value: str) -> str:
    """An IBAN in groups of four, upper case, as printed on invoices."""
    return str(stdnum_iban.format(value))


def structured_reference(value: str | None) -> str | None:
    """The compact RF or OGM reference in ``value``, or ``None`` for a free text."""
    if not value:
        return None
    if is_valid_rf(value):
        return validate_rf(value)
    if is_valid_ogm(value):
        return validate_ogm(value)
    return None


def format_reference(value: str) -> str:
    """A payment reference as its scheme prints it: OGM ``+++…+++``, RF in groups of four, else as is."""
    if is_valid_rf(value):
        return format_rf(value)
    if is_valid_ogm(value):
        return format_ogm(value)
    return value


def credit_transfer(doc: Document) -> PaymentMeans | None:
    """The first payment means that asks for a credit transfer to an account."""
    for means in doc.payment_means:
        if means.code.strip() in CREDIT_TRANSFER_CODES and means.account_id:
            return means
    return None


@dataclass(frozen=True, slots=True)
class EpcPayment:
    """The fields of an EPC QR code (EPC069-12, version 002)."""

    name: str
    iban: str
    amount: Decimal
    bic: str | None = None
    reference: str | None = None  # structured: RF creditor reference or OGM, compact
    text: str | None = None  # unstructured remittance information


def epc_payment(doc: Document) -> EpcPayment | None:
    """What the EPC QR code of ``doc`` carries, or ``None`` when it gets no code."""
    if doc.is_credit_note or doc.currency != "EUR":
        return None
    amount = doc.totals.payable
    if not _MIN_AMOUNT <= amount <= _MAX_AMOUNT:
        return None
    means = credit_transfer(doc)
    if means is None or means.account_id is None or not stdnum_iban.is_valid(means.account_id):
        return None
    name = (means.account_name or (doc.payee.name if doc.payee else None) or doc.seller.name).strip()
    reference = structured_reference(means.remittance)
    text = None if reference else (means.remittance or doc.number).strip()[:_MAX_TEXT]
    bic = means.bic.strip().upper() if means.bic and len(means.bic.strip()) in (8, 11) else None
    return EpcPayment(
        name=name[:_MAX_NAME],
        iban=str(stdnum_iban.compact(means.account_id)),
        amount=amount.quantize(_MIN_AMOUNT),
        bic=bic,
        reference=reference,
        text=text or None,
    )


def epc_qr(payment: EpcPayment) -> segno.QRCode:
    """The QR code (error correction M, at most version 13), in UTF-8."""
    return segno.helpers.make_epc_qr(
        name=payment.name,
        iban=payment.iban,
        amount=payment.amount,
        text=payment.text,
        reference=payment.reference,
        bic=payment.bic,
        encoding=1,
    )


@lru_cache(maxsize=256)
def epc_qr_svg(payment: EpcPayment) -> str:
    """The QR code as a standalone SVG, one unit a module, with its quiet zone.

    Kept for the last documents: a reminder or a copy of an invoice carries the same code.
    """
    out = io.BytesIO()
    epc_qr(payment).save(out, kind="svg", xmldecl=False, svgns=True, nl=False, svgclass=None, lineclass=None)
    return out.getvalue().decode("ascii")
