"""Scoring a candidate allocation: its features, the rule-based score, and the scorer seam.

Each candidate allocation (a :class:`Hypothesis`: which items, which rows, for
which customer) is described by a fixed vector of features (:data:`FEATURES`):
the strength of the reference evidence, who paid, how the amount fits, dates,
signs of a non-customer transaction. The rule-based score adds up evidence in
log-odds, the way a clerk weighs it: a structured reference is worth more than
an invoice number, which is worth more than a bare serial; a known payer
account adds, an account known for another customer takes away; an exact
amount adds, an unexplained partial payment takes a little away. Its
confidence is the logistic of the sum.

A learned model (:mod:`encaisse.core.matching.learning`) is a
:class:`Scorer` that gives the log-odds instead; the rule-based score is the
fallback when an entity has none.

>>> f = dict.fromkeys(FEATURES, 0.0)
>>> f.update(ref_mean=9.0, ref_best=9.0, ref_coverage=1.0, ref_structured=1.0, fit_exact=1.0)
>>> round(confidence(rule_logit(vector(f))), 3)
0.998
>>> f.update(payer_iban_other=1.0)
>>> round(confidence(rule_logit(vector(f))), 3)
0.953
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
    "advance_words",
    "competitors",  # log2(1 + other customers with an exact-fitting allocation)
    "text_cut",  # the remittance text looks cut (140 characters, ends mid-list)
    "reserved",  # an item is proposed to a person for an earlier payment
    "unexplained_number",  # the text quotes something shaped like an invoice number, and not these items
)
_INDEX: Final = {name: i for i, name in enumerate(FEATURES)}


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
    g = f.__getitem__
    i = _INDEX
    score = -6.0
    # what the text says
    score += g(i["ref_mean"])
    coverage = g(i["ref_coverage"])
    if 0.0 < coverage < 1.0 and not g(i["text_cut"]):
        score -= 2.0 * (1.0 - coverage)  # items the text does not name, although it names others
    score -= min(2.0 * g(i["ref_other_strong"]), 6.0)
    if g(i["ref_other_strong"]) and (g(i["fit_over"]) or g(i["fit_duplicate"])):
        score -= 2.0  # money kept on account while the text names an open item left out
    # who paid
    payer = 0.0
    iban = g(i["payer_iban"])
    if iban > 0:
        payer += 3.0 + 0.5 * min(iban - 1.0, 3.0)
    if g(i["payer_iban_third"]) > 0:
        payer += 3.0
    name = g(i["payer_name"])
    if name > 0 and g(i["payer_name_other"]) >= name - 0.02 and iban == 0:
        name -= 0.1  # another party has the same name: the name alone cannot tell them apart
    if name >= 0.999:
        payer += 4.0  # the customer's name, word for word once legal form and case are set aside
    elif name >= 0.93:
        payer += 3.0
    elif name >= 0.85:
        payer += 2.0
    elif name >= 0.75:
        payer += 1.0
    third_name = g(i["payer_name_third"])
    if third_name >= 0.85:
        payer += 2.0
    payer = min(payer, 6.0)
    if payer <= 0.0:
        # a key several items share says little until the payer narrows it down
        score -= g(i["ref_ambiguity"])
    # a payer known as someone else: one penalty, however many signs say so
    if g(i["payer_iban_other"]) > 0 and iban == 0 and g(i["payer_iban_third"]) == 0:
        payer -= 3.0
    elif g(i["payer_name_other"]) >= 0.9 and name < 0.7 and third_name < 0.7 and iban == 0:
        payer -= 2.0
    score += payer
    # how the amount fits
    referenced = g(i["ref_coverage"]) > 0
    if g(i["fit_exact"]):
        # without a reference, one open item of exactly this amount is what identifies it
        score += 3.0 if referenced else 4.5 if g(i["ties"]) == 0 and not g(i["subset"]) else 4.0
    elif g(i["fit_discount"]):
        score += 2.5 if referenced else 3.0
    elif g(i["fit_charges"]):
        score += 2.0 - g(i["fit_charges"]) if referenced else 1.5 - g(i["fit_charges"])
    elif g(i["fit_explained"]):
        score += 0.5 + (1.0 if g(i["text_amount"]) else 0.0) + (0.5 if g(i["deduction_words"]) else 0.0)
        if not referenced:
            score -= 2.0
    elif g(i["fit_partial"]):
        share = g(i["fit_partial"])
        score += 0.5 if g(i["partial_words"]) else -1.0
        if share < 0.05:
            score -= 1.0
        if g(i["n_items"]) > 0:
            score -= 4.0  # which item stays open is a guess
        if not referenced:
            score -= 3.0
    elif g(i["fit_over"]):
        share = g(i["fit_over"])
        score -= 0.5 if share <= 0.02 else 1.5 if share <= 0.1 else 2.5
        if g(i["text_cut"]):
            score -= 4.0  # the text may have listed more items than it shows
        if not referenced:
            score -= 3.0
    elif g(i["fit_duplicate"]):
        score += 1.0 if referenced else -4.0
    else:
        score -= 4.0  # on account without anything fitting: an advance at best
        if g(i["advance_words"]):
            score += 1.5
    # allocations by amount alone
    if g(i["fifo_prefix"]):
        score += 1.0 - 0.25 * max(0.0, 2.0 ** g(i["n_items"]) - 2.0)
    elif g(i["subset"]):
        score -= 0.5 + 0.25 * max(0.0, 2.0 ** g(i["n_items"]) - 2.0)
        score -= 0.5 * max(0.0, g(i["subset_space"]) + 10.0)
    score -= 0.15 * g(i["ties"])  # equal items are broken first in, first out, as the rule says
    if g(i["reserved"]):
        score -= 1.0
    if g(i["unexplained_number"]):
        score -= 2.0
    if not referenced and g(i["habit_no_reference"]):
        score += 1.0
    score -= 1.0 * g(i["competitors"])
    if g(i["global_amount"]):
        score = min(score, 1.0)
    # dates
    if g(i["years_past_due"]) > 1.0:
        score -= 1.0
    # not a customer's payment
    if g(i["non_customer_hard"]):
        score -= 10.0
    elif g(i["non_customer_soft"]):
        score -= 2.0 if g(i["ref_structured"]) else 4.0
    return score


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
    features: tuple[float, ...] = ()
    logit: float = -99.0

    def items(self) -> tuple[int, ...]:
        """The items the allocation settles (invoice rows), in row order."""
        return tuple(item for kind, item, _, _ in self.rows if kind == AllocationKind.INVOICE)

    def signature(self) -> tuple[Row, ...]:
        return tuple(sorted(self.rows, key=lambda r: (str(r[0]), r[1], r[2], r[3] or "")))
