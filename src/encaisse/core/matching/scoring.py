"""Scoring a candidate allocation: its features, the rule-based score, and the scorer seam.

Each candidate allocation (a :class:`Hypothesis`: which items, which rows, for
which customer) is described by a fixed vector of features (:data:`FEATURES`):
the strength of the reference evidence, who paid, how the amount fits, dates,
signs of a non-customer transaction. The rule-based score adds up evidence in
log-odds, the way a clerk weighs it: a structured reference is worth more than
an invoice number, which is worth more than a bare serial; a known payer
account adds, an account known for another customer takes away (unless a
full reference and the exact amount agree: a third party pays); an exact
amount adds, an unexplained partial payment takes a little away; a certain
customer's one open item of the amount (or its oldest items, in order) is as
telling as an invoice number. Its confidence is the logistic of the sum.

A learned model (:mod:`encaisse.core.matching.learning`) is a
:class:`Scorer` that gives the log-odds instead; the rule-based score is the
fallback when an entity has none.

>>> f = dict.fromkeys(FEATURES, 0.0)
>>> f.update(ref_mean=9.0, ref_best=9.0, ref_coverage=1.0, ref_structured=1.0, fit_exact=1.0)
>>> round(confidence(rule_logit(vector(f))), 3)
0.998
>>> f.update(payer_iban_other=1.0)  # a third party pays the invoice the reference names, to the cent
>>> round(confidence(rule_logit(vector(f))), 3)
0.998
>>> f.update(fit_exact=0.0, fit_partial=0.6)  # a part of it, from an account known for someone else
>>> round(confidence(rule_logit(vector(f))), 3)
0.269
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol

from encaisse.core.matching.records import AllocationKind

__all__ = ["FEATURES", "Hypothesis", "RuleScorer", "Scorer", "confidence", "rule_logit", "vector"]

FEATURES: Final[tuple[str, ...]] = (
    "ref_best",  # strongest reference evidence on an item of the allocation (0-9)
    "ref_mean",  # mean over the items (unreferenced items count 0)
    "ref_coverage",  # share of the items with reference evidence
    "ref_structured",  # a structured reference (RF, OGM) names an item
    "ref_fuzzy",  # share of the items found only within one edit
    "ref_other_strong",  # strong references in the text to open items left out
    "ref_ambiguity",  # log2 of how many items the reference key fits
    "payer_iban",  # log2(1 + times the payer account paid for this customer)
    "payer_iban_third",  # the account belongs to a party paying for this customer
    "payer_iban_other",  # the account is known, but only for unrelated parties
    "payer_name",  # payer name similarity with the customer's names (0-1)
    "payer_name_third",  # with a party that pays for the customer
    "payer_name_other",  # best similarity with an unrelated party
    "payer_none",  # no payer name and no account given
    "fit_exact",
    "fit_discount",
    "fit_charges",  # residue / tolerance, or 5 × residue / open amount when larger
    "fit_explained",  # a deduction the text explains
    "fit_partial",  # share of the open amount paid
    "fit_over",  # share paid beyond the open amount
    "fit_duplicate",  # the items were already settled
    "n_items",  # log2 of the number of items
    "subset",  # found by subset sum
    "subset_space",  # log2 of the subsets per minor unit searched: above -10, coincidences are likely
    "fifo_prefix",  # the oldest open items of the customer, in order
    "ties",  # log2(1 + equivalent alternatives broken first in first out)
    "years_since_issue",
    "years_past_due",
    "non_customer_hard",
    "non_customer_soft",
    "global_amount",  # found by amount alone over the whole book
    "habit_no_reference",  # the customer usually pays without reference
    "text_amount",  # an amount in the text explains the difference
    "partial_words",
    "deduction_words",
    "advance_words",  # 1: the text speaks of an advance; 2: and names the order it pays for, with its number
    "competitors",  # log2(1 + other customers with an exact-fitting allocation)
    "text_cut",  # the remittance text looks cut (140 characters, ends mid-list)
    "reserved",  # an item is proposed to a person for an earlier payment
    "unexplained_number",  # the text quotes something shaped like an invoice number, and not these items
    "sole_bearer",  # the only customer whose name holds all of the payer's words with an item of the amount
    "number_other",  # the text writes another customer's number ("Kd.-Nr."), not this one's
    "fee_kept_back",  # bank charges, in a currency whose payers keep back the transfer fee (Japan's 振込手数料)
    "tax_withheld",  # 90 % or more paid, in a currency whose payers withhold tax at source (India's TDS)
    "equal_other",  # a part payment's customer has another open item of exactly the amount
)
_INDEX: Final = {name: i for i, name in enumerate(FEATURES)}
_ADVANCE_WORDS: Final = _INDEX["advance_words"]
_COMPETITORS: Final = _INDEX["competitors"]
_DEDUCTION_WORDS: Final = _INDEX["deduction_words"]
_FIFO_PREFIX: Final = _INDEX["fifo_prefix"]
_FIT_CHARGES: Final = _INDEX["fit_charges"]
_FIT_DISCOUNT: Final = _INDEX["fit_discount"]
_FIT_DUPLICATE: Final = _INDEX["fit_duplicate"]
_FIT_EXACT: Final = _INDEX["fit_exact"]
_FIT_EXPLAINED: Final = _INDEX["fit_explained"]
_FIT_OVER: Final = _INDEX["fit_over"]
_FIT_PARTIAL: Final = _INDEX["fit_partial"]
_GLOBAL_AMOUNT: Final = _INDEX["global_amount"]
_HABIT_NO_REFERENCE: Final = _INDEX["habit_no_reference"]
_NON_CUSTOMER_HARD: Final = _INDEX["non_customer_hard"]
_NON_CUSTOMER_SOFT: Final = _INDEX["non_customer_soft"]
_N_ITEMS: Final = _INDEX["n_items"]
_PARTIAL_WORDS: Final = _INDEX["partial_words"]
_PAYER_IBAN: Final = _INDEX["payer_iban"]
_PAYER_IBAN_OTHER: Final = _INDEX["payer_iban_other"]
_PAYER_IBAN_THIRD: Final = _INDEX["payer_iban_third"]
_PAYER_NAME: Final = _INDEX["payer_name"]
_PAYER_NAME_OTHER: Final = _INDEX["payer_name_other"]
_PAYER_NAME_THIRD: Final = _INDEX["payer_name_third"]
_PAYER_NONE: Final = _INDEX["payer_none"]
_REF_AMBIGUITY: Final = _INDEX["ref_ambiguity"]
_REF_COVERAGE: Final = _INDEX["ref_coverage"]
_REF_MEAN: Final = _INDEX["ref_mean"]
_REF_OTHER_STRONG: Final = _INDEX["ref_other_strong"]
_REF_STRUCTURED: Final = _INDEX["ref_structured"]
_RESERVED: Final = _INDEX["reserved"]
_SUBSET: Final = _INDEX["subset"]
_SUBSET_SPACE: Final = _INDEX["subset_space"]
_TEXT_AMOUNT: Final = _INDEX["text_amount"]
_TEXT_CUT: Final = _INDEX["text_cut"]
_TIES: Final = _INDEX["ties"]
_UNEXPLAINED_NUMBER: Final = _INDEX["unexplained_number"]
_SOLE_BEARER: Final = _INDEX["sole_bearer"]
_NUMBER_OTHER: Final = _INDEX["number_other"]
_FEE_KEPT_BACK: Final = _INDEX["fee_kept_back"]
_TAX_WITHHELD: Final = _INDEX["tax_withheld"]
_EQUAL_OTHER: Final = _INDEX["equal_other"]
_YEARS_PAST_DUE: Final = _INDEX["years_past_due"]
_REF_FUZZY: Final = _INDEX["ref_fuzzy"]


def vector(values: Mapping[str, float]) -> tuple[float, ...]:
    """A feature vector from a name → value mapping (missing names are 0)."""
    unknown = set(values) - set(_INDEX)
    if unknown:
        raise KeyError(f"unknown features: {sorted(unknown)}")
    return tuple(float(values.get(name, 0.0)) for name in FEATURES)


def confidence(logit: float) -> float:
    """The logistic function, in [0, 1]."""
    if logit >= 0:
        return 1.0 / (1.0 + math.exp(-logit))
    e = math.exp(logit)
    return e / (1.0 + e)


def rule_logit(f: Sequence[float]) -> float:
    """The rule-based log-odds that an allocation is right (see the module)."""
    score = -6.0
    # what the text says
    score += f[_REF_MEAN]
    coverage = f[_REF_COVERAGE]
    if 0.0 < coverage < 1.0 and not f[_TEXT_CUT]:
        score -= 2.0 * (1.0 - coverage)  # items the text does not name, although it names others
    score -= min(2.0 * f[_REF_OTHER_STRONG], 6.0)
    if f[_REF_OTHER_STRONG] and (f[_FIT_OVER] or f[_FIT_DUPLICATE]):
        score -= 2.0  # money kept on account while the text names an open item left out
    # who paid
    payer = 0.0
    iban = f[_PAYER_IBAN]
    if iban > 0:
        payer += 3.0 + 0.5 * min(iban - 1.0, 3.0)
    if f[_PAYER_IBAN_THIRD] > 0:
        payer += 3.0
    name = f[_PAYER_NAME]
    referenced = f[_REF_COVERAGE] > 0
    unique = f[_TIES] == 0 and not f[_SUBSET]
    # a full invoice number, unique in the book, says which items, and so whose they are
    named = (
        f[_REF_COVERAGE] == 1.0 and f[_REF_MEAN] >= 6.5 and f[_REF_AMBIGUITY] == 0.0 and f[_REF_FUZZY] == 0.0
    )
    # another party has the same name: the name alone cannot tell them apart, unless the number named does (and
    # no other customer's number is written), or the amount (no other candidate customer has an open item of
    # exactly this amount; equal items of this one are then broken first in, first out)
    told_apart = (named and not f[_NUMBER_OTHER]) or (
        f[_FIT_EXACT] and not referenced and not f[_SUBSET] and not f[_COMPETITORS]
    )
    if name > 0 and f[_PAYER_NAME_OTHER] >= name - 0.02 and iban == 0 and not told_apart:
        name -= 0.1
    if f[_SOLE_BEARER] and name >= 0.75 and iban == 0:
        # the payer's name in a bank's form ("MW M BAKKER-JANSEN", "G J KUSTERS") scores below the name as the
        # ledger writes it, yet only this customer bears all its words and has an item of the amount (also when
        # its name has a word more than a namesake's: "TURNER ROOFING" for Turner Roofing Services Ltd, whose
        # namesake Turner Roofing Ltd has no item of the amount)
        name = max(name, 0.93)
    if name >= 0.999:
        payer += 4.0  # the customer's name, word for word once legal form and case are set aside
    elif name >= 0.93:
        payer += 3.0
    elif name >= 0.85:
        payer += 2.0
    elif name >= 0.75:
        payer += 1.0
    third_name = f[_PAYER_NAME_THIRD]
    if third_name >= 0.85:
        payer += 2.0
    payer = min(payer, 6.0)
    # a certain customer: an account seen for it (or for a party paying for it), or its name and no namesake
    certain = payer >= 3.0
    if payer <= 0.0:
        # a key several items share says little until the payer narrows it down
        score -= f[_REF_AMBIGUITY]
    # the items named, and the amount to the cent (or the text giving what it kept back on them, and why: a public
    # accountant withholding a retention), say which items without the payer
    kept_back = named and f[_FIT_EXPLAINED] and f[_TEXT_AMOUNT] and f[_DEDUCTION_WORDS]
    # or the text calls it a part payment of the one invoice it names ("ACOMPTE N 1 SUR FACT FA-2026-11898")
    # (where payers withhold tax at source, an invoice named and paid short of a tenth at most says as much)
    said_part = f[_PARTIAL_WORDS] or f[_TAX_WITHHELD]
    stated_part = named and f[_FIT_PARTIAL] and said_part and not f[_N_ITEMS]
    agreed = named and (f[_FIT_EXACT] or f[_FIT_DISCOUNT] or kept_back or stated_part)
    # a payer known as someone else (one penalty, however many signs say so): unless the text and the amount
    # agree, when it is a third party paying for the customer
    if agreed:
        pass
    elif f[_PAYER_IBAN_OTHER] > 0 and iban == 0 and f[_PAYER_IBAN_THIRD] == 0:
        payer -= 3.0
    elif (
        f[_PAYER_NAME_OTHER] >= 0.9
        and name < 0.7
        and third_name < 0.7
        and iban == 0
        and not f[_PAYER_IBAN_THIRD]
    ):
        payer -= 2.0  # (an account known to pay for the customer says who paid, whatever name it holds)
    score += payer
    # how the amount fits
    first_in_first_out = False  # a certain customer's equal items, broken as the rule says
    if f[_FIT_EXACT]:
        # without a reference, one open item of exactly this amount is what identifies it
        score += 3.0 if referenced else 4.5 if unique else 4.0
        # equal items broken first in, first out: sound when no earlier payment of the customer waits for a
        # person and the text names no other number
        fifo = f[_TIES] > 0 and not f[_SUBSET] and not f[_RESERVED] and not f[_UNEXPLAINED_NUMBER]
        # one combination of the customer's items adds up to the amount, where a coincidence is unlikely
        rare = f[_SUBSET] and f[_TIES] == 0 and f[_SUBSET_SPACE] <= -10.0
        if not referenced and certain and (unique or fifo or rare):
            # a certain customer with one open item of this amount (or its oldest items, in order, or the one
            # combination adding up to it to the cent): as telling as an invoice number
            score += 2.5
            first_in_first_out = fifo
        elif (
            referenced
            and certain
            and fifo
            and f[_REF_COVERAGE] == 1.0
            and not f[_REF_FUZZY]
            and not f[_REF_OTHER_STRONG]
        ):
            # the number names equal items alike (the instalments of one document named without the instalment)
            # and the customer is certain: the oldest of them, as for equal items without a reference
            score += 1.5
            first_in_first_out = True
        elif f[_REF_FUZZY] == 1.0 and certain and not f[_REF_OTHER_STRONG]:
            # a number one character away from the certain customer's own item, paid to the cent: a typo
            score += 1.5
        elif (
            referenced
            and certain
            and unique
            and f[_REF_COVERAGE] == 1.0
            and not f[_REF_FUZZY]
            and not f[_REF_AMBIGUITY]
            and not f[_N_ITEMS]
            and not f[_REF_OTHER_STRONG]
            and not f[_UNEXPLAINED_NUMBER]
            and f[_REF_MEAN] < 6.5
        ):
            # the certain customer's one open item of the amount, which its text names by a shorter form ("INV
            # 8340" for TI-2025-08340): no less telling than the same payment without a word
            score += 1.5
        elif (
            not named
            and f[_REF_MEAN] >= (4.0 if f[_PAYER_NONE] else 5.0)  # no payer at all: nobody says otherwise
            and f[_REF_COVERAGE] == 1.0
            and not f[_REF_FUZZY]
            and not f[_REF_AMBIGUITY]
            and not f[_N_ITEMS]
            and not f[_REF_OTHER_STRONG]
            and not f[_UNEXPLAINED_NUMBER]
        ):
            # the number written otherwise, yet long enough to be the only item of its key ("IN12594" for
            # IN012594, "012070" without its prefix), and the amount to the cent: as telling as the full number
            # (never more), whoever paid (a payer known as someone else still takes away)
            score += 6.5 - f[_REF_MEAN]
    elif f[_FIT_DISCOUNT]:
        score += 2.5 if referenced else 3.0
    elif f[_FIT_CHARGES]:
        charges = f[_FIT_CHARGES]
        score += 2.0 - charges if referenced else 1.5 - charges
        if (
            f[_FEE_KEPT_BACK]
            and not referenced
            and certain
            and unique
            and charges <= _SMALL_CHARGES
            and not f[_REF_OTHER_STRONG]
            and not f[_UNEXPLAINED_NUMBER]
        ):
            # where payers keep back their bank's transfer fee (Japan: 振込手数料, a few hundred yen), a certain
            # customer's one open item paid less such a fee is as telling as one paid to the yen; elsewhere a
            # short payment without a reference may be anything (SEPA deducts no charges on the way)
            score += 4.5
    elif f[_FIT_EXPLAINED]:
        score += 0.5 + (1.0 if f[_TEXT_AMOUNT] else 0.0) + (0.5 if f[_DEDUCTION_WORDS] else 0.0)
        if not referenced:
            score -= 2.0
        elif kept_back and not certain:
            score += 1.0  # the payer need not be known, as for an invoice named and paid to the cent
        elif (
            certain
            and f[_DEDUCTION_WORDS]
            and f[_REF_MEAN] >= 4.0
            and f[_REF_COVERAGE] == 1.0
            and not f[_REF_FUZZY]
            and not f[_REF_AMBIGUITY]
            and not f[_N_ITEMS]
            and not f[_REF_OTHER_STRONG]
            and not f[_UNEXPLAINED_NUMBER]
        ):
            # the certain customer's one item, named by a shorter form only it has ("5388 RETENTION 5%" for
            # INV-05388), and what it kept back said: as telling as the full number
            score += max(0.0, 6.5 - f[_REF_MEAN])
    elif f[_FIT_PARTIAL]:
        share = f[_FIT_PARTIAL]
        score += 0.5 if said_part else -1.0
        if stated_part and not certain:
            score += 2.0  # a part payment of the invoice named, whoever paid (docs/cashapp.md)
        one_item = (
            f[_REF_COVERAGE] == 1.0
            and not f[_REF_FUZZY]
            and not f[_REF_AMBIGUITY]
            and not f[_N_ITEMS]
            and not f[_REF_OTHER_STRONG]
            and not f[_UNEXPLAINED_NUMBER]
            and not f[_EQUAL_OTHER]
            and not f[_DEDUCTION_WORDS]
            and share >= 0.05
        )
        if certain and one_item and f[_REF_MEAN] >= (3.0 if said_part else 5.0):
            # the certain customer pays less than the one item of its own that the text names, no other item of
            # its is of the amount and the text speaks of no deduction: the residue is left open, as the export
            # contract says of an unexplained residue. A number written otherwise ("INV NO 14033" for INV-14033)
            # names its item as the full number does when it is the only item of its key; a part payment the
            # text calls one, or one where payers withhold tax at source, may name the item by its serial
            score += 1.5 + (max(0.0, 4.0 - f[_REF_MEAN]) if said_part else max(0.0, 6.5 - f[_REF_MEAN]))
        elif f[_PAYER_NONE] and named and one_item and not said_part:
            # no payer at all (a bank's "ACB CREDIT IN010513"): the one invoice the text names in full, paid in
            # part, is that invoice's part payment; nothing says it is anyone else's money
            score += 3.5
        if share < 0.05:
            score -= 1.0
        if f[_N_ITEMS] > 0:
            score -= 4.0  # which item stays open is a guess
        if not referenced:
            score -= 3.0
    elif f[_FIT_OVER]:
        share = f[_FIT_OVER]
        if certain and f[_REF_COVERAGE] == 1.0 and f[_N_ITEMS] == 0 and not f[_REF_OTHER_STRONG]:
            # the one invoice named is paid in full by its customer; only the excess is left on account (however
            # the number is written: the customer is certain and the number names one of its items only)
            score += (1.0 if not f[_REF_FUZZY] else -0.5) if share <= 0.5 else -1.5
            if f[_TEXT_AMOUNT] and not f[_REF_FUZZY] and share <= 0.5:
                # the text gives the item's amount and what was paid on top (late interest and a fine on a boleto)
                score += 1.0
        else:
            score -= 0.5 if share <= 0.02 else 1.5 if share <= 0.1 else 2.5
        if f[_TEXT_CUT]:
            score -= 4.0  # the text may have listed more items than it shows
        if not referenced:
            score -= 3.0
    elif f[_FIT_DUPLICATE]:
        score += 1.0 if referenced else -4.0
    else:
        score -= 4.0  # on account without anything fitting: an advance at best
        if f[_ADVANCE_WORDS]:
            score += 1.5
            own_account = (
                iban > 0 and name >= 0.85 and f[_PAYER_IBAN_OTHER] == 0 and f[_PAYER_NAME_OTHER] < name
            )
            if own_account and not referenced and not f[_REF_OTHER_STRONG] and not f[_UNEXPLAINED_NUMBER]:
                # the customer's own account, under its name, says it pays in advance ("Anzahlung Auftrag …")
                # and names no open item: what the contract puts on account
                score += 6.5
            elif (
                f[_ADVANCE_WORDS] >= 2.0
                and name >= 0.93
                and iban == 0
                and f[_PAYER_IBAN_OTHER] == 0
                and f[_PAYER_NAME_OTHER] < 0.85
                and not referenced
                and not f[_REF_OTHER_STRONG]
                and not f[_UNEXPLAINED_NUMBER]
            ):
                # no account on file (a country whose accounts are no IBAN), but the customer's name and no other
                # party's, an advance and the order it pays for ("ADVANCE PAYMENT ORDER 4590434"): on account
                score += 9.0
    # allocations by amount alone
    if f[_FIFO_PREFIX]:
        score += 1.0 - 0.25 * max(0.0, 2.0 ** f[_N_ITEMS] - 2.0)
    elif f[_SUBSET]:
        score -= 0.5 + 0.25 * max(0.0, 2.0 ** f[_N_ITEMS] - 2.0)
        score -= 0.5 * max(0.0, f[_SUBSET_SPACE] + 10.0)
    if not first_in_first_out:
        score -= 0.15 * f[_TIES]  # which of equal items is meant, the payer's customer not certain
    if f[_RESERVED]:
        score -= 1.0
    if f[_UNEXPLAINED_NUMBER]:
        score -= 2.0
    if not referenced and f[_HABIT_NO_REFERENCE]:
        score += 1.0
    score -= 1.0 * f[_COMPETITORS]
    if f[_GLOBAL_AMOUNT]:
        score = min(score, 1.0)
    # dates
    if f[_YEARS_PAST_DUE] > 1.0:
        score -= 1.0
    # not a customer's payment
    if f[_NON_CUSTOMER_HARD]:
        score -= 10.0
    elif f[_NON_CUSTOMER_SOFT]:
        score -= 2.0 if f[_REF_STRUCTURED] else 4.0
    return score


# a transfer fee: a quarter of the charge tolerance at most (and a twentieth of the items)
_SMALL_CHARGES: Final = 0.25


class Scorer(Protocol):
    """Gives the log-odds of candidate allocations from their feature vectors."""

    name: str

    def logits(self, features: Sequence[Sequence[float]]) -> list[float]: ...


class RuleScorer:
    """The rule-based score (:func:`rule_logit`)."""

    name = "rules"

    def logits(self, features: Sequence[Sequence[float]]) -> list[float]:
        return [rule_logit(f) for f in features]


Row = tuple[AllocationKind, int, int, str | None]  # kind, item (-1 for none), minor units, reason


@dataclass(slots=True)
class Hypothesis:
    """A candidate allocation of one transaction, with its evidence."""

    customer: int
    rows: list[Row]
    fit: str
    source: str
    ties: int = 0
    subset_space: float = 0.0
    prefix: bool = False
    notes: list[str] = field(default_factory=list)
    netted: tuple[int, ...] = ()  # credit notes of the customer the payer took off without naming them
    held: str = ""  # why a person decides, however likely the allocation ("the month named was paid")
    features: tuple[float, ...] = ()
    logit: float = -99.0
    settled: tuple[int, ...] | None = field(default=None, repr=False, compare=False)  # items(), once

    def items(self) -> tuple[int, ...]:
        """The items the allocation settles (invoice rows), in row order (the rows do not change)."""
        found = self.settled
        if found is None:
            found = self.settled = tuple(
                item for kind, item, _, _ in self.rows if kind == AllocationKind.INVOICE
            )
        return found

    def signature(self) -> tuple[Row, ...]:
        return tuple(sorted(self.rows, key=lambda r: (str(r[0]), r[1], r[2], r[3] or "")))
