"""UN/CEFACT Cross Industry Invoice (CII D16B) in the EN 16931 profile: writer and reader.

:func:`write_cii` writes a :class:`~encaisse.formats.einvoice.model.Document`
as a ``CrossIndustryInvoice`` with guideline ``urn:cen.eu:en16931:2017`` (which
is also the Factur-X EN 16931 profile); :func:`read_cii` reads any CII
invoice of the EN 16931 family (Factur-X, ZUGFeRD 2, XRechnung), keeping the
amounts the document states.

CII holds a few things once per document that the model keeps per payment
means: the remittance information (BT-83, ``PaymentReference``) and the direct
debit mandate (BT-89, in the payment terms). The writer takes the first
payment means' value; the reader gives the document value to every payment
means.

>>> GUIDELINE_EN16931
'urn:cen.eu:en16931:2017'
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

__all__ = ["GUIDELINE_EN16931", "NS_RSM", "read_cii", "write_cii"]

GUIDELINE_EN16931: Final = "urn:cen.eu:en16931:2017"
NS_RSM: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS_UDT: Final = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS_QDT: Final = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
_RSM = "{" + NS_RSM + "}"
_RAM = "{" + NS_RAM + "}"
_UDT = "{" + NS_UDT + "}"
_QDT = "{" + NS_QDT + "}"
_SUPPORTING_DOCUMENT = "916"


# --- writing -----------------------------------------------------------------


def _ram(parent: etree._Element, tag: str, text: str | None = None, /, **attrs: str | None) -> etree._Element:
    el = etree.SubElement(parent, _RAM + tag, {k: v for k, v in attrs.items() if v})
    if text is not None:
        el.text = text
    return el


def _opt(parent: etree._Element, tag: str, text: str | None, /, **attrs: str | None) -> None:
    if text:
        _ram(parent, tag, text, **attrs)


def _date(parent: etree._Element, tag: str, value: date | None, *, qualified: bool = False) -> None:
    if value is None:
        return
    holder = _ram(parent, tag)
    el = etree.SubElement(holder, (_QDT if qualified else _UDT) + "DateTimeString", format="102")
    el.text = value.strftime("%Y%m%d")


def _indicator(parent: etree._Element, value: bool) -> None:
    holder = _ram(parent, "ChargeIndicator")
    etree.SubElement(holder, _UDT + "Indicator").text = "true" if value else "false"


def _address(parent: etree._Element, tag: str, address: Address) -> None:
    el = _ram(parent, tag)
    _opt(el, "PostcodeCode", address.postcode)
    for name, text in zip(("LineOne", "LineTwo", "LineThree"), address.lines, strict=False):
        _opt(el, name, text)
    _opt(el, "CityName", address.city)
    _ram(el, "CountryID", address.country)
    _opt(el, "CountrySubDivisionName", address.subdivision)


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    el = _ram(parent, tag)
    for ident in party.identifiers:
        if not ident.scheme:
            _ram(el, "ID", ident.value)
    for ident in party.identifiers:
        if ident.scheme:
            _ram(el, "GlobalID", ident.value, schemeID=ident.scheme)
    _ram(el, "Name", party.name)
    _opt(el, "Description", party.legal_info)
    if party.legal_id or party.trading_name:
        legal = _ram(el, "SpecifiedLegalOrganization")
        if party.legal_id:
            _ram(legal, "ID", party.legal_id.value, schemeID=party.legal_id.scheme)
        _opt(legal, "TradingBusinessName", party.trading_name)
    contact = party.contact
    if contact and (contact.name or contact.phone or contact.email):
        c = _ram(el, "DefinedTradeContact")
        _opt(c, "PersonName", contact.name)
        if contact.phone:
            _ram(_ram(c, "TelephoneUniversalCommunication"), "CompleteNumber", contact.phone)
        if contact.email:
            _ram(_ram(c, "EmailURIUniversalCommunication"), "URIID", contact.email)
    if party.address:
        _address(el, "PostalTradeAddress", party.address)
    if party.endpoint:
        _ram(
            _ram(el, "URIUniversalCommunication"),
            "URIID",
            party.endpoint.value,
            schemeID=party.endpoint.scheme,
        )
    if party.vat_id:
        _ram(_ram(el, "SpecifiedTaxRegistration"), "ID", party.vat_id, schemeID="VA")
    if party.tax_registration_id:
        _ram(_ram(el, "SpecifiedTaxRegistration"), "ID", party.tax_registration_id, schemeID="FC")


def _period(parent: etree._Element, period: Period | None) -> None:
    if period and (period.start or period.end):
        el = _ram(parent, "BillingSpecifiedPeriod")
        _date(el, "StartDateTime", period.start)
        _date(el, "EndDateTime", period.end)


def _allowance_charge(parent: etree._Element, ac: AllowanceCharge, *, document_level: bool) -> None:
    el = _ram(parent, "SpecifiedTradeAllowanceCharge")
    _indicator(el, ac.is_charge)
    if ac.percent is not None:
        _ram(el, "CalculationPercent", fmt_number(ac.percent))
    if ac.base_amount is not None:
        _ram(el, "BasisAmount", fmt_amount(ac.base_amount))
    _ram(el, "ActualAmount", fmt_amount(ac.amount))
    _opt(el, "ReasonCode", ac.reason_code)
    _opt(el, "Reason", ac.reason)
    if document_level and ac.vat_category:
        tax = _ram(el, "CategoryTradeTax")
        _ram(tax, "TypeCode", "VAT")
        _ram(tax, "CategoryCode", ac.vat_category)
        if ac.vat_rate is not None:
            _ram(tax, "RateApplicablePercent", fmt_number(ac.vat_rate))


def _line(parent: etree._Element, line: Line) -> None:
    el = _ram(parent, "IncludedSupplyChainTradeLineItem")
    doc = _ram(el, "AssociatedDocumentLineDocument")
    _ram(doc, "LineID", line.id)
    if line.note:
        _ram(_ram(doc, "IncludedNote"), "Content", line.note)
    product = _ram(el, "SpecifiedTradeProduct")
    if line.standard_item_id:
        _ram(product, "GlobalID", line.standard_item_id.value, schemeID=line.standard_item_id.scheme)
    _opt(product, "SellerAssignedID", line.seller_item_id)
    _opt(product, "BuyerAssignedID", line.buyer_item_id)
    _ram(product, "Name", line.name)
    _opt(product, "Description", line.description)
    agreement = _ram(el, "SpecifiedLineTradeAgreement")
    if line.order_line_reference:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "LineID", line.order_line_reference)
    if line.gross_price is not None or line.price_discount is not None:
        gross = _ram(agreement, "GrossPriceProductTradePrice")
        _ram(
            gross,
            "ChargeAmount",
            fmt_number(line.gross_price if line.gross_price is not None else line.net_price),
        )
        if line.price_discount is not None:
            discount = _ram(gross, "AppliedTradeAllowanceCharge")
            _indicator(discount, False)
            _ram(discount, "ActualAmount", fmt_number(line.price_discount))
    net = _ram(agreement, "NetPriceProductTradePrice")
    _ram(net, "ChargeAmount", fmt_number(line.net_price))
    if line.base_quantity is not None:
        _ram(net, "BasisQuantity", fmt_number(line.base_quantity), unitCode=line.unit_code)
    _ram(
        _ram(el, "SpecifiedLineTradeDelivery"),
        "BilledQuantity",
        fmt_number(line.quantity),
        unitCode=line.unit_code,
    )
    settlement = _ram(el, "SpecifiedLineTradeSettlement")
    tax = _ram(settlement, "ApplicableTradeTax")
    _ram(tax, "TypeCode", "VAT")
    _ram(tax, "CategoryCode", line.vat_category)
    if line.vat_rate is not None:
        _ram(tax, "RateApplicablePercent", fmt_number(line.vat_rate))
    _period(settlement, line.period)
    for ac in line.allowances_charges:
        _allowance_charge(settlement, ac, document_level=False)
    summation = _ram(settlement, "SpecifiedTradeSettlementLineMonetarySummation")
    _ram(
        summation,
        "LineTotalAmount",
        fmt_amount(line.net_amount if line.net_amount is not None else Decimal(0)),
    )
    if line.accounting_cost:
        _ram(_ram(settlement, "ReceivableSpecifiedTradeAccountingAccount"), "ID", line.accounting_cost)


def _is_iban(value: str) -> bool:
    return len(value) > 4 and value[:2].isalpha() and value[2:4].isdigit()


def write_cii(doc: Document, *, guideline: str | None = None) -> bytes:
    """The document as a CII ``CrossIndustryInvoice`` (UTF-8, with XML declaration).

    The guideline (BT-24) is the argument, else the document's own, else EN 16931.
    """
    root = etree.Element(_RSM + "CrossIndustryInvoice",
                         nsmap={"rsm": NS_RSM, "ram": NS_RAM, "udt": NS_UDT, "qdt": NS_QDT})  # fmt: skip
    context = etree.SubElement(root, _RSM + "ExchangedDocumentContext")
    if doc.process_id:
        _ram(_ram(context, "BusinessProcessSpecifiedDocumentContextParameter"), "ID", doc.process_id)
    _ram(_ram(context, "GuidelineSpecifiedDocumentContextParameter"), "ID",
         guideline or doc.specification_id or GUIDELINE_EN16931)  # fmt: skip
    header = etree.SubElement(root, _RSM + "ExchangedDocument")
    _ram(header, "ID", doc.number)
    _ram(header, "TypeCode", str(doc.type_code))
    _date(header, "IssueDateTime", doc.issue_date)
    for note in doc.notes:
        _ram(_ram(header, "IncludedNote"), "Content", note)

    transaction = etree.SubElement(root, _RSM + "SupplyChainTradeTransaction")
    for line in doc.lines:
        _line(transaction, line)

    agreement = _ram(transaction, "ApplicableHeaderTradeAgreement")
    _opt(agreement, "BuyerReference", doc.buyer_reference)
    _party(agreement, "SellerTradeParty", doc.seller)
    _party(agreement, "BuyerTradeParty", doc.buyer)
    if doc.sales_order_reference:
        _ram(_ram(agreement, "SellerOrderReferencedDocument"), "IssuerAssignedID", doc.sales_order_reference)
    if doc.order_reference:
        _ram(_ram(agreement, "BuyerOrderReferencedDocument"), "IssuerAssignedID", doc.order_reference)
    if doc.contract_reference:
        _ram(_ram(agreement, "ContractReferencedDocument"), "IssuerAssignedID", doc.contract_reference)
    for att in doc.attachments:
        ref = _ram(agreement, "AdditionalReferencedDocument")
        _ram(ref, "IssuerAssignedID", att.id)
        _opt(ref, "URIID", att.uri)
        _ram(ref, "TypeCode", att.type_code or _SUPPORTING_DOCUMENT)
        _opt(ref, "Name", att.description)
        if att.content is not None:
            _ram(ref, "AttachmentBinaryObject", base64.b64encode(att.content).decode("ascii"),
                 mimeCode=att.mime_code or "application/octet-stream", filename=att.filename or att.id)  # fmt: skip
    if doc.project_reference:
        project = _ram(agreement, "SpecifiedProcuringProject")
        _ram(project, "ID", doc.project_reference)
        _ram(project, "Name", "Project reference")

    delivery = _ram(transaction, "ApplicableHeaderTradeDelivery")
    if doc.delivery_name or doc.delivery_address:
        ship_to = _ram(delivery, "ShipToTradeParty")
        _opt(ship_to, "Name", doc.delivery_name)
        if doc.delivery_address:
            _address(ship_to, "PostalTradeAddress", doc.delivery_address)
    if doc.delivery_date:
        _date(_ram(delivery, "ActualDeliverySupplyChainEvent"), "OccurrenceDateTime", doc.delivery_date)

    settlement = _ram(transaction, "ApplicableHeaderTradeSettlement")
    remittance = next((pm.remittance for pm in doc.payment_means if pm.remittance), None)
    _opt(settlement, "PaymentReference", remittance)
    _opt(settlement, "TaxCurrencyCode", doc.tax_currency)
    _ram(settlement, "InvoiceCurrencyCode", doc.currency)
    if doc.payee:
        payee = _ram(settlement, "PayeeTradeParty")
        if doc.payee.identifier:
            if doc.payee.identifier.scheme:
                _ram(payee, "GlobalID", doc.payee.identifier.value, schemeID=doc.payee.identifier.scheme)
            else:
                _ram(payee, "ID", doc.payee.identifier.value)
        _ram(payee, "Name", doc.payee.name)
        if doc.payee.legal_id:
            _ram(_ram(payee, "SpecifiedLegalOrganization"), "ID", doc.payee.legal_id.value,
                 schemeID=doc.payee.legal_id.scheme)  # fmt: skip
    for pm in doc.payment_means:
        means = _ram(settlement, "SpecifiedTradeSettlementPaymentMeans")
        _ram(means, "TypeCode", pm.code)
        _opt(means, "Information", pm.text)
        if pm.card_number:
            card = _ram(means, "ApplicableTradeSettlementFinancialCard")
            _ram(card, "ID", pm.card_number)
            _opt(card, "CardholderName", pm.card_holder)
        if pm.debited_account:
            _ram(_ram(means, "PayerPartyDebtorFinancialAccount"), "IBANID", pm.debited_account)
        if pm.account_id:
            account = _ram(means, "PayeePartyCreditorFinancialAccount")
            iban = _is_iban(pm.account_id)
            if iban:
                _ram(account, "IBANID", pm.account_id)
            _opt(account, "AccountName", pm.account_name)
            if not iban:
                _ram(account, "ProprietaryID", pm.account_id)
        if pm.bic:
            _ram(_ram(means, "PayeeSpecifiedCreditorFinancialInstitution"), "BICID", pm.bic)
    for b in doc.vat_breakdown:
        tax = _ram(settlement, "ApplicableTradeTax")
        _ram(tax, "CalculatedAmount", fmt_amount(b.tax_amount))
        _ram(tax, "TypeCode", "VAT")
        _opt(tax, "ExemptionReason", b.exemption_reason)
        _ram(tax, "BasisAmount", fmt_amount(b.taxable_amount))
        _ram(tax, "CategoryCode", b.category)
        _opt(tax, "ExemptionReasonCode", b.exemption_reason_code)
        _date(tax, "TaxPointDate", doc.tax_point_date)
        if b.rate is not None:
            _ram(tax, "RateApplicablePercent", fmt_number(b.rate))
    _period(settlement, doc.period)
    for ac in doc.allowances_charges:
        _allowance_charge(settlement, ac, document_level=True)
    mandate = next((pm.mandate_id for pm in doc.payment_means if pm.mandate_id), None)
    if doc.payment_terms or doc.due_date or mandate:
        terms = _ram(settlement, "SpecifiedTradePaymentTerms")
        _opt(terms, "Description", doc.payment_terms)
        _date(terms, "DueDateDateTime", doc.due_date)
        _opt(terms, "DirectDebitMandateID", mandate)
    totals = doc.totals
    summation = _ram(settlement, "SpecifiedTradeSettlementHeaderMonetarySummation")
    _ram(summation, "LineTotalAmount", fmt_amount(totals.line_total))
    if totals.charge_total is not None:
        _ram(summation, "ChargeTotalAmount", fmt_amount(totals.charge_total))
    if totals.allowance_total is not None:
        _ram(summation, "AllowanceTotalAmount", fmt_amount(totals.allowance_total))
    _ram(summation, "TaxBasisTotalAmount", fmt_amount(totals.tax_exclusive))
    if totals.vat_total is not None:
        _ram(summation, "TaxTotalAmount", fmt_amount(totals.vat_total), currencyID=doc.currency)
    if doc.tax_currency and totals.vat_total_accounting is not None:
        _ram(
            summation, "TaxTotalAmount", fmt_amount(totals.vat_total_accounting), currencyID=doc.tax_currency
        )
    if totals.rounding is not None:
        _ram(summation, "RoundingAmount", fmt_amount(totals.rounding))
    _ram(summation, "GrandTotalAmount", fmt_amount(totals.tax_inclusive))
    if totals.prepaid is not None:
        _ram(summation, "TotalPrepaidAmount", fmt_amount(totals.prepaid))
    _ram(summation, "DuePayableAmount", fmt_amount(totals.payable))
    for preceding in doc.preceding_invoices:
        ref = _ram(settlement, "InvoiceReferencedDocument")
        _ram(ref, "IssuerAssignedID", preceding.number)
        _date(ref, "FormattedIssueDateTime", preceding.issue_date, qualified=True)
    if doc.accounting_cost:
        _ram(_ram(settlement, "ReceivableSpecifiedTradeAccountingAccount"), "ID", doc.accounting_cost)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


# --- reading -----------------------------------------------------------------


def _p(path: str) -> str:
    """``ram:A/udt:B`` → Clark notation for ``find``."""
    out = []
    for step in path.split("/"):
        prefix, _, local = step.partition(":")
        out.append({"ram": _RAM, "rsm": _RSM, "udt": _UDT, "qdt": _QDT}[prefix] + local)
    return "/".join(out)


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def text(self, el: etree._Element | None, path: str) -> str | None:
        if el is None:
            return None
        found = el.find(_p(path))
        if found is None or found.text is None:
            return None
        return found.text.strip() or None

    def attr(self, el: etree._Element | None, path: str, name: str) -> str | None:
        if el is None:
            return None
        found = el.find(_p(path))
        value = found.get(name) if found is not None else None
        return value.strip() if value and value.strip() else None

    def decimal(self, el: etree._Element | None, path: str, field: str) -> Decimal | None:
        if el is None:
            return None
        found = el.find(_p(path))
        if found is None:
            return None
        return parse_decimal(found.text, source=self.source, path=element_path(found), field=field)

    def required_decimal(self, el: etree._Element, path: str, field: str) -> Decimal:
        value = self.decimal(el, path, field)
        if value is None:
            raise EInvoiceError("missing amount", self.source, f"{element_path(el)}/{path}", field)
        return value

    def date(self, el: etree._Element | None, path: str, field: str) -> date | None:
        if el is None:
            return None
        holder = el.find(_p(path))
        if holder is None:
            return None
        found = holder.find(_UDT + "DateTimeString")
        if found is None:
            found = holder.find(_QDT + "DateTimeString")
        if found is None or not (found.text or "").strip():
            return None
        return parse_date(found.text, source=self.source, path=element_path(found), field=field,
                          compact=found.get("format", "102") == "102")  # fmt: skip

    def indicator(self, el: etree._Element, field: str) -> bool:
        text = (self.text(el, "ram:ChargeIndicator/udt:Indicator") or "").lower()
        if text not in ("true", "false", "1", "0"):
            raise EInvoiceError("ChargeIndicator must be true or false", self.source, element_path(el), field)
        return text in ("true", "1")


def _children(el: etree._Element | None, path: str) -> Iterator[etree._Element]:
    if el is None:
        return iter(())
    return el.iterfind(_p(path))


def _read_address(r: _Reader, el: etree._Element | None) -> Address | None:
    if el is None:
        return None
    lines = [r.text(el, "ram:LineOne"), r.text(el, "ram:LineTwo"), r.text(el, "ram:LineThree")]
    while lines and lines[-1] is None:
        lines.pop()
    return Address(
        country=r.text(el, "ram:CountryID") or "",
        lines=tuple(line or "" for line in lines),
        city=r.text(el, "ram:CityName"),
        postcode=r.text(el, "ram:PostcodeCode"),
        subdivision=r.text(el, "ram:CountrySubDivisionName"),
    )


def _read_party(r: _Reader, el: etree._Element | None) -> Party:
    if el is None:
        return Party(name="")
    vat_id = tax_id = None
    for reg in _children(el, "ram:SpecifiedTaxRegistration/ram:ID"):
        value = (reg.text or "").strip() or None
        if reg.get("schemeID") == "VA":
            vat_id = vat_id or value
        else:
            tax_id = tax_id or value
    identifiers = [Identifier(i.text.strip()) for i in _children(el, "ram:ID") if i.text and i.text.strip()]
    identifiers += [
        Identifier(i.text.strip(), i.get("schemeID"))
        for i in _children(el, "ram:GlobalID")
        if i.text and i.text.strip()
    ]
    contact_el = el.find(_p("ram:DefinedTradeContact"))
    contact = None
    if contact_el is not None:
        contact = Contact(
            name=r.text(contact_el, "ram:PersonName") or r.text(contact_el, "ram:DepartmentName"),
            phone=r.text(contact_el, "ram:TelephoneUniversalCommunication/ram:CompleteNumber"),
            email=r.text(contact_el, "ram:EmailURIUniversalCommunication/ram:URIID"),
        )
        if contact == Contact():
            contact = None
    endpoint = r.text(el, "ram:URIUniversalCommunication/ram:URIID")
    legal = r.text(el, "ram:SpecifiedLegalOrganization/ram:ID")
    return Party(
        name=r.text(el, "ram:Name") or "",
        trading_name=r.text(el, "ram:SpecifiedLegalOrganization/ram:TradingBusinessName"),
        address=_read_address(r, el.find(_p("ram:PostalTradeAddress"))),
        identifiers=tuple(identifiers),
        legal_id=Identifier(legal, r.attr(el, "ram:SpecifiedLegalOrganization/ram:ID", "schemeID"))
        if legal
        else None,
        vat_id=vat_id,
        tax_registration_id=tax_id,
        legal_info=r.text(el, "ram:Description"),
        endpoint=Identifier(endpoint, r.attr(el, "ram:URIUniversalCommunication/ram:URIID", "schemeID"))
        if endpoint
        else None,
        contact=contact,
    )


def _read_period(r: _Reader, el: etree._Element | None) -> Period | None:
    if el is None:
        return None
    period = Period(
        start=r.date(el, "ram:StartDateTime", "BT-73"), end=r.date(el, "ram:EndDateTime", "BT-74")
    )
    return period if period.start or period.end else None


def _read_allowance_charge(r: _Reader, el: etree._Element) -> AllowanceCharge:
    return AllowanceCharge(
        is_charge=r.indicator(el, "BG-20"),
        amount=r.required_decimal(el, "ram:ActualAmount", "BT-92"),
        base_amount=r.decimal(el, "ram:BasisAmount", "BT-93"),
        percent=r.decimal(el, "ram:CalculationPercent", "BT-94"),
        reason=r.text(el, "ram:Reason"),
        reason_code=r.text(el, "ram:ReasonCode"),
        vat_category=r.text(el, "ram:CategoryTradeTax/ram:CategoryCode"),
        vat_rate=r.decimal(el, "ram:CategoryTradeTax/ram:RateApplicablePercent", "BT-96"),
    )


def _read_line(r: _Reader, el: etree._Element) -> Line:
    product = el.find(_p("ram:SpecifiedTradeProduct"))
    agreement = el.find(_p("ram:SpecifiedLineTradeAgreement"))
    net = agreement.find(_p("ram:NetPriceProductTradePrice")) if agreement is not None else None
    gross = agreement.find(_p("ram:GrossPriceProductTradePrice")) if agreement is not None else None
    settlement = el.find(_p("ram:SpecifiedLineTradeSettlement"))
    quantity_path = "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"
    standard = r.text(product, "ram:GlobalID")
    discount = None
    if gross is not None:
        for ac in _children(gross, "ram:AppliedTradeAllowanceCharge"):
            discount = r.decimal(ac, "ram:ActualAmount", "BT-147")
    return Line(
        id=r.text(el, "ram:AssociatedDocumentLineDocument/ram:LineID") or "",
        quantity=r.decimal(el, quantity_path, "BT-129") or Decimal(0),
        unit_code=r.attr(el, quantity_path, "unitCode") or "",
        name=r.text(product, "ram:Name") or "",
        net_price=r.decimal(net, "ram:ChargeAmount", "BT-146") or Decimal(0),
        vat_category=r.text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode") or "",
        vat_rate=r.decimal(settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent", "BT-152"),
        net_amount=r.decimal(
            settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount", "BT-131"
        ),
        base_quantity=r.decimal(net, "ram:BasisQuantity", "BT-149"),
        gross_price=r.decimal(gross, "ram:ChargeAmount", "BT-148"),
        price_discount=discount,
        description=r.text(product, "ram:Description"),
        seller_item_id=r.text(product, "ram:SellerAssignedID"),
        buyer_item_id=r.text(product, "ram:BuyerAssignedID"),
        standard_item_id=Identifier(standard, r.attr(product, "ram:GlobalID", "schemeID"))
        if standard
        else None,
        note=r.text(el, "ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content"),
        order_line_reference=r.text(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
        accounting_cost=r.text(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
        period=_read_period(
            r, settlement.find(_p("ram:BillingSpecifiedPeriod")) if settlement is not None else None
        ),
        allowances_charges=tuple(
            _read_allowance_charge(r, ac) for ac in _children(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ),
    )


def _read_attachment(r: _Reader, el: etree._Element) -> Attachment:
    binary = el.find(_p("ram:AttachmentBinaryObject"))
    content = None
    if binary is not None:
        try:
            content = base64.b64decode("".join((binary.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            raise EInvoiceError(
                "attachment is not valid base64", r.source, element_path(binary), "BT-125"
            ) from None
    type_code = r.text(el, "ram:TypeCode")
    return Attachment(
        id=r.text(el, "ram:IssuerAssignedID") or "",
        description=r.text(el, "ram:Name"),
        content=content,
        mime_code=binary.get("mimeCode") if binary is not None else None,
        filename=binary.get("filename") if binary is not None else None,
        uri=r.text(el, "ram:URIID"),
        type_code=None if type_code == _SUPPORTING_DOCUMENT else type_code,
    )


def read_cii(data: bytes, *, source: str = "<input>") -> Document:
    """Read a CII ``CrossIndustryInvoice``; raises :class:`EInvoiceError`."""
    root = parse_document(data, source=source)
    if root.tag != _RSM + "CrossIndustryInvoice":
        raise EInvoiceError(f"not a CII CrossIndustryInvoice: {etree.QName(root).localname}", source,
                            "/" + etree.QName(root).localname)  # fmt: skip
    r = _Reader(source)
    header = root.find(_p("rsm:ExchangedDocument"))
    transaction = root.find(_p("rsm:SupplyChainTradeTransaction"))
    if header is None or transaction is None:
        raise EInvoiceError(
            "missing ExchangedDocument or SupplyChainTradeTransaction", source, "/rsm:CrossIndustryInvoice"
        )
    number = r.text(header, "ram:ID")
    if number is None:
        raise EInvoiceError(
            "missing", source, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID", "BT-1"
        )
    type_text = r.text(header, "ram:TypeCode") or ""
    if not type_text.isdigit():
        raise EInvoiceError(f"type code is not a number: {type_text!r}", source,
                            "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode", "BT-3")  # fmt: skip
    issue_date = r.date(header, "ram:IssueDateTime", "BT-2")
    if issue_date is None:
        raise EInvoiceError(
            "missing", source, "/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime", "BT-2"
        )
    agreement = transaction.find(_p("ram:ApplicableHeaderTradeAgreement"))
    delivery = transaction.find(_p("ram:ApplicableHeaderTradeDelivery"))
    settlement = transaction.find(_p("ram:ApplicableHeaderTradeSettlement"))
    if settlement is None:
        raise EInvoiceError(
            "missing", source, "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction", "BG-22"
        )
    currency = r.text(settlement, "ram:InvoiceCurrencyCode")
    if currency is None:
        raise EInvoiceError("missing", source, element_path(settlement) + "/ram:InvoiceCurrencyCode", "BT-5")
    tax_currency = r.text(settlement, "ram:TaxCurrencyCode")

    summation = settlement.find(_p("ram:SpecifiedTradeSettlementHeaderMonetarySummation"))
    if summation is None:
        raise EInvoiceError("missing", source, element_path(settlement), "BG-22")
    if (
        summation.find(_p("ram:LineTotalAmount")) is None
        and transaction.find(_p("ram:IncludedSupplyChainTradeLineItem")) is None
    ):
        raise EInvoiceError(
            "no lines and no sum of line net amounts: a Factur-X MINIMUM document is not an EN 16931 invoice",
            source, element_path(summation) + "/ram:LineTotalAmount", "BT-106",
        )  # fmt: skip
    vat_total = vat_total_accounting = None
    for el in _children(summation, "ram:TaxTotalAmount"):
        amount = parse_decimal(el.text, source=source, path=element_path(el), field="BT-110")
        if tax_currency and tax_currency != currency and el.get("currencyID") == tax_currency:
            vat_total_accounting = amount
        else:
            vat_total = amount
    totals = Totals(
        line_total=r.required_decimal(summation, "ram:LineTotalAmount", "BT-106"),
        tax_exclusive=r.required_decimal(summation, "ram:TaxBasisTotalAmount", "BT-109"),
        tax_inclusive=r.required_decimal(summation, "ram:GrandTotalAmount", "BT-112"),
        payable=r.required_decimal(summation, "ram:DuePayableAmount", "BT-115"),
        allowance_total=r.decimal(summation, "ram:AllowanceTotalAmount", "BT-107"),
        charge_total=r.decimal(summation, "ram:ChargeTotalAmount", "BT-108"),
        vat_total=vat_total,
        vat_total_accounting=vat_total_accounting,
        prepaid=r.decimal(summation, "ram:TotalPrepaidAmount", "BT-113"),
        rounding=r.decimal(summation, "ram:RoundingAmount", "BT-114"),
    )
    breakdown = tuple(
        VatBreakdown(
            category=r.text(tax, "ram:CategoryCode") or "",
            rate=r.decimal(tax, "ram:RateApplicablePercent", "BT-119"),
            taxable_amount=r.required_decimal(tax, "ram:BasisAmount", "BT-116"),
            tax_amount=r.required_decimal(tax, "ram:CalculatedAmount", "BT-117"),
            exemption_reason=r.text(tax, "ram:ExemptionReason"),
            exemption_reason_code=r.text(tax, "ram:ExemptionReasonCode"),
        )
        for tax in _children(settlement, "ram:ApplicableTradeTax")
    )
    terms = settlement.find(_p("ram:SpecifiedTradePaymentTerms"))
    remittance = r.text(settlement, "ram:PaymentReference")
    mandate = r.text(terms, "ram:DirectDebitMandateID")
    payment_means = []
    for pm in _children(settlement, "ram:SpecifiedTradeSettlementPaymentMeans"):
        account = pm.find(_p("ram:PayeePartyCreditorFinancialAccount"))
        payment_means.append(
            PaymentMeans(
                code=r.text(pm, "ram:TypeCode") or "",
                text=r.text(pm, "ram:Information"),
                remittance=remittance,
                account_id=r.text(account, "ram:IBANID") or r.text(account, "ram:ProprietaryID"),
                account_name=r.text(account, "ram:AccountName"),
                bic=r.text(pm, "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
                card_number=r.text(pm, "ram:ApplicableTradeSettlementFinancialCard/ram:ID"),
                card_holder=r.text(pm, "ram:ApplicableTradeSettlementFinancialCard/ram:CardholderName"),
                mandate_id=mandate,
                debited_account=r.text(pm, "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"),
            )
        )
    payee_el = settlement.find(_p("ram:PayeeTradeParty"))
    payee = None
    if payee_el is not None:
        ident = r.text(payee_el, "ram:GlobalID") or r.text(payee_el, "ram:ID")
        scheme = r.attr(payee_el, "ram:GlobalID", "schemeID") if r.text(payee_el, "ram:GlobalID") else None
        legal = r.text(payee_el, "ram:SpecifiedLegalOrganization/ram:ID")
        payee = Payee(
            name=r.text(payee_el, "ram:Name") or "",
            identifier=Identifier(ident, scheme) if ident else None,
            legal_id=Identifier(legal, r.attr(payee_el, "ram:SpecifiedLegalOrganization/ram:ID", "schemeID"))
            if legal
            else None,
        )
    ship_to = delivery.find(_p("ram:ShipToTradeParty")) if delivery is not None else None
    return Document(
        number=number,
        issue_date=issue_date,
        type_code=int(type_text),
        currency=currency,
        tax_currency=tax_currency,
        seller=_read_party(r, agreement.find(_p("ram:SellerTradeParty")) if agreement is not None else None),
        buyer=_read_party(r, agreement.find(_p("ram:BuyerTradeParty")) if agreement is not None else None),
        lines=tuple(
            _read_line(r, line) for line in _children(transaction, "ram:IncludedSupplyChainTradeLineItem")
        ),
        vat_breakdown=breakdown,
        totals=totals,
        due_date=r.date(terms, "ram:DueDateDateTime", "BT-9"),
        tax_point_date=r.date(settlement, "ram:ApplicableTradeTax/ram:TaxPointDate", "BT-7"),
        buyer_reference=r.text(agreement, "ram:BuyerReference"),
        project_reference=r.text(agreement, "ram:SpecifiedProcuringProject/ram:ID"),
        contract_reference=r.text(agreement, "ram:ContractReferencedDocument/ram:IssuerAssignedID"),
        order_reference=r.text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        sales_order_reference=r.text(agreement, "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID"),
        accounting_cost=r.text(settlement, "ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID"),
        payment_terms=r.text(terms, "ram:Description"),
        notes=tuple(
            n.text.strip()
            for n in _children(header, "ram:IncludedNote/ram:Content")
            if n.text and n.text.strip()
        ),
        process_id=r.text(
            root, "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
        ),
        specification_id=r.text(
            root, "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
        ),
        preceding_invoices=tuple(
            PrecedingInvoice(
                number=r.text(ref, "ram:IssuerAssignedID") or "",
                issue_date=r.date(ref, "ram:FormattedIssueDateTime", "BT-26"),
            )
            for ref in _children(settlement, "ram:InvoiceReferencedDocument")
        ),
        payee=payee,
        delivery_date=r.date(delivery, "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime", "BT-72"),
        delivery_name=r.text(ship_to, "ram:Name"),
        delivery_address=_read_address(
            r, ship_to.find(_p("ram:PostalTradeAddress")) if ship_to is not None else None
        ),
        period=_read_period(r, settlement.find(_p("ram:BillingSpecifiedPeriod"))),
        payment_means=tuple(payment_means),
        allowances_charges=tuple(
            _read_allowance_charge(r, ac) for ac in _children(settlement, "ram:SpecifiedTradeAllowanceCharge")
        ),
        attachments=tuple(
            _read_attachment(r, ref) for ref in _children(agreement, "ram:AdditionalReferencedDocument")
        ),
    )
