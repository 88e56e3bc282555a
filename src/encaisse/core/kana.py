"""Japanese names in kana, read in Latin letters.

A Japanese bank gives the remitter's name (振込依頼人名) as the Zengin
system carries it: half-width katakana (JIS X 0201), without small kana
("ﾁﾕｳﾌﾞ" for チュウブ), the legal form abbreviated to a mark before or after
the name ("ｶ)" or "(ｶ" for 株式会社, "ﾕ)" for 有限会社, "(ﾄﾞ" for 合同会社).
Receivables ledgers keep each customer's name in kanji with its reading in
katakana (取引先カナ名), written with small kana and in full width. Both come
out of :func:`romanise` the same: NFKC folds the widths and joins the voicing
marks, small kana are read as full-size ones (as Zengin writes them), the
legal forms become one word each, and the kana are written in Hepburn
romanisation, long vowels shortened as names are in Latin letters ("OSAKA",
"KOGYO").

>>> romanise("ｶ)ﾁﾕｳﾌﾞｾｲｻｸ")
'KABUSHIKIKAISHA CHUBUSEISAKU'
>>> romanise("株式会社中部製作 チュウブセイサク")
'KABUSHIKIKAISHA 中部製作 CHUBUSEISAKU'
>>> romanise("ﾅｶﾑﾗｼﾞﾕｳｺｳｷﾞﾖｳ(ｶ") == romanise("ナカムラジュウコウギョウ株式会社")
True
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["LEGAL_FORM_WORDS", "has_kana", "romanise"]

# the legal forms, each as the one word it becomes; a name's words (names.LEGAL_FORMS) leave them out
_FORMS: Final = {
    "株式会社": "KABUSHIKIKAISHA",
    "有限会社": "YUGENKAISHA",
    "合同会社": "GODOKAISHA",
    "合資会社": "GOSHIKAISHA",
    "合名会社": "GOMEIKAISHA",
    "相互会社": "SOGOKAISHA",
    "医療法人": "IRYOHOJIN",
    "一般社団法人": "SHADANHOJIN",
    "公益社団法人": "SHADANHOJIN",
    "社団法人": "SHADANHOJIN",
    "一般財団法人": "ZAIDANHOJIN",
    "公益財団法人": "ZAIDANHOJIN",
    "財団法人": "ZAIDANHOJIN",
    "学校法人": "GAKKOHOJIN",
    "社会福祉法人": "FUKUSHIHOJIN",
    "宗教法人": "SHUKYOHOJIN",
    "特定非営利活動法人": "NPOHOJIN",
    "税理士法人": "ZEIRISHIHOJIN",
    "弁護士法人": "BENGOSHIHOJIN",
    "監査法人": "KANSAHOJIN",
}
LEGAL_FORM_WORDS: Final = frozenset(_FORMS.values())
# the same forms in kana, written out ("カブシキガイシャ") or as the Zengin marks (全銀協 法人略語)
_KANA_FORMS: Final = {
    "カブシキガイシヤ": "KABUSHIKIKAISHA",
    "カブシキカイシヤ": "KABUSHIKIKAISHA",
    "ユウゲンガイシヤ": "YUGENKAISHA",
    "ユウゲンカイシヤ": "YUGENKAISHA",
    "ゴウドウガイシヤ": "GODOKAISHA",
    "ゴウドウカイシヤ": "GODOKAISHA",
}
_MARKS: Final = {
    "カ": "KABUSHIKIKAISHA",
    "ユ": "YUGENKAISHA",
    "ド": "GODOKAISHA",
    "シ": "GOSHIKAISHA",
    "メ": "GOMEIKAISHA",
    "ソ": "SOGOKAISHA",
    "イ": "IRYOHOJIN",
    "シヤ": "SHADANHOJIN",
    "ザイ": "ZAIDANHOJIN",
    "ガク": "GAKKOHOJIN",
    "フク": "FUKUSHIHOJIN",
    "シユウ": "SHUKYOHOJIN",
    "トクヒ": "NPOHOJIN",
    "ゼイ": "ZEIRISHIHOJIN",
    "ベン": "BENGOSHIHOJIN",
    "カンサ": "KANSAHOJIN",
}
_MARK: Final = "|".join(sorted(_MARKS, key=len, reverse=True))
# "ｶ)" before the name (or "(ｶ)"), "(ｶ" after it (its closing parenthesis cut or left out)
_MARK_BEFORE: Final = re.compile(rf"(?:^|(?<=[\s0-9(]))\(?({_MARK})\)")
_MARK_AFTER: Final = re.compile(rf"\(({_MARK})(?=$|[\s0-9)])")
_KANJI_FORM: Final = re.compile("|".join(sorted(_FORMS, key=len, reverse=True)))
_KANJI_MARK: Final = re.compile(r"\((株|有|同|資|名)\)")
_KANJI_MARKS: Final = {
    "株": "株式会社",
    "有": "有限会社",
    "同": "合同会社",
    "資": "合資会社",
    "名": "合名会社",
}
# a customer's number written before the name without a space ("60044ﾜﾀﾅﾍﾞﾎﾟﾝﾌﾟ(ｶ")
_DIGITS_GLUED: Final = re.compile(r"(?<=[0-9])(?=[\u3040-\u30ff])")
_KANA_FORM: Final = re.compile("|".join(_KANA_FORMS))

# Zengin has no small kana: a name written with them is read as the bank writes it
_SMALL: Final = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_HIRAGANA: Final = {code: code + 0x60 for code in range(0x3041, 0x3097)}

_ROWS: Final = {
    "": "アイウエオ",
    "K": "カキクケコ",
    "S": "サシスセソ",
    "T": "タチツテト",
    "N": "ナニヌネノ",
    "H": "ハヒフヘホ",
    "M": "マミムメモ",
    "R": "ラリルレロ",
    "G": "ガギグゲゴ",
    "Z": "ザジズゼゾ",
    "D": "ダヂヅデド",
    "B": "バビブベボ",
    "P": "パピプペポ",
}
_SYLLABLES: Final = {
    kana: consonant + vowel
    for consonant, row in _ROWS.items()
    for kana, vowel in zip(row, "AIUEO", strict=True)
}
_SYLLABLES.update(
    {
        "シ": "SHI", "チ": "CHI", "ツ": "TSU", "フ": "FU", "ジ": "JI", "ヂ": "JI", "ヅ": "ZU",
        "ヤ": "YA", "ユ": "YU", "ヨ": "YO", "ワ": "WA", "ヰ": "I", "ヱ": "E", "ヲ": "O", "ン": "N", "ヴ": "VU",
    }
)  # fmt: skip
# a kana of the i column before ya, yu or yo is one syllable (拗音), as Zengin writes キョ: "ｷﾖ"
_CONTRACTED: Final = {
    "キ": "KY", "ギ": "GY", "シ": "SH", "ジ": "J", "チ": "CH", "ヂ": "J", "ニ": "NY", "ヒ": "HY", "ビ": "BY",
    "ピ": "PY", "ミ": "MY", "リ": "RY",
}  # fmt: skip
_GLIDES: Final = {"ヤ": "A", "ユ": "U", "ヨ": "O"}
_PROLONGED: Final = "ー"


def has_kana(text: str) -> bool:
    """Whether ``text`` holds kana or a Japanese legal form: what :func:`romanise` changes."""
    return any("\u3040" <= ch <= "\u30ff" or "\uff66" <= ch <= "\uff9f" or ch in "株有社㈱㈲" for ch in text)


def romanise(text: str) -> str:
    """``text`` with its kana in Latin letters and its Japanese legal forms as one word each; other characters
    are left as they are (kanji too: their reading is not written)."""
    if not has_kana(text):
        return text
    text = _DIGITS_GLUED.sub(" ", unicodedata.normalize("NFKC", text).translate(_HIRAGANA))
    text = _KANJI_MARK.sub(lambda m: _KANJI_MARKS[m.group(1)], text)
    text = _KANJI_FORM.sub(lambda m: f" {_FORMS[m.group(0)]} ", text)
    text = text.translate(_SMALL)
    text = _KANA_FORM.sub(lambda m: f" {_KANA_FORMS[m.group(0)]} ", text)
    text = _MARK_BEFORE.sub(lambda m: f" {_MARKS[m.group(1)]} ", text)
    text = _MARK_AFTER.sub(lambda m: f" {_MARKS[m.group(1)]} ", text)
    return " ".join(_latin(text).split())


def _latin(text: str) -> str:
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        syllable = _SYLLABLES.get(ch)
        if syllable is None:
            out.append(" " if ch == "・" else "" if ch == _PROLONGED else ch)
            i += 1
            continue
        following = text[i + 1] if i + 1 < n else ""
        if ch in _CONTRACTED and following in _GLIDES:
            syllable = _CONTRACTED[ch] + _GLIDES[following]
            i += 1
        last = out[-1][-1:] if out else ""
        # long vowels as Latin names write them: おお, おう and うう one vowel ("OSAKA", "KOGYO", "CHUO")
        if not ((syllable in ("U", "O") and last == "O") or (syllable == "U" and last == "U")):
            out.append(syllable)
        i += 1
    return "".join(out)
