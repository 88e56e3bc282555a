"""The cash-application engine: from a bank credit to allocations, by candidates and scores.

For each transaction, in booking order (statement, entry, transaction):

1. **Read** it (:func:`~encaisse.core.matching.candidates.read_transaction`):
   structured references, invoice-number candidates, amounts and words in
   the text, signs it is not a customer's payment.
2. **Find candidates** through the book's indexes only: references and
   number variants → items (and their one-edit neighbours when nothing exact
   fits), payer account and payer name → parties → the customers they pay
   for, (customer, amount) → items, subsets of a customer's open items that
   add up to the amount, and amount → items over the whole book as a last
   resort. Nothing compares a transaction with every item.
3. **Build allocations** (:class:`~encaisse.core.matching.scoring.Hypothesis`)
   by the accounting rules: exact; short by bank charges within the
   tolerance, by an early-payment discount per the terms, or by a deduction the
   text explains (a negative ``deduction`` row on the invoice it closes);
   otherwise partial (the invoice stays open); overpaid or paid twice (the
   excess ``on_account``); never across currencies, never on an item issued
   after the value date. Equal alternatives are broken first in first out
   (oldest due date, oldest issue date, lowest number) and the explanation
   says so; items proposed to a person for an earlier payment come last,
   and while an earlier payment of the same customer waits for a person,
   such a choice is only proposed.
4. **Score** each allocation (rule-based log-odds, or a learned model) and
   **decide**: ``applied`` when the best is confident enough *and* clearly
   ahead of the next; ``suggested`` when it is worth a person's look;
   otherwise ``unmatched``. Non-customer transactions are never applied.
5. **Consume** the open amounts an applied decision settles, so that two
   payments never settle the same open amount. Matching a transaction again
   returns the decision already taken.

>>> from datetime import date
>>> from decimal import Decimal
>>> from encaisse.core.matching.records import CreditTransaction, OpenItem, Party
>>> items = [OpenItem("i1", "INV-2026-0042", "c1", "EUR", Decimal("100.00"), Decimal("100.00"),
...                   date(2026, 1, 5), date(2026, 2, 4))]
>>> engine = Engine(Book.build(items, [Party("c1", "Acme SA")]))
>>> d = engine.match(CreditTransaction("T1", Decimal("98.00"), "EUR", date(2026, 2, 1),
...     counterparty_name="ACME S.A.", remittance_lines=("Invoice 2026/42",)))
>>> d.status.value, [(a.kind.value, a.amount) for a in d.allocations]
('applied', [('invoice', Decimal('100.00')), ('deduction', Decimal('-2.00'))])
>>> engine.open_amount("i1")
Decimal('0.00')
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Final

from rapidfuzz.distance import OSA

from encaisse.core.invoice_numbers import (
    VariantKind,
    fold,
    mask_dates_and_amounts,
    normalise,
    segments,
    variant_keys,
)
from encaisse.core.matching import parallel
from encaisse.core.matching.candidates import (
    Remitted,
    TextEvidence,
    exchange_house,
    is_date_near,
    names_in_text,
    network_payer_names,
    read_transaction,
    transaction_text,
)
from encaisse.core.matching.explain import describe_amount, describe_payer, describe_reference
from encaisse.core.matching.index import Book, compact_iban, to_minor
from encaisse.core.matching.learning import AliasStore
from encaisse.core.matching.records import (
    FEES_KEPT_BACK,
    TAX_WITHHELD,
    Allocation,
    AllocationKind,
    CandidateFeatures,
    CreditTransaction,
    Decision,
    MatchSettings,
    Proposal,
    Status,
    charge_tolerance,
)
from encaisse.core.matching.scoring import FEATURES, Hypothesis, Row, RuleScorer, Scorer, confidence
from encaisse.core.matching.subset import MAX_ITEMS, subset_sums
from encaisse.core.money import minor_unit
from encaisse.core.names import joint_names

__all__ = ["Analysis", "Engine", "RefHit"]

_OTHER_ITEMS_MAX: Final = 300  # of a customer's items, first in first out, tried as what an excess is
_MONTH_PAID_ITEMS: Final = 300  # of a customer's items, searched for a month named and paid
_TRIPLES_MAX: Final = 60  # three items at a time only among so few
# namesakes of a payer looked at for an open item of the amount
_BEARERS_CAP: Final = 50
# a name more customers bear tells nobody apart: neither rivals nor the sole bearer of an amount
_NAMESAKES_TOLD_APART: Final = 12
# an account on file for customers of this many families pays for others (see Engine.paying_agent)
_PAYING_AGENT: Final = 3
# how well a name in a paying agent's text must match one of the customers it is on file for
_AGENT_NAMED: Final = 0.93
# a customer's number before the payer's name (Engine._coded), and how well the rest must be that customer's name
_CODE_BEFORE_NAME: Final = re.compile(r"([0-9]{3,12})(?:\s|(?=[^\x00-\x7f]))")
_CODED_NAME: Final = 0.8

_F: Final = {name: i for i, name in enumerate(FEATURES)}
_F_REF_BEST: Final = _F["ref_best"]
_F_REF_MEAN: Final = _F["ref_mean"]
_F_REF_COVERAGE: Final = _F["ref_coverage"]
_F_REF_STRUCTURED: Final = _F["ref_structured"]
_F_REF_FUZZY: Final = _F["ref_fuzzy"]
_F_REF_OTHER_STRONG: Final = _F["ref_other_strong"]
_F_REF_AMBIGUITY: Final = _F["ref_ambiguity"]
_F_PAYER_IBAN: Final = _F["payer_iban"]
_F_PAYER_IBAN_THIRD: Final = _F["payer_iban_third"]
_F_PAYER_IBAN_OTHER: Final = _F["payer_iban_other"]
_F_PAYER_NAME: Final = _F["payer_name"]
_F_PAYER_NAME_THIRD: Final = _F["payer_name_third"]
_F_PAYER_NAME_OTHER: Final = _F["payer_name_other"]
_F_PAYER_NONE: Final = _F["payer_none"]
_F_FIT_EXACT: Final = _F["fit_exact"]
_F_FIT_DISCOUNT: Final = _F["fit_discount"]
_F_FIT_CHARGES: Final = _F["fit_charges"]
_F_FIT_EXPLAINED: Final = _F["fit_explained"]
_F_FIT_PARTIAL: Final = _F["fit_partial"]
_F_FIT_OVER: Final = _F["fit_over"]
_F_FIT_DUPLICATE: Final = _F["fit_duplicate"]
_F_N_ITEMS: Final = _F["n_items"]
_F_SUBSET: Final = _F["subset"]
_F_SUBSET_SPACE: Final = _F["subset_space"]
_F_FIFO_PREFIX: Final = _F["fifo_prefix"]
_F_TIES: Final = _F["ties"]
_F_YEARS_SINCE_ISSUE: Final = _F["years_since_issue"]
_F_YEARS_PAST_DUE: Final = _F["years_past_due"]
_F_NON_CUSTOMER_HARD: Final = _F["non_customer_hard"]
_F_NON_CUSTOMER_SOFT: Final = _F["non_customer_soft"]
_F_GLOBAL_AMOUNT: Final = _F["global_amount"]
_F_HABIT_NO_REFERENCE: Final = _F["habit_no_reference"]
_F_TEXT_AMOUNT: Final = _F["text_amount"]
_F_PARTIAL_WORDS: Final = _F["partial_words"]
_F_DEDUCTION_WORDS: Final = _F["deduction_words"]
_F_ADVANCE_WORDS: Final = _F["advance_words"]
_F_COMPETITORS: Final = _F["competitors"]
_F_TEXT_CUT: Final = _F["text_cut"]
_ORIGINS: Final = {  # where a number was read
    "e2e": "the end-to-end id",
    "partial": "a number cut short",
    "zeros": "the number without its leading zeros",
    "reordered": "the serial written before its year",
    "century": "a year written in two digits",
}
# other readings of what is written (invoice_numbers.candidates): looked up only where the numbers as written named
# nothing, since a padding or a year written otherwise differs from a typo only by the payer's habits
_OTHER_READINGS: Final = frozenset({"zeros", "reordered", "century"})
_PART_READINGS: Final = frozenset({"plain", "list", "year"})


def _some_make(amounts: list[int], total: int) -> bool:
    """Whether two or three of ``amounts`` add up to ``total``."""
    return any(
        sum(combination) == total for size in (2, 3) for combination in itertools.combinations(amounts, size)
    )


def _part_of(key: str, whole: str) -> bool:
    """Whether ``key`` is a part of ``whole``, or ``whole`` with a run of its characters left out: "NGINV2026",
    "2026", "0786", "NGINV0786" and "260786" of "NGINV20260786"."""
    if len(key) >= len(whole):
        return False
    return key in whole or any(
        whole.startswith(key[:i]) and whole.endswith(key[i:]) for i in range(1, len(key))
    )


_ACH_ADDENDA: Final = 80  # characters of an ACH addenda record's payment related information
_F_RESERVED: Final = _F["reserved"]
_F_UNEXPLAINED_NUMBER: Final = _F["unexplained_number"]
_F_SOLE_BEARER: Final = _F["sole_bearer"]
_F_NUMBER_OTHER: Final = _F["number_other"]
_F_FEE_KEPT_BACK: Final = _F["fee_kept_back"]
_F_TAX_WITHHELD: Final = _F["tax_withheld"]
_F_EQUAL_OTHER: Final = _F["equal_other"]
_NUMBER_SHAPE: Final = re.compile(r"^[A-Z]{0,8}[0-9]{5,}$")
# a year, or a month and its year ("03/2026", "2026-03"): a period, not a number
_PERIOD: Final = re.compile(r"^(?:(?:0[1-9]|1[0-2])?(?:19|20)[0-9]{2}|(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2]))$")
_NO_ITEM: Final = -1
_SERIAL: Final = re.compile(r"[0-9]{4,}$")  # the last digits of an invoice number, as written
_SERIAL_ANY: Final = re.compile(r"[0-9]+$")
_SHORT_NUMBER: Final = re.compile(r"(?<![0-9A-Z])[0-9]{1,4}(?![0-9])")  # a number of its own, in folded text
# a number the text introduces as an invoice's (folded text)
# months as payers name them ("huur maart", "loyer mars", "Miete März", "rent for March", "03-2026"): equal
# items (a rent, a subscription) are then the month's, not the oldest
_MONTH_WORDS: Final = {
    word: n
    for n, words in enumerate(
        (
            "JANUARI JANVIER JANUAR JANUARY ENERO GENNAIO JAN JANV STYCZEN STYCZNIA LEDEN LEDNA JANUARA",
            "FEBRUARI FEVRIER FEBRUAR FEBRUARY FEBRERO FEBBRAIO FEB FEBR FEV FEVR LUTY LUTEGO UNOR UNORA FEBRUARA",
            "MAART MARS MARZ MAERZ MARCH MARZO MRT MAR MARZEC MARCA BREZEN BREZNA MAREC MARCIUS MARCIUSI",
            "APRIL AVRIL APRILE ABRIL APR AVR KWIECIEN KWIETNIA DUBEN DUBNA APRILA APRILIS APRILISI",
            "MEI MAI MAY MAYO MAGGIO MAJ KVETEN KVETNA MAJUS MAJUSI",
            "JUNI JUIN JUNE JUNIO GIUGNO JUN CZERWIEC CZERWCA CERVEN CERVNA JUNA JUNIUS JUNIUSI",
            "JULI JUILLET JULY JULIO LUGLIO JUL JUIL LIPIEC LIPCA CERVENEC CERVENCE JULA JULIUS JULIUSI",
            "AUGUSTUS AOUT AUGUST AGOSTO AUG SIERPIEN SIERPNIA SRPEN SRPNA AUGUSTA AUGUSZTUS AUGUSZTUSI",
            "SEPTEMBER SEPTEMBRE SEPTIEMBRE SETTEMBRE SEP SEPT WRZESIEN WRZESNIA ZARI SEPTEMBRA SZEPTEMBER SZEPTEMBERI",
            "OKTOBER OCTOBRE OCTOBER OCTUBRE OTTOBRE OKT OCT PAZDZIERNIK PAZDZIERNIKA RIJEN RIJNA OKTOBRA OKTOBERI",
            "NOVEMBER NOVEMBRE NOVIEMBRE NOV LISTOPAD LISTOPADA LISTOPADU NOVEMBRA NOVEMBERI",
            "DECEMBER DECEMBRE DEZEMBER DICIEMBRE DICEMBRE DEC DEZ GRUDZIEN GRUDNIA PROSINEC PROSINCE DECEMBRA DECEMBERI",
        ),
        start=1,
    )
    for word in words.split()
}
# words of a periodic charge: beside them a month ("huur maart", "loyer mars", "Miete 03/26") is the charge's month;
# alone ("Zahlung March 2026", "03/2026") it may be any period of the payer's (the payment's month, a payment run)
_PERIOD_WORDS: Final = re.compile(
    r"\b(?:HUUR|HUURPENNINGEN|LOYER|LOYERS|MIETE|KALTMIETE|WARMMIETE|RENT|RENTAL|AFFITTO|ALQUILER|ALUGUER|HYRA|"
    r"HUSLEIE|VUOKRA|MAAND|MAANDELIJKS|MOIS|MENSUALITE|MONAT|MONATSMIETE|MONTH|MONTHLY|MESE|MES|TERMIJN|ECHEANCE|"
    r"RATE|INSTALMENT|INSTALLMENT|ABONNEMENT|SUBSCRIPTION|LEASING|LEASE|SERVICEKOSTEN|CHARGES|NEBENKOSTEN|"
    # Polish, Czech, Slovak, Hungarian: fee, subscription, rent, instalment, service, monthly
    r"OPLATA|OPLATY|ABONAMENT|CZYNSZ|RATA|NAJEM|NAJEMNE|NAJOMNE|POPLATEK|POPLATOK|PREDPLATNE|SPLATKA|DIJ|"
    r"ELOFIZETES|HAVI|RESZLET|SERWIS|SERWISOWA|SERVIS|SERVISNI)\b"
)
_MONTH_NUMBER: Final = re.compile(
    r"(?<![0-9])(?<![0-9][./-])(0?[1-9]|1[0-2])\s?[-/.]\s?((?:20)?[0-9]{2})(?![0-9])(?![./-][0-9])"
)  # a month and its year, not the end of a date ("10.03.2026")
_LABELLED: Final = re.compile(
    r"\b(?:FACTURES?|FACT|FAC|FACTNR|FACTUUR|FACTUURNR|FAKTURA|FAKT|RECHNUNG|RECHNUNGSNR|RECH|RENR|RG|RE|"
    r"INVOICES?|INV|FATTURA|FATT|FACTURA|BILL)\b[ .:#-]*(?:(?:NO|NR|N|NUM|NUMMER|NUMBER|NUMERO)\b[ .:#-]*)?([0-9][0-9/.-]*[0-9])"
)


@dataclass(slots=True)
class RefHit:
    """The best reference evidence found for one item."""

    item: int
    strength: float
    label: str  # how it was found, for the explanation
    key: str
    multiplicity: int  # items the key fits over the whole book
    structured: bool = False
    fuzzy: bool = False
    same_customer: int = 1  # items of the same customer the key fits


@dataclass(slots=True)
class PayerView:
    """Who paid, as far as the account and the name tell."""

    iban: str
    iban_hits: dict[int, int]
    name_hits: dict[int, float]
    has_info: bool
    names: tuple[str, ...] = ()  # the payer's and the ultimate debtor's names
    network: str = ""  # the network or exchange house that paid ("BILL.COM, a payables network")
    # the account is a paying agent's, on file for this many customers (Engine.paying_agent): it names none of them
    agent: int = 0
    # customers whose number the text writes ("CUST ACCT 300237"): the number, and how far the name matched
    numbered: dict[int, tuple[str, float]] = field(default_factory=dict)
    in_text: bool = False  # no payer in the bank's fields: ``names`` are names the text writes

    def evidence(
        self, book: Book, customer: int, similarity: Callable[[int, str], float] | None = None
    ) -> tuple[int, int, bool, float, float, float]:
        """(account count, account count via a paying party, account of others only,
        name score, name score of a paying party, best unrelated name score).

        A customer the name search did not rank among its best few (namesakes
        crowd it out) is compared directly with ``similarity``.
        """
        iban_self = self.iban_hits.get(customer, 0)
        payers = book.payers_of[customer] if customer >= 0 else []
        iban_third = sum(self.iban_hits.get(p, 0) for p in payers)
        related = {customer, *payers}
        iban_other = bool(self.iban_hits) and iban_self == 0 and iban_third == 0
        if similarity is not None and customer >= 0:
            for party in related:
                if party not in self.name_hits and self.names:
                    score = max(similarity(party, name) for name in self.names)
                    if score >= 0.6:
                        self.name_hits[party] = score
        name_self = self.name_hits.get(customer, 0.0)
        name_third = max((self.name_hits.get(p, 0.0) for p in payers), default=0.0)
        if customer in self.numbered:  # its number tells the customer from its namesakes
            return iban_self, iban_third, iban_other, name_self, name_third, 0.0
        name_other = max((s for p, s in self.name_hits.items() if p not in related), default=0.0)
        return iban_self, iban_third, iban_other, name_self, name_third, name_other


@dataclass(slots=True)
class Analysis:
    """Everything the engine found for one transaction, scored, best first."""

    transaction: CreditTransaction
    amount: int
    evidence: TextEvidence
    payer: PayerView
    refs: dict[int, RefHit]
    hypotheses: list[Hypothesis] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


def _keep_best(names: dict[int, float], found: dict[int, float]) -> None:
    """Adds the parties of ``found`` that a name resembles enough (0.6) to ``names``, each with its best score."""
    for party, score in found.items():
        if score >= 0.6 and score > names.get(party, 0.0):
            names[party] = score


def _names_alone(hit: RefHit, taken: int = 1) -> bool:
    """The reference names its item without the payer: a full invoice number or a structured reference, or a long
    order reference, not a near miss, whose key no item but the ``taken`` ones carries."""
    if hit.multiplicity > taken or hit.fuzzy:
        return False
    return hit.strength >= 6.5 or (hit.label == "order reference" and len(hit.key) >= 8)


def _strength(kind: VariantKind, key: str, origin: str) -> float:
    n = len(key)
    if kind == VariantKind.REFERENCE:
        value = 8.5
    elif kind == VariantKind.FULL:
        value = 7.0 if n >= 6 else 5.0
    elif kind == VariantKind.DIGITS:
        value = 6.5 if n >= 7 else 5.0 if n >= 5 else 3.0
    elif kind in (VariantKind.NOZERO, VariantKind.SHORT_YEAR, VariantKind.FISCAL_YEAR):
        value = 6.5 if n >= 8 else 5.5 if n >= 6 else 4.0
    elif kind in (VariantKind.NOYEAR, VariantKind.INSTALMENT):
        value = 4.5 if n >= 5 else 3.5
    elif kind == VariantKind.SERIAL:
        value = 4.0 if n >= 6 else 3.0 if n >= 4 else 2.0
    else:  # order reference: a long one, the only one of its key in the book, says which item as an invoice number does
        value = 6.5 if n >= 8 else 5.5 if n >= 6 else 4.0
    if origin == "e2e":
        value -= 1.5
    elif origin == "partial":
        value -= 2.5
    elif origin in _OTHER_READINGS:  # zeros, a year written otherwise: the payer's habit, or another's number
        # the whole number, prefix included, with only its year written otherwise ("FA-26-03384") is telling
        value -= 0.5 if kind == VariantKind.FULL and origin != "zeros" else 1.5
    elif origin != "plain":
        value -= 0.5
    return value


_LABELS: Final = {
    VariantKind.REFERENCE: "structured reference",
    VariantKind.FULL: "invoice number",
    VariantKind.DIGITS: "invoice number without prefix",
    VariantKind.NOZERO: "invoice number without leading zeros",
    VariantKind.NOYEAR: "invoice number without year",
    VariantKind.SERIAL: "serial of invoice number",
    VariantKind.ORDER: "order reference",
    VariantKind.SHORT_YEAR: "invoice number with a two-digit year",
    VariantKind.FISCAL_YEAR: "invoice number with its fiscal year written otherwise",
    VariantKind.INSTALMENT: "invoice number without its instalment",
}


class Engine:
    """Matches credit transactions against a :class:`Book` (see the module).

    ``scorer``: a learned model (:func:`encaisse.core.matching.learning.load`);
    the rule-based score when None. ``aliases``: what people confirmed before
    (accounts and names of customers, their reference habits).
    ``learn_accounts``: remember, for the rest of the run, the account of a
    payer whose payment was applied on a reference and whose name is the
    customer's. ``record_candidates``: keep every candidate's features on the
    decisions (for training).
    """

    def __init__(
        self,
        book: Book,
        settings: MatchSettings | None = None,
        *,
        scorer: Scorer | None = None,
        aliases: AliasStore | None = None,
        learn_accounts: bool = True,
        record_candidates: bool = False,
    ) -> None:
        self.book = book
        self.settings = settings or MatchSettings()
        self.scorer: Scorer = scorer or RuleScorer()
        self.learn_accounts = learn_accounts
        self.record_candidates = record_candidates
        self._decisions: dict[str, Decision] = {}
        self._name_cache: dict[str, dict[int, float]] = {}
        self._similarity_cache: dict[tuple[int, str], float] = {}
        self._bearers_cache: dict[tuple[str, int], list[int]] = {}
        self._forms: dict[int, list[str]] = {}  # item -> the digit strings of its number's variants
        # customer -> its items by serial as written ("00078" of 26/00078)
        self._serials: dict[int, dict[str, list[int]]] = {}
        # customer -> its items by serial as a number (82 of FV/2026/000082 and of FV/2025/000082)
        self._short_serials: dict[int, dict[int, list[int]]] = {}
        self._tolerances: dict[str, int] = {}
        self._no_reference: set[int] = set()
        self._reserved: set[int] = set()
        self._pending: set[int] = set()  # customers with an earlier payment of the run left to a person
        # (customer, amount): an earlier payment of the amount left to a person, the customer found without its payer
        self._pending_amounts: set[tuple[int, int]] = set()
        self._journal: list[tuple[str, int | str, int]] | None = None  # changes, while run in parallel
        self.parallel_stats: parallel.RunStats | None = None  # of the last run in parallel
        self._pool: parallel.Pool | None = None  # processes kept for the runs of a block (processes())
        self._order_reference: set[int] = set()
        if aliases is not None:
            self._load_aliases(aliases)

    # --- public API ---------------------------------------------------------------

    def run(self, transactions: Iterable[CreditTransaction], *, workers: int = 1) -> list[Decision]:
        """Decisions for ``transactions``, in their given order; taken in booking order.

        ``workers``: processes that analyse transactions side by side
        (:mod:`~encaisse.core.matching.parallel`; where processes can be
        forked); the decisions are exactly those of one. Inside
        :meth:`processes`, its pool's processes do.
        """
        txs = list(transactions)
        order = sorted(range(len(txs)), key=lambda i: (txs[i].position, txs[i].booking_date, txs[i].id))
        out: list[Decision | None] = [None] * len(txs)
        pool = self._pool
        if pool is not None and parallel.worth_it(len(txs), pool.workers):
            decisions, self.parallel_stats = pool.run([txs[i] for i in order])
        elif pool is None and workers > 1 and parallel.worth_it(len(txs), workers):
            decisions, self.parallel_stats = parallel.run(self, [txs[i] for i in order], workers)
        else:
            decisions = [self.match(txs[i]) for i in order]
        for i, decision in zip(order, decisions, strict=True):
            out[i] = decision
        return [d for d in out if d is not None]

    @contextmanager
    def processes(self, workers: int, *, own: float | None = None) -> Iterator[None]:
        """Keep ``workers`` processes (this one included) for every :meth:`run` inside the block.

        They are forked once, on entry (where processes can be forked and
        ``workers`` is above one; else the runs stay in one process).
        ``own``: the share of payers this process matches itself (see
        :class:`~encaisse.core.matching.parallel.Pool`).
        """
        if workers < 2 or self._pool is not None or not parallel.can_fork():
            yield
            return
        with parallel.Pool(self, workers, own) as pool:
            self._pool = pool
            try:
                yield
            finally:
                self._pool = None

    def match(self, tx: CreditTransaction) -> Decision:
        """The decision for one transaction; an applied one consumes open amounts (once)."""
        done = self._decisions.get(tx.id)
        if done is not None:
            return done
        analysis = self.analyse(tx)
        decision = self._decide(analysis)
        self._commit(
            tx,
            decision,
            analysis.payer.iban,
            self._learned_account(analysis, decision),
            self._waits(analysis, decision),
        )
        return decision

    def open_amount(self, item_id: str) -> Decimal:
        """An item's open amount now, after the payments applied so far."""
        i = self.book.item_of_id[item_id]
        return self.book.amount(self.book.open[i], self.book.currency[i])

    def analyse(self, tx: CreditTransaction) -> Analysis:
        """Every candidate allocation of ``tx``, scored, best first (consumes nothing)."""
        evidence = read_transaction(tx, self.settings, prefixes=self.book.number_prefixes)
        payer = self._payer(tx)
        if evidence.customer_numbers:
            self._numbered(payer, evidence.customer_numbers)
        if evidence.account_numbers:
            self._numbered(payer, evidence.account_numbers)
        lone = evidence.lone_number
        if lone and not payer.has_info and not payer.numbered and not self.book.lookup_keys([lone])[0]:
            # no payer given, and one number in words that is a customer's and no item's ("ACB CREDIT 50361"): the
            # reference the supplier asked for, its customer number
            self._numbered(payer, (lone,))
        if tx.counterparty_name and tx.counterparty_name[:1].isdigit():
            self._coded(payer, tx.counterparty_name)
        amount = to_minor(tx.amount, tx.currency) if tx.amount > 0 else 0
        analysis = Analysis(tx, amount, evidence, payer, {})
        if amount <= 0:
            analysis.rejected.append("not a credit")
            return analysis
        ctx = _Context(self, analysis)
        ctx.run()
        return analysis

    # --- aliases and learning ---------------------------------------------------------

    def _load_aliases(self, aliases: AliasStore) -> None:
        book = self.book
        for iban, customer_id, count in aliases.account_aliases():
            party = book.party_of_id.get(customer_id)
            if party is not None:
                book.add_iban(iban, party, count)
        for name, customer_id in aliases.name_aliases():
            party = book.party_of_id.get(customer_id)
            if party is not None:
                book.add_name(party, name)
        for customer_id, habit in aliases.habits():
            party = book.party_of_id.get(customer_id)
            if party is None:
                continue
            if habit == "no_reference":
                self._no_reference.add(party)
            elif habit == "order_reference":
                self._order_reference.add(party)

    # --- payer ------------------------------------------------------------------------

    def _names(self, name: str | None) -> dict[int, float]:
        if not name:
            return {}
        cached = self._name_cache.get(name)
        if cached is None:
            cached = dict(self.book.names.search(name, limit=8, min_score=0.6))
            self._name_cache[name] = cached
        return cached

    def _tolerance(self, currency: str) -> int:
        """The charge tolerance in minor units of ``currency``."""
        found = self._tolerances.get(currency)
        if found is None:
            found = self._tolerances[currency] = to_minor(charge_tolerance(self.settings, currency), currency)
        return found

    def _similarity(self, party: int, name: str) -> float:
        key = (party, name)
        cached = self._similarity_cache.get(key)
        if cached is None:
            cached = self.book.names.similarity(party, name)
            self._similarity_cache[key] = cached
        return cached

    def _payer(self, tx: CreditTransaction) -> PayerView:
        """Who paid: parties of the account, and parties whose names resemble the payer's.

        With a known account, names are compared with its parties (and those
        paying for them) only; otherwise the name index is searched.
        """
        book = self.book
        in_text = network_payer_names(tx)
        if in_text is not None:
            return self._network_payer(tx, in_text)
        iban = compact_iban(tx.counterparty_account or "")
        iban_hits = dict(book.customers_of_iban(iban)) if iban else {}
        if self.paying_agent(iban_hits):
            return self._agent_payer(tx, iban, iban_hits)
        names: dict[int, float] = {}
        for name in (tx.counterparty_name, tx.ultimate_debtor):
            if not name:
                continue
            if iban_hits and name is tx.counterparty_name:
                related = set(iban_hits)
                for party in iban_hits:
                    related.update(book.payers_of[party])
                    if len(book.pays_for[party]) <= 20:
                        related.update(book.pays_for[party])
                found = {p: self._similarity(p, name) for p in related}
            else:
                found = self._names(name)
            _keep_best(names, found)
        given = tuple(n for n in (tx.counterparty_name, tx.ultimate_debtor) if n)
        if not given and not iban and tx.amount > 0:
            # no payer in the bank's fields: a bank writing its narrative in free text (MT940 :86: of banks in
            # India, Mexico, Australia, Brazil) puts the payer's name in it
            written = book.names.written_in(transaction_text(tx))
            if written:
                _keep_best(names, {key: score for key, score, _ in written})
                windows = tuple(dict.fromkeys(words for _, _, words in written))
                return PayerView(iban, iban_hits, names, True, windows, in_text=True)
        holders = joint_names(tx.counterparty_name) if tx.counterparty_name else ()
        if holders:
            # a joint account: each holder is a payer of its own ("J DE VRIES EN/OF C DE VRIES")
            given = (*given, *holders)
            if not iban_hits:
                for holder in holders:
                    _keep_best(names, self._names(holder))
        if not iban_hits and given and tx.amount > 0:
            self._bearers_of_the_amount(tx, given, names)
            if tx.remittance_lines and max(names.values(), default=0.0) < 0.75:
                # a person no customer's name resembles pays for a business the text names whole (the shop's name
                # typed in an M-Pesa paybill's account field, "BILL REF RUIRU PLUMBING WORKS"): that business
                written = [w for w in book.names.written_in(" ".join(tx.remittance_lines)) if w[1] >= 0.9]
                if written:
                    _keep_best(names, {key: score for key, score, _ in written})
                    windows = tuple(dict.fromkeys(words for _, _, words in written))
                    return PayerView(iban, iban_hits, names, True, (*given, *windows), in_text=True)
        return PayerView(iban, iban_hits, names, bool(iban or given), given)

    def name_bearers(self, name: str, cap: int = _NAMESAKES_TOLD_APART) -> list[int]:
        """Customers bearing every word of the payer's ``name`` (:meth:`NameIndex.bearers`), none when more than
        ``cap`` do."""
        found = self._bearers_cache.get((name, cap))
        if found is None:
            book = self.book
            found = [k for k in book.names.bearers(name, cap=cap) if book.party_is_customer[k]]
            self._bearers_cache[(name, cap)] = found
        return found

    def _bearers_of_the_amount(
        self, tx: CreditTransaction, given: tuple[str, ...], names: dict[int, float]
    ) -> None:
        """An unknown account under a common name ("J DE JONG"): the search ranks the first few of many namesakes
        by their names alone; those bearing the name with an open item of the amount are candidates too."""
        amount = to_minor(tx.amount, tx.currency)
        day = tx.effective_date.toordinal()
        for name in given:
            for party in self.name_bearers(name, _BEARERS_CAP):
                if party in names:
                    continue
                if self.equal_open(party, amount, tx.currency, day):
                    score = self._similarity(party, name)
                    if score >= 0.6:
                        names[party] = score

    def equal_open(self, customer: int, amount: int, currency: str, day: int) -> list[int]:
        """The customer's open items of exactly ``amount`` in ``currency``, issued by ``day`` (an ordinal), first
        in first out."""
        book = self.book
        return [i for i in book.items_with_amount(customer, amount, currency) if book.issue[i] <= day]

    def _own_item_instead(self, analysis: Analysis, best: Hypothesis) -> str:
        """Why not to apply another customer's invoice the text names, when the account that paid is a customer's
        (unrelated to that one) with an open item of exactly the amount: which the payer meant, a person decides.
        """
        customer = best.customer
        if customer < 0:
            return ""
        book = self.book
        related = {customer, *book.payers_of[customer]}
        if not best.features[_F_REF_COVERAGE]:
            # the payer's own item of the amount, while the text names another customer's item of the amount by
            # its number ("INV 5085"): which the payer meant, a person decides
            currency = analysis.transaction.currency
            for item, hit in analysis.refs.items():
                if (
                    hit.strength >= 5.0
                    and not hit.fuzzy
                    and book.open[item] == analysis.amount
                    and book.currency[item] == currency
                    and book.customer[item] not in related
                    and customer not in book.payers_of[book.customer[item]]
                ):
                    return (
                        f"the text names {book.number[item]}, {book.party_name[book.customer[item]]}'s open item "
                        "of the amount"
                    )
        if not analysis.payer.iban_hits:
            return ""
        day = analysis.transaction.effective_date.toordinal()
        for party in analysis.payer.iban_hits:
            if party in related or not book.party_is_customer[party]:
                continue
            own = self.equal_open(party, analysis.amount, analysis.transaction.currency, day)
            if own:  # a credit's amount is positive: an item of it is open
                return (
                    f"the account is {book.party_name[party]}'s, whose own open item {book.number[own[0]]} "
                    "has the amount too"
                )
        return ""

    def paying_agent(self, iban_hits: Mapping[int, int]) -> bool:
        """The account is on file for customers of at least three families (a customer with those paying for it):
        a public accountant, a shared service centre or a payment factory paying for many, whose account does
        not say whose item a payment settles."""
        if len(iban_hits) < _PAYING_AGENT:
            return False
        payers_of = self.book.payers_of
        families = {payers_of[party][0] if payers_of[party] else party for party in iban_hits}
        return len(families) >= _PAYING_AGENT

    def _agent_payer(self, tx: CreditTransaction, iban: str, iban_hits: Mapping[int, int]) -> PayerView:
        """A paying agent paid: neither its account nor its name (its own, which one of the customers it pays for
        may bear) says for whom; the ultimate debtor the bank gives does, and the references."""
        names: dict[int, float] = {}
        if tx.ultimate_debtor:
            _keep_best(names, self._names(tx.ultimate_debtor))
        given = (tx.ultimate_debtor,) if tx.ultimate_debtor else ()
        # the body it pays for, named in the text ("COMMUNE DE BRON MDT 1234 BDX 56"): among those it is on file for
        written = names_in_text(tx)
        for party in iban_hits if written else ():
            score, name = max((self._similarity(party, name), name) for name in written)
            if score >= _AGENT_NAMED and score > names.get(party, 0.0):
                names[party] = score
                given = (*given, name)
        return PayerView(iban, {}, names, True, given, agent=len(iban_hits))

    def _numbered(self, payer: PayerView, numbers: tuple[str, ...]) -> None:
        """Customers the text names by their number ("Kd-Nr. 10023") count as named by the payer, when the number
        is one customer's (a few at most: numbers given twice in the master data say less)."""
        book = self.book
        for number in numbers:
            parties = [p for p in book.party_of_number.get(number, ()) if book.party_is_customer[p]]
            if not parties or len(parties) > 3:
                continue
            # the name the bank gives, when it is another customer's and not at all this one's, contradicts the
            # number: both are the payer's candidates, as likely as each other
            others = [v for k, v in payer.name_hits.items() if k not in parties and v >= 0.75]
            for party in parties:
                named = payer.name_hits.get(party, 0.0)
                if (
                    others
                    and not payer.iban_hits
                    and all(self._similarity(party, given) < max(others) - 0.2 for given in payer.names)
                ):
                    payer.name_hits[party] = max(named, *others)  # no better than the customer the name is
                    continue
                payer.numbered[party] = (number, named)
                payer.name_hits[party] = 1.0

    def _coded(self, payer: PayerView, name: str) -> None:
        """The customer's number written before its name, as sellers in Japan ask their customers to write it in
        the remitter's name ("0060025 ｶ)ﾜﾀﾅﾍﾞｾﾂﾋﾞ"): it tells namesakes apart, when the rest is that customer's
        name."""
        found = _CODE_BEFORE_NAME.match(name)
        if found is None:
            return
        number = found.group(1).lstrip("0")
        book = self.book
        parties = [p for p in book.party_of_number.get(number, ()) if book.party_is_customer[p]]
        if len(parties) == 1 and self._similarity(parties[0], name) >= _CODED_NAME:
            self._numbered(payer, (number,))

    def _network_payer(self, tx: CreditTransaction, in_text: tuple[str, ...]) -> PayerView:
        """A payables network paid: its account and name say nothing of the customer; the text's names do."""
        names: dict[int, float] = {}
        given: list[str] = []
        for name in (*in_text, tx.ultimate_debtor):
            if not name:
                continue
            found = {p: score for p, score in self._names(name).items() if score >= 0.75}
            if found:
                given.append(name)
            for party, score in found.items():
                if score > names.get(party, 0.0):
                    names[party] = score
        house = exchange_house(tx)
        if house:
            network = f"{tx.counterparty_name or house}, an exchange house"
        else:
            network = f"{tx.counterparty_name or 'a payables network'}, a payables network"
        return PayerView("", {}, names, True, tuple(given), network=network)

    # --- deciding -----------------------------------------------------------------------

    def _decide(self, analysis: Analysis) -> Decision:
        tx = analysis.transaction
        settings = self.settings
        ranked = _distinct(analysis.hypotheses)
        features = self._candidates(analysis, ranked) if self.record_candidates else ()
        if not ranked:
            reason = "; ".join(analysis.rejected) or "no candidate found"
            return Decision(tx.id, Status.UNMATCHED, explanation=reason, candidates=features)
        best = ranked[0]
        best_conf = confidence(best.logit)
        second = ranked[1] if len(ranked) > 1 else None
        margin_ok = second is None or best.logit - second.logit >= settings.margin
        evidence = analysis.evidence
        veto = ""
        if best.fit == "unrelated":
            veto = "not a customer payment"
        elif evidence.is_hard_non_customer:
            veto = "not a customer payment: " + evidence.non_customer[0][0]
        elif evidence.is_soft_non_customer and not best.features[_F_REF_STRUCTURED]:
            veto = "may not be a customer payment: " + evidence.non_customer[0][0]
        elif best.source == "global":
            veto = "found by amount alone"
        elif best.held:
            veto = best.held
        else:
            veto = self._own_item_instead(analysis, best)
        if best_conf >= settings.auto_apply and margin_ok and not veto:
            status = Status.APPLIED
        elif best_conf >= settings.suggest or best.fit == "unrelated":
            status = Status.SUGGESTED
        else:
            status = Status.UNMATCHED
        # an applied decision needs its own rows; alternatives are for a person to choose from
        shown = ranked[:1] if status == Status.APPLIED else ranked[:3]
        proposals = tuple(self._proposal(analysis, h) for h in shown if confidence(h.logit) >= 0.05)
        top = proposals[0] if proposals else self._proposal(analysis, best)
        explanation = top.explanation
        if status != Status.APPLIED and best.fit != "unrelated":
            why = []
            if veto:
                why.append(veto)
            if not margin_ok and second is not None:
                why.append(f"an alternative is nearly as likely ({confidence(second.logit):.2f})")
            if best_conf < settings.auto_apply:
                why.append(f"confidence {best_conf:.2f} below {settings.auto_apply:.2f}")
            explanation = f"{explanation} — not applied: {'; '.join(why)}" if why else explanation
        if status == Status.UNMATCHED:
            return Decision(
                tx.id,
                status,
                proposals=proposals,
                customer_id=top.customer_id,
                confidence=best_conf,
                explanation=explanation,
                candidates=features,
            )
        return Decision(
            tx.id,
            status,
            allocations=top.allocations,
            proposals=proposals,
            customer_id=top.customer_id,
            confidence=best_conf,
            explanation=explanation,
            candidates=features,
        )

    def _candidates(self, analysis: Analysis, ranked: list[Hypothesis]) -> tuple[CandidateFeatures, ...]:
        book = self.book
        exp = minor_unit(analysis.transaction.currency)
        out = []
        for h in ranked:
            if h.fit == "unrelated" or not h.features:
                continue
            rows = tuple(
                (str(kind), book.number[item] if item >= 0 else "", Decimal(minor).scaleb(-exp))
                for kind, item, minor, _ in h.rows
            )
            out.append(CandidateFeatures(h.features, rows))
        return tuple(out)

    def _proposal(self, analysis: Analysis, h: Hypothesis) -> Proposal:
        book = self.book
        tx = analysis.transaction
        conf = confidence(h.logit)
        allocations: list[Allocation] = []
        exp = -minor_unit(tx.currency)
        for kind, item, minor, reason in h.rows:
            amount = Decimal(minor).scaleb(exp)
            if item >= 0:
                hit = analysis.refs.get(item)
                text = describe_reference(hit.label, hit.key, book.number[item]) if hit else ""
                if kind == AllocationKind.DEDUCTION:
                    text = describe_amount(reason or "explained", h, book, tx)
                    document = _remitted(analysis, item, book.number[item])
                    if document is not None and document.reasons:
                        text = f"kept back on {book.number[item]}, as the remittance gives it: {'; '.join(document.reasons)}"
                allocations.append(
                    Allocation(kind, amount, book.item_id[item], book.number[item], conf, text, reason)
                )
            else:
                text = (
                    describe_amount(reason or h.fit, h, book, tx) if kind == AllocationKind.ON_ACCOUNT else ""
                )
                if kind == AllocationKind.UNRELATED:
                    text = "; ".join(r for r, _ in analysis.evidence.non_customer)
                allocations.append(Allocation(kind, amount, None, None, conf, text, reason))
        if h.fit == "unrelated":
            reasons = "; ".join(reason for reason, _ in analysis.evidence.non_customer)
            return Proposal(tuple(allocations), conf, f"not a customer payment: {reasons}", None)
        parts = [p for p in (self._reference_note(analysis, h), self._payer_note(analysis, h)) if p]
        parts.append(describe_amount(h.fit, h, book, tx))
        parts.extend(n for n in h.notes if not n.startswith("about:"))  # "about:" marks items, for the engine
        customer_id = book.party_id[h.customer] if h.customer >= 0 else None
        return Proposal(tuple(allocations), conf, "; ".join(p for p in parts if p), customer_id)

    def _reference_note(self, analysis: Analysis, h: Hypothesis) -> str:
        notes = []
        for item in h.items() or h_about(h):
            hit = analysis.refs.get(item)
            if hit is not None:
                notes.append(describe_reference(hit.label, hit.key, self.book.number[item]))
        if not notes and h.fit != "unrelated":
            return "no reference in the payment"
        return "; ".join(notes[:4]) + (f" (+{len(notes) - 4} more)" if len(notes) > 4 else "")

    def _payer_note(self, analysis: Analysis, h: Hypothesis) -> str:
        if h.customer < 0:
            return ""
        evidence = analysis.payer.evidence(self.book, h.customer)
        return describe_payer(evidence, analysis.transaction, self.book, h.customer, analysis.payer)

    def _learned_account(self, analysis: Analysis, decision: Decision) -> int | None:
        """The customer whose account the payer's becomes, when the decision teaches it."""
        if decision.status != Status.APPLIED or not self.learn_accounts:
            return None
        customer = self.book.party_of_id.get(decision.customer_id or "")
        payer = analysis.payer
        if (
            customer is not None
            and payer.iban
            and decision.confidence >= 0.99
            and payer.name_hits.get(customer, 0.0) >= 0.8
            and customer not in payer.iban_hits
        ):
            return customer
        return None

    def _waits(self, analysis: Analysis, decision: Decision) -> int | None:
        """What a payment left to a person holds back of its customer's later payments (see :meth:`_commit`).

        ``None``: only the items it proposes, which the text names each without doubt (a part payment of the
        invoice named): the person will put it there, not on one of the customer's equal items. ``-1``: all the
        customer's equal items broken first in, first out, when its payer is known as the customer (by account
        or name) or its proposal is likely: the person may put it on any. Else the amount (the value returned):
        only equal items of its amount, which it may pay; its customer was guessed from a number or an amount
        alone, at a low confidence, and a person will not give it an item of another amount.
        """
        book = self.book
        customer = book.party_of_id.get(decision.customer_id or "")
        if decision.status == Status.APPLIED or customer is None:
            return -1
        refs = analysis.refs
        named = [
            refs.get(book.item_of_id[a.invoice_id])
            for a in decision.allocations
            if a.kind == AllocationKind.INVOICE and a.invoice_id is not None
        ]
        if (
            named
            and decision.status == Status.SUGGESTED
            and decision.confidence >= 0.5
            and all(hit is not None and not hit.fuzzy and hit.same_customer == 1 for hit in named)
        ):
            return None
        if decision.confidence >= 0.5:
            return -1
        payer = analysis.payer
        accounts = payer.iban_hits
        if payer.name_hits.get(customer, 0.0) >= 0.8 or any(
            p in accounts for p in (customer, *book.payers_of[customer])
        ):
            return -1
        return analysis.amount

    def _commit(
        self,
        tx: CreditTransaction,
        decision: Decision,
        iban: str,
        learned: int | None,
        waits: int | None = -1,
    ) -> None:
        """Take a decision: an applied one consumes open amounts (and may teach the payer's account); one left to
        a person holds back its customer's equal items (``waits``: see :meth:`_waits`)."""
        self._decisions[tx.id] = decision
        book = self.book
        journal = self._journal
        if decision.status == Status.APPLIED:
            for allocation in decision.allocations:
                if allocation.kind == AllocationKind.INVOICE and allocation.invoice_id is not None:
                    i = book.item_of_id[allocation.invoice_id]
                    book.set_open(i, book.open[i] - to_minor(allocation.amount, tx.currency))
                    if journal is not None:
                        journal.append(("open", i, book.open[i]))
            if learned is not None:
                book.add_iban(iban, learned, 1)
                if journal is not None:
                    journal.append(("iban", compact_iban(iban), learned))
        else:
            if decision.status == Status.SUGGESTED and decision.confidence >= 0.5:
                # what a person is asked to confirm is not offered again to later payments first
                for allocation in decision.allocations:
                    if allocation.kind == AllocationKind.INVOICE and allocation.invoice_id is not None:
                        i = book.item_of_id[allocation.invoice_id]
                        self._reserved.add(i)
                        if journal is not None:
                            journal.append(("reserve", i, 0))
            customer = book.party_of_id.get(decision.customer_id or "")
            if customer is not None and waits is not None and waits < 0:
                self._pending.add(customer)
                if journal is not None:
                    journal.append(("pending", customer, 0))
            elif customer is not None and waits is not None:
                self._pending_amounts.add((customer, waits))
                if journal is not None:
                    journal.append(("pending_amount", customer, waits))

    def _replay(self, journal: Sequence[tuple[str, int | str, int]]) -> None:
        """Apply the changes another process's decisions made (see :mod:`.parallel`)."""
        book = self.book
        for what, key, value in journal:
            if what == "open":
                book.set_open(int(key), value)
            elif what == "reserve":
                self._reserved.add(int(key))
            elif what == "pending":
                self._pending.add(int(key))
            elif what == "pending_amount":
                self._pending_amounts.add((int(key), value))
            else:
                book.add_iban(str(key), value, 1)


def _remitted(analysis: Analysis, item: int, number: str) -> Remitted | None:
    """The document of a structured remittance that is ``item``: by its number, else by the key that found it
    ("CINV 6261" for VF26/006261)."""
    documents = analysis.evidence.documents
    if not documents:
        return None
    key = normalise(number)
    hit = analysis.refs.get(item)
    for d in documents:
        if d.key == key:
            return d
    return next((d for d in documents if hit is not None and d.key == hit.key), None)


def h_about(h: Hypothesis) -> tuple[int, ...]:
    """The items a hypothesis's evidence is about (settled items of a duplicate included)."""
    return tuple(item for kind, item, _, _ in h.rows if item >= 0) or tuple(
        int(n.split(":", 1)[1]) for n in h.notes if n.startswith("about:")
    )


def _distinct(hypotheses: list[Hypothesis]) -> list[Hypothesis]:
    """Best first, one per distinct set of rows."""
    best: dict[tuple[Row, ...], Hypothesis] = {}
    for h in hypotheses:
        sig = h.signature()
        kept = best.get(sig)
        if kept is None or h.logit > kept.logit:
            best[sig] = h
    return sorted(best.values(), key=lambda h: -h.logit)


class _Context:
    """The work on one transaction (kept apart so the engine stays re-entrant)."""

    def __init__(self, engine: Engine, analysis: Analysis) -> None:
        self.engine = engine
        self.book = engine.book
        self.settings = engine.settings
        self.analysis = analysis
        self.tx = analysis.transaction
        self.amount = analysis.amount
        self.currency = self.tx.currency
        self.day = self.tx.effective_date.toordinal()
        self.discount_day = self.tx.effective_date - timedelta(days=self.settings.discount_grace_days)
        self.tolerance = engine._tolerance(self.currency)
        self.evidence = analysis.evidence
        self.payer = analysis.payer
        self._months: frozenset[tuple[int, int]] | None = None
        self._bearer_keys: frozenset[int] | None = None
        self._bearers_amount: frozenset[int] | None = None
        self._relatives_amount: frozenset[int] | None = None
        self.hypotheses = analysis.hypotheses
        self.keys_of_item: dict[int, set[str]] = defaultdict(set)
        self.payer_strength: dict[int, float] = {}
        self._strong: list[tuple[int, set[str], float]] | None = None
        self._written_numbers: list[str] | None = None
        self._base: list[float] | None = None
        self._payer_cache: dict[int, tuple[int, int, bool, float, float, float]] = {}
        related: set[int] = set()
        for party in (*self.payer.iban_hits, *self.payer.name_hits):
            related.add(party)
            if len(self.book.pays_for[party]) <= 50:
                related.update(self.book.pays_for[party])
        self.payer_related = related
        # the remittance is what a bank cuts (140 characters, or its last line full); the additional information
        # may be a whole raw record ending in its own delimiters (MT940 ":86:/REMI/USTD//INV 42/"). A long text
        # whose last line stops short is whole (a BAI2 record and its continuations, "…RMR*IV*319704*PI*1500.00\").
        # A last line of 80 characters is an ACH addenda's payment information, full (NACHA's 7 record)
        lines = self.tx.remittance_lines
        text = (" ".join(lines) or self.evidence.text).rstrip()
        last = len(lines[-1].rstrip()) if lines else len(text)
        # 140 characters the bank split into lines of 35 (or 65) are one text of their total length (a line that
        # ended in a space may have lost it to the parser's or the bank's trimming)
        size = len(text)
        if len(lines) > 1:
            width = max(map(len, lines[:-1]))
            if width in (35, 65) and all(len(line) >= width - 1 for line in lines[:-1]):
                size = width * (len(lines) - 1) + len(lines[-1])
        self.text_cut = (
            (size >= 135 and (size <= 140 or last >= 60))
            or last == _ACH_ADDENDA
            or text.endswith((",", "-", "/", "+", "&"))
        )

    # --- the pipeline -----------------------------------------------------------------

    def run(self) -> None:
        refs = self.analysis.refs
        self._reference_hits(refs)
        if self.evidence.documents:
            self._remitted_amounts(refs)
        self._reference_hypotheses(refs)
        if not self._has_fit(reference_only=True, min_strength=5.0):
            before = set(refs)
            self._neighbour_hits(refs)
            new = {i: refs[i] for i in refs if i not in before}
            if new:
                self._reference_hypotheses(new)
        payer_customers = self._payer_customers()
        ref_customers = {self.book.customer[i] for i in refs if refs[i].strength >= 4.0}
        strong = {c for c in payer_customers[:2] if self.payer_strength[c] >= 2.5}
        # a reference that fits an unrelated customer's item does not stop the search among the payer's own
        if strong and not self._has_fit(reference_only=True, min_strength=5.0, customers=strong):
            before = set(refs)
            self._payer_neighbour_hits(refs, sorted(strong))
            new = {i: refs[i] for i in refs if i not in before}
            if new:
                self._reference_hypotheses(new)
        if strong:
            listed = self._short_serial_list(refs, sorted(strong))
            if listed:
                self._reference_hypotheses({i: refs[i] for i in listed})
        if not self._has_fit(reference_only=False):
            for customer in list(dict.fromkeys([*payer_customers, *sorted(ref_customers)]))[:6]:
                self._amount_hypotheses(customer, strong=customer in strong)
        elif payer_customers and not self._settled_by_reference():
            # someone else's exact fit makes a reference-based choice less certain
            own_fit = self._has_fit(reference_only=False, customers=set(payer_customers))
            for customer in payer_customers[:3]:
                if customer not in ref_customers:
                    self._amount_hypotheses(customer, strong=customer in strong and not own_fit)
        if not refs and not payer_customers:
            self._global_hypotheses()
        # on account when nothing fits; also when the text speaks of an advance and only amounts fit (items the
        # text does not name, which the amount could be a coincidence of)
        advance = bool(self.evidence.advance_words) and not self._has_fit(reference_only=True)
        if payer_customers and (advance or not self._has_fit(reference_only=False)):
            best_customer = payer_customers[0]
            self._add(
                best_customer,
                [(AllocationKind.ON_ACCOUNT, _NO_ITEM, self.amount, "advance")],
                "advance",
                "payer",
            )
        evidence = self.evidence
        if evidence.authority:
            named = self._named_in_full()
            if named is not None:
                # a public treasury paying a supplier (the State's accountant, "DRFIP", "US TREASURY 220 VENDOR
                # PAY"): the invoices named in full, each the only one of its number, with the amount, say so
                named.notes.append(
                    f"{evidence.authority} pays as a public treasury: the text names the invoice"
                )
                evidence.non_customer.clear()
        if evidence.non_customer:
            h = Hypothesis(
                -1, [(AllocationKind.UNRELATED, _NO_ITEM, self.amount, None)], "unrelated", "unrelated"
            )
            self.hypotheses.append(h)
        self._score()

    def _settled_by_reference(self) -> bool:
        """A strong reference names one item whose open amount the payment pays exactly."""
        refs = self.analysis.refs
        for h in self.hypotheses:
            if h.fit == "exact" and h.source == "reference":
                items = h.items()
                if len(items) == 1 and refs[items[0]].strength >= 6.5 and refs[items[0]].multiplicity == 1:
                    return True
        return False

    def _named_in_full(self) -> Hypothesis | None:
        """A reference allocation that fits the amount whose every item the text names by a strong reference
        (a full number or a structured reference, unique in the book, not a near miss)."""
        refs = self.analysis.refs
        fits: tuple[str, ...] = ("exact", "explained", "discount", "charges", "duplicate")
        if self.evidence.partial_words:
            fits = (*fits, "partial")
        for h in self.hypotheses:
            if h.source != "reference" or h.fit not in fits:
                continue
            items = h.items() or h_about(h)
            if not items or any(i not in refs for i in items):
                continue
            keys = self._taken_keys(h, items)
            if all(_names_alone(refs[i], keys[refs[i].key] or 1) for i in items):
                return h
        return None

    def _taken_keys(self, h: Hypothesis, items: Sequence[int]) -> Counter[str]:
        """For the keys of the text several items share, how many of those items the allocation accounts for.

        It takes them all: one engagement or order number for the invoices of a contract, paid together. Or it
        takes the only one of them with the amount: one delivery of an order invoiced in several.
        """
        refs = self.analysis.refs
        shared = Counter(refs[i].key for i in items if i in refs and refs[i].multiplicity > 1)
        if shared and h.fit == "exact" and len(items) == 1:
            hit = refs[items[0]]
            others = [j for j, other in refs.items() if other.key == hit.key and j != items[0]]
            if len(others) == hit.multiplicity - 1 and all(self.book.open[j] != self.amount for j in others):
                shared[hit.key] = hit.multiplicity
        return shared

    def _has_fit(
        self, *, reference_only: bool, min_strength: float = 0.0, customers: Collection[int] | None = None
    ) -> bool:
        """Some allocation fits the amount (found by a reference at least ``min_strength`` strong; for one
        of ``customers`` when given)."""
        good = ("exact", "discount", "charges", "explained", "duplicate")
        refs = self.analysis.refs
        for h in self.hypotheses:
            if h.fit not in good or (reference_only and h.source != "reference"):
                continue
            if customers is not None and h.customer not in customers:
                continue
            items = h.items() or h_about(h)
            if not min_strength or any(i in refs and refs[i].strength >= min_strength for i in items):
                return True
        return False

    # --- references ---------------------------------------------------------------------

    def _eligible(self, item: int, note: bool = True) -> bool:
        book = self.book
        if book.currency[item] != self.currency:
            if note:
                self.analysis.rejected.append(
                    f"{book.number[item]} is in {book.currency[item]}: never across currencies"
                )
            return False
        if book.issue[item] > self.day:
            if note:
                self.analysis.rejected.append(f"{book.number[item]} was issued after the payment")
            return False
        return True

    def _remitted_amounts(self, refs: dict[int, RefHit]) -> None:
        """A structured remittance's document named by a short form ("CINV 6261") whose amount due (or credit
        note amount) is the open amount of exactly one of the items that form finds names that item as surely
        as its full number: the payer's system wrote both."""
        book = self.book
        by_key: dict[str, list[int]] = defaultdict(list)
        for i, hit in refs.items():
            by_key[hit.key].append(i)
        for d in self.evidence.documents:
            amount = d.due if d.due is not None else -d.credit if d.credit is not None else None
            found = by_key.get(d.key)
            if amount is None or not found:
                continue
            fits = [i for i in found if book.open[i] == amount]
            if len(fits) == 1 and refs[fits[0]].strength < 6.5:
                hit = refs[fits[0]]
                hit.strength, hit.multiplicity, hit.same_customer = 6.5, 1, 1
                hit.label = f"{hit.label} and the amount the remittance gives it"

    def _reference_hits(self, refs: dict[int, RefHit]) -> None:
        book = self.book
        evidence = self.evidence
        keys: list[str] = []
        meta: list[tuple[str, bool, str]] = []  # origin, structured, label prefix
        for value, scheme, structured in evidence.references:
            keys.append(value)
            label = {"RF": "RF reference", "BE_OGM": "structured communication"}.get(
                scheme, f"{scheme} reference"
            )
            meta.append(("reference", structured, label))
        seen = set(keys)
        groups: list[int] = [-2] * len(keys)
        for candidate in evidence.numbers:
            if candidate.key not in seen:
                seen.add(candidate.key)
                keys.append(candidate.key)
                meta.append((candidate.origin, False, candidate.written))
                groups.append(candidate.group)
        if not keys:
            return
        named: set[int] = set()  # groups of the text where a number as written named an item
        customer_of = book.customer
        payer_related = self.payer_related
        order_customers = self.engine._order_reference
        keys_of_item = self.keys_of_item
        found = book.lookup_keys(keys)
        # a number of the text that is an item's number, every character of it ("NG/INV/2026/0786"): its parts are
        # no numbers of their own ("NGINV2026", the serial 2026 of another year's item; "0786"; the list "2026/0786")
        whole: dict[int, list[str]] = defaultdict(list)
        whole_items: set[int] = set()
        for key, (origin, _, _), group, hits in zip(keys, meta, groups, found, strict=True):
            if origin == "plain" and group >= 0 and any(kind == VariantKind.FULL for _, kind in hits):
                whole[group].append(key)
                whole_items.update(item for item, kind in hits if kind == VariantKind.FULL)
        own_whole = any(customer_of[i] in payer_related for i in whole_items)
        for key, (origin, _structured, label), group, hits in zip(keys, meta, groups, found, strict=True):
            if not hits or (origin in _OTHER_READINGS and group in named):
                continue
            if group in whole and origin in _PART_READINGS and any(_part_of(key, w) for w in whole[group]):
                # the whole number's item only; unless the whole number is an unrelated customer's, when a part of
                # it may still name the payer's own item ("FT 2025A/202" typed for its FT 2026A/202)
                hits = [
                    (item, kind)
                    for item, kind in hits
                    if item in whole_items or (not own_whole and customer_of[item] in payer_related)
                ]
                if not hits:
                    continue
            distinct = {item for item, _ in hits}
            k = len(distinct)
            per_customer: dict[int, int] = {}
            for item in distinct:
                customer = customer_of[item]
                per_customer[customer] = per_customer.get(customer, 0) + 1
            common = math.log2(k)
            written = (key, key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
            by_kind: dict[VariantKind, tuple[float, str]] = {}
            for item, kind in hits:
                customer = customer_of[item]
                if (
                    origin == "zeros"
                    and abs(len(book.digits_of(item)) - sum(c.isdigit() for c in label)) <= 1
                ):
                    continue  # one zero more or less is one digit: the neighbourhood reads it, as it reads a typo
                if origin == "reference":
                    strength = 9.0 if kind == VariantKind.REFERENCE else 7.5
                    text = label if kind == VariantKind.REFERENCE else f"{label} carrying the invoice number"
                else:
                    known = by_kind.get(kind)
                    if known is None:
                        text = _LABELS[kind]
                        if origin != "plain":
                            text += f" (from {_ORIGINS.get(origin, 'a ' + origin)})"
                        known = by_kind[kind] = (_strength(kind, key, origin), text)
                    strength, text = known
                    if strength >= 5.0 and origin == "plain":
                        named.add(group)  # a number as written names an item here: no other reading of it
                    if kind == VariantKind.ORDER and customer in order_customers:
                        strength += 1.0  # this customer quotes its order numbers
                    if k > 3 and strength - common < 3.0 and customer not in payer_related:
                        continue  # a common key of someone else's item says nothing
                keys_of_item[item].update(written)
                kept = refs.get(item)
                if kept is None or strength - common > _effective(kept):
                    refs[item] = RefHit(
                        item, strength, text, key, k, origin == "reference", False, per_customer[customer]
                    )

    def _neighbour_hits(self, refs: dict[int, RefHit]) -> None:
        """Items within one edit of a digit string of the text (typos, a character lost)."""
        book = self.book
        named = self._named_exactly(refs)
        strings: list[str] = []
        for candidate in self.evidence.numbers:
            if candidate.origin != "plain" or not _NUMBER_SHAPE.match(candidate.key):
                continue
            digits = candidate.key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            if digits not in strings and digits not in named and not _PERIOD.match(digits):
                strings.append(digits)
        for value, _, _ in self.evidence.references:
            if value.isdigit() and value not in strings:
                strings.append(value)
        if not strings:
            return
        queries: list[str] = []
        owners: list[str] = []
        for s in strings[:12]:
            queries.append(s)
            owners.append(s)
            for i in range(len(s)):
                queries.append(s[:i] + s[i + 1 :])
                owners.append(s)
        found: dict[int, str] = {}
        for owner, hits in zip(owners, book.lookup_neighbours(queries), strict=True):
            for item in hits:
                if item not in found and len(found) < 300:
                    found[item] = owner
        candidates_by_string: dict[str, list[int]] = defaultdict(list)
        digits_of = book.digits_of
        distance = OSA.distance
        for item, owner in found.items():
            kept = refs.get(item)
            if kept is not None and not kept.fuzzy:
                continue
            number_digits = digits_of(item)
            if (
                number_digits in _within_one(owner)
                if number_digits.isascii() and owner.isascii()
                else distance(owner, number_digits) <= 1
            ):
                candidates_by_string[owner].append(item)
                continue
            reference = book.reference[item] or ""
            if reference.isdigit() and distance(owner, reference, score_cutoff=1) <= 1:
                candidates_by_string[owner].append(item)
        customer_of = book.customer
        for owner, items in candidates_by_string.items():
            k = len(items)
            common = math.log2(k)
            per_customer: dict[int, int] = {}
            for item in items:
                customer = customer_of[item]
                per_customer[customer] = per_customer.get(customer, 0) + 1
            for item in items:
                same_length = len(digits_of(item)) == len(owner)
                strength = (3.0 if same_length else 2.5) if len(owner) >= 7 else 2.0
                self.keys_of_item[item].add(owner)
                kept = refs.get(item)
                if kept is None or strength - common > _effective(kept):
                    refs[item] = RefHit(
                        item,
                        strength,
                        "invoice number within one character",
                        owner,
                        k,
                        False,
                        True,
                        per_customer[customer_of[item]],
                    )

    def _payer_neighbour_hits(self, refs: dict[int, RefHit], customers: list[int]) -> None:
        """Numbers within one character of the payer's own open items, the year, prefix or zeros left out.

        Among one customer's few items a near miss is telling, where over the
        whole book (numbers are dense) it would not be. The forms compared are
        the digits of the number's variants ("INV-2025-00846": 202500846,
        2025846, 00846): five digits or more, or four against four; a year or
        a month ("03/2026") is not a number.
        """
        book = self.book
        named = self._named_exactly(refs)
        written = [w for w in self._written() if w not in named]
        if not written:
            return
        open_, currency, issue = book.open, book.currency, book.issue
        cur, day = self.currency, self.day
        # the serial as the number writes it, zeros kept ("00078" of 26/00078): the payer's item named exactly,
        # too short to index over the whole book, never a typo of another of its numbers
        for customer in customers:
            serials = self.engine._serials.get(customer)
            if serials is None:
                serials = defaultdict(list)
                for item in book.items_of[customer]:
                    found = _SERIAL.search(book.number[item])
                    if found is not None:
                        serials[found.group(0)].append(item)
                self.engine._serials[customer] = serials
            for key in written:
                for item in serials.get(key, ()):
                    if item in refs or open_[item] == 0 or currency[item] != cur or issue[item] > day:
                        continue
                    self.keys_of_item[item].add(key)
                    refs[item] = RefHit(
                        item, 4.0, "the payer's invoice number, its serial", key, 1, False, False, 1
                    )
                    named.add(key)
        written = [w for w in written if w not in named]
        if not written:
            return
        first_near = _first_within_one(tuple(written))
        for customer in customers:
            for item in book.items_of[customer][:300]:
                if item in refs or open_[item] == 0 or currency[item] != cur or issue[item] > day:
                    continue
                for form in self._digit_forms(item):
                    size = len(form)
                    if form.isascii():
                        hit = first_near.get(form)
                    else:
                        hit = next(
                            (w for w in written if _comparable(len(w), size) and OSA.distance(w, form) <= 1),
                            None,
                        )
                    if hit is not None:
                        self.keys_of_item[item].add(hit)
                        strength = 3.0 if size >= 6 else 2.5
                        refs[item] = RefHit(
                            item,
                            strength,
                            "the payer's invoice number within one character",
                            hit,
                            1,
                            False,
                            True,
                            1,
                        )
                        break

    def _other_items_make(self, customer: int, amount: int, settled: Sequence[int]) -> bool:
        """Whether two or three other open items of the customer (this currency, issued by the payment) add
        up to ``amount`` exactly: an excess that is those items, not money to keep on account."""
        book = self.book
        open_, currency, issue = book.open, book.currency, book.issue
        cur, day = self.currency, self.day
        amounts = [
            open_[i]
            for i in book.items_of[customer][:_OTHER_ITEMS_MAX]
            if i not in settled and open_[i] > 0 and currency[i] == cur and issue[i] <= day
        ]
        seen: set[int] = set()
        for a in amounts:
            if amount - a in seen:
                return True
            seen.add(a)
        if len(amounts) > _TRIPLES_MAX:
            return False
        for k, a in enumerate(amounts):
            rest = amount - a
            seen.clear()
            for b in amounts[k + 1 :]:
                if rest - b in seen:
                    return True
                seen.add(b)
        return False

    def _short_serial_list(self, refs: dict[int, RefHit], customers: list[int]) -> list[int]:
        """A list of short serials ("fras. 82, 124 y 142", "fatture n. 59, 150 e 180"): where numbering starts
        again each year, payers write the serials alone. Too short to say anything one by one, they name the
        payer's items when every number of the list is the serial of one of its open items and those items,
        one per number, add up to the payment exactly (one way only). Those items, named so."""
        text = mask_dates_and_amounts(fold(self.evidence.text))
        numbers = list(dict.fromkeys(int(n) for n in _SHORT_NUMBER.findall(text)))
        if not 2 <= len(numbers) <= 6 or 0 in numbers:
            return []
        book = self.book
        open_, currency, issue = book.open, book.currency, book.issue
        cur, day = self.currency, self.day
        for customer in customers:
            by_serial = self.engine._short_serials.get(customer)
            if by_serial is None:
                by_serial = defaultdict(list)
                for item in book.items_of[customer]:
                    found = _SERIAL_ANY.search(book.number[item])
                    if found is not None:
                        by_serial[int(found.group(0))].append(item)
                self.engine._short_serials[customer] = by_serial
            choices = [
                [i for i in by_serial.get(n, ()) if open_[i] > 0 and currency[i] == cur and issue[i] <= day]
                for n in numbers
            ]
            if not all(choices) or math.prod(len(c) for c in choices) > 64:
                continue
            fits = [
                combo for combo in itertools.product(*choices) if sum(open_[i] for i in combo) == self.amount
            ]
            if len(fits) != 1:
                continue
            for item, number in zip(fits[0], numbers, strict=True):
                kept = refs.get(item)
                if kept is not None and _effective(kept) >= 4.0:
                    continue
                key = str(number)
                self.keys_of_item[item].add(key)
                refs[item] = RefHit(
                    item, 4.0, "the payer's invoice serial, in a list", key, 1, False, False, 1
                )
            return list(fits[0])
        return []

    def _named_exactly(self, refs: dict[int, RefHit]) -> set[str]:
        """Digit strings of the text that name an open item of the payer's exactly: no typo to look for."""
        book = self.book
        return {
            hit.key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            for i, hit in refs.items()
            if not hit.fuzzy and book.open[i] != 0 and book.customer[i] in self.payer_related
        }

    def _written(self) -> list[str]:
        """The digit strings of four digits or more the text writes (not a year or a month), computed once."""
        if self._written_numbers is None:
            written: list[str] = []
            for candidate in self.evidence.numbers:
                if candidate.origin != "plain":
                    continue
                digits = candidate.key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                if (
                    len(digits) >= 4
                    and digits.isdigit()
                    and not _PERIOD.match(digits)
                    and digits not in written
                ):
                    written.append(digits)
            self._written_numbers = written
        return self._written_numbers

    def _months_named(self) -> frozenset[tuple[int, int]]:
        """The months the text names beside a word of a periodic charge ("huur maart", "loyer mars", "Miete
        03/26"), with their year (0: not written); no word of the payer's name is a month ("Jan Janssen")."""
        found = self._months
        if found is None:
            text = fold(self.evidence.text)
            months: set[tuple[int, int]] = set()
            if _PERIOD_WORDS.search(text):
                named = {w for given in self.payer.names for w in re.findall(r"[A-Z]+", fold(given))}
                months.update(
                    (_MONTH_WORDS[w], 0)
                    for w in re.findall(r"[A-Z]+", text)
                    if w in _MONTH_WORDS and w not in named
                )
                months.update((int(m), 2000 + int(y) % 100) for m, y in _MONTH_NUMBER.findall(text))
            found = self._months = frozenset(months)
        return found

    def _month_groups(self, equal: list[int]) -> list[list[int]]:
        """Of equal items, those of each month the text names ("huur maart": the rent due in March), by their due
        date, else by their issue date."""
        book, day = self.book, self.day
        groups = []
        for month, year in self._months_named():
            for dates in (book.due, book.issue):
                found = [
                    i
                    for i in equal
                    if (on := date.fromordinal(dates[i])).month == month
                    and (on.year == year if year else abs(dates[i] - day) <= 200)
                ]
                if found:
                    groups.append(found)
                    break
        return groups

    def _month_items(self, equal: list[int]) -> list[int]:
        """Of equal items, the one of each month the text names; none when a month named has several (it does not
        say which) or its item is taken."""
        picked: set[int] = set()
        for found in self._month_groups(equal):
            if len(found) > 1 or found[0] in self.engine._reserved:
                return []
            picked.update(found)
        return sorted(picked, key=self.book.fifo_key)

    def _month_paid(self, customer: int, item: int) -> str:
        """Why a person decides when the text names a month ("ABONNEMENT FEVRIER") whose item of this amount is
        settled already (by an earlier payment of the run, or before it), and ``item`` is of another month: the
        payer may be paying that month a second time. Empty otherwise."""
        if not self._months_named():
            return ""
        book = self.book
        amount, cur, day = book.open[item], self.currency, self.day
        open_, total, currency, issue = book.open, book.total, book.currency, book.issue
        paid = [
            i
            for i in book.items_of[customer][:_MONTH_PAID_ITEMS]
            if open_[i] == 0 and total[i] == amount and currency[i] == cur and issue[i] <= day
        ]
        if not paid:
            return ""
        for group in self._month_groups([*paid, item]):
            if item not in group:
                number = book.number[next(i for i in group if i != item)]
                return f"the month the text names is that of {number}, settled already"
        return ""

    def _waited_on(self, customer: int, settled: Iterable[int]) -> bool:
        """Whether an earlier payment of the run left to a person may settle one of ``customer``'s items equal to
        those settled (see :meth:`Engine._waits`): any, or one of its amount or of theirs."""
        engine = self.engine
        if customer in engine._pending:
            return True
        waiting = engine._pending_amounts
        open_ = self.book.open
        return any((customer, a) in waiting for a in {self.amount, *(open_[i] for i in settled)})

    def _equal_open(self, customer: int, amount: int) -> list[int]:
        """The customer's open items of exactly ``amount`` in the payment's currency, issued by its day, first in
        first out."""
        return self.engine.equal_open(customer, amount, self.currency, self.day)

    def _another_month(self, h: Hypothesis) -> bool:
        """The text names months, and ``h`` settles an item of none of them while an item equal to it of one of
        them (by its due date, else its issue date) stays open: the month's item is meant, which a person picks
        when the month alone does not say which ("huur maart" with two rents due in March).

        A month no equal item belongs to is the payer's period, not an item's: first in, first out stands.
        """
        if h.customer < 0 or not self._months_named():
            return False
        settled = set(h.items())
        for amount in {self.book.open[i] for i in settled}:
            equal = self._equal_open(h.customer, amount)
            named = {i for found in self._month_groups(equal) for i in found}
            if not named <= settled and not settled.intersection(equal) <= named:
                return True
        return False

    def _bearers(self) -> frozenset[int]:
        """Customers whose names hold every word of the payer's ("Claes Veerle": Veerle Claes, and the joint
        "Claes Veerle en De Clercq Bart"): namesakes a clerk cannot tell apart by the name alone."""
        found = self._bearer_keys
        if found is None:
            found = self._bearer_keys = frozenset(
                k for given in self.payer.names for k in self.engine.name_bearers(given)
            )
        return found

    def _bearers_with_the_amount(self) -> frozenset[int]:
        """Of :meth:`_bearers`, those with an open item of the amount."""
        found = self._bearers_amount
        if found is None:
            found = self._bearers_amount = frozenset(
                k for k in self._bearers() if self._equal_open(k, self.amount)
            )
        return found

    def _relatives_with_the_amount(self) -> frozenset[int]:
        """Customers with an open item of the amount the payer may pay for as one of a family
        (:meth:`NameIndex.relatives`: "Famille Martin" for "Nicolas Martin", any Martin for "M ET MME MARTIN")."""
        found = self._relatives_amount
        if found is None:
            book = self.book
            # names found in a narrative are customers' names written whole (NameIndex.written_in): no person's
            keys = (
                set()
                if self.payer.in_text
                else {k for n in self.payer.names for k in book.names.relatives(n)}
            )
            found = self._relatives_amount = frozenset(
                k for k in keys if book.party_is_customer[k] and self._equal_open(k, self.amount)
            )
        return found

    def _points_at_a_tie(self, h: Hypothesis) -> bool:
        """Whether a number the text writes may be one of the customer's items equal to those ``h`` settles.

        A date ("120326", "20260312"), or a number like none of them (the payer's own reference), does not
        say which of equal items is meant; a number like one of theirs (to two edits, or its last digits)
        may, and then first in, first out is not safe.
        """
        book = self.book
        if h.customer >= 0 and self.analysis.refs:
            refs = self.analysis.refs
            amounts = {book.open[i] for i in h.items()}
            tied = (i for a in amounts for i in book.items_with_amount(h.customer, a, self.currency))
            if any(i in refs and refs[i].strength >= 2.0 for i in tied):
                return True  # a reference or number found one of them (a mistyped structured reference)
        written = [w for w in self._written() if not is_date_near(w, self.day)]
        if not written:
            return False
        labelled = {re.sub(r"[^0-9]", "", m) for m in _LABELLED.findall(fold(self.evidence.text))}
        if not labelled.isdisjoint(written):
            return True  # "Facture 7781": an invoice the payer means, unknown here
        if h.customer < 0:
            return False
        amounts = {book.open[i] for i in h.items()}
        pool = [i for a in amounts for i in book.items_with_amount(h.customer, a, self.currency)]
        return any(_resembles(w, form) for i in pool for form in self._digit_forms(i) for w in written)

    def _digit_forms(self, item: int) -> list[str]:
        """The digit strings an item's number is written as (its variants' digits), longest first."""
        forms = self.engine._forms.get(item)
        if forms is None:
            book = self.book
            found: set[str] = set()
            for key in (book.digits_of(item), *variant_keys(segments(book.number[item]))):
                digits = key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
                if len(digits) >= 4 and digits.isdigit():
                    found.add(digits)
            forms = sorted(found, key=lambda f: (-len(f), f))
            self.engine._forms[item] = forms
        return forms

    def _excess_written(self, excess: int, settled: int) -> bool:
        """Whether the text accounts for an overpayment: it writes what the items were open for and the excess, or
        the two amounts the excess is made of (a Brazilian bank's boleto liquidation: "VLR TITULO 1.824,39 JUROS
        30,41 MULTA 36,49 VLR PAGO 1.891,29", late interest and the fine on top of the document's amount)."""
        written = self.evidence.amounts
        if excess <= 0 or settled not in written:
            return False
        if excess in written:
            return True
        parts = sorted({a for a in written if 0 < a < excess})
        return any(excess - a in parts and excess - a != a for a in parts)

    def _named_alike(self, items: list[int], refs: dict[int, RefHit]) -> list[tuple[int, int]]:
        """The customer's items the text names (oldest first), each to be settled alone, with the items one number
        names alike and of one amount (the instalments of one document named without the instalment: "NF
        12252" of 000012252/1, /2 and /3) as their oldest only, first in, first out."""
        book = self.book
        alike: dict[tuple[str, float, int], list[int]] = defaultdict(list)
        for i in items:
            hit = refs[i]
            alike[(hit.key, hit.strength, book.open[i])].append(i)
        # an instalment the text names ("NF 12252 PARC 2/3", "12252/2") is meant, not the oldest of its siblings
        strongest = max(refs[i].strength for i in items)
        kept = []
        for i in items:
            hit = refs[i]
            group = alike[(hit.key, hit.strength, book.open[i])]
            if len(group) == 1 or hit.label != _LABELS[VariantKind.INSTALMENT] or hit.strength < strongest:
                kept.append((i, 1))
            elif i == group[0]:
                kept.append((i, len(group)))
        return kept

    def _reference_hypotheses(self, refs: dict[int, RefHit]) -> None:
        book = self.book
        groups: dict[int, list[int]] = defaultdict(list)
        payer_hits = self.payer.iban_hits.keys() | self.payer.name_hits.keys()
        currency, issue, cur, day = book.currency, book.issue, self.currency, self.day
        for item, hit in refs.items():
            if currency[item] != cur or issue[item] > day:
                self._eligible(item, note=hit.strength >= 5.0)  # says why not
                continue
            customer = book.customer[item]
            open_minor = book.open[item]
            relevant = (
                hit.strength >= (4.5 if self.payer.has_info else 4.0)  # no payer: what the text names is all
                or customer in payer_hits
                or not payer_hits.isdisjoint(book.payers_of[customer])
                or abs(open_minor - self.amount) <= self.tolerance
            )
            if relevant:
                groups[customer].append(item)
        strong_all: list[int] = []
        for customer, items in groups.items():
            items.sort(key=book.fifo_key)
            open_items = [i for i in items if book.open[i] != 0]
            closed = [i for i in items if book.open[i] == 0]
            # named strongly and by a number no other item has: "2026/00351", Odoo's INV/2026/00351 and
            # ERPNext's ACC-SINV-2026-00351 alike, names one of them, not both
            strong_all.extend(i for i in open_items if refs[i].strength >= 6.0 and refs[i].multiplicity == 1)
            if open_items:
                self._allocate(customer, open_items, "reference")
                if len(open_items) > 1:
                    for i, alike in self._named_alike(open_items, refs):
                        h = self._allocate(customer, [i], "reference")
                        if h is not None and alike > 1:
                            h.ties = alike - 1
                            h.notes.append(
                                f"oldest of {alike} open items the number names alike, of this amount "
                                "(first in, first out: due date, issue date, number)"
                            )
                    if not self._group_fits(customer) and len(open_items) <= MAX_ITEMS:
                        self._subsets(customer, open_items, "reference")
                total = sum(book.open[i] for i in open_items)
                if self.amount > total and not self._group_fits(customer):
                    self._extend(customer, open_items, total)
                elif 0 < self.amount < total:
                    self._net_credit_note(customer, open_items, total)
            if closed:
                h = self._add(
                    customer,
                    [(AllocationKind.ON_ACCOUNT, _NO_ITEM, self.amount, "duplicate")],
                    "duplicate",
                    "reference",
                )
                h.notes.extend(f"about:{i}" for i in closed)
        if len(groups) > 1 and len(strong_all) > 1:
            strong_all.sort(key=book.fifo_key)
            customers = [book.customer[i] for i in strong_all]
            main = max(set(customers), key=customers.count)
            self._several(main, strong_all, "items of several customers")
        if len(groups) > 1:
            # a parent or a factor paying for several customers it is known to pay for: their items the
            # text names less strongly ("26/340" for 26/00340) belong with the strong ones
            sure = {p for p, n in self.payer.name_hits.items() if n >= 0.9} | self.payer.iban_hits.keys()
            linked = {c for c in groups if c in sure or not sure.isdisjoint(book.payers_of[c])}
            together = [
                i
                for customer, items in groups.items()
                if customer in linked
                for i in items
                if book.open[i] != 0 and refs[i].strength >= 4.0
            ]
            together.sort(key=book.fifo_key)
            if together != strong_all and len({book.customer[i] for i in together}) > 1:
                customers = [book.customer[i] for i in together]
                main = max(set(customers), key=customers.count)
                self._several(main, together, "items of several customers the payer pays for")
            # a parent known to pay for a company other than itself, naming in full, each the only item of its
            # number, items of sister companies not on file as paid for by it: those belong together too
            if any(c not in sure for c in linked):
                full = [
                    i
                    for items in groups.values()
                    for i in items
                    if book.open[i] != 0
                    and refs[i].multiplicity == 1
                    and not refs[i].fuzzy
                    and refs[i].key == normalise(book.number[i])
                ]
                full.sort(key=book.fifo_key)
                owners = [book.customer[i] for i in full if book.customer[i] in linked]
                if (
                    full not in (strong_all, together)
                    and owners
                    and len({book.customer[i] for i in full}) > 1
                ):
                    # the allocation is the customers' the payer is known to pay for (their evidence is the payer's)
                    main = max(set(owners), key=owners.count)
                    self._several(main, full, "items of several customers the payer pays for")

    def _several(self, main: int, items: list[int], note: str) -> None:
        """One payment for the items of several customers; not when what it pays is one customer's items only
        (a part payment of the oldest, another customer's): that is no payment of several customers, and the
        hypotheses of each customer's own items are there already."""
        h = self._allocate(main, items, "reference", note=note)
        if h is not None and len({self.book.customer[i] for i in h.items()}) < 2:
            self.hypotheses.remove(h)

    def _group_fits(self, customer: int) -> bool:
        return any(
            h.customer == customer and h.fit in ("exact", "discount", "charges") for h in self.hypotheses
        )

    def _extend(self, customer: int, items: list[int], total: int) -> None:
        """Referenced items plus unreferenced ones of the customer that make up the rest exactly.

        A cut text (140 characters) usually lost the next items of a list: the
        open items that follow the last one written are tried first.
        """
        book = self.book
        rest = self.amount - total
        chosen = set(items)
        if self.text_cut:
            last = book.fifo_key(items[-1])
            following = [
                i
                for i in book.items_of[customer][:2000]
                if i not in chosen
                and book.open[i] > 0
                and book.fifo_key(i) > last
                and self._eligible(i, note=False)
            ]
            running = 0
            for n, i in enumerate(following[:40], start=1):
                running += book.open[i]
                if running == rest:
                    h = self._allocate(customer, [*items, *following[:n]], "reference")
                    if h is not None:
                        h.notes.append(
                            f"with the {n} open items that follow the last one written (the text looks cut)"
                        )
                        self._drop_overpaid(customer, items)
                    return
                if running > rest:
                    break
        others = []
        for i in book.items_of[customer][:400]:
            if i not in chosen and 0 < book.open[i] <= rest and self._eligible(i, note=False):
                others.append(i)
                if len(others) >= 16:
                    break
        pool = others[: min(self.settings.max_subset_items, 16)]
        if len(pool) < 1:
            return
        result = subset_sums([book.open[i] for i in pool], rest, max_solutions=16)
        if result.count >= 1:
            picked = self._fifo_choice(pool, result.solutions)
            if picked is not None:
                solution, ties, _ = picked
                h = self._allocate(
                    customer,
                    sorted([*items, *solution], key=book.fifo_key),
                    "reference",
                    subset_space=_space(pool, book),
                )
                if h is not None:
                    h.ties = ties
                    h.notes.append("completed with unreferenced open items adding up to the rest")
                    if self.text_cut:
                        self._drop_overpaid(customer, items)

    def _net_credit_note(self, customer: int, items: list[int], total: int) -> None:
        """Referenced items less one open credit note of the customer that is the shortfall to the cent.

        Customers take their open credit notes off the next payment without
        saying so; a credit note of exactly what is missing (and the only one)
        explains it better than bank charges or a part payment do.
        """
        book = self.book
        short = total - self.amount
        chosen = set(items)
        notes = [
            i
            for i in book.items_with_amount(customer, -short, self.currency)
            if i not in chosen and self._eligible(i, note=False)
        ]
        if len(notes) != 1:
            return
        h = self._allocate(customer, sorted([*items, notes[0]], key=book.fifo_key), "reference")
        if h is not None:
            h.netted = (notes[0],)
            h.notes.append("less the customer's open credit note of the amount missing")
            # the credit note is the shortfall to the cent: no bank charges taken on the way
            written = tuple(items)
            self.hypotheses[:] = [
                g
                for g in self.hypotheses
                if not (g.fit == "charges" and g.customer == customer and g.items() == written)
            ]

    def _drop_overpaid(self, customer: int, items: list[int]) -> None:
        """A cut text's items, and an excess that other open items of the customer make up to the cent: the
        excess paid what the bank cut off, it is no overpayment of the items written."""
        written = tuple(items)
        self.hypotheses[:] = [
            h
            for h in self.hypotheses
            if not (h.fit == "over" and h.customer == customer and h.items() == written)
        ]

    # --- amounts --------------------------------------------------------------------------

    def _payer_customers(self) -> list[int]:
        """Customers the payer is (or pays for), strongest first."""
        book = self.book
        strength: dict[int, float] = defaultdict(float)
        for party, count in self.payer.iban_hits.items():
            covered = book.pays_for[party]
            if len(covered) > 20:
                continue
            for customer in covered:
                strength[customer] += 4.0 + min(count, 8) * 0.1 if customer == party else 3.0
        for party, score in self.payer.name_hits.items():
            if score < 0.75:
                continue
            covered = book.pays_for[party]
            if len(covered) > 20:
                continue
            for customer in covered:
                strength[customer] += 3.0 * score if customer == party else 2.0 * score
        self.payer_strength = strength
        if len(strength) <= 4:
            return sorted(strength, key=lambda c: (-strength[c], c))
        # namesakes as strong as each other ("Lieve Peeters" seven times): those with an item of the amount first
        return sorted(strength, key=lambda c: (-strength[c], not self._equal_open(c, self.amount), c))[:4]

    def _amount_hypotheses(self, customer: int, *, strong: bool) -> None:
        """Allocations of the customer's open items that fit the amount without any reference.

        ``strong``: the payer is well identified, so that combinations of several
        items are worth searching.
        """
        book = self.book
        amount = self.amount
        exact = self._equal_open(customer, amount)
        if exact:
            exact.sort(key=lambda i: (i in self.engine._reserved, book.fifo_key(i)))
            month = self._month_items(exact) if len(exact) > 1 else []
            if len(month) == 1:
                h = self._allocate(customer, month, "amount")
                if h is not None:
                    h.notes.append(
                        f"the item of the month the text names, of {len(exact)} open items of this amount"
                    )
                return
            h = self._allocate(customer, [exact[0]], "amount")
            if h is not None:
                h.held = self._month_paid(customer, exact[0])
                h.ties = len(exact) - 1
                if len(exact) > 1:
                    h.notes.append(
                        f"oldest of {len(exact)} open items of this amount (first in, first out: due date, issue date, number)"
                    )
                else:
                    h.notes.append("the customer's only open item of this amount")
            return
        items = book.items_of[customer]
        if len(items) > 400:
            items = items[:400]
        open_, currency, issue, cur, day = book.open, book.currency, book.issue, self.currency, self.day
        eligible = [i for i in items if open_[i] != 0 and currency[i] == cur and issue[i] <= day]
        # one item short by a discount or by charges
        best: tuple[int, int] | None = None
        count = 0
        discount_bp = book.discount_bp
        for i in eligible:
            open_minor = open_[i]
            if open_minor <= 0:
                continue
            residue = open_minor - amount
            discount = book.discount(i, self.discount_day) if discount_bp[i] else 0
            if discount and abs(residue - discount) <= 1:
                self._allocate(customer, [i], "amount")
                return
            if 0 < residue <= self.tolerance:
                count += 1
                if best is None or residue < best[0]:
                    best = (residue, i)
        if best is not None:
            h = self._allocate(customer, [best[1]], "amount")
            if h is not None:
                h.ties = count - 1
        if not strong:
            return
        # the oldest items, in order (how customers pay a statement), with or without credit notes; items
        # proposed to a person for an earlier payment are taken, as the single-item rule takes them
        reserved = self.engine._reserved
        free = [i for i in eligible if i not in reserved]
        invoices_only = [i for i in free if book.open[i] > 0]
        for sequence in (invoices_only, free) if len(invoices_only) < len(free) else (free,):
            running = 0
            for n, i in enumerate(sequence[:60], start=1):
                running += book.open[i]
                if n >= 2 and 0 <= running - amount <= self.tolerance:
                    h = self._allocate(customer, sequence[:n], "amount")
                    if h is not None:
                        h.prefix = True
                        chosen_amounts = {book.open[j] for j in sequence[:n]}
                        h.ties = sum(1 for j in free[n:] if book.open[j] in chosen_amounts)
                        h.notes.append(f"the {n} oldest open items of the customer")
                    return
                if running > amount + self.tolerance and book.open[i] > 0:
                    break
        # any combination adding up to the amount
        pool = [i for i in eligible if book.open[i] <= amount + self.tolerance][
            : self.settings.max_subset_items
        ]
        if len(pool) >= 2:
            self._subsets(customer, pool, "amount")

    def _subsets(self, customer: int, pool: list[int], source: str) -> None:
        book = self.book
        values = [book.open[i] for i in pool]
        result = subset_sums(values, self.amount, max_solutions=32)
        if result.count == 0 and self.tolerance > 0:
            result = subset_sums(values, self.amount + self.tolerance, low=self.amount + 1, max_solutions=32)
        if result.count == 0:
            return
        solutions = [s for s in result.solutions if len(s) >= 2 or source == "reference"]
        space = _space(pool, book)
        larger = 0
        if source == "amount" and solutions and result.count == len(result.solutions):
            # every combination is known: the fewest items adding up to the amount are what a customer pays
            # together (more items make a coincidence likelier); how likely one is at that size is what counts
            size = min(len(s) for s in solutions)
            fewest = [s for s in solutions if len(s) == size]
            larger = len(solutions) - len(fewest)
            solutions, space = fewest, _space(pool, book, size)
        groups: dict[tuple[int, ...], list[tuple[int, ...]]] = defaultdict(list)
        for sol in solutions:
            groups[tuple(sorted(values[j] for j in sol))].append(sol)
        for members in list(groups.values())[:2]:
            picked = self._fifo_choice(pool, members)
            if picked is None:
                continue
            subset, ties, by_month = picked
            h = self._allocate(customer, sorted(subset, key=book.fifo_key), source, subset_space=space)
            if h is not None:
                h.ties = ties + (
                    result.count - len(solutions) - larger if len(groups) == 1 else len(groups) - 1
                )
                if by_month:
                    h.notes.append(
                        f"the items of the months the text names, of {ties + 1} equal combinations"
                    )
                elif ties:
                    h.notes.append(f"oldest of {ties + 1} equal combinations (first in, first out)")
                if larger:
                    h.notes.append(
                        f"the fewest items adding up to the amount ({larger} larger combinations too)"
                    )

    def _fifo_choice(
        self, pool: list[int], solutions: list[tuple[int, ...]]
    ) -> tuple[list[int], int, bool] | None:
        """Among subsets (positions in ``pool``) of equal amounts, the one of the items of the months the text
        names, else of the oldest items; how many tie; and whether the months chose."""
        book = self.book
        if not solutions:
            return None
        amount_sets = {tuple(sorted(book.open[pool[j]] for j in sol)) for sol in solutions}
        if len(amount_sets) > 1:
            return None
        reserved = self.engine._reserved
        ordered = sorted(pool, key=lambda i: (i in reserved, book.fifo_key(i)))
        chosen: list[int] = []
        months: dict[int, list[int]] = {}  # per amount, the items of the months the text names come first
        for value in next(iter(amount_sets)):
            if value not in months:
                months[value] = self._month_items([i for i in ordered if book.open[i] == value])
            for i in (*months[value], *ordered):
                if book.open[i] == value and i not in chosen:
                    chosen.append(i)
                    break
        by_month = any(i in months[book.open[i]] for i in chosen)
        return chosen, len(solutions) - 1, by_month

    def _global_hypotheses(self) -> None:
        for i in self.book.items_with_amount_anywhere(self.amount, self.currency, cap=5):
            if self._eligible(i, note=False):
                self._allocate(self.book.customer[i], [i], "global")

    # --- allocation rules -------------------------------------------------------------------

    def _allocate(
        self,
        customer: int,
        items: list[int],
        source: str,
        *,
        subset_space: float = 0.0,
        note: str | None = None,
    ) -> Hypothesis | None:
        """Rows for paying ``items`` with the transaction's amount, by the accounting rules."""
        book = self.book
        amount = self.amount
        credit_notes = [i for i in items if book.open[i] < 0]
        invoices = [i for i in items if book.open[i] > 0]
        ordered = credit_notes + invoices
        total = sum(book.open[i] for i in ordered)
        if total <= 0 or not invoices:
            return None
        rows: list[Row] = [(AllocationKind.INVOICE, i, book.open[i], None) for i in ordered]
        if amount == total:
            fit = "exact"
        elif amount > total:
            rows.append((AllocationKind.ON_ACCOUNT, _NO_ITEM, amount - total, "overpayment"))
            fit = "over"
        else:
            short = total - amount
            discounts = [(i, book.discount(i, self.discount_day)) for i in invoices]
            discounts = [(i, d) for i, d in discounts if d > 0]
            discount_total = sum(d for _, d in discounts)
            advised = self._advised(invoices, short) if self.evidence.documents else None
            if advised:
                # the remittance gives, document by document, what the payer keeps back and why
                fit = "explained"
                rows.extend((AllocationKind.DEDUCTION, i, -kept, reason) for i, kept, reason in advised)
            elif discounts and abs(short - discount_total) <= len(discounts):
                fit = "discount"
                adjust = short - discount_total
                for n, (i, d) in enumerate(discounts):
                    extra = adjust if n == len(discounts) - 1 else 0
                    rows.append((AllocationKind.DEDUCTION, i, -(d + extra), "discount"))
            elif short in self._written_amounts():
                # the text names what it keeps back ("minus 26,00 beschadigde levering"): one deduction, the
                # reason the text gives, not a discount and charges that happen to add up to it
                fit = "explained"
                target = max(invoices, key=lambda i: (book.open[i], -invoices.index(i)))
                rows.append((AllocationKind.DEDUCTION, target, -short, "explained"))
            elif discounts and 0 < short - discount_total <= self.tolerance:
                fit = "discount"
                for i, d in discounts:
                    rows.append((AllocationKind.DEDUCTION, i, -d, "discount"))
                rows.append(
                    (AllocationKind.DEDUCTION, invoices[-1], -(short - discount_total), "bank_charges")
                )
            elif short <= self.tolerance and not self.evidence.partial_words:
                fit = "charges"
                rows.append((AllocationKind.DEDUCTION, invoices[-1], -short, "bank_charges"))
                if short * 5 > total:
                    # a fifth or more of the invoice: charges, or a part payment? let a person say
                    self._partial(customer, ordered, source, subset_space, note)
            elif self._explained(short, total):
                fit = "explained"
                target = max(invoices, key=lambda i: (book.open[i], -invoices.index(i)))
                rows.append((AllocationKind.DEDUCTION, target, -short, "explained"))
            else:
                return self._partial(customer, ordered, source, subset_space, note)
        h = self._add(customer, rows, fit, source)
        h.subset_space = subset_space
        if note:
            h.notes.append(note)
        return h

    def _partial(
        self, customer: int, ordered: list[int], source: str, subset_space: float, note: str | None
    ) -> Hypothesis | None:
        """A part payment: credit notes first, then the items oldest first; the last one stays open."""
        book = self.book
        rows: list[Row] = []
        left = self.amount
        for i in ordered:
            take = book.open[i] if book.open[i] < 0 else min(book.open[i], left)
            if take == 0:
                break
            rows.append((AllocationKind.INVOICE, i, take, "partial" if take < book.open[i] else None))
            left -= take
        if left != 0 or not rows:
            return None
        h = self._add(customer, rows, "partial", source)
        h.subset_space = subset_space
        if note:
            h.notes.append(note)
        vat = self.evidence.split_vat
        if vat is not None:
            h.notes.append(
                "split payment (MPP): the VAT part, paid to the VAT account"
                if vat == self.amount
                else f"split payment (MPP): the part without the VAT, which is paid to the VAT account "
                f"({Decimal(vat).scaleb(-minor_unit(self.currency))} {self.currency})"
            )
        return h

    def _advised(self, invoices: list[int], short: int) -> list[tuple[int, int, str]] | None:
        """The deductions a structured remittance gives per document, when they are the whole of ``short``.

        A document of ``invoices`` the remittance pays less than its open
        amount, with a discount or an adjustment that is exactly the
        difference, is settled with a deduction of that difference on it
        (reason ``discount`` for a discount alone, else ``explained``). None
        when a document is paid less without such a reason (a part payment) or
        the deductions are not all of ``short``.
        """
        book = self.book
        advised = []
        for i in invoices:
            d = _remitted(self.analysis, i, book.number[i])
            if d is None or d.paid is None or d.paid >= book.open[i]:
                continue
            kept = book.open[i] - d.paid
            if kept != d.kept:
                return None
            advised.append((i, kept, "discount" if d.reasons == ("discount",) else "explained"))
        if not advised or sum(kept for _, kept, _ in advised) != short:
            return None
        return advised

    def _written_amounts(self) -> list[int]:
        """The amounts the text writes, other than the payment's own (minor units)."""
        return [a for a in self.evidence.amounts if a != self.amount]

    def _explained(self, short: int, total: int) -> bool:
        """The text explains the short payment: it names the amount, or says why without naming another."""
        written = self._written_amounts()
        if short in written:
            return True
        return bool(self.evidence.deduction_words) and short * 2 <= total and not written

    def _add(self, customer: int, rows: list[Row], fit: str, source: str) -> Hypothesis:
        h = Hypothesis(customer, rows, fit, source)
        self.hypotheses.append(h)
        return h

    # --- features and scores ---------------------------------------------------------------------

    def _score(self) -> None:
        hypotheses = [h for h in self.hypotheses if h.fit != "unrelated"]
        exact_customers: dict[int, int] = defaultdict(int)
        for h in hypotheses:
            # another customer's fit competes when it is telling: one item, its oldest items, or the one rare
            # combination of its items (several combinations adding up to the amount are a coincidence)
            if h.fit in ("exact", "discount") and (
                not h.subset_space or (not h.ties and h.subset_space <= -10.0)
            ):
                exact_customers[h.customer] += 1
        for h in hypotheses:
            h.features = self._features(h, exact_customers)
        if hypotheses:
            logits = self.engine.scorer.logits([h.features for h in hypotheses])
            for h, logit in zip(hypotheses, logits, strict=True):
                h.logit = logit
        evidence = self.evidence
        for h in self.hypotheses:
            if h.fit == "unrelated":
                h.logit = 3.5 if evidence.is_hard_non_customer else 0.5
        self.hypotheses.sort(key=lambda h: -h.logit)

    def _strong_refs(self) -> list[tuple[int, set[str], float]]:
        """Open, eligible items the text names, with the keys that named them and how strongly (once)."""
        if self._strong is None:
            book = self.book
            self._strong = [
                (i, self.keys_of_item.get(i, set()), hit.strength)
                for i, hit in self.analysis.refs.items()
                if hit.strength >= 3.0 and book.open[i] != 0 and self._eligible(i, note=False)
            ]
        return self._strong

    def _base_features(self) -> list[float]:
        """The features every allocation of this transaction shares (computed once)."""
        if self._base is None:
            f = [0.0] * len(FEATURES)
            f[_F_PAYER_NONE] = 0.0 if self.payer.has_info else 1.0
            f[_F_TEXT_CUT] = 1.0 if self.text_cut else 0.0
            evidence = self.evidence
            f[_F_NON_CUSTOMER_HARD] = 1.0 if evidence.is_hard_non_customer else 0.0
            f[_F_NON_CUSTOMER_SOFT] = 1.0 if evidence.is_soft_non_customer else 0.0
            f[_F_PARTIAL_WORDS] = 1.0 if evidence.partial_words else 0.0
            f[_F_DEDUCTION_WORDS] = 1.0 if evidence.deduction_words else 0.0
            f[_F_ADVANCE_WORDS] = (2.0 if evidence.order_named else 1.0) if evidence.advance_words else 0.0
            self._base = f
        return self._base.copy()

    def _features(self, h: Hypothesis, exact_customers: dict[int, int]) -> tuple[float, ...]:
        book = self.book
        refs = self.analysis.refs
        f = self._base_features()
        settled = h.items()
        items = list(settled) or list(h_about(h))
        payer_evidence = self._payer_cache.get(h.customer)
        if payer_evidence is None:
            payer_evidence = (
                self.payer.evidence(book, h.customer, self.engine._similarity)
                if h.customer >= 0
                else (0, 0, False, 0.0, 0.0, 0.0)
            )
            self._payer_cache[h.customer] = payer_evidence
        iban_self, iban_third, iban_other, name_self, name_third, name_other = payer_evidence
        strengths: list[float] = []
        ambiguity = 0.0
        fuzzy = 0.0
        known_payer = iban_self or iban_third or name_self >= 0.8 or name_third >= 0.8
        log2 = math.log2
        # a key several items share is no ambiguity for an allocation that takes them all (one engagement or
        # order number for the invoices of a contract, paid together)
        shared = self._taken_keys(h, items)
        for i in items:
            if i in h.netted:
                continue  # what the text names is what it pays; the credit note makes up the difference
            hit = refs.get(i)
            if hit is None:
                strengths.append(0.0)
                continue
            taken = max(shared[hit.key] - 1, 0)
            k = (hit.same_customer if known_payer else hit.multiplicity) - taken
            strengths.append(max(hit.strength - log2(max(k, 1)), 0.5))
            ambiguity = max(ambiguity, log2(max(hit.multiplicity - taken, 1)))
            if hit.structured:
                f[_F_REF_STRUCTURED] = 1.0
            if hit.fuzzy:
                fuzzy += 1.0
        coverage = 0.0
        if items:
            f[_F_REF_BEST] = max(strengths)
            f[_F_REF_MEAN] = sum(strengths) / len(strengths)
            coverage = f[_F_REF_COVERAGE] = sum(1 for s in strengths if s > 0) / len(strengths)
            f[_F_REF_FUZZY] = fuzzy / len(items)
        f[_F_REF_AMBIGUITY] = ambiguity
        strong = self._strong_refs()
        if strong:
            included = set(items)
            keys_of_item = self.keys_of_item
            other_strong = 0
            customer_of = book.customer
            for i, keys, strength in strong:
                if i in included or (strength < 6.0 and customer_of[i] != h.customer):
                    continue  # a weaker key counts against leaving out an item of the same customer only
                if any(not keys.isdisjoint(keys_of_item.get(j, ())) for j in included):
                    continue  # the same written key also fits an included item
                other_strong += 1
            f[_F_REF_OTHER_STRONG] = float(other_strong)
        if h.fit in ("over", "duplicate"):
            # the excess is exactly what an item the text names (however weakly), the items of the customer it
            # names together (or two or three items it names, whoever's: a parent's list of its subsidiaries'), another
            # open item of the customer, or two or three of them together have open: it is those items, not money
            # to keep on account
            excess = self.amount - sum([book.open[i] for i in settled])
            left = {i for i in refs if i not in settled and book.open[i] > 0}
            same = [book.open[i] for i in left if book.customer[i] == h.customer]
            if (
                any(book.open[i] == excess for i in left)
                or (len(same) > 1 and sum(same) == excess)
                or (len(left) <= 8 and _some_make(sorted(book.open[i] for i in left), excess))
                or (h.customer >= 0 and any(
                    i not in settled for i in book.items_with_amount(h.customer, excess, self.currency)))
                or (h.customer >= 0 and self._other_items_make(h.customer, excess, settled))
            ):  # fmt: skip
                f[_F_REF_OTHER_STRONG] += 1.0
        f[_F_PAYER_IBAN] = log2(1 + iban_self)
        f[_F_PAYER_IBAN_THIRD] = log2(1 + iban_third)
        f[_F_PAYER_IBAN_OTHER] = 1.0 if iban_other else 0.0
        f[_F_PAYER_NAME] = name_self
        f[_F_PAYER_NAME_THIRD] = name_third
        f[_F_PAYER_NAME_OTHER] = name_other
        numbered = self.payer.numbered
        customer = h.customer
        if numbered and customer >= 0 and customer not in numbered:
            # the text writes another customer's number (not one of a party paying for this one)
            f[_F_NUMBER_OTHER] = 1.0 if numbered.keys().isdisjoint(book.payers_of[customer]) else 0.0
        open_ = book.open
        total = sum([open_[i] for i in settled]) or 1
        residue = -sum([minor for kind, _, minor, _ in h.rows if kind == AllocationKind.DEDUCTION])
        fit = h.fit
        if fit == "exact":
            f[_F_FIT_EXACT] = 1.0
        elif fit == "discount":
            f[_F_FIT_DISCOUNT] = 1.0
        elif fit == "charges":
            # how far the explanation stretches: near the tolerance, or a large share of the items
            f[_F_FIT_CHARGES] = max(residue / max(self.tolerance, 1), 5.0 * residue / total)
            f[_F_FEE_KEPT_BACK] = 1.0 if self.currency in FEES_KEPT_BACK else 0.0
        elif fit == "explained":
            f[_F_FIT_EXPLAINED] = residue / total
        elif fit == "partial":
            f[_F_FIT_PARTIAL] = self.amount / max(sum([open_[i] for i in items]), 1)
            if self.currency in TAX_WITHHELD and f[_F_FIT_PARTIAL] >= 0.9:
                f[_F_TAX_WITHHELD] = 1.0
            if customer >= 0 and any(i not in items for i in self._equal_open(customer, self.amount)):
                f[_F_EQUAL_OTHER] = 1.0
            if not f[_F_PARTIAL_WORDS] and self.evidence.amounts:
                # the text writes the amount of the item left open and pays less ("RMR*IV*320759*PI*1527.14*3054.28"):
                # the payer says it pays part, as in words
                written = self.evidence.amounts
                if any(
                    r[3] == "partial" and (open_[r[1]] in written or book.total[r[1]] in written)
                    for r in h.rows
                ):
                    f[_F_PARTIAL_WORDS] = 1.0
        elif fit == "over":
            f[_F_FIT_OVER] = (self.amount - total) / self.amount
            if self._excess_written(self.amount - total, total):
                f[_F_TEXT_AMOUNT] = 1.0
        elif fit == "duplicate":
            f[_F_FIT_DUPLICATE] = 1.0 if any(book.total[i] == self.amount for i in items) else 0.5
        f[_F_N_ITEMS] = log2(max(len(settled), 1))
        f[_F_SUBSET] = 1.0 if h.subset_space else 0.0
        f[_F_SUBSET_SPACE] = h.subset_space
        f[_F_FIFO_PREFIX] = 1.0 if h.prefix else 0.0
        if coverage == 0.0 and (
            self.evidence.number_like or (h.ties and (self._points_at_a_tie(h) or self._another_month(h)))
        ):
            # equal items are broken first in, first out only when the text does not point at one of them
            f[_F_UNEXPLAINED_NUMBER] = 1.0
        if any(i in self.engine._reserved for i in settled) or (
            h.ties and self._waited_on(h.customer, settled)
        ):
            # which of equal items an earlier payment left to a person will settle is not known yet
            f[_F_RESERVED] = 1.0
        f[_F_TIES] = log2(1 + h.ties)
        if items:
            f[_F_YEARS_SINCE_ISSUE] = (self.day - min([book.issue[i] for i in items])) / 365.0
            f[_F_YEARS_PAST_DUE] = (self.day - min([book.due[i] for i in items])) / 365.0
        if h.source == "global":
            f[_F_GLOBAL_AMOUNT] = 1.0
        if h.customer in self.engine._no_reference:
            f[_F_HABIT_NO_REFERENCE] = 1.0
        if residue and residue in self.evidence.amounts:
            f[_F_TEXT_AMOUNT] = 1.0
        if coverage == 0.0:
            others = {c for c in exact_customers if c != h.customer}
            payer = self.payer
            if h.customer not in payer.iban_hits and h.customer not in payer.numbered:
                bearers = [
                    c
                    for c in self._bearers_with_the_amount() | self._relatives_with_the_amount()
                    if c != h.customer
                ]
                if bearers:
                    # another customer bears the payer's whole name and has an item of the amount: the name
                    # does not tell them apart
                    others.update(bearers)
                    f[_F_PAYER_NAME_OTHER] = max(f[_F_PAYER_NAME_OTHER], f[_F_PAYER_NAME])
                elif h.customer in self._bearers_with_the_amount() and h.fit == "exact":
                    # the only customer bearing all the payer's words with an item of the amount: customers
                    # whose names only resemble the payer's less are no rivals; namesakes, and those the
                    # account or a number names, are
                    named = f[_F_PAYER_NAME] - 0.02
                    others = {
                        c
                        for c in others
                        if c in payer.iban_hits
                        or c in payer.numbered
                        or c in self._bearers()
                        or payer.name_hits.get(c, 0.0) >= named
                    }
                    f[_F_SOLE_BEARER] = 1.0
            f[_F_COMPETITORS] = log2(1 + len(others))
        return tuple(f)


def _resembles(written: str, form: str) -> bool:
    """Whether a written digit string may stand for an item's digit form: equal, one the end of the
    other (four digits at least), or two edits apart at most (four digits at least)."""
    if written == form:
        return True
    if min(len(written), len(form)) < 4:
        return False
    if form.endswith(written) or written.endswith(form):
        return True
    return abs(len(written) - len(form)) <= 2 and OSA.distance(written, form, score_cutoff=2) <= 2


def _comparable(written: int, form: int) -> bool:
    """Whether a written digit string of this length may be a typo of an item's form of that length:
    the same length, or one more or less against six digits or more; four digits only against four."""
    return (written == form or (form >= 6 and abs(written - form) == 1)) and (form >= 5 or written == 4)


@lru_cache(maxsize=1024)
def _first_within_one(written: tuple[str, ...]) -> dict[str, str]:
    """Each digit string within one edit of a comparable string of ``written`` → the first such (in order)."""
    first: dict[str, str] = {}
    for w in written:
        n = len(w)
        for near in _within_one(w):
            if near not in first and _comparable(n, len(near)):
                first[near] = w
    return first


@lru_cache(maxsize=4096)
def _within_one(digits: str) -> frozenset[str]:
    """Every string of ASCII digits within one edit of ``digits`` (OSA: a digit left out, added,
    changed, or two neighbours swapped), ``digits`` itself included."""
    near = {digits}
    n = len(digits)
    for i in range(n):
        head, tail = digits[:i], digits[i + 1 :]
        near.add(head + tail)
        near.update([head + d + tail for d in "0123456789"])
        if i + 1 < n:
            near.add(head + digits[i + 1] + digits[i] + digits[i + 2 :])
    for i in range(n + 1):
        head, tail = digits[:i], digits[i:]
        near.update([head + d + tail for d in "0123456789"])
    return frozenset(near)


def _space(pool: Sequence[int], book: Book, size: int | None = None) -> float:
    """log2 of how many subsets of ``pool`` (of at most ``size`` items) fall on one minor unit: the chance of a
    coincidence. Sums of at most ``size`` items spread up to the ``size`` largest open amounts together."""
    n = len(pool)
    if size is None or size >= n:
        return n - math.log2(sum(abs(book.open[i]) for i in pool) + 1)
    count = sum(math.comb(n, k) for k in range(1, size + 1))
    spread = sum(sorted(abs(book.open[i]) for i in pool)[-size:]) + 1
    return math.log2(count) - math.log2(spread)


def _effective(hit: RefHit) -> float:
    return hit.strength - math.log2(max(hit.multiplicity, 1))
