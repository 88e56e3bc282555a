"""Importing e-invoices issued elsewhere: a real XRechnung UBL, a Factur-X PDF; validated, matched, archived, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from billing_factories import einvoice_document, make_customer, make_seller
from django.core.management import call_command
from django.core.management.base import CommandError

from encaisse.billing import archiving
from encaisse.billing.einvoices import EInvoiceRefused, import_einvoice, read_einvoice
from encaisse.billing.models import ArchivedDocument, CustomerBilling
from encaisse.formats.einvoice import facturx
from encaisse.formats.pdf import render_pdf
from encaisse.ledger.checks import check
from encaisse.ledger.models import Customer, Entity, Invoice

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "einvoice" / "xrechnung-ts_01.21a-INVOICE_ubl.xml"


@pytest.fixture
def mustermann():  # type: ignore[no-untyped-def]
    entity = Entity.objects.create(code="de", legal_name="Mustermann GmbH", country="DE", vat_number="DE123456789",
                                   functional_currency="EUR")  # fmt: skip
    customer = Customer.objects.create(entity=entity, external_id="DB1", name="DB Station&Service AG RB Mitte",
                                       country="DE", vat_number="DE 152 138 634")  # fmt: skip
    return entity, customer


def test_a_real_xrechnung_is_imported_once(mustermann, capsys) -> None:
    entity, customer = mustermann
    result = import_einvoice(SAMPLE.read_bytes(), filename=SAMPLE.name, actor="test")
    assert result.status == "new"
    inv = result.invoice
    assert (inv.entity, inv.customer, inv.number) == (entity, customer, "18383")
    assert (inv.net_minor, inv.vat_minor, inv.total_minor, inv.open_minor) == (23300, 0, 23300, 23300)
    assert (inv.issue_date, inv.due_date, inv.currency) == (date(2020, 11, 27), date(2020, 12, 27), "EUR")
    assert [(ln.vat_category, ln.net_minor) for ln in inv.lines.all()] == [("AE", 20800)]
    archived = ArchivedDocument.objects.get(invoice=inv)
    assert archived.kind == "imported" and archiving.read_archived(archived) == SAMPLE.read_bytes()
    assert archived.retention_until == date(2030, 12, 31)
    assert check([date(2020, 12, 31)]) == []
    again = import_einvoice(SAMPLE.read_bytes(), filename=SAMPLE.name, actor="test")
    assert again.status == "known" and again.invoice.pk == inv.pk
    assert Invoice.objects.count() == 1 and ArchivedDocument.objects.count() == 1
    call_command("import-einvoice", str(SAMPLE))
    assert (
        "18383 already imported for DB Station&Service AG RB Mitte (DB1), 233.00 EUR"
        in capsys.readouterr().out
    )


def test_another_document_under_a_known_number_is_refused(mustermann) -> None:
    import_einvoice(SAMPLE.read_bytes(), filename=SAMPLE.name, actor="test")
    changed = SAMPLE.read_bytes().replace(b"Musterweg 1", b"Musterweg 2")
    assert changed != SAMPLE.read_bytes()
    with pytest.raises(EInvoiceRefused, match="other content"):
        import_einvoice(changed, filename="changed.xml", actor="test")


def test_the_customer_is_found_by_electronic_address_or_name(mustermann) -> None:
    _entity, customer = mustermann
    customer.vat_number = ""
    customer.name = "DB Station & Service"
    customer.save()
    with pytest.raises(EInvoiceRefused, match="no single customer"):
        import_einvoice(SAMPLE.read_bytes(), filename=SAMPLE.name, actor="test")
    CustomerBilling.objects.create(customer=customer, endpoint_id="buyer@info.de", endpoint_scheme="EM")
    assert (
        import_einvoice(SAMPLE.read_bytes(), filename=SAMPLE.name, actor="test").invoice.customer == customer
    )


def test_an_invalid_einvoice_is_refused_with_its_rules(mustermann, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "broken.xml"
    broken.write_bytes(
        SAMPLE.read_bytes().replace(
            b'<cbc:PayableAmount currencyID="EUR">233.00', b'<cbc:PayableAmount currencyID="EUR">235.00'
        )
    )
    with pytest.raises(CommandError, match="1 file"):
        call_command("import-einvoice", str(broken))
    assert "BR-CO-16" in capsys.readouterr().err
    assert not Invoice.objects.exists()


def test_validate_einvoice_on_the_real_sample(tmp_path: Path, capsys) -> None:
    call_command("validate-einvoice", str(SAMPLE))
    out = capsys.readouterr().out
    assert "ubl invoice 18383; layers syntax, en16931" in out and "valid" in out
    with pytest.raises(SystemExit):
        call_command("validate-einvoice", "--peppol", str(SAMPLE))  # XRechnung is not a Peppol BIS invoice
    assert "PEPPOL-EN16931-R004" in capsys.readouterr().out


def test_a_facturx_pdf_is_imported(db) -> None:
    entity = make_seller()
    customer = make_customer(entity)
    doc = einvoice_document()
    pdf = facturx.embed(render_pdf(doc), doc)
    assert read_einvoice(pdf, source="erp.pdf").report.is_valid
    result = import_einvoice(pdf, filename="erp-77.pdf", actor="test")
    inv = result.invoice
    assert (inv.number, inv.customer, inv.total_minor) == ("ERP-77", customer, 108900)
    assert inv.structured_reference == "090933755493"
    assert (inv.discount_percent, inv.discount_days) == (Decimal("2.00"), 10)
    assert ArchivedDocument.objects.get(invoice=inv).content_type == "application/pdf"
