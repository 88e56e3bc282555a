"""camt: the amounts of the referred documents (``Strd/RfrdDocAmt``) reach the remittance.

Each referred document with amounts is one line, ``CINV 323105 due 375.32
discount 7.50 adjustment 37.00 DM damaged goods paid 338.32``, so that cash
application reads a deduction the payer explains as one, not as a part
payment. A document without amounts keeps its bare number.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from realworld import require

from encaisse.formats.bank import camt
from encaisse.formats.bank.records import (
    CreditorReference,
    ReferenceKind,
    StatementError,
    Transaction,
)

MESSAGES = {
    "052": ("BkToCstmrAcctRpt", "Rpt"),
    "053": ("BkToCstmrStmt", "Stmt"),
    "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn"),
}
ACCOUNT = "<Acct><Id><Othr><Id>000123456789</Id></Othr></Id><Ccy>USD</Ccy></Acct>"


def document(*remittances: str, kind: str = "053", version: str = "08") -> bytes:
    """A camt document with one entry (of one TxDtls) per remittance (the inside of ``RmtInf``)."""
    message, statement = MESSAGES[kind]
    entries = "".join(
        f'<Ntry><Amt Ccy="USD">338.32</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
        f"<BookgDt><Dt>2026-03-02</Dt></BookgDt><NtryDtls><TxDtls><RmtInf>{remittance}</RmtInf>"
        f"</TxDtls></NtryDtls></Ntry>"
        for remittance in remittances
    )
    return (
        f'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.{kind}.001.{version}"><{message}>'
        f"<GrpHdr><MsgId>M</MsgId><CreDtTm>2026-03-02T06:00:00Z</CreDtTm></GrpHdr>"
        f"<{statement}><Id>S</Id>{ACCOUNT}{entries}</{statement}></{message}></Document>"
    ).encode()


def lines(*remittances: str, **options: Any) -> list[tuple[str, ...]]:
    found = camt.iter_parse(io.BytesIO(document(*remittances, **options)), source="t.xml")
    return [r.remittance_lines for r in found if isinstance(r, Transaction)]


def error_of(*remittances: str, **options: Any) -> StatementError:
    with pytest.raises(StatementError) as info:
        lines(*remittances, **options)
    return info.value


def strd(number: str | None = "323105", amounts: str | None = None, code: str | None = "CINV") -> str:
    kind = f"<Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp>" if code else ""
    nb = f"<Nb>{number}</Nb>" if number is not None else ""
    amt = f"<RfrdDocAmt>{amounts}</RfrdDocAmt>" if amounts is not None else ""
    return f"<Strd><RfrdDocInf>{kind}{nb}<RltdDt>2026-02-01</RltdDt></RfrdDocInf>{amt}</Strd>"


def usd(tag: str, value: str) -> str:
    return f'<{tag} Ccy="USD">{value}</{tag}>'


def adjustment(
    value: str, indicator: str | None = "DBIT", reason: str | None = None, info: str | None = None
) -> str:
    return (
        "<AdjstmntAmtAndRsn>"
        + usd("Amt", value)
        + (f"<CdtDbtInd>{indicator}</CdtDbtInd>" if indicator else "")
        + (f"<Rsn>{reason}</Rsn>" if reason else "")
        + (f"<AddtlInf>{info}</AddtlInf>" if info else "")
        + "</AdjstmntAmtAndRsn>"
    )


# the brief's example, as a camt.053.001.08 (and later) writes it
EXAMPLE = (
    usd("DuePyblAmt", "375.32")
    + "<DscntApldAmt>"
    + usd("Amt", "7.50")
    + "</DscntApldAmt>"
    + adjustment("37.00", "DBIT", "DM", "damaged goods")
    + usd("RmtdAmt", "338.32")
)
EXAMPLE_LINE = "CINV 323105 due 375.32 discount 7.50 adjustment 37.00 DM damaged goods paid 338.32"


@pytest.mark.parametrize("kind", ["052", "053", "054"])
@pytest.mark.parametrize("version", ["04", "08", "13"])
def test_a_document_with_its_amounts_is_one_line(kind: str, version: str) -> None:
    remittance = "<Ustrd>Payment advice</Ustrd>" + strd(amounts=EXAMPLE)
    assert lines(remittance, kind=kind, version=version) == [("Payment advice", EXAMPLE_LINE)]


def test_version_02_amounts_are_plain_and_written_with_two_decimals() -> None:
    # .001.02: DscntApldAmt and TaxAmt are amounts themselves, not DiscountAmountAndType
    amounts = (
        usd("DuePyblAmt", "4400")
        + usd("DscntApldAmt", "88")
        + usd("CdtNoteAmt", "100.5")
        + usd("TaxAmt", "0.75")
        + adjustment("26", "DBIT", "DM", "beschadigde levering")
        + usd("RmtdAmt", "4186.25")
    )
    assert lines(strd("VK26-03620", amounts), version="02") == [
        (
            "CINV VK26-03620 due 4400.00 discount 88.00 credit note 100.50 tax 0.75"
            " adjustment 26.00 DM beschadigde levering paid 4186.25",
        )
    ]


def test_repeated_discounts_and_taxes_of_later_versions() -> None:
    amounts = (
        usd("DuePyblAmt", "1000.00")
        + '<DscntApldAmt><Tp><Cd>APDS</Cd></Tp><Amt Ccy="USD">10.00</Amt></DscntApldAmt>'
        + '<DscntApldAmt><Tp><Prtry>EARLY</Prtry></Tp><Amt Ccy="USD">5.00</Amt></DscntApldAmt>'
        + '<TaxAmt><Tp><Cd>VATA</Cd></Tp><Amt Ccy="USD">21.00</Amt></TaxAmt>'
        + '<TaxAmt><Amt Ccy="USD">1.00</Amt></TaxAmt>'
        + usd("RmtdAmt", "985.00")
    )
    assert lines(strd("INV-1", amounts)) == [
        ("CINV INV-1 due 1000.00 discount 10.00 discount 5.00 tax 21.00 tax 1.00 paid 985.00",),
    ]


def test_amounts_are_written_in_the_fixed_order_whatever_the_file_order() -> None:
    amounts = usd("RmtdAmt", "90.00") + adjustment("10.00", "DBIT", "01") + usd("DuePyblAmt", "100.00")
    assert lines(strd("7", amounts)) == [("CINV 7 due 100.00 adjustment 10.00 01 paid 90.00",)]


def test_adjustments_signs_reasons_and_information() -> None:
    amounts = (
        adjustment("37.00", "DBIT", "DM", "damaged goods")
        + adjustment("5.00", "CRDT", "FR", "freight added")  # the payer pays more
        + adjustment("2.00", None, None, "no indicator")
        + adjustment("1.00", "DBIT", "06")
        + adjustment("0.00", "CRDT")  # a zero keeps no sign
    )
    assert lines(strd("9", amounts)) == [
        (
            "CINV 9 adjustment 37.00 DM damaged goods adjustment -5.00 FR freight added"
            " adjustment 2.00 no indicator adjustment 1.00 06 adjustment 0.00",
        )
    ]


def test_documents_without_amounts_keep_their_bare_number() -> None:
    remittance = (
        "<Ustrd>first</Ustrd><Ustrd>second</Ustrd>"
        + strd("A-1")
        + strd("A-2", usd("RmtdAmt", "12.5"))
        + strd("A-3", "")  # an empty RfrdDocAmt: no amount present
        + strd(" ")  # no number, no amounts: nothing
        + strd("A-4", code=None)
    )
    assert lines(remittance) == [("first", "second", "A-1", "CINV A-2 paid 12.50", "A-3", "A-4")]
    # and without any amount anywhere, exactly as before
    assert lines(strd("A-1") + strd("A-2", code="CREN")) == [("A-1", "A-2")]


def test_type_code_proprietary_type_and_missing_number() -> None:
    proprietary = (
        "<Strd><RfrdDocInf><Tp><CdOrPrtry><Prtry>INVOICE</Prtry></CdOrPrtry></Tp><Nb>P-1</Nb></RfrdDocInf>"
        f"<RfrdDocAmt>{usd('RmtdAmt', '1')}</RfrdDocAmt></Strd>"
    )
    assert lines(
        proprietary,
        strd("N-1", usd("RmtdAmt", "2"), code=None),
        strd(None, usd("RmtdAmt", "3"), code="DEBN"),
    ) == [("INVOICE P-1 paid 1.00",), ("N-1 paid 2.00",), ("DEBN paid 3.00",)]


def test_several_documents_of_one_structured_block_share_its_amounts() -> None:
    remittance = (
        "<Strd><RfrdDocInf><Nb>D-1</Nb></RfrdDocInf><RfrdDocInf><Nb>D-2</Nb></RfrdDocInf>"
        f"<RfrdDocAmt>{usd('DuePyblAmt', '300')}{usd('RmtdAmt', '290')}</RfrdDocAmt></Strd>"
    )
    assert lines(remittance) == [("D-1", "D-2", "due 300.00 paid 290.00")]


def test_amounts_of_a_block_without_documents_are_not_written() -> None:
    # the Nordic form: the amount of a creditor reference, which stays a reference
    remittance = (
        f"<Strd><RfrdDocAmt>{usd('RmtdAmt', '1371.13')}</RfrdDocAmt><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd>"
        "</CdOrPrtry></Tp><Ref>RF18539007547034</Ref></CdtrRefInf></Strd>" + strd("C-1", usd("RmtdAmt", "5"))
    )
    found = [
        r
        for r in camt.iter_parse(io.BytesIO(document(remittance)), source="t.xml")
        if isinstance(r, Transaction)
    ]
    assert [t.remittance_lines for t in found] == [("CINV C-1 paid 5.00",)]
    assert found[0].creditor_references == (CreditorReference("RF18539007547034", ReferenceKind.RF),)
    # a bad amount there is not read, as before
    assert lines(f"<Strd><RfrdDocAmt>{usd('RmtdAmt', 'n/a')}</RfrdDocAmt></Strd>") == [()]


def test_amounts_keep_written_decimals_beyond_two() -> None:
    assert lines(strd("X", usd("RmtdAmt", "007.12345") + usd("CdtNoteAmt", ".5"))) == [
        ("CINV X credit note 0.50 paid 7.12345",)
    ]


def test_entries_of_one_shape_read_their_own_amounts() -> None:
    # the second entry is read by the plan made for the first
    first = strd("S-1", usd("DuePyblAmt", "10.00") + adjustment("1.00", "DBIT", "DM", "dented"))
    second = strd("S-2", usd("DuePyblAmt", "20.00") + adjustment("2.00", "CRDT", "XX", "extra"))
    assert lines(first, second) == [
        ("CINV S-1 due 10.00 adjustment 1.00 DM dented",),
        ("CINV S-2 due 20.00 adjustment -2.00 XX extra",),
    ]


def test_a_batch_kept_whole_keeps_each_transactions_lines() -> None:
    details = "".join(
        f"<TxDtls><RmtInf>{strd(n, usd('RmtdAmt', a))}</RmtInf></TxDtls>"
        for n, a in (("B-1", "1"), ("B-2", "2"))
    )
    xml = document().replace(
        b"</Stmt>",
        (
            '<Ntry><Amt Ccy="USD">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>'
            f"<NtryDtls>{details}</NtryDtls></Ntry></Stmt>"
        ).encode(),
    )
    (tx,) = [r for r in camt.iter_parse(io.BytesIO(xml), source="t.xml") if isinstance(r, Transaction)]
    assert tx.remittance_lines == ("CINV B-1 paid 1.00", "CINV B-2 paid 2.00")


# --- bad input: the import is refused with the element named, as for any bad amount ---------


@pytest.mark.parametrize(
    ("amounts", "location", "field", "value"),
    [
        (usd("DuePyblAmt", "abc"), "/RmtInf/Strd[2]/RfrdDocAmt/DuePyblAmt", "DuePyblAmt", "abc"),
        (usd("RmtdAmt", "1,5"), "/RmtInf/Strd[2]/RfrdDocAmt/RmtdAmt", "RmtdAmt", "1,5"),
        (usd("CdtNoteAmt", "-3"), "/RmtInf/Strd[2]/RfrdDocAmt/CdtNoteAmt", "CdtNoteAmt", "-3"),
        (
            '<DscntApldAmt><Amt Ccy="USD">NaN</Amt></DscntApldAmt>',
            "/RmtInf/Strd[2]/RfrdDocAmt/DscntApldAmt[1]/Amt",
            "Amt",
            "NaN",
        ),
        (usd("TaxAmt", "١٢"), "/RmtInf/Strd[2]/RfrdDocAmt/TaxAmt[1]", "TaxAmt", "١٢"),
        (adjustment("x"), "/RmtInf/Strd[2]/RfrdDocAmt/AdjstmntAmtAndRsn[1]/Amt", "Amt", "x"),
    ],
)
def test_a_bad_amount_is_an_error_naming_the_element(
    amounts: str, location: str, field: str, value: str
) -> None:
    error = error_of(strd("OK", usd("RmtdAmt", "1")) + strd("BAD", amounts))
    assert error.message == "not an amount"
    assert error.location == "Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]" + location
    assert (error.field, error.value, error.source) == (field, value, "t.xml")


def test_other_bad_amount_parts_are_errors_too() -> None:
    error = error_of(strd("1", "<RmtdAmt>5.00</RmtdAmt>"))
    assert (error.message, error.field) == ("amount without its currency", "RmtdAmt/@Ccy")
    error = error_of(strd("1", adjustment("5.00", "PLUS")))
    assert error.message == "credit/debit indicator is neither CRDT nor DBIT"
    assert (
        error.location == "Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/RmtInf/Strd[1]/RfrdDocAmt/AdjstmntAmtAndRsn[1]"
    )
    assert (error.field, error.value) == ("CdtDbtInd", "PLUS")
    error = error_of(strd("1", "<AdjstmntAmtAndRsn><Rsn>DM</Rsn></AdjstmntAmtAndRsn>"))
    assert (error.message, error.field) == ("adjustment without an amount", "Amt")
    assert (
        error.location == "Stmt[1]/Ntry[1]/NtryDtls/TxDtls[1]/RmtInf/Strd[1]/RfrdDocAmt/AdjstmntAmtAndRsn[1]"
    )


# --- real files -------------------------------------------------------------------


@pytest.mark.realworld
def test_realworld_referred_amounts() -> None:
    files = require(
        "camt053",
        "darko-camt053_ISO20022_camt053_extended_SE_incoming_payments_incl_CB_example.xml",
        "darko-camt053_camt_053_ver2_mixed_extended_account_statement.xml",
    )
    assert len(files) == 2, files  # both samples: a renamed one is a failure, not a skip
    found = []
    for path in files:
        with path.open("rb") as stream:
            found += [
                line
                for r in camt.iter_parse(stream, source=path.name)
                if isinstance(r, Transaction)
                for line in r.remittance_lines
            ]
    for line in (
        "CINV 789789 paid 4400.00",
        "CINV INV 789900 paid 1926.00",
        "CREN 9582095 credit note 628.68",
        "CINV 9580572 paid 6256.70",  # " 9580572" as written, and 6256.7
    ):
        assert line in found
    assert "paid 1371.13" not in " ".join(found)  # a CdtrRefInf's amount, not a document's
