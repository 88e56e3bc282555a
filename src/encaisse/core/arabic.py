"""Arabic names: the script in Latin letters, and one spelling for the ways Latin letters write a name.

Banks in the Gulf and North Africa give a payer's name as its bank has it: in Arabic script (a Saudi bank's
remitter name, "مؤسسة خالد العتيبي للتجارة") or in one of several transliterations of the same name
("Mohammed", "Mohamed", "Muhammad", "Mohd"; "Abdul Rahman", "Abdulrahman", "Abdelrahman"; "Al-Otaibi",
"Al Otaibi", "Alotaibi", "El-Gamal"). :func:`romanise` writes Arabic script in Latin letters (the consonants and
long vowels as they are written, the common words of a company's name by their English words, the legal forms by
their abbreviation), so that a name on file in Arabic matches the payer's name in Arabic, and approaches its
Latin spelling; :func:`canonical` gives one spelling of a Latin-written word of a name.

>>> romanise("مؤسسة خالد العتيبي للتجارة")
'EST KHALD ALTIBI TRADING'
>>> canonical(["MOHAMED", "ABDEL", "RAHMAN", "AL", "OTAIBI"])
['MUHAMMAD', 'ABDRAHMAN', 'ALOTAIBI']
>>> canonical(["ABDULRAHMAN", "ALOTAIBI"])
['ABDRAHMAN', 'ALOTAIBI']
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["canonical", "has_arabic", "romanise"]

_ARABIC: Final = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LETTERS: Final = {
    "ا": "A", "أ": "A", "إ": "I", "آ": "A", "ٱ": "A", "ب": "B", "ت": "T", "ث": "TH", "ج": "J", "ح": "H", "خ": "KH",
    "د": "D", "ذ": "DH", "ر": "R", "ز": "Z", "س": "S", "ش": "SH", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "ع": "",
    "غ": "GH", "ف": "F", "ق": "Q", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H", "ة": "A", "ى": "A", "ء": "",
    "ئ": "", "ؤ": "", "پ": "P", "چ": "CH", "گ": "G", "ڤ": "V", "ی": "I", "ک": "K",
}  # fmt: skip
# words of a company's name, by the English word a Latin name writes (with the article, or "for the": "للتجارة")
_WORDS: Final = {
    "شركة": "CO", "شركه": "CO", "مؤسسة": "EST", "مؤسسه": "EST", "مجموعة": "GROUP", "مصنع": "FACTORY",
    "مكتب": "OFFICE", "تجارة": "TRADING", "التجارة": "TRADING", "التجارية": "TRADING", "تجارية": "TRADING",
    "مقاولات": "CONTRACTING", "المقاولات": "CONTRACTING", "العامة": "GENERAL", "عامة": "GENERAL",
    "الصناعية": "INDUSTRIAL", "صناعية": "INDUSTRIAL", "الصناعة": "INDUSTRIES", "الكهربائية": "ELECTRICAL",
    "كهربائية": "ELECTRICAL", "الكهربائيه": "ELECTRICAL", "الأدوات": "TOOLS", "أدوات": "TOOLS", "العدد": "TOOLS",
    "مواد": "MATERIALS", "البناء": "BUILDING", "بناء": "BUILDING", "التكييف": "AIR CONDITIONING",
    "تكييف": "AIR CONDITIONING", "المعدات": "EQUIPMENT", "معدات": "EQUIPMENT", "الهندسية": "ENGINEERING",
    "هندسية": "ENGINEERING", "خدمات": "SERVICES", "الخدمات": "SERVICES", "الحديد": "STEEL", "حديد": "STEEL",
    "الصحية": "SANITARY", "الأدوات الصحية": "SANITARY WARE", "المحدودة": "LTD", "محدودة": "LTD", "إخوان": "BROTHERS",
    "الاخوان": "BROTHERS", "وأولاده": "SONS", "واولاده": "SONS", "الدولية": "INTERNATIONAL", "دولية": "INTERNATIONAL",
    "المتحدة": "UNITED", "الوطنية": "NATIONAL", "الحديثة": "MODERN", "المتقدمة": "ADVANCED",
}  # fmt: skip
# legal forms written with dots between their letters: limited liability, joint-stock companies (Gulf, Egypt)
_FORMS: Final = (
    (re.compile(r"ذ\s?\.?\s?م\s?\.?\s?م\.?"), " LLC "),
    (re.compile(r"ش\s?\.?\s?م\s?\.?\s?م\.?"), " LLC "),
    (re.compile(r"ش\s?\.?\s?م\s?\.?\s?ع\.?"), " PJSC "),
    (re.compile(r"ش\s?\.?\s?م\s?\.?\s?ك\.?"), " PJSC "),
    (re.compile(r"ش\s?\.?\s?م\s?\.?\s?ب\.?"), " BSC "),
    (re.compile(r"ذ\s?\.?\s?م\s?\.?\s?ح\.?"), " WLL "),
)
# "tools and implements", a hardware shop's trade in its Arabic name ("مؤسسة … للعدد والأدوات": … Hardware Est.)
_HARDWARE: Final = re.compile(r"(?:لل|ال)?عدد\s+و\s?(?:ال)?[أا]دوات")
_DIACRITICS: Final = re.compile(r"[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # short vowels, shadda, tatweel


def has_arabic(text: str) -> bool:
    """Whether ``text`` holds Arabic script."""
    return _ARABIC.search(text) is not None


def romanise(text: str) -> str:
    """``text`` with its Arabic words in Latin letters (see the module); other characters are left as they are."""
    if not has_arabic(text):
        return text
    text = _DIACRITICS.sub("", unicodedata.normalize("NFKC", text))
    for pattern, form in _FORMS:
        text = pattern.sub(form, text)
    text = _HARDWARE.sub(" HARDWARE ", text)
    return " ".join(_word(word) for word in text.split())


def _word(word: str) -> str:
    if not has_arabic(word):
        return word
    found = _WORDS.get(word)
    if found:
        return found
    # "and" (و) and "for the" (لل) glued before a word: the word ("والأدوات", "للتجارة")
    for prefix, article in (("وال", "ال"), ("لل", "ال"), ("بال", "ال")):
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            rest = article + word[len(prefix) :]
            return _WORDS.get(rest) or _letters(rest)
    # "for", "and", "with" glued before a word of a company's name ("لمواد": for materials)
    if word[0] in "لوب" and word[1:] in _WORDS:
        return _WORDS[word[1:]]
    return _letters(word)


def _letters(word: str) -> str:
    """The word letter by letter: و and ي as the vowels U and I within a word, W and Y at its start."""
    out: list[str] = []
    for i, ch in enumerate(word):
        if ch == "و":
            out.append("W" if i == 0 else "U")
        elif ch == "ع" and i == 0:
            out.append("A")  # a word's first ʿayn is written A in Latin names: "Abd", "Ali", "Adel", "Aziz"
        elif ch in "يی":
            out.append("Y" if i == 0 else "I")
        else:
            out.append(_LETTERS.get(ch, ch))
    return "".join(out)


# one spelling of the given names and words that transliterations write otherwise
_SPELLINGS: Final = {
    name: canonical
    for canonical, names in {
        "MUHAMMAD": "MOHAMMED MOHAMED MOHAMMAD MOHAMAD MUHAMMED MUHAMAD MOHAMMEDA MOHD MHD MHMD MOHAMUD MUHAMMET",
        "AHMAD": "AHMED AHMET", "MAHMUD": "MAHMOUD MAHMOOD", "KHALID": "KHALED KHALD", "YUSUF": "YOUSEF YOUSSEF YOUSUF "
        "YOUSIF YUSSUF YUSEF YOSEF YOUSSOUF", "HUSAYN": "HUSSEIN HUSSAIN HUSAIN HUSEIN HOSSEIN HUSSEYN", "HASAN": "HASSAN",
        "UMAR": "OMAR OMER", "UTHMAN": "OTHMAN OSMAN", "SULAYMAN": "SULAIMAN SULEIMAN SOLIMAN SULEYMAN SOLIMANE",
        "IBRAHIM": "EBRAHIM IBRAHEEM", "ISMAIL": "ISMAEL ISMAEEL", "YASIR": "YASSER YASER YASSIR", "TARIQ": "TAREK TARIK "
        "TAREQ", "NASIR": "NASSER NASER NASSIR NASR", "SAID": "SAEED SAEID SAIED", "FAYSAL": "FAISAL FAYCAL", "MUSTAFA":
        "MOSTAFA MUSTAPHA MOUSTAFA", "WALID": "WALEED", "SALIH": "SALEH", "FAHD": "FAHAD", "MAJID": "MAJED", "RASHID":
        "RASHED", "NABIL": "NABEEL", "ADIL": "ADEL", "ZAYD": "ZAYED ZAID", "NUR": "NOUR NOOR", "KARIM": "KAREEM",
        "HAMID": "HAMED", "ABBAS": "ABAS", "YAHYA": "YEHIA YAHIA", "MUNIR": "MOUNIR MUNEER", "JAMIL": "JAMEEL",
    }.items()
    for name in names.split()
}  # fmt: skip
# "Abdul", "Abdel", "Abd al", "Abdoul" before a name: one prefix
_ABD: Final = re.compile(r"^ABD(?:UL|EL|OUL|AL|OL|U|E|A)?(?=[A-Z]{3,}$)")
_ARTICLES: Final = frozenset({"AL", "EL"})


def canonical(words: list[str]) -> list[str]:
    """Words of a name in one spelling: the article joined to its word ("AL OTAIBI" and "EL OTAIBI" are "ALOTAIBI",
    as many write it), "Abdul"/"Abdel" joined to the name it begins and written "ABD", given names in one transliteration."""
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        word = words[i]
        nxt = words[i + 1] if i + 1 < n else ""
        if (
            nxt
            and len(nxt) >= 3
            and nxt.isalpha()
            and (word in _ARTICLES or word in ("ABD", "ABDUL", "ABDEL"))
        ):
            # Egypt's and the Maghreb's "El-" is the article "Al-": "EL KHALEEJ" is ALKHALEEJ
            word = ("AL" if word == "EL" else word) + nxt
            i += 1
        out.append(_spelling(word))
        i += 1
    return out


def _spelling(word: str) -> str:
    if word[:2] in _ARTICLES and len(word) > 4:
        rest = word[2:]
        found = _SPELLINGS.get(rest)
        return word[:2] + found if found else word
    if word.startswith("ABD") and len(word) > 5:
        word = _ABD.sub("ABD", word)
        return word
    return _SPELLINGS.get(word, word)
