"""Payments whose remittance gives each document's amounts, and credit notes customers take off unsaid."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from matching_builders import IBAN_ACME, inv, make_engine, rows, tx

from encaisse.core.matching import Party, Status
from encaisse.core.matching.candidates import remitted_documents
from encaisse.core.names import NameIndex

PAYER = {"name": "ACME LOGISTICS SA", "iban": IBAN_ACME}


def documents_tx(amount: str, *lines: str, **kwargs: object):  # type: ignore[no-untyped-def]
    """A credit whose remittance lines are those the camt parser writes for ``Strd/RfrdDocInf`` + ``RfrdDocAmt``."""
    return replace(
        tx(amount, **{**PAYER, **kwargs}), remittance_lines=("Payment advice 2026030600001", *lines)
    )  # type: ignore[arg-type]


def test_remitted_documents_are_read_with_what_the_payer_keeps_back() -> None:
    lines = (
        "Payment advice 42",
        "CINV VF26/000352 due 1294.65 adjustment -260.61 SHRT short delivery paid 1034.04",
        "CINV VF26/000353 due 100.00 discount 2.00 paid 98.00",
        "CINV VF26/000354 due 500.00 paid 200.00",
        "CREN CN26/000010 credit note 41.57",
    )
    found = remitted_documents(lines, "EUR")
    assert [(d.key, d.due, d.paid, d.kept, d.reasons, d.credit) for d in found] == [
        ("VF26000352", 129465, 103404, 26061, ("SHRT short delivery",), None),
        ("VF26000353", 10000, 9800, 200, ("discount",), None),
        ("VF26000354", 50000, 20000, 0, (), None),  # paid less, and no reason given: a part payment
        ("CN26000010", None, None, 0, (), 4157),
    ]


def test_each_documents_deduction_goes_on_its_document(acme: list[Party]) -> None:
    items = [
        inv("VF26/000351", "c1", "1000.00"),
        inv("VF26/000352", "c1", "1294.65"),
        inv("VF26/000353", "c1", "4668.64"),
        inv("VF26/000354", "c1", "2000.00", discount=("2", 10), issued="2026-02-05"),
        inv("CN26/000010", "c1", "-41.57", credit_note=True),
    ]
    engine = make_engine(items, acme)
    d = engine.match(
        documents_tx(
            "8442.77",
            "CINV VF26/000351 due 1000.00 paid 1000.00",
            "CINV VF26/000352 due 1294.65 adjustment -260.61 SHRT short delivery paid 1034.04",
            "CINV VF26/000353 due 4668.64 adjustment 178.34 PROM promotion leaflet paid 4490.30",
            "CINV VF26/000354 due 2000.00 discount 40.00 paid 1960.00",
            "CREN CN26/000010 credit note 41.57",
        )
    )
    assert d.status == Status.APPLIED
    assert sorted(rows(d)) == [
        ("deduction", "VF26/000352", "-260.61"),
        ("deduction", "VF26/000353", "-178.34"),
        ("deduction", "VF26/000354", "-40.00"),
        ("invoice", "CN26/000010", "-41.57"),
        ("invoice", "VF26/000351", "1000.00"),
        ("invoice", "VF26/000352", "1294.65"),
        ("invoice", "VF26/000353", "4668.64"),
        ("invoice", "VF26/000354", "2000.00"),
    ]
    reasons = {a.invoice_number: a.reason for a in d.allocations if str(a.kind) == "deduction"}
    assert reasons == {"VF26/000352": "explained", "VF26/000353": "explained", "VF26/000354": "discount"}
    why = {a.invoice_number: a.explanation for a in d.allocations if str(a.kind) == "deduction"}
    assert why["VF26/000352"] == "kept back on VF26/000352, as the remittance gives it: SHRT short delivery"
    assert "478.95 EUR deducted on 3 invoices, as the remittance text explains" in d.explanation
    assert d.total() == Decimal("8442.77")
    assert all(engine.open_amount(f"id-{i.number}") == 0 for i in items)


def test_a_document_paid_less_without_a_reason_is_no_deduction(acme: list[Party]) -> None:
    items = [inv("VF26/000351", "c1", "1000.00"), inv("VF26/000352", "c1", "500.00")]
    engine = make_engine(items, acme)
    d = engine.match(
        documents_tx(
            "1300.00",
            "CINV VF26/000351 due 1000.00 adjustment 100.00 DAMG damaged paid 900.00",
            "CINV VF26/000352 due 500.00 paid 400.00",  # 100.00 less, not said why
        )
    )
    assert ("deduction", "VF26/000351", "-100.00") not in rows(d)
    assert not (d.status == Status.APPLIED and engine.open_amount("id-VF26/000352") == 0)


def test_forty_documents_with_their_amounts_are_all_read(acme: list[Party]) -> None:
    items = [inv(f"VF26/{4000 + n:06d}", "c1", f"{100 + n}.25") for n in range(40)]
    engine = make_engine(items, acme)
    lines = [f"CINV VF26/{4000 + n:06d} due {100 + n}.25 discount 2.00 paid {98 + n}.25" for n in range(40)]
    total = sum(Decimal(f"{98 + n}.25") for n in range(40))
    d = engine.match(documents_tx(str(total), *lines))
    assert d.status == Status.APPLIED
    assert len([r for r in rows(d) if r[0] == "invoice"]) == 40
    assert len([r for r in rows(d) if r[0] == "deduction"]) == 40
    assert not [r for r in rows(d) if r[0] == "on_account"]


def test_the_customers_open_credit_note_taken_off_unsaid_is_netted(acme: list[Party]) -> None:
    items = [
        inv("VF26/015082", "c1", "686.62", ref="+++030/1015/08226+++"),
        inv("CN26/002442", "c1", "-318.68", credit_note=True, issued="2026-02-01"),
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("367.94", refs=[("030101508226", "BE_OGM")], **PAYER))
    assert d.status == Status.APPLIED
    assert sorted(rows(d)) == [("invoice", "CN26/002442", "-318.68"), ("invoice", "VF26/015082", "686.62")]
    assert "credit note of the amount missing" in d.explanation


def test_a_small_credit_note_of_the_shortfall_is_netted_rather_than_bank_charges(acme: list[Party]) -> None:
    items = [inv("VF26/016204", "c1", "1037.11"), inv("CN26/002650", "c1", "-5.39", credit_note=True)]
    engine = make_engine(items, acme)
    d = engine.match(tx("1031.72", "VF26/016204", **PAYER))
    assert d.status == Status.APPLIED
    assert sorted(rows(d)) == [("invoice", "CN26/002650", "-5.39"), ("invoice", "VF26/016204", "1037.11")]


def test_two_credit_notes_of_the_shortfall_leave_the_rules_as_they_were(acme: list[Party]) -> None:
    items = [
        inv("VF26/016204", "c1", "1037.11"),
        inv("CN26/002650", "c1", "-5.39", credit_note=True),
        inv("CN26/002651", "c1", "-5.39", credit_note=True),
    ]
    engine = make_engine(items, acme)
    d = engine.match(tx("1031.72", "VF26/016204", **PAYER))
    assert rows(d) == [("invoice", "VF26/016204", "1037.11"), ("deduction", "VF26/016204", "-5.39")]
    assert d.allocations[1].reason == "bank_charges"


def test_an_amount_a_line_end_cut_after_its_units_is_read_whole(acme: list[Party]) -> None:
    engine = make_engine([inv("VF26/003374", "c1", "1595.93")], acme)
    credit = replace(
        tx("1542.43", **PAYER),  # type: ignore[arg-type]
        remittance_lines=("fact. vf26/003374 verminderd met 53", ",50 ivm beschadigde levering"),
    )
    d = engine.match(credit)
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "VF26/003374", "1595.93"), ("deduction", "VF26/003374", "-53.50")]


def test_a_trade_name_with_its_owner_in_parentheses_is_found_by_either() -> None:
    index = NameIndex()
    index.add(1, "Brasserie De Gouden Leeuw (Geert Maes)")
    index.add(2, "Café Le Sport (Isabelle Charlier)")
    index.add(3, "Maes & Co Retail NV")
    index.add(4, "Acme (UK) Ltd")
    assert index.search("MAES GEERT")[0] == (1, 1.0)
    assert index.search("CAFE LE SPORT")[0] == (2, 1.0)
    assert index.search("ACME UK LTD")[0] == (4, 1.0)  # a word in parentheses is no owner


def test_a_currency_code_at_the_start_of_a_word_is_no_amounts_currency() -> None:
    from encaisse.core.matching.candidates import _amounts

    assert _amounts("2026/018962 EUROPESE OVERSCHRIJVING", "EUR") == []  # "EUR" of EUROPESE
    assert _amounts("018962 EUR", "EUR") == [1896200]


def test_a_mistyped_structured_reference_names_one_of_equal_items_not_the_oldest(acme: list[Party]) -> None:
    from encaisse.core.references import create_ogm, format_ogm, is_valid_ogm

    ogms = [create_ogm(81008150 + n) for n in range(3)]
    items = [
        inv(f"VF26/00815{n}", "c1", "72.60", issued=f"2026-01-1{n}", ref=format_ogm(ogm))
        for n, ogm in enumerate(ogms)
    ]
    typed = ogms[2][:4] + str((int(ogms[2][4]) + 1) % 10) + ogms[2][5:]  # one digit wrong: check digits fail
    assert not is_valid_ogm(typed)
    engine = make_engine(items, acme)
    d = engine.match(tx("72.60", f"+++{typed[:3]}/{typed[3:7]}/{typed[7:]}+++", **PAYER))
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "VF26/008152", "72.60")]  # not VF26/008150, the oldest of equal items


def test_documents_a_chain_names_by_serial_are_its_stores_items_by_their_amounts() -> None:
    """A head office pays its stores' invoices and credit notes, each named by its serial with its amounts."""
    parties = [
        Party("hq", "Hyper Nordis SAS", ibans=("FR7630006000011234567890189",)),
        Party("s1", "Hyper Nordis Lille SAS", paid_by=("hq",)),
        Party("s2", "Hyper Nordis Arras SAS", paid_by=("hq",)),
    ]
    items = [
        inv("VF26/006261", "s1", "18865.55"),
        inv("VF25/006261", "s2", "990.00", issued="2025-06-10"),  # the same serial a year before
        inv("VF26/006405", "s2", "3498.50"),
        inv("CN26/002235", "s1", "-189.11", credit_note=True),
    ]
    engine = make_engine(items, parties)
    credit = replace(
        tx("21577.66", name="HYPER NORDIS SAS", iban="FR7630006000011234567890189"),  # type: ignore[arg-type]
        remittance_lines=(
            "Avis de paiement 2026031700003",
            "CREN 2235 credit note 189.11",
            "CINV 6261 due 18865.55 discount 377.31 adjustment -150.00 LIST listing fee paid 18338.24",
            "CINV 6405 due 3498.50 discount 69.97 paid 3428.53",
        ),
    )
    d = engine.match(credit)
    assert d.status == Status.APPLIED
    assert sorted(rows(d)) == [
        ("deduction", "VF26/006261", "-527.31"),
        ("deduction", "VF26/006405", "-69.97"),
        ("invoice", "CN26/002235", "-189.11"),
        ("invoice", "VF26/006261", "18865.55"),
        ("invoice", "VF26/006405", "3498.50"),
    ]
