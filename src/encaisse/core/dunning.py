"""Dunning: policies of reminder levels, and what to send to whom on a given day.

A :class:`DunningPolicy` is a ladder of :class:`DunningLevel` s, each at an
offset in days from the due date: a friendly pre-reminder before the due date
(offset < 0), reminders after it, a formal notice with late interest and the
fixed compensation, a final notice that hands the file over. A small rule
table (:class:`PolicyRule`) chooses the policy of a customer from its segment
and risk, and may shift the ladder so that chronic late payers reach the firm
tone earlier.

:func:`decide` takes one customer's open items on an ``as_of`` date, with the
``history`` of what was already sent, and returns a :class:`DunningDecision`:
at most one letter grouping every item that reached a new level (each at its
own level; the letter's level is the highest), whether a collector must call
first, and for every other item the reason it was left out. The rules:

- nothing for a customer on hold; never an item with nothing open, on hold,
  disputed, or covered by a promise to pay that is neither broken nor lapsed
  (its date + the grace days passed);
- unapplied credits (cash on account) offset the items still to be dunned,
  per currency, oldest due date first (then invoice number): an item fully
  offset is left out, a partly offset one is dunned for the rest;
- a level is reached on due date + offset, plus the grace days for levels
  after the due date; pre-due levels (offset ≤ 0) expire at the due date (an
  overdue invoice never gets a "falls due soon" letter);
- an item moves at most one level per run, never twice on the same day, and
  not sooner than ``min_days_between_levels`` after its previous letter: so
  running twice on the same day (with the history of the first run) decides
  nothing new;
- an item below the minimum amount of its level (for its currency) waits;
- interest (:mod:`encaisse.core.interest`, from the day after the due date to
  ``as_of``) and the fixed compensation are added when the item's level says
  so; the compensation is charged once per invoice ever (``history``); an item
  whose interest needs a rate the table does not have yet waits, with that
  reason, while the others go out;
- a policy with ``key_account_call_first`` issues a call task before any
  letter, and sends letters only ``call_lead_days`` after a call task not
  older than ``call_valid_days``.

:func:`decide_many` runs the same rules over many customers at once, sharing
the policy choice and the interest periods between them.

>>> from datetime import date
>>> eur = lambda s: Money(s, "EUR")
>>> customer = CustomerState("C1")
>>> items = [
...     OpenItem("I1", "2026-0001", "C1", eur("1200.00"), date(2026, 3, 1)),
...     OpenItem("I2", "2026-0002", "C1", eur("80.00"), date(2026, 3, 20), disputed=True),
... ]
>>> d = decide(items, customer, STANDARD_POLICY, date(2026, 3, 11))
>>> d.letter.level.template, [(i.item.number, i.level.number) for i in d.items]
('reminder', [('2026-0001', 2)])
>>> [(s.item.number, s.reason) for s in d.skipped]
[('2026-0002', 'disputed')]
>>> sent = EMPTY_HISTORY.recording([d], date(2026, 3, 11))
>>> decide(items, customer, STANDARD_POLICY, date(2026, 3, 11), sent).letter is None
True
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeAlias

from encaisse.core.interest import (
    EU,
    InterestCalculation,
    Jurisdiction,
    RateNotPublished,
    RatePeriod,
    RateTable,
    ReferenceSource,
    default_rate_table,
    late_interest_on_schedule,
    late_interest_over,
    rate_periods,
)
from encaisse.core.money import Money

__all__ = [
    "DEFAULT_POLICIES",
    "DEFAULT_RULES",
    "EMPTY_HISTORY",
    "KEY_ACCOUNT_POLICY",
    "STANDARD_POLICY",
    "CallTask",
    "Channel",
    "CustomerState",
    "DunningDecision",
    "DunningHistory",
    "DunningLevel",
    "DunningPolicy",
    "ItemDecision",
    "LetterPlan",
    "NoPolicy",
    "OpenItem",
    "PolicyChoice",
    "PolicyRule",
    "PromiseToPay",
    "Risk",
    "SentLevel",
    "SkippedItem",
    "Tone",
    "choose_policy",
    "decide",
    "decide_many",
]

InvoiceId: TypeAlias = int | str
CustomerId: TypeAlias = int | str

_ONE_DAY: Final = timedelta(days=1)


class NoPolicy(LookupError):
    """No rule and no policy applies to a customer."""


class Tone(StrEnum):
    FRIENDLY = "friendly"
    FIRM = "firm"
    FORMAL = "formal"


class Channel(StrEnum):
    EMAIL = "email"
    POST = "post"
    REGISTERED_POST = "registered_post"


class Risk(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    CHRONIC_LATE = "chronic_late"


# --- policies ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DunningLevel:
    """One step of a dunning ladder.

    ``offset_days`` counts from the due date (negative: before it).
    ``min_overdue_amount`` holds at most one minimum per currency; a currency
    without one has no minimum. ``hand_over`` marks the level that passes the
    file to a collection agency or to legal.
    """

    number: int
    offset_days: int
    channel: Channel
    tone: Tone
    template: str
    min_overdue_amount: tuple[Money, ...] = ()
    add_interest: bool = False
    add_compensation: bool = False
    hand_over: bool = False
    _minimums: Mapping[str, Money] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        minimums = {m.currency: m for m in self.min_overdue_amount}
        if len(minimums) != len(self.min_overdue_amount):
            raise ValueError(f"level {self.number}: one minimum amount per currency")
        object.__setattr__(self, "_minimums", MappingProxyType(minimums))

    @property
    def is_pre_due(self) -> bool:
        """A courtesy reminder up to the due date (offset ≤ 0); never sent once the item is overdue."""
        return self.offset_days <= 0

    def minimum_for(self, currency: str) -> Money | None:
        return self._minimums.get(currency)


@dataclass(frozen=True, slots=True)
class DunningPolicy:
    """A ladder of levels and the rules of its pace.

    ``grace_days`` delay every level after the due date (payments in transit);
    ``segment`` is the customer segment the policy serves when no rule of the
    rule table matches (None: the fallback policy).
    """

    name: str
    levels: tuple[DunningLevel, ...]
    grace_days: int = 0
    segment: str | None = None
    key_account_call_first: bool = False
    min_days_between_levels: int = 7
    call_lead_days: int = 2
    call_valid_days: int = 30
    jurisdiction: Jurisdiction = EU

    def __post_init__(self) -> None:
        if not self.levels:
            raise ValueError(f"policy {self.name}: no level")
        numbers = [level.number for level in self.levels]
        offsets = [level.offset_days for level in self.levels]
        if numbers != sorted(set(numbers)) or numbers[0] < 1:
            raise ValueError(f"policy {self.name}: level numbers must be positive and increasing: {numbers}")
        if offsets != sorted(set(offsets)):
            raise ValueError(f"policy {self.name}: offsets must increase with the level: {offsets}")
        if self.grace_days < 0 or self.min_days_between_levels < 1:
            raise ValueError(f"policy {self.name}: grace ≥ 0 and at least one day between levels")
        if self.call_lead_days < 1 or self.call_valid_days < self.call_lead_days:
            raise ValueError(f"policy {self.name}: call lead ≥ 1 day and within the call's validity")

    def level(self, number: int) -> DunningLevel:
        for level in self.levels:
            if level.number == number:
                return level
        raise KeyError(f"policy {self.name} has no level {number}")

    def level_date(self, level: DunningLevel, due_date: date) -> date:
        """The first day an item due on ``due_date`` may get ``level``."""
        days = level.offset_days + (self.grace_days if level.offset_days > 0 else 0)
        return due_date + timedelta(days=days)

    def next_level(self, last_level: int, due_date: date, as_of: date) -> DunningLevel | None:
        """The level after ``last_level``, passing over pre-due levels once the item is overdue."""
        overdue = as_of > due_date
        for level in self.levels:
            if level.number > last_level and not (overdue and level.is_pre_due):
                return level
        return None

    def shifted(self, steps: int) -> DunningPolicy:
        """The same ladder with each level after the due date taking the place of an earlier one.

        With ``steps`` = 1 the offset of the first reminder carries the second
        reminder, and so on: the firm and formal tones come one step earlier
        and the last levels' offsets fall away. Pre-due levels are unchanged.
        """
        if steps <= 0:
            return self
        pre = [level for level in self.levels if level.is_pre_due]
        post = [level for level in self.levels if not level.is_pre_due]
        if not post:
            return self
        contents = post[steps:] or post[-1:]
        moved = [
            replace(content, offset_days=slot.offset_days)
            for content, slot in zip(contents, post, strict=False)
        ]
        return replace(self, name=f"{self.name} (+{steps})", levels=(*pre, *moved))


@dataclass(frozen=True, slots=True)
class PolicyRule:
    """One line of the rule table: customers of this segment and risk (None: any) get this policy."""

    policy: str
    segment: str | None = None
    risk: Risk | None = None
    level_shift: int = 0

    def matches(self, customer: CustomerState) -> bool:
        return (self.segment is None or self.segment == customer.segment) and (
            self.risk is None or self.risk == customer.risk
        )

    def describe(self) -> str:
        who = " ".join(x for x in (self.segment, self.risk and f"risk {self.risk}") if x) or "any customer"
        shift = f", levels shifted by {self.level_shift}" if self.level_shift else ""
        return f"{who} → {self.policy}{shift}"


@dataclass(frozen=True, slots=True)
class PolicyChoice:
    policy: DunningPolicy
    reason: str


def choose_policy(
    customer: CustomerState,
    policies: Mapping[str, DunningPolicy],
    rules: Sequence[PolicyRule] = (),
) -> PolicyChoice:
    """The first rule that matches, else the policy of the customer's segment, else the fallback policy."""
    for rule in rules:
        if rule.matches(customer):
            try:
                policy = policies[rule.policy]
            except KeyError:
                raise NoPolicy(f"rule {rule.describe()} names an unknown policy") from None
            return PolicyChoice(policy.shifted(rule.level_shift), f"rule: {rule.describe()}")
    for segment, why in ((customer.segment, f"segment {customer.segment}"), (None, "fallback policy")):
        for policy in policies.values():
            if policy.segment == segment:
                return PolicyChoice(policy, why)
    raise NoPolicy(f"no dunning policy for customer {customer.customer_id} (segment {customer.segment})")


_MIN_EUR_10: Final = (Money("10.00", "EUR"),)
_MIN_EUR_50: Final = (Money("50.00", "EUR"),)

STANDARD_POLICY: Final = DunningPolicy(
    "standard",
    (
        DunningLevel(1, -3, Channel.EMAIL, Tone.FRIENDLY, "pre_reminder"),
        DunningLevel(2, 7, Channel.EMAIL, Tone.FRIENDLY, "reminder", _MIN_EUR_10),
        DunningLevel(3, 15, Channel.EMAIL, Tone.FIRM, "second_reminder", _MIN_EUR_10),
        DunningLevel(4, 30, Channel.REGISTERED_POST, Tone.FORMAL, "formal_notice", _MIN_EUR_50, True, True),
        DunningLevel(
            5, 45, Channel.REGISTERED_POST, Tone.FORMAL, "final_notice", _MIN_EUR_50, True, True, True
        ),
    ),
    grace_days=3,
)

KEY_ACCOUNT_POLICY: Final = DunningPolicy(
    "key_account",
    (
        DunningLevel(1, 10, Channel.EMAIL, Tone.FRIENDLY, "reminder"),
        DunningLevel(2, 25, Channel.EMAIL, Tone.FIRM, "second_reminder"),
        DunningLevel(3, 45, Channel.REGISTERED_POST, Tone.FORMAL, "formal_notice", add_interest=True),
    ),
    grace_days=5,
    segment="key_account",
    key_account_call_first=True,
)

DEFAULT_POLICIES: Final[Mapping[str, DunningPolicy]] = MappingProxyType(
    {p.name: p for p in (STANDARD_POLICY, KEY_ACCOUNT_POLICY)}
)

DEFAULT_RULES: Final[tuple[PolicyRule, ...]] = (
    PolicyRule("key_account", segment="key_account", risk=Risk.CHRONIC_LATE, level_shift=1),
    PolicyRule("key_account", segment="key_account"),
    PolicyRule("standard", risk=Risk.CHRONIC_LATE, level_shift=1),
    PolicyRule("standard"),
)


# --- what is dunned ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromiseToPay:
    """The customer promised to pay ``amount`` by ``date``; ``broken`` once the collector says so."""

    date: date
    amount: Money
    broken: bool = False


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open invoice as dunning sees it.

    ``last_level``/``last_sent_on`` are the dunning state stored with the
    invoice; :class:`DunningHistory` may know a later one. ``balance_changes``
    (``(date, open amount)`` after each allocation, see
    :func:`~encaisse.core.interest.late_interest_on_schedule`) give exact
    interest after partial payments; without them the open amount is taken as
    open since the due date.
    """

    invoice_id: InvoiceId
    number: str
    customer_id: CustomerId
    open_amount: Money
    due_date: date
    disputed: bool = False
    on_hold: bool = False
    promise: PromiseToPay | None = None
    last_level: int = 0
    last_sent_on: date | None = None
    balance_changes: tuple[tuple[date, Money], ...] = ()

    @property
    def currency(self) -> str:
        return self.open_amount.currency


@dataclass(frozen=True, slots=True)
class CustomerState:
    """What dunning needs to know of a customer; ``unapplied_credits`` at most one per currency."""

    customer_id: CustomerId
    segment: str = "standard"
    risk: Risk = Risk.NORMAL
    on_hold: bool = False
    unapplied_credits: tuple[Money, ...] = ()


@dataclass(frozen=True, slots=True)
class SentLevel:
    invoice_id: InvoiceId
    level: int
    sent_on: date


@dataclass(frozen=True, slots=True)
class CallTask:
    customer_id: CustomerId
    issued_on: date


@dataclass(frozen=True, slots=True)
class DunningHistory:
    """What earlier runs sent: levels per invoice, compensations charged, call tasks issued."""

    sent: tuple[SentLevel, ...] = ()
    compensation_charged: frozenset[InvoiceId] = frozenset()
    calls: tuple[CallTask, ...] = ()
    _last_sent: Mapping[InvoiceId, tuple[int, date]] = field(
        init=False, repr=False, compare=False, hash=False
    )
    _last_call: Mapping[CustomerId, date] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        last: dict[InvoiceId, tuple[int, date]] = {}
        for record in self.sent:
            level, when = last.get(record.invoice_id, (0, date.min))
            last[record.invoice_id] = (max(level, record.level), max(when, record.sent_on))
        calls: dict[CustomerId, date] = {}
        for call in self.calls:
            calls[call.customer_id] = max(calls.get(call.customer_id, date.min), call.issued_on)
        object.__setattr__(self, "_last_sent", MappingProxyType(last))
        object.__setattr__(self, "_last_call", MappingProxyType(calls))

    def last_sent(self, invoice_id: InvoiceId) -> tuple[int, date] | None:
        """The highest level sent for an invoice and the date of its latest letter."""
        return self._last_sent.get(invoice_id)

    def last_call(self, customer_id: CustomerId) -> date | None:
        return self._last_call.get(customer_id)

    def has_compensation(self, invoice_id: InvoiceId) -> bool:
        return invoice_id in self.compensation_charged

    def recording(self, decisions: Iterable[DunningDecision], as_of: date) -> DunningHistory:
        """This history plus what ``decisions`` send on ``as_of`` (what the service stores)."""
        sent = list(self.sent)
        charged = set(self.compensation_charged)
        calls = list(self.calls)
        for decision in decisions:
            if decision.call_task:
                calls.append(CallTask(decision.customer.customer_id, as_of))
            for item in decision.items:
                sent.append(SentLevel(item.item.invoice_id, item.level.number, as_of))
                if item.compensation is not None:
                    charged.add(item.item.invoice_id)
        return DunningHistory(tuple(sent), frozenset(charged), tuple(calls))


EMPTY_HISTORY: Final = DunningHistory()


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ItemDecision:
    """An item that reaches ``level`` today; ``amount`` is what is claimed (open amount less credits)."""

    item: OpenItem
    level: DunningLevel
    reason: str
    amount: Money
    interest: InterestCalculation | None = None
    compensation: Money | None = None


@dataclass(frozen=True, slots=True)
class SkippedItem:
    item: OpenItem
    reason: str


def _totals(amounts: Iterable[Money]) -> tuple[Money, ...]:
    sums: dict[str, Decimal] = {}
    for amount in amounts:
        sums[amount.currency] = sums.get(amount.currency, Decimal(0)) + amount.amount
    return tuple(Money(sums[currency], currency) for currency in sorted(sums))


@dataclass(frozen=True, slots=True)
class LetterPlan:
    """One letter to a customer: its items each at its level; the letter takes the highest level."""

    customer_id: CustomerId
    level: DunningLevel
    items: tuple[ItemDecision, ...]

    @property
    def channel(self) -> Channel:
        return self.level.channel

    @property
    def tone(self) -> Tone:
        return self.level.tone

    @property
    def template(self) -> str:
        return self.level.template

    def amounts_due(self) -> tuple[Money, ...]:
        """Σ claimed amounts per currency."""
        return _totals(i.amount for i in self.items)

    def interest_totals(self) -> tuple[Money, ...]:
        return _totals(i.interest.total for i in self.items if i.interest is not None and i.interest.total)

    def compensation_totals(self) -> tuple[Money, ...]:
        return _totals(i.compensation for i in self.items if i.compensation is not None)


@dataclass(frozen=True, slots=True)
class DunningDecision:
    """What one run does for one customer, and why every other item waits."""

    customer: CustomerState
    policy: str
    letter: LetterPlan | None
    call_task: bool
    items: tuple[ItemDecision, ...]
    skipped: tuple[SkippedItem, ...]

    @property
    def hand_over(self) -> bool:
        return any(i.level.hand_over for i in self.items)

    @property
    def is_action(self) -> bool:
        return self.letter is not None or self.call_task


class _InterestPeriods:
    """Rate periods from the day after a due date to ``as_of``, shared by every invoice due that day."""

    __slots__ = ("as_of", "by_due_date", "jurisdiction", "table")

    def __init__(self, jurisdiction: Jurisdiction, table: RateTable, as_of: date) -> None:
        self.jurisdiction = jurisdiction
        self.table = table
        self.as_of = as_of
        self.by_due_date: dict[date, tuple[RatePeriod, ...]] = {}

    def claim(self, item: OpenItem, amount: Money) -> InterestCalculation:
        if item.balance_changes:
            return late_interest_on_schedule(
                item.balance_changes, item.due_date, self.as_of, self.jurisdiction, self.table
            )
        periods = self.by_due_date.get(item.due_date)
        if periods is None:
            periods = ()
            if self.as_of > item.due_date:
                periods = rate_periods(item.due_date + _ONE_DAY, self.as_of, self.jurisdiction, self.table)
            self.by_due_date[item.due_date] = periods
        return late_interest_over(amount, item.due_date, self.as_of, self.jurisdiction, periods)


def _rate_table(jurisdiction: Jurisdiction, tables: Mapping[ReferenceSource, RateTable] | None) -> RateTable:
    if tables is not None and jurisdiction.reference in tables:
        return tables[jurisdiction.reference]
    return default_rate_table(jurisdiction.reference)


def _promise_note(promise: PromiseToPay, policy: DunningPolicy, as_of: date) -> tuple[bool, str]:
    """(covers the item?, words): a promise covers until it is broken or its date + grace has passed."""
    if promise.broken:
        return False, f"promise to pay of {promise.date} broken"
    if as_of > promise.date + timedelta(days=policy.grace_days):
        return False, f"promise to pay of {promise.date} lapsed"
    return True, f"promise to pay {promise.amount} until {promise.date}"


def _decide_customer(
    items: Sequence[OpenItem],
    customer: CustomerState,
    policy: DunningPolicy,
    as_of: date,
    history: DunningHistory,
    interest: _InterestPeriods,
    explain_idle: bool,
) -> DunningDecision:
    if customer.on_hold:
        held = tuple(SkippedItem(item, "customer on hold") for item in items)
        return DunningDecision(customer, policy.name, None, False, (), held)

    skipped: list[SkippedItem] = []
    candidates: list[tuple[OpenItem, str]] = []  # with the note to carry into the reason
    for item in items:
        if item.open_amount.amount <= 0:
            skipped.append(SkippedItem(item, "nothing open"))
        elif item.on_hold:
            skipped.append(SkippedItem(item, "on hold"))
        elif item.disputed:
            skipped.append(SkippedItem(item, "disputed"))
        elif item.promise is not None:
            covered, note = _promise_note(item.promise, policy, as_of)
            if covered:
                skipped.append(SkippedItem(item, note))
            else:
                candidates.append((item, note))
        else:
            candidates.append((item, ""))

    # Unapplied credits offset the candidates per currency, oldest due date first.
    amounts: dict[InvoiceId, Money] = {}
    if customer.unapplied_credits:
        credit: dict[str, Decimal] = {}
        for money in customer.unapplied_credits:
            if money.amount > 0:
                credit[money.currency] = credit.get(money.currency, Decimal(0)) + money.amount
        candidates.sort(key=lambda c: (c[0].due_date, c[0].number))
        offset: list[tuple[OpenItem, str]] = []
        for item, note in candidates:
            available = credit.get(item.currency, Decimal(0))
            if available <= 0 or item.open_amount.amount <= 0:
                offset.append((item, note))
                continue
            used = min(available, item.open_amount.amount)
            credit[item.currency] = available - used
            used_money = Money(used, item.currency)
            if used >= item.open_amount.amount:
                skipped.append(SkippedItem(item, f"compensated by unapplied credit {used_money}"))
                continue
            amounts[item.invoice_id] = item.open_amount - used_money
            words = f"open {item.open_amount} less unapplied credit {used_money}"
            offset.append((item, f"{note}; {words}" if note else words))
        candidates = offset

    decided: list[ItemDecision] = []
    for item, note in candidates:
        last_level, last_sent = item.last_level, item.last_sent_on
        recorded = history.last_sent(item.invoice_id)
        if recorded is not None:
            last_level = max(last_level, recorded[0])
            last_sent = recorded[1] if last_sent is None else max(last_sent, recorded[1])
        if last_sent is not None and last_sent >= as_of:
            skipped.append(SkippedItem(item, f"already dunned on {last_sent}"))
            continue
        level = policy.next_level(last_level, item.due_date, as_of)
        if level is None:
            if explain_idle:
                words = f"final level {last_level} sent on {last_sent}" if last_level else "no level applies"
                skipped.append(SkippedItem(item, words))
            continue
        when = policy.level_date(level, item.due_date)
        if last_sent is not None:
            when = max(when, last_sent + timedelta(days=policy.min_days_between_levels))
        if as_of < when:
            if explain_idle:
                skipped.append(SkippedItem(item, f"not due: level {level.number} from {when}"))
            continue
        amount = amounts.get(item.invoice_id, item.open_amount)
        minimum = level.minimum_for(item.currency)
        if minimum is not None and amount < minimum:
            skipped.append(SkippedItem(item, f"below minimum {minimum}"))
            continue
        days = (as_of - item.due_date).days
        timing = f"{days} days past due" if days > 0 else f"due on {item.due_date}"
        reason = f"{timing}: level {level.number} ({level.tone}) from {when}"
        if note:
            reason = f"{reason}; {note}"
        claim = None
        if level.add_interest and days > 0:
            try:
                claim = interest.claim(item, amount)
            except RateNotPublished as missing:
                # The other items still go out; this one waits for the rate table to be updated.
                skipped.append(SkippedItem(item, f"interest not computable: {missing}"))
                continue
        compensation = None
        if (
            level.add_compensation
            and days > 0
            and policy.jurisdiction.fixed_compensation is not None
            and not history.has_compensation(item.invoice_id)
        ):
            compensation = policy.jurisdiction.fixed_compensation
        decided.append(ItemDecision(item, level, reason, amount, claim, compensation))

    call_task = False
    if decided and policy.key_account_call_first:
        call = history.last_call(customer.customer_id)
        if call is None or (as_of - call).days > policy.call_valid_days:
            call_task, words = True, "call before any letter: call task issued"
        elif (as_of - call).days < policy.call_lead_days:
            words = (
                f"waiting for the call of {call}: letter from {call + timedelta(days=policy.call_lead_days)}"
            )
        else:
            words = ""
        if words:
            skipped.extend(SkippedItem(d.item, f"{words} (level {d.level.number})") for d in decided)
            decided = []

    letter = None
    if decided:
        decided.sort(key=lambda d: (d.item.due_date, d.item.number))
        top = max((d.level for d in decided), key=lambda level: level.number)
        letter = LetterPlan(customer.customer_id, top, tuple(decided))
    return DunningDecision(customer, policy.name, letter, call_task, tuple(decided), tuple(skipped))


def decide(
    items: Sequence[OpenItem],
    customer: CustomerState,
    policy: DunningPolicy,
    as_of: date,
    history: DunningHistory = EMPTY_HISTORY,
    rate_tables: Mapping[ReferenceSource, RateTable] | None = None,
) -> DunningDecision:
    """Today's dunning decision for one customer's open items (see the module docstring for the rules)."""
    strangers = [item.number for item in items if item.customer_id != customer.customer_id]
    if strangers:
        raise ValueError(f"items of another customer than {customer.customer_id}: {strangers}")
    interest = _InterestPeriods(policy.jurisdiction, _rate_table(policy.jurisdiction, rate_tables), as_of)
    return _decide_customer(items, customer, policy, as_of, history, interest, explain_idle=True)


def decide_many(
    items: Iterable[OpenItem],
    customers: Mapping[CustomerId, CustomerState],
    as_of: date,
    *,
    policies: Mapping[str, DunningPolicy] = DEFAULT_POLICIES,
    rules: Sequence[PolicyRule] = DEFAULT_RULES,
    history: DunningHistory = EMPTY_HISTORY,
    rate_tables: Mapping[ReferenceSource, RateTable] | None = None,
    explain_idle: bool = True,
) -> tuple[DunningDecision, ...]:
    """:func:`decide` for every customer that has open items, each with the policy of the rule table.

    One pass groups the items by customer; the policy choice is made once per
    (segment, risk) and the interest periods once per (jurisdiction, due
    date). With ``explain_idle`` False, items that simply have no level due
    yet are not listed in ``skipped`` (saves memory on large runs); every
    exclusion is still listed. Decisions come in the order customers first
    appear among the items.
    """
    by_customer: dict[CustomerId, list[OpenItem]] = {}
    for item in items:
        group = by_customer.get(item.customer_id)
        if group is None:
            by_customer[item.customer_id] = [item]
        else:
            group.append(item)
    unknown = [c for c in by_customer if c not in customers]
    if unknown:
        raise KeyError(f"open items of unknown customers: {unknown[:10]}")

    choices: dict[tuple[str, Risk], DunningPolicy] = {}
    periods: dict[tuple[Jurisdiction, ReferenceSource], _InterestPeriods] = {}
    decisions = []
    for customer_id, group in by_customer.items():
        customer = customers[customer_id]
        key = (customer.segment, customer.risk)
        policy = choices.get(key)
        if policy is None:
            policy = choices[key] = choose_policy(customer, policies, rules).policy
        jurisdiction = policy.jurisdiction
        shared = periods.get((jurisdiction, jurisdiction.reference))
        if shared is None:
            shared = _InterestPeriods(jurisdiction, _rate_table(jurisdiction, rate_tables), as_of)
            periods[(jurisdiction, jurisdiction.reference)] = shared
        decisions.append(_decide_customer(group, customer, policy, as_of, history, shared, explain_idle))
    return tuple(decisions)
