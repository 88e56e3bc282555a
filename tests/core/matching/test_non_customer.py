"""Credits that are no customer's payment stay unapplied, whatever numbers and amounts they carry."""

from __future__ import annotations

from dataclasses import replace

import pytest
from matching_builders import inv, make_engine, tx

from encaisse.core.matching import AllocationKind, MatchSettings, Party, Status, TransactionCode

ITEMS = [inv("INV-2026-001234", "c1", "1210.00"), inv("INV-2026-001235", "c2", "89.90")]
OWN = "BE43068999999501"


def decide(acme: list[Party], amount: str, text: str, **kwargs: object) -> object:
    engine = make_engine(ITEMS, acme, MatchSettings(own_ibans=(OWN,), group_names=("Encaisse Group",)))
    d = engine.match(tx(amount, text, **kwargs))  # type: ignore[arg-type]
    assert d.status != Status.APPLIED, d.explanation
    assert all(a.kind == AllocationKind.UNRELATED for a in d.allocations)
    return d


def test_interest_by_bank_transaction_code(acme: list[Party]) -> None:
    decide(acme, "1210.00", "INV-2026-001234", code=TransactionCode("LDAS", "INTR", None))


def test_bank_own_booking_account_management_domain(acme: list[Party]) -> None:
    decide(acme, "1210.00", "2026-001234", code=TransactionCode("ACMT", "MDOP", "CHRG"))


def test_charges_family(acme: list[Party]) -> None:
    decide(acme, "89.90", "fee refund 2026001235", code=TransactionCode("PMNT", "CHRG", "OTHR"))


def test_swift_interest_code(acme: list[Party]) -> None:
    decide(acme, "89.90", "", code=TransactionCode(proprietary="NINT"))


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("258", "ACH RETURN ITEM ORIG CO NAME:ACME LOGISTI INV-2026-001234"),  # ACH reversal credit
        ("257", "INV-2026-001234"),  # individual ACH return item
        ("266", "RETURN ITEM INV-2026-001234"),
        ("354", "INTEREST"),
        ("275", "ZBA CREDIT"),
    ],
)
def test_bai2_type_codes_of_returns_reversals_and_transfers(acme: list[Party], code: str, text: str) -> None:
    d = decide(acme, "1210.00", text, name="Acme Logistics SA", code=TransactionCode(proprietary=code))
    assert f"BAI2 type code {code}" in d.explanation  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    ["ACH RETURN ITEM ORIG CO NAME:ACME LOGISTI INV-2026-001234", "Rücklastschrift INV-2026-001234",
     "RETOURE AC04 Konto erloschen INV-2026-001234"],
)  # fmt: skip
def test_a_return_in_words_is_no_payment(acme: list[Party], text: str) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("1210.00", text, name="Acme Logistics SA"))
    assert d.status != Status.APPLIED, d.explanation
    assert "may not be a customer payment" in d.explanation


def test_a_bai2_customer_payment_code_is_a_payment(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    for code in ("165", "195", "301", "142"):  # ACH credit, incoming money transfer, commercial deposit
        d = engine.match(tx("1210.00", "INV-2026-001234", name="Acme Logistics SA", id=f"T{code}",
                            code=TransactionCode(proprietary=code)))  # fmt: skip
        assert d.status == Status.APPLIED, d.explanation


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Stripe Payments Europe Ltd", "STRIPE PAYOUT po_1234 INV-2026-001234"),
        ("Adyen N.V.", "Settlement batch 2026001234"),
        (None, "REMISE CB 1234 INV-2026-001234"),
        (None, "VISA settlement 20260210"),
    ],
)
def test_card_settlements(name: str | None, text: str, acme: list[Party]) -> None:
    d = decide(acme, "1210.00", text, name=name)
    assert d.status == Status.SUGGESTED  # type: ignore[attr-defined]


def test_tax_refund(acme: list[Party]) -> None:
    decide(acme, "1210.00", "Remboursement TVA 2026/01", name="SPF Finances")


def test_intra_group_transfer_from_own_account(acme: list[Party]) -> None:
    decide(acme, "1210.00", "INV-2026-001234", iban=OWN, name="Encaisse Group NV")


def test_salary_reversal(acme: list[Party]) -> None:
    decide(
        acme,
        "1210.00",
        "Retour salaire 01/2026",
        name="Jean Martin",
        code=TransactionCode("PMNT", "ICDT", "RRTN"),
    )


def test_salary_reversal_by_text_only(acme: list[Party]) -> None:
    decide(acme, "89.90", "Salary reversal 2026-001235", name="Jean Martin")


def test_amount_equal_to_an_open_invoice_alone_is_not_enough(acme: list[Party]) -> None:
    engine = make_engine(ITEMS, acme)
    d = engine.match(tx("1210.00", "thanks", name="Unknown Person"))
    assert d.status != Status.APPLIED


def test_refund_from_a_supplier(acme: list[Party]) -> None:
    decide(acme, "1210.00", "Refund order 2026-001234", name="Office Supplies Ltd")


def test_insurance_claim_payout(acme: list[Party]) -> None:
    decide(acme, "89.90", "Indemnité sinistre 2026001235", name="AG Insurance")


@pytest.mark.parametrize(
    ("name", "text"), [("IRS TREAS 310", "TAX REF 2026001234"), ("FRANCHISE TAX BD", "CASTTAXRFD")]
)
def test_us_tax_refunds_by_payer(name: str, text: str, acme: list[Party]) -> None:
    d = decide(acme, "1210.00", text, name=name)
    assert "tax or social security authority" in d.explanation  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    [
        "Rückzahlung Kaution Mietpaletten",
        "Kautionsrückzahlung Leihgebinde",
        "Rückgabe Sicherheitsleistung Mietvertrag",
    ],
)
def test_a_customer_returning_a_deposit_is_not_paying_an_invoice(text: str) -> None:
    # from the customer's own account, of the amount of its one open invoice: still not a payment of it
    parties = [Party("c1", "Brauerei Huber GmbH", ibans=("DE89370400440532013000",))]
    engine = make_engine([inv("RE-2026-14428", "c1", "1200.00")], parties)
    d = engine.match(tx("1200.00", text, iban="DE89370400440532013000", name="BRAUEREI HUBER GMBH"))
    assert d.status != Status.APPLIED, d.explanation


def test_a_deposit_returned_in_words_the_bank_cut_across_lines_is_no_payment() -> None:
    parties = [Party("c1", "Reiter Elektro GmbH Graz", ibans=("AT502011196164808118",))]
    engine = make_engine([inv("RE-2026-31747", "c1", "3000.00")], parties)
    lines = ("EREF+NOTPROVIDED SVWZ+Rückgabe Sich", "erheitsleistung Mietvertrag")
    assert len(lines[0]) == 35
    d = engine.match(replace(tx("3000.00", iban="AT502011196164808118"), remittance_lines=lines))
    assert d.status != Status.APPLIED, d.explanation
