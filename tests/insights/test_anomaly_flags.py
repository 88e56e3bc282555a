"""Anomalies from the ledger: stored once, listed by the command."""

from __future__ import annotations

import io
import json
from datetime import date

from django.core.management import call_command
from payment_histories import Profile, generate
from prediction_book import fill

from encaisse.insights.anomalies import flag_anomalies
from encaisse.insights.models import Anomaly


def test_behaviour_shift_is_flagged_once(entity) -> None:  # type: ignore[no-untyped-def]
    shifting = Profile("sme", lambda rng, due, amount, k: 0 if k < 20 else 40, every_days=10)
    fill(entity, generate([shifting], start=date(2024, 1, 1), months=9, as_of=date(2025, 1, 1)))
    assert flag_anomalies(entity) >= 1
    assert flag_anomalies(entity) == 0  # idempotent
    out = io.StringIO()
    call_command("anomalies", "--format", "json", stdout=out, stderr=io.StringIO())
    rows = json.loads(out.getvalue())
    assert rows and {r["kind"] for r in rows} == {"behaviour_shift"}
    assert Anomaly.objects.filter(kind="behaviour_shift").exists()
