"""UBL 2.1 invoices and credit notes: the Peppol BIS Billing 3.0 writer and a general reader.

:func:`write_ubl` writes a :class:`~encaisse.formats.einvoice.model.Document`
as a Peppol BIS Billing 3.0 ``Invoice`` or ``CreditNote`` (the root follows the
type code), elements in the order of the UBL 2.1 schema. :func:`read_ubl`
reads any UBL 2.1 invoice or credit note, ours or not, keeping the amounts the
document states.

Peppol specifics: the customization and profile identifiers below; BT-9 of a
credit note travels as ``PaymentMeans/PaymentDueDate`` (UBL's CreditNote has
no ``DueDate``); the project reference of a credit note is an
``AdditionalDocumentReference`` of type 50; a second ``TaxTotal`` carries the
VAT total in the VAT accounting currency (BT-111).

>>> from encaisse.formats.einvoice.ubl import CUSTOMIZATION_ID
>>> CUSTOMIZATION_ID.endswith("poacc:billing:3.0")
True
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Final

from lxml import etree

from encaisse.formats.einvoice.model import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    Document,
    EInvoiceError,
    Identifier,
    Line,
    Party,
    Payee,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Totals,
    VatBreakdown,
)
from encaisse.formats.einvoice.xmlcodec import (
    element_path,
    fmt_amount,
    fmt_number,
    parse_date,
    parse_decimal,
    parse_document,
)

__all__ = ["CUSTOMIZATION_ID", "PROFILE_ID", "read_ubl", "write_ubl"]

CUSTOMIZATION_ID: Final = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID: Final = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

NS_INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC: Final = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
_CAC = "{" + NS_CAC + "}"
_CBC = "{" + NS_CBC + "}"


# --- writing -----------------------------------------------------------------


def _cbc(parent: etree._Element, tag: str, text: str | None, /, **attrs: str | None) -> etree._Element | None:
    if text is None or text == "":
        return None
    el = etree.SubElement(parent, _CBC + tag, {k: v for k, v in attrs.items() if v})
    el.text = text
    return el


def _cac(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, _CAC + name)


def _amount(parent: etree._Element, name: str, value: Decimal | None, currency: str) -> None:
    if value is not None:
        _cbc(parent, name, fmt_amount(value), currencyID=currency)


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _tax_category(parent: etree._Element, name: str, category: str, rate: Decimal | None,
                  reason_code: str | None = None, reason: str | None = None) -> None:  # fmt: skip
    cat = _cac(parent, name)
    _cbc(cat, "ID", category)
    if rate is not None:
        _cbc(cat, "Percent", fmt_number(rate))
    _cbc(cat, "TaxExemptionReasonCode", reason_code)
    _cbc(cat, "TaxExemptionReason", reason)
    _cbc(_cac(cat, "TaxScheme"), "ID", "VAT")


def _address(parent: etree._Element, name: str, address: Address) -> None:
    el = _cac(parent, name)
    lines = address.lines
    _cbc(el, "StreetName", lines[0] if lines else None)
    _cbc(el, "AdditionalStreetName", lines[1] if len(lines) > 1 else None)
    _cbc(el, "CityName", address.city)
    _cbc(el, "PostalZone", address.postcode)
    _cbc(el, "CountrySubentity", address.subdivision)
    if len(lines) > 2:
        _cbc(_cac(el, "AddressLine"), "Line", lines[2])
    _cbc(_cac(el, "Country"), "IdentificationCode", address.country)


def _party(parent: etree._Element, party: Party, *, is_seller: bool) -> None:
    el = _cac(parent, "Party")
    if party.endpoint:
        _cbc(el, "EndpointID", party.endpoint.value, schemeID=party.endpoint.scheme)
    for ident in party.identifiers:
        _cbc(_cac(el, "PartyIdentification"), "ID", ident.value, schemeID=ident.scheme)
    if party.trading_name:
        _cbc(_cac(el, "PartyName"), "Name", party.trading_name)
    if party.address:
        _address(el, "PostalAddress", party.address)
    if party.vat_id:
        scheme = _cac(el, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.vat_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "VAT")
    if party.tax_registration_id:
        scheme = _cac(el, "PartyTaxScheme")
        _cbc(scheme, "CompanyID", party.tax_registration_id)
        _cbc(_cac(scheme, "TaxScheme"), "ID", "TAX")
    legal = _cac(el, "PartyLegalEntity")
    _cbc(legal, "RegistrationName", party.name)
    if party.legal_id:
        _cbc(legal, "CompanyID", party.legal_id.value, schemeID=party.legal_id.scheme)
    if is_seller:
        _cbc(legal, "CompanyLegalForm", party.legal_info)
    contact = party.contact
    if contact and (contact.name or contact.phone or contact.email):
        c = _cac(el, "Contact")
        _cbc(c, "Name", contact.name)
        _cbc(c, "Telephone", contact.phone)
        _cbc(c, "ElectronicMail", contact.email)


def _period(parent: etree._Element, period: Period | None) -> None:
    if period and (period.start or period.end):
        el = _cac(parent, "InvoicePeriod")
        _cbc(el, "StartDate", _date(period.start))
        _cbc(el, "EndDate", _date(period.end))


def _allowance_charge(
    parent: etree._Element, ac: AllowanceCharge, currency: str, *, document_level: bool
) -> None:
    el = _cac(parent, "AllowanceCharge")
    _cbc(el, "ChargeIndicator", "true" if ac.is_charge else "false")
    _cbc(el, "AllowanceChargeReasonCode", ac.reason_code)
    _cbc(el, "AllowanceChargeReason", ac.reason)
    if ac.percent is not None:
        _cbc(el, "MultiplierFactorNumeric", fmt_number(ac.percent))
    _amount(el, "Amount", ac.amount, currency)
    _amount(el, "BaseAmount", ac.base_amount, currency)
    if document_level and ac.vat_category:
        _tax_category(el, "TaxCategory", ac.vat_category, ac.vat_rate)


def _attachment(parent: etree._Element, att: Attachment) -> None:
    el = _cac(parent, "AdditionalDocumentReference")
    _cbc(el, "ID", att.id)
    _cbc(el, "DocumentTypeCode", att.type_code)
    _cbc(el, "DocumentDescription", att.description)
    if att.content is not None or att.uri:
        a = _cac(el, "Attachment")
        if att.content is not None:
            _cbc(a, "EmbeddedDocumentBinaryObject", base64.b64encode(att.content).decode("ascii"),
                 mimeCode=att.mime_code or "application/octet-stream", filename=att.filename)  # fmt: skip
        if att.uri:
            _cbc(_cac(a, "ExternalReference"), "URI", att.uri)


def _payment_means(parent: etree._Element, pm: PaymentMeans, due_date: date | None) -> None:
    el = _cac(parent, "PaymentMeans")
    _cbc(el, "PaymentMeansCode", pm.code, name=pm.text)
    _cbc(el, "PaymentDueDate", _date(due_date))
    _cbc(el, "PaymentID", pm.remittance)
    if pm.card_number:
        card = _cac(el, "CardAccount")
        _cbc(card, "PrimaryAccountNumberID", pm.card_number)
        _cbc(card, "NetworkID", "NA")
        _cbc(card, "HolderName", pm.card_holder)
    if pm.account_id:
        acc = _cac(el, "PayeeFinancialAccount")
        _cbc(acc, "ID", pm.account_id)
        _cbc(acc, "Name", pm.account_name)
        if pm.bic:
            _cbc(_cac(acc, "FinancialInstitutionBranch"), "ID", pm.bic)
    if pm.mandate_id or pm.debited_account:
        mandate = _cac(el, "PaymentMandate")
        _cbc(mandate, "ID", pm.mandate_id)
        if pm.debited_account:
            _cbc(_cac(mandate, "PayerFinancialAccount"), "ID", pm.debited_account)


def _line(parent: etree._Element, line: Line, doc: Document) -> None:
    credit = doc.is_credit_note
    el = _cac(parent, "CreditNoteLine" if credit else "InvoiceLine")
    _cbc(el, "ID", line.id)
    _cbc(el, "Note", line.note)
    _cbc(
        el,
        "CreditedQuantity" if credit else "InvoicedQuantity",
        fmt_number(line.quantity),
        unitCode=line.unit_code,
    )
    _amount(
        el,
        "LineExtensionAmount",
        line.net_amount if line.net_amount is not None else Decimal(0),
        doc.currency,
    )
    _cbc(el, "AccountingCost", line.accounting_cost)
    _period(el, line.period)
    if line.order_line_reference:
        _cbc(_cac(el, "OrderLineReference"), "LineID", line.order_line_reference)
    for ac in line.allowances_charges:
        _allowance_charge(el, ac, doc.currency, document_level=False)
    item = _cac(el, "Item")
    _cbc(item, "Description", line.description)
    _cbc(item, "Name", line.name)
    if line.buyer_item_id:
        _cbc(_cac(item, "BuyersItemIdentification"), "ID", line.buyer_item_id)
    if line.seller_item_id:
        _cbc(_cac(item, "SellersItemIdentification"), "ID", line.seller_item_id)
    if line.standard_item_id:
        std = line.standard_item_id
        _cbc(_cac(item, "StandardItemIdentification"), "ID", std.value, schemeID=std.scheme)
    _tax_category(item, "ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    price = _cac(el, "Price")
    _cbc(price, "PriceAmount", fmt_number(line.net_price), currencyID=doc.currency)
    if line.base_quantity is not None:
        _cbc(price, "BaseQuantity", fmt_number(line.base_quantity), unitCode=line.unit_code)
    if line.price_discount is not None or line.gross_price is not None:
        pac = _cac(price, "AllowanceCharge")
        _cbc(pac, "ChargeIndicator", "false")
        _cbc(pac, "Amount", fmt_number(line.price_discount or Decimal(0)), currencyID=doc.currency)
        if line.gross_price is not None:
            _cbc(pac, "BaseAmount", fmt_number(line.gross_price), currencyID=doc.currency)


def _totals(parent: etree._Element, totals: Totals, currency: str) -> None:
    el = _cac(parent, "LegalMonetaryTotal")
    _amount(el, "LineExtensionAmount", totals.line_total, currency)
    _amount(el, "TaxExclusiveAmount", totals.tax_exclusive, currency)
    _amount(el, "TaxInclusiveAmount", totals.tax_inclusive, currency)
    _amount(el, "AllowanceTotalAmount", totals.allowance_total, currency)
    _amount(el, "ChargeTotalAmount", totals.charge_total, currency)
    _amount(el, "PrepaidAmount", totals.prepaid, currency)
    _amount(el, "PayableRoundingAmount", totals.rounding, currency)
    _amount(el, "PayableAmount", totals.payable, currency)


def _tax_totals(parent: etree._Element, doc: Document) -> None:
    el = _cac(parent, "TaxTotal")
    vat_total = doc.totals.vat_total
    if vat_total is None:
        vat_total = sum((b.tax_amount for b in doc.vat_breakdown), Decimal(0))
    _amount(el, "TaxAmount", vat_total, doc.currency)
    for b in doc.vat_breakdown:
        sub = _cac(el, "TaxSubtotal")
        _amount(sub, "TaxableAmount", b.taxable_amount, doc.currency)
        _amount(sub, "TaxAmount", b.tax_amount, doc.currency)
        _tax_category(sub, "TaxCategory", b.category, b.rate, b.exemption_reason_code, b.exemption_reason)
    if doc.tax_currency and doc.totals.vat_total_accounting is not None:
        _amount(_cac(parent, "TaxTotal"), "TaxAmount", doc.totals.vat_total_accounting, doc.tax_currency)


def write_ubl(doc: Document, *, customization_id: str | None = None, profile_id: str | None = None) -> bytes:
    """The document as Peppol BIS Billing 3.0 UBL (UTF-8, with XML declaration).

    The specification and process identifiers (BT-24, BT-23) are the
    arguments', else the document's own, else Peppol BIS Billing 3.0's.
    """
    customization_id = customization_id or doc.specification_id or CUSTOMIZATION_ID
    if profile_id is None and doc.process_id is None and customization_id == CUSTOMIZATION_ID:
        profile_id = PROFILE_ID
    profile_id = profile_id or doc.process_id
    credit = doc.is_credit_note
    ns = NS_CREDIT_NOTE if credit else NS_INVOICE
    root = etree.Element("{" + ns + "}" + ("CreditNote" if credit else "Invoice"),
                         nsmap={None: ns, "cac": NS_CAC, "cbc": NS_CBC})  # type: ignore[dict-item]  # fmt: skip
    _cbc(root, "CustomizationID", customization_id)
    _cbc(root, "ProfileID", profile_id)
    _cbc(root, "ID", doc.number)
    _cbc(root, "IssueDate", doc.issue_date.isoformat())
    if not credit:
        _cbc(root, "DueDate", _date(doc.due_date))
        _cbc(root, "InvoiceTypeCode", str(doc.type_code))
    else:
        _cbc(root, "CreditNoteTypeCode", str(doc.type_code))
    notes = list(doc.notes)
    for note in notes:
        _cbc(root, "Note", note)
    if not credit:
        _cbc(root, "TaxPointDate", _date(doc.tax_point_date))
    else:
        # CreditNote puts TaxPointDate before the type code: move it there.
        if doc.tax_point_date:
            el = etree.Element(_CBC + "TaxPointDate")
            el.text = doc.tax_point_date.isoformat()
            root.find(_CBC + "CreditNoteTypeCode").addprevious(el)  # type: ignore[union-attr]
    _cbc(root, "DocumentCurrencyCode", doc.currency)
    _cbc(root, "TaxCurrencyCode", doc.tax_currency)
    _cbc(root, "AccountingCost", doc.accounting_cost)
    _cbc(root, "BuyerReference", doc.buyer_reference)
    _period(root, doc.period)
    if doc.order_reference or doc.sales_order_reference:
        order = _cac(root, "OrderReference")
        _cbc(order, "ID", doc.order_reference or "NA")
        _cbc(order, "SalesOrderID", doc.sales_order_reference)
    for preceding in doc.preceding_invoices:
        ref = _cac(_cac(root, "BillingReference"), "InvoiceDocumentReference")
        _cbc(ref, "ID", preceding.number)
        _cbc(ref, "IssueDate", _date(preceding.issue_date))
    if doc.contract_reference:
        _cbc(_cac(root, "ContractDocumentReference"), "ID", doc.contract_reference)
    for att in doc.attachments:
        _attachment(root, att)
    if doc.project_reference:
        if credit:
            _attachment(root, Attachment(id=doc.project_reference, type_code="50"))
        else:
            _cbc(_cac(root, "ProjectReference"), "ID", doc.project_reference)
    _party(_cac(root, "AccountingSupplierParty"), doc.seller, is_seller=True)
    _party(_cac(root, "AccountingCustomerParty"), doc.buyer, is_seller=False)
    if doc.payee:
        payee = _cac(root, "PayeeParty")
        if doc.payee.identifier:
            _cbc(_cac(payee, "PartyIdentification"), "ID", doc.payee.identifier.value,
                 schemeID=doc.payee.identifier.scheme)  # fmt: skip
        _cbc(_cac(payee, "PartyName"), "Name", doc.payee.name)
        if doc.payee.legal_id:
            _cbc(_cac(payee, "PartyLegalEntity"), "CompanyID", doc.payee.legal_id.value,
                 schemeID=doc.payee.legal_id.scheme)  # fmt: skip
    if doc.delivery_date or doc.delivery_address or doc.delivery_name:
        delivery = _cac(root, "Delivery")
        _cbc(delivery, "ActualDeliveryDate", _date(doc.delivery_date))
        if doc.delivery_address:
            _address(_cac(delivery, "DeliveryLocation"), "Address", doc.delivery_address)
        if doc.delivery_name:
            _cbc(_cac(_cac(delivery, "DeliveryParty"), "PartyName"), "Name", doc.delivery_name)
    for pm in doc.payment_means:
        _payment_means(root, pm, doc.due_date if credit else None)
    if doc.payment_terms:
        _cbc(_cac(root, "PaymentTerms"), "Note", doc.payment_terms)
    for ac in doc.allowances_charges:
        _allowance_charge(root, ac, doc.currency, document_level=True)
    _tax_totals(root, doc)
    _totals(root, doc.totals, doc.currency)
    for line in doc.lines:
        _line(root, line, doc)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


# --- reading -----------------------------------------------------------------


class _Reader:
    """Typed access to a UBL tree, with errors that say where."""

    def __init__(self, source: str) -> None:
        self.source = source

    def text(self, el: etree._Element | None, path: str) -> str | None:
        if el is None:
            return None
        found = el.find(path)
        if found is None or found.text is None:
            return None
        value = " ".join(found.text.split()) if "\n" in found.text else found.text.strip()
        return value or None

    def attr(self, el: etree._Element | None, path: str, name: str) -> str | None:
        if el is None:
            return None
        found = el.find(path)
        if found is None:
            return None
        value = found.get(name)
        return value.strip() if value and value.strip() else None

    def decimal(self, el: etree._Element, path: str, field: str) -> Decimal | None:
        found = el.find(path)
        if found is None:
            return None
        return parse_decimal(found.text, source=self.source, path=element_path(found), field=field)

    def required_decimal(self, el: etree._Element, path: str, field: str) -> Decimal:
        value = self.decimal(el, path, field)
        if value is None:
            raise EInvoiceError("missing amount", self.source, element_path(el) + "/" + _short(path), field)
        return value

    def date(self, el: etree._Element | None, path: str, field: str) -> date | None:
        if el is None:
            return None
        found = el.find(path)
        if found is None or not (found.text or "").strip():
            return None
        return parse_date(found.text, source=self.source, path=element_path(found), field=field)

    def identifier(self, el: etree._Element | None, path: str) -> Identifier | None:
        value = self.text(el, path)
        return Identifier(value, self.attr(el, path, "schemeID")) if value else None


def _short(path: str) -> str:
    return path.replace(_CAC, "cac:").replace(_CBC, "cbc:")


def _p(path: str) -> str:
    """``cac:A/cbc:B`` → Clark notation for ``find``."""
    return "/".join(
        _CAC + step[4:] if step.startswith("cac:") else _CBC + step[4:] for step in path.split("/")
    )


_PARTY_NAME = _p("cac:PartyName/cbc:Name")
_REG_NAME = _p("cac:PartyLegalEntity/cbc:RegistrationName")


def _read_address(r: _Reader, el: etree._Element | None) -> Address | None:
    if el is None:
        return None
    lines = [r.text(el, _p("cbc:StreetName")), r.text(el, _p("cbc:AdditionalStreetName")),
             r.text(el, _p("cac:AddressLine/cbc:Line"))]  # fmt: skip
    while lines and lines[-1] is None:
        lines.pop()
    return Address(
        country=r.text(el, _p("cac:Country/cbc:IdentificationCode")) or "",
        lines=tuple(line or "" for line in lines),
        city=r.text(el, _p("cbc:CityName")),
        postcode=r.text(el, _p("cbc:PostalZone")),
        subdivision=r.text(el, _p("cbc:CountrySubentity")),
    )


def _read_party(r: _Reader, el: etree._Element | None) -> Party:
    if el is None:
        return Party(name="")
    vat_id = tax_id = None
    for scheme in el.iterfind(_p("cac:PartyTaxScheme")):
        company = r.text(scheme, _p("cbc:CompanyID"))
        if (r.text(scheme, _p("cac:TaxScheme/cbc:ID")) or "").upper() == "VAT":
            vat_id = vat_id or company
        else:
            tax_id = tax_id or company
    trading = r.text(el, _PARTY_NAME)
    registration = r.text(el, _REG_NAME)
    contact_el = el.find(_p("cac:Contact"))
    contact = None
    if contact_el is not None:
        contact = Contact(name=r.text(contact_el, _p("cbc:Name")), phone=r.text(contact_el, _p("cbc:Telephone")),
                          email=r.text(contact_el, _p("cbc:ElectronicMail")))  # fmt: skip
        if contact == Contact():
            contact = None
    identifiers = tuple(
        Identifier(value, r.attr(pid, _p("cbc:ID"), "schemeID"))
        for pid in el.iterfind(_p("cac:PartyIdentification"))
        if (value := r.text(pid, _p("cbc:ID")))
    )
    return Party(
        name=registration or trading or "",
        trading_name=trading if registration else None,
        address=_read_address(r, el.find(_p("cac:PostalAddress"))),
        identifiers=identifiers,
        legal_id=r.identifier(el, _p("cac:PartyLegalEntity/cbc:CompanyID")),
        vat_id=vat_id,
        tax_registration_id=tax_id,
        legal_info=r.text(el, _p("cac:PartyLegalEntity/cbc:CompanyLegalForm")),
        endpoint=r.identifier(el, _p("cbc:EndpointID")),
        contact=contact,
    )


def _read_period(r: _Reader, el: etree._Element | None) -> Period | None:
    if el is None:
        return None
    period = Period(
        start=r.date(el, _p("cbc:StartDate"), "BT-73"), end=r.date(el, _p("cbc:EndDate"), "BT-74")
    )
    return period if period.start or period.end else None


def _read_allowance_charge(r: _Reader, el: etree._Element) -> AllowanceCharge:
    indicator = (r.text(el, _p("cbc:ChargeIndicator")) or "").lower()
    if indicator not in ("true", "false", "1", "0"):
        raise EInvoiceError("ChargeIndicator must be true or false", r.source, element_path(el), "BG-20")
    return AllowanceCharge(
        is_charge=indicator in ("true", "1"),
        amount=r.required_decimal(el, _p("cbc:Amount"), "BT-92"),
        base_amount=r.decimal(el, _p("cbc:BaseAmount"), "BT-93"),
        percent=r.decimal(el, _p("cbc:MultiplierFactorNumeric"), "BT-94"),
        reason=r.text(el, _p("cbc:AllowanceChargeReason")),
        reason_code=r.text(el, _p("cbc:AllowanceChargeReasonCode")),
        vat_category=r.text(el, _p("cac:TaxCategory/cbc:ID")),
        vat_rate=r.decimal(el, _p("cac:TaxCategory/cbc:Percent"), "BT-96"),
    )


def _read_line(r: _Reader, el: etree._Element, credit: bool) -> Line:
    qty_path = _p("cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity")
    item = el.find(_p("cac:Item"))
    price = el.find(_p("cac:Price"))
    price_ac = price.find(_p("cac:AllowanceCharge")) if price is not None else None
    return Line(
        id=r.text(el, _p("cbc:ID")) or "",
        quantity=r.decimal(el, qty_path, "BT-129") or Decimal(0),
        unit_code=r.attr(el, qty_path, "unitCode") or "",
        name=r.text(item, _p("cbc:Name")) or "",
        net_price=(r.decimal(price, _p("cbc:PriceAmount"), "BT-146") if price is not None else None)
        or Decimal(0),
        vat_category=r.text(item, _p("cac:ClassifiedTaxCategory/cbc:ID")) or "",
        vat_rate=r.decimal(item, _p("cac:ClassifiedTaxCategory/cbc:Percent"), "BT-152")
        if item is not None
        else None,
        net_amount=r.decimal(el, _p("cbc:LineExtensionAmount"), "BT-131"),
        base_quantity=r.decimal(price, _p("cbc:BaseQuantity"), "BT-149") if price is not None else None,
        gross_price=r.decimal(price_ac, _p("cbc:BaseAmount"), "BT-148") if price_ac is not None else None,
        price_discount=r.decimal(price_ac, _p("cbc:Amount"), "BT-147") if price_ac is not None else None,
        description=r.text(item, _p("cbc:Description")),
        seller_item_id=r.text(item, _p("cac:SellersItemIdentification/cbc:ID")),
        buyer_item_id=r.text(item, _p("cac:BuyersItemIdentification/cbc:ID")),
        standard_item_id=r.identifier(item, _p("cac:StandardItemIdentification/cbc:ID")),
        note=r.text(el, _p("cbc:Note")),
        order_line_reference=r.text(el, _p("cac:OrderLineReference/cbc:LineID")),
        accounting_cost=r.text(el, _p("cbc:AccountingCost")),
        period=_read_period(r, el.find(_p("cac:InvoicePeriod"))),
        allowances_charges=tuple(
            _read_allowance_charge(r, ac) for ac in el.iterfind(_p("cac:AllowanceCharge"))
        ),
    )


def _read_attachment(r: _Reader, el: etree._Element) -> Attachment:
    binary = el.find(_p("cac:Attachment/cbc:EmbeddedDocumentBinaryObject"))
    content = None
    if binary is not None:
        try:
            content = base64.b64decode("".join((binary.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise EInvoiceError(
                "attachment is not valid base64", r.source, element_path(binary), "BT-125"
            ) from None
    return Attachment(
        id=r.text(el, _p("cbc:ID")) or "",
        description=r.text(el, _p("cbc:DocumentDescription")),
        content=content,
        mime_code=binary.get("mimeCode") if binary is not None else None,
        filename=binary.get("filename") if binary is not None else None,
        uri=r.text(el, _p("cac:Attachment/cac:ExternalReference/cbc:URI")),
        type_code=r.text(el, _p("cbc:DocumentTypeCode")),
    )


def _read_payment_means(r: _Reader, el: etree._Element) -> PaymentMeans:
    return PaymentMeans(
        code=r.text(el, _p("cbc:PaymentMeansCode")) or "",
        text=r.attr(el, _p("cbc:PaymentMeansCode"), "name"),
        remittance=r.text(el, _p("cbc:PaymentID")),
        account_id=r.text(el, _p("cac:PayeeFinancialAccount/cbc:ID")),
        account_name=r.text(el, _p("cac:PayeeFinancialAccount/cbc:Name")),
        bic=r.text(el, _p("cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID")),
        card_number=r.text(el, _p("cac:CardAccount/cbc:PrimaryAccountNumberID")),
        card_holder=r.text(el, _p("cac:CardAccount/cbc:HolderName")),
        mandate_id=r.text(el, _p("cac:PaymentMandate/cbc:ID")),
        debited_account=r.text(el, _p("cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID")),
    )


def _read_breakdown(r: _Reader, el: etree._Element) -> VatBreakdown:
    return VatBreakdown(
        category=r.text(el, _p("cac:TaxCategory/cbc:ID")) or "",
        rate=r.decimal(el, _p("cac:TaxCategory/cbc:Percent"), "BT-119"),
        taxable_amount=r.required_decimal(el, _p("cbc:TaxableAmount"), "BT-116"),
        tax_amount=r.required_decimal(el, _p("cbc:TaxAmount"), "BT-117"),
        exemption_reason=r.text(el, _p("cac:TaxCategory/cbc:TaxExemptionReason")),
        exemption_reason_code=r.text(el, _p("cac:TaxCategory/cbc:TaxExemptionReasonCode")),
    )


def _children(el: etree._Element, path: str) -> Iterator[etree._Element]:
    return el.iterfind(_p(path))


def read_ubl(data: bytes, *, source: str = "<input>") -> Document:
    """Read a UBL 2.1 Invoice or CreditNote; raises :class:`EInvoiceError`."""
    root = parse_document(data, source=source)
    qname = etree.QName(root)
    if (qname.namespace, qname.localname) not in ((NS_INVOICE, "Invoice"), (NS_CREDIT_NOTE, "CreditNote")):
        raise EInvoiceError(
            f"not a UBL 2.1 Invoice or CreditNote: {qname.localname}", source, "/" + qname.localname
        )
    credit = qname.localname == "CreditNote"
    r = _Reader(source)
    where = "/" + qname.localname

    def required(path: str, field: str) -> str:
        value = r.text(root, _p(path))
        if value is None:
            raise EInvoiceError("missing", source, f"{where}/{path}", field)
        return value

    type_text = required("cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", "BT-3")
    if not type_text.isdigit():
        raise EInvoiceError(f"type code is not a number: {type_text!r}", source, where, "BT-3")
    issue_date = r.date(root, _p("cbc:IssueDate"), "BT-2")
    if issue_date is None:
        raise EInvoiceError("missing", source, f"{where}/cbc:IssueDate", "BT-2")
    currency = required("cbc:DocumentCurrencyCode", "BT-5")
    tax_currency = r.text(root, _p("cbc:TaxCurrencyCode"))

    vat_total = vat_total_accounting = None
    breakdown: list[VatBreakdown] = []
    for tax_total in _children(root, "cac:TaxTotal"):
        amount_el = tax_total.find(_p("cbc:TaxAmount"))
        if amount_el is None:
            continue
        amount = parse_decimal(amount_el.text, source=source, path=element_path(amount_el), field="BT-110")
        if tax_currency and amount_el.get("currencyID") == tax_currency and tax_currency != currency:
            vat_total_accounting = amount
        else:
            vat_total = amount
            breakdown.extend(_read_breakdown(r, sub) for sub in _children(tax_total, "cac:TaxSubtotal"))

    mt = root.find(_p("cac:LegalMonetaryTotal"))
    if mt is None:
        raise EInvoiceError("missing", source, f"{where}/cac:LegalMonetaryTotal", "BG-22")
    totals = Totals(
        line_total=r.required_decimal(mt, _p("cbc:LineExtensionAmount"), "BT-106"),
        tax_exclusive=r.required_decimal(mt, _p("cbc:TaxExclusiveAmount"), "BT-109"),
        tax_inclusive=r.required_decimal(mt, _p("cbc:TaxInclusiveAmount"), "BT-112"),
        payable=r.required_decimal(mt, _p("cbc:PayableAmount"), "BT-115"),
        allowance_total=r.decimal(mt, _p("cbc:AllowanceTotalAmount"), "BT-107"),
        charge_total=r.decimal(mt, _p("cbc:ChargeTotalAmount"), "BT-108"),
        vat_total=vat_total,
        vat_total_accounting=vat_total_accounting,
        prepaid=r.decimal(mt, _p("cbc:PrepaidAmount"), "BT-113"),
        rounding=r.decimal(mt, _p("cbc:PayableRoundingAmount"), "BT-114"),
    )

    payment_means = tuple(_read_payment_means(r, pm) for pm in _children(root, "cac:PaymentMeans"))
    due_date = r.date(root, _p("cbc:DueDate"), "BT-9")
    if due_date is None:
        due_date = r.date(root, _p("cac:PaymentMeans/cbc:PaymentDueDate"), "BT-9")

    attachments = []
    project = r.text(root, _p("cac:ProjectReference/cbc:ID"))
    for ref in _children(root, "cac:AdditionalDocumentReference"):
        if credit and r.text(ref, _p("cbc:DocumentTypeCode")) == "50" and project is None:
            project = r.text(ref, _p("cbc:ID"))
            continue
        attachments.append(_read_attachment(r, ref))

    payee_el = root.find(_p("cac:PayeeParty"))
    payee = None
    if payee_el is not None:
        payee = Payee(
            name=r.text(payee_el, _PARTY_NAME) or "",
            identifier=r.identifier(payee_el, _p("cac:PartyIdentification/cbc:ID")),
            legal_id=r.identifier(payee_el, _p("cac:PartyLegalEntity/cbc:CompanyID")),
        )
    delivery = root.find(_p("cac:Delivery"))
    order_ref = r.text(root, _p("cac:OrderReference/cbc:ID"))
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    return Document(
        number=required("cbc:ID", "BT-1"),
        issue_date=issue_date,
        type_code=int(type_text),
        currency=currency,
        tax_currency=tax_currency,
        seller=_read_party(r, root.find(_p("cac:AccountingSupplierParty/cac:Party"))),
        buyer=_read_party(r, root.find(_p("cac:AccountingCustomerParty/cac:Party"))),
        lines=tuple(_read_line(r, line, credit) for line in _children(root, line_tag)),
        vat_breakdown=tuple(breakdown),
        totals=totals,
        due_date=due_date,
        tax_point_date=r.date(root, _p("cbc:TaxPointDate"), "BT-7"),
        buyer_reference=r.text(root, _p("cbc:BuyerReference")),
        project_reference=project,
        contract_reference=r.text(root, _p("cac:ContractDocumentReference/cbc:ID")),
        order_reference=order_ref if order_ref != "NA" else None,
        sales_order_reference=r.text(root, _p("cac:OrderReference/cbc:SalesOrderID")),
        accounting_cost=r.text(root, _p("cbc:AccountingCost")),
        payment_terms=r.text(root, _p("cac:PaymentTerms/cbc:Note")),
        notes=tuple(n.text.strip() for n in _children(root, "cbc:Note") if n.text and n.text.strip()),
        process_id=r.text(root, _p("cbc:ProfileID")),
        specification_id=r.text(root, _p("cbc:CustomizationID")),
        preceding_invoices=tuple(
            PrecedingInvoice(
                number=r.text(ref, _p("cbc:ID")) or "", issue_date=r.date(ref, _p("cbc:IssueDate"), "BT-26")
            )
            for ref in _children(root, "cac:BillingReference/cac:InvoiceDocumentReference")
        ),
        payee=payee,
        delivery_date=r.date(delivery, _p("cbc:ActualDeliveryDate"), "BT-72"),
        delivery_name=r.text(delivery, _p("cac:DeliveryParty/cac:PartyName/cbc:Name")),
        delivery_address=_read_address(r, delivery.find(_p("cac:DeliveryLocation/cac:Address")))
        if delivery is not None
        else None,
        period=_read_period(r, root.find(_p("cac:InvoicePeriod"))),
        payment_means=payment_means,
        allowances_charges=tuple(
            _read_allowance_charge(r, ac) for ac in _children(root, "cac:AllowanceCharge")
        ),
        attachments=tuple(attachments),
    )
