"""Gapless numbering per entity and series, including two writers racing for numbers.

The race runs on both database passes of CI: on PostgreSQL two threads issue
50 invoices each at once (the series row is locked with SELECT … FOR UPDATE);
on SQLite, two ``encaisse`` processes share one database file, where a
transaction takes the single write lock when it begins, so the second writer
waits instead of taking a number twice.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from billing_factories import line, make_customer, make_seller, request
from django.db import connection

from encaisse.billing import numbering, services
from encaisse.billing.models import NumberCounter, NumberSeries
from encaisse.billing.profiles import configure_billing
from encaisse.ledger.models import Invoice

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "fmt",
    ["INV-{year}", "INV-{seq}-{seq}", "INV-{year}-{seq.__class__}", "INV-{year}-{seq!r}", "INV-{secret}-{seq}",
     "INV-{year}-{seq:>{width}}", "INV-{seq:06d}"],
)  # fmt: skip
def test_unsafe_or_ambiguous_formats_are_refused(fmt: str) -> None:
    with pytest.raises(numbering.InvalidSeriesFormat):
        numbering.check_format(fmt, NumberSeries.Reset.YEARLY)


def test_a_series_that_never_restarts_may_omit_the_year() -> None:
    numbering.check_format("F{seq:07d}", NumberSeries.Reset.NEVER)
    assert numbering.format_number("F{seq:07d}", seq=12, on=date(2026, 1, 1)) == "F0000012"


@pytest.mark.django_db
def test_numbers_follow_each_other_per_series_and_restart_each_year(seller, buyer) -> None:
    configure_billing(seller, {}, series={"INV": "{entity}/{year}/{seq:04d}"}, actor="test")
    numbers = [services.create_invoice(request(seller, buyer, issue_date=d), actor="t").number
               for d in ("2026-03-02", "2026-07-01", "2026-12-31", "2027-01-02", "2027-01-03")]  # fmt: skip
    assert numbers == ["BE/2026/0001", "BE/2026/0002", "BE/2026/0003", "BE/2027/0001", "BE/2027/0002"]
    credit = services.credit_invoice(
        Invoice.objects.get(number="BE/2026/0001"), actor="t", on=date(2026, 3, 3)
    )
    assert credit.number == "CN-2026-000001"  # credit notes have their own series
    assert dict(NumberCounter.objects.filter(series__code="INV").values_list("period", "last")) == {
        "2026": 3,
        "2027": 2,
    }


@pytest.mark.django_db
def test_each_entity_numbers_on_its_own(seller, buyer) -> None:
    other = make_seller("lu")
    a = services.create_invoice(request(seller, buyer), actor="t")
    b = services.create_invoice(request(other, make_customer(other)), actor="t")
    assert a.number == b.number == "INV-2026-000001"


def _race(issue_one, writers: int, each: int) -> list[str]:  # type: ignore[no-untyped-def]
    numbers: list[str] = []
    failures: list[BaseException] = []
    barrier = threading.Barrier(writers)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for _ in range(each):
                numbers.append(issue_one(n))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    return numbers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="runs on the PostgreSQL pass (ENCAISSE_TEST_DATABASE_URL), where two writers race for the series row",
)
def test_two_writers_on_postgresql_get_100_consecutive_numbers() -> None:
    seller = make_seller()
    buyer = make_customer(seller)
    payload = request(seller, buyer, line("Subscription", "1", "10.00"))
    numbers = _race(
        lambda n: services.create_invoice(payload, actor=f"writer-{n}").number, writers=2, each=50
    )
    assert sorted(numbers) == [f"INV-2026-{i:06d}" for i in range(1, 101)]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == sorted(numbers)
    assert NumberCounter.objects.get().last == 100


_WORKER = """
import os, sys
import django
django.setup()
sys.path.insert(0, {tests!r})
from billing_factories import line, request
from encaisse.billing import services
from encaisse.ledger.models import Customer, Entity
entity = Entity.objects.get(code="be")
customer = Customer.objects.get(entity=entity, external_id="C1")
for _ in range({each}):
    print(services.create_invoice(request(entity, customer, line("Subscription", "1", "10.00")), actor=sys.argv[1]).number, flush=True)
"""

_SETUP = """
import sys
import django
django.setup()
sys.path.insert(0, {tests!r})
from billing_factories import make_customer, make_seller
make_customer(make_seller())
"""


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the SQLite pass proves the single-writer behaviour; the PostgreSQL pass runs the thread race instead",
)
def test_two_processes_on_one_sqlite_file_get_consecutive_numbers(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENCAISSE_")}
    env.update(ENCAISSE_HOME=str(tmp_path / "home"), ENCAISSE_DATABASE_URL=f"sqlite:///{tmp_path / 'race.sqlite3'}",
               DJANGO_SETTINGS_MODULE="encaisse.settings", PYTHONPATH=str(ROOT / "src"))  # fmt: skip
    tests = str(Path(__file__).resolve().parent)

    def run(*args: str) -> None:
        subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True, timeout=300)

    run("-m", "encaisse", "migrate", "--noinput")
    run("-c", _SETUP.format(tests=tests))
    each = 20
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER.format(tests=tests, each=each), f"p{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _out, err in outputs]
    printed = [n for out, _err in outputs for n in out.split()]
    assert all(len(out.split()) == each for out, _err in outputs)  # both really issued
    with sqlite3.connect(tmp_path / "race.sqlite3") as db:
        stored = sorted(n for (n,) in db.execute("SELECT number FROM ledger_invoice"))
    assert sorted(printed) == stored == [f"INV-2026-{i:06d}" for i in range(1, 2 * each + 1)]
