"""Streaming safe XML: the events asked for, and nothing read before the DTD check."""

from __future__ import annotations

import io

import pytest

from encaisse.formats.xmlsafe import UnsafeXMLError, iterparse

DOC = b"<r><a>1</a><b><a>2</a></b><c/></r>"


def events(
    data: bytes, *, events: tuple[str, ...] = ("end",), tag: str | list[str] | None = None
) -> list[tuple[str, str]]:
    found = iterparse(io.BytesIO(data), source="x.xml", events=events, tag=tag)
    return [(event, element.tag) for event, element in found]


def test_end_events_only_by_default() -> None:
    assert events(DOC) == [("end", "a"), ("end", "a"), ("end", "b"), ("end", "c"), ("end", "r")]


def test_start_events_when_asked() -> None:
    assert events(DOC, events=("start", "end"), tag="a") == [
        ("start", "a"),
        ("end", "a"),
        ("start", "a"),
        ("end", "a"),
    ]


def test_tag_filter_with_any_namespace() -> None:
    data = b'<r xmlns="urn:x"><a>1</a><q:a xmlns:q="urn:y"/><b/></r>'
    assert events(data, tag=["{*}a"]) == [("end", "{urn:x}a"), ("end", "{urn:y}a")]


@pytest.mark.parametrize("wanted", [("end",), ("start", "end")])
def test_a_dtd_is_refused_before_the_first_event(wanted: tuple[str, ...]) -> None:
    data = b'<!DOCTYPE r [<!ENTITY e "x">]><r><a>&e;</a></r>'
    with pytest.raises(UnsafeXMLError, match="DTD"):
        events(data, events=wanted)


def test_broken_xml_says_where() -> None:
    with pytest.raises(UnsafeXMLError) as info:
        events(b"<r>\n<a>\n</r>")
    assert info.value.line is not None and "not well-formed" in info.value.message
