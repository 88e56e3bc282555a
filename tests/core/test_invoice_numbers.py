"""Invoice numbers: normalisation, index variants, candidates in free text."""

from __future__ import annotations

import pytest

from encaisse.core.invoice_numbers import (
    VariantKind,
    candidates,
    deletions,
    fold,
    mask_dates_and_amounts,
    normalise,
    segments,
    variants,
)


def keys(text: str, **kwargs: object) -> set[str]:
    return {c.key for c in candidates(text, **kwargs)}  # type: ignore[arg-type]


def test_normalise_drops_separators_and_case() -> None:
    assert normalise("inv-2026/00 42") == "INV2026 0042".replace(" ", "")
    assert segments("F2026.0042a") == ("F", "2026", "0042", "A")


def test_fold_removes_accents_keeps_marks() -> None:
    assert fold("Fäktur n° 12–3") == "FAKTUR NO 12-3"


def test_variants_cover_prefix_year_and_leading_zeros() -> None:
    found = {v.key: v.kind for v in variants("INV-2026-001234")}
    assert found["INV2026001234"] == VariantKind.FULL
    assert found["2026001234"] == VariantKind.DIGITS
    assert found["INV20261234"] == VariantKind.NOZERO
    assert found["INV1234"] == VariantKind.NOYEAR
    assert found["1234"] == VariantKind.SERIAL


def test_variants_of_a_glued_year() -> None:
    assert "INV1234" in {v.key for v in variants("INV20261234")}


def test_variants_refuse_too_short_serials() -> None:
    assert "42" not in {v.key for v in variants("INV-2026-0042")}
    assert all(len(v.key) >= 3 for v in variants("A-1"))


def test_deletion_neighbourhood() -> None:
    assert set(deletions("1243")) & set(deletions("1234"))  # a transposition shares a deletion
    assert "1234" in deletions("12534")  # an extra character


@pytest.mark.parametrize(
    "text",
    [
        "Facture INV 2026 001234",  # changed separators
        "INV2026001234",  # no separators
        "inv/2026/1234",  # leading zeros dropped, lower case
        "Rechnung 2026-001234",  # another prefix
        "RE 2026 1234",
        "Factuur nr. INV-2026-001234.",
        "INV2026001234PAYMENT",  # glued to a word
        "PAYMENTINV2026001234",
    ],
)
def test_candidates_find_a_number_written_otherwise(text: str) -> None:
    wanted = {v.key for v in variants("INV-2026-001234")}
    assert keys(text, prefixes=frozenset({"INV"})) & wanted


def test_candidates_year_dropped() -> None:
    assert "INV1234" in keys("Inv no INV-1234")


def test_range_with_shortened_end() -> None:
    found = [c for c in candidates("INV-2026-1234/36") if c.origin == "range"]
    assert {"INV20261235", "INV20261236"} <= {c.key for c in found}


@pytest.mark.parametrize("text", ["1234-1236", "1234 to 1236", "1234 bis 1236", "1234 t/m 1236"])
def test_range_written_in_full(text: str) -> None:
    found = candidates(text)
    assert "1235" in {c.key for c in found if c.origin == "range"}
    assert "1236" in {c.key for c in found}


@pytest.mark.parametrize(
    ("text", "middle"),
    [
        ("FA2026-001158 - FA2026-001160", "FA2026001159"),
        ("FA2026-001158 – FA2026-001160", "FA2026001159"),
        ("26/00442 t/m 26/00444", "2600443"),
        ("26/00442-26/00444", "2600443"),
        ("R-100234 to R-100236", "R100235"),
    ],
)
def test_range_of_two_numbers_written_in_full(text: str, middle: str) -> None:
    assert middle in {c.key for c in candidates(text) if c.origin == "range"}


@pytest.mark.parametrize(
    "text",
    [
        "INV/2026/00074 - INV/2026/00079 - INV/2026/00083",
        "FACT 90012681 - 90012690 - 90012702",
        "FA2026-1158 - FA2026-1160 - FA2026-1170",
    ],
)
def test_three_numbers_joined_by_dashes_with_spaces_are_a_list_not_ranges(text: str) -> None:
    found = candidates(text)
    assert not [c for c in found if c.origin == "range"]
    assert {"INV202600079", "90012690", "FA20261160"} & {c.key for c in found if c.origin == "plain"}


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("0090014948 / 0092000215 FOURN 42336", "0090014948", "0092000215"),
        (
            "0090012990 / 92000282",
            "0090012990",
            "92000282",
        ),  # an invoice and a credit memo, five digits or more
    ],
)
def test_numbers_either_side_of_a_spaced_slash_are_a_list(text: str, first: str, second: str) -> None:
    found = {c.key: c.origin for c in candidates(text)}
    assert found[first] == found[second] == "plain"


def test_a_year_and_a_serial_either_side_of_a_spaced_slash_are_one_number() -> None:
    found = {c.key: c.origin for c in candidates("Facture 2026 / 00123")}
    assert found["202600123"] == "plain" and found["2026"] == "partial"


def test_a_range_word_before_a_number_written_in_full_is_not_a_shortened_end() -> None:
    found = {c.key for c in candidates("25/02401 à 25/02403") if c.origin == "range"}
    assert "2502402" in found and "2502404" not in found and "2502425" not in found


def test_list_of_serials_after_a_slash() -> None:
    found = {c.key: c.origin for c in candidates("FA2025-002153/002116")}
    assert found["FA2025002153"] == "plain" and found["FA2025002116"] == "list"


def test_list_inherits_prefix_and_year() -> None:
    found = keys("Factures INV-2026-1234, 1235 et 1236")
    assert {"INV20261234", "INV20261235", "INV20261236"} <= found


@pytest.mark.parametrize(
    "text",
    ["Rechnungen RE-2026-1234 u. 1235", "faktura RE-2026-1234 og 1235", "faktura RE-2026-1234 och 1235",
     "lasku RE-2026-1234 ja 1235", "faktura RE-2026-1234 i 1235"],
)  # fmt: skip
def test_and_in_other_languages_lists_numbers(text: str) -> None:
    assert {"RE20261234", "RE20261235"} <= keys(text)


@pytest.mark.parametrize(
    ("text", "members"),
    [
        ("Factures 12345/46/47", {"12346", "12347"}),
        ("Fact 12341-42-43", {"12342", "12343"}),
        ("FA-2026-00505, 06 et 07", {"FA202600506", "FA202600507"}),
        ("RE 4711, 12 und 13", {"RE4712", "RE4713"}),
        ("INV 2026-00120/8/9", {"INV202600128", "INV202600129"}),
        ("Inv#1234, #35, #36", {"INV1235", "INV1236"}),
    ],
)
def test_later_members_of_a_list_written_by_their_last_digits(text: str, members: set[str]) -> None:
    found = {c.key: c.origin for c in candidates(text)}
    assert {key: found.get(key) for key in members} == dict.fromkeys(members, "list")


@pytest.mark.parametrize(
    "text",
    [
        "Invoice 12345-6",  # a check digit
        "FV/123/03/2026",  # the endings go down: no list
        "INV-2026-1234/36",  # one ending after a slash: a range, read as one
        "0090012990 / 92000282",
    ],
)
def test_endings_that_make_no_list(text: str) -> None:
    assert not [c for c in candidates(text) if c.origin == "list"]


def test_year_and_serial_are_not_a_range() -> None:
    assert not [c for c in candidates("INV-2026-1234") if c.origin == "range"]


def test_dates_and_amounts_are_not_numbers() -> None:
    masked = mask_dates_and_amounts("FACT 1234 DU 15.01.2026 EUR 1.234,56 2026-01-15")
    assert "2026" not in masked and "1234" in masked
    assert "15012026" not in keys("payment 15.01.2026")


def test_a_year_written_in_full_also_gives_the_key_with_two_digits() -> None:
    # VF26/018962 is indexed under 26018962; payers write "2026/018962" or "Rg. 2026/001811"
    assert "26018962" in keys("2026/018962")
    assert "26001811" in keys("Rg. 2026/001811")
    assert "VF26018962" in {v.key for v in variants("VF26/018962")} and "26018962" in {
        v.key for v in variants("VF26/018962")
    }
    assert "2601" not in keys("2026/01 Miete")  # a month, not a serial
    # a year glued to letters belongs to that number: "2600066" is the key of another scheme's 26/00066
    assert "2600066" not in keys("FA2026-000402 less CN AV2026-00066")
    assert {c.origin for c in candidates("2026/018962") if c.key == "26018962"} == {"year"}


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("10045/2026", "202610045"),
        ("RE 10045/2026", "RE202610045"),
        ("FACTURA 457/26", "2026457"),
        ("INV 26/42", "INV202642"),
        ("INV-26-0042", "INV20260042"),
        ("INV-0042", "INV42"),
        ("FV/80/03/2026", "FV8032026"),
        ("PAYMENT F26000123", "F2026000123"),  # a year in two digits glued to its serial
    ],
)
def test_a_year_written_after_its_serial_or_in_two_digits_and_zeros_written_give_the_books_form(
    text: str, key: str
) -> None:
    assert key in [c.key for c in candidates(text)]


def test_a_serial_zero_padded_before_the_month_and_year_is_indexed_without_its_zeros() -> None:
    keys = {v.key: v.kind for v in variants("FV/0080/03/2026")}
    assert keys["FV8032026"] == VariantKind.NOZERO
    assert "FV8032026" in [c.key for c in candidates("FV 80/3/2026")]


def test_the_forms_read_otherwise_come_after_the_numbers_as_written() -> None:
    # a long list fills the candidates with what is written before any other reading of it
    text = ", ".join(f"VF26/{4000 + n:06d}" for n in range(60))
    found = candidates(text, limit=120)
    assert all(c.origin in ("plain", "partial", "list") for c in found[:100])
