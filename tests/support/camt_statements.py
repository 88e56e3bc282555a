"""camt.053 statements built from a few fields, for the tests that import or upload them (banking, API)."""

from __future__ import annotations

from decimal import Decimal

IBAN = "BE68539007547034"


def camt(entries: list[dict[str, str]], *, opening: str = "1000.00", seq: str = "1", stmt_id: str = "S1",
         iban: str = IBAN, ccy: str = "EUR", closing: str | None = None) -> bytes:  # fmt: skip
    """A camt.053.001.08 statement; ``closing`` defaults to the balanced one."""
    total = sum(Decimal(e["amount"]) * (1 if e.get("cd", "CRDT") == "CRDT" else -1) for e in entries)
    closing = closing or str(Decimal(opening) + total)
    ntry = "".join(_entry(e, ccy) for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt>
<GrpHdr><MsgId>M-{stmt_id}</MsgId><CreDtTm>2026-03-03T06:00:00Z</CreDtTm></GrpHdr>
<Stmt><Id>{stmt_id}</Id><ElctrncSeqNb>{seq}</ElctrncSeqNb><CreDtTm>2026-03-03T06:00:00Z</CreDtTm>
<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>{ccy}</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{opening}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="{ccy}">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>
{ntry}</Stmt></BkToCstmrStmt></Document>""".encode()


def _entry(e: dict[str, str], ccy: str) -> str:
    ref = e.get("ref")
    ntry_ref = f"<NtryRef>{ref}</NtryRef>" if ref else ""
    svcr_ref = f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else ""
    day = e.get("date", "2026-03-02")
    return (
        f'<Ntry>{ntry_ref}<Amt Ccy="{e.get("ccy", ccy)}">{e["amount"]}</Amt>'
        f"<CdtDbtInd>{e.get('cd', 'CRDT')}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>"
        f"<BookgDt><Dt>{day}</Dt></BookgDt><ValDt><Dt>{day}</Dt></ValDt>{svcr_ref}"
        "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
        f"<NtryDtls><TxDtls><RltdPties><Dbtr><Pty><Nm>{e.get('name', 'Acme SA')}</Nm></Pty></Dbtr></RltdPties>"
        f"<RmtInf><Ustrd>{e.get('text', 'Invoice 2026-001')}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
    )
