"""Stored dunning policies as :mod:`encaisse.core.dunning` reads them, and the default ladder.

:func:`ensure_default_policy` creates an entity's fallback policy on demand,
with the classic ladder of :data:`encaisse.core.dunning.STANDARD_POLICY`: a
friendly pre-reminder 3 days before the due date, reminders at +7 and +15
days, a formal notice with interest and compensation at +30 and a final notice
that hands the file over at +45 (3 grace days after the due date).

:func:`load_policies` turns an entity's policies into core policies and the
rule table: for each segment policy, chronic late payers get the ladder
shifted by one level, then everyone of the segment; then the same for the
fallback policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from encaisse.collections.models import CollectionSettings, DunningLevel, DunningPolicy
from encaisse.core import dunning as core
from encaisse.core.interest import JURISDICTIONS, Jurisdiction
from encaisse.core.money import Money
from encaisse.ledger import audit
from encaisse.ledger.models import Entity

DEFAULT_NAME = "standard"


def settings_of(entity: Entity) -> CollectionSettings:
    found = CollectionSettings.objects.filter(entity=entity).first()
    return found if found is not None else CollectionSettings(entity=entity)


def jurisdiction_of(entity: Entity) -> Jurisdiction:
    """The entity's late-payment rules; without compensation when the entity does not charge it."""
    options = settings_of(entity)
    jurisdiction = JURISDICTIONS[options.jurisdiction]
    if not options.charge_compensation:
        from dataclasses import replace

        jurisdiction = replace(jurisdiction, fixed_compensation=None)
    return jurisdiction


def ensure_default_policy(entity: Entity, *, actor: str = "system") -> DunningPolicy:
    """The entity's fallback policy, created with the classic −3/+7/+15/+30/+45 ladder if missing."""
    existing = DunningPolicy.objects.filter(entity=entity, segment="").first()
    if existing is not None:
        return existing
    with transaction.atomic():
        model = core.STANDARD_POLICY
        policy = DunningPolicy.objects.create(
            entity=entity, name=DEFAULT_NAME, segment="", grace_days=model.grace_days,
            min_days_between_levels=model.min_days_between_levels,
        )  # fmt: skip
        for level in model.levels:
            minimum = level.min_overdue_amount[0] if level.min_overdue_amount else None
            DunningLevel.objects.create(
                policy=policy, number=level.number, offset_days=level.offset_days, channel=level.channel.value,
                tone=level.tone.value, template=level.template,
                min_amount_minor=minimum.minor_units() if minimum else None,
                min_currency=minimum.currency if minimum else "", add_interest=level.add_interest,
                add_compensation=level.add_compensation, hand_over=level.hand_over,
            )  # fmt: skip
        audit.record("dunning.policy_created", actor=actor, entity=entity, object_type="dunning_policy",
                     object_id=policy.pk, data={"name": policy.name, "levels": len(model.levels)})  # fmt: skip
    return policy


@dataclass(frozen=True)
class LoadedPolicies:
    policies: dict[str, core.DunningPolicy]
    rules: tuple[core.PolicyRule, ...]
    rows: dict[str, DunningPolicy]  # by core name
    levels: dict[tuple[str, int], DunningLevel]  # (core name, level number) → row


def _core_level(row: DunningLevel) -> core.DunningLevel:
    minimum: tuple[Money, ...] = ()
    if row.min_amount_minor is not None and row.min_currency:
        minimum = (Money.from_minor(row.min_amount_minor, row.min_currency),)
    return core.DunningLevel(
        row.number, row.offset_days, core.Channel(row.channel), core.Tone(row.tone), row.template, minimum,
        row.add_interest, row.add_compensation, row.hand_over,
    )  # fmt: skip


def load_policies(entity: Entity) -> LoadedPolicies:
    """The entity's policies (the default one created if there is none) and their rule table."""
    ensure_default_policy(entity)
    jurisdiction = jurisdiction_of(entity)
    rows = list(DunningPolicy.objects.filter(entity=entity).prefetch_related("levels").order_by("segment"))
    policies: dict[str, core.DunningPolicy] = {}
    by_name: dict[str, DunningPolicy] = {}
    levels: dict[tuple[str, int], DunningLevel] = {}
    rules: list[core.PolicyRule] = []
    fallback: str | None = None
    for row in rows:
        name = row.name
        policies[name] = core.DunningPolicy(
            name, tuple(_core_level(level) for level in row.levels.all()), grace_days=row.grace_days,
            segment=row.segment or None, key_account_call_first=row.key_account_call_first,
            min_days_between_levels=row.min_days_between_levels, jurisdiction=jurisdiction,
        )  # fmt: skip
        by_name[name] = row
        for level in row.levels.all():
            levels[(name, level.number)] = level
        if row.segment:
            rules.append(
                core.PolicyRule(name, segment=row.segment, risk=core.Risk.CHRONIC_LATE, level_shift=1)
            )
            rules.append(core.PolicyRule(name, segment=row.segment))
        else:
            fallback = name
    if fallback is not None:
        rules.append(core.PolicyRule(fallback, risk=core.Risk.CHRONIC_LATE, level_shift=1))
        rules.append(core.PolicyRule(fallback))
    return LoadedPolicies(policies, tuple(rules), by_name, levels)
