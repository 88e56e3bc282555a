"""Invoice PDFs read back: text in four languages, EPC QR code, pages, templates, hostile text."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D

import pypdf
import pytest
import segno
from babel.dates import format_date
from babel.numbers import format_currency
from pdf_documents import (
    BUYER,
    IBAN,
    OGM,
    RF,
    SELLER,
    credit_note,
    invoice,
    line,
    long_invoice,
    normalise,
    page_texts,
    qr_codes,
    rightmost_character,
    text_of,
    transfer,
)

from encaisse.formats.einvoice import facturx
from encaisse.formats.einvoice.model import PaymentMeans
from encaisse.formats.pdf import Renderer, TemplateError, UnknownLanguage, render_pdf
from encaisse.formats.pdf.labels import LABELS

LOCALES = {"en": "en_GB", "fr": "fr_FR", "nl": "nl_BE", "de": "de_DE"}


def money(amount: D, language: str, currency: str = "EUR") -> str:
    return normalise(format_currency(amount, currency, locale=LOCALES[language]))


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("language", ["en", "fr", "nl", "de"])
def test_invoice_prints_parties_totals_payment_and_labels_in_each_language(language: str) -> None:
    doc = invoice()
    text = text_of(render_pdf(doc, language=language))
    labels = LABELS[language]

    assert doc.number in text
    assert BUYER.name in text and SELLER.name in text
    assert "BE0123456749" in text and "DE123456789" in text  # both VAT ids
    assert "9930:DE123456789" in text  # the buyer's electronic address
    for amount in (
        doc.totals.tax_exclusive,
        doc.totals.vat_total,
        doc.totals.tax_inclusive,
        doc.totals.payable,
    ):
        assert amount is not None
        assert money(amount, language) in text
    for vat in doc.vat_breakdown:
        assert money(vat.taxable_amount, language) in text and money(vat.tax_amount, language) in text
    assert "BE71 0961 2345 6769" in text
    assert "+++090/9337/55493+++" in text
    assert normalise(format_date(doc.issue_date, "long", locale=LOCALES[language])) in text
    assert normalise(format_date(doc.due_date, "long", locale=LOCALES[language])) in text  # type: ignore[arg-type]
    for key in ("title_invoice", "amount_due", "vat_breakdown", "tax_exclusive", "unit_price", "iban",
                "structured_reference", "buyer_reference", "payment_terms", "page"):  # fmt: skip
        assert normalise(labels[key]) in text, key
    assert "PO-4711" in text and "ORD-99" in text
    assert "Merci pour votre confiance." in text
    assert "Bière blonde" in text and "Straße fermentée" in text and "ø 40 cm" in text


def test_titles_differ_by_language() -> None:
    doc = invoice()
    titles = {
        lang: text_of(render_pdf(doc, language=lang)).split(" ")[:6] for lang in ("en", "fr", "nl", "de")
    }
    assert "Invoice" in titles["en"] and "Facture" in titles["fr"]
    assert "Factuur" in titles["nl"] and "Rechnung" in titles["de"]


def test_locale_changes_the_formatting_not_the_language() -> None:
    doc = invoice()
    text = text_of(render_pdf(doc, language="en", locale="en_US"))
    assert "March 2, 2026" in text and "2 March 2026" not in text
    assert "Amount due" in text


def test_unit_price_keeps_its_extra_decimals_and_quantity_its_unit() -> None:
    text = text_of(render_pdf(invoice(), language="fr"))
    assert "0,335 €" in text
    assert "1,5 pce" in text and "12 pce" in text


def test_rf_reference_is_printed_in_groups_of_four() -> None:
    doc = invoice(payment_means=(transfer(RF),))
    text = text_of(render_pdf(doc, language="en"))
    assert "RF18 5390 0754 7034" in text
    assert "Payment reference" in text


def test_epc_qr_code_carries_the_payment_fields() -> None:
    doc = invoice()
    pdf = render_pdf(doc, language="fr")
    assert doc.totals.payable == D("1657.75")
    expected = "\n".join(["BCD", "002", "1", "SCT", "GKCCBEBB", "Brasserie Østergaard SRL", IBAN, "EUR1657.75",
                          "", OGM])  # fmt: skip
    assert [code.decode("utf-8") for code in qr_codes(pdf)] == [expected]


def test_epc_qr_code_with_rf_reference_and_with_free_text() -> None:
    with_rf = render_pdf(invoice(payment_means=(transfer(RF, bic=None, account_name=None),)))
    (payload,) = qr_codes(with_rf)
    fields = payload.decode("utf-8").split("\n")
    assert fields[:4] == ["BCD", "002", "1", "SCT"]
    assert fields[4] == ""  # no BIC: version 002 allows it
    assert fields[5] == SELLER.name  # no account name: the seller's
    assert fields[9] == RF

    free = render_pdf(invoice(payment_means=(transfer("Order 42, thanks"),)))
    (payload,) = qr_codes(free)
    assert payload.decode("utf-8").split("\n")[9:] == ["", "Order 42, thanks"]


def test_credit_note_names_the_invoice_it_credits_and_has_no_qr_code() -> None:
    doc = credit_note()
    pdf = render_pdf(doc, language="en")
    text = text_of(pdf)
    assert "Credit note" in text and "CN-2026-00007" in text
    assert "Credit note for invoice F-2026-00042 (2 March 2026)" in text
    assert "Amount credited" in text and "Amount due" not in text
    assert "BE71 0961 2345 6769" not in text  # nothing to pay
    assert qr_codes(pdf) == []

    fr = text_of(render_pdf(doc, language="fr"))
    assert "Note de crédit sur la facture F-2026-00042 (2 mars 2026)" in fr


def test_no_qr_code_for_other_currencies_or_nothing_to_pay() -> None:
    usd = invoice(currency="USD")
    pdf = render_pdf(usd, language="en")
    assert qr_codes(pdf) == []
    assert money(usd.totals.payable, "en", "USD") in text_of(pdf)

    paid = invoice(prepaid=invoice().totals.tax_inclusive)
    assert paid.totals.payable == 0
    pdf = render_pdf(paid, language="en")
    assert qr_codes(pdf) == []
    assert "Paid in advance" in text_of(pdf)


def test_the_qr_check_can_fail_an_invoice_that_has_one() -> None:
    # The "no QR" assertions above mean something: the same reader finds the code on a payable invoice.
    assert len(qr_codes(render_pdf(invoice()))) == 1


def test_no_qr_code_without_credit_transfer_to_a_valid_iban() -> None:
    debit = PaymentMeans(code="59", mandate_id="MANDATE-1", debited_account="DE89370400440532013000")
    pdf = render_pdf(invoice(payment_means=(debit,)), language="en")
    assert qr_codes(pdf) == []
    text = text_of(pdf)
    assert "Paid by direct debit" in text and "MANDATE-1" in text and "DE89 3704 0044 0532 0130 00" in text

    wrong_iban = render_pdf(invoice(payment_means=(transfer(account_id="BE00096123456769"),)))
    assert qr_codes(wrong_iban) == []


def test_many_lines_flow_over_pages_with_page_numbers_and_repeated_header() -> None:
    pages = page_texts(render_pdf(long_invoice(120), language="en"))
    assert len(pages) == 5
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} / 5" in text
    for text in pages[1:4]:
        assert "Description Quantity Unit price VAT Net amount" in text  # the header row, repeated
    assert "Service line 060" in " ".join(pages[2:4])
    assert "Service line 120" in pages[-1] or "Service line 120" in pages[-2]
    assert "Amount due" in pages[-1]


def test_long_description_wraps_inside_the_page() -> None:
    words = " ".join(f"word{i}" for i in range(120))
    pdf = render_pdf(invoice(lines=(line(1, "1", "10", description=words),)))
    text = text_of(pdf)
    assert "word0" in text and "word119" in text
    assert len(page_texts(pdf)) == 1


def test_a_run_without_spaces_breaks_rather_than_runs_off_the_page() -> None:
    url = "https://example.com/" + "abcdefghij" * 20
    pdf = render_pdf(invoice(lines=(line(1, "1", "10", name=url, description="X" * 250),)))
    right, width = rightmost_character(pdf)
    assert right <= width - 40  # inside the 16 mm margin
    assert "abcdefghij" in text_of(pdf)


def test_hostile_text_is_printed_literally() -> None:
    hostile = (
        r'#import "x.typ": * ] $x^2$ *b* _i_ \ <l> @r `raw` // c /* c */ #{1+1} = H #set page(width: 1cm)'
    )
    seller = replace(SELLER, name='Evil ] Corp #panic("no")', trading_name=hostile)
    doc = invoice(seller=seller, buyer=replace(BUYER, name="$]#\\"),
                  lines=(line(1, "1", "10", name="*not bold*", description=hostile),), notes=(hostile,),
                  buyer_reference="#(1+1)")  # fmt: skip
    pdf = render_pdf(doc, language="en")
    text = text_of(pdf)
    assert normalise(hostile) in text
    assert 'Evil ] Corp #panic("no")' in text
    assert "$]#\\" in text and "*not bold*" in text and "#(1+1)" in text
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    assert round(float(page.mediabox.width)) == 595  # still A4: the "#set page" was not run


def test_characters_no_font_draws_become_replacement_characters_in_pdf_a() -> None:
    buyer = replace(BUYER, name="株式会社 Ünïcode 🙂 AG\x07")
    text = text_of(render_pdf(invoice(buyer=buyer), language="de"))
    assert "\ufffd\ufffd\ufffd\ufffd Ünïcode \ufffd AG" in text


def test_labels_can_be_overridden_per_entity() -> None:
    text = text_of(render_pdf(invoice(), language="fr", labels_override={"amount_due": "Solde à régler"}))
    assert "Solde à régler" in text and "Montant à payer" not in text


def test_reverse_charge_exemption_is_printed_in_the_document_language() -> None:
    doc = invoice(lines=(line(1, "2", "500", category="AE", rate="0"),))
    text = text_of(render_pdf(doc, language="fr"))
    assert "Autoliquidation : TVA due par le preneur" in text
    assert "Reverse charge" not in text


def test_custom_template_reads_the_same_inputs() -> None:
    template = """
#let data = json(bytes(sys.inputs.data))
#set text(font: "Libertinus Serif")
= Custom layout
#data.labels.title_invoice #data.document.number for #data.buyer.name: #data.amount_due.amount
#data.labels.entity_motto
"""
    doc = invoice()
    pdf = render_pdf(doc, language="nl", template=template, labels_override={"entity_motto": "Ons motto"})
    text = text_of(pdf)
    assert "Custom layout" in text
    assert f"Factuur {doc.number} for {BUYER.name}: {money(doc.totals.payable, 'nl')}" in text
    assert "Ons motto" in text
    assert "Btw-overzicht" not in text  # the default template was not used


def test_template_errors_are_reported_with_typst_diagnostic() -> None:
    with pytest.raises(TemplateError, match=r"reads its data from sys\.inputs"):
        Renderer("templates/mine.typ")
    broken = Renderer("#let data = json(bytes(sys.inputs.data))\n#data.no_such_key")
    with pytest.raises(TemplateError) as error:
        broken.render(invoice())
    assert "no_such_key" in str(error.value) and error.value.diagnostic


def test_template_cannot_read_host_files() -> None:
    probe = Renderer('#let data = json(bytes(sys.inputs.data))\n#read("/etc/hostname")')
    with pytest.raises(TemplateError):
        probe.render(invoice())


def test_unknown_language_is_refused() -> None:
    with pytest.raises(UnknownLanguage):
        render_pdf(invoice(), language="es")
    with pytest.raises(UnknownLanguage):
        Renderer(language="xx")


def test_pdf_is_pdf_a_3b_with_embedded_fonts() -> None:
    pdf = render_pdf(invoice(), language="de")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    metadata = reader.xmp_metadata
    assert metadata is not None
    xmp = metadata.stream.get_data().decode("utf-8")
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    fonts = 0
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            for descendant in font.get_object().get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"]
                assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts += 1
    assert fonts >= 1
    assert reader.metadata is not None and reader.metadata.title == "Rechnung F-2026-00042"


def test_plain_pdf_when_no_standard_is_asked() -> None:
    pdf = render_pdf(invoice(), pdf_standard=None)
    assert b"pdfaid:part" not in pdf and pdf.startswith(b"%PDF-")


def test_same_document_gives_same_bytes_and_creation_date_is_the_issue_date() -> None:
    doc = invoice()
    first, second = render_pdf(doc), render_pdf(doc)
    assert first == second
    created = pypdf.PdfReader(io.BytesIO(first)).metadata.creation_date  # type: ignore[union-attr]
    assert created is not None and created.date() == doc.issue_date
    later = render_pdf(doc, created=datetime(2026, 3, 5, 9, 30, tzinfo=UTC))
    assert pypdf.PdfReader(io.BytesIO(later)).metadata.creation_date.day == 5  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="timezone"):
        render_pdf(doc, created=datetime(2026, 3, 5))


def test_logo_is_embedded_as_an_image() -> None:
    out = io.BytesIO()
    segno.make("LOGO").save(out, kind="png", scale=5)
    with_logo = render_pdf(invoice(), logo=out.getvalue())
    without = render_pdf(invoice())
    images = [img for page in pypdf.PdfReader(io.BytesIO(with_logo)).pages for img in page.images]
    assert len(images) == 1
    assert [img for page in pypdf.PdfReader(io.BytesIO(without)).pages for img in page.images] == []


def test_renderer_renders_a_batch_in_order(renderer: Renderer) -> None:
    docs = [invoice(number=f"F-2026-{n:05d}") for n in range(1, 6)] + [credit_note()]
    pdfs = renderer.render_many(docs)
    assert len(pdfs) == len(docs)
    for doc, pdf in zip(docs, pdfs, strict=True):
        assert doc.number in text_of(pdf)
    assert "Credit note" in text_of(pdfs[-1]) and "Credit note" not in text_of(pdfs[0])


def test_renderer_defaults_and_per_document_arguments() -> None:
    renderer = Renderer(language="de", labels_override={"amount_due": "Offener Betrag"})
    doc = invoice()
    assert "Offener Betrag" in text_of(renderer.render(doc))
    text = text_of(renderer.render(doc, language="nl", labels_override={"notes": "Nota's"}))
    assert "Factuur" in text and "Nota's" in text
    assert "Offener Betrag" in text  # the entity's override stays


def test_pdf_a_3b_takes_the_factur_x_xml() -> None:
    doc = invoice()
    combined = facturx.embed(render_pdf(doc, language="fr"), doc)
    assert facturx.extract(combined).totals.payable == doc.totals.payable
    assert "Montant à payer" in text_of(combined)
