"""Exactly once, proven by crashing: a sender process is killed (SIGKILL) in the middle of a batch.

Each test builds its own workspace (ENCAISSE_HOME and a database of its own:
an SQLite file, or a fresh PostgreSQL database when ENCAISSE_TEST_DATABASE_URL
is set), starts a real SMTP server, runs ``encaisse deliver --pending`` in a
subprocess that stops at a failure point, kills it there, runs
``encaisse delivery-reconcile`` and ``encaisse deliver --pending`` again, and
counts what the SMTP server received by Message-ID.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from delivery_standins import SmtpSink, start_smtp

HERE = Path(__file__).resolve().parent
INVOICES = 10  # 14 e-mail copies: invoices 0, 3, 6 and 9 also go to a cc
COPIES = {(f"INV-{i:04d}", f"ap{i}@client{i}.example") for i in range(INVOICES)} | {
    (f"INV-{i:04d}", f"cfo{i}@client{i}.example") for i in range(0, INVOICES, 3)
}


class Workspace:
    def __init__(self, home: Path, port: int, database_url: str | None) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("ENCAISSE_")}
        self.env |= {
            "DJANGO_SETTINGS_MODULE": "encaisse.settings", "ENCAISSE_HOME": str(home),
            "ENCAISSE_SMTP_HOST": "127.0.0.1", "ENCAISSE_SMTP_PORT": str(port), "ENCAISSE_SMTP_TIMEOUT": "10",
            "ENCAISSE_SMTP_FROM": "invoices@demo.example", "PYTHONPATH": str(HERE),
        }  # fmt: skip
        if database_url:
            self.env["ENCAISSE_DATABASE_URL"] = database_url
        self.home = home

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "encaisse", *args], env=self.env | env, capture_output=True,
                              text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done

    def start(self, *args: str, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        stderr = self.home / f"stderr-{uuid.uuid4().hex[:6]}.txt"
        with stderr.open("wb") as err:
            process = subprocess.Popen([sys.executable, "-m", "encaisse", *args], env=self.env | env,
                                       stdout=subprocess.DEVNULL, stderr=err)  # fmt: skip
        return process, stderr

    def deliveries(self, *filters: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = json.loads(self.run("deliveries", "--format", "json", *filters).stdout)
        return rows

    def statuses(self) -> Counter[str]:
        """The deliveries' states, read straight from the database (no Django start-up)."""
        sql = "SELECT status, COUNT(*) FROM delivery_delivery GROUP BY status"
        url = self.env.get("ENCAISSE_DATABASE_URL")
        if url:
            import psycopg

            with psycopg.connect(url) as conn:
                return Counter(dict(conn.execute(sql).fetchall()))
        with closing(sqlite3.connect(self.home / "encaisse.sqlite3")) as conn:
            return Counter(dict(conn.execute(sql).fetchall()))


def _wait_for(process: subprocess.Popen[bytes], stderr: Path, marker: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if marker in stderr.read_text(errors="replace"):
            return
        if process.poll() is not None:
            raise AssertionError(f"the sender ended before {marker!r}: {stderr.read_text(errors='replace')}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError(f"no {marker!r} within {timeout} s")


class Databases:
    """Where the workspaces' data live: an SQLite file in each home, or PostgreSQL databases made from a template."""

    def __init__(self) -> None:
        self.url = os.environ.get("ENCAISSE_TEST_DATABASE_URL")
        self.made: list[str] = []

    def _execute(self, sql: str) -> None:
        import psycopg

        assert self.url is not None
        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(sql)

    def new(self, template: str | None = None) -> str | None:
        if not self.url:
            return None
        name = f"encaisse_crash_{uuid.uuid4().hex[:10]}"
        self._execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.made.append(name)
        return urlsplit(self.url)._replace(path=f"/{name}").geturl()

    def drop_all(self) -> None:
        for name in self.made:
            self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str | None, Databases]]:
    """One migrated workspace with the invoices and their queued deliveries, copied by each test."""
    databases = Databases()
    home = tmp_path_factory.mktemp("crash-template") / "home"
    home.mkdir()
    url = databases.new()
    env = Workspace(home, 0, url).env
    try:
        done = subprocess.run([sys.executable, str(HERE / "crash_workspace.py"), str(INVOICES)], env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0 and "ready" in done.stdout, done.stderr
        yield home, url, databases
    finally:
        databases.drop_all()


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpSink, int]]:
    sink = SmtpSink()
    controller = start_smtp(sink)
    try:
        yield sink, controller.port
    finally:
        controller.stop()


@pytest.fixture
def workspace(tmp_path: Path, smtp_server: tuple[SmtpSink, int], prepared) -> Workspace:  # type: ignore[no-untyped-def]
    template_home, template_url, databases = prepared
    home = tmp_path / "home"
    shutil.copytree(template_home, home)
    url = databases.new(template=urlsplit(template_url).path.lstrip("/")) if template_url else None
    return Workspace(home, smtp_server[1], url)


def _copies(sink: SmtpSink) -> Counter[tuple[str, str]]:
    """(invoice number, recipient) of every message the server accepted."""
    counts: Counter[tuple[str, str]] = Counter()
    for r in sink.received:
        counts[(r.message["Subject"].split()[1], r.rcpt_tos[0])] += 1
    return counts


@pytest.mark.parametrize(
    ("failpoint", "received_at_kill", "reconciled"),
    [
        # invoice 2's copy accepted by the server, the sender killed before the database confirm:
        # the sent-log says it went, so it is marked sent and not sent again
        ("email.after_accept=4", 4, "1 reconciled: 1 sent (from the sent-log), 0 queued again, 0 unknown"),
        # invoice 3 half sent (its "to" copy accepted, not its cc): queued again, only the cc goes
        ("email.after_accept=5", 5, "1 reconciled: 0 sent (from the sent-log), 1 queued again, 0 unknown"),
        # killed after the message text but before its final dot: the server took nothing, it is sent again
        ("email.before_prepare=5", 4, "1 reconciled: 0 sent (from the sent-log), 1 queued again, 0 unknown"),
    ],
)
def test_killed_sender_then_reconcile_delivers_every_email_exactly_once(  # type: ignore[no-untyped-def]
    workspace, smtp_server, failpoint, received_at_kill, reconciled
) -> None:
    sink, _ = smtp_server
    process, stderr = workspace.start("deliver", "--pending", ENCAISSE_FAILPOINTS=failpoint)
    _wait_for(process, stderr, f"failpoint {failpoint.split('=')[0]} reached")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    assert len(sink.received) == received_at_kill  # killed mid-batch
    states = workspace.statuses()
    assert states["sending"] == 1 and states["queued"] >= INVOICES - 5

    assert workspace.run("delivery-reconcile", "--older-than", "0").stdout.startswith(reconciled)
    workspace.run("deliver", "--pending")

    copies = _copies(sink)
    assert set(copies) == COPIES
    assert all(n == 1 for n in copies.values()), [c for c, n in copies.items() if n != 1]
    message_ids = Counter(r.message_id for r in sink.received)
    assert len(message_ids) == len(COPIES) and set(message_ids.values()) == {1}
    assert set(workspace.statuses()) == {"sent"}


def test_a_copy_whose_fate_is_unknown_is_not_sent_again_but_given_to_a_person(workspace, smtp_server) -> None:  # type: ignore[no-untyped-def]
    sink, _ = smtp_server
    # killed after the sent-log says "prepared" and before the final dot: from the database's point of view the
    # server may or may not have the message
    process, stderr = workspace.start("deliver", "--pending", ENCAISSE_FAILPOINTS="email.after_prepare=3")
    _wait_for(process, stderr, "failpoint email.after_prepare reached")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    report = workspace.run("delivery-reconcile", "--older-than", "0").stdout
    assert "1 unknown" in report
    workspace.run("deliver", "--pending")

    unknown = workspace.deliveries("--status", "unknown")
    assert [d["invoice"] for d in unknown] == ["INV-0001"]
    assert "Message-ID" in unknown[0]["detail"]
    copies = _copies(sink)
    assert ("INV-0001", "ap1@client1.example") not in copies  # never sent twice, not even once here
    assert set(copies) == COPIES - {("INV-0001", "ap1@client1.example")}
    assert set(copies.values()) == {1}
