"""Write bank statement records as MT940 text, for round-trip tests of the reader.

:func:`write_mt940` is the inverse of :func:`encaisse.formats.bank.mt940.iter_parse`
for the fields MT940 can carry: balances, value and entry dates, the signed
amount with its reversal mark, type code, customer and bank references, and in
``:86:`` the counterparty, end-to-end reference, mandate, ultimate debtor and
remittance text — either in the Dutch slash-code dialect (``dialect="slash"``,
``/EREF/…/CNTP/…/REMI/…``) or the German GVC one (``dialect="gvc"``,
``?20EREF+…?30BIC?31IBAN?32name``). Lines are wrapped as banks wrap them (65
characters; 27 per GVC sub-field).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from encaisse.formats.bank.records import Balance, ParsedStatement, ReferenceKind, Transaction


def amount_text(value: Decimal) -> str:
    """MT940's amount: no sign, decimal comma, always a comma."""
    text = format(abs(value), "f")
    return text.replace(".", ",") if "." in text else text + ","


def _balance(tag: str, balance: Balance) -> str:
    mark = "D" if balance.amount < 0 else "C"
    when = balance.date or date(2000, 1, 1)
    return f":{tag}:{mark}{when:%y%m%d}{balance.currency}{amount_text(balance.amount)}"


def _mark(tx: Transaction) -> str:
    if tx.is_reversal:
        return "RC" if tx.amount < 0 else "RD"
    return "D" if tx.amount < 0 else "C"


def _wrap(text: str, width: int = 65) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _slash_details(tx: Transaction) -> list[str]:
    parts = [f"/EREF/{tx.end_to_end_id or 'NOTPROVIDED'}/"]
    if tx.counterparty_account or tx.counterparty_bic or tx.counterparty_name:
        parts.append(
            f"/CNTP/{tx.counterparty_account or ''}/{tx.counterparty_bic or ''}/{tx.counterparty_name or ''}//"
        )
    if tx.mandate_id:
        parts.append(f"/MARF/{tx.mandate_id}/")
    if tx.ultimate_debtor:
        parts.append(f"/ULTD/{tx.ultimate_debtor}/")
    if tx.return_reason:
        parts.append(f"/RTRN/{tx.return_reason}/")
    structured = [r for r in tx.creditor_references if r.kind is ReferenceKind.RF]
    if structured and not tx.remittance_lines:
        parts.append(f"/REMI/STRD/ISO/{structured[0].value}/")
    elif tx.remittance_lines:
        parts.append(f"/REMI/USTD//{' '.join(tx.remittance_lines)}/")
    return _wrap("".join(parts))


def _gvc_details(tx: Transaction) -> list[str]:
    purpose = f"EREF+{tx.end_to_end_id or 'NOTPROVIDED'}"
    if tx.mandate_id:
        purpose += f"MREF+{tx.mandate_id}"
    if tx.ultimate_debtor:
        purpose += f"ABWA+{tx.ultimate_debtor}"
    structured = [r.value for r in tx.creditor_references if r.kind is ReferenceKind.RF]
    text = " ".join(tx.remittance_lines) or (structured[0] if structured else "")
    if text:
        purpose += f"SVWZ+{text}"
    chunks = [purpose[i : i + 27] for i in range(0, len(purpose), 27)]
    codes = [f"{c}" for c in range(20, 30)] + ["60", "61", "62", "63"]
    if len(chunks) > len(codes):
        raise ValueError("purpose too long for GVC sub-fields ?20-?29, ?60-?63")
    body = "166?00GUTSCHRIFT?10931" + "".join(
        f"?{code}{chunk}" for code, chunk in zip(codes, chunks, strict=False)
    )
    if tx.counterparty_bic:
        body += f"?30{tx.counterparty_bic}"
    if tx.counterparty_account:
        body += f"?31{tx.counterparty_account}"
    name = tx.counterparty_name or ""
    if name:
        body += f"?32{name[:27]}"
    if len(name) > 27:
        body += f"?33{name[27:54]}"
    return _wrap(body)


def statement_line(tx: Transaction) -> str:
    """The ``:61:`` line of a transaction."""
    value_date = tx.value_date or date(2000, 1, 1)
    entry = f"{tx.booking_date:%m%d}" if tx.booking_date else ""
    code = tx.bank_transaction_code.proprietary if tx.bank_transaction_code else None
    line = f":61:{value_date:%y%m%d}{entry}{_mark(tx)}{amount_text(tx.amount)}{code or 'NTRF'}"
    line += tx.entry_reference or "NONREF"
    if tx.bank_reference:
        line += f"//{tx.bank_reference}"
    return line


def write_mt940(
    statements: Iterable[ParsedStatement],
    *,
    dialect: str = "slash",
    envelope: bool = False,
    line_end: str = "\n",
) -> str:
    """MT940 text for the statements; ``envelope`` wraps each in SWIFT blocks."""
    details = _slash_details if dialect == "slash" else _gvc_details
    lines: list[str] = []
    for parsed in statements:
        st = parsed.statement
        if envelope:
            lines += ["{1:F01ABNANL2AXXXX0000000000}{2:O940ABNANL2AXXXXN}{3:}{4:"]
        lines.append(f":20:{st.statement_id or 'NONREF'}")
        account = st.account_iban or st.account_number or ""
        if st.account_bic:
            account = f"{st.account_bic}/{account}"
        lines.append(f":25:{account}")
        lines.append(f":28C:{st.electronic_sequence or '1'}")
        if st.opening_balance is not None:
            lines.append(_balance("60F", st.opening_balance))
        for tx in parsed.transactions:
            lines.append(statement_line(tx))
            lines.append(":86:" + "\n".join(details(tx)))
        if st.closing_balance is not None:
            lines.append(_balance("62F", st.closing_balance))
        lines.append("-}{5:}" if envelope else "-")
    return line_end.join(lines) + line_end
