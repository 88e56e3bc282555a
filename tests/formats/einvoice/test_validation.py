"""Validation: our generated invoices pass every layer; each Peppol rule fires on its own breach."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from einvoice_factories import BUYER, FOREIGN_BUYER, SELLER, TRANSFER, sample_credit_note, sample_invoice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.formats.einvoice import peppol_rules
from encaisse.formats.einvoice.cii import write_cii
from encaisse.formats.einvoice.model import Address, Document, Line, Party
from encaisse.formats.einvoice.totals import allowance, build_document, charge
from encaisse.formats.einvoice.ubl import write_ubl
from encaisse.formats.einvoice.validation import _SAXON, cii_profile, validate


def _fatal(report: object) -> list[tuple[str, str, str]]:
    return [(f.layer, f.rule_id, f.message) for f in report.fatal]  # type: ignore[attr-defined]


@pytest.mark.parametrize("doc", [sample_invoice(), sample_credit_note()], ids=["invoice", "credit-note"])
def test_samples_pass_every_layer(doc: Document) -> None:
    ubl = validate(write_ubl(doc), source="ubl")
    assert ubl.layers == ("syntax", "en16931", "peppol") and ubl.findings == ()
    cii = validate(write_cii(doc), source="cii", facturx_profile="en16931")
    assert cii.layers == ("syntax", "en16931", "facturx") and _fatal(cii) == []


# --- generated invoices -------------------------------------------------------

NO_VAT_SELLER = Party(name="Asbl Culture", address=Address(country="BE", lines=("Rue 1",), city="Namur", postcode="5000"),
                      endpoint=SELLER.endpoint, legal_id=SELLER.legal_id)  # fmt: skip
NO_VAT_BUYER = Party(
    name="Particulier", address=Address(country="BE", city="Liège", postcode="4000"), endpoint=BUYER.endpoint
)
SCENARIOS = {  # category → allowed rates; O stands alone without VAT numbers (BR-O-02…)
    "domestic": (("S", ("21", "12", "6")), ("Z", ("0",)), ("E", ("0",))),
    "reverse-charge": (("AE", ("0",)),),
    "intra-community": (("K", ("0",)),),
    "export": (("G", ("0",)), ("S", ("21",))),
    "not-subject": (("O", ("",)),),
}


@st.composite
def documents(draw: st.DrawFn) -> Document:
    scenario = draw(st.sampled_from(sorted(SCENARIOS)))
    categories = SCENARIOS[scenario]
    money = st.decimals(min_value=D("0"), max_value=D("5000"), places=2)
    lines = []
    for n in range(1, draw(st.integers(1, 8)) + 1):
        category, rates = draw(st.sampled_from(categories))
        rate = draw(st.sampled_from(rates))
        quantity = draw(st.decimals(min_value=D("0.001"), max_value=D("999"), places=3))
        price = draw(st.decimals(min_value=D("0"), max_value=D("2000"), places=draw(st.integers(0, 4))))
        base = draw(st.sampled_from([None, D("1"), D("10"), D("100")]))
        gross_discount = draw(st.sampled_from([None, D("0.50")]))
        extras = ()
        if draw(st.booleans()):
            extras = (
                allowance(draw(money), draw(st.sampled_from([D("2"), D("5"), D("12.5")])), reason="Discount"),
            )
        if draw(st.booleans()):
            extras += (charge(draw(money), D("1"), reason="Handling", reason_code="ABK"),)
        lines.append(Line(
            id=str(n), quantity=quantity, unit_code=draw(st.sampled_from(["C62", "HUR", "KGM", "XPP"])), name=f"Item {n}",
            net_price=price, vat_category=category, vat_rate=D(rate) if rate else None, base_quantity=base,
            gross_price=price + gross_discount if gross_discount else None, price_discount=gross_discount,
            allowances_charges=extras,
        ))  # fmt: skip
    doc_level = []
    if draw(st.booleans()):
        category, rates = categories[0]
        rate = D(rates[0]) if rates[0] else None
        doc_level.append(
            allowance(D("10.00"), D("3"), reason="Loyalty", vat_category=category, vat_rate=rate)
        )
        doc_level.append(
            charge(
                D("20.00"), D("5"), reason="Freight", reason_code="FC", vat_category=category, vat_rate=rate
            )
        )
    seller, buyer = SELLER, BUYER
    extra: dict[str, object] = {}
    if scenario in ("intra-community", "export", "reverse-charge"):
        buyer = FOREIGN_BUYER
        extra = {"delivery_date": date(2026, 2, 27), "delivery_address": FOREIGN_BUYER.address}
    if scenario == "not-subject":
        seller, buyer = NO_VAT_SELLER, NO_VAT_BUYER
    foreign = draw(st.booleans()) and scenario == "domestic"
    issue = date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    return build_document(
        number=f"GEN-{draw(st.integers(1, 99999))}", issue_date=issue, due_date=issue + timedelta(days=30),
        type_code=draw(st.sampled_from([380, 380, 381, 384])), seller=seller, buyer=buyer, lines=lines,
        allowances_charges=doc_level, currency="USD" if foreign else "EUR",
        tax_currency="EUR" if foreign else None, exchange_rate=D("0.9187") if foreign else None,
        buyer_reference="REF-1", order_reference=draw(st.sampled_from([None, "PO-77"])),
        payment_terms="30 days net", payment_means=(TRANSFER,),
        prepaid=draw(st.sampled_from([None, D("0.00"), D("1.00")])), **extra,  # type: ignore[arg-type]
    )  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_generated_invoices_pass_all_layers(doc: Document) -> None:
    assert _fatal(validate(write_ubl(doc), source=doc.number)) == []
    assert _fatal(validate(write_cii(doc), source=doc.number, facturx_profile="en16931")) == []


# --- the layers catch what they should -----------------------------------------


def test_wrong_total_is_reported_by_its_rule_id() -> None:
    xml = write_ubl(sample_invoice()).replace(b">226.75</cbc:PayableAmount>", b">226.76</cbc:PayableAmount>")
    report = validate(xml, source="bad")
    assert "BR-CO-16" in report.rule_ids("en16931")
    assert not report.is_valid
    finding = next(f for f in report.findings if f.rule_id == "BR-CO-16")
    assert finding.path.startswith("/Invoice") and "BT-115" in finding.message


def test_schema_errors_are_syntax_findings() -> None:
    xml = write_cii(sample_invoice()).replace(
        b"<ram:Name>Article 1</ram:Name>", b"<ram:Nom>Article 1</ram:Nom>"
    )
    report = validate(xml, source="x")
    assert report.rule_ids("syntax") == {"XSD"}
    assert "Nom" in next(f.message for f in report.findings if f.layer == "syntax")


def test_unreadable_documents_are_findings_not_exceptions() -> None:
    assert validate(b"<oops", source="x").rule_ids("syntax") == {"XML"}
    assert validate(b"<Order/>", source="x").rule_ids("syntax") == {"XML"}
    assert validate(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', source="x").rule_ids("syntax") == {"XML"}


def test_stylesheets_are_compiled_once() -> None:
    validate(write_ubl(sample_invoice()))
    compiled = dict(_SAXON._executables)
    validate(write_ubl(sample_credit_note()))
    validate(write_cii(sample_invoice()))
    assert all(_SAXON._executables[key] is value for key, value in compiled.items())


def test_profiles_from_guidelines() -> None:
    assert cii_profile("urn:factur-x.eu:1p0:minimum") == "minimum"
    assert cii_profile("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic") == "basic"
    assert cii_profile("urn:factur-x.eu:1p0:basicwl") == "basicwl"
    assert cii_profile("urn:cen.eu:en16931:2017") == "en16931"
    with pytest.raises(ValueError, match="profile"):
        validate(write_cii(sample_invoice()), facturx_profile="gold")


def _peppol_ids(xml: bytes) -> set[str]:
    return set(validate(xml, source="x").rule_ids("peppol")) | set(
        validate(xml, source="x").rule_ids("peppol", "warning")
    )


BASE = write_ubl(sample_invoice())


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        (
            b"<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>",
            b"",
            "PEPPOL-EN16931-R001",
        ),
        (b"billing:01:1.0</cbc:ProfileID>", b"billing:1.0</cbc:ProfileID>", "PEPPOL-EN16931-R007"),
        (
            b"<cbc:Note>Thank you for your business.</cbc:Note>",
            b"<cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>",
            "PEPPOL-EN16931-R002",
        ),
        (b"<cbc:BuyerReference>PO-4711</cbc:BuyerReference>", b"", "PEPPOL-EN16931-R003"),
        (b"#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", b"", "PEPPOL-EN16931-R004"),
        (
            b"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>",
            b"<cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode><cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>",
            "PEPPOL-EN16931-R005",
        ),
        (
            b"<cbc:Name>Article 2</cbc:Name>",
            b"<cbc:Name>Article 2</cbc:Name><cbc:HazardousRiskIndicator/>",
            "PEPPOL-EN16931-R008",
        ),
        (b'<cbc:EndpointID schemeID="0208">0202239951</cbc:EndpointID>', b"", "PEPPOL-EN16931-R010"),
        (b'<cbc:EndpointID schemeID="0208">0123456749</cbc:EndpointID>', b"", "PEPPOL-EN16931-R020"),
        (
            b"<cbc:MultiplierFactorNumeric>2</cbc:MultiplierFactorNumeric>",
            b"<cbc:MultiplierFactorNumeric>3</cbc:MultiplierFactorNumeric>",
            "PEPPOL-EN16931-R040",
        ),
        (b'<cbc:BaseAmount currencyID="EUR">100.00</cbc:BaseAmount>', b"", "PEPPOL-EN16931-R041"),
        (b"<cbc:MultiplierFactorNumeric>2</cbc:MultiplierFactorNumeric>", b"", "PEPPOL-EN16931-R042"),
        (
            b"<cbc:ChargeIndicator>false</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Loyalty",
            b"<cbc:ChargeIndicator>0</cbc:ChargeIndicator><cbc:AllowanceChargeReason>Loyalty",
            "PEPPOL-EN16931-R043",
        ),
        (
            b'<cbc:LineExtensionAmount currencyID="EUR">4.02</cbc:LineExtensionAmount>',
            b'<cbc:LineExtensionAmount currencyID="EUR">4.05</cbc:LineExtensionAmount>',
            "PEPPOL-EN16931-R120",
        ),
        (
            b'<cbc:PayableAmount currencyID="EUR">',
            b'<cbc:PayableAmount currencyID="USD">',
            "PEPPOL-EN16931-R051",
        ),
        (
            b'currencyID="EUR">226.75</cbc:PayableAmount>',
            b'currencyID="XYZ">226.75</cbc:PayableAmount>',
            "PEPPOL-EN16931-CL007",
        ),
        (
            b'<cbc:EndpointID schemeID="0208">0123456749',
            b'<cbc:EndpointID schemeID="EM">0123456749',
            "PEPPOL-EN16931-CL008",
        ),
        (
            b'<cbc:EndpointID schemeID="0208">0123456749',
            b'<cbc:EndpointID schemeID="0208">0123456748',
            "PEPPOL-COMMON-R043",
        ),
        (
            b'<cbc:EndpointID schemeID="0208">0123456749',
            b'<cbc:EndpointID schemeID="0088">5790000435976',
            "PEPPOL-COMMON-R040",
        ),
        (
            b'<cbc:EndpointID schemeID="0208">0123456749',
            b'<cbc:EndpointID schemeID="0007">5560360794',
            "PEPPOL-COMMON-R049",
        ),
        (
            b"<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>",
            b"<cbc:InvoiceTypeCode>389</cbc:InvoiceTypeCode>",
            "PEPPOL-EN16931-P0100",
        ),
        (
            b"<cbc:IssueDate>2026-03-02</cbc:IssueDate>",
            b"<cbc:IssueDate>2026-3-2</cbc:IssueDate>",
            "PEPPOL-EN16931-F001",
        ),
        (
            b"<cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>",
            b"<cbc:PaymentMeansCode>49</cbc:PaymentMeansCode>",
            "PEPPOL-EN16931-R061",
        ),
        (b"<cbc:Name>Article 3</cbc:Name>", b"<cbc:Name>Article 3</cbc:Name>", None),
    ],
)
def test_each_peppol_rule_fires_on_its_breach(old: bytes, new: bytes, rule: str | None) -> None:
    assert old in BASE
    found = _peppol_ids(BASE.replace(old, new, 1))
    if rule is None:
        assert found == set()
    else:
        assert rule in found


def _with_seller_country(country: bytes, vat: bytes) -> bytes:
    return BASE.replace(b"<cbc:IdentificationCode>BE</cbc:IdentificationCode>",
                        b"<cbc:IdentificationCode>" + country + b"</cbc:IdentificationCode>", 1).replace(
        b"<cbc:CompanyID>BE0123456749</cbc:CompanyID>", b"<cbc:CompanyID>" + vat + b"</cbc:CompanyID>")  # fmt: skip


def test_national_rules() -> None:
    assert {"NO-R-001", "NO-R-002"} <= _peppol_ids(_with_seller_country(b"NO", b"NO123456789MVA"))
    assert "NO-R-001" not in _peppol_ids(_with_seller_country(b"NO", b"NO974760673MVA"))
    assert {"NL-R-003"} <= _peppol_ids(_with_seller_country(b"NL", b"NL123456789B01"))
    dk = _peppol_ids(_with_seller_country(b"DK", b"DK12345678"))
    assert "DK-R-014" in dk and "DK-R-002" not in dk
    assert "SE-R-013" in _peppol_ids(_with_seller_country(b"SE", b"SE556036079401").replace(
        b'schemeID="0208">0123456749</cbc:CompanyID>', b'schemeID="0007">5560360794</cbc:CompanyID>'))  # fmt: skip
    assert {"SE-R-001"} <= _peppol_ids(_with_seller_country(b"SE", b"SE5560360793"))


def test_identifier_checks() -> None:
    assert peppol_rules.is_gln("5790000435975") and not peppol_rules.is_gln("579000043597X")
    assert peppol_rules.is_belgian_enterprise_number("0123456749")
    assert not peppol_rules.is_belgian_enterprise_number("0123456748")
    assert peppol_rules.is_swedish_orgnr("5560360793") and not peppol_rules.is_swedish_orgnr("5560360794")
    assert peppol_rules.is_norwegian_orgnr("974760673") and not peppol_rules.is_norwegian_orgnr("974760674")
    assert set(peppol_rules.RULES) >= {"PEPPOL-EN16931-R001", "PEPPOL-COMMON-R049", "SE-R-013", "DK-R-005"}


def test_cii_layers_for_factur_x_profiles() -> None:
    report = validate(write_cii(sample_invoice()).replace(
        b"<ram:ID>urn:cen.eu:en16931:2017</ram:ID>",
        b"<ram:ID>urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic</ram:ID>"))  # fmt: skip
    assert report.profile == "basic" and report.layers == ("syntax", "en16931", "facturx")
    # BASIC has no line allowance base amounts, among others: its own schema says so
    assert report.rule_ids("syntax") == {"XSD"}
    assert not report.rule_ids("en16931")
