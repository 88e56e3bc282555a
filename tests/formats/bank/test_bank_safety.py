"""Hostile bank files: entity tricks, external resources, resource exhaustion, garbage.

Every bank file comes from outside. Whatever it holds, reading it must end in
records or in a :class:`StatementError` that says why, never in a file read,
a network request, a memory blow-up or another exception.
"""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator

import pytest

from encaisse.formats.bank import camt, parse
from encaisse.formats.bank.records import StatementError

NAMESPACE = b"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
HEAD = (
    b'<Document xmlns="' + NAMESPACE + b'"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId>'
    b"<CreDtTm>2026-01-01T00:00:00Z</CreDtTm></GrpHdr><Stmt><Id>S</Id><Acct><Id><IBAN>BE68539007547034</IBAN></Id></Acct>"
    b'<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls><RmtInf><Ustrd>'
)
TAIL = b"</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>"
DTD_REFUSED = "DTD or entity declarations is refused"


def statement_with(payload: bytes, *, prolog: bytes = b'<?xml version="1.0" encoding="UTF-8"?>') -> bytes:
    """A camt.053 whose remittance text is ``payload``."""
    return prolog + HEAD + payload + TAIL


def refusal(data: bytes) -> StatementError:
    with pytest.raises(StatementError) as info:
        list(camt.iter_parse(io.BytesIO(data), source="hostile.xml"))
    error = info.value
    assert error.source == "hostile.xml"
    assert "root:" not in str(error)  # nothing of /etc/passwd in the message
    return error


def test_the_template_itself_is_read() -> None:
    records = list(camt.iter_parse(io.BytesIO(statement_with(b"fine")), source="hostile.xml"))
    assert records[0].remittance_lines == ("fine",)


def test_billion_laughs() -> None:
    levels = b"".join(b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1)) * 10) for n in range(1, 10))
    prolog = b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY lol0 "lol">' + levels + b"]>"
    assert DTD_REFUSED in refusal(statement_with(b"&lol9;", prolog=prolog)).message


def test_external_entity_to_a_local_file() -> None:
    prolog = b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    assert DTD_REFUSED in refusal(statement_with(b"&xxe;", prolog=prolog)).message


def test_parameter_entities() -> None:
    prolog = b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY % file SYSTEM "file:///etc/passwd"> %file;]>'
    assert DTD_REFUSED in refusal(statement_with(b"x", prolog=prolog)).message


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A local TCP port that records whoever connects to it."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except OSError:
                continue
            with connection:
                received.append(connection.recv(1024))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join(timeout=2)
    server.close()


def test_the_listener_notices_a_connection(listener: tuple[int, list[bytes]]) -> None:
    port, received = listener
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(b"GET /evil.dtd")
    for _ in range(50):
        if received:
            break
        threading.Event().wait(0.05)
    assert received == [b"GET /evil.dtd"]


@pytest.mark.parametrize(
    "prolog",
    [
        b'<?xml version="1.0"?><!DOCTYPE Document SYSTEM "http://127.0.0.1:{port}/evil.dtd">',
        b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY % remote SYSTEM "http://127.0.0.1:{port}/p.dtd"> %remote;]>',
        b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY remote SYSTEM "http://127.0.0.1:{port}/e.txt">]>',
    ],
    ids=["external-dtd", "remote-parameter-entity", "remote-entity"],
)
def test_nothing_is_fetched_from_the_network(prolog: bytes, listener: tuple[int, list[bytes]]) -> None:
    port, received = listener
    data = statement_with(
        b"&remote;" if b"ENTITY remote" in prolog else b"x",
        prolog=prolog.replace(b"{port}", str(port).encode()),
    )
    assert DTD_REFUSED in refusal(data).message
    assert received == []


def test_xinclude_is_not_processed() -> None:
    data = statement_with(b'<xi:include href="file:///etc/passwd" parse="text"/>').replace(
        b"<Document ", b'<Document xmlns:xi="http://www.w3.org/2001/XInclude" '
    )
    (tx, _) = list(camt.iter_parse(io.BytesIO(data), source="hostile.xml"))
    assert tx.remittance_lines == ()


def test_deep_nesting() -> None:
    error = refusal(statement_with(b"<a>" * 5000 + b"</a>" * 5000))
    assert "safety limits" in error.message and "depth" in error.message


def test_huge_text() -> None:
    error = refusal(statement_with(b"x" * 11_000_000))
    assert "safety limits" in error.message


def test_huge_attribute() -> None:
    data = statement_with(b"x").replace(b"<Ustrd>", b'<Ustrd note="' + b"y" * 11_000_000 + b'">')
    assert "safety limits" in refusal(data).message


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\xff\xfe garbage",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b'{"Document": {"BkToCstmrStmt": {}}}',
        b"<Document><BkToCstmrStmt><Stmt>",
        b"<html><body>Session expired</body></html>",
        statement_with(b"&undeclared;"),
        statement_with(b"\x00"),
    ],
    ids=["empty", "binary", "pdf", "json", "truncated", "html", "undeclared-entity", "nul"],
)
def test_not_xml_or_not_camt(data: bytes) -> None:
    refusal(data)


def test_the_dispatcher_refuses_too() -> None:
    prolog = b'<?xml version="1.0"?><!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    with pytest.raises(StatementError, match=DTD_REFUSED):
        list(parse(statement_with(b"&xxe;", prolog=prolog), source="hostile.xml"))
