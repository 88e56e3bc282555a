"""Synthetic bank statements for benchmarks: the same transactions as camt.053 and as MT940.

A seeded generator draws ``n`` booked transactions — mostly customer receipts
(credits) quoting invoice numbers or RF creditor references, some outgoing
payments (debits) — with realistic names, IBANs and BICs, and splits them into
daily statements of one account. :func:`write_camt053` writes them as one
camt.053.001.08 message (one ``Stmt`` per day, one ``Ntry`` with one
``TxDtls`` per transaction); :func:`write_mt940` writes the same statements
as MT940 messages, the ``:86:`` alternating between the Dutch slash-code
dialect (``/EREF/…/CNTP/…/REMI/…``) and the German GVC one (``?20EREF+…``).
Both writers stream to the file, so memory stays flat in ``n``.

>>> txs = list(transactions(3, seed=1))
>>> [t.amount for t in txs] == [t.amount for t in transactions(3, seed=1)]
True
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TextIO
from xml.sax.saxutils import escape

from stdnum import iban as stdnum_iban

from encaisse.core.references import create_rf

ACCOUNT_IBAN = "NL91ABNA0417164300"
ACCOUNT_BIC = "ABNANL2A"
CURRENCY = "EUR"
OPENING = Decimal("125000.00")
START = date(2026, 1, 2)

# ASCII only, so that both formats carry exactly the same text (banks transliterate in MT940).
_FIRST = ["Jan", "Marie", "Luc", "Sophie", "Pieter", "Anna", "Karl", "Lea", "Hans", "Eva", "Tom", "Ines"]
_LAST = [
    "Janssens",
    "Peeters",
    "Mueller",
    "Dubois",
    "de Vries",
    "Bakker",
    "Schmidt",
    "Martin",
    "Visser",
    "Maes",
]
_COMPANY = ["Bouw", "Transport", "Logistics", "Bakkerij", "Garage", "Consult", "Techniek", "Handel", "Druk"]
_FORM = ["BV", "NV", "GmbH", "SA", "SRL", "BVBA", "VOF"]
_BANKS = [
    ("NL", "INGBNL2A", "INGB"),
    ("NL", "RABONL2U", "RABO"),
    ("BE", "GEBABEBB", "001"),
    ("DE", "COBADEFF", "37040044"),
]


@dataclass(frozen=True, slots=True)
class SyntheticTransaction:
    amount: Decimal  # signed: credits positive
    booking_date: date
    value_date: date
    bank_reference: str
    end_to_end_id: str | None
    counterparty_name: str
    counterparty_iban: str
    counterparty_bic: str
    remittance: str | None
    creditor_reference: str | None  # an RF reference, sent structured


def _iban(rng: random.Random, country: str, bank: str) -> str:
    if country == "NL":
        bban = f"{bank}{rng.randrange(10**10):010d}"
    elif country == "BE":
        body = int(f"{bank}{rng.randrange(10**7):07d}")
        bban = f"{body:010d}{body % 97 or 97:02d}"
    else:
        bban = f"{bank}{rng.randrange(10**10):010d}"
    digits = "".join(str(int(c, 36)) for c in f"{bban}{country}00")
    value = f"{country}{98 - int(digits) % 97:02d}{bban}"
    assert stdnum_iban.is_valid(value), value
    return value


def transactions(n: int, *, seed: int = 20260101, per_day: int = 500) -> Iterator[SyntheticTransaction]:
    """``n`` transactions, ``per_day`` of them booked on each business day."""
    rng = random.Random(seed)
    day = START
    for i in range(n):
        if i and i % per_day == 0:
            day += timedelta(days=3 if day.weekday() == 4 else 1)
        country, bic, bank = rng.choice(_BANKS)
        if rng.random() < 0.5:
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        else:
            name = f"{rng.choice(_LAST)} {rng.choice(_COMPANY)} {rng.choice(_FORM)}"
        credit = rng.random() < 0.8
        cents = rng.randrange(500, 2_500_000) if credit else rng.randrange(100, 500_000)
        amount = Decimal(cents).scaleb(-2)
        invoice = f"INV-2026-{rng.randrange(1, 99999):05d}"
        rf = None
        if credit and rng.random() < 0.35:
            rf = create_rf(f"2026{rng.randrange(10**8):08d}")
            remittance = None
        elif credit:
            remittance = rng.choice(
                [
                    f"Invoice {invoice}",
                    f"Factuur {invoice} klantnr {rng.randrange(10**6)}",
                    f"Payment {invoice} and INV-2026-{rng.randrange(1, 99999):05d}",
                    f"Rechnung {invoice} vom {day:%d.%m.%Y}",
                ]
            )
        else:
            remittance = f"Supplier payment PO{rng.randrange(10**6):06d}"
        e2e = f"E2E{seed % 1000:03d}{i:09d}" if rng.random() < 0.7 else None
        yield SyntheticTransaction(
            amount=amount if credit else -amount,
            booking_date=day,
            value_date=day,
            bank_reference=f"BR{i:012d}",
            end_to_end_id=e2e,
            counterparty_name=name,
            counterparty_iban=_iban(rng, country, bank),
            counterparty_bic=bic,
            remittance=remittance,
            creditor_reference=rf,
        )


def _by_day(n: int, seed: int, per_day: int) -> Iterator[list[SyntheticTransaction]]:
    batch: list[SyntheticTransaction] = []
    for tx in transactions(n, seed=seed, per_day=per_day):
        if batch and tx.booking_date != batch[0].booking_date:
            yield batch
            batch = []
        batch.append(tx)
    if batch:
        yield batch


# --- camt.053.001.08 ----------------------------------------------------------------------

_NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"


def _amount(value: Decimal) -> str:
    return f"{abs(value):.2f}"


def _balance(out: TextIO, code: str, amount: Decimal, day: date) -> None:
    out.write(
        f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>"
        f'<Amt Ccy="{CURRENCY}">{_amount(amount)}</Amt><CdtDbtInd>{"CRDT" if amount >= 0 else "DBIT"}</CdtDbtInd>'
        f"<Dt><Dt>{day.isoformat()}</Dt></Dt></Bal>"
    )


def write_camt053(path: Path, n: int, *, seed: int = 20260101, per_day: int = 500) -> None:
    """The transactions as one camt.053.001.08 document, one statement per day."""
    with path.open("w", encoding="utf-8") as out:
        out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="{_NS}"><BkToCstmrStmt>')
        out.write(
            f"<GrpHdr><MsgId>BENCH-{seed}-{n}</MsgId><CreDtTm>2026-03-01T06:00:00+01:00</CreDtTm></GrpHdr>"
        )
        balance = OPENING
        for number, batch in enumerate(_by_day(n, seed, per_day), start=1):
            day = batch[0].booking_date
            closing = balance + sum((t.amount for t in batch), Decimal(0))
            out.write(
                f"<Stmt><Id>STMT-{day:%Y%m%d}</Id><ElctrncSeqNb>{number}</ElctrncSeqNb>"
                f"<CreDtTm>{day.isoformat()}T23:00:00+01:00</CreDtTm>"
                f"<Acct><Id><IBAN>{ACCOUNT_IBAN}</IBAN></Id><Ccy>{CURRENCY}</Ccy>"
                f"<Svcr><FinInstnId><BICFI>{ACCOUNT_BIC}</BICFI></FinInstnId></Svcr></Acct>"
            )
            _balance(out, "OPBD", balance, day - timedelta(days=1))
            _balance(out, "CLBD", closing, day)
            for tx in batch:
                _camt_entry(out, tx)
            out.write("</Stmt>")
            balance = closing
        out.write("</BkToCstmrStmt></Document>\n")


def _camt_entry(out: TextIO, tx: SyntheticTransaction) -> None:
    credit = tx.amount > 0
    indicator = "CRDT" if credit else "DBIT"
    party, account, agent = ("Dbtr", "DbtrAcct", "DbtrAgt") if credit else ("Cdtr", "CdtrAcct", "CdtrAgt")
    family = "RCDT" if credit else "ICDT"
    if tx.creditor_reference:
        remittance = (
            "<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>"
            f"<Ref>{tx.creditor_reference}</Ref></CdtrRefInf></Strd></RmtInf>"
        )
    else:
        remittance = f"<RmtInf><Ustrd>{escape(tx.remittance or '')}</Ustrd></RmtInf>"
    e2e = tx.end_to_end_id or "NOTPROVIDED"
    out.write(
        f'<Ntry><Amt Ccy="{CURRENCY}">{_amount(tx.amount)}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"<Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>{tx.booking_date.isoformat()}</Dt></BookgDt>"
        f"<ValDt><Dt>{tx.value_date.isoformat()}</Dt></ValDt><AcctSvcrRef>{tx.bank_reference}</AcctSvcrRef>"
        f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{family}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><Refs><AcctSvcrRef>{tx.bank_reference}</AcctSvcrRef><EndToEndId>{e2e}</EndToEndId></Refs>"
        f'<Amt Ccy="{CURRENCY}">{_amount(tx.amount)}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
        f"<RltdPties><{party}><Pty><Nm>{escape(tx.counterparty_name)}</Nm></Pty></{party}>"
        f"<{account}><Id><IBAN>{tx.counterparty_iban}</IBAN></Id></{account}></RltdPties>"
        f"<RltdAgts><{agent}><FinInstnId><BICFI>{tx.counterparty_bic}</BICFI></FinInstnId></{agent}></RltdAgts>"
        f"{remittance}</TxDtls></NtryDtls></Ntry>"
    )


# --- MT940 ---------------------------------------------------------------------------------


def _mt_amount(value: Decimal) -> str:
    return f"{abs(value):.2f}".replace(".", ",")


def _wrap(text: str, width: int = 65) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _details_slash(tx: SyntheticTransaction) -> list[str]:
    parts = []
    if tx.end_to_end_id:
        parts.append(f"/EREF/{tx.end_to_end_id}")
    parts.append(f"/CNTP/{tx.counterparty_iban}/{tx.counterparty_bic}/{tx.counterparty_name}/")
    if tx.creditor_reference:
        parts.append(f"/REMI/STRD/ISO/{tx.creditor_reference}/")
    else:
        parts.append(f"/REMI/USTD//{tx.remittance or ''}/")
    return _wrap("".join(parts))


def _details_gvc(tx: SyntheticTransaction) -> list[str]:
    purpose = ""
    if tx.end_to_end_id:
        purpose += f"EREF+{tx.end_to_end_id}"
    purpose += f"SVWZ+{tx.creditor_reference or tx.remittance or ''}"
    chunks = [purpose[i : i + 27] for i in range(0, len(purpose), 27)]
    code = "166" if tx.amount > 0 else "177"
    text = f"{code}?00{'GUTSCHRIFT' if tx.amount > 0 else 'UEBERWEISUNG'}?10931"
    text += "".join(f"?{20 + k}{chunk}" for k, chunk in enumerate(chunks[:10]))
    name = tx.counterparty_name
    text += f"?30{tx.counterparty_bic}?31{tx.counterparty_iban}?32{name[:27]}"
    if len(name) > 27:
        text += f"?33{name[27:54]}"
    return _wrap(text)


def write_mt940(path: Path, n: int, *, seed: int = 20260101, per_day: int = 500) -> None:
    """The same transactions as MT940, one message per day, CRLF line ends."""
    with path.open("w", encoding="utf-8", newline="\r\n") as out:
        balance = OPENING
        for number, batch in enumerate(_by_day(n, seed, per_day), start=1):
            day = batch[0].booking_date
            closing = balance + sum((t.amount for t in batch), Decimal(0))
            opening_day = day - timedelta(days=1)
            out.write(f":20:STMT{day:%Y%m%d}\n:25:{ACCOUNT_IBAN}{CURRENCY}\n:28C:{number:05d}/001\n")
            out.write(
                f":60F:{'C' if balance >= 0 else 'D'}{opening_day:%y%m%d}{CURRENCY}{_mt_amount(balance)}\n"
            )
            for k, tx in enumerate(batch):
                mark = "C" if tx.amount > 0 else "D"
                reference = tx.end_to_end_id[-16:] if tx.end_to_end_id else "NONREF"
                out.write(
                    f":61:{tx.value_date:%y%m%d}{tx.booking_date:%m%d}{mark}{_mt_amount(tx.amount)}"
                    f"NTRF{reference}//{tx.bank_reference[-16:]}\n"
                )
                details = _details_slash(tx) if k % 2 == 0 else _details_gvc(tx)
                out.write(":86:" + "\n".join(details) + "\n")
            out.write(f":62F:{'C' if closing >= 0 else 'D'}{day:%y%m%d}{CURRENCY}{_mt_amount(closing)}\n-\n")
            balance = closing
