"""Values in e-invoice XML: decimals, dates and element paths, both ways.

Writers format amounts with exactly two decimals and quantities or prices
without exponent or trailing zeros; readers turn text back into
:class:`~decimal.Decimal` and :class:`~datetime.date`, raising
:class:`~encaisse.formats.einvoice.model.EInvoiceError` with the element's
path (``/Invoice/cac:InvoiceLine[2]/cbc:LineExtensionAmount``) and the
business term when a value is not what the standard says.

>>> fmt_amount(Decimal("12.5")), fmt_number(Decimal("2.50")), fmt_number(Decimal("1E+2"))
('12.50', '2.5', '100')
>>> parse_decimal(" 1234.50 ", source="x", path="/a", field="BT-1")
Decimal('1234.50')
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from encaisse.formats.einvoice.model import EInvoiceError
from encaisse.formats.xmlsafe import UnsafeXMLError, parse_bytes

__all__ = ["element_path", "fmt_amount", "fmt_number", "parse_date", "parse_decimal", "parse_document"]

_PREFIXES = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
}
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def fmt_amount(value: Decimal) -> str:
    """An amount with two decimals (EN 16931 allows no more: BR-DEC)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return "0.00" if text == "-0.00" else text


def fmt_number(value: Decimal) -> str:
    """A quantity, price or rate: plain notation, no trailing zeros."""
    text = f"{value.normalize():f}"
    return text if text not in ("-0", "") else "0"


def element_path(element: etree._Element) -> str:
    """A readable XPath of an element, with the usual prefixes and 1-based positions."""
    steps: list[str] = []
    node: etree._Element | None = element
    while node is not None:
        qname = etree.QName(node)
        prefix = _PREFIXES.get(qname.namespace or "")
        name = f"{prefix}:{qname.localname}" if prefix else qname.localname
        parent = node.getparent()
        if parent is not None:
            same = [child for child in parent if child.tag == node.tag]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        steps.append(name)
        node = parent
    return "/" + "/".join(reversed(steps))


def parse_decimal(text: str | None, *, source: str, path: str, field: str) -> Decimal:
    """A decimal number as XML Schema writes it (no exponent, no thousands separator)."""
    cleaned = (text or "").strip()
    if not _DECIMAL.match(cleaned):
        raise EInvoiceError(f"not a decimal number: {text!r}", source, path, field)
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above excludes it
        raise EInvoiceError(f"not a decimal number: {text!r}", source, path, field) from None


def parse_date(text: str | None, *, source: str, path: str, field: str, compact: bool = False) -> date:
    """A date: ``YYYY-MM-DD`` (UBL) or ``YYYYMMDD`` (CII format 102)."""
    cleaned = (text or "").strip()
    try:
        if compact or (len(cleaned) == 8 and cleaned.isdigit()):
            return date(int(cleaned[:4]), int(cleaned[4:6]), int(cleaned[6:8]))
        return date.fromisoformat(cleaned)
    except ValueError:
        raise EInvoiceError(f"not a date: {text!r}", source, path, field) from None


def parse_document(data: bytes, *, source: str) -> etree._Element:
    """The root element of an untrusted document; DTDs and entities refused."""
    try:
        return parse_bytes(data, source=source)
    except UnsafeXMLError as exc:
        raise EInvoiceError(exc.message, source, f"line {exc.line}" if exc.line else None) from None
