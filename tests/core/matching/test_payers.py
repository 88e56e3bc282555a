"""The payer: by account, by name however written, by a third party paying for the customer."""

from __future__ import annotations

import pytest
from matching_builders import IBAN_FACTOR, IBAN_PARENT, inv, make_engine, rows, tx

from encaisse.core.matching import Party, Status

ITEMS = [
    inv("INV-2026-000101", "c1", "1250.00", issued="2026-01-02"),
    inv("INV-2026-000102", "c2", "1250.00", issued="2026-01-02"),
    inv("INV-2026-000103", "c3", "640.00", issued="2026-01-02"),
    inv("INV-2026-000104", "c4", "640.00", issued="2026-01-02"),
]


def test_payer_account_seen_before(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("1250.00", "", iban="BE71 0961 2345 6769", name="ACME LOGISTICS"))
    assert d.status == Status.APPLIED
    assert d.customer_id == "c1"
    assert "payer account" in d.explanation


@pytest.mark.parametrize(
    "name",
    [
        "ACME LOGISTICS SA",  # case
        "Acme Logistics",  # legal form missing
        "Acme Logistics N.V.",  # legal form written otherwise
        "ACME LOGISTICS SA BRUXELLES",  # city appended
        "LOGISTICS ACME",  # word order
    ],
)
def test_payer_name_however_written(name: str, acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("1250.00", "", name=name))
    assert d.status != Status.UNMATCHED
    assert d.customer_id == "c1"


def test_payer_written_by_the_initials_of_the_customers_name_is_proposed() -> None:
    # "IBM CORP" for International Business Machines: the customer a person is asked about, not applied on
    # initials and an amount alone
    parties = [Party("c1", "International Business Machines Corporation"), Party("c2", "Acme Logistics SA")]
    engine = make_engine(
        [inv("INV-2026-000101", "c1", "1250.00"), inv("INV-2026-000102", "c2", "1250.00")], parties
    )
    d = engine.match(tx("1250.00", "", name="IBM CORP"))
    assert d.status == Status.SUGGESTED
    assert d.proposals[0].customer_id == "c1"
    assert rows(d.proposals[0]) == [("invoice", "INV-2026-000101", "1250.00")]


def test_payer_name_with_accents_lost() -> None:
    parties = [Party("c9", "Société Générale de Dépannage SA"), Party("c8", "Generale Transports SA")]
    engine = make_engine([inv("INV-2026-000900", "c9", "410.00")], parties)
    d = engine.match(tx("410.00", "", name="SOCIETE GENERALE DE DEPANNAGE"))
    assert d.customer_id == "c9"


def test_payer_name_cut_at_35_characters() -> None:
    parties = [Party("c9", "International Distribution Logistics Benelux NV")]
    engine = make_engine([inv("INV-2026-000900", "c9", "410.00")], parties)
    d = engine.match(tx("410.00", "", name="INTERNATIONAL DISTRIBUTION LOGISTICS BENELUX"[:35]))
    assert d.customer_id == "c9"


def test_look_alike_names_do_not_swap_customers(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("640.00", "", name="DUPOND TRANSPORTS"))
    assert d.customer_id == "c4"


def test_parent_company_pays_for_its_subsidiary(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("1250.00", "INV-2026-000101", name="Acme Group Holding NV", iban=IBAN_PARENT))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "INV-2026-000101", "1250.00")]
    assert "pays for this customer" in d.explanation


def test_factoring_company_pays_for_the_customer(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("640.00", "Facture INV-2026-000103", name="EUROFACTOR", iban=IBAN_FACTOR))
    assert d.status == Status.APPLIED
    assert d.customer_id == "c3"


def test_ultimate_debtor_names_the_customer(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("640.00", "", name="Some Payment Agent", ultimate="Dupond Transports NV"))
    assert d.customer_id == "c4"


def test_account_confirmed_in_the_run_is_remembered(acme: list[Party]) -> None:
    items = [inv("INV-2026-000101", "c2", "100.00"), inv("INV-2026-000102", "c2", "222.00")]
    engine = make_engine(items, acme)
    first = engine.match(
        tx("100.00", "INV-2026-000101", id="A", name="Acme Trading SPRL", iban="BE43068999999501")
    )
    assert first.status == Status.APPLIED
    assert engine.book.customers_of_iban("BE43068999999501") == {engine.book.party_of_id["c2"]: 1}


@pytest.mark.parametrize("account", ["60161331926819", "60-16-13 31926819", "GB29 NWBK 6016 1331 9268 19"])
def test_uk_sort_code_and_account_number_are_the_iban_on_file(account: str) -> None:
    # Faster Payments and BACS give the payer's sort code and account number, not the IBAN on file
    parties = [
        Party("u1", "Carrington Engineering Ltd", ibans=("GB29NWBK60161331926819",)),
        Party("u2", "Carrington Electrical Ltd", ibans=("GB94BARC10201530093459",)),
    ]
    items = [inv("104001", "u1", "804.00"), inv("104002", "u2", "804.00")]
    engine = make_engine(items, parties)
    d = engine.match(tx("804.00", "", iban=account, name="CARRINGTON"))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "104001", "804.00")]


@pytest.mark.parametrize(
    ("network", "text", "customer", "amount"),
    [
        ("PAYMODE-X", "PMX*48218391873*ACME TRADING", "c2", "1250.00"),
        ("BILL.COM", "DUPOND TRANSPORTS BILL.COM 01671352073112", "c4", "640.00"),
        ("NVOICEPAY", "NVP 65328352533 FROM BOULANGERIE DUPONT ET FILS", "c3", "640.00"),
    ],
)
def test_a_payables_network_pays_for_the_customer_the_text_names(
    network: str, text: str, customer: str, amount: str, acme: list[Party]
) -> None:
    # the network's account has paid for other customers before: it says nothing of this one
    engine = make_engine(ITEMS, acme)
    engine.book.add_iban("GB29NWBK60161331926819", engine.book.party_of_id["c1"], count=5)
    d = engine.match(tx(amount, text, name=network, iban="GB29NWBK60161331926819"))
    assert d.status == Status.APPLIED, d.explanation
    assert d.customer_id == customer
    assert f"paid through {network}" in d.explanation and "matches the customer" in d.explanation


def test_a_payables_network_whose_text_names_no_customer_is_not_applied_by_amount(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("1250.00", "PMX*48218391873*SOMEONE ELSE ENTIRELY", name="PAYMODE-X"))
    assert d.status != Status.APPLIED, d.explanation


def test_namesakes_told_apart_by_equal_items_only_one_of_them_has() -> None:
    parties = [Party("n1", "Nguyen & Sons Inc."), Party("n2", "Nguyen & Sons Corporation")]
    items = [
        inv("SI-520124", "n2", "899.00", issued="2026-01-02"),
        inv("SI-520224", "n2", "899.00", issued="2026-02-02"),
        inv("SI-520324", "n2", "899.00", issued="2026-03-02"),
        inv("318411", "n1", "1520.00"),
    ]
    engine = make_engine(items, parties)
    d = engine.match(tx("899.00", "", name="NGUYEN & SONS", on="2026-03-05"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "SI-520124", "899.00")]
    # both have an item of this amount: the name cannot say whose
    engine = make_engine([*items, inv("318412", "n1", "899.00")], parties)
    d = engine.match(tx("899.00", "", name="NGUYEN & SONS", on="2026-03-05"))
    assert d.status != Status.APPLIED, d.explanation


def test_the_customer_number_written_tells_namesakes_apart() -> None:
    # a check remitter writes the account number printed on the invoice stub
    parties = [
        Party("c1", "McAllister & Sons Inc.", numbers=("300237",)),
        Party("c2", "McAllister & Sons Co.", numbers=("C-306071",)),
    ]
    items = [inv("SI-521100", "c1", "500.00"), inv("SI-521101", "c2", "500.00")]
    text = "LOCKBOX 7741 CHECK 803809 REMITTER:MCALLISTER & SONS CUST ACCT {} STUB:INV SI-521100 150.00"
    named = make_engine(items, parties).match(tx("150.00", text.format("300237"), name="MCALLISTER & SONS"))
    assert named.status == Status.APPLIED, named.explanation
    assert named.customer_id == "c1"
    assert rows(named) == [("invoice", "SI-521100", "150.00")]  # a part payment, the rest stays open
    assert "customer number 300237 written in the text" in named.explanation
    # without the number, the full invoice number, unique in the book, still says whose item is paid in part
    unnamed = make_engine(items, parties).match(tx("150.00", text.format(""), name="MCALLISTER & SONS"))
    assert unnamed.status == Status.APPLIED, unnamed.explanation
    assert rows(unnamed) == [("invoice", "SI-521100", "150.00")]
    # and without it either, the namesake's equal claim to the name leaves the part payment to a person
    unreferenced = make_engine(items, parties).match(
        tx("150.00", text.format("").replace("STUB:INV SI-521100 ", "STUB:"), name="MCALLISTER & SONS")
    )
    assert unreferenced.status != Status.APPLIED, unreferenced.explanation
    # the number is read without its leading zeros; another customer's number does not help
    other = make_engine(items, parties).match(tx("150.00", text.format("0306071"), name="MCALLISTER & SONS"))
    assert other.status != Status.APPLIED


def test_a_customer_number_alone_identifies_the_payer() -> None:
    parties = [Party("c1", "Brasserie Dubois SPRL", numbers=("10023",)), Party("c2", "Dubois Frères SA")]
    items = [inv("F2026-0042", "c1", "812.40"), inv("F2026-0043", "c2", "812.40")]
    d = make_engine(items, parties).match(tx("812.40", "Kd-Nr. 10023 Rechnung vom 10.01.", name="M. DUBOIS"))
    assert d.customer_id == "c1"
    assert d.allocations[0].invoice_number == "F2026-0042"
    assert "customer number 10023" in d.explanation


def test_another_customer_s_invoice_named_while_the_payer_s_own_item_has_the_amount_goes_to_a_person() -> (
    None
):
    # the account is Mazur's; the text names Nowak's invoice; both that invoice and Mazur's own have the amount
    parties = [
        Party("c1", "Mazur Metal S.A.", ibans=("PL61109010140000071219812874",)),
        Party("c2", "Nowak Stal Sp. z o.o."),
    ]
    items = [inv("RE-2025-21684", "c2", "1850.00"), inv("RE-2026-30112", "c1", "1850.00")]
    d = make_engine(items, parties).match(tx("1850.00", "RE-2025-21684", iban="PL61109010140000071219812874"))
    assert d.status != Status.APPLIED, d.explanation
    assert "RE-2026-30112 has the amount too" in d.explanation
    # without an item of the amount of its own, a payer paying another's named invoice is a third party
    items = [inv("RE-2025-21684", "c2", "1850.00"), inv("RE-2026-30112", "c1", "990.00")]
    d = make_engine(items, parties).match(tx("1850.00", "RE-2025-21684", iban="PL61109010140000071219812874"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "RE-2025-21684", "1850.00")]


@pytest.mark.parametrize(
    "label", ["huurdernr.", "Mieternr.", "Mieter-Nr", "locataire", "Debitoren-Nr.", "tenant no"]
)
def test_a_tenants_number_is_a_customer_number(label: str) -> None:
    parties = [Party("c1", "Brasserie Dubois SPRL", numbers=("10023",)), Party("c2", "Dubois Frères SA")]
    items = [inv("F2026-0042", "c1", "812.40"), inv("F2026-0043", "c2", "812.40")]
    d = make_engine(items, parties).match(tx("812.40", f"huur {label} 10023", name="M. DUBOIS"))
    assert d.customer_id == "c1", d.explanation
    assert "customer number 10023" in d.explanation
