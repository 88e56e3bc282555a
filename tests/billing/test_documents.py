"""What an issued invoice is made of: its PDF, its Peppol UBL (PDF embedded) and its Factur-X; the commands."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from billing_factories import line, make_customer, request
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.billing import archiving, services
from encaisse.billing.models import ArchivedDocument
from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.ubl import CUSTOMIZATION_ID, read_ubl

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(seller):  # type: ignore[no-untyped-def]
    customer = make_customer(seller, language="en")
    return services.create_invoice(
        request(seller, customer, line("Widgets", "3", "19.99", discount_percent="10"),
                line("Books", "1.5", "100", rate="6"), payment_terms="2/10 net 30", buyer_reference="PO-4711"),
        actor="test",
    )  # fmt: skip


def _file(doc, kind: str) -> bytes:  # type: ignore[no-untyped-def]
    return archiving.read_archived(ArchivedDocument.objects.get(invoice=doc.invoice, kind=kind))


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_shows_number_totals_and_reference(issued) -> None:
    text = _text(_file(issued, "pdf"))
    assert "INV-2026-000001" in text
    assert "Total excluding VAT €203.97" in text and "Total including VAT €224.30" in text
    assert "Structured reference +++202/6000/00192+++" in text
    assert issued.structured_reference == "202600000192"
    assert "2% discount if paid within 10 days, net 30 days" in text
    assert "Your reference PO-4711" in text


def test_the_pdf_speaks_the_customer_language(seller) -> None:
    customer = make_customer(seller, "NL1", name="Koper BV", language="nl")
    doc = services.create_invoice(request(seller, customer), actor="test")
    assert "Factuur" in _text(_file(doc, "pdf"))


def test_the_ubl_round_trips_and_carries_the_pdf(issued) -> None:
    ubl = read_ubl(_file(issued, "ubl"))
    assert ubl.specification_id == CUSTOMIZATION_ID
    assert (ubl.number, ubl.issue_date.isoformat(), ubl.due_date.isoformat()) == (
        "INV-2026-000001",
        "2026-03-02",
        "2026-04-01",
    )
    assert ubl.totals.tax_exclusive == Decimal("203.97") and ubl.totals.payable == Decimal("224.30")
    assert ubl.payment_means[0].remittance == "+++202/6000/00192+++"
    assert ubl.payment_means[0].account_id == "BE71096123456769"
    assert ubl.payment_terms == "2% discount if paid within 10 days, net 30 days"
    assert ubl.seller.endpoint.scheme == "0208" and ubl.buyer.endpoint.value == "0202239951"
    (attachment,) = ubl.attachments
    assert attachment.mime_code == "application/pdf" and attachment.filename == "INV-2026-000001.pdf"
    assert attachment.content == _file(issued, "pdf")
    inv = issued.invoice
    assert Decimal(inv.total_minor) / 100 == ubl.totals.tax_inclusive


def test_the_facturx_carries_the_same_invoice(issued) -> None:
    data = _file(issued, "facturx")
    cii = facturx.extract(data)
    assert cii.number == "INV-2026-000001" and cii.totals.tax_inclusive == Decimal("224.30")
    _xml, profile = facturx.extract_xml(data)
    assert profile == "en16931"
    assert "INV-2026-000001" in _text(data)


def test_invoice_pdf_and_export_ubl_commands(issued, tmp_path: Path, capsys) -> None:
    pdf_path, ubl_path = tmp_path / "out.pdf", tmp_path / "out.xml"
    call_command("invoice-pdf", issued.number, "-o", str(pdf_path))
    assert pdf_path.read_bytes() == _file(issued, "pdf")
    call_command("invoice-pdf", issued.number, "--facturx", "-o", str(tmp_path / "fx.pdf"))
    assert (tmp_path / "fx.pdf").read_bytes() == _file(issued, "facturx")
    call_command("export-ubl", issued.number, "-o", str(ubl_path))
    assert read_ubl(ubl_path.read_bytes()).number == issued.number
    with pytest.raises(CommandError, match="no invoice"):
        call_command("export-ubl", "INV-1999-000001")


def test_validate_einvoice_command(issued, tmp_path: Path, capsys) -> None:
    good = tmp_path / "good.xml"
    good.write_bytes(_file(issued, "ubl"))
    call_command("validate-einvoice", str(good))
    assert "valid" in capsys.readouterr().out
    fx = tmp_path / "fx.pdf"
    fx.write_bytes(_file(issued, "facturx"))
    call_command("validate-einvoice", str(fx))
    out = capsys.readouterr().out
    assert out.startswith(f"{fx}: facturx invoice INV-2026-000001")
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        _file(issued, "ubl").replace(
            b'<cbc:PayableAmount currencyID="EUR">224.30', b'<cbc:PayableAmount currencyID="EUR">224.31'
        )
    )
    with pytest.raises(SystemExit) as exit_:
        call_command("validate-einvoice", str(broken))
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "FATAL" in out and "BR-CO-16" in out and "/Invoice" in out
