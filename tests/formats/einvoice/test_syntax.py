"""UBL and CII writers and readers: structure, round trips, errors, hostile XML."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from einvoice_factories import FOREIGN_BUYER, SELLER, line, sample_credit_note, sample_invoice
from lxml import etree
from realworld import params

from encaisse.formats.einvoice.cii import GUIDELINE_EN16931, read_cii, write_cii
from encaisse.formats.einvoice.model import Attachment, Document, EInvoiceError
from encaisse.formats.einvoice.totals import build_document
from encaisse.formats.einvoice.ubl import CUSTOMIZATION_ID, PROFILE_ID, read_ubl, write_ubl

NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}  # fmt: skip
PDF = Attachment(id="INV-2026-0001.pdf", description="Invoice", content=b"%PDF-1.7 fake", mime_code="application/pdf",
                 filename="INV-2026-0001.pdf")  # fmt: skip


def _local_names(el: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in el]


def test_ubl_invoice_header_follows_peppol_and_the_xsd_order() -> None:
    root = etree.fromstring(write_ubl(sample_invoice(attachments=(PDF,))))
    assert etree.QName(root).localname == "Invoice"
    assert root.findtext("cbc:CustomizationID", namespaces=NS) == CUSTOMIZATION_ID
    assert root.findtext("cbc:ProfileID", namespaces=NS) == PROFILE_ID
    assert _local_names(root) == [
        "CustomizationID", "ProfileID", "ID", "IssueDate", "DueDate", "InvoiceTypeCode", "Note", "DocumentCurrencyCode",
        "BuyerReference", "AdditionalDocumentReference", "AccountingSupplierParty", "AccountingCustomerParty",
        "PaymentMeans", "PaymentTerms", "AllowanceCharge", "TaxTotal", "LegalMonetaryTotal",
        "InvoiceLine", "InvoiceLine", "InvoiceLine",
    ]  # fmt: skip
    endpoint = root.find("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID", namespaces=NS)
    assert (endpoint.text, endpoint.get("schemeID")) == ("0123456749", "0208")
    binary = root.find(".//cbc:EmbeddedDocumentBinaryObject", namespaces=NS)
    assert (binary.get("mimeCode"), binary.get("filename")) == ("application/pdf", "INV-2026-0001.pdf")
    assert root.findtext("cac:PaymentMeans/cbc:PaymentID", namespaces=NS) == "+++090/9337/55493+++"
    assert root.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS) == "226.75"


def test_ubl_credit_note_root_and_due_date_in_payment_means() -> None:
    root = etree.fromstring(write_ubl(sample_credit_note()))
    assert etree.QName(root).localname == "CreditNote"
    assert root.find("cbc:DueDate", namespaces=NS) is None
    assert root.findtext("cac:PaymentMeans/cbc:PaymentDueDate", namespaces=NS) == "2026-04-01"
    assert (
        root.findtext("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", namespaces=NS)
        == "INV-2026-0001"
    )
    assert len(root.findall("cac:CreditNoteLine", namespaces=NS)) == 3
    assert read_ubl(etree.tostring(root)).due_date == date(2026, 4, 1)


def test_second_tax_total_in_the_tax_currency() -> None:
    doc = sample_invoice(currency="USD", tax_currency="EUR", exchange_rate=D("0.9"))
    root = etree.fromstring(write_ubl(doc))
    totals = root.findall("cac:TaxTotal", namespaces=NS)
    assert [(t.findtext("cbc:TaxAmount", namespaces=NS), t.find("cbc:TaxAmount", namespaces=NS).get("currencyID"))
            for t in totals] == [("20.76", "USD"), ("18.68", "EUR")]  # fmt: skip
    assert totals[1].find("cac:TaxSubtotal", namespaces=NS) is None
    assert read_ubl(write_ubl(doc)).totals.vat_total_accounting == D("18.68")
    cii = etree.fromstring(write_cii(doc))
    amounts = cii.findall(".//ram:TaxTotalAmount", namespaces=NS)
    assert [(a.text, a.get("currencyID")) for a in amounts] == [("20.76", "USD"), ("18.68", "EUR")]


def _all_variants() -> list[Document]:
    k_doc = build_document(number="IC-1", issue_date=date(2026, 5, 4), seller=SELLER, buyer=FOREIGN_BUYER,
                           lines=[line(1, "10", "12.5", rate="0", category="K")], delivery_date=date(2026, 5, 3),
                           delivery_address=FOREIGN_BUYER.address, payment_terms="14 days")  # fmt: skip
    return [
        sample_invoice(attachments=(PDF,)),
        sample_credit_note(),
        k_doc,
        sample_invoice(
            currency="USD", tax_currency="EUR", exchange_rate=D("0.9"), prepaid=D("10"), rounding=D("0.01")
        ),
    ]


@pytest.mark.parametrize("doc", _all_variants(), ids=lambda d: d.number)
def test_generated_round_trips(doc: Document) -> None:
    assert dataclasses.replace(read_ubl(write_ubl(doc)), specification_id=None, process_id=None) == doc
    assert dataclasses.replace(read_cii(write_cii(doc)), specification_id=None) == doc


@pytest.mark.parametrize("path", params("ubl-peppol", "*.xml", "*.XML"))
def test_real_ubl_round_trips_through_the_model(path: Path) -> None:
    doc = read_ubl(path.read_bytes(), source=path.name)
    assert read_ubl(write_ubl(doc)) == doc


@pytest.mark.parametrize(
    "path",
    params("cii", "*.xml")
    + params("facturx", "*en16931*.xml", "*factur-x-extended.xml", "*extended_1.xml", "*basic_1.xml"),
)
def test_real_cii_round_trips_through_the_model(path: Path) -> None:
    doc = read_cii(path.read_bytes(), source=path.name)
    again = read_cii(write_cii(doc))
    assert again == doc
    assert again.specification_id == doc.specification_id


def test_cii_guideline_and_dates() -> None:
    root = etree.fromstring(write_cii(sample_invoice()))
    assert (
        root.findtext(".//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", namespaces=NS)
        == GUIDELINE_EN16931
    )
    stamp = root.find(".//ram:IssueDateTime/*", namespaces=NS)
    assert (stamp.text, stamp.get("format")) == ("20260302", "102")


def test_reader_errors_say_where() -> None:
    xml = write_ubl(sample_invoice()).replace(
        b'<cbc:LineExtensionAmount currencyID="EUR">53.97', b'<cbc:LineExtensionAmount currencyID="EUR">5,397'
    )
    with pytest.raises(EInvoiceError) as info:
        read_ubl(xml, source="bad.xml")
    assert info.value.source == "bad.xml"
    assert info.value.path == "/Invoice/cac:InvoiceLine[1]/cbc:LineExtensionAmount"
    assert info.value.field == "BT-131"
    with pytest.raises(EInvoiceError, match="BT-2"):
        read_cii(write_cii(sample_invoice()).replace(b">20260302<", b">2026-13-45<"), source="c.xml")
    with pytest.raises(EInvoiceError, match="not a UBL"):
        read_ubl(write_cii(sample_invoice()))
    with pytest.raises(EInvoiceError, match="not a CII"):
        read_cii(write_ubl(sample_invoice()))
    with pytest.raises(EInvoiceError, match="not well-formed"):
        read_ubl(b"<Invoice><unclosed></Invoice>", source="broken.xml")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>&xxe;</cbc:ID></Invoice>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">&lol3;</rsm:CrossIndustryInvoice>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
@pytest.mark.parametrize("reader", [read_ubl, read_cii], ids=["ubl", "cii"])
def test_entity_tricks_are_refused(payload: bytes, reader: object) -> None:
    with pytest.raises(EInvoiceError, match="DTD or entity"):
        reader(payload, source="evil.xml")  # type: ignore[operator]
