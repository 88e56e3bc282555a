"""Which invoices get an EPC QR code, and with which fields."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from pdf_documents import IBAN, OGM, RF, SELLER, credit_note, invoice, transfer

from encaisse.formats.einvoice.model import Payee, PaymentMeans
from encaisse.formats.pdf.epc_qr import (
    EpcPayment,
    credit_transfer,
    epc_payment,
    epc_qr,
    epc_qr_svg,
    format_iban,
    format_reference,
    structured_reference,
)


def test_payment_of_a_eur_invoice_with_ogm() -> None:
    doc = invoice()
    assert epc_payment(doc) == EpcPayment(
        name="Brasserie Østergaard SRL",
        iban=IBAN,
        amount=D("1657.75"),
        bic="GKCCBEBB",
        reference=OGM,
        text=None,
    )


@pytest.mark.parametrize(
    ("remittance", "reference", "text"),
    [
        ("+++090/9337/55493+++", OGM, None),
        ("090/9337/55493", OGM, None),
        ("RF18 5390 0754 7034", RF, None),
        ("rf18539007547034", RF, None),
        ("RF19 5390 0754 7034", None, "RF19 5390 0754 7034"),  # wrong check digits: a text
        ("+++090/9337/55494+++", None, "+++090/9337/55494+++"),
        (None, None, "F-2026-00042"),  # no reference: the invoice number
    ],
)
def test_reference_is_structured_only_when_its_check_digits_hold(
    remittance: str | None, reference: str | None, text: str | None
) -> None:
    payment = epc_payment(invoice(payment_means=(transfer(remittance),)))
    assert payment is not None
    assert (payment.reference, payment.text) == (reference, text)


def test_beneficiary_name_is_the_account_holder_then_the_payee_then_the_seller() -> None:
    payee = Payee(name="Factor Finance NV")
    assert epc_payment(invoice(payee=payee)).name == "Brasserie Østergaard SRL"  # type: ignore[union-attr]
    no_holder = (transfer(account_name=None),)
    assert epc_payment(invoice(payee=payee, payment_means=no_holder)).name == "Factor Finance NV"  # type: ignore[union-attr]
    assert epc_payment(invoice(payment_means=no_holder)).name == SELLER.name  # type: ignore[union-attr]


def test_long_name_and_text_are_cut_to_the_epc_limits() -> None:
    long_name = "N" * 90
    payment = epc_payment(invoice(payment_means=(transfer("x" * 200, account_name=long_name),)))
    assert payment is not None
    assert payment.name == "N" * 70 and payment.text == "x" * 140
    epc_qr(payment)  # segno accepts it


def test_iban_is_compacted_and_a_bad_bic_left_out() -> None:
    payment = epc_payment(invoice(payment_means=(transfer(account_id="be71 0961 2345 6769", bic="GKCC"),)))
    assert payment is not None
    assert payment.iban == IBAN and payment.bic is None


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(credit_note(), id="credit note"),
        pytest.param(invoice(currency="USD"), id="USD"),
        pytest.param(invoice(prepaid=D("1657.75")), id="nothing due"),
        pytest.param(invoice(prepaid=D("2000")), id="overpaid"),
        pytest.param(invoice(payment_means=()), id="no payment means"),
        pytest.param(invoice(payment_means=(PaymentMeans(code="59", mandate_id="M1"),)), id="direct debit"),
        pytest.param(invoice(payment_means=(transfer(account_id="BE00096123456769"),)), id="bad IBAN"),
        pytest.param(invoice(payment_means=(transfer(account_id=None),)), id="no account"),
    ],
)
def test_no_qr_code(doc: object) -> None:
    assert epc_payment(doc) is None  # type: ignore[arg-type]


def test_credit_transfer_is_the_first_transfer_with_an_account() -> None:
    card = PaymentMeans(code="48", card_number="1234")
    second = transfer(account_id="DE89370400440532013000")
    doc = invoice(payment_means=(card, transfer(account_id=None), second))
    assert credit_transfer(doc) == second


def test_svg_is_a_standalone_image() -> None:
    payment = epc_payment(invoice())
    assert payment is not None
    svg = epc_qr_svg(payment)
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<?xml" not in svg
    assert epc_qr(payment).version <= 13


def test_amount_is_rounded_to_cents() -> None:
    doc = invoice()
    doc = replace(doc, totals=replace(doc.totals, payable=D("10.5")))
    assert epc_payment(doc).amount == D("10.50")  # type: ignore[union-attr]


def test_formatting_for_print() -> None:
    assert format_iban("DE89370400440532013000") == "DE89 3704 0044 0532 0130 00"
    assert format_reference(OGM) == "+++090/9337/55493+++"
    assert format_reference("RF18539007547034") == "RF18 5390 0754 7034"
    assert format_reference("Order 7") == "Order 7"
    assert structured_reference(None) is None and structured_reference("") is None
