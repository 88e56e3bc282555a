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
