"""Configuring an entity for invoicing: its billing profile and numbering series (audit-logged)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from encaisse.billing import numbering
from encaisse.billing.models import BillingProfile, NumberSeries
from encaisse.billing.sealing import load_signer, passphrase_from_env
from encaisse.billing.terms import parse_terms
from encaisse.ledger import audit
from encaisse.ledger.models import Entity

PROFILE_FIELDS = frozenset(
    f.name for f in BillingProfile._meta.concrete_fields if f.name not in ("id", "entity", "updated_at")
)


def configure_billing(
    entity: Entity, changes: Mapping[str, Any], *, series: Mapping[str, str] | None = None, actor: str = "system",
    reset: str = NumberSeries.Reset.YEARLY,
) -> BillingProfile:  # fmt: skip
    """Change an entity's billing profile and (re)define series formats, checking both first.

    A series' format can change while numbers are being taken (a new year, a
    new prefix), but a series that has issued numbers keeps its reset rule.
    """
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"unknown billing profile field(s): {', '.join(sorted(unknown))}")
    if changes.get("payment_terms"):
        parse_terms(str(changes["payment_terms"]))
    for code, fmt in (series or {}).items():
        numbering.check_format(fmt, reset)
        if not code.replace("-", "").replace("_", "").isalnum():
            raise ValueError(f"a series code is letters, digits and dashes: {code!r}")
    with transaction.atomic():
        profile, _ = BillingProfile.objects.select_for_update().get_or_create(entity=entity)
        for name, value in changes.items():
            setattr(profile, name, value)
        if profile.seal_enabled:
            if not profile.seal_pkcs12:
                raise ValueError("sealing needs the entity's certificate (PKCS#12)")
            load_signer(bytes(profile.seal_pkcs12), passphrase_from_env(profile.seal_passphrase_env))
        profile.save()
        for code, fmt in (series or {}).items():
            row, created = NumberSeries.objects.get_or_create(entity=entity, code=code,
                                                              defaults={"format": fmt, "reset": reset})  # fmt: skip
            if not created and row.format != fmt:
                row.format = fmt
                row.save(update_fields=["format"])
        shown = {k: ("<binary>" if isinstance(v, bytes | memoryview) else v) for k, v in changes.items()}
        audit.record("billing.configured", actor=actor, entity=entity, object_type="entity", object_id=entity.pk,
                     data={"changes": shown, "series": dict(series or {})})  # fmt: skip
    return profile
