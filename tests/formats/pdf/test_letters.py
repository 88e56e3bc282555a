"""Dunning letters and statements as PDF: pure formats layer, no database."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pypdf
import pytest

from encaisse.core.interest import BE, DE, FR, late_interest
from encaisse.core.money import Money
from encaisse.formats.pdf.epc_qr import EpcPayment
from encaisse.formats.pdf.labels import UnknownLanguage
from encaisse.formats.pdf.letters import (
    AccountStatement,
    Letter,
    LetterItem,
    LetterParty,
    PaymentDetails,
    StatementLine,
    letter_inputs,
    render_letter,
    render_statement,
    title_for,
)

SELLER = LetterParty("Demo Belgium SA", ("Rue de la Loi 16", "1000 Bruxelles"), "BE0123456749")
CUSTOMER = LetterParty('Client #import "x": *', ("Meir 1", "2000 Antwerpen"))


def text_of(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"[\s\u00a0\u202f]+", " ", " ".join(p.extract_text() for p in pages))


def _letter(language: str = "en", tone: str = "formal", jurisdiction=BE, **kw) -> Letter:  # type: ignore[no-untyped-def]
    calc = late_interest(Money("1000.00", "EUR"), date(2024, 5, 15), date(2024, 8, 20), jurisdiction)
    item = LetterItem("F-1", date(2024, 4, 15), date(2024, 5, 15), 4, "EUR", Decimal("1000.00"),
                      Decimal("1000.00"), calc, Decimal("40.00"))  # fmt: skip
    other = LetterItem(
        "F-2", date(2024, 7, 1), date(2024, 7, 31), 2, "EUR", Decimal("250.00"), Decimal("200.00")
    )
    statement = AccountStatement(
        date(2024, 8, 20),
        (StatementLine("F-1", "invoice", date(2024, 4, 15), date(2024, 5, 15), "EUR", Decimal(1000), Decimal(1000), 97),
         StatementLine("CN-1", "credit_note", date(2024, 6, 1), date(2024, 6, 1), "EUR", Decimal(-50), Decimal(-50), 0)),
        (("EUR", Decimal(950)),), (("EUR", Decimal(1000)),), (("EUR", Decimal(50)),),
    )  # fmt: skip
    total = Decimal("1200.00") + calc.total.amount + Decimal("40.00")
    payment = PaymentDetails("BE71096123456769", "GKCCBEBB", "Demo Belgium SA", "+++090/9337/55493+++",
                             EpcPayment("Demo Belgium SA", "BE71096123456769", total, "GKCCBEBB", "090933755493"))  # fmt: skip
    return Letter("DL-7", date(2024, 8, 20), language, tone, 4, kw.pop("template", "formal_notice"), SELLER, CUSTOMER,
                  (item, other), statement, payment, kw.pop("free_text", ""), jurisdiction.legal_basis)  # fmt: skip


def test_inputs_carry_every_interest_figure_with_its_basis() -> None:
    data = letter_inputs(_letter("en", jurisdiction=BE))
    (block,) = data["interest"]
    # BE: ECB rate + 8 points rounded up to the half point; cut at 1 July
    assert block["lines"] == [
        "16 May 2024 – 30 June 2024: 46 days, rate 12.5% = reference rate 4.5% + margin 8%, on €1,000.00 (46/365) = €15.75",
        "1 July 2024 – 20 August 2024: 51 days, rate 12.5% = reference rate 4.25% + margin 8%, on €1,000.00 (51/365) = €17.47",
    ]
    assert block["total"] == "€33.22"
    assert data["compensations"] == [{"number": "F-1", "amount": "€40.00"}]
    assert data["totals"] == [{"currency": "EUR", "claimed": "€1,200.00", "interest": "€33.22",
                               "compensation": "€40.00", "total": "€1,273.22"}]  # fmt: skip


def test_german_rate_is_basiszinssatz_plus_nine() -> None:
    data = letter_inputs(_letter("de", jurisdiction=DE))
    line = data["interest"][0]["lines"][0].replace("\u00a0", " ")
    assert "46 Tage, Zinssatz 12,62 % = Basiszinssatz 3,62 % + Aufschlag 9 %" in line  # 2024 H1: 3.62


@pytest.mark.parametrize(
    ("language", "tone", "template", "title", "words"),
    [("fr", "formal", "formal_notice", "Mise en demeure", "mettons en demeure"),
     ("en", "friendly", "reminder", "Payment reminder", "crossed with your payment"),
     ("nl", "firm", "second_reminder", "Tweede herinnering", "vorige herinnering"),
     ("de", "formal", "final_notice", "Letzte Mahnung", "Verzugszinsen"),
     ("en", "firm", "custom_key", "Second reminder", "eight days")],
)  # fmt: skip
def test_rendered_letter_in_each_language_and_tone(
    language: str, tone: str, template: str, title: str, words: str
) -> None:
    pdf = render_letter(_letter(language, tone, FR, template=template, free_text="Call us: +32 2 000 00 00"))
    assert pdf.startswith(b"%PDF")
    text = text_of(pdf)
    assert title in text and words in text
    assert 'Client #import "x": *' in text  # customer text printed as text, never as markup
    assert "Call us: +32 2 000 00 00" in text and "+++090/9337/55493+++" in text
    assert "CN-1" in text  # the statement of account travels with the letter


def test_same_letter_same_bytes() -> None:
    assert render_letter(_letter()) == render_letter(_letter())


def test_statement_pdf() -> None:
    letter = _letter("nl")
    assert letter.statement is not None
    text = text_of(render_statement(letter.statement, SELLER, CUSTOMER, language="nl"))
    assert "Rekeninguittreksel per 20 augustus 2024" in text and "Creditnota" in text
    assert "Niet-toegewezen tegoed € 50,00" in text


def test_unknown_language_and_tone_are_refused() -> None:
    with pytest.raises(UnknownLanguage):
        letter_inputs(_letter("es"))
    with pytest.raises(ValueError, match="tone"):
        title_for("en", "reminder", "angry")
