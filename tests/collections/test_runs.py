"""The dunning run through the service: levels at their boundaries, exclusions, idempotency per day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from collections_factories import DUE, make_customer, make_invoice, on_account, pay

from encaisse.collections.models import (
    CallTask,
    DunningLetter,
    DunningPolicy,
    DunningRun,
    LetterStatus,
    PromiseStatus,
)
from encaisse.collections.policies import ensure_default_policy
from encaisse.collections.promises import take_promise
from encaisse.collections.services import approve_letters, dunning_run, send_letters
from encaisse.ledger.models import AuditEvent

pytestmark = pytest.mark.django_db


def _day(offset: int) -> date:
    return DUE + timedelta(days=offset)


def _levels(entity, as_of):  # type: ignore[no-untyped-def]
    return sorted(
        (x.customer.external_id, x.level) for x in DunningLetter.objects.filter(entity=entity, as_of=as_of)
    )


def test_default_policy_is_the_classic_ladder(seller) -> None:  # type: ignore[no-untyped-def]
    policy = ensure_default_policy(seller)
    assert [(lv.number, lv.offset_days, lv.tone) for lv in policy.levels.all()] == [
        (1, -3, "friendly"), (2, 7, "friendly"), (3, 15, "firm"), (4, 30, "formal"), (5, 45, "formal"),
    ]  # fmt: skip
    assert ensure_default_policy(seller).pk == policy.pk  # created once
    assert policy.grace_days == 3


@pytest.mark.parametrize(
    ("offset", "expected"),
    [(-4, []), (-3, [1]), (0, [1]), (1, []), (9, []), (10, [2]), (11, [2])],
)
def test_level_boundaries_with_grace_days(seller, offset: int, expected: list[int]) -> None:  # type: ignore[no-untyped-def]
    # pre-reminder from due − 3 up to the due date; level 2 at due + 7 + 3 grace days
    customer = make_customer(seller)
    make_invoice(customer, "F-1")
    dunning_run(seller, _day(offset))
    assert [level for _, level in _levels(seller, _day(offset))] == expected


def test_grace_days_come_from_the_stored_policy(seller) -> None:  # type: ignore[no-untyped-def]
    policy = ensure_default_policy(seller)
    DunningPolicy.objects.filter(pk=policy.pk).update(grace_days=0)
    make_invoice(make_customer(seller), "F-1")
    dunning_run(seller, _day(7))
    assert [lv for _, lv in _levels(seller, _day(7))] == [2]


def test_segment_policy_applies_to_its_customers(seller) -> None:  # type: ignore[no-untyped-def]
    ensure_default_policy(seller)
    vip = DunningPolicy.objects.create(entity=seller, name="vip", segment="vip", grace_days=0)
    vip.levels.create(number=1, offset_days=20, channel="email", tone="friendly", template="reminder")
    make_invoice(make_customer(seller, "V1", segment="vip"), "F-V")
    make_invoice(make_customer(seller, "S1"), "F-S")
    dunning_run(seller, _day(10))
    assert _levels(seller, _day(10)) == [("S1", 2)]
    dunning_run(seller, _day(20))
    assert ("V1", 1) in _levels(seller, _day(20))


def _send_day(entity, day):  # type: ignore[no-untyped-def]
    run = dunning_run(entity, day).run
    approve_letters(run, actor="tester")
    return send_letters(run, actor="tester")


def test_one_letter_per_customer_groups_items_at_their_levels(seller) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller)
    make_invoice(customer, "F-A", due=DUE)
    assert _send_day(seller, _day(10)).sent  # F-A at level 2
    make_invoice(customer, "F-B", due=_day(8))
    dunning_run(seller, _day(18))
    (letter,) = DunningLetter.objects.filter(customer=customer, as_of=_day(18))
    assert letter.level == 3 and letter.tone == "firm"  # the highest level of its items
    assert [(i["number"], i["level"]) for i in letter.items] == [("F-A", 3), ("F-B", 2)]
    assert letter.status == LetterStatus.DRAFT
    assert letter.totals["EUR"]["claimed"] == "200.00"


def test_formal_notice_claims_interest_and_compensation_once(seller) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller)
    make_invoice(customer, "F-A", amount="1000.00", due=DUE)
    for day in (10, 18, 33):
        assert _send_day(seller, _day(day)).sent
    level4 = DunningLetter.objects.get(customer=customer, as_of=_day(33))
    (item,) = level4.items
    assert level4.level == 4 and item["compensation"] == "40.00"
    assert item["interest"]["days"] == 33 and item["interest"]["jurisdiction"] == "EU"
    assert _send_day(seller, _day(48)).sent
    level5 = DunningLetter.objects.get(customer=customer, as_of=_day(48))
    assert level5.level == 5 and level5.items[0]["compensation"] is None  # charged once per invoice
    assert level5.items[0]["interest"]["days"] == 48


def test_running_twice_on_the_same_day_creates_nothing_new(seller) -> None:  # type: ignore[no-untyped-def]
    make_invoice(make_customer(seller), "F-1")
    make_invoice(make_customer(seller, "C2"), "F-2")
    first = dunning_run(seller, _day(10))
    second = dunning_run(seller, _day(10))
    assert len(first.created) == 2 and second.created == [] and second.existing == 2
    assert second.run.pk == first.run.pk
    assert DunningRun.objects.filter(entity=seller, dry_run=False).count() == 1
    assert DunningLetter.objects.count() == 2
    assert AuditEvent.objects.filter(action="dunning.run_repeated").count() == 1


def test_after_sending_the_same_day_decides_nothing_and_next_level_waits(seller) -> None:  # type: ignore[no-untyped-def]
    make_invoice(make_customer(seller), "F-1")
    run = dunning_run(seller, _day(10)).run
    approve_letters(run, actor="tester")
    assert send_letters(run, actor="tester").sent
    assert dunning_run(seller, _day(10)).created == []
    # level 3 at due + 15 + 3 = day 18; at least 7 days after the level-2 letter of day 10
    assert dunning_run(seller, _day(17)).created == []
    assert [lv.level for lv in dunning_run(seller, _day(18)).created] == [3]


def test_dry_run_stores_counts_only(seller) -> None:  # type: ignore[no-untyped-def]
    make_invoice(make_customer(seller), "F-1")
    result = dunning_run(seller, _day(10), dry_run=True)
    assert result.run.dry_run and result.run.letters == 1
    assert DunningLetter.objects.count() == 0
    assert len(dunning_run(seller, _day(10)).created) == 1  # a dry run does not block the real one


def test_disputed_invoice_is_not_dunned(seller, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller)
    disputed = make_invoice(customer, "F-D")
    make_invoice(customer, "F-OK")
    from encaisse.cases import services as cases

    monkeypatch.setattr(cases, "disputed_invoice_ids", lambda entity_ids: {disputed.pk})
    result = dunning_run(seller, _day(10))
    (letter,) = result.created
    assert [i["number"] for i in letter.items] == ["F-OK"]
    skipped = [(s.item.number, s.reason) for d in result.decisions for s in d.skipped]
    assert ("F-D", "disputed") in skipped


def test_disputed_through_a_real_case(seller) -> None:  # type: ignore[no-untyped-def]
    from encaisse.cases.services import disputed_invoice_ids
    from encaisse.collections.state import disputed_invoice_ids as seam

    customer = make_customer(seller)
    invoice = make_invoice(customer, "F-D")
    assert seam([seller.pk]) == disputed_invoice_ids([seller.pk]) == set()
    assert invoice.pk not in seam([seller.pk])


def test_promise_kept_covers_and_broken_resumes_with_a_call_task(seller) -> None:  # type: ignore[no-untyped-def]
    kept_customer, broken_customer = make_customer(seller, "K"), make_customer(seller, "B")
    kept = make_invoice(kept_customer, "F-K")
    broken = make_invoice(broken_customer, "F-B")
    p_kept = take_promise(
        kept_customer, [kept], _day(12), kept.open_amount.amount, actor="collector", taken_on=_day(5)
    )
    p_broken = take_promise(broken_customer, [broken], _day(12), broken.open_amount.amount, actor="collector",
                            taken_on=_day(5))  # fmt: skip
    # while both promises run, neither invoice is dunned
    assert dunning_run(seller, _day(10)).created == []
    pay(kept, "100.00", _day(11))
    dunning_run(seller, _day(13))
    p_kept.refresh_from_db()
    p_broken.refresh_from_db()
    assert p_kept.status == PromiseStatus.KEPT
    assert p_broken.status == PromiseStatus.BROKEN
    assert CallTask.objects.filter(customer=broken_customer, source="promise", promise=p_broken).count() == 1
    assert _levels(seller, _day(13)) == [("B", 2)]


def test_partial_payment_breaks_a_promise(seller) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller)
    invoice = make_invoice(customer, "F-1")
    promise = take_promise(
        customer, [invoice], _day(12), invoice.open_amount.amount, actor="c", taken_on=_day(5)
    )
    pay(invoice, "60.00", _day(11))
    dunning_run(seller, _day(13))
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.BROKEN and promise.paid_minor == 6000
    (letter,) = DunningLetter.objects.filter(as_of=_day(13))
    assert letter.items[0]["claimed"] == "40.00"


def test_customer_on_hold_is_not_dunned(seller) -> None:  # type: ignore[no-untyped-def]
    from encaisse.collections.credit import place_hold, release_hold

    customer = make_customer(seller)
    make_invoice(customer, "F-1")
    place_hold(customer, "credit review", actor="cm", since=_day(5))
    result = dunning_run(seller, _day(10))
    assert result.created == []
    assert [s.reason for d in result.decisions for s in d.skipped] == ["customer on hold"]
    release_hold(customer, actor="cm")
    assert len(dunning_run(seller, _day(11)).created) == 1


def test_unapplied_credit_offsets_the_oldest_items(seller) -> None:  # type: ignore[no-untyped-def]
    customer = make_customer(seller)
    make_invoice(customer, "F-OLD", amount="100.00", due=_day(-5))
    make_invoice(customer, "F-NEW", amount="100.00", due=_day(0))
    on_account(customer, "130.00", _day(2))
    (letter,) = dunning_run(seller, _day(10)).created
    assert [(i["number"], i["claimed"]) for i in letter.items] == [("F-NEW", "70.00")]
