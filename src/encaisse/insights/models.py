"""What the insights app keeps: trained prediction models, daily risk scores, alerts and anomalies."""

from __future__ import annotations

from django.db import models

from encaisse.ledger.models import Customer, Entity


class PredictionModel(models.Model):
    """A payment-date model trained on one entity's history (a pickled
    :class:`~encaisse.insights.payment_dates.PaymentDateModel`), with the errors measured when it was trained."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="prediction_models")
    version = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    blob = models.BinaryField()
    metrics = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "version"], name="prediction_model_version")]


class RiskLabel(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class RiskScore(models.Model):
    """A customer's credit-risk score on a day (0 = no concern, 100 = worst), with each factor's points."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="risk_scores")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="risk_scores")
    date = models.DateField()
    score = models.FloatField()
    label = models.CharField(max_length=8, choices=RiskLabel.choices)
    factors = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "date"], name="risk_score_per_day")]
        indexes = [models.Index(fields=["entity", "date", "score"])]


class RiskAlert(models.Model):
    """A customer's score worsened sharply from one computation to the next."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="risk_alerts")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="risk_alerts")
    date = models.DateField()
    previous_score = models.FloatField()
    score = models.FloatField()
    previous_label = models.CharField(max_length=8, choices=RiskLabel.choices)
    label = models.CharField(max_length=8, choices=RiskLabel.choices)
    reason = models.CharField(max_length=300)
    acknowledged = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "date"], name="risk_alert_per_day")]


class AnomalyStatus(models.TextChoices):
    OPEN = "open", "To review"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class Anomaly(models.Model):
    """Something unusual to look at (a new IBAN, a duplicate payment…); ``key`` makes detection idempotent."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="anomalies")
    kind = models.CharField(max_length=24)
    key = models.CharField(max_length=120)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    score = models.FloatField(default=0.0)
    description = models.CharField(max_length=300)
    details = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=AnomalyStatus.choices, default=AnomalyStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "kind", "key"], name="anomaly_unique_key")]
        indexes = [models.Index(fields=["entity", "status", "date"])]
