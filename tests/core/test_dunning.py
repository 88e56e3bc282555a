from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from encaisse.core.dunning import (
    DEFAULT_POLICIES,
    DEFAULT_RULES,
    EMPTY_HISTORY,
    STANDARD_POLICY,
    Channel,
    CustomerState,
    DunningDecision,
    DunningHistory,
    DunningLevel,
    DunningPolicy,
    NoPolicy,
    OpenItem,
    PolicyRule,
    PromiseToPay,
    Risk,
    SentLevel,
    Tone,
    choose_policy,
    decide,
    decide_many,
)
from encaisse.core.interest import (
    EU,
    ReferenceSource,
    default_rate_table,
    late_interest,
    late_interest_on_schedule,
)
from encaisse.core.money import Money

D = date.fromisoformat
DUE = D("2026-03-10")


def eur(amount: str) -> Money:
    return Money(amount, "EUR")


def days(n: int) -> timedelta:
    return timedelta(days=n)


POLICY = DunningPolicy(
    "test",
    (
        DunningLevel(1, -3, Channel.EMAIL, Tone.FRIENDLY, "pre_reminder"),
        DunningLevel(2, 7, Channel.EMAIL, Tone.FRIENDLY, "reminder", (eur("10.00"),)),
        DunningLevel(3, 15, Channel.EMAIL, Tone.FIRM, "second_reminder"),
        DunningLevel(4, 30, Channel.REGISTERED_POST, Tone.FORMAL, "formal_notice", (), True, True),
        DunningLevel(5, 45, Channel.REGISTERED_POST, Tone.FORMAL, "final_notice", (), True, True, True),
    ),
    grace_days=0,
    min_days_between_levels=1,
)
OFFSETS = {level.number: level.offset_days for level in POLICY.levels}
CUSTOMER = CustomerState("C1")


def item(
    n: int = 1,
    amount: str = "100.00",
    due: date = DUE,
    *,
    currency: str = "EUR",
    customer: str = "C1",
    last: int = 0,
    sent: date | None = None,
    disputed: bool = False,
    on_hold: bool = False,
    promise: PromiseToPay | None = None,
    changes: tuple[tuple[date, Money], ...] = (),
) -> OpenItem:
    if last and sent is None:
        sent = due + days(OFFSETS[last])
    return OpenItem(
        f"I{n}",
        f"2026-{n:04d}",
        customer,
        Money(amount, currency),
        due,
        disputed,
        on_hold,
        promise,
        last,
        sent,
        changes,
    )


def run(
    items: list[OpenItem],
    as_of: date,
    policy: DunningPolicy = POLICY,
    customer: CustomerState = CUSTOMER,
    history: DunningHistory = EMPTY_HISTORY,
) -> DunningDecision:
    return decide(items, customer, policy, as_of, history)


def levels(decision: DunningDecision) -> dict[str, int]:
    return {i.item.number: i.level.number for i in decision.items}


def reasons(decision: DunningDecision) -> dict[str, str]:
    return {s.item.number: s.reason for s in decision.skipped}


# --- levels at their day boundaries ----------------------------------------------------------------


@pytest.mark.parametrize("level", [2, 3, 4, 5])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_each_level_from_its_offset_day(level: int, delta: int) -> None:
    it = item(last=level - 1)
    reached = DUE + days(OFFSETS[level])
    decision = run([it], reached + days(delta))
    if delta < 0:
        assert levels(decision) == {}
        assert reasons(decision) == {"2026-0001": f"not due: level {level} from {reached}"}
        assert decision.letter is None
    else:
        assert levels(decision) == {"2026-0001": level}
        assert decision.letter is not None and decision.letter.level.number == level


@pytest.mark.parametrize(("delta", "expected"), [(-4, None), (-3, 1), (-2, 1), (0, 1)])
def test_pre_reminder_before_the_due_date(delta: int, expected: int | None) -> None:
    decision = run([item()], DUE + days(delta))
    assert levels(decision) == ({"2026-0001": expected} if expected else {})
    if expected:
        assert decision.items[0].reason.startswith(f"due on {DUE}: level 1 (friendly)")
        assert decision.letter is not None and decision.letter.template == "pre_reminder"
    else:
        assert reasons(decision) == {"2026-0001": "not due: level 1 from 2026-03-07"}


def test_pre_due_level_expires_at_the_due_date() -> None:
    assert reasons(run([item()], DUE + days(1))) == {"2026-0001": f"not due: level 2 from {DUE + days(7)}"}
    assert levels(run([item()], DUE + days(7))) == {"2026-0001": 2}


@pytest.mark.parametrize(("delta", "expected"), [(9, None), (10, 2), (11, 2)])
def test_grace_days_delay_levels_after_the_due_date(delta: int, expected: int | None) -> None:
    graceful = DunningPolicy("grace", POLICY.levels, grace_days=3, min_days_between_levels=1)
    decision = run([item(last=1)], DUE + days(delta), graceful)
    assert levels(decision) == ({"2026-0001": expected} if expected else {})
    if not expected:
        assert reasons(decision) == {"2026-0001": f"not due: level 2 from {DUE + days(10)}"}


def test_grace_days_do_not_move_the_pre_reminder() -> None:
    graceful = DunningPolicy("grace", POLICY.levels, grace_days=3, min_days_between_levels=1)
    assert levels(run([item()], DUE - days(3), graceful)) == {"2026-0001": 1}


def test_one_level_at_a_time() -> None:
    long_overdue = item(due=DUE - days(90))
    decision = run([long_overdue], DUE)
    assert levels(decision) == {"2026-0001": 2}
    after = DunningHistory((SentLevel("I1", 2, DUE),))
    assert levels(run([long_overdue], DUE + days(1), history=after)) == {"2026-0001": 3}


@pytest.mark.parametrize(("delta", "expected"), [(16, None), (17, 3), (18, 3)])
def test_min_days_between_levels(delta: int, expected: int | None) -> None:
    paced = DunningPolicy("paced", POLICY.levels, min_days_between_levels=7)
    late_letter = item(last=2, sent=DUE + days(10))  # level 2 went out on day 10, not day 7
    decision = run([late_letter], DUE + days(delta), paced)
    assert levels(decision) == ({"2026-0001": expected} if expected else {})
    if not expected:
        assert reasons(decision) == {"2026-0001": f"not due: level 3 from {DUE + days(17)}"}


def test_final_level_and_already_dunned_today() -> None:
    as_of = DUE + days(90)
    decision = run([item(1, last=5), item(2, last=3, sent=as_of)], as_of)
    assert reasons(decision) == {
        "2026-0001": f"final level 5 sent on {DUE + days(45)}",
        "2026-0002": f"already dunned on {as_of}",
    }
    assert decision.letter is None


# --- exclusions ----------------------------------------------------------------------------------


def test_exclusions() -> None:
    as_of = DUE + days(20)
    promise = PromiseToPay(D("2026-12-01"), eur("50.00"))
    decision = run(
        [
            item(1, disputed=True),
            item(2, on_hold=True),
            item(3, promise=promise),
            item(4, promise=PromiseToPay(D("2026-12-01"), eur("50.00"), broken=True)),
            item(5),
            item(6, "0.00"),
        ],
        as_of,
    )
    assert reasons(decision) == {
        "2026-0006": "nothing open",
        "2026-0001": "disputed",
        "2026-0002": "on hold",
        "2026-0003": "promise to pay 50.00 EUR until 2026-12-01",
    }
    assert levels(decision) == {"2026-0004": 2, "2026-0005": 2}
    broken = next(i for i in decision.items if i.item.number == "2026-0004")
    assert broken.reason.endswith("promise to pay of 2026-12-01 broken")


@pytest.mark.parametrize(("delta", "covered"), [(0, True), (1, False)])
def test_promise_lapses_after_its_date(delta: int, covered: bool) -> None:
    promised = DUE + days(20)
    it = item(promise=PromiseToPay(promised, eur("100.00")))
    decision = run([it], promised + days(delta))
    if covered:
        assert reasons(decision) == {"2026-0001": f"promise to pay 100.00 EUR until {promised}"}
    else:
        assert levels(decision) == {"2026-0001": 2}
        assert decision.items[0].reason.endswith(f"promise to pay of {promised} lapsed")


def test_promise_lapse_waits_for_the_grace_days() -> None:
    graceful = DunningPolicy("grace", POLICY.levels, grace_days=3, min_days_between_levels=1)
    promised = DUE + days(20)
    it = item(promise=PromiseToPay(promised, eur("100.00")))
    assert levels(run([it], promised + days(3), graceful)) == {}
    assert levels(run([it], promised + days(4), graceful)) == {"2026-0001": 2}


def test_customer_on_hold() -> None:
    held = CustomerState("C1", on_hold=True)
    decision = run([item(1), item(2, last=4)], DUE + days(60), customer=held)
    assert decision.letter is None and not decision.call_task and decision.items == ()
    assert set(reasons(decision).values()) == {"customer on hold"}


# --- unapplied credits ---------------------------------------------------------------------------


def test_credit_partly_and_fully_compensating_oldest_first() -> None:
    newer = item(2, "200.00", DUE)
    older = item(1, "100.00", DUE - days(5))
    customer = CustomerState("C1", unapplied_credits=(eur("120.00"),))
    decision = run([newer, older], DUE + days(7), customer=customer)
    assert reasons(decision) == {"2026-0001": "compensated by unapplied credit 100.00 EUR"}
    assert [(i.item.number, i.amount) for i in decision.items] == [("2026-0002", eur("180.00"))]
    assert decision.items[0].reason.endswith("open 200.00 EUR less unapplied credit 20.00 EUR")


def test_credit_fully_compensating_everything() -> None:
    customer = CustomerState("C1", unapplied_credits=(eur("300.00"),))
    decision = run([item(1), item(2, "200.00")], DUE + days(7), customer=customer)
    assert decision.letter is None
    assert reasons(decision) == {
        "2026-0001": "compensated by unapplied credit 100.00 EUR",
        "2026-0002": "compensated by unapplied credit 200.00 EUR",
    }


def test_credit_only_in_its_currency_and_not_on_excluded_items() -> None:
    customer = CustomerState("C1", unapplied_credits=(Money("500", "USD"), eur("100.00")))
    disputed_oldest = item(1, "100.00", DUE - days(5), disputed=True)
    decision = run([disputed_oldest, item(2, "300.00")], DUE + days(7), customer=customer)
    assert reasons(decision) == {"2026-0001": "disputed"}
    assert [i.amount for i in decision.items] == [eur("200.00")]


# --- minimum amounts -----------------------------------------------------------------------------


def test_minimum_amount_per_level_and_currency() -> None:
    decision = run(
        [item(1, "9.99"), item(2, "10.00"), item(3, "5.00", currency="USD")],
        DUE + days(7),
    )
    assert reasons(decision) == {"2026-0001": "below minimum 10.00 EUR"}
    assert levels(decision) == {"2026-0002": 2, "2026-0003": 2}
    # level 3 of this policy has no minimum: the small item moves on there
    assert levels(run([item(1, "9.99", last=2)], DUE + days(15))) == {"2026-0001": 3}


# --- the letter ----------------------------------------------------------------------------------


def test_one_letter_at_the_highest_level() -> None:
    as_of = DUE + days(15)
    decision = run(
        [
            item(3, "300.00", as_of + days(3)),  # pre-reminder
            item(1, "100.00", DUE, last=2),  # level 3
            item(2, "50.00", as_of - days(7), currency="USD"),  # level 2
        ],
        as_of,
    )
    letter = decision.letter
    assert letter is not None
    assert [(i.item.number, i.level.number) for i in letter.items] == [
        ("2026-0001", 3),
        ("2026-0002", 2),
        ("2026-0003", 1),
    ]
    assert (letter.level.number, letter.template, letter.tone, letter.channel) == (
        3,
        "second_reminder",
        Tone.FIRM,
        Channel.EMAIL,
    )
    assert letter.amounts_due() == (eur("400.00"), Money("50.00", "USD"))
    assert letter.items == decision.items
    assert not decision.hand_over


def test_interest_and_compensation_at_the_formal_notice() -> None:
    as_of = DUE + days(30)
    decision = run([item(1, "1000.00", last=3)], as_of)
    (formal,) = decision.items
    assert formal.level.number == 4
    assert formal.interest == late_interest(eur("1000.00"), DUE, as_of, EU)
    assert formal.interest is not None and formal.interest.total == eur("8.34")  # 1000 × 10.15 × 30 / 36500
    assert formal.compensation == eur("40.00")
    letter = decision.letter
    assert letter is not None
    assert letter.interest_totals() == (eur("8.34"),)
    assert letter.compensation_totals() == (eur("40.00"),)


def test_compensation_once_per_invoice() -> None:
    first = run([item(1, "1000.00", last=3)], DUE + days(30))
    history = EMPTY_HISTORY.recording([first], DUE + days(30))
    assert history.has_compensation("I1")
    final = run([item(1, "1000.00", last=3)], DUE + days(45), history=history)
    (it,) = final.items
    assert (it.level.number, it.compensation) == (5, None)
    assert it.interest is not None and it.interest.days == 45
    assert final.hand_over


def test_no_interest_on_levels_that_do_not_ask() -> None:
    (reminder,) = run([item(last=1)], DUE + days(7)).items
    assert (reminder.interest, reminder.compensation) == (None, None)


def test_interest_on_the_amount_left_after_credits_and_on_payment_schedules() -> None:
    as_of = DUE + days(30)
    customer = CustomerState("C1", unapplied_credits=(eur("400.00"),))
    (credited,) = run([item(1, "1000.00", last=3)], as_of, customer=customer).items
    assert credited.interest == late_interest(eur("600.00"), DUE, as_of, EU)
    changes = ((DUE - days(30), eur("1000.00")), (DUE + days(10), eur("600.00")))
    (scheduled,) = run([item(1, "600.00", last=3, changes=changes)], as_of).items
    assert scheduled.interest == late_interest_on_schedule(changes, DUE, as_of, EU)


def test_a_missing_interest_rate_holds_back_only_that_item() -> None:
    as_of = D("2026-07-20")  # the packaged table stops at the half-year of 1 January 2026
    due = as_of - days(30)
    decision = run([item(1, last=3, due=due), item(2, due=as_of - days(7))], as_of)
    assert levels(decision) == {"2026-0002": 2}
    assert reasons(decision)["2026-0001"].startswith("interest not computable:")
    assert "2026-07-01" in reasons(decision)["2026-0001"]
    table = default_rate_table(ReferenceSource.ECB_MRO).with_rate(D("2026-07-01"), "2.15", "test")
    updated = decide(
        [item(1, last=3, due=due)], CUSTOMER, POLICY, as_of, rate_tables={ReferenceSource.ECB_MRO: table}
    )
    assert levels(updated) == {"2026-0001": 4}


# --- idempotency ---------------------------------------------------------------------------------


def test_running_twice_on_the_same_day_decides_nothing_new() -> None:
    paced = DunningPolicy("paced", POLICY.levels, min_days_between_levels=7)
    as_of = DUE + days(30)
    items = [item(1, last=3), item(2, due=as_of + days(3)), item(3, due=DUE + days(5)), item(4, last=5)]
    first = run(items, as_of, paced)
    assert levels(first) == {"2026-0001": 4, "2026-0002": 1, "2026-0003": 2}
    history = EMPTY_HISTORY.recording([first], as_of)
    again = run(items, as_of, paced, history=history)
    assert again.letter is None and again.items == () and not again.call_task
    assert {n: r for n, r in reasons(again).items() if n != "2026-0004"} == {
        "2026-0001": f"already dunned on {as_of}",
        "2026-0002": f"already dunned on {as_of}",
        "2026-0003": f"already dunned on {as_of}",
    }
    # later runs read the state from the history alone
    assert levels(run(items, as_of + days(6), paced, history=history)) == {}
    assert levels(run(items, as_of + days(7), paced, history=history)) == {"2026-0003": 3}


# --- key accounts --------------------------------------------------------------------------------

KEY = DunningPolicy("key", POLICY.levels, key_account_call_first=True, call_lead_days=2, call_valid_days=30)


def test_key_account_call_before_any_letter() -> None:
    day = DUE + days(7)
    items = [item(1, last=1)]
    first = run(items, day, KEY)
    assert first.call_task and first.letter is None and first.items == ()
    assert reasons(first) == {"2026-0001": "call before any letter: call task issued (level 2)"}
    history = EMPTY_HISTORY.recording([first], day)
    same_day = run(items, day, KEY, history=history)
    assert not same_day.call_task and same_day.letter is None
    assert reasons(same_day) == {
        "2026-0001": f"waiting for the call of {day}: letter from {day + days(2)} (level 2)"
    }
    assert run(items, day + days(1), KEY, history=history).letter is None
    letter_day = run(items, day + days(2), KEY, history=history)
    assert not letter_day.call_task and levels(letter_day) == {"2026-0001": 2}
    # a call older than its validity does not cover a later letter
    stale = run([item(1, last=3)], day + days(31), KEY, history=history)
    assert stale.call_task and stale.letter is None


def test_no_call_task_when_nothing_is_due() -> None:
    decision = run([item(1)], DUE - days(10), KEY)
    assert not decision.call_task and decision.letter is None


# --- policy choice -------------------------------------------------------------------------------


def test_rule_table() -> None:
    def chosen(segment: str, risk: Risk = Risk.NORMAL) -> tuple[str, str]:
        choice = choose_policy(CustomerState("C", segment, risk), DEFAULT_POLICIES, DEFAULT_RULES)
        return choice.policy.name, choice.reason

    assert chosen("key_account") == ("key_account", "rule: key_account → key_account")
    assert chosen("key_account", Risk.CHRONIC_LATE)[0] == "key_account (+1)"
    assert chosen("sme", Risk.CHRONIC_LATE) == (
        "standard (+1)",
        "rule: risk chronic_late → standard, levels shifted by 1",
    )
    assert chosen("sme") == ("standard", "rule: any customer → standard")


def test_chronic_late_payers_get_the_firm_tone_earlier() -> None:
    chronic = CustomerState("C1", risk=Risk.CHRONIC_LATE)
    policy = choose_policy(chronic, DEFAULT_POLICIES, DEFAULT_RULES).policy
    assert [(lv.number, lv.offset_days, lv.tone) for lv in policy.levels] == [
        (1, -3, Tone.FRIENDLY),
        (3, 7, Tone.FIRM),
        (4, 15, Tone.FORMAL),
        (5, 30, Tone.FORMAL),
    ]
    first_reminder_day = DUE + days(7 + STANDARD_POLICY.grace_days)
    chronic_letter = decide([item(last=1)], chronic, policy, first_reminder_day).letter
    normal_letter = decide([item(last=1)], CUSTOMER, STANDARD_POLICY, first_reminder_day).letter
    assert chronic_letter is not None and chronic_letter.tone is Tone.FIRM
    assert normal_letter is not None and normal_letter.tone is Tone.FRIENDLY
    assert [lv.number for lv in STANDARD_POLICY.shifted(10).levels] == [1, 5]


def test_policy_by_segment_when_no_rule_matches() -> None:
    public = DunningPolicy("public", POLICY.levels, segment="public")
    policies = {"public": public, "standard": STANDARD_POLICY}
    assert choose_policy(CustomerState("C", "public"), policies).reason == "segment public"
    assert choose_policy(CustomerState("C", "sme"), policies).policy is STANDARD_POLICY
    with pytest.raises(NoPolicy):
        choose_policy(CustomerState("C", "sme"), {"public": public})
    with pytest.raises(NoPolicy, match="unknown policy"):
        choose_policy(CustomerState("C"), policies, (PolicyRule("missing"),))


def test_policy_validation() -> None:
    reminder = DunningLevel(1, 7, Channel.EMAIL, Tone.FRIENDLY, "reminder")
    with pytest.raises(ValueError, match="no level"):
        DunningPolicy("p", ())
    with pytest.raises(ValueError, match="offsets"):
        DunningPolicy("p", (reminder, DunningLevel(2, 7, Channel.EMAIL, Tone.FIRM, "x")))
    with pytest.raises(ValueError, match="numbers"):
        DunningPolicy("p", (reminder, DunningLevel(1, 9, Channel.EMAIL, Tone.FIRM, "x")))
    with pytest.raises(ValueError, match="call lead"):
        DunningPolicy("p", (reminder,), call_lead_days=0)
    with pytest.raises(ValueError, match="one minimum"):
        DunningLevel(1, 7, Channel.EMAIL, Tone.FRIENDLY, "r", (eur("1"), eur("2")))
    with pytest.raises(ValueError, match="another customer"):
        decide([item(customer="C2")], CUSTOMER, POLICY, DUE)


# --- bulk ----------------------------------------------------------------------------------------


def test_decide_many_matches_decide_per_customer() -> None:
    as_of = DUE + days(30)
    customers = {
        "C1": CustomerState("C1"),
        "C2": CustomerState("C2", "key_account"),
        "C3": CustomerState("C3", risk=Risk.CHRONIC_LATE, unapplied_credits=(eur("50.00"),)),
    }
    items = [
        item(1, customer="C1", last=3),
        item(2, customer="C2", last=1),
        item(3, customer="C3", due=DUE + days(12)),
        item(4, customer="C1", due=as_of + days(20)),
        item(5, customer="C3", due=DUE - days(40), disputed=True),
    ]
    many = decide_many(items, customers, as_of)
    assert [d.customer.customer_id for d in many] == ["C1", "C2", "C3"]
    for decision in many:
        customer = decision.customer
        policy = choose_policy(customer, DEFAULT_POLICIES, DEFAULT_RULES).policy
        own = [i for i in items if i.customer_id == customer.customer_id]
        assert decision == decide(own, customer, policy, as_of)
    quiet = decide_many(items, customers, as_of, explain_idle=False)
    assert all(not s.reason.startswith("not due") for d in quiet for s in d.skipped)
    assert [d.items for d in quiet] == [d.items for d in many]
    with pytest.raises(KeyError, match="unknown customers"):
        decide_many([item(customer="C9")], customers, as_of)


# --- properties ----------------------------------------------------------------------------------

open_items = st.lists(
    st.builds(
        lambda n, amount, offset, last, gap, disputed: item(
            n,
            str(amount),
            DUE + days(offset),
            last=last,
            sent=(DUE + days(offset + OFFSETS[last] + gap)) if last else None,
            disputed=disputed,
        ),
        st.integers(1, 10_000),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal("50000"), places=2),
        st.integers(-60, 60),
        st.sampled_from([0, 1, 2, 3, 4, 5]),
        st.integers(0, 10),
        st.booleans(),
    ),
    max_size=12,
    unique_by=lambda i: i.invoice_id,
)


@settings(max_examples=200)
@given(open_items, st.integers(0, 110), st.decimals(min_value=0, max_value=2000, places=2))
def test_properties_of_a_run(items: list[OpenItem], day: int, credit: Decimal) -> None:
    as_of = DUE + days(day)
    items = [i for i in items if i.last_sent_on is None or i.last_sent_on <= as_of]
    customer = CustomerState("C1", unapplied_credits=(eur(str(credit)),))
    decision = run(items, as_of, customer=customer)
    # every item is either decided or skipped, once
    assert sorted(
        [i.item.invoice_id for i in decision.items] + [s.item.invoice_id for s in decision.skipped]
    ) == sorted(i.invoice_id for i in items)
    for d in decision.items:
        assert not d.item.disputed
        assert d.level == POLICY.next_level(d.item.last_level, d.item.due_date, as_of)  # one level at a time
        assert Decimal(0) < d.amount.amount <= d.item.open_amount.amount
    # credits are spent at most once
    used = sum((d.item.open_amount.amount - d.amount.amount for d in decision.items), Decimal(0))
    assert used <= credit
    # idempotent on the same day
    again = run(items, as_of, customer=customer, history=EMPTY_HISTORY.recording([decision], as_of))
    assert again.items == () and again.letter is None
