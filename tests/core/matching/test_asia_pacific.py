"""Conventions of Japan and Australia: Zengin remitter names in half-width kana, customer codes before the
name, transfer fees the payer keeps back, BPAY customer reference numbers."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from matching_builders import inv, make_engine, rows, tx

from encaisse.core.invoice_numbers import variants
from encaisse.core.matching import MatchSettings, Party, Status
from encaisse.core.matching.records import default_charge_tolerance
from encaisse.core.names import name_tokens

JPY = MatchSettings(currency="JPY", charge_tolerance=default_charge_tolerance("JPY"))


def jp_customers() -> list[Party]:
    # the ledger's name in kanji, its reading in katakana beside it (取引先カナ名)
    return [
        Party("c1", "株式会社中部製作", aliases=("チュウブセイサク",), numbers=("60075",)),
        Party("c2", "株式会社中川機工", aliases=("ナカガワキコウ",), numbers=("60056",)),
        Party("c3", "株式会社渡部設備", aliases=("ワタナベセツビ",), numbers=("60025",)),
        Party("c4", "株式会社渡邊設備", aliases=("ワタナベセツビ",), numbers=("60030",)),
    ]


@pytest.mark.parametrize("remitter", ["ｶ)ﾁﾕｳﾌﾞｾｲｻｸ", "ﾁﾕｳﾌﾞｾｲｻｸ(ｶ", "ｶﾌﾞｼｷｶﾞｲｼﾔ ﾁﾕｳﾌﾞｾｲｻｸ"])
def test_a_zengin_remitter_name_is_the_customer_s_reading(remitter: str) -> None:
    items = [
        inv("2026020054", "c1", "130663", currency="JPY"),
        inv("2026020055", "c2", "130663", currency="JPY"),
    ]
    d = make_engine(items, jp_customers(), JPY).match(
        tx("130663", "ﾌﾘｺﾐ", name=remitter, currency="JPY", on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert d.customer_id == "c1"
    assert rows(d) == [("invoice", "2026020054", "130663")]
    assert "matches the customer (1.00)" in d.explanation


def test_a_customer_code_before_the_name_tells_namesakes_apart() -> None:
    # 渡部設備 and 渡邊設備 are both read ワタナベセツビ: the customer's code the seller asked for says which
    items = [
        inv("2026030915", "c3", "342345", currency="JPY"),
        inv("2026030916", "c4", "342345", currency="JPY"),
    ]
    for remitter, customer, code, number in (
        ("0060030 ｶ)ﾜﾀﾅﾍﾞｾﾂﾋﾞ", "c4", "60030", "2026030916"),
        ("60025ｶ)ﾜﾀﾅﾍﾞｾﾂﾋﾞ", "c3", "60025", "2026030915"),
    ):
        d = make_engine(items, jp_customers(), JPY).match(
            tx("342345", "振込", name=remitter, currency="JPY", on="2026-03-31")
        )
        assert d.status == Status.APPLIED, d.explanation
        assert d.customer_id == customer
        assert rows(d) == [("invoice", number, "342345")]
        assert f"customer number {code} written before the payer's name" in d.explanation
    # without the code, the name alone does not say which of the two
    d = make_engine(items, jp_customers(), JPY).match(
        tx("342345", "振込", name="ｶ)ﾜﾀﾅﾍﾞｾﾂﾋﾞ", currency="JPY", on="2026-03-31")
    )
    assert d.status != Status.APPLIED, d.explanation


def test_a_number_before_a_name_that_is_not_that_customer_s_names_nobody() -> None:
    # "60056" is Nakagawa Kiko's number, but the name is Chubu Seisaku's: the number does not make it Nakagawa's
    items = [inv("2026020054", "c2", "88000", currency="JPY")]
    d = make_engine(items, jp_customers(), JPY).match(
        tx("88000", "", name="60056 ｶ)ﾁﾕｳﾌﾞｾｲｻｸ", currency="JPY", on="2026-03-31")
    )
    assert d.status != Status.APPLIED, d.explanation


@pytest.mark.parametrize("fee", ["330", "440", "660", "880"])
def test_a_transfer_fee_kept_back_by_a_known_payer_is_bank_charges(fee: str) -> None:
    # 振込手数料: the payer pays the invoice less its bank's fee and names no invoice
    items = [
        inv("2026030708", "c1", "156664", currency="JPY"),
        inv("2026030709", "c1", "48200", currency="JPY"),
    ]
    amount = str(156664 - int(fee))
    d = make_engine(items, jp_customers(), JPY).match(
        tx(amount, "ﾌﾘｺﾐ", name="ｶ)ﾁﾕｳﾌﾞｾｲｻｸ", currency="JPY", on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "2026030708", "156664"), ("deduction", "2026030708", f"-{fee}")]
    assert d.allocations[1].reason == "bank_charges"


def test_a_larger_shortfall_or_a_payer_not_certain_is_left_to_a_person() -> None:
    items = [inv("2026030708", "c1", "156664", currency="JPY")]
    # 3,300 yen short: within the tolerance (3,750), but nearer it than a transfer fee
    d = make_engine(items, jp_customers(), JPY).match(
        tx("153364", "ﾌﾘｺﾐ", name="ｶ)ﾁﾕｳﾌﾞｾｲｻｸ", currency="JPY", on="2026-03-31")
    )
    assert d.status != Status.APPLIED, d.explanation
    # a fee short, the name the namesakes share
    items = [
        inv("2026030915", "c3", "342345", currency="JPY"),
        inv("2026030916", "c4", "120000", currency="JPY"),
    ]
    d = make_engine(items, jp_customers(), JPY).match(
        tx("341905", "振込", name="ｶ)ﾜﾀﾅﾍﾞｾﾂﾋﾞ", currency="JPY", on="2026-03-31")
    )
    assert d.status != Status.APPLIED, d.explanation


def au_customers() -> list[Party]:
    return [
        Party("c1", "Gladstone Crane Hire Limited", numbers=("2003135",)),
        Party("c2", "Southern Cross Holdings Pty Ltd", numbers=("2000073",)),
        Party(
            "c3", "Pilbara Drill Services Pty Ltd", numbers=("200417",)
        ),  # CRN 2004174: with its check digit
    ]


def au_items() -> list:
    return [
        inv("INV-106545", "c1", "1632.77", currency="AUD"),
        inv("INV-106546", "c2", "1632.77", currency="AUD"),
        inv("INV-106547", "c3", "1632.77", currency="AUD"),
    ]


@pytest.mark.parametrize(
    ("text", "refs", "customer", "number"),
    [
        ("BPAY BILLER 254631 RCPT 482431775590", [("2003135", "CRN")], "c1", "INV-106545"),
        ("BPAY BILLER 254631 CRN 2000073 RCPT 429332845728", [], "c2", "INV-106546"),
        ("BPAY BILLER 254631 CRN 2004174 RCPT 730939531775", [], "c3", "INV-106547"),
        ("BPAY BILLER 254631 RCPT 163690032981", [("2004174", "CRN")], "c3", "INV-106547"),
    ],
)
def test_a_bpay_customer_reference_number_is_the_customer_s_number(
    text: str, refs: list[tuple[str, str]], customer: str, number: str
) -> None:
    d = make_engine(au_items(), au_customers(), MatchSettings(currency="AUD")).match(
        tx("1632.77", text, refs=refs, currency="AUD", on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert d.customer_id == customer
    assert rows(d) == [("invoice", number, "1632.77")]
    assert d.total() == Decimal("1632.77")


def test_a_crn_whose_check_digit_is_wrong_names_nobody() -> None:
    # 2004173: not 200417 with its Luhn digit (4), and no customer's number as written
    d = make_engine(au_items(), au_customers(), MatchSettings(currency="AUD")).match(
        tx("1632.77", "BPAY BILLER 254631 CRN 2004173 RCPT 1", currency="AUD", on="2026-03-31")
    )
    assert d.status != Status.APPLIED, d.explanation


def test_elsewhere_a_payment_a_little_short_without_a_reference_is_no_fee_kept_back() -> None:
    # SEPA deducts nothing on the way: 2.00 short of a customer's only open item, no invoice named, is not taken
    # as charges without a person
    parties = [Party("c1", "Brasserie Dubois SPRL", ibans=("BE71096123456769",))]
    d = make_engine([inv("F2026-0042", "c1", "812.40")], parties).match(
        tx("810.40", "paiement", iban="BE71096123456769", name="BRASSERIE DUBOIS")
    )
    assert d.status != Status.APPLIED, d.explanation


def narrative_customers() -> list[Party]:
    return [
        Party("c1", "Desai Electricals Pvt. Ltd."),
        Party("c2", "Desai Engineering Works"),
        Party("c3", "Bombas y Motores de Occidente SA de CV"),
        Party("c4", "Nguyen Fabrications Pty Ltd"),
        Party("c5", "Nguyen Transport Pty Ltd"),
    ]


@pytest.mark.parametrize(
    ("narrative", "currency", "customer"),
    [
        ("NEFT CR-ICIC0WNNL2T-DESAI ELECTRICALS PVT. LTD.-ADVANCE PAYMENT-ICICN26091198758", "INR", "c1"),
        (
            "SPEI RECIBIDO HSBC BOMBAS Y MOTORES DE OCCIDENTE SA DE CV CONCEPTO PAGO PROVEEDOR REF 4",
            "MXN",
            "c3",
        ),
        ("DIRECT CREDIT 138164 NGUYEN FABRICATI", "AUD", "c4"),  # the name cut at the field's 16 characters
    ],
)
def test_a_payer_named_in_a_free_text_narrative_is_the_payer(
    narrative: str, currency: str, customer: str
) -> None:
    # banks' MT940 :86: in free text: no payer field, the name inside the narrative; the customer and one with a
    # name like it have an open item of the amount, and none is named
    rival = {"c1": "c2", "c3": "c1", "c4": "c5"}[customer]
    items = [inv(f"INV-{c}", c, "1523.49", currency=currency) for c in (customer, rival)]
    d = make_engine(items, narrative_customers(), MatchSettings(currency=currency)).match(
        tx("1523.49", narrative, currency=currency, on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert d.customer_id == customer
    assert rows(d) == [("invoice", f"INV-{customer}", "1523.49")]
    assert "name in the text" in d.explanation


def test_words_of_a_name_in_a_narrative_are_not_the_name() -> None:
    # "NGUYEN" alone, or two customers' common first word, names nobody
    items = [inv(f"INV-{c}", c, "1523.49", currency="AUD") for c in ("c4", "c5")]
    for narrative in ("DIRECT CREDIT 138164 NGUYEN", "TRANSFER FROM NGUYEN FAMILY TRUST"):
        d = make_engine(items, narrative_customers(), MatchSettings(currency="AUD")).match(
            tx("1523.49", narrative, currency="AUD", on="2026-03-31")
        )
        assert d.status != Status.APPLIED, d.explanation


@pytest.mark.parametrize(
    "text", ["NF 12669 PARC 2/3", "NF 12669 PARCELA 2", "PIX RECEBIDO NF 12669 PARC. 2 DE 3"]
)
def test_a_brazilian_instalment_named_in_words_is_that_instalment(text: str) -> None:
    # the duplicatas of one NF-e, of equal amounts: the text names the second
    parties = [Party("c1", "Automacao Industrial Rodrigues Ltda")]
    items = [inv(f"000012669/{p}", "c1", "821.15", currency="BRL", issued="2026-01-10") for p in (1, 2, 3)]
    d = make_engine(items, parties, MatchSettings(currency="BRL")).match(
        tx("821.15", text, name="AUTOMACAO INDUSTRIAL RODRIGUES LTDA", currency="BRL", on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "000012669/2", "821.15")]


def in_customers() -> list[Party]:
    return [
        Party("c1", "Nair Auto Components LLP"),
        Party("c2", "Narmada Bearings Pvt. Ltd."),
        Party("c3", "Joshi Enterprises"),
        Party("c4", "Agarwal Agro Industries Private Limited"),
    ]


def test_an_indian_fiscal_year_is_one_year_and_the_serial_alone_names_the_invoice() -> None:
    # GST numbering restarts each April; payers write the serial alone, or with the fiscal year
    assert "3801" in [v.key for v in variants("INV/25-26/03801")]
    items = [inv("INV/25-26/03801", "c1", "27957.88", currency="INR"), inv("INV/25-26/03802", "c1", "9.00")]
    for text in ("BILL NO 3801", "INV 25-26/3801", "AGAINST INV 3801/25-26"):
        d = make_engine(items, in_customers(), MatchSettings(currency="INR")).match(
            tx("27957.88", text, name="NAIR AUTO COMPONENTS LLP", currency="INR", on="2026-03-31")
        )
        assert d.status == Status.APPLIED, (text, d.explanation)
        assert rows(d) == [("invoice", "INV/25-26/03801", "27957.88")]


@pytest.mark.parametrize(
    ("bank", "ledger"),
    [
        ("NARMADA BEARINGS PRIVATE LTD", "Narmada Bearings Pvt. Ltd."),
        ("JOSHI ENTP", "Joshi Enterprises"),
        ("AGARWAL AGRO INDS PVT LTD", "Agarwal Agro Industries Private Limited"),
    ],
)
def test_indian_legal_forms_and_words_as_banks_cut_them(bank: str, ledger: str) -> None:
    assert name_tokens(bank) == name_tokens(ledger)


def test_tds_withheld_without_a_word_leaves_the_rest_open() -> None:
    # 2 % of the taxable value withheld (TDS u/s 194C), the invoice named in a short form: the invoice paid in part,
    # the rest open until the tax certificate comes. With the payer's name (its city appended) any part payment of
    # the one invoice named is applied; without a payer, 98 % paid in rupees is still a part payment the payer
    # stated, proposed first, where a fifth short or 98 % in euros, the number written short, is left to a person
    parties = [Party("c5", "Deccan Machine Tools Pvt Ltd")]
    for name, amount, currency, expected in (
        ("DECCAN MACHINE TOOLS PUNE", "455563.78", "INR", Status.APPLIED),
        ("DECCAN MACHINE TOOLS PUNE", "371888.80", "INR", Status.APPLIED),
        ("DECCAN MACHINE TOOLS PUNE", "455563.78", "EUR", Status.APPLIED),
        ("", "455563.78", "INR", Status.SUGGESTED),
        ("", "371888.80", "INR", Status.SUGGESTED),  # a fifth short: no tax withheld, a number written short
        ("", "455563.78", "EUR", Status.SUGGESTED),  # no tax withheld at source in euros: a person decides
    ):
        items = [
            inv("INV/25-26/05528", "c5", "464861.00", currency=currency),
            inv("INV/25-26/05530", "c5", "12000.00", currency=currency),
        ]
        credit = replace(
            tx(amount, "AGAINST INV INV 25-26/5528", name=name or None, currency=currency),
            additional_info=f"RTGS/SBINR52026041782984882/{name}",
        )
        d = make_engine(items, parties, MatchSettings(currency=currency)).match(credit)
        assert d.status == expected, (name, amount, currency, d.explanation)
        if expected != Status.UNMATCHED:
            assert rows(d) == [("invoice", "INV/25-26/05528", amount)]


@pytest.mark.parametrize(
    "text",
    [
        "IMPS-261201177186-NAIR AUTO COMPONENTS-IDIB-XXXXXXXX9196-INV NO 3352/25-26 DT 10/04/2026",
        "NEFT CR-BARB015LAY2-NAIR AUTO COMPONENTS-BILL NO 3352/25-26 GSTIN 29YVNHH8883B1Z8-BARBN26098073774",
        "NEFT/YESBN26097468433/NAIR AUTO COMPONENTS LLP AGAINST INV INV/2025-26/03352 DT 18.03.2026",
        "NEFT CR-BARB015LAY2-NAIR AUTO COMPONENTS-PAYMENT AGAINST BILL 2025-26/3352-BARBN26110189612",
    ],
)
def test_an_indian_fiscal_year_after_the_serial_or_in_full_names_the_invoice(text: str) -> None:
    # a bank's narrative full of other numbers: the serial with its fiscal year is what names the invoice
    items = [
        inv("INV/25-26/03352", "c1", "27957.88", currency="INR"),
        inv("INV/25-26/03309", "c1", "27957.88", currency="INR"),
        inv("INV/24-25/03352", "c2", "27957.88", currency="INR"),
    ]
    # an MT940 :86: narrative: the payer's name only in the text
    d = make_engine(items, in_customers(), MatchSettings(currency="INR")).match(
        tx("27957.88", text, currency="INR", on="2026-04-30")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "INV/25-26/03352", "27957.88")]


def test_a_fiscal_year_of_another_year_names_no_invoice() -> None:
    keys = {v.key for v in variants("INV/25-26/03801")}
    assert {"38012526", "INV20252603801", "2025263801"} <= keys
    assert "38012425" not in keys and "20242503801" not in keys
    # a calendar year is no fiscal one
    assert not any(v.key.endswith("2526") for v in variants("INV/2026/03801"))


@pytest.mark.parametrize(
    "text", ["REF NF 12252", "PIX RECEBIDO AUTOMACAO RODRIGUES LTDA PGTO NF 12252", "NF 12252"]
)
def test_a_brazilian_nf_named_without_its_instalment_settles_the_oldest_equal_one(text: str) -> None:
    # three duplicatas of one NF-e of equal amounts, the first due first: the NF alone says one of them, the oldest
    parties = [Party("c1", "Automacao Industrial Rodrigues Ltda"), Party("c2", "Hidraulica Costa - ME")]
    items = [
        inv(f"000012252/{p}", "c1", "7800.41", currency="BRL", issued="2026-01-10", due=f"2026-0{p + 1}-10")
        for p in (3, 1, 2)
    ] + [inv("000012253/1", "c2", "7800.41", currency="BRL", issued="2026-01-10")]
    d = make_engine(items, parties, MatchSettings(currency="BRL")).match(
        tx("7800.41", text, name="AUTOMACAO INDUSTRIAL RODRIGUES LTDA", currency="BRL", on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "000012252/1", "7800.41")]
    assert "oldest" in d.explanation


def test_an_nf_without_its_instalment_names_no_instalment_of_another_amount_or_another_payer() -> None:
    parties = [Party("c1", "Automacao Industrial Rodrigues Ltda"), Party("c2", "Hidraulica Costa - ME")]
    items = [
        inv("000012252/1", "c1", "7800.41", currency="BRL", issued="2026-01-10"),
        inv("000012252/2", "c1", "7800.41", currency="BRL", issued="2026-01-10"),
    ]
    for amount, name in (
        ("7000.00", "AUTOMACAO INDUSTRIAL RODRIGUES LTDA"),
        ("7800.41", "MADEIREIRA SAO JORGE"),
    ):
        d = make_engine(items, parties, MatchSettings(currency="BRL")).match(
            tx(amount, "PGTO NF 12252", name=name, currency="BRL", on="2026-03-31")
        )
        assert d.status != Status.APPLIED, (amount, name, d.explanation)


@pytest.mark.parametrize("text", ["NF 12252 PARC 2/3", "PIX RECEBIDO NF 12252/2", "SEU NUMERO 12252/2"])
def test_an_instalment_named_is_paid_rather_than_the_oldest_of_its_nf(text: str) -> None:
    parties = [Party("c1", "Automacao Industrial Rodrigues Ltda")]
    items = [
        inv(f"000012252/{p}", "c1", "7800.41", currency="BRL", issued="2026-01-10", due=f"2026-0{p + 1}-10")
        for p in (1, 2, 3)
    ]
    d = make_engine(items, parties, MatchSettings(currency="BRL")).match(
        tx("7800.41", text, name="AUTOMACAO INDUSTRIAL RODRIGUES LTDA", currency="BRL", on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "000012252/2", "7800.41")]


@pytest.mark.parametrize(
    ("text", "applied"),
    [
        ("SEU NUMERO 13151 VLR TITULO 1.824,39 JUROS 30,41 MULTA 36,49 VLR PAGO 1.891,29", True),
        ("SEU NUMERO 13151 | VLR TITULO 1.824,39 ENCARGOS 66,90", True),
        ("SEU NUMERO 13151", False),  # an excess the text does not account for: a person decides
        ("SEU NUMERO 13151 | JUROS 30,41 MULTA 36,49", False),  # nor when it leaves out the document's amount
    ],
)
def test_late_interest_a_boleto_liquidation_itemises_goes_on_account(text: str, applied: bool) -> None:
    parties = [Party("c1", "Ferramentas Mineira Ltda.")]
    items = [
        inv("000013151", "c1", "1824.39", currency="BRL"),
        inv("000013152", "c1", "905.00", currency="BRL"),
    ]
    d = make_engine(items, parties, MatchSettings(currency="BRL")).match(
        tx("1891.29", text, name="FERRAMENTAS MINEIRA LTDA.", currency="BRL", on="2026-03-31")
    )
    assert (d.status == Status.APPLIED) is applied, d.explanation
    assert [(str(a.kind), a.invoice_number, a.amount) for a in d.proposals[0].allocations] == [
        ("invoice", "000013151", Decimal("1824.39")),
        ("on_account", None, Decimal("66.90")),
    ]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("926223E0-E4A4-4914-9C72-B90DBE716657 REF 3353709", "SERVICIOS MINEROS SONORENSE, S. DE R.L."),
        (
            "SPEI RECIBIDO BANAMEX SERVICIOS MINEROS SONORENSE S DE RL DE CV CONCEPTO CFDI CF3AB3F5-5118-465A-9BB3-"
            "CF668832987 REF 1 RASTREO BANA0022026041357769754 RFC SER851026320",
            None,
        ),
    ],
)
def test_a_cfdi_uuid_and_a_spei_tracking_key_are_no_invoice_numbers(text: str, name: str | None) -> None:
    # the UUID's "E4A4-4914" and the tracking key's "A002…" look like the book's A-4914 and A-… numbers: they are
    # not, and the customer's one item of the amount is paid
    parties = [
        Party("c1", "Servicios Mineros Sonorense, S. de R.L. de C.V."),
        Party("c2", "Aceros Villarreal SA"),
    ]
    items = [
        inv("A-13481", "c1", "6612.06", currency="MXN"),
        inv("A-13482", "c1", "905.00", currency="MXN"),
        inv("A-4914", "c2", "1200.00", currency="MXN"),
    ]
    d = make_engine(items, parties, MatchSettings(currency="MXN")).match(
        tx("6612.06", text, name=name, currency="MXN", on="2026-03-31")
    )
    assert d.status == Status.APPLIED, d.explanation
    assert rows(d) == [("invoice", "A-13481", "6612.06")]


def test_a_uuid_end_to_end_id_names_no_invoice() -> None:
    parties = [
        Party("c1", "Servicios Mineros Sonorense, S. de R.L. de C.V."),
        Party("c2", "Aceros Villarreal SA"),
    ]
    items = [inv("A-13481", "c1", "1200.00", currency="MXN"), inv("A-4914", "c2", "1200.00", currency="MXN")]
    d = make_engine(items, parties, MatchSettings(currency="MXN")).match(
        tx("1200.00", "PAGO", e2e="926223e0-e4a4-4914-9c72-b90dbe716657", currency="MXN", on="2026-03-31")
    )
    assert "A-4914" not in d.explanation
