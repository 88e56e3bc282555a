import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from encaisse.core import references as ref

bodies = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21)


@given(bodies)
def test_rf_check_digits_round_trip(body: str) -> None:
    rf = ref.create_rf(body)
    assert ref.is_valid_rf(rf)
    assert ref.validate_rf(ref.format_rf(rf)) == rf
    assert ref.find_rfs(f"Payment ref {ref.format_rf(rf)} thank you") == (rf,)


@given(bodies, st.integers(min_value=0, max_value=9))
def test_rf_single_digit_change_is_detected(body: str, digit: int) -> None:
    rf = ref.create_rf(body)
    changed = rf[:2] + str((int(rf[2]) + 1 + digit % 9) % 10) + rf[3:]
    assert not ref.is_valid_rf(changed)


def test_rf_known_values() -> None:
    # ISO 11649's own example
    assert ref.is_valid_rf("RF18 5390 0754 7034")
    assert not ref.is_valid_rf("RF19 5390 0754 7034")
    with pytest.raises(ref.InvalidReference):
        ref.create_rf("TOO-LONG-FOR-AN-RF-REFERENCE-BODY")


@given(st.integers(min_value=0, max_value=9_999_999_999))
def test_ogm_check_digits_round_trip(n: int) -> None:
    ogm = ref.create_ogm(n)
    assert len(ogm) == 12 and ogm.isdigit()
    assert ref.is_valid_ogm(ogm)
    shown = ref.format_ogm(ogm)
    assert shown.startswith("+++") and shown.endswith("+++")
    assert ref.validate_ogm(shown) == ogm
    assert ref.find_ogms(f"communication {shown} merci") == (ogm,)


def test_ogm_mod_97_zero_gives_97() -> None:
    body = "0000000097"  # 97 mod 97 == 0
    assert ref.ogm_check_digits(body) == "97"


@pytest.mark.parametrize(
    "text",
    [
        "+++090/9337/55493+++",
        "***090/9337/55493***",
        "090/9337/55493",
        "mededeling 090 9337 55493 factuur",
        "OGM:090933755493",
        "090.9337.55493",
    ],
)
def test_ogm_found_in_noisy_text(text: str) -> None:
    assert ref.find_ogms(text) == ("090933755493",)


def test_ogm_not_found_inside_longer_numbers_or_with_bad_check() -> None:
    assert ref.find_ogms("account 1090933755493 x") == ()
    assert ref.find_ogms("090/9337/55494") == ()


def test_rf_found_case_insensitive_and_grouped() -> None:
    assert ref.find_rfs("rf18-5390-0754-7034 paid") == ("RF18539007547034",)
    assert ref.find_rfs("no reference here RF99") == ()


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -rf", max_size=30))
def test_fast_rf_check_agrees_with_the_standard_library(value: str) -> None:
    from stdnum import iso11649

    assert ref.is_valid_rf(value) == bool(iso11649.is_valid(value) and ref.compact_rf(value).startswith("RF"))


# --- national schemes ----------------------------------------------------------

# (country, a published or worked example, the same with one digit wrong)
NATIONAL_EXAMPLES = [
    ("CH", "210000000003139471430009017", "210000000003139471430009016"),  # SIX QR-bill IG
    ("LI", "21 00000 00003 13947 14300 09017", "21 00000 00003 13947 14300 09018"),
    ("FI", "12 34561", "12 34571"),  # Finanssiala, kotimaisen viitteen rakenneohje
    ("FI", "123453", "123463"),  # the 7-3-1 worked example, base 12345
    ("NL", "5000 0567 8901 2345", "5000 0567 8901 2346"),  # Betaalvereniging
    ("NL", "12 2345 3462 2567", "12 2345 3462 2577"),  # Betaalvereniging, length code 2
    ("DK", "004040400000669", "004040400000668"),  # Uniconta's FIK +71 example
    ("NO", "602243", "602253"),  # Monitor ERP's KID example (modulus 10)
    ("SE", "123455", "123456"),  # Luhn, computed
]


@pytest.mark.parametrize(("country", "good", "bad"), NATIONAL_EXAMPLES)
def test_national_known_values(country: str, good: str, bad: str) -> None:
    assert ref.is_valid_national(good, country)
    assert not ref.is_valid_national(bad, country)
    with pytest.raises(
        ref.InvalidReference, match=re.escape(ref.SCHEME_LABELS[ref.NATIONAL_SCHEMES[country]])
    ):
        ref.validate_national(bad, country)
    compact = ref.validate_national(good, country)
    assert ref.validate_national(ref.format_national(compact, country), country) == compact


def test_national_formats() -> None:
    assert ref.format_national("210000000003139471430009017", "CH") == "21 00000 00003 13947 14300 09017"
    assert ref.format_national("1234561", "FI") == "12 34561"
    assert ref.format_national("5000056789012345", "NL") == "5000 0567 8901 2345"
    assert ref.format_national("6022 43", "NO") == "602243"
    assert ref.format_national("00404 04000 00669", "DK") == "004040400000669"


def test_national_compact_forms() -> None:
    # an ISR may be written without its leading zeros; stored as the 27-digit QR reference
    assert ref.validate_national("18 78583", "CH") == "000000000000000000001878583"
    # a viitenumero's machine form has leading zeros, which are not part of it
    assert ref.validate_national("00000000000001234561", "FI") == "1234561"


def test_kid_modulus_11_and_its_dash() -> None:
    # weights 2..7 from the right: 1234 -> 4*2 + 3*3 + 2*4 + 1*5 = 30, 11 - 30 % 11 = 3
    assert ref.is_valid_national("12343", "NO")
    # 6 -> 6*2 = 12, 11 - 12 % 11 = 10, written '-'
    assert ref.is_valid_national("6-", "NO")
    assert not ref.is_valid_national("7-", "NO")
    assert not ref.is_valid_national("-", "NO")


def test_swedish_length_digit_is_optional() -> None:
    with_length = ref.create_ocr("12345", length_digit=True)
    assert with_length == "1234574"  # length 7, then the Luhn digit over all of it
    assert ref.is_valid_national(with_length, "SE")
    assert ref.is_valid_national(ref.create_ocr("12345"), "SE")


def test_national_lengths_and_characters_are_checked() -> None:
    assert not ref.is_valid_national("123", "FI")  # 4 to 20 digits
    assert not ref.is_valid_national("1" * 21, "FI")
    assert not ref.is_valid_national("12345671234567", "DK")  # 15 or 16
    assert not ref.is_valid_national("1" * 28, "CH")
    assert not ref.is_valid_national("50000567890123", "NL")  # 14 digits but a wrong length code
    assert ref.is_valid_national("1234567", "NL")  # 7 digits carry no check at all
    assert not ref.is_valid_national("12345678", "NL")  # 8 and 15 are not lengths of a betalingskenmerk
    assert not ref.is_valid_national("12 3456A", "FI")
    assert not ref.is_valid_national("123453", "BE")  # no national scheme
    with pytest.raises(ref.InvalidReference, match="no national structured reference"):
        ref.validate_national("123453", "FR")


def test_swapped_neighbours_are_refused_where_the_scheme_catches_them() -> None:
    qrr = "210000000003139471430009017"
    assert not ref.is_valid_national(qrr[:14] + qrr[15] + qrr[14] + qrr[16:], "CH")  # mod 10 recursive
    assert not ref.is_valid_national("213455", "SE")  # Luhn, 123455 with 1 and 2 swapped
    assert not ref.is_valid_national("124353", "FI")  # 7-3-1, 123453 with 3 and 4 swapped
    assert not ref.is_valid_national("5000 0567 8901 3245", "NL")  # mod 11, 2 and 3 swapped


def test_reference_scheme_of() -> None:
    assert ref.reference_scheme_of("RF18 5390 0754 7034", "FI") == "RF"
    assert ref.reference_scheme_of("+++090/9337/55493+++", "FI") == "BE_OGM"
    assert ref.reference_scheme_of("12 34561", "FI") == "fi"
    assert ref.reference_scheme_of("12 34561", "BE") is None
    assert ref.reference_scheme_of("12 34562", "FI") is None


def test_create_national_refuses_what_it_cannot_build() -> None:
    with pytest.raises(ref.InvalidReference):
        ref.create_national("12", "FI")  # at least 3 base digits
    with pytest.raises(ref.InvalidReference):
        ref.create_national("12A", "SE")
    with pytest.raises(ref.InvalidReference):
        ref.create_national("1" * 16, "NL")
    assert ref.create_national("1", "CH") == "0" * 25 + "1" + ref.create_national("1", "CH")[-1]
    assert len(ref.create_national("1", "DK")) == 15


# Schemes where any single changed digit is refused: Luhn (SE, DK), 7-3-1 (FI),
# mod 10 recursive (CH). Not NO (a KID valid under either mod 10 or mod 11) nor
# NL (10 and 11 both give a check digit, and the 7-digit form has none).
SINGLE_ERROR_SAFE = ("FI", "SE", "DK", "CH")


@given(
    st.sampled_from(sorted(ref.NATIONAL_SCHEMES)),
    st.text(alphabet="0123456789", min_size=3, max_size=15),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=1, max_value=9),
)
def test_created_national_references_are_valid_and_one_changed_digit_is_refused(
    country: str, body: str, position: int, delta: int
) -> None:
    if country == "FI" and len(body.lstrip("0")) < 3:
        body = "1" + body
    created = ref.create_national(body, country)
    assert ref.is_valid_national(created, country)
    assert ref.validate_national(ref.format_national(created, country), country) == created
    assert ref.reference_scheme_of(created, country) in ("BE_OGM", ref.NATIONAL_SCHEMES[country])
    if country in SINGLE_ERROR_SAFE:
        i = position % len(created)
        changed = created[:i] + str((int(created[i]) + delta) % 10) + created[i + 1 :]
        if country == "FI" and changed[0] == "0":
            return  # a leading zero is not a digit of a viitenumero: "0123" is "123"
        assert not ref.is_valid_national(changed, country)


def test_a_grouped_rf_followed_by_a_word_does_not_take_the_words_first_letter() -> None:
    # RF56…XJAK and RF56…XJAKT both have valid check digits: the run of 21 characters stopped inside "thank"
    rf = ref.create_rf("1FE2WQL1VKWM363DXJAK")
    assert rf == "RF561FE2WQL1VKWM363DXJAK" and ref.is_valid_rf(rf + "T")
    assert ref.find_rfs(f"Payment ref {ref.format_rf(rf)} thank you") == (rf,)
    assert ref.find_rfs("RF18539007547034THANKS") == ("RF18539007547034",)  # glued: the longest valid prefix
