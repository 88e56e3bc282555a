"""OFX and QFX (Open Financial Exchange) bank and credit-card statements.

OFX 1.x is SGML: a ``KEY:VALUE`` header, then tags whose leaf elements are
usually not closed (``<TRNAMT>-6.60<FITID>...``). OFX 2.x is XML with an
``<?OFX ...?>`` processing instruction, although some banks still write
unclosed leaves inside it. Both are read into the same small element tree:
well-formed OFX 2 through :mod:`encaisse.formats.xmlsafe` (which refuses any
DTD or entity declaration), everything else through a tolerant tag reader
that closes a leaf at the next tag. The encoding comes from the header
(``CHARSET:1252``, ``ENCODING:UTF-8``, the XML declaration); a file declared
single-byte whose bytes are valid multi-byte UTF-8 is read as UTF-8, a common
bank mistake.

Each ``STMTRS`` (bank account) and ``CCSTMTRS`` (credit card) becomes one
:class:`~encaisse.formats.bank.records.Statement`: ``ACCTID`` is the account
number (an IBAN when it is one), ``CURDEF`` the currency, ``LEDGERBAL`` the
closing balance; OFX gives no opening balance and ``AVAILBAL`` is not a booked
balance. Each ``STMTTRN`` becomes a
:class:`~encaisse.formats.bank.records.Transaction`: ``TRNAMT`` signed (a
decimal comma is accepted), ``DTPOSTED`` booking date, ``DTUSER`` value date,
``FITID`` the bank's reference, ``NAME``/``PAYEE`` the counterparty, ``MEMO``
the remittance text, ``TRNTYPE`` the proprietary transaction code. A sign-on
or statement response whose status is an error raises
:class:`~encaisse.formats.bank.records.StatementError` with the bank's message.

>>> import io
>>> data = b'''OFXHEADER:100
... DATA:OFXSGML
... VERSION:102
... ENCODING:USASCII
... CHARSET:1252
...
... <OFX><BANKMSGSRSV1><STMTTRNRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>
... <STMTRS><CURDEF>EUR<BANKACCTFROM><BANKID>30004<ACCTID>00012345678</BANKACCTFROM>
... <BANKTRANLIST><STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20260105<TRNAMT>1250,00
... <FITID>F-991<NAME>ACME SA<MEMO>FACT 2026-0042</STMTTRN></BANKTRANLIST>
... <LEDGERBAL><BALAMT>5400.10<DTASOF>20260105</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>
... '''
>>> tx, st = iter_parse(io.BytesIO(data), source="ex.ofx")
>>> tx.amount, tx.bank_reference, tx.counterparty_name, tx.remittance_lines
(Decimal('1250.00'), 'F-991', 'ACME SA', ('FACT 2026-0042',))
>>> st.account_number, st.closing_balance.amount, st.opening_balance
('00012345678', Decimal('5400.10'), None)
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from stdnum import iban as stdnum_iban

from encaisse.core.money import minor_unit
from encaisse.formats import xmlsafe
from encaisse.formats.bank.records import (
    Balance,
    BankTransactionCode,
    Statement,
    StatementError,
    Transaction,
)
from encaisse.formats.bank.text import decode_text

__all__ = ["iter_parse", "parse_amount", "parse_datetime"]

FORMAT = "ofx"
ISSUER = "OFX"

# Aggregates (elements that hold other elements). Lookups do not descend into
# them, so that an unclosed empty leaf cannot hide its siblings.
_AGGREGATES = frozenset(
    {
        "OFX", "SIGNONMSGSRSV1", "SONRS", "STATUS", "FI", "BANKMSGSRSV1", "STMTTRNRS", "STMTRS",
        "BANKACCTFROM", "BANKACCTTO", "CCACCTFROM", "CCACCTTO", "BANKTRANLIST", "STMTTRN", "LEDGERBAL",
        "AVAILBAL", "BALLIST", "BAL", "CURRENCY", "ORIGCURRENCY", "PAYEE", "CREDITCARDMSGSRSV1",
        "CCSTMTTRNRS", "CCSTMTRS", "STMTENDRS", "CCSTMTENDRS", "INVSTMTMSGSRSV1", "INVSTMTTRNRS",
        "INVSTMTRS", "IMAGEDATA", "EXTBANKACCTTO", "MKTGINFO",
    }
)  # fmt: skip
# Leaf elements we read; an empty one without a closing tag is closed by the next tag.
_LEAVES = frozenset(
    {
        "CODE", "SEVERITY", "MESSAGE", "DTSERVER", "LANGUAGE", "DTPROFUP", "DTACCTUP", "ORG", "FID",
        "TRNUID", "CURDEF", "BANKID", "BRANCHID", "ACCTID", "ACCTTYPE", "ACCTKEY", "DTSTART", "DTEND",
        "TRNTYPE", "DTPOSTED", "DTUSER", "DTAVAIL", "TRNAMT", "FITID", "CORRECTFITID", "CORRECTACTION",
        "SRVRTID", "CHECKNUM", "REFNUM", "SIC", "PAYEEID", "NAME", "EXTDNAME", "MEMO", "INV401KSOURCE",
        "CURRATE", "CURSYM", "BALAMT", "DTASOF", "ADDR1", "ADDR2", "ADDR3", "CITY", "STATE", "POSTALCODE",
        "COUNTRY", "PHONE",
    }
)  # fmt: skip

# Where an aggregate belongs: opening one closes whatever unclosed aggregates
# stand between it and its parent (a bank that forgot </BANKTRANLIST> or
# </STMTTRN> still gets its LEDGERBAL read as the statement's).
_PARENTS: dict[str, frozenset[str]] = {
    "STMTTRN": frozenset({"BANKTRANLIST"}),
    "BANKTRANLIST": frozenset({"STMTRS", "CCSTMTRS"}),
    "LEDGERBAL": frozenset({"STMTRS", "CCSTMTRS"}),
    "AVAILBAL": frozenset({"STMTRS", "CCSTMTRS"}),
    "BALLIST": frozenset({"STMTRS", "CCSTMTRS"}),
    "STMTRS": frozenset({"STMTTRNRS"}),
    "CCSTMTRS": frozenset({"CCSTMTTRNRS"}),
    "STMTTRNRS": frozenset({"BANKMSGSRSV1"}),
    "CCSTMTTRNRS": frozenset({"CREDITCARDMSGSRSV1"}),
    "BANKMSGSRSV1": frozenset({"OFX"}),
    "CREDITCARDMSGSRSV1": frozenset({"OFX"}),
    "SIGNONMSGSRSV1": frozenset({"OFX"}),
}

_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment
    r"|<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<\?.*?(?:\?>|\Z)"  # processing instruction
    r"|<(?P<close>/?)(?P<tag>[A-Za-z][A-Za-z0-9._:-]*)\s*(?P<empty>/?)>"
    r"|<!(?P<decl>[^>]*)>",
    re.DOTALL,
)
_DATETIME = re.compile(
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"
    r"(?:(?P<H>\d{2})(?P<M>\d{2})(?:(?P<S>\d{2})(?:[.:](?P<f>\d{1,6}))?)?)?"
    r"\s*(?:\[\s*(?P<tz>[+-]?\d{1,2}(?:\.\d{1,2})?)\s*(?::[^\]]*)?\])?$"
)
# Longer numbers are no bank amounts (and would exceed Decimal's 28-digit context).
MAX_DIGITS = 20
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_BIC = re.compile(r"^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$")
_MAX_DEPTH = 64


@dataclass(slots=True)
class _Node:
    tag: str
    line: int
    text: str = ""
    children: list[_Node] = field(default_factory=list)

    @property
    def location(self) -> str:
        return f"line {self.line}"

    def find(self, tag: str) -> _Node | None:
        """The first element named ``tag`` below this one, not inside another aggregate."""
        queue = deque(self.children)
        while queue:
            node = queue.popleft()
            if node.tag == tag:
                return node
            if node.tag not in _AGGREGATES:
                queue.extend(node.children)
        return None

    def findtext(self, tag: str) -> str:
        node = self.find(tag)
        return node.text.strip() if node is not None else ""

    def iter(self, *tags: str) -> Iterator[_Node]:
        """Every element below this one named one of ``tags``, in document order."""
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            if node.tag in tags:
                yield node
            stack.extend(reversed(node.children))


# -- reading the element tree ---------------------------------------------------


def _tag_soup(text: str, source: str) -> _Node:
    """Elements of SGML (or not well-formed XML) OFX, closing unclosed leaves."""
    root = _Node("#document", 1)
    stack = [root]
    buffer: list[str] = []
    line = 1
    pos = 0
    just_opened = False  # the top of the stack was opened and has seen no child yet

    def flush(closing: str | None) -> None:
        nonlocal just_opened
        value = "".join(buffer).strip()
        buffer.clear()
        top = stack[-1]
        if len(stack) == 1 or top.tag in _AGGREGATES:
            just_opened = False
            return  # text in an aggregate is not a value (nor the end of the aggregate)
        if value and just_opened:
            top.text = value
            if closing != top.tag:
                stack.pop()  # an SGML leaf: the next tag closes it
        elif not value and just_opened and top.tag in _LEAVES and closing != top.tag:
            stack.pop()  # an empty leaf written without its closing tag
        just_opened = False

    for match in _TOKEN.finditer(text):
        start = match.start()
        if start > pos:
            buffer.append(html.unescape(text[pos:start]) if "&" in text[pos:start] else text[pos:start])
        token_line = line + text.count("\n", pos, start)
        line = token_line + text.count("\n", start, match.end())
        pos = match.end()
        if match.group("cdata") is not None:
            buffer.append(match.group("cdata"))
            continue
        if match.group("decl") is not None:
            raise StatementError(
                "OFX with a DTD or entity declarations is refused",
                source=source,
                location=f"line {token_line}",
                field="markup",
                value=match.group(0)[:40],
            )
        tag = match.group("tag")
        if tag is None:
            continue  # comment or processing instruction
        tag = tag.upper()
        if match.group("close"):
            flush(tag)
            names = [node.tag for node in stack[1:]]
            if tag in names:
                while stack[-1].tag != tag:
                    stack.pop()
                stack.pop()
            just_opened = False
            continue
        flush(None)
        parents = _PARENTS.get(tag)
        if parents and any(open_.tag in parents for open_ in stack[1:]):
            while stack[-1].tag not in parents:
                stack.pop()
        node = _Node(tag, token_line)
        stack[-1].children.append(node)
        if match.group("empty"):
            continue
        if len(stack) > _MAX_DEPTH:
            raise StatementError(
                "elements nested too deeply", source=source, location=f"line {token_line}", field=tag
            )
        stack.append(node)
        just_opened = True
    if pos < len(text):
        buffer.append(text[pos:])
    flush(None)
    return root


def _from_xml(element: Any) -> _Node:
    """Our element tree from an lxml one (iteratively: no recursion limit)."""

    def make(el: Any) -> _Node:
        tag = el.tag.rsplit("}", 1)[-1].upper() if isinstance(el.tag, str) else "#other"
        return _Node(tag, el.sourceline or 0, (el.text or "").strip())

    root = _Node("#document", 1)
    top = make(element)
    root.children.append(top)
    pending = [(element, top)]
    while pending:
        el, node = pending.pop()
        for child in el:
            if not isinstance(child.tag, str):
                continue
            made = make(child)
            node.children.append(made)
            pending.append((child, made))
    return root


_SINGLE_BYTE = frozenset({"cp1252", "latin-1"})


def _charset(header: dict[str, str]) -> str | None:
    encoding = header.get("ENCODING", "").upper()
    charset = header.get("CHARSET", "").upper()
    if encoding in ("UTF-8", "UTF8", "UNICODE"):
        return "utf-8"
    if charset in ("1252", "WINDOWS-1252", "CP1252"):
        return "cp1252"
    if charset in ("ISO-8859-1", "8859-1", "ISO8859-1", "LATIN-1", "LATIN1"):
        return "latin-1"
    return None


def _decode(data: bytes, encoding: str | None, source: str) -> str:
    if encoding in _SINGLE_BYTE and not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            encoding = "utf-8"  # declared single-byte, but the bytes are UTF-8
    return decode_text(data, source=source, encoding=encoding)


def _document(data: bytes, source: str) -> tuple[_Node, str | None]:
    """The element tree and the OFX version of a file."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:4096]
    if head.startswith(b"OFXHEADER"):
        header: dict[str, str] = {}
        for raw in head.split(b"<", 1)[0].decode("ascii", "replace").splitlines():
            key, sep, value = raw.partition(":")
            if sep:
                header[key.strip().upper()] = value.strip()
        text = _decode(data, _charset(header), source)
        return _tag_soup(text, source), header.get("VERSION")
    if not (head.startswith((b"<?xml", b"<?OFX", b"<?ofx")) or head[:5].upper() == b"<OFX>"):
        raise StatementError(
            "not an OFX file: no OFXHEADER, XML declaration or <OFX> element",
            source=source,
            location="line 1",
            value=head[:20].decode("ascii", "replace"),
        )
    version_match = re.search(rb"<\?OFX[^>]*VERSION\s*=\s*\"(\d+)\"", head, re.IGNORECASE)
    version = version_match.group(1).decode() if version_match else None
    if head.startswith(b"<?xml"):
        try:
            root = xmlsafe.parse_bytes(data, source=source)
        except xmlsafe.UnsafeXMLError as exc:
            if re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.IGNORECASE):
                raise StatementError(exc.message, source=source, location="line 1", field="markup") from None
            # Not well-formed: OFX 2 headers over SGML-style unclosed leaves.
        else:
            return _from_xml(root), version
    declared = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", head)
    encoding = declared.group(1).decode().lower() if declared else None
    if encoding in ("us-ascii", "ascii"):
        encoding = None
    elif encoding in ("iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"):
        encoding = "cp1252" if "1252" in encoding else "latin-1"
    return _tag_soup(_decode(data, encoding, source), source), version


# -- values -----------------------------------------------------------------------


def parse_amount(text: str) -> Decimal | None:
    """An OFX amount, with a decimal point or comma; None when it is not a number.

    >>> parse_amount("-200,00"), parse_amount("1,234.56"), parse_amount("1.234,56"), parse_amount("$120")
    (Decimal('-200.00'), Decimal('1234.56'), Decimal('1234.56'), None)
    """
    value = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in value and "." in value:
        if value.rfind(",") > value.rfind("."):
            value = value.replace(".", "").replace(",", ".")
        else:
            value = value.replace(",", "")
    elif value.count(",") == 1:
        value = value.replace(",", ".")
    if not _NUMBER.match(value) or len(value) > MAX_DIGITS:
        return None
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def parse_datetime(text: str) -> tuple[date, datetime] | None:
    """The local date and the UTC timestamp of an OFX date-time; None when invalid.

    Without a ``[offset:zone]`` suffix the time is GMT, as the OFX specification says.

    >>> parse_datetime("20090401122017.000[-5:EST]")
    (datetime.date(2009, 4, 1), datetime.datetime(2009, 4, 1, 17, 20, 17, tzinfo=datetime.timezone.utc))
    """
    match = _DATETIME.match(text.strip())
    if match is None:
        return None
    parts = match.groupdict()
    offset = Decimal(parts["tz"]) if parts["tz"] else Decimal(0)
    if abs(offset) > 14:
        return None
    try:
        zone = timezone(timedelta(minutes=int(offset * 60)))
        moment = datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            tzinfo=zone,
        )
        return moment.date(), moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None


# -- mapping ------------------------------------------------------------------------


class _Mapper:
    def __init__(self, source: str, version: str | None) -> None:
        self.source = source
        self.version = version

    def error(
        self, message: str, node: _Node, field: str | None = None, value: str | None = None
    ) -> StatementError:
        return StatementError(message, source=self.source, location=node.location, field=field, value=value)

    def check_status(self, response: _Node, what: str) -> None:
        status = response.find("STATUS")
        if status is None:
            return
        code = status.findtext("CODE")
        severity = status.findtext("SEVERITY").upper()
        if severity == "ERROR" or (code not in ("", "0") and severity not in ("INFO", "WARN")):
            message = status.findtext("MESSAGE") or "no message"
            raise self.error(
                f"the bank reports an error in its {what}: {message}", status, "STATUS/CODE", code
            )

    def parse_date(self, node: _Node, tag: str) -> tuple[date, datetime] | None:
        raw = node.findtext(tag)
        if not raw:
            return None
        parsed = parse_datetime(raw)
        if parsed is None:
            raise self.error(
                "not an OFX date (YYYYMMDD[HHMMSS[.XXX]][[offset:zone]])", node.find(tag) or node, tag, raw
            )
        return parsed

    def amount(self, node: _Node, tag: str, currency: str | None = None) -> Decimal | None:
        """The amount in ``tag``, with at least the currency's decimals (``-80`` is ``-80.00``)."""
        raw = node.findtext(tag)
        if not raw:
            return None
        value = parse_amount(raw)
        if value is None:
            raise self.error("not an amount", node.find(tag) or node, tag, raw)
        if currency is not None:
            places = minor_unit(currency)
            exponent = value.as_tuple().exponent
            if isinstance(exponent, int) and -exponent < places:
                value = value.quantize(Decimal(1).scaleb(-places))
        return value

    def currency(self, text: str, node: _Node, tag: str) -> str:
        value = text.strip().upper()
        if not _CURRENCY.match(value):
            raise self.error("not an ISO 4217 currency code", node, tag, text)
        return value

    def parse(self, root: _Node) -> Iterator[Transaction | Statement]:
        ofx = root.find("OFX")
        if ofx is None:
            raise StatementError("no <OFX> element", source=self.source, location="line 1")
        for sonrs in ofx.iter("SONRS"):
            self.check_status(sonrs, "sign-on response")
        for response in ofx.iter("STMTTRNRS", "CCSTMTTRNRS", "STMTENDTRNRS"):
            self.check_status(response, "statement response")
        investment = next(ofx.iter("INVSTMTRS"), None)
        if investment is not None:
            raise self.error("investment statements are not supported", investment, "INVSTMTRS")
        for index, stmtrs in enumerate(ofx.iter("STMTRS", "CCSTMTRS"), start=1):
            yield from self.statement(stmtrs, index, self.server_time(ofx))

    def server_time(self, ofx: _Node) -> datetime | None:
        sonrs = next(ofx.iter("SONRS"), None)
        if sonrs is None:
            return None
        parsed = self.parse_date(sonrs, "DTSERVER")
        return parsed[1] if parsed else None

    def statement(
        self, stmtrs: _Node, index: int, created: datetime | None
    ) -> Iterator[Transaction | Statement]:
        account = stmtrs.find("BANKACCTFROM") or stmtrs.find("CCACCTFROM")
        if account is None:
            raise self.error("account missing (BANKACCTFROM or CCACCTFROM)", stmtrs, "BANKACCTFROM")
        number = account.findtext("ACCTID")
        if not number:
            raise self.error("account number missing", account, "ACCTID")
        bank_id = account.findtext("BANKID").upper()
        lists = [child for child in stmtrs.children if child.tag == "BANKTRANLIST"]
        entries = [tx for tranlist in lists for tx in tranlist.iter("STMTTRN")]
        currency = self.statement_currency(stmtrs, entries)

        count = 0
        for entry in entries:
            count += 1
            yield self.transaction(entry, currency, count, index)

        starts = [d for d in (self.parse_date(t, "DTSTART") for t in lists) if d]
        ends = [d for d in (self.parse_date(t, "DTEND") for t in lists) if d]
        closing: Balance | None = None
        ledger = stmtrs.find("LEDGERBAL")
        if ledger is not None:
            amount = self.amount(ledger, "BALAMT", currency)
            if amount is not None:
                as_of = self.parse_date(ledger, "DTASOF")
                closing = Balance(amount, currency, as_of[0] if as_of else None)
        compact = number.replace(" ", "").upper()
        # check digits and format only: the country rules also look banks up in a
        # registry, which would turn a new bank's IBAN into a bare account number
        iban = compact if stdnum_iban.is_valid(compact, check_country=False) else None
        yield Statement(
            format=FORMAT,
            currency=currency,
            location=stmtrs.location,
            transaction_count=count,
            version=self.version,
            account_iban=iban,
            account_number=number,
            account_bic=bank_id if _BIC.match(bank_id) else None,
            closing_balance=closing,
            created_at=created,
            from_date=min(d[0] for d in starts) if starts else None,
            to_date=max(d[0] for d in ends) if ends else None,
            statement_index=index,
        )

    def statement_currency(self, stmtrs: _Node, entries: list[_Node]) -> str:
        curdef = stmtrs.findtext("CURDEF")
        if curdef:
            return self.currency(curdef, stmtrs.find("CURDEF") or stmtrs, "CURDEF")
        # CURDEF left empty: the currency every transaction states, if they agree.
        found = {
            currency.findtext("CURSYM").upper()
            for entry in entries
            for currency in (entry.find("CURRENCY"),)
            if currency is not None and currency.findtext("CURSYM")
        }
        if len(found) == 1 and all(entry.find("CURRENCY") is not None for entry in entries):
            return self.currency(found.pop(), stmtrs, "CURRENCY/CURSYM")
        raise self.error("statement currency missing", stmtrs, "CURDEF")

    def transaction(self, entry: _Node, currency: str, index: int, stmt: int) -> Transaction:
        posted = self.parse_date(entry, "DTPOSTED")
        if posted is None:
            raise self.error("DTPOSTED missing", entry, "DTPOSTED")
        user = self.parse_date(entry, "DTUSER")
        tx_currency = currency
        original_currency: str | None = None
        rate: Decimal | None = None
        other = entry.find("CURRENCY")
        if other is not None and other.findtext("CURSYM"):
            tx_currency = self.currency(other.findtext("CURSYM"), other, "CURRENCY/CURSYM")
            rate = self.amount(other, "CURRATE")
        original = entry.find("ORIGCURRENCY")
        if original is not None and original.findtext("CURSYM"):
            original_currency = self.currency(original.findtext("CURSYM"), original, "ORIGCURRENCY/CURSYM")
            rate = self.amount(original, "CURRATE")
        if tx_currency == currency and rate == 1:
            rate = None
        amount = self.amount(entry, "TRNAMT", tx_currency)
        if amount is None:
            raise self.error("TRNAMT missing", entry, "TRNAMT")
        payee = entry.find("PAYEE")
        name = entry.findtext("NAME") or (payee.findtext("NAME") if payee is not None else "")
        counter = entry.find("BANKACCTTO") or entry.find("CCACCTTO")
        trntype = entry.findtext("TRNTYPE").upper()
        check = entry.findtext("CHECKNUM")
        memo = entry.findtext("MEMO")
        return Transaction(
            amount=amount,
            currency=tx_currency,
            location=entry.location,
            bank_reference=entry.findtext("FITID") or None,
            entry_reference=check if check.strip("0") else None,
            booking_date=posted[0],
            value_date=user[0] if user else None,
            original_currency=original_currency,
            exchange_rate=rate,
            counterparty_name=name or None,
            counterparty_account=(counter.findtext("ACCTID") or None) if counter is not None else None,
            remittance_lines=(memo,) if memo else (),
            end_to_end_id=entry.findtext("REFNUM") or None,
            bank_transaction_code=BankTransactionCode(proprietary=trntype, proprietary_issuer=ISSUER)
            if trntype
            else None,
            entry_index=index,
            statement_index=stmt,
        )


def iter_parse(stream: BinaryIO, *, source: str) -> Iterator[Transaction | Statement]:
    """Transactions and statements of an OFX/QFX file, statement by statement."""
    root, version = _document(stream.read(), source)
    yield from _Mapper(source, version).parse(root)
