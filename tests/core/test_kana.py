"""Japanese names in kana, as banks and ledgers write them, read alike."""

from __future__ import annotations

import pytest

from encaisse.core.kana import has_kana, romanise
from encaisse.core.names import legal_forms, name_tokens


@pytest.mark.parametrize(
    ("bank", "ledger"),
    [
        # Zengin half-width kana, no small kana, legal form as a mark before or after the name
        ("ｶ)ﾁﾕｳﾌﾞｾｲｻｸ", "チュウブセイサク"),
        ("ﾅｶﾑﾗｼﾞﾕｳｺｳｷﾞﾖｳ(ｶ", "ナカムラジュウコウギョウ"),
        ("ｶ) ﾅｶﾑﾗｼﾞﾕｳｺｳｷﾞﾖｳ", "ナカムラジュウコウギョウ"),
        ("ﾀｲﾖｳﾏｼﾅﾘｰ(ﾄﾞ", "タイヨウマシナリー"),
        ("ﾕ)ﾁﾖﾀﾞｼﾞﾕｳｺｳｷﾞﾖｳ", "チヨダジュウコウギョウ"),
        ("ｶﾌﾞｼｷｶﾞｲｼﾔ ﾜﾀﾅﾍﾞｾﾂﾋﾞ", "ワタナベセツビ"),
        ("ﾆﾂｼﾝｺｳｷ", "ニッシンコウキ"),  # the small tsu is a full-size one in Zengin
        ("ｷﾖｳﾜｷﾝｿﾞｸ", "きょうわきんぞく"),  # hiragana read as katakana
    ],
)
def test_a_zengin_name_is_the_reading_on_file(bank: str, ledger: str) -> None:
    assert name_tokens(bank) == name_tokens(ledger)
    assert name_tokens(bank)  # a word, not nothing


def test_long_vowels_are_written_as_latin_names_write_them() -> None:
    assert romanise("オオサカ") == "OSAKA"
    assert romanise("ﾄｳｷﾖｳｷｶｲ") == "TOKYOKIKAI"
    assert name_tokens("ｶ)ﾄｳｷﾖｳｷｶｲ") == ("TOKYOKIKAI",)


def test_legal_forms_in_kanji_kana_and_zengin_marks_are_one_form() -> None:
    for name in ("株式会社中川機工", "(株)中川機工", "ｶ)ﾅｶｶﾞﾜｷｺｳ", "ﾅｶｶﾞﾜｷｺｳ(ｶ", "ｶﾌﾞｼｷｶﾞｲｼﾔ ﾅｶｶﾞﾜｷｺｳ"):
        assert legal_forms(name) == legal_forms("株式会社"), name
    assert legal_forms("有限会社前田設備") == legal_forms("ﾕ)ﾏｴﾀﾞｾﾂﾋﾞ") != legal_forms("株式会社前田設備")
    assert legal_forms("ｶﾄｳｾｲｷ(ﾄﾞ") == legal_forms("加藤精機合同会社")
    # a kanji name has no word of Latin letters: its reading is not written in it
    assert name_tokens("株式会社中川機工") == ()


def test_a_customer_number_glued_to_the_name_is_a_number_of_its_own() -> None:
    assert romanise("60044ﾜﾀﾅﾍﾞﾎﾟﾝﾌﾟ(ｶ").split() == ["60044", "WATANABEPONPU", "KABUSHIKIKAISHA"]
    assert name_tokens("0060025 ｶ)ﾜﾀﾅﾍﾞｾﾂﾋﾞ") == name_tokens("ワタナベセツビ")


def test_other_text_is_left_as_it_is() -> None:
    assert not has_kana("Société Générale")
    assert romanise("Société Générale") == "Société Générale"
    assert romanise("北京有限公司") == "北京有限公司"  # Chinese: no kana, no Japanese form
