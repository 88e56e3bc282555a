"""Central European conventions: Polish split payments and invoice numbers, months and deductions in Polish,
Czech, Slovak and Hungarian."""

from __future__ import annotations

from matching_builders import inv, make_engine, rows, tx

from encaisse.core.invoice_numbers import candidates, variants
from encaisse.core.matching import Party, Status

PL_IBAN = "PL61109010140000071219812874"
HU_IBAN = "HU42117730161111101800000000"


def pl_customer() -> list[Party]:
    return [
        Party("c1", "Serwis Przemysłowy Wiśniewski sp.j.", ibans=(PL_IBAN,)),
        Party("c2", "Serwis Przemysłowy Nowak Sp. z o.o."),
    ]


def test_a_split_payment_is_a_part_of_the_invoice_and_its_vat_part_the_rest() -> None:
    # MPP: the payer's bank sends the net to this account and the VAT to the seller's VAT account, both with the
    # same message; neither is the invoice less a deduction of the VAT
    items = [inv("FV 2025/12/01208", "c1", "1967.83", currency="PLN")]
    engine = make_engine(items, pl_customer())
    text = "/VAT/367,97/IDC/7544139824/INV/FV 2025/12/01208/TXT/FV 2025/12/01208"
    net = engine.match(tx("1599.86", text, id="T1", iban=PL_IBAN, currency="PLN", name="SERWIS PRZEMYSLOWY"))
    assert net.status == Status.APPLIED, net.explanation
    assert rows(net) == [("invoice", "FV 2025/12/01208", "1599.86")]
    assert "split payment (MPP)" in net.explanation
    vat = engine.match(tx("367.97", text, id="T2", iban=PL_IBAN, currency="PLN", position=(1, 2, 1)))
    assert vat.status == Status.APPLIED, vat.explanation
    assert rows(vat) == [("invoice", "FV 2025/12/01208", "367.97")]


def test_the_vat_part_first_is_a_part_too() -> None:
    items = [inv("FV/1517/02/2026", "c1", "442.33", currency="PLN")]
    engine = make_engine(items, pl_customer())
    d = engine.match(
        tx("82.71", "/VAT/82,71/IDC/7544139824/INV/FV/1517/02/2026/TXT/zaplata", iban=PL_IBAN, currency="PLN")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FV/1517/02/2026", "82.71")]
    assert "the VAT part" in d.explanation


def test_a_polish_number_with_its_serial_before_the_month_is_a_number_not_a_date() -> None:
    assert "FV83022026" in [c.key for c in candidates("PLATNOSC ZA FV/83/02/2026")]
    assert "FV7032026" in [c.key for c in candidates("ZAPLATA FV/7/03/2026")]
    # a date is still a date
    assert [c.key for c in candidates("FACT 1234 DU 15.01.2026")] == [
        "FACT1234",
        "FACT1234DU",
        "1234",
        "1234DU",
    ]


def test_the_invoice_named_wins_over_first_in_first_out() -> None:
    items = [
        inv("FV/57/01/2026", "c1", "1446.12", issued="2026-01-05", currency="PLN"),
        inv("FV/83/02/2026", "c1", "1446.12", issued="2026-02-05", currency="PLN"),
        inv("FV/36/03/2026", "c1", "1446.12", issued="2026-03-02", currency="PLN"),
    ]
    d = make_engine(items, pl_customer()).match(
        tx("1446.12", "Płatność za FV/83/02/2026", iban=PL_IBAN, currency="PLN", on="2026-03-16")
    )
    assert d.status == Status.APPLIED
    assert rows(d) == [("invoice", "FV/83/02/2026", "1446.12")]


def test_a_month_named_in_polish_czech_or_hungarian_picks_that_months_item() -> None:
    for text, month in (
        ("opłata serwisowa za luty", "02"),
        ("servisní poplatek únor 2026", "02"),
        ("havi díj február", "02"),
        ("abonament styczeń", "01"),
    ):
        items = [
            inv("FV/242/01/2026", "c1", "1682.47", issued="2026-01-01", currency="PLN"),
            inv("FV/396/02/2026", "c1", "1682.47", issued="2026-02-01", currency="PLN"),
        ]
        d = make_engine(items, pl_customer()).match(
            tx("1682.47", text, iban=PL_IBAN, currency="PLN", on="2026-03-03")
        )
        assert d.status == Status.APPLIED, (text, d.explanation)
        assert rows(d)[0][1].endswith(f"/{month}/2026"), text


def test_a_hungarian_deduction_in_whole_forints_is_a_deduction() -> None:
    parties = [Party("h1", "Miskolci Építőipari Kft.", ibans=(HU_IBAN,))]
    items = [inv("SZ-2026/00645", "h1", "115631.00", currency="HUF")]
    d = make_engine(items, parties).match(
        tx("85931.00", "számla SZ-2026/00645 mínusz 29.700 Ft kötbér", iban=HU_IBAN, currency="HUF")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "SZ-2026/00645", "115631.00"), ("deduction", "SZ-2026/00645", "-29700.00")]


def test_a_polish_deduction_word_explains_the_amount_kept_back() -> None:
    items = [inv("FV 2026/03/01106", "c1", "3786.44", currency="PLN")]
    d = make_engine(items, pl_customer()).match(
        tx("3415.14", "Zapłata FV 2026/03/01106 potrącenie reklamacja towaru", iban=PL_IBAN, currency="PLN")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [
        ("invoice", "FV 2026/03/01106", "3786.44"),
        ("deduction", "FV 2026/03/01106", "-371.30"),
    ]


def test_a_vat_refund_written_short_stays_unapplied() -> None:
    # the public accountant's account is on file for the body it pays for; its VAT refund to the seller is not
    # that body's payment, whatever its amount
    drfip = "FR7630001006213350858910949"
    parties = [Party("c1", "Lycée Jean Perrin", ibans=(drfip,)), Party("c2", "Commune de Meyzieu")]
    items = [inv("FA-2025-12168", "c1", "3240.00")]
    d = make_engine(items, parties).match(
        tx(
            "3240.00",
            "REMB CREDIT TVA DEMANDE N 08981",
            name="DRFIP AUVERGNE RHONE ALPES ET DU RHONE",
            iban=drfip,
        )
    )
    assert d.status != Status.APPLIED, d.explanation


def test_two_digits_before_a_year_in_full_are_a_serial_not_a_year() -> None:
    # "FV/76/03/2026": the 76th invoice of March 2026; read as the year 76, its serial was "03/2026", a key every
    # invoice of the month shares
    keys = [v.key for v in variants("FV/76/03/2026")]
    assert "032026" not in keys and "FV032026" not in keys, keys
    assert "04512" in [v.key for v in variants("VK26-04512")]  # a year first is still a year
    items = [
        inv("FV/76/03/2026", "c1", "1730.59", issued="2026-03-02"),
        inv("FV/77/03/2026", "c1", "1029.58", issued="2026-03-02"),
        inv("FV/273/03/2026", "c1", "3480.22", issued="2026-03-20"),
    ]
    engine = make_engine(items, pl_customer())
    d = engine.match(
        tx(
            "2363.43",
            "zapł. fv FV/0273/03/2026 część należności",
            iban=PL_IBAN,
            currency="PLN",
            on="2026-03-30",
        )
    )
    assert d.status != Status.APPLIED, d.explanation
    proposed = [a.invoice_number for p in d.proposals for a in p.allocations]
    assert "FV/76/03/2026" not in proposed, d.explanation


def test_a_payer_known_by_name_whose_bank_writes_the_legal_form_out() -> None:
    parties = [Party("c7", "Nowicki Budownictwo Sp. z o.o."), Party("c8", "Nowak Budownictwo Sp. z o.o.")]
    items = [inv("FV/2604/03/2026", "c7", "2604.83", currency="PLN"), inv("FV/2605/03/2026", "c8", "990.00")]
    engine = make_engine(items, parties)
    payer = "NOWICKI BUDOWNICTWO SPOLKA Z OGRANICZONA ODPOWIEDZIALN"  # cut at 54 characters by the bank
    d = engine.match(tx("2604.83", "PRZELEW", name=payer, currency="PLN", on="2026-03-30"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FV/2604/03/2026", "2604.83")]


def test_a_polish_number_with_a_two_digit_year() -> None:
    assert ("FV8520326", "SHORT_YEAR") in [(v.key, v.kind.name) for v in variants("FV/852/03/2026")]
    items = [
        inv("FV/852/03/2026", "c1", "9507.41", issued="2026-03-12", discount=("2", 14), currency="PLN"),
        inv("FV/853/03/2026", "c1", "9507.41", issued="2026-03-12", currency="PLN"),
    ]
    engine = make_engine(items, pl_customer())
    d = engine.match(tx("9317.26", "Zapłata za FV/852/03/26", iban=PL_IBAN, currency="PLN", on="2026-03-20"))
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "FV/852/03/2026", "9507.41"), ("deduction", "FV/852/03/2026", "-190.15")]
    assert "invoice number with a two-digit year 'FV8520326'" in d.explanation
