"""Learning: aliases and habits as evidence, a trained model as the scorer."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from matching_builders import inv, make_engine, tx

from encaisse.core.matching import CandidateFeatures, Party, Status
from encaisse.core.matching.learning import (
    MemoryAliasStore,
    ModelBlob,
    ModelError,
    TrainingExample,
    envelope,
    examples_from,
    load,
    train,
)
from encaisse.core.matching.scoring import FEATURES, RuleScorer, rule_logit, vector

NEW_ACCOUNT = "BE43068999999501"


def test_account_alias_turns_a_suggestion_into_an_application(acme: list[Party]) -> None:
    items = [inv("INV-2026-000101", "c2", "431.20")]
    payment = tx("431.20", "", name="AT SPRL", iban=NEW_ACCOUNT)
    before = make_engine(items, acme).match(payment)
    store = MemoryAliasStore()
    for _ in range(5):
        store.record_account(NEW_ACCOUNT, "c2")
    store.record_name("AT SPRL", "c2")
    after = make_engine(items, acme, aliases=store).match(payment)
    assert before.status != Status.APPLIED
    assert after.status == Status.APPLIED
    assert after.customer_id == "c2"
    assert "seen on 5 earlier payments" in after.explanation


def test_name_alias_finds_the_customer(acme: list[Party]) -> None:
    items = [inv("INV-2026-000101", "c2", "431.20")]
    store = MemoryAliasStore()
    store.record_name("ZETA WHOLESALE", "c2")
    d = make_engine(items, acme, aliases=store).match(tx("431.20", "", name="ZETA WHOLESALE"))
    assert d.customer_id == "c2"


def test_habit_of_paying_without_reference() -> None:
    store = MemoryAliasStore()
    for _ in range(4):
        store.record_payment("c1", referenced=False)
    store.record_payment("c2", referenced=True)
    assert list(store.habits()) == [("c1", "no_reference")]


def test_habit_is_evidence(acme: list[Party]) -> None:
    items = [inv("INV-2026-000101", "c2", "431.20")]
    payment = tx("431.20", "", name="Acme Trading SPRL", iban=NEW_ACCOUNT)
    store = MemoryAliasStore()
    for _ in range(4):
        store.record_payment("c2", referenced=False)
    plain = make_engine(items, acme).match(payment)
    habit = make_engine(items, acme, aliases=store).match(payment)
    assert habit.confidence > plain.confidence


def _examples(n: int, seed: int = 0) -> list[TrainingExample]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        f = dict.fromkeys(FEATURES, 0.0)
        good = rng.random() < 0.5
        f["ref_mean"] = rng.uniform(5, 9) if good else rng.uniform(0, 4)
        f["fit_exact"] = 1.0 if good or rng.random() < 0.3 else 0.0
        f["payer_name"] = rng.random()
        out.append(TrainingExample(vector(f), good))
    return out


def test_train_and_load_roundtrip() -> None:
    blob = train(_examples(400))
    header = blob.header
    assert header["format"] == 1
    assert header["features"] == list(FEATURES)
    scorer = load(blob)
    good = dict.fromkeys(FEATURES, 0.0) | {"ref_mean": 8.0, "fit_exact": 1.0}
    bad = dict.fromkeys(FEATURES, 0.0) | {"ref_mean": 1.0}
    logits = scorer.logits([vector(good), vector(bad)])
    assert logits[0] > logits[1]


def test_logistic_model() -> None:
    scorer = load(train(_examples(300), algorithm="logistic"))
    assert len(scorer.logits([vector({})])) == 1


def test_load_refuses_a_damaged_blob() -> None:
    blob = train(_examples(200))
    with pytest.raises(ModelError):
        load(blob.data[:-10] + b"0123456789")
    with pytest.raises(ModelError):
        load(b"not a model")


def test_load_refuses_another_feature_list() -> None:
    blob = train(_examples(200))
    tampered = blob.data.replace(b'"ref_best"', b'"ref_gone"', 1)
    with pytest.raises(ModelError):
        load(ModelBlob(tampered))


def test_train_needs_both_labels() -> None:
    with pytest.raises(ValueError, match="both"):
        train([TrainingExample(vector({}), True)] * 5)


def test_examples_are_labelled_by_the_confirmed_rows() -> None:
    right = CandidateFeatures(vector({"ref_mean": 7.0}), (("invoice", "A", Decimal("10.00")),))
    wrong = CandidateFeatures(vector({"ref_mean": 2.0}), (("invoice", "B", Decimal("10.00")),))
    examples = examples_from([right, wrong], [("invoice", "A", Decimal("10.00"))])
    assert [e.label for e in examples] == [True, False]
    assert envelope([("invoice", "A", Decimal("10"))]) == envelope([("invoice", "A", Decimal("10.00"))])


def test_engine_uses_a_learned_scorer(acme: list[Party]) -> None:
    scorer = load(train(_examples(300)))
    engine = make_engine(
        [inv("INV-2026-000101", "c2", "431.20")], acme, scorer=scorer, record_candidates=True
    )
    d = engine.match(tx("431.20", "INV-2026-000101", name="Acme Trading"))
    assert d.candidates and len(d.candidates[0].features) == len(FEATURES)
    assert engine.scorer.name == "learned"


def test_rule_scorer_is_the_fallback(acme: list[Party]) -> None:
    engine = make_engine([inv("INV-2026-000101", "c2", "431.20")], acme)
    assert isinstance(engine.scorer, RuleScorer)
    assert rule_logit(vector({"ref_mean": 9.0, "fit_exact": 1.0, "ref_coverage": 1.0})) > 3.0


def test_habit_of_quoting_order_numbers_strengthens_them(acme: list[Party]) -> None:
    # a short order number (a long one with the amount to the cent names its item as a full number does)
    items = [inv("INV-2026-000101", "c2", "431.20", order="45012")]
    payment = tx("431.20", "PO 45012", name="Someone Else")
    store = MemoryAliasStore()
    for _ in range(4):
        store.record_payment("c2", referenced=True, by_order_reference=True)
    assert ("c2", "order_reference") in list(store.habits())
    plain = make_engine(items, acme).match(payment)
    habit = make_engine(items, acme, aliases=store).match(payment)
    assert habit.confidence > plain.confidence


def test_alias_records_roundtrip() -> None:
    store = MemoryAliasStore()
    store.record_account("BE71 0961 2345 6769", "c1", 3)
    store.record_name("ACME INTL", "c1")
    store.record_payment("c1", referenced=False)
    again = MemoryAliasStore.from_records(store.to_records())
    assert list(again.account_aliases()) == [("BE71096123456769", "c1", 3)]
    assert list(again.name_aliases()) == [("ACME INTL", "c1")]
    assert again.to_records() == store.to_records()
