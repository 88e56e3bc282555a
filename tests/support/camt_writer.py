"""Write camt.053 statements from our own records, for round-trip tests.

The writer is the parser's mirror: given :class:`ParsedStatement` records it
produces the camt.053 XML (versions .001.02, .001.04 or .001.08) that the
parser must read back into the very same records. Transactions with the same
``entry_index`` become one batch entry with several ``TxDtls``; entry-level
facts (booking and value dates, entry reference, status, reversal) are taken
from the entry's first transaction and must agree across the batch.

>>> from decimal import Decimal
>>> from encaisse.formats.bank.records import ParsedStatement, Statement, Transaction
>>> tx = Transaction(amount=Decimal("-12.50"), currency="EUR", location="Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]")
>>> st = Statement(format="camt.053", currency="EUR", location="Stmt[1]", transaction_count=1,
...                version="camt.053.001.08", statement_id="S1")
>>> b"<CdtDbtInd>DBIT</CdtDbtInd>" in write_camt053([ParsedStatement(st, (tx,))], version=8)
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from itertools import groupby

from lxml import etree

from encaisse.formats.bank.records import (
    Balance,
    CreditorReference,
    ParsedStatement,
    ReferenceKind,
    Statement,
    Transaction,
)

VERSIONS = (2, 4, 8)
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{8,30}$")
_REFERENCE_TYPE = {
    ReferenceKind.RF: ("Cd", "SCOR"),
    ReferenceKind.SCOR: ("Cd", "SCOR"),
    ReferenceKind.BE_OGM: ("Cd", "SCOR"),
    ReferenceKind.ISR: ("Prtry", "ISR Reference"),
    ReferenceKind.QRR: ("Prtry", "QRR"),
}


def write_camt053(
    statements: Sequence[ParsedStatement],
    *,
    version: int = 8,
    message_id: str = "MSG-1",
    created_at: datetime | None = None,
) -> bytes:
    """The camt.053.001.0<version> document holding these statements."""
    if version not in VERSIONS:
        raise ValueError(f"version must be one of {VERSIONS}")
    writer = _Writer(version)
    return writer.document(statements, message_id, created_at or datetime(2026, 1, 1, tzinfo=UTC))


class _Writer:
    def __init__(self, version: int) -> None:
        self.version = version
        self.ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}"

    def add(
        self, parent: etree._Element, local: str, text: str | None = None, **attributes: str
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.ns}}}{local}", attributes)
        if text is not None:
            element.text = text
        return element

    def path(self, parent: etree._Element, *locals_: str, text: str | None = None) -> etree._Element:
        element = parent
        for local in locals_:
            element = self.add(element, local)
        if text is not None:
            element.text = text
        return element

    def document(self, statements: Sequence[ParsedStatement], message_id: str, created_at: datetime) -> bytes:
        root = etree.Element(f"{{{self.ns}}}Document", nsmap={None: self.ns})  # type: ignore[dict-item]
        message = self.add(root, "BkToCstmrStmt")
        header = self.add(message, "GrpHdr")
        self.add(header, "MsgId", message_id)
        self.add(header, "CreDtTm", _timestamp(created_at))
        for parsed in statements:
            self.statement(message, parsed)
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

    def statement(self, parent: etree._Element, parsed: ParsedStatement) -> None:
        st = parsed.statement
        element = self.add(parent, "Stmt")
        self.add(element, "Id", st.statement_id or "STATEMENT")
        if st.electronic_sequence is not None:
            self.add(element, "ElctrncSeqNb", st.electronic_sequence)
        if st.legal_sequence is not None:
            self.add(element, "LglSeqNb", st.legal_sequence)
        if st.created_at is not None:
            self.add(element, "CreDtTm", _timestamp(st.created_at))
        if st.from_date is not None and st.to_date is not None:
            period = self.add(element, "FrToDt")
            self.add(period, "FrDtTm", f"{st.from_date.isoformat()}T00:00:00")
            self.add(period, "ToDtTm", f"{st.to_date.isoformat()}T23:59:59")
        self.account(element, st)
        for code, balance in (("OPBD", st.opening_balance), ("CLBD", st.closing_balance)):
            if balance is not None:
                self.balance(element, code, balance)
        for _, entry in groupby(parsed.transactions, key=lambda t: t.entry_index):
            self.entry(element, list(entry))

    def account(self, parent: etree._Element, st: Statement) -> None:
        account = self.add(parent, "Acct")
        identifier = self.add(account, "Id")
        if st.account_iban is not None:
            self.add(identifier, "IBAN", st.account_iban)
        else:
            self.path(identifier, "Othr", "Id", text=st.account_number or "0")
        if st.currency is not None:
            self.add(account, "Ccy", st.currency)
        if st.account_owner is not None:
            self.path(account, "Ownr", "Nm", text=st.account_owner)
        if st.account_bic is not None:
            self.path(account, "Svcr", "FinInstnId", self.bic_tag, text=st.account_bic)

    @property
    def bic_tag(self) -> str:
        return "BIC" if self.version < 4 else "BICFI"

    def balance(self, parent: etree._Element, code: str, balance: Balance) -> None:
        element = self.add(parent, "Bal")
        self.path(element, "Tp", "CdOrPrtry", "Cd", text=code)
        self.add(element, "Amt", _amount(balance.amount), Ccy=balance.currency)
        self.add(element, "CdtDbtInd", "DBIT" if balance.amount < 0 else "CRDT")
        if balance.date is not None:
            self.path(element, "Dt", "Dt", text=balance.date.isoformat())

    def entry(self, parent: etree._Element, transactions: list[Transaction]) -> None:
        first = transactions[0]
        total = sum((t.amount for t in transactions), Decimal(0))
        reversal = all(t.is_reversal for t in transactions)
        for tx in transactions:
            if tx.is_reversal != (reversal or tx.return_reason is not None):
                raise ValueError("a reversal flag that the entry's RvslInd and RtrInf cannot express")
            if (tx.amount < 0) != (total < 0) and self.version < 3:
                raise ValueError("camt.053.001.02 cannot mix credits and debits in one batch entry")
        element = self.add(parent, "Ntry")
        if first.entry_reference is not None:
            self.add(element, "NtryRef", first.entry_reference)
        self.add(element, "Amt", _amount(total), Ccy=first.currency)
        self.add(element, "CdtDbtInd", "DBIT" if total < 0 else "CRDT")
        if reversal:
            self.add(element, "RvslInd", "true")
        if self.version >= 8:
            self.path(element, "Sts", "Cd", text=first.status)
        else:
            self.add(element, "Sts", first.status)
        if first.booking_date is not None:
            self.path(element, "BookgDt", "Dt", text=first.booking_date.isoformat())
        if first.value_date is not None:
            self.path(element, "ValDt", "Dt", text=first.value_date.isoformat())
        details = self.add(element, "NtryDtls")
        if len(transactions) > 1:
            self.path(details, "Btch", "NbOfTxs", text=str(len(transactions)))
        for tx in transactions:
            self.transaction(details, tx)

    def transaction(self, parent: etree._Element, tx: Transaction) -> None:
        element = self.add(parent, "TxDtls")
        refs = [
            ("AcctSvcrRef", tx.bank_reference),
            ("EndToEndId", tx.end_to_end_id),
            ("MndtId", tx.mandate_id),
        ]
        if any(value is not None for _, value in refs):
            block = self.add(element, "Refs")
            for local, value in refs:
                if value is not None:
                    self.add(block, local, value)
        if self.version >= 3:
            self.add(element, "Amt", _amount(tx.amount), Ccy=tx.currency)
            self.add(element, "CdtDbtInd", "DBIT" if tx.amount < 0 else "CRDT")
        self.amount_details(element, tx)
        code = tx.bank_transaction_code
        if code is not None:
            block = self.add(element, "BkTxCd")
            if code.domain is not None:
                domain = self.add(block, "Domn")
                self.add(domain, "Cd", code.domain)
                family = self.add(domain, "Fmly")
                self.add(family, "Cd", code.family or "")
                self.add(family, "SubFmlyCd", code.sub_family or "")
            if code.proprietary is not None:
                proprietary = self.add(block, "Prtry")
                self.add(proprietary, "Cd", code.proprietary)
                if code.proprietary_issuer is not None:
                    self.add(proprietary, "Issr", code.proprietary_issuer)
        self.parties(element, tx)
        self.remittance(element, tx)
        if tx.return_reason is not None:
            self.path(element, "RtrInf", "Rsn", "Cd", text=tx.return_reason)
        if tx.additional_info is not None:
            self.add(element, "AddtlTxInf", tx.additional_info)

    def amount_details(self, parent: etree._Element, tx: Transaction) -> None:
        wants_tx_amount = self.version < 3
        if tx.original_amount is None and not wants_tx_amount:
            return
        details = self.add(parent, "AmtDtls")
        if tx.original_amount is not None and tx.original_currency is not None:
            instructed = self.add(details, "InstdAmt")
            self.add(instructed, "Amt", _amount(tx.original_amount), Ccy=tx.original_currency)
            if tx.exchange_rate is not None:
                exchange = self.add(instructed, "CcyXchg")
                self.add(exchange, "SrcCcy", tx.original_currency)
                self.add(exchange, "TrgtCcy", tx.currency)
                self.add(exchange, "XchgRate", format(tx.exchange_rate, "f"))
        if wants_tx_amount:
            self.path(details, "TxAmt", "Amt", text=_amount(tx.amount)).set("Ccy", tx.currency)

    def parties(self, parent: etree._Element, tx: Transaction) -> None:
        has_party = tx.counterparty_name is not None or tx.counterparty_account is not None
        if not has_party and tx.ultimate_debtor is None:
            return
        # the counterparty is the debtor of a credit, the creditor of a debit,
        # the other way round for a reversal
        debtor_side = (tx.amount > 0) != tx.is_reversal
        party, account, agent = (
            ("Dbtr", "DbtrAcct", "DbtrAgt") if debtor_side else ("Cdtr", "CdtrAcct", "CdtrAgt")
        )
        block = self.add(parent, "RltdPties")
        ordered = ("Dbtr", "DbtrAcct", "UltmtDbtr", "Cdtr", "CdtrAcct")
        for local in ordered:
            if has_party and local == party and tx.counterparty_name is not None:
                self.name(block, local, tx.counterparty_name)
            elif has_party and local == account and tx.counterparty_account is not None:
                identifier = self.path(block, local, "Id")
                if _IBAN.match(tx.counterparty_account):
                    self.add(identifier, "IBAN", tx.counterparty_account)
                else:
                    self.path(identifier, "Othr", "Id", text=tx.counterparty_account)
            elif local == "UltmtDbtr" and tx.ultimate_debtor is not None:
                self.name(block, local, tx.ultimate_debtor)
        if has_party and tx.counterparty_bic is not None:
            self.path(parent, "RltdAgts", agent, "FinInstnId", self.bic_tag, text=tx.counterparty_bic)

    def name(self, parent: etree._Element, local: str, name: str) -> None:
        if self.version >= 8:
            self.path(parent, local, "Pty", "Nm", text=name)
        else:
            self.path(parent, local, "Nm", text=name)

    def remittance(self, parent: etree._Element, tx: Transaction) -> None:
        if not tx.remittance_lines and not tx.creditor_references:
            return
        block = self.add(parent, "RmtInf")
        for line in tx.remittance_lines:
            self.add(block, "Ustrd", line)
        for reference in tx.creditor_references:
            self.reference(block, reference)

    def reference(self, parent: etree._Element, reference: CreditorReference) -> None:
        info = self.path(parent, "Strd", "CdtrRefInf")
        kind, value = _REFERENCE_TYPE.get(reference.kind, ("Prtry", "PUOR"))
        kind_type = self.add(info, "Tp")
        self.path(kind_type, "CdOrPrtry", kind, text=value)
        if reference.issuer is not None:
            self.add(kind_type, "Issr", reference.issuer)
        self.add(info, "Ref", reference.value)


def _amount(value: Decimal) -> str:
    return format(abs(value), "f")


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()
