"""ISO 20022 camt.052, camt.053 and camt.054 bank messages, streamed.

A camt message holds statements (camt.053 ``Stmt``), notifications (camt.054
``Ntfctn``) or reports (camt.052 ``Rpt``) of one account each; each lists
booked entries (``Ntry``), and a batch-booked entry lists the transactions it
groups (``NtryDtls/TxDtls``). The transaction, not the entry, is the unit of
cash application, so :func:`iter_parse` yields one
:class:`~encaisse.formats.bank.records.Transaction` per ``TxDtls`` (one per
entry without details), then the statement's
:class:`~encaisse.formats.bank.records.Statement`. Every version from .001.01
on is read the same way: the message type and version come from the root
namespace (``urn:iso:std:iso:20022:tech:xsd:camt.053.001.08``), and a
document without a namespace is accepted when its structure is right.

The file is streamed and each entry is dropped once read, so memory stays flat
whatever the number of entries. Any problem — not XML, a DTD or entity, a
missing amount, a bad number or date — raises
:class:`~encaisse.formats.bank.records.StatementError` with the element path.

Mapping rules worth knowing:

- Amounts are signed from the account holder's side by the booked
  ``CdtDbtInd`` (``TxDtls/CdtDbtInd`` overrides the entry's within a batch);
  a reversal (``RvslInd``, or return information ``RtrInf``) keeps the sign of
  its booking and sets ``is_reversal``. Amounts keep their written decimals.
- A batch entry's transactions take their amounts from ``TxDtls/Amt``,
  ``AmtDtls/TxAmt`` or ``AmtDtls/CntrValAmt`` (the one in the entry's currency
  first); one transaction missing its amount is derived from the entry total.
  When more are missing, the entry is kept as one transaction for its booked
  amount with the remittance and references of all (the default,
  ``batch_without_amounts="entry"``: refusing would block a real bank file), or
  refused with ``batch_without_amounts="refuse"``. An entry with a single ``TxDtls`` carries the entry's
  booked amount.
- The counterparty is the debtor of a credit and the creditor of a debit
  (the other way round for a reversal or return, whose parties are those of
  the original payment); the other side is used when the expected one is
  absent, unless it is the statement's own account.
- ``bank_reference`` is the transaction's ``Refs/AcctSvcrRef``, else the
  entry's; ``remittance_lines`` are the ``RmtInf/Ustrd`` lines in order;
  ``additional_info`` joins ``AddtlNtryInf``, ``AddtlTxInf`` and
  ``RtrInf/AddtlInf``. A ``TxDtls/BkTxCd`` overrides the entry's.
- Creditor references (``Strd/CdtrRefInf``) are classified: SCOR with valid
  RF check digits is RF, a valid 12-digit Belgian OGM is BE_OGM, other SCOR
  stay SCOR; a proprietary type naming ISR/ESR or QRR gives ISR or QRR.
- ``original_amount`` (``AmtDtls/InstdAmt``) is signed like ``amount``.
- Timestamps become UTC; one written without an offset is taken as UTC.
  Business dates (booking, value, period) are the dates as written.
- A balance without ``CdtDbtInd`` (some banks omit it) is read as a credit.

>>> import io
>>> xml = b'''<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
... <BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-01-05T18:00:00Z</CreDtTm></GrpHdr>
... <Stmt><Id>S1</Id><Acct><Id><IBAN>BE68539007547034</IBAN></Id><Ccy>EUR</Ccy></Acct>
... <Ntry><Amt Ccy="EUR">125.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
... <BookgDt><Dt>2026-01-05</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef></Ntry>
... </Stmt></BkToCstmrStmt></Document>'''
>>> tx, st = iter_parse(io.BytesIO(xml), source="s.xml")
>>> tx.amount, tx.bank_reference, tx.location
(Decimal('125.50'), 'B1', 'Stmt[1]/Ntry[1]')
>>> st.version, st.account_iban, st.transaction_count
('camt.053.001.02', 'BE68539007547034', 1)
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, Final, Literal

from lxml import etree

from encaisse.core.references import is_valid_ogm, is_valid_rf
from encaisse.formats.bank.records import (
    Balance,
    BankTransactionCode,
    CreditorReference,
    ReferenceKind,
    Statement,
    StatementError,
    Transaction,
)
from encaisse.formats.xmlsafe import UnsafeXMLError, iterparse

__all__ = ["BatchPolicy", "iter_parse"]

BatchPolicy = Literal["refuse", "entry"]

# message element -> (format, element of one statement)
_MESSAGES: Final[dict[str, tuple[str, str]]] = {
    "BkToCstmrStmt": ("camt.053", "Stmt"),
    "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn"),
    "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
}
_NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:(camt\.05[234])\.001\.([0-9]{2})$")
# ASCII digits only: Python's \d and Decimal() would also take Arabic-Indic digits
_AMOUNT = re.compile(r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:Z|[+-][0-9]{2}:[0-9]{2})?$")
_DATETIME = re.compile(
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2})?$"
)
_LINE_BREAK = re.compile(r"\s*\n\s*")
_BOOLEAN: Final[dict[str, bool]] = {"true": True, "1": True, "false": False, "0": False}
_TAGS = [f"{{*}}{name}" for name in (*_MESSAGES, "Stmt", "Ntfctn", "Rpt", "Ntry")]


def iter_parse(
    stream: BinaryIO, *, source: str, batch_without_amounts: BatchPolicy = "entry"
) -> Iterator[Transaction | Statement]:
    """Each statement's transactions, then the statement, in file order.

    ``batch_without_amounts`` says what to do with a batch entry whose
    transactions carry no amounts that can be told apart: ``"refuse"``
    (raise :class:`StatementError`) or ``"entry"`` (one transaction for the
    entry, with the remittance and references of all its transactions).
    """
    if batch_without_amounts not in ("refuse", "entry"):
        raise ValueError(f"batch_without_amounts must be 'refuse' or 'entry', not {batch_without_amounts!r}")
    parser = _Parser(source, batch_without_amounts)
    try:
        yield from parser.run(stream)
    except UnsafeXMLError as exc:
        message = exc.message
        if "XML_PARSE_HUGE" in message or "Resource limit" in message:
            message = f"XML beyond the safety limits (nesting depth, text size): {message}"
        raise StatementError(
            message, source=source, location=f"line {exc.line}" if exc.line else None
        ) from None
    except etree.LxmlError as exc:
        raise StatementError(f"cannot read the XML: {exc}", source=source) from None
    except (LookupError, UnicodeError) as exc:
        raise StatementError(f"cannot decode the XML: {exc}", source=source, field="encoding") from None


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of a transaction (debtor or creditor) as the file gives it."""

    name: str | None
    account: str | None
    bic: str | None

    @property
    def is_empty(self) -> bool:
        return self.name is None and self.account is None


_NOBODY = _Side(None, None, None)


@dataclass(frozen=True, slots=True)
class _Entry:
    """What an entry says that all its transactions share."""

    location: str
    bank_reference: str | None
    entry_reference: str | None
    booking_date: date | None
    value_date: date | None
    code: BankTransactionCode | None
    reversal: bool
    info: str | None
    status: str


@dataclass(frozen=True, slots=True)
class _Message:
    format: str
    version: str | None
    statement_tag: str
    element: etree._Element


class _Parser:
    """The state of one streaming pass over a camt document."""

    def __init__(self, source: str, batch_policy: BatchPolicy) -> None:
        self.source = source
        self.batch_policy = batch_policy
        self.ns = ""
        self.prefix = ""
        self.names: dict[str, str] = {}
        self.kid_cache: dict[etree._Element, dict[str, etree._Element]] = {}
        self.message: _Message | None = None
        self.statement_count = 0
        self.stmt_loc = ""
        self.entry_count = 0
        self.tx_count = 0
        self.first_entry_currency: str | None = None
        self.own_account: str | None = None
        self.own_name: str | None = None
        self.own_known = False
        self.current: etree._Element | None = None
        self.message_seen = False
        self.statements_before = 0

    # -- names and small readers ------------------------------------------------

    def q(self, local: str) -> str:
        """The qualified tag of a local element name in the document's namespace."""
        tag = self.names.get(local)
        if tag is None:
            tag = f"{{{self.ns}}}{local}" if self.ns else local
            self.names[local] = tag
        return tag

    def kids(self, element: etree._Element) -> dict[str, etree._Element]:
        """The first child of each local name, read once per element (entries are read often)."""
        found = self.kid_cache.get(element)
        if found is None:
            found = {}
            prefix = self.prefix
            size = len(prefix)
            for kid in element:
                tag = kid.tag
                if isinstance(tag, str) and tag.startswith(prefix):
                    found.setdefault(tag[size:], kid)
            self.kid_cache[element] = found
        return found

    def child(self, element: etree._Element | None, *path: str) -> etree._Element | None:
        cache = self.kid_cache
        for local in path:
            if element is None:
                return None
            found = cache.get(element)
            element = (self.kids(element) if found is None else found).get(local)
        return element

    def children(self, element: etree._Element | None, local: str) -> list[etree._Element]:
        if element is None:
            return []
        return list(element.iterchildren(self.q(local)))

    def text(self, element: etree._Element | None, *path: str) -> str | None:
        return _text(self.child(element, *path))

    def error(
        self, message: str, location: str, field: str | None = None, value: str | None = None
    ) -> StatementError:
        return StatementError(message, source=self.source, location=location, field=field, value=value)

    # -- the pass ---------------------------------------------------------------

    def run(self, stream: BinaryIO) -> Iterator[Transaction | Statement]:
        for event, element in iterparse(stream, source=self.source, events=("start", "end"), tag=_TAGS):
            local = etree.QName(element).localname
            message = self.message
            if event == "start":
                if local in _MESSAGES:
                    self.start_message(element, local)
                elif (
                    message is not None
                    and local == message.statement_tag
                    and element.getparent() is message.element
                ):
                    self.start_statement(element, message)
                continue
            if message is None:
                continue
            if local == "Ntry":
                if self.current is not None and element.getparent() is self.current:
                    yield from self.entry(element)
                    self.kid_cache.clear()
                    _drop(element)
            elif local == message.statement_tag and self.current is not None and element is self.current:
                yield self.statement(self.current, message)
                self.kid_cache.clear()
                _drop(self.current)
                self.current = None
            elif element is message.element:
                if self.statement_count == self.statements_before:
                    raise self.error(
                        f"{message.format} message without any {message.statement_tag}",
                        local,
                        field=message.statement_tag,
                    )
                self.message = None
        if not self.message_seen:
            raise StatementError(
                "not an ISO 20022 camt.052/053/054 document "
                "(no BkToCstmrStmt, BkToCstmrDbtCdtNtfctn or BkToCstmrAcctRpt element)",
                source=self.source,
            )

    def start_message(self, element: etree._Element, local: str) -> None:
        if self.message is not None:
            raise self.error("a camt message inside another", local)
        namespace = etree.QName(element).namespace or ""
        fmt, statement_tag = _MESSAGES[local]
        version: str | None = None
        if namespace:
            match = _NAMESPACE.match(namespace)
            if match is None:
                raise self.error("not an ISO 20022 camt namespace", local, field="xmlns", value=namespace)
            if match.group(1) != fmt:
                raise self.error(
                    f"the namespace says {match.group(1)} but the message is {fmt}",
                    local,
                    field="xmlns",
                    value=namespace,
                )
            version = f"{fmt}.001.{match.group(2)}"
        if namespace != self.ns:
            self.ns = namespace
            self.prefix = f"{{{namespace}}}" if namespace else ""
            self.names = {}
            self.kid_cache = {}
        self.message = _Message(fmt, version, statement_tag, element)
        self.message_seen = True
        self.statements_before = self.statement_count

    def start_statement(self, element: etree._Element, message: _Message) -> None:
        self.current = element
        self.statement_count += 1
        self.stmt_loc = f"{message.statement_tag}[{self.statement_count}]"
        self.entry_count = 0
        self.tx_count = 0
        self.first_entry_currency = None
        self.own_account = None
        self.own_name = None
        self.own_known = False

    # -- values -----------------------------------------------------------------

    def amount(self, element: etree._Element, location: str) -> tuple[Decimal, str]:
        """The unsigned amount and currency of an ``Amt``-like element."""
        raw = (element.text or "").strip()
        field = etree.QName(element).localname
        if not _AMOUNT.match(raw):
            raise self.error("not an amount", location, field=field, value=raw)
        try:
            value = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            raise self.error("not an amount", location, field=field, value=raw) from None
        currency = element.get("Ccy")
        if currency is None:
            raise self.error("amount without its currency", location, field=f"{field}/@Ccy")
        currency = currency.strip()
        if not _CURRENCY.match(currency):
            raise self.error("not a currency code", location, field=f"{field}/@Ccy", value=currency)
        return value, currency

    def rate(self, element: etree._Element, location: str) -> Decimal:
        raw = (element.text or "").strip()
        if not _AMOUNT.match(raw):
            raise self.error("not an exchange rate", location, field="XchgRate", value=raw)
        return Decimal(raw)

    def indicator(self, element: etree._Element | None, location: str) -> bool:
        """True for a credit (CRDT), False for a debit (DBIT)."""
        if element is None:
            raise self.error("missing credit/debit indicator", location, field="CdtDbtInd")
        raw = (element.text or "").strip()
        if raw == "CRDT":
            return True
        if raw == "DBIT":
            return False
        raise self.error(
            "credit/debit indicator is neither CRDT nor DBIT", location, field="CdtDbtInd", value=raw
        )

    def boolean(self, element: etree._Element | None, location: str) -> bool:
        if element is None:
            return False
        raw = (element.text or "").strip()
        if raw not in _BOOLEAN:
            raise self.error("not a boolean", location, field=etree.QName(element).localname, value=raw)
        return _BOOLEAN[raw]

    def date_value(self, element: etree._Element, location: str) -> date:
        raw = (element.text or "").strip()
        match = _DATE.match(raw)
        try:
            if match is None:
                raise ValueError(raw)
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            raise self.error(
                "not a date", location, field=etree.QName(element).localname, value=raw
            ) from None

    def datetime_value(self, element: etree._Element, location: str) -> datetime:
        """A timestamp in UTC (one without an offset is taken as UTC)."""
        raw = (element.text or "").strip()
        match = _DATETIME.match(raw)
        try:
            if match is None:
                raise ValueError(raw)
            year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
            fraction = (match.group(7) or "")[:6].ljust(6, "0")
            zone = match.group(8)
            tzinfo: timezone = UTC
            if zone and zone != "Z":
                sign = -1 if zone[0] == "-" else 1
                hours, minutes = int(zone[1:3]), int(zone[4:6])
                if hours > 23 or minutes > 59:
                    raise ValueError(raw)
                tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
            stamp = datetime(year, month, day, hour, minute, second, int(fraction), tzinfo=tzinfo)
            return stamp.astimezone(UTC)
        except (ValueError, OverflowError):
            raise self.error(
                "not a date and time", location, field=etree.QName(element).localname, value=raw
            ) from None

    def date_choice(self, element: etree._Element | None, location: str) -> date | None:
        """The date of a ``Dt``/``DtTm`` choice, as written (no time-zone shift)."""
        if element is None:
            return None
        found = self.child(element, "Dt")
        if found is not None:
            return self.date_value(found, f"{location}/Dt")
        found = self.child(element, "DtTm")
        if found is not None:
            raw = (found.text or "").strip()
            match = _DATETIME.match(raw)
            if match is None:
                raise self.error("not a date and time", f"{location}/DtTm", field="DtTm", value=raw)
            self.datetime_value(found, f"{location}/DtTm")  # validates the whole timestamp
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return None

    # -- entries ----------------------------------------------------------------

    def own_identity(self, statement: etree._Element) -> None:
        """Remember the statement's account, to tell it apart from a counterparty."""
        if not self.own_known:
            self.own_known = True
            account = self.child(statement, "Acct")
            self.own_account = self.text(account, "Id", "IBAN") or self.text(account, "Id", "Othr", "Id")
            self.own_name = self.text(account, "Ownr", "Nm") or self.text(account, "Ownr", "Pty", "Nm")

    def entry(self, ntry: etree._Element) -> Iterator[Transaction]:
        self.entry_count += 1
        loc = f"{self.stmt_loc}/Ntry[{self.entry_count}]"
        parent = ntry.getparent()
        if parent is not None:
            self.own_identity(parent)
        k = self.kids(ntry)
        amount_element = k.get("Amt")
        if amount_element is None:
            raise self.error("entry without an amount", loc, field="Amt")
        value, currency = self.amount(amount_element, f"{loc}/Amt")
        if self.first_entry_currency is None:
            self.first_entry_currency = currency
        credit = self.indicator(k.get("CdtDbtInd"), loc)
        status_element = k.get("Sts")
        status = (
            _text(status_element)
            or self.text(status_element, "Cd")
            or self.text(status_element, "Prtry")
            or "BOOK"
        )
        facts = _Entry(
            location=loc,
            bank_reference=_text(k.get("AcctSvcrRef")),
            entry_reference=_text(k.get("NtryRef")),
            booking_date=self.date_choice(k.get("BookgDt"), f"{loc}/BookgDt"),
            value_date=self.date_choice(k.get("ValDt"), f"{loc}/ValDt"),
            code=self.code(k.get("BkTxCd")),
            reversal=self.boolean(k.get("RvslInd"), f"{loc}/RvslInd"),
            info=_text(k.get("AddtlNtryInf")),
            status=status,
        )
        details: list[tuple[etree._Element, str]] = []
        blocks = self.children(ntry, "NtryDtls") if "NtryDtls" in k else []
        for number, block in enumerate(blocks, start=1):
            block_loc = f"{loc}/NtryDtls" if len(blocks) == 1 else f"{loc}/NtryDtls[{number}]"
            for index, tx in enumerate(self.children(block, "TxDtls"), start=1):
                details.append((tx, f"{block_loc}/TxDtls[{index}]"))
        if not details:
            self.tx_count += 1
            yield self.record(facts, _signed(value, credit), currency)
            return
        if len(details) == 1:
            tx, tx_loc = details[0]
            yield self.transaction(facts, tx, tx_loc, credit, value, currency, 1)
            return
        amounts = [self.tx_amount(tx, tx_loc, credit, currency) for tx, tx_loc in details]
        missing = [i for i, found in enumerate(amounts) if found is None]
        if len(missing) == 1 and all(found is None or found[2] == currency for found in amounts):
            # one amount missing: it is what the others leave of the entry total
            rest = sum((_signed(f[0], f[1]) for f in amounts if f is not None), Decimal(0))
            remainder = _signed(value, credit) - rest
            amounts[missing[0]] = (abs(remainder), remainder >= 0, currency)
        resolved = [found for found in amounts if found is not None]
        if len(resolved) < len(details):
            if self.batch_policy == "refuse":
                raise self.error(
                    f"batch entry of {len(details)} transactions without their amounts "
                    "(pass batch_without_amounts='entry' to import it as one transaction)",
                    details[missing[0]][1],
                    field="Amt",
                )
            yield self.merged(facts, details, credit, value, currency)
            return
        for number, ((tx, tx_loc), (tx_value, tx_credit, tx_currency)) in enumerate(
            zip(details, resolved, strict=True), start=1
        ):
            yield self.transaction(facts, tx, tx_loc, tx_credit, tx_value, tx_currency, number)

    def record(self, facts: _Entry, amount: Decimal, currency: str) -> Transaction:
        """The transaction of an entry without details."""
        return Transaction(
            amount=amount,
            currency=currency,
            location=facts.location,
            bank_reference=facts.bank_reference,
            entry_reference=facts.entry_reference,
            booking_date=facts.booking_date,
            value_date=facts.value_date,
            bank_transaction_code=facts.code,
            is_reversal=facts.reversal,
            additional_info=facts.info,
            status=facts.status,
            entry_index=self.entry_count,
            statement_index=self.statement_count,
        )

    def tx_amount(
        self, tx: etree._Element, loc: str, entry_credit: bool, entry_currency: str
    ) -> tuple[Decimal, bool, str] | None:
        """A batch transaction's own unsigned amount, direction and currency."""
        candidates: list[tuple[Decimal, str]] = []
        k = self.kids(tx)
        details = k.get("AmtDtls")
        for found, where in (
            (k.get("Amt"), "Amt"),
            (self.child(details, "TxAmt", "Amt"), "AmtDtls/TxAmt/Amt"),
            (self.child(details, "CntrValAmt", "Amt"), "AmtDtls/CntrValAmt/Amt"),
        ):
            if found is not None:
                candidates.append(self.amount(found, f"{loc}/{where}"))
        if not candidates:
            return None
        indicator = k.get("CdtDbtInd")
        credit = entry_credit if indicator is None else self.indicator(indicator, loc)
        value, currency = next((c for c in candidates if c[1] == entry_currency), candidates[0])
        return value, credit, currency

    def transaction(
        self,
        facts: _Entry,
        tx: etree._Element,
        loc: str,
        credit: bool,
        value: Decimal,
        currency: str,
        number: int,
    ) -> Transaction:
        self.tx_count += 1
        k = self.kids(tx)
        refs = k.get("Refs")
        refs_k = self.kids(refs) if refs is not None else {}
        return_info = k.get("RtrInf")
        return_reason = None
        is_return = False
        info = [facts.info, _text(k.get("AddtlTxInf"))]
        if return_info is not None:
            return_reason = self.text(return_info, "Rsn", "Cd") or self.text(return_info, "Rsn", "Prtry")
            is_return = any((t or "").strip() for t in return_info.itertext())
            info += [_text(line) for line in self.children(return_info, "AddtlInf")]
        reversal = facts.reversal or is_return
        parties = k.get("RltdPties")
        counterparty = self.counterparty(parties, k.get("RltdAgts"), credit, reversal)
        ultimate = self.child(parties, "UltmtDbtr")
        original_amount, original_currency, rate = self.original(k.get("AmtDtls"), loc, credit, currency)
        end_to_end = _text(refs_k.get("EndToEndId"))
        if end_to_end is not None and end_to_end.replace(" ", "").upper() == "NOTPROVIDED":
            end_to_end = None
        remittance = k.get("RmtInf")
        return Transaction(
            amount=_signed(value, credit),
            currency=currency,
            location=loc,
            bank_reference=_text(refs_k.get("AcctSvcrRef")) or facts.bank_reference,
            entry_reference=facts.entry_reference,
            booking_date=facts.booking_date,
            value_date=facts.value_date,
            original_amount=original_amount,
            original_currency=original_currency,
            exchange_rate=rate,
            counterparty_name=counterparty.name,
            counterparty_account=counterparty.account,
            counterparty_bic=counterparty.bic,
            ultimate_debtor=self.text(ultimate, "Nm") or self.text(ultimate, "Pty", "Nm"),
            remittance_lines=self.remittance_lines(remittance),
            creditor_references=self.creditor_references(remittance),
            end_to_end_id=end_to_end,
            mandate_id=_text(refs_k.get("MndtId")),
            bank_transaction_code=self.code(k.get("BkTxCd")) or facts.code,
            is_reversal=reversal,
            return_reason=return_reason,
            additional_info=_join_unique(info),
            status=facts.status,
            entry_index=self.entry_count,
            tx_index=number,
            statement_index=self.statement_count,
        )

    def merged(
        self,
        facts: _Entry,
        details: Sequence[tuple[etree._Element, str]],
        credit: bool,
        value: Decimal,
        currency: str,
    ) -> Transaction:
        """One transaction for a batch entry whose transactions cannot be told apart."""
        parts = [self.transaction(facts, tx, loc, credit, value, currency, 1) for tx, loc in details]
        self.tx_count -= len(parts) - 1

        def common(values: list[str | None]) -> str | None:
            return values[0] if len(set(values)) == 1 else None

        sides = {(p.counterparty_name, p.counterparty_account, p.counterparty_bic) for p in parts}
        name, account, bic = sides.pop() if len(sides) == 1 else (None, None, None)
        return replace(
            self.record(facts, _signed(value, credit), currency),
            counterparty_name=name,
            counterparty_account=account,
            counterparty_bic=bic,
            ultimate_debtor=common([p.ultimate_debtor for p in parts]),
            remittance_lines=tuple(line for p in parts for line in p.remittance_lines),
            creditor_references=tuple(ref for p in parts for ref in p.creditor_references),
            end_to_end_id=common([p.end_to_end_id for p in parts]),
            mandate_id=common([p.mandate_id for p in parts]),
            bank_transaction_code=facts.code or parts[0].bank_transaction_code,
            is_reversal=any(p.is_reversal for p in parts),
            return_reason=common([p.return_reason for p in parts]),
            additional_info=_join_unique([p.additional_info for p in parts]),
        )

    def counterparty(
        self, parties: etree._Element | None, agents: etree._Element | None, credit: bool, reversal: bool
    ) -> _Side:
        """The other party: the debtor of a credit, the creditor of a debit.

        A reversal or return carries the parties of the original payment,
        which went the other way.
        """
        if parties is None:
            return _NOBODY
        debtor = self.side(parties, agents, "Dbtr", "DbtrAcct", "DbtrAgt")
        creditor = self.side(parties, agents, "Cdtr", "CdtrAcct", "CdtrAgt")
        expected, other = (debtor, creditor) if credit != reversal else (creditor, debtor)
        for side in (expected, other):
            if not side.is_empty and not self.is_own(side):
                return side
        return _NOBODY

    def is_own(self, side: _Side) -> bool:
        if side.account is not None:
            return side.account == self.own_account
        return side.name is not None and side.name == self.own_name

    def side(
        self, parties: etree._Element, agents: etree._Element | None, party: str, account: str, agent: str
    ) -> _Side:
        k = self.kids(parties)
        who = k.get(party)
        acct = k.get(account)
        if who is None and acct is None:
            return _NOBODY
        name = (
            self.text(who, "Nm") or self.text(who, "Pty", "Nm") or self.text(who, "Agt", "FinInstnId", "Nm")
        )
        acct_id = self.child(acct, "Id")
        number = self.text(acct_id, "IBAN") or self.text(acct_id, "Othr", "Id")
        institution = self.child(agents, agent, "FinInstnId")
        if institution is None:
            institution = self.child(who, "Agt", "FinInstnId")
        bic = self.text(institution, "BICFI") or self.text(institution, "BIC")
        return _Side(name, number, bic)

    def original(
        self, details: etree._Element | None, loc: str, credit: bool, currency: str
    ) -> tuple[Decimal | None, str | None, Decimal | None]:
        """Instructed amount (signed like the transaction), its currency and the rate."""
        if details is None:
            return None, None, None
        amount: Decimal | None = None
        original_currency: str | None = None
        k = self.kids(details)
        instructed = self.child(k.get("InstdAmt"), "Amt")
        if instructed is not None:
            value, original_currency = self.amount(instructed, f"{loc}/AmtDtls/InstdAmt/Amt")
            amount = _signed(value, credit)
        rate: Decimal | None = None
        for part in ("InstdAmt", "TxAmt", "CntrValAmt"):
            exchange = self.child(k.get(part), "CcyXchg")
            if exchange is None:
                continue
            rate_element = self.child(exchange, "XchgRate")
            if rate_element is not None and rate is None:
                rate = self.rate(rate_element, f"{loc}/AmtDtls/{part}/CcyXchg/XchgRate")
            source_currency = self.text(exchange, "SrcCcy")
            if original_currency is None and source_currency and source_currency != currency:
                original_currency = source_currency
        return amount, original_currency, rate

    def code(self, element: etree._Element | None) -> BankTransactionCode | None:
        if element is None:
            return None
        k = self.kids(element)
        domain = k.get("Domn")
        family = self.child(domain, "Fmly")
        proprietary = k.get("Prtry")
        if domain is None and proprietary is None:
            return None
        parts = (
            self.text(domain, "Cd"),
            self.text(family, "Cd"),
            self.text(family, "SubFmlyCd"),
            self.text(proprietary, "Cd"),
            self.text(proprietary, "Issr"),
        )
        return BankTransactionCode(*parts) if any(parts) else None

    def remittance_lines(self, remittance: etree._Element | None) -> tuple[str, ...]:
        if remittance is None:
            return ()
        lines = (_text(line) for line in self.children(remittance, "Ustrd"))
        return tuple(line for line in lines if line)

    def creditor_references(self, remittance: etree._Element | None) -> tuple[CreditorReference, ...]:
        if remittance is None:
            return ()
        found: list[CreditorReference] = []
        for block in self.children(remittance, "Strd"):
            for info in self.children(block, "CdtrRefInf"):
                value = self.text(info, "Ref")
                if value is None:
                    continue
                kind = self.child(info, "Tp")
                either = self.child(kind, "CdOrPrtry")
                code = self.text(either, "Cd")
                proprietary = self.text(either, "Prtry")
                issuer = self.text(kind, "Issr")
                found.append(CreditorReference(value, _reference_kind(value, code, proprietary), issuer))
        return tuple(found)

    # -- statements -------------------------------------------------------------

    def statement(self, element: etree._Element, message: _Message) -> Statement:
        loc = self.stmt_loc
        account = self.child(element, "Acct")
        opening, closing = self.balances(element, loc)
        created = self.child(element, "CreDtTm")
        created_loc = f"{loc}/CreDtTm"
        if created is None:
            created = self.child(message.element, "GrpHdr", "CreDtTm")
            created_loc = "GrpHdr/CreDtTm"
        period = self.child(element, "FrToDt")
        from_element = self.child(period, "FrDtTm")
        to_element = self.child(period, "ToDtTm")
        currency = (
            self.text(account, "Ccy")
            or (opening.currency if opening else None)
            or (closing.currency if closing else None)
            or self.first_entry_currency
        )
        return Statement(
            format=message.format,
            currency=currency,
            location=loc,
            transaction_count=self.tx_count,
            version=message.version,
            statement_id=self.text(element, "Id"),
            electronic_sequence=self.text(element, "ElctrncSeqNb"),
            legal_sequence=self.text(element, "LglSeqNb"),
            account_iban=self.text(account, "Id", "IBAN"),
            account_number=self.text(account, "Id", "Othr", "Id"),
            account_bic=self.text(account, "Svcr", "FinInstnId", "BICFI")
            or self.text(account, "Svcr", "FinInstnId", "BIC"),
            account_owner=self.text(account, "Ownr", "Nm") or self.text(account, "Ownr", "Pty", "Nm"),
            opening_balance=opening,
            closing_balance=closing,
            created_at=self.datetime_value(created, created_loc) if created is not None else None,
            from_date=self.period_date(from_element, f"{loc}/FrToDt/FrDtTm"),
            to_date=self.period_date(to_element, f"{loc}/FrToDt/ToDtTm"),
            statement_index=self.statement_count,
        )

    def period_date(self, element: etree._Element | None, location: str) -> date | None:
        """The date of a period bound as written (a bare date is accepted too)."""
        if element is None:
            return None
        raw = (element.text or "").strip()
        if _DATE.match(raw):
            return self.date_value(element, location)
        match = _DATETIME.match(raw)
        if match is None:
            raise self.error("not a date and time", location, field=etree.QName(element).localname, value=raw)
        self.datetime_value(element, location)
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))

    def balances(self, element: etree._Element, loc: str) -> tuple[Balance | None, Balance | None]:
        """Opening (OPBD, else PRCD, else an ITBD) and closing (CLBD, else the last ITBD) balances."""
        by_code: dict[str, list[Balance]] = {}
        for number, bal in enumerate(self.children(element, "Bal"), start=1):
            bal_loc = f"{loc}/Bal[{number}]"
            code = self.text(bal, "Tp", "CdOrPrtry", "Cd")
            amount_element = self.child(bal, "Amt")
            if amount_element is None:
                raise self.error("balance without an amount", bal_loc, field="Amt")
            value, currency = self.amount(amount_element, f"{bal_loc}/Amt")
            indicator = self.child(bal, "CdtDbtInd")
            credit = True if indicator is None else self.indicator(indicator, bal_loc)
            when = self.date_choice(self.child(bal, "Dt"), f"{bal_loc}/Dt")
            if code is not None:
                by_code.setdefault(code, []).append(Balance(_signed(value, credit), currency, when))
        interim = by_code.get("ITBD", [])
        closing = _first(by_code.get("CLBD"))
        opening = _first(by_code.get("OPBD")) or _first(by_code.get("PRCD"))
        if opening is None and interim and (closing is not None or len(interim) > 1):
            opening = interim[0]
        if closing is None and interim and (len(interim) > 1 or interim[0] is not opening):
            closing = interim[-1]
        return opening, closing


def _text(element: etree._Element | None) -> str | None:
    """An element's text without surrounding blanks; None when empty."""
    if element is None:
        return None
    raw = element.text
    if raw is None:
        return None
    value = raw.strip()
    if "\n" in value:  # a line break in a pretty-printed file is a space
        value = _LINE_BREAK.sub(" ", value)
    return value or None


def _drop(element: etree._Element) -> None:
    """Free a consumed element and the one consumed before it, so memory stays flat."""
    element.clear()
    previous = element.getprevious()
    parent = element.getparent()
    if parent is not None and previous is not None and previous.tag == element.tag:
        parent.remove(previous)


def _first(balances: list[Balance] | None) -> Balance | None:
    return balances[0] if balances else None


def _signed(value: Decimal, credit: bool) -> Decimal:
    """A credit positive, a debit negative; a zero keeps no sign."""
    return value if credit or not value else -value


def _join_unique(parts: Sequence[str | None]) -> str | None:
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return "\n".join(seen) or None


def _reference_kind(value: str, code: str | None, proprietary: str | None) -> ReferenceKind:
    """Classify a ``CdtrRefInf/Ref`` by its declared type and check digits."""
    label = (proprietary or "").upper()
    if code == "SCOR" or (code is None and not label):
        if value.upper().startswith("RF") and is_valid_rf(value):
            return ReferenceKind.RF
        if len(re.sub(r"[^0-9]", "", value)) == 12 and is_valid_ogm(value):
            return ReferenceKind.BE_OGM
        return ReferenceKind.SCOR if code == "SCOR" else ReferenceKind.OTHER
    if "QRR" in label or code == "QRR":
        return ReferenceKind.QRR
    if "ISR" in label or "ESR" in label:
        return ReferenceKind.ISR
    return ReferenceKind.OTHER
