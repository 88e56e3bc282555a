"""``encaisse demo``: a small workspace, built through the real services, must be a consistent ledger."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from schwifty import IBAN
from stdnum import get_cc_module

from encaisse.core import references
from encaisse.insights.reports import aging, kpis
from encaisse.ledger.audit import verify_chain
from encaisse.ledger.checks import check
from encaisse.ledger.demo import PASSWORD, ROLE_USERS, SUPERUSER
from encaisse.ledger.models import (
    Allocation,
    AuditEvent,
    Customer,
    DocumentKind,
    Entity,
    EntityGrant,
    Invoice,
    Receipt,
)

TODAY = date(2026, 6, 15)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _fingerprint() -> str:
    rows = Invoice.objects.order_by("entity__code", "number").values_list(
        "entity__code", "number", "customer__external_id", "customer__name", "kind", "issue_date", "due_date",
        "total_minor", "open_minor", "structured_reference",
    )  # fmt: skip
    allocations = Allocation.objects.order_by("invoice__number", "kind", "effective_date", "amount_minor").values_list(
        "invoice__number", "kind", "effective_date", "amount_minor"
    )  # fmt: skip
    return hashlib.sha256(repr((list(rows), list(allocations))).encode()).hexdigest()


@pytest.fixture
def demo_home(settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    settings.HOME = tmp_path
    monkeypatch.setenv("ENCAISSE_TODAY", TODAY.isoformat())
    # whatever is configured, the demo sends nothing out of the machine: these would fail if used
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    settings.ENCAISSE_PEPPOL_AP_URL = "http://127.0.0.1:9"
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_demo_builds_a_consistent_ledger(demo_home) -> None:  # type: ignore[no-untyped-def]
    output = _run("--reset", "--customers", "30", "--months", "4", "--seed", "5")

    # the ledger's own checks, today and two months back (allocations summed by effective date)
    assert check([TODAY, TODAY - timedelta(days=60)]) == []
    assert list(verify_chain()) == []
    assert AuditEvent.objects.filter(action="invoices.imported").count() == 1
    assert AuditEvent.objects.filter(action="customers.imported").count() == 1

    entities = {e.code: e for e in Entity.objects.all()}
    assert set(entities) == {"demo-be", "demo-fr"}
    assert (entities["demo-be"].reference_scheme, entities["demo-fr"].reference_scheme) == ("ogm", "rf")
    for ent in entities.values():
        assert ent.functional_currency == "EUR"
        assert get_cc_module(ent.country.lower(), "vat").is_valid(ent.vat_number), ent.vat_number
        assert all(IBAN(i).country_code == ent.country for i in ent.ibans)

    # aging total = Σ signed open amounts, per entity
    for row in aging([e.pk for e in entities.values()], TODAY):
        ent = entities[row.entity]
        invoices = Invoice.objects.filter(entity=ent, issue_date__lte=TODAY)
        owed = invoices.filter(kind=DocumentKind.INVOICE).aggregate(s=Sum("open_minor"))["s"] or 0
        credit = invoices.filter(kind=DocumentKind.CREDIT_NOTE).aggregate(s=Sum("open_minor"))["s"] or 0
        assert row.total * 100 == owed - credit
        assert row.total > 0

    # every role has its user, in its group, granted both entities
    users = get_user_model().objects
    admin = users.get(username=SUPERUSER)
    assert admin.is_superuser and admin.check_password(PASSWORD)
    for name, role in ROLE_USERS.items():
        user = users.get(username=name)
        assert not user.is_superuser
        assert user.check_password(PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert set(EntityGrant.objects.filter(user=user).values_list("entity__code", flat=True)) == set(
            entities
        )

    # customers: as many as asked, valid identifiers, subsidiaries under a parent of the same entity
    customers = list(Customer.objects.select_related("parent"))
    assert len(customers) == 30
    assert len({c.country for c in customers}) >= 3
    for c in customers:
        if c.vat_number:
            assert get_cc_module(c.country.lower(), "vat").is_valid(c.vat_number), c.vat_number
        assert c.ibans and all(IBAN(i) for i in c.ibans)
        assert c.payment_terms_days in (30, 45, 60)
        assert c.parent is None or c.parent.entity_id == c.entity_id

    # invoices carry the entity's reference scheme; receipts add up to what they settle
    for inv in Invoice.objects.filter(kind=DocumentKind.INVOICE).select_related("entity"):
        valid = references.is_valid_ogm if inv.entity.reference_scheme == "ogm" else references.is_valid_rf
        assert valid(inv.structured_reference), inv.structured_reference
    for receipt in Receipt.objects.annotate(applied=Sum("allocations__amount_minor")):
        assert receipt.applied == receipt.amount_minor
    # a credit note applied: the same amount taken off the invoice and off the credit note
    applied = Allocation.objects.filter(kind="credit_note").values("credit_note_id", "invoice__kind")
    by_note = applied.annotate(s=Sum("amount_minor"), n=Count("id"))
    sums: dict[int, dict[str, int]] = {}
    for row in by_note:
        sums.setdefault(row["credit_note_id"], {})[row["invoice__kind"]] = row["s"]
    assert sums and all(s.get("invoice") == s.get("credit_note") for s in sums.values())
    assert Allocation.objects.filter(kind="invoice").exists()

    # numbers a reader would believe
    (figures,) = kpis([e.pk for e in entities.values()], TODAY)
    assert figures.values["dso"] is not None and 20 < figures.values["dso"] < 90
    assert figures.values["overdue_count"] > 0

    # today's invoices issued through billing: each archived as PDF, UBL and Factur-X, intact
    from encaisse.billing.models import ArchivedDocument
    from encaisse.ledger.archive import ArchiveStore

    issued = list(Invoice.objects.filter(number__startswith="E", issue_date=TODAY))
    assert len(issued) == 2 * 4
    for inv in issued:
        kinds = set(ArchivedDocument.objects.filter(invoice=inv).values_list("kind", flat=True))
        assert {"pdf", "ubl", "facturx"} <= kinds, kinds
    assert all(ArchiveStore().verify(d.sha256) is None for d in ArchivedDocument.objects.all())

    assert (demo_home / "demo" / "customers.csv").is_file()
    assert (demo_home / "demo" / "invoices.csv").is_file()
    assert "Aging as of 2026-06-15" in output and "KPIs as of 2026-06-15" in output
    _check_deliveries_and_collections(demo_home, output, issued)


def _check_deliveries_and_collections(home, output: str, issued: list[Invoice]) -> None:  # type: ignore[no-untyped-def]
    """Today's invoices went out through every channel, with what followed; dunning waits for a collector."""
    from django.conf import settings

    from encaisse.collections.models import CallTask, DunningLetter, DunningRun, PromiseToPay
    from encaisse.delivery.models import BouncedAddress, Delivery, DeliveryIssue, PortalView, PostBatch
    from encaisse.delivery.timeline import timeline

    # the configuration the fixture set is back in place after the demo
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    deliveries = list(Delivery.objects.filter(invoice__in=issued).select_related("invoice"))
    first = [d for d in deliveries if d.fallback_of_id is None]
    assert len(first) == len(issued) == 8  # each of today's invoices, once
    assert sorted(d.status for d in deliveries) == [
        "bounced", "bounced", "delivered", "sent", "sent", "sent", "sent", "viewed", "viewed",
    ]  # fmt: skip
    assert {d.channel for d in deliveries} == {"email", "peppol", "post"}
    # Peppol: UBL and envelope in the demo's folder; one reported delivered by the access point
    peppol = [d for d in deliveries if d.channel == "peppol"]
    assert len(peppol) == 2 and {d.status for d in peppol} == {"sent", "delivered"}
    for d in peppol:
        assert (home / "peppol-outbox" / f"{d.key}.xml").is_file()
        assert (home / "peppol-outbox" / f"{d.key}.json").is_file()
    # e-mails in the outbox folder, each with its attachments and its portal link
    # (Django's file backend names a file after the second and its connection object's id, and appends
    # every message of that connection to it, each followed by a line of 79 dashes: count the messages)
    files = sorted((home / "outbox").glob("*.log"))
    mails = [
        m for f in files for m in f.read_text(errors="replace").split("\n" + "-" * 79 + "\n") if m.strip()
    ]
    assert len(mails) == 5
    for text in mails:
        assert "/portal/view/" in text and 'filename="E2026-' in text and "X-Encaisse-Delivery:" in text
    # opened through the portal link: recorded with who and when
    views = list(PortalView.objects.select_related("delivery"))
    assert len(views) == 2 and all(v.delivery.status == "viewed" and v.delivery.viewed_by for v in views)
    # bounces: the address flagged; one customer falls back to the post, the other leaves an issue
    assert BouncedAddress.objects.count() == 2
    (issue,) = DeliveryIssue.objects.filter(resolved_at__isnull=True)
    assert issue.kind == "no_channel" and issue.delivery.status == "bounced"
    assert sorted((home / "demo").glob("bounce-*.eml"))
    fallback = Delivery.objects.get(fallback_of__isnull=False)
    assert (fallback.channel, fallback.status) == ("post", "sent") and fallback.post_batch_id
    assert PostBatch.objects.count() == 2
    kinds = [e.kind for e in timeline(fallback.invoice)]
    assert "delivery.bounced" in kinds and kinds[-1] != "delivery.queued"

    # dunning as of the demo's today: drafts for the preview, nothing sent
    assert set(DunningRun.objects.filter(dry_run=False).values_list("entity__code", "as_of")) == {
        ("demo-be", TODAY), ("demo-fr", TODAY),
    }  # fmt: skip
    letters = DunningLetter.objects.filter(as_of=TODAY)
    assert letters.count() > 0 and set(letters.values_list("status", flat=True)) == {"draft"}
    assert not Delivery.objects.filter(purpose__startswith="reminder").exists()
    assert f"{letters.count()} draft letters" in output
    # promises: one broken (a call task follows), one running (its invoices are not dunned)
    promises = {p.status: p for p in PromiseToPay.objects.all()}
    assert set(promises) == {"broken", "open"}
    assert CallTask.objects.filter(promise=promises["broken"], source="promise").exists()
    covered = set(promises["open"].invoices.values_list("id", flat=True))
    dunned = {i for letter in letters for i in letter.invoice_ids}
    assert covered and not covered & dunned


@pytest.mark.django_db(transaction=True)
def test_demo_is_deterministic_and_refuses_a_database_with_data(demo_home) -> None:  # type: ignore[no-untyped-def]
    _run("--reset", "--customers", "12", "--months", "3", "--seed", "9")
    first = _fingerprint()
    with pytest.raises(CommandError, match="--reset"):
        _run("--customers", "12", "--months", "3", "--seed", "9")
    _run("--reset", "--customers", "12", "--months", "3", "--seed", "9")
    assert _fingerprint() == first
    _run("--reset", "--customers", "12", "--months", "3", "--seed", "10")
    assert _fingerprint() != first
    assert check([TODAY]) == []
    assert list(verify_chain()) == []
