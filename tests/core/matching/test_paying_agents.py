"""Payers that pay for many customers: a public treasury (the French DGFIP and its public accountants) and
accounts on file for customers of several families (paying agents), whose payments only the references place."""

from __future__ import annotations

import pytest
from matching_builders import inv, make_engine, rows, tx

from encaisse.core.matching import Party, Status

DRFIP = "FR7630001006213350858910949"  # a public accountant's account at the Banque de France
SGC = "FR7630001004200437618932089"


def state_services(*, on_file: bool = False) -> list[Party]:
    ibans = (DRFIP,) if on_file else ()
    return [
        Party("p1", "Préfecture du Rhône", ibans=ibans),
        Party("p2", "DREAL Auvergne-Rhône-Alpes", ibans=ibans),
        Party("p3", "Cour d'appel de Lyon", ibans=ibans),
        Party("p4", "Rectorat de l'académie de Lyon", ibans=ibans),
    ]


ITEMS = [
    inv("FA-2026-01234", "p1", "2880.00"),
    inv("FA-2026-01240", "p2", "2880.00"),
    inv("FA-2026-01301", "p3", "5460.00", order="1342419187"),
    inv("FA-2026-01302", "p3", "1200.00", order="1390000001"),
    inv("FA-2026-01303", "p3", "3600.00", order="1390000001"),
    inv("FA-2026-01310", "p4", "17773.20"),
]


@pytest.mark.parametrize("on_file", [False, True])
def test_the_states_accountant_paying_an_invoice_named_in_full(on_file: bool) -> None:
    engine = make_engine(ITEMS, state_services(on_file=on_file))
    d = engine.match(
        tx("2880.00", "DRFIP 69 DP 1073651872 FACTURE N FA202601234", name="DR DGFIP PARIS", iban=DRFIP)
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-01234", "2880.00")]
    assert "DGFIP pays as a public treasury" in d.explanation


def test_a_helios_text_naming_the_dgfip_is_no_tax_refund_when_it_names_the_invoice() -> None:
    engine = make_engine(ITEMS, state_services())
    d = engine.match(
        tx(
            "5460.00",
            "VIR DGFIP N MANDAT 265 N BORDEREAU 226 FACT. FA-2026-01301",
            name="SGC VIENNE",
            iban=SGC,
        )
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-01301", "5460.00")]


@pytest.mark.parametrize(
    "text",
    [
        "REMBOURSEMENT CREDIT TVA 3519 PERIODE 12/2025 SIE LYON NORD",
        "REMB CREDIT TVA DEMANDE N 2026-01234",
        "RESTITUTION CREANCE CIR 2024 DOSSIER 1234",
        "DRFIP 69 DP 1073651872",  # the amount of an open item, nothing named
        "DRFIP 69 FACTURE 1234",  # a serial two invoices share
    ],
)
def test_a_tax_authority_without_an_invoice_named_in_full_stays_unmatched(text: str) -> None:
    engine = make_engine(ITEMS, state_services(on_file=True))
    d = engine.match(tx("2880.00", text, name="DRFIP AUVERGNE RHONE ALPES", iban=DRFIP))
    assert d.status != Status.APPLIED, d.explanation


def test_a_tax_refund_naming_an_invoice_number_stays_unmatched() -> None:
    # the invoice's number and amount, but the text says it is a tax refund
    engine = make_engine(ITEMS, state_services())
    d = engine.match(tx("2880.00", "TAX REF FA-2026-01234", name="IRS TREAS 310"))
    assert d.status != Status.APPLIED, d.explanation
    assert "tax or social security authority" in d.explanation


def test_an_engagement_number_unique_in_the_book_names_the_invoice() -> None:
    engine = make_engine(ITEMS, state_services())
    d = engine.match(tx("5460.00", "PAIEMENT CHORUS N DP 2026-785002 EJ 1342419187", name="DR DGFIP PARIS"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-01301", "5460.00")]


def test_an_engagement_number_two_invoices_share_paid_in_full_for_both() -> None:
    engine = make_engine(ITEMS, state_services())
    d = engine.match(tx("4800.00", "N DP 1001187538 EJ 1390000001", name="DR DGFIP PARIS"))
    assert d.status == Status.APPLIED, d.explanation
    assert sorted(rows(d)) == [
        ("invoice", "FA-2026-01302", "1200.00"),
        ("invoice", "FA-2026-01303", "3600.00"),
    ]
    # one of them only: the number does not say which
    engine = make_engine(ITEMS, state_services())
    assert engine.match(tx("2000.00", "N DP 1001187538 EJ 1390000001", name="DR DGFIP PARIS")).status != (
        Status.APPLIED
    )


def test_a_retention_the_text_gives_is_a_deduction_without_the_payer_known() -> None:
    engine = make_engine(ITEMS, state_services(on_file=True))
    text = "/MDT/3239/BRD/571/ FACT FA-2026-01301 RETENUE GARANTIE 5 POUR CENT SOIT 273,00"
    d = engine.match(tx("5187.00", text, name="SGC VILLEURBANNE", iban=DRFIP))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-01301", "5460.00"), ("deduction", "FA-2026-01301", "-273.00")]
    # the retention written short, at its rate
    engine = make_engine(ITEMS, state_services(on_file=True))
    d = engine.match(tx("5187.00", "FACTURE FA-2026-01301 RG 5 % 273,00 EUR", name="SGC VIENNE", iban=DRFIP))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-01301", "5460.00"), ("deduction", "FA-2026-01301", "-273.00")]
    # late-delivery penalties, in the plural
    engine = make_engine(ITEMS, state_services(on_file=True))
    d = engine.match(
        tx("17535.60", "FACTURE FA-2026-01310 PENALITES 237,60 EUR", name="DR DGFIP PARIS", iban=DRFIP)
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d)[1] == ("deduction", "FA-2026-01310", "-237.60")


def test_an_account_on_file_for_many_customers_does_not_say_whose_item_an_amount_is() -> None:
    # the accountant's account is on file for four bodies; one has an item of exactly the amount, unique in the
    # book: the amount alone does not say that body paid, when the account pays for the others too
    items = [inv("FA-2026-02001", "p3", "8577.28"), inv("FA-2026-02002", "p1", "120.00")]
    engine = make_engine(items, state_services(on_file=True))
    d = engine.match(
        tx("8577.28", "/MDT/5812/BRD/401/", name="AGENCE COMPTABLE LYCEE EMILE ZOLA", iban=DRFIP)
    )
    assert d.status != Status.APPLIED, d.explanation
    assert "paying agent" in d.explanation


def test_a_paying_agent_naming_one_bodys_invoice_while_another_has_the_amount() -> None:
    # the account is no one customer's own: the invoice named in full decides
    engine = make_engine(ITEMS, state_services(on_file=True))
    d = engine.match(
        tx("2880.00", "PAIEMENT CHORUS FACTURE N FA-2026-01240", name="DRFIP AUVERGNE", iban=DRFIP)
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-01240", "2880.00")]
    assert "paying agent (its account is on file for 4 customers)" in d.explanation


def test_an_account_shared_by_two_customers_is_still_theirs() -> None:
    # spouses, or two companies of one owner: an item of the amount of the other holder holds the payment back
    parties = [
        Party("c1", "Garage Dupont SARL", ibans=(SGC,)),
        Party("c2", "Carrosserie Dupont SARL", ibans=(SGC,)),
        Party("c3", "Transports Martin"),
    ]
    items = [inv("FA-2026-03001", "c1", "990.00"), inv("FA-2026-03002", "c3", "990.00")]
    engine = make_engine(items, parties)
    d = engine.match(tx("990.00", "FACTURE FA-2026-03002", name="DUPONT", iban=SGC))
    assert d.status != Status.APPLIED, d.explanation


def test_a_group_paying_for_its_subsidiaries_is_no_paying_agent() -> None:
    # the parent's account on file for each subsidiary: one family, the amount among them says which
    parties = [
        Party("g", "Holding Berthelot SA", ibans=(SGC,), is_customer=False),
        *(Party(f"s{n}", f"Berthelot {city}", ibans=(SGC,), paid_by=("g",)) for n, city in enumerate("ABC")),
    ]
    items = [inv("FA-2026-04001", "s0", "4410.00"), inv("FA-2026-04002", "s1", "990.00")]
    engine = make_engine(items, parties)
    d = engine.match(tx("4410.00", "VIREMENT GROUPE BERTHELOT", name="HOLDING BERTHELOT", iban=SGC))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-04001", "4410.00")]


def test_a_paying_agent_naming_the_body_it_pays_for_in_the_text() -> None:
    # a shared accountant writes the commune's name and its mandate: the named body's only item of the amount
    parties = [
        Party("m1", "Commune de Bourg-en-Bresse", ibans=(SGC,)),
        Party("m2", "CCAS de Bourg-en-Bresse", ibans=(SGC,)),
        Party("m3", "Commune de Péronnas", ibans=(SGC,)),
    ]
    items = [inv("FA-2026-05001", "m1", "1740.00"), inv("FA-2026-05002", "m3", "1740.00")]
    engine = make_engine(items, parties)
    d = engine.match(tx("1740.00", "COMMUNE DE BOURG EN BRESSE MDT 3993 BDX 777", name="SGC BOURG", iban=SGC))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-05001", "1740.00")]
    assert "name in the text 'COMMUNE DE BOURG EN BRESSE' matches the customer" in d.explanation
    # a name it is not on file for, or none, says nothing
    engine = make_engine(items, parties)
    assert (
        engine.match(tx("1740.00", "MDT 3993 BDX 777", name="SGC BOURG", iban=SGC)).status != Status.APPLIED
    )
    engine = make_engine(items, parties)
    d = engine.match(tx("1740.00", "COMMUNE DE MONTREVEL MDT 3993", name="SGC BOURG", iban=SGC))
    assert d.status != Status.APPLIED


def test_a_part_payment_the_text_calls_one_of_the_invoice_named_in_full() -> None:
    engine = make_engine(ITEMS, state_services())
    d = engine.match(
        tx("5000.00", "DRFIP 69 DP 2026-801736 ACOMPTE N 1 SUR FACT FA-2026-01310", name="DR DGFIP PARIS")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-01310", "5000.00")]
    assert "partial payment of 5000.00 EUR on 17773.20 EUR open" in d.explanation
    # without the words, a third party paying less than the invoice named is for a person
    engine = make_engine(ITEMS, state_services())
    d = engine.match(tx("5000.00", "DRFIP 69 DP 2026-801736 FACT FA-2026-01310", name="DR DGFIP PARIS"))
    assert d.status != Status.APPLIED, d.explanation


def test_a_parents_account_paying_under_a_name_like_another_customers() -> None:
    # the group's shared service centre pays from the holding's account on file; its name resembles another
    # subsidiary's, which says nothing against the account
    parties = [
        Party("h", "Groupe Ferrix SA", ibans=(SGC,), is_customer=False),
        Party("f1", "Ferrix Ingénierie SAS", paid_by=("h",)),
        Party("f2", "Ferrix Services SNC", paid_by=("h",)),
    ]
    items = [inv("FA-2026-13648", "f1", "12960.00"), inv("FA-2026-14393", "f2", "1080.00")]
    engine = make_engine(items, parties)
    text = "FACTURE FA-2026-13648 MOINS PENALITES DE RETARD"  # what was kept back, without its amount
    d = engine.match(tx("12636.00", text, name="FERRIX GLOBAL SERVICES", iban=SGC))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FA-2026-13648", "12960.00"), ("deduction", "FA-2026-13648", "-324.00")]
