"""Safe XML parsing for untrusted files (bank statements, e-invoices).

Every XML document we read comes from outside. The parsers here resolve no
entities, load no DTD, never touch the network and refuse a document that
declares a DTD at all (billion laughs, external entities, XXE). lxml's
``huge_tree`` stays off so that its own depth and text-size limits apply.

>>> parse_bytes(b"<a><b>1</b></a>", source="x.xml").findtext("b")
'1'
>>> parse_bytes(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', source="bad.xml")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
UnsafeXMLError: bad.xml: XML with a DTD or entity declarations is refused (entity expansion and external entities are not allowed)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from lxml import etree


class UnsafeXMLError(ValueError):
    """A document that uses DTDs or entities, or is not well-formed XML."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {message}")


_DTD_MESSAGE = "XML with a DTD or entity declarations is refused (entity expansion and external entities are not allowed)"


def safe_parser() -> etree.XMLParser:
    """An lxml parser with entity resolution, DTD loading and network access off."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _check_no_doctype(tree: Any, source: str) -> None:
    docinfo = tree.docinfo if hasattr(tree, "docinfo") else tree.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXMLError(source, _DTD_MESSAGE)


def parse_bytes(data: bytes, *, source: str = "<input>") -> etree._Element:
    """Parse a whole document held in memory; raises :class:`UnsafeXMLError`."""
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:65536]:
        raise UnsafeXMLError(source, _DTD_MESSAGE)
    try:
        root = etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise UnsafeXMLError(source, f"not well-formed XML: {exc.msg}", exc.lineno) from None
    _check_no_doctype(root, source)
    return root


def iterparse(
    stream: IO[bytes], *, source: str = "<input>", events: tuple[str, ...] = ("end",), tag: Any = None
) -> Iterator[tuple[str, Any]]:
    """Stream a document with the same protections; raises :class:`UnsafeXMLError`.

    The caller clears elements it has consumed to keep memory flat. ``tag``
    filters the events inside lxml (``"{*}Ntry"``, a list of such names), so
    that a caller interested in a few elements pays nothing for the others.
    """
    wants_start = "start" in events
    context = etree.iterparse(
        stream,
        events=events if wants_start else ("start", *events),
        tag=tag,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        # the first event comes once the prolog is read: refuse a DTD before anything is used
        for event, element in context:
            _check_no_doctype(element, source)
            if wants_start or event != "start":
                yield event, element
            break
        if wants_start:
            yield from context
        else:
            for event, element in context:
                if event != "start":
                    yield event, element
    except etree.XMLSyntaxError as exc:
        raise UnsafeXMLError(source, f"not well-formed XML: {exc.msg}", exc.lineno) from None
