"""Forecast, risk and anomaly pages: sign-in, entity scoping, accessible chart and table, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client
from payment_histories import Profile, fixed, generate
from prediction_book import fill

from encaisse.insights.risk import score_entity
from encaisse.ledger.models import Entity, EntityGrant

AS_OF = date(2025, 3, 3)


@pytest.fixture
def client_for(entity, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ENCAISSE_TODAY", AS_OF.isoformat())
    fill(entity, generate([Profile("sme", fixed(10)), Profile("sme", fixed(-3))], start=date(2024, 6, 1),
                          months=9, as_of=AS_OF))  # fmt: skip
    other = Entity.objects.create(code="fr", legal_name="Hidden SAS", country="FR")
    fill(other, [])
    user = User.objects.create_user("clerk", password="a-long-password-1")
    EntityGrant.objects.create(user=user, entity=entity)
    client = Client()
    client.force_login(user)
    return client


def test_pages_need_sign_in(db) -> None:  # type: ignore[no-untyped-def]
    for url in ("/insights/forecast/", "/insights/risk/", "/insights/anomalies/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_forecast_page_has_chart_table_and_csv(client_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for.get("/insights/forecast/").content.decode()
    assert '<svg role="img" aria-label="Expected receipts per week, be (EUR)"' in page
    assert "<caption" in page and "2025-03-03" in page and "Hidden" not in page
    response = client_for.get("/insights/forecast/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 13 and rows[0]["entity"] == "be" and rows[0]["start"] == "2025-03-03"


def test_risk_page_lists_factors(client_for, entity) -> None:  # type: ignore[no-untyped-def]
    score_entity(entity, AS_OF)
    page = client_for.get("/insights/risk/").content.decode()
    assert "Customer 1" in page and "days beyond terms" in page
    assert "Customer 2" not in client_for.get("/insights/risk/?label=high").content.decode()
