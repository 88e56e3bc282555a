"""The camt reader's shortcuts give the very results of the rules they stand for.

Entries are read by plans made once per entry shape, with cached checks and
a mod-97 of their own for RF and OGM references: each shortcut is checked
here against the plain rule, and entries read together against the same
entries read one by one.
"""

from __future__ import annotations

import io
import re
from dataclasses import fields, replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from encaisse.core.references import create_ogm, create_rf, is_valid_ogm, is_valid_rf
from encaisse.formats.bank import camt
from encaisse.formats.bank.records import (
    BankTransactionCode,
    CreditorReference,
    ReferenceKind,
    Statement,
    StatementError,
    Transaction,
)

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
ACCOUNT = "<Acct><Id><IBAN>BE68539007547034</IBAN></Id><Ownr><Nm>Encaisse SA</Nm></Ownr></Acct>"


def document(*entries: str) -> bytes:
    return (
        f'<Document xmlns="{NAMESPACE}"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId>'
        f"<CreDtTm>2026-01-01T00:00:00Z</CreDtTm></GrpHdr><Stmt><Id>S</Id>{ACCOUNT}"
        f"{''.join(entries)}</Stmt></BkToCstmrStmt></Document>"
    ).encode()


def outcome(data: bytes) -> tuple[list[Transaction | Statement], tuple[Any, ...] | None]:
    """The records read before any error, and the error's particulars."""
    records: list[Transaction | Statement] = []
    try:
        records.extend(camt.iter_parse(io.BytesIO(data), source="t.xml"))
    except StatementError as error:
        return records, (error.message, error.location, error.field, error.value)
    return records, None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


# --- RF and OGM check digits ---------------------------------------------------

RF_LIKE = st.text("RFrf0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabc -./:,٣²", max_size=30)
VALID_RF = st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21).map(create_rf)


@st.composite
def altered(draw: st.DrawFn, values: st.SearchStrategy[str]) -> str:
    """A value with one character replaced, inserted or dropped (or left alone)."""
    value = draw(values)
    at = draw(st.integers(0, len(value)))
    how = draw(st.sampled_from(["keep", "replace", "insert", "drop"]))
    char = draw(st.sampled_from("0123456789ABCRFZ -a٣"))
    if how == "replace":
        return value[:at] + char + value[at + 1 :]
    if how == "insert":
        return value[:at] + char + value[at:]
    if how == "drop":
        return value[:at] + value[at + 1 :]
    return value


@given(st.one_of(RF_LIKE, altered(VALID_RF), st.text(max_size=30), VALID_RF.map(str.lower)))
@settings(max_examples=3000)
def test_rf_check_is_the_iso_11649_check(value: str) -> None:
    assert camt._is_valid_rf(value) == is_valid_rf(value)


def _ogm_rule(value: str) -> bool:
    return len(re.sub("[^0-9]", "", value)) == 12 and is_valid_ogm(value)


TWELVE_DIGITS = st.text("0123456789", min_size=12, max_size=12)
VALID_OGM = st.integers(0, 10**10 - 1).map(create_ogm)


@given(
    st.one_of(
        TWELVE_DIGITS,
        VALID_OGM,
        altered(VALID_OGM),
        VALID_OGM.map(lambda v: f"+++{v[:3]}/{v[3:7]}/{v[7:]}+++"),
        st.text("0123456789 +*/.-٣", max_size=20),
        st.text(max_size=20),
    )
)
@settings(max_examples=3000)
def test_ogm_check_is_the_belgian_check(value: str) -> None:
    assert camt._is_ogm(value) == _ogm_rule(value)


def _reference_kind_rule(value: str, code: str | None, proprietary: str | None) -> ReferenceKind:
    """The classification written with the references module only."""
    label = (proprietary or "").upper()
    if code == "SCOR" or (code is None and not label):
        if value.upper().startswith("RF") and is_valid_rf(value):
            return ReferenceKind.RF
        if _ogm_rule(value):
            return ReferenceKind.BE_OGM
        return ReferenceKind.SCOR if code == "SCOR" else ReferenceKind.OTHER
    if "QRR" in label or code == "QRR":
        return ReferenceKind.QRR
    if "ISR" in label or "ESR" in label:
        return ReferenceKind.ISR
    if "CRN" in label.replace("-", " ").split() or "BPAY" in label.replace("-", " ").split():
        return ReferenceKind.CRN
    return ReferenceKind.OTHER


@given(
    st.one_of(VALID_RF, altered(VALID_RF), VALID_OGM, altered(VALID_OGM), RF_LIKE),
    st.sampled_from([None, "SCOR", "QRR", "PUOR"]),
    st.sampled_from([None, "", "ISR Reference", "esr", "QRR", "Other", "BPAY CRN", "crn", "CRNX"]),
)
@settings(max_examples=2000)
def test_reference_kinds_follow_the_rule(value: str, code: str | None, proprietary: str | None) -> None:
    assert camt._reference_kind(value, code, proprietary) == _reference_kind_rule(value, code, proprietary)


# --- values checked once, or by a shortcut ----------------------------------------

AMOUNT_RULE = re.compile(r"^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")


@given(st.text("0123456789.,-+eE ١٢", min_size=0, max_size=8), st.sampled_from(["EUR", " EUR ", "eur", ""]))
@settings(max_examples=400, deadline=None)
def test_amounts_are_refused_or_read_as_the_rule_says(amount: str, currency: str) -> None:
    xml = document(f'<Ntry><Amt Ccy="{currency}">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>')
    records, error = outcome(xml)
    raw = amount.strip()
    if not AMOUNT_RULE.match(raw):
        assert error == ("not an amount", "Stmt[1]/Ntry[1]/Amt", "Amt", raw)
    elif currency != "" and currency.strip() != "EUR":
        assert error == ("not a currency code", "Stmt[1]/Ntry[1]/Amt", "Amt/@Ccy", currency.strip())
    elif currency == "":
        assert error is not None and error[2] == "Amt/@Ccy"
    else:
        assert error is None
        tx = records[0]
        assert isinstance(tx, Transaction)
        assert (tx.amount, tx.currency) == (Decimal(raw), "EUR")


def test_checked_values_are_checked_again_in_another_place() -> None:
    good = (
        '<Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-01-02</Dt></BookgDt></Ntry>'
    )
    bad_date = good.replace("<BookgDt>", "<ValDt><Dt>2026-02-30</Dt></ValDt><BookgDt>")
    bad_currency = good.replace('Ccy="EUR"', 'Ccy="EURO"')
    _, error = outcome(document(good, good, bad_date))
    assert error == ("not a date", "Stmt[1]/Ntry[3]/ValDt/Dt", "Dt", "2026-02-30")
    _, error = outcome(document(good, bad_currency))
    assert error == ("not a currency code", "Stmt[1]/Ntry[2]/Amt", "Amt/@Ccy", "EURO")


def test_equal_transaction_codes_are_shared_and_unequal_ones_not() -> None:
    code = "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
    entry = '<Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>CRDT</CdtDbtInd>{}</Ntry>'
    records, _ = outcome(
        document(*(entry.format(code.format(family)) for family in ("RCDT", "RCDT", "ICDT")))
    )
    codes = [r.bank_transaction_code for r in records if isinstance(r, Transaction)]
    assert codes == [
        BankTransactionCode("PMNT", "RCDT", "ESCT"),
        BankTransactionCode("PMNT", "RCDT", "ESCT"),
        BankTransactionCode("PMNT", "ICDT", "ESCT"),
    ]
    empty = entry.format("<BkTxCd><Domn><Cd> </Cd></Domn></BkTxCd>")
    records, _ = outcome(document(empty, empty))
    assert [r.bank_transaction_code for r in records if isinstance(r, Transaction)] == [None, None]


# --- one plan per shape, whatever the texts ------------------------------------------

SHAPE = (
    '<Ntry><NtryRef>{ref}</NtryRef><Amt Ccy="EUR">{amount}</Amt><CdtDbtInd>{indicator}</CdtDbtInd>'
    "<RvslInd>{reversal}</RvslInd><Sts><Cd>{status}</Cd></Sts><BookgDt><Dt>{day}</Dt></BookgDt>"
    "<AddtlNtryInf>{info}</AddtlNtryInf><NtryDtls><TxDtls><Refs><EndToEndId>{e2e}</EndToEndId></Refs>"
    "<RltdPties><Dbtr><Pty><Nm>{name}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>{iban}</IBAN></Id></DbtrAcct>"
    "<Cdtr><Nm>{other}</Nm></Cdtr></RltdPties>"
    "<RltdAgts><DbtrAgt><FinInstnId><BICFI>{bic}</BICFI></FinInstnId></DbtrAgt></RltdAgts>"
    "<RmtInf><Ustrd>{line}</Ustrd><Ustrd>{line2}</Ustrd><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>"
    "<Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf><AddtlTxInf>{more}</AddtlTxInf></TxDtls></NtryDtls></Ntry>"
)
BLANKS = st.sampled_from(["", " ", "\n  ", "\t"])
WORDS = st.one_of(
    st.sampled_from(
        ["", " ", "Encaisse SA", "NOTPROVIDED", "not provided", "E2E-1", "a\nb", "  two  words  "]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), max_size=12),
)


@st.composite
def texts(draw: st.DrawFn) -> dict[str, str]:
    def padded(values: st.SearchStrategy[str]) -> str:
        return _escape(draw(BLANKS) + draw(values) + draw(BLANKS))

    return {
        "ref": padded(WORDS),
        "amount": padded(st.sampled_from(["1.00", "0", "12.5", ".5", "3."])),
        "indicator": padded(st.sampled_from(["CRDT", "DBIT"])),
        "reversal": padded(st.sampled_from(["true", "false", "1", "0"])),
        "status": padded(st.sampled_from(["BOOK", "PDNG", ""])),
        "day": padded(st.sampled_from(["2026-01-02", "2026-12-31", "2024-02-29"])),
        "info": padded(WORDS),
        "e2e": padded(WORDS),
        "name": padded(WORDS),
        "iban": padded(st.sampled_from(["BE68539007547034", "NL91ABNA0417164300", ""])),
        "other": padded(WORDS),
        "bic": padded(st.sampled_from(["GEBABEBB", "", "ABNANL2A"])),
        "line": padded(WORDS),
        "line2": padded(WORDS),
        "reference": padded(st.one_of(VALID_RF, VALID_OGM, WORDS)),
        "more": padded(WORDS),
    }


def _alone(entry: str, number: int) -> list[Transaction]:
    """An entry read in a document of its own, as if it were the ``number``th."""
    records, error = outcome(document(entry))
    assert error is None
    where = f"Stmt[1]/Ntry[{number}]"
    return [
        replace(t, location=t.location.replace("Stmt[1]/Ntry[1]", where, 1), entry_index=number)
        for t in records
        if isinstance(t, Transaction)
    ]


@given(st.lists(texts(), min_size=2, max_size=6))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_entries_of_one_shape_read_together_as_each_alone(cases: list[dict[str, str]]) -> None:
    entries = [SHAPE.format(**case) for case in cases]
    records, error = outcome(document(*entries))
    assert error is None
    together = [r for r in records if isinstance(r, Transaction)]
    alone = [t for n, entry in enumerate(entries, start=1) for t in _alone(entry, n)]
    assert together == alone


def test_shapes_with_the_same_child_counts_are_told_apart() -> None:
    party = (
        '<Ntry><Amt Ccy="EUR">5</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls><RltdPties>'
        "<{role}><Nm>{name}</Nm></{role}></RltdPties></TxDtls></NtryDtls></Ntry>"
    )
    records, _ = outcome(
        document(
            party.format(role="Dbtr", name="Payer"),
            party.format(role="Cdtr", name="Payee"),
            party.format(role="Dbtr", name="Encaisse SA"),  # ourselves: no counterparty
            party.format(role="Foo", name="Nobody"),
        )
    )
    names = [r.counterparty_name for r in records if isinstance(r, Transaction)]
    assert names == ["Payer", "Payee", None, None]


def test_more_shapes_than_are_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    entries = [
        f'<Ntry><Amt Ccy="EUR">{n}</Amt><CdtDbtInd>CRDT</CdtDbtInd>{"<AcctSvcrRef>R</AcctSvcrRef>" * (n % 7)}'
        f"{'<NtryRef>N</NtryRef>' if n % 2 else ''}</Ntry>"
        for n in range(1, 40)
    ]
    xml = document(*entries)
    expected = outcome(xml)
    monkeypatch.setattr(camt, "_PLAN_ELEMENTS", 30)
    monkeypatch.setattr(camt, "_PLANS_PER_SIZE", 1)
    monkeypatch.setattr(camt, "_CACHE_SIZE", 1)
    assert outcome(xml) == expected
    assert [r.bank_reference for r in expected[0][:8] if isinstance(r, Transaction)] == [
        "R",
        "R",
        "R",
        "R",
        "R",
        "R",
        None,
        "R",
    ]


# --- records built without the dataclass constructor -----------------------------------


def test_records_are_built_by_their_slots() -> None:
    assert camt._SLOTTED, "Transaction changed: update camt._TRANSACTION_FIELDS"
    assert tuple(f.name for f in fields(Transaction)) == camt._TRANSACTION_FIELDS
    values = (
        Decimal("-1.50"),
        "EUR",
        "Stmt[1]/Ntry[1]",
        "B",
        "E",
        None,
        None,
        Decimal(2),
        "USD",
        Decimal("1.1"),
        "N",
        "A",
        "BIC",
        "U",
        ("line",),
        (CreditorReference("RF18539007547034", ReferenceKind.RF),),
        "E2E",
        "M",
        BankTransactionCode("PMNT"),
        True,
        "AC04",
        "info",
        "BOOK",
        3,
        2,
        1,
    )
    built = camt._new_transaction(*values)
    made = Transaction(*values)
    assert type(built) is Transaction
    assert built == made and hash(built) == hash(made) and repr(built) == repr(made)
    with pytest.raises(AttributeError):
        built.amount = Decimal(0)  # type: ignore[misc]
