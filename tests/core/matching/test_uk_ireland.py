"""Conventions of British and Irish receivables: Irish legal forms written out, retentions and the Construction
Industry Scheme's deduction named without their amount, customer account numbers after "CUST", another customer's
invoice named by a payer with an item of the amount, credit notes numbered "CRN…"."""

from __future__ import annotations

import pytest
from matching_builders import inv, make_engine, rows, tx

from encaisse.core.matching import MatchSettings, Party, Status
from encaisse.core.matching.candidates import read_transaction
from encaisse.core.names import NameIndex, legal_forms, name_tokens

GBP = MatchSettings(currency="GBP")
EUR = MatchSettings(currency="EUR")


@pytest.mark.parametrize(
    ("bank", "ledger"),
    [
        ("MORAN CIVIL ENGINEERING DESIGNATED ACTIVITY COMPANY", "Moran Civil Engineering DAC"),
        ("MORAN CIVIL ENGINEERING DESIGNATED ACTIV", "Moran Civil Engineering DAC"),  # cut at 40
        ("WALSH DEVELOPMENTS UNLIMITED COMPANY", "Walsh Developments UC"),
        ("KEANE PLUMBING COMPANY LIMITED BY GUARANTEE", "Keane Plumbing CLG"),
        ("DOYLE CARPENTRY TEO", "Doyle Carpentry Teoranta"),
        ("DOYLE CARPENTRY LTD", "Doyle Carpentry Teoranta"),  # Teoranta is Irish for Limited
    ],
)
def test_irish_legal_forms_written_out_or_short(bank: str, ledger: str) -> None:
    assert name_tokens(bank) == name_tokens(ledger)
    assert legal_forms(bank) == legal_forms(ledger)


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("INV8324 RETENTION", "234.14"),  # 5 % retention held back on a construction invoice
        ("8324 RETENTION 5%", "234.14"),
        ("INV8324 NET OF CIS", "234.14"),  # the contractor's CIS deduction
        ("8324 LESS CIS 20PC", "234.14"),
        ("INV8324 CIS DEDUCTED", "234.14"),
    ],
)
def test_a_retention_or_cis_named_without_its_amount_is_a_deduction(text: str, kept: str) -> None:
    parties = [Party("300101", "Walker Joinery Ltd"), Party("300102", "Walker Homes Ltd")]
    items = [
        inv("INV-08324", "300101", "4682.72", currency="GBP"),
        inv("INV-08330", "300101", "1200.00", currency="GBP"),
        inv("INV-08331", "300102", "4448.58", currency="GBP"),
    ]
    d = make_engine(items, parties, GBP).match(tx("4448.58", text, name="WALKER JOINERY LTD", currency="GBP"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "INV-08324", "4682.72"), ("deduction", "INV-08324", f"-{kept}")]


def test_cis_in_a_name_is_no_deduction() -> None:
    evidence = read_transaction(tx("100.00", "CIS SECURITY INV 8324", currency="GBP"), GBP)
    assert "CIS" not in evidence.deduction_words
    evidence = read_transaction(tx("100.00", "INV 8324 NET OF CIS", currency="GBP"), GBP)
    assert "CIS" in evidence.deduction_words


@pytest.mark.parametrize("text", ["CUST 301211", "CUST NO 301211", "CUST REF 301211"])
def test_the_customer_number_after_cust(text: str) -> None:
    evidence = read_transaction(tx("944.06", text, currency="GBP"), GBP)
    assert evidence.customer_numbers == ("301211",)


def test_a_name_and_another_customers_number_after_cust_is_left_to_a_person() -> None:
    parties = [
        Party("c1", "Wear Developments Ltd", numbers=("301100",)),
        Party("c2", "Wearside Homes Ltd", numbers=("301211",)),
    ]
    items = [
        inv("INV-11516", "c1", "944.06", currency="GBP"),
        inv("INV-11520", "c2", "944.06", currency="GBP"),
    ]
    d = make_engine(items, parties, GBP).match(
        tx("944.06", "CUST 301211", name="WEAR DEVELOPMENTS", currency="GBP")
    )
    assert d.status != Status.APPLIED, d.explanation
    d = make_engine(items, parties, GBP).match(
        tx("944.06", "CUST 301100", name="WEAR DEVELOPMENTS", currency="GBP")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "INV-11516", "944.06")]


def test_another_customers_invoice_named_by_a_payer_with_an_item_of_the_amount() -> None:
    # Doyle Carpentry pays 768.75 from its own account, which is the amount of one of its items, and names
    # invoice 5085, which is Costello Roofing's and of the amount too: which one was meant, a person decides
    iban = "IE75IPBS99282463604877"
    parties = [
        Party("700133", "Doyle Carpentry Teoranta", ibans=(iban,)),
        Party("700140", "Costello Roofing Ltd"),
    ]
    items = [
        inv("6404", "700133", "768.75", currency="EUR"),
        inv("5085", "700140", "768.75", currency="EUR"),
    ]
    d = make_engine(items, parties, EUR).match(
        tx("768.75", "INV 5085", name="DOYLE CARPENTRY TEORANTA", iban=iban)
    )
    assert d.status != Status.APPLIED, d.explanation
    assert "5085" in d.explanation
    # without a number, or naming its own item, the payer's item is applied
    for text in ("PAYMENT", "INV 6404"):
        d = make_engine(items, parties, EUR).match(
            tx("768.75", text, name="DOYLE CARPENTRY TEORANTA", iban=iban)
        )
        assert d.status == Status.APPLIED, d.explanation
        assert rows(d) == [("invoice", "6404", "768.75")]


def test_a_credit_note_numbered_crn_is_no_bpay_reference() -> None:
    # QuickBooks numbers credit notes "CRN0417"; a BPAY customer reference number is written after its label (the
    # customer has two credit notes of the amount: the one named is taken off)
    parties = [Party("700132", "Murphy Electrical Limited")]
    items = [
        inv("3695", "700132", "386.36", currency="EUR"),
        inv("CRN0417", "700132", "-133.81", currency="EUR", credit_note=True),
        inv("CRN0409", "700132", "-133.81", currency="EUR", credit_note=True, issued="2026-01-05"),
    ]
    d = make_engine(items, parties, EUR).match(
        tx("252.55", "Inv no. 3695 less CRN0417", name="MURPHY ELECTRICAL LIMITED")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert sorted(rows(d)) == [("invoice", "3695", "386.36"), ("invoice", "CRN0417", "-133.81")]
    assert read_transaction(tx("10.00", "BPAY CRN 1234567"), EUR).customer_numbers


def test_a_deduction_word_in_the_payers_own_name_is_no_deduction() -> None:
    # "FROM: KHAN & PRICE ELECT" in an MT940 narrative: "PRICE" names the payer, not a price difference
    credit = tx("474.05", "BACS CREDIT FROM: KHAN & PRICE ELECT REF: INV 5770", name="KHAN & PRICE ELECT")
    assert not read_transaction(credit, GBP).deduction_words
    assert read_transaction(
        tx("474.05", "INV 5770 PRICE DIFFERENCE", name="KHAN & PRICE ELECT"), GBP
    ).deduction_words


def _leinster(numbers: tuple[str, str, str]) -> tuple[list[Party], list]:  # type: ignore[type-arg]
    iban = "IE29AIBK93115212345678"
    parties = [
        Party("p", "Leinster Facilities Group Limited", is_customer=False, ibans=(iban,)),
        Party("s1", "Leinster Facilities (Dublin) Limited", paid_by=("p",)),
        Party("s2", "Leinster Facilities (Cork) Limited"),
        Party("s3", "Leinster Facilities (Galway) Limited"),
    ]
    first, second, third = numbers
    items = [
        inv(first, "s1", "20118.53"),
        inv("2975", "s1", "100.00"),
        inv(second, "s2", "5128.76"),
        inv(third, "s3", "343.12"),
    ]
    return parties, items


def test_a_parent_pays_its_subsidiaries_named_in_full_also_those_not_on_file_as_its_own() -> None:
    # the parent is on file as paying for the first subsidiary only; the other two invoices named are the only
    # items of their numbers, and the three make the amount: those three
    parties, items = _leinster(("2974", "4668", "5874"))
    d = make_engine(items, parties, EUR).match(
        tx(
            "25590.41",
            "INV 2974 Inv 4668 5874",
            name="LEINSTER FACILITIES GROUP LIMI",
            iban=parties[0].ibans[0],
        )
    )
    assert d.status == Status.APPLIED, d.explanation
    assert sorted(rows(d)) == [
        ("invoice", "2974", "20118.53"),
        ("invoice", "4668", "5128.76"),
        ("invoice", "5874", "343.12"),
    ]


def test_the_excess_a_parent_pays_is_two_items_its_text_names() -> None:
    # named by short forms ("4668" for INV-04668), the sister companies' items are not taken with the first; the
    # excess is exactly what they have open: those items, not money to keep on account
    parties, items = _leinster(("INV-02974", "INV-04668", "INV-05874"))
    d = make_engine(items, parties, EUR).match(
        tx("25590.41", "INV-02974 4668 5874", name="LEINSTER FACILITIES GROUP LIMI", iban=parties[0].ibans[0])
    )
    assert d.status != Status.APPLIED or not any(row[0] == "on_account" for row in rows(d)), d.explanation


@pytest.mark.parametrize("payer", ["CROWTHER JOINERY L", "CROWTHER JOINERY LTD"])
def test_a_name_cut_at_18_in_its_legal_form(payer: str) -> None:
    # a UK payment's 18 characters end in the legal form's first letter, which begins Ltd, Limited, LLP…
    index = NameIndex()
    index.add(1, "Crowther Joinery Ltd")
    index.add(2, "Crowther Developments Limited")
    index.add(3, "Crowther Joinery Services Ltd")
    found = index.search(payer)
    assert found[0] == (1, 1.0), found
    assert index.similarity(1, payer) == 1.0  # the payer's account on file: its name against that customer's
    assert index.similarity(3, payer) < 1.0


def test_a_namesake_with_a_word_more_and_the_only_item_of_the_amount() -> None:
    # "TURNER ROOFING" is Turner Roofing Ltd to the letter, but only Turner Roofing Services Ltd has an item of
    # the amount: the only bearer of the payer's words with one
    # a book where "Services" is a common word, as it is in a builders' merchant's
    words = [
        "Abbey",
        "Barker",
        "Castle",
        "Dales",
        "Eden",
        "Fraser",
        "Green",
        "Heslop",
        "Irwin",
        "Jarvis",
        "Kings",
        "Lawson",
        "Malvern",
        "Nolan",
    ]
    parties = [
        Party("t1", "Turner Roofing Ltd"),
        Party("t2", "Turner Roofing Services Ltd"),
        *(Party(f"o{word}", f"{word} Property Services Ltd") for word in words),
    ]
    items = [
        inv("INV-10337", "t2", "347.44", currency="GBP"),
        inv("INV-10340", "t1", "1200.00", currency="GBP"),
    ]
    d = make_engine(items, parties, GBP).match(tx("347.44", "", name="TURNER ROOFING", currency="GBP"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "INV-10337", "347.44")]


def test_a_second_legal_form_cut_to_its_first_letter() -> None:
    # "GMBH & CO. K" at 35 characters: the K is the KG, for the name written so and for its namesake in another
    # word order alike, the name as written coming first
    index = NameIndex()
    index.add(1, "Elektrotechnik De Smet GmbH & Co. KG")
    index.add(2, "De Smet Elektrotechnik KG")
    found = index.search("elektrotechnik de smet gmbh & co. k")
    assert found[0] == (1, 1.0) and found[1][0] == 2 and found[1][1] < 1.0, found
