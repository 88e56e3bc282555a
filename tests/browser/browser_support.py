"""What the browser tests share: the served demo workspace, its mailbox, signing in, screenshots.

See the fixtures in this folder's ``conftest.py`` for how the workspace is built and served.
"""

from __future__ import annotations

import email
import email.policy
import fcntl
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

TODAY = "2026-03-16"
PASSWORD = "encaisse-demo"
CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
ENCAISSE = Path(sys.executable).with_name("encaisse")
WIDTH, HEIGHT = 1280, 800
SCREENSHOT_MAX_HEIGHT = 2400  # a long page (a run of 50 letters) is cut there: the top is what matters
TIMEOUT_MS = 30_000


# --- e-mail -----------------------------------------------------------------------------------


@dataclass
class Inbox:
    """What the SMTP server accepted, with its envelope recipients."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(init=False)
    port: int = 0

    def __post_init__(self) -> None:
        self.arrived = threading.Condition(self.lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(bytes(envelope.original_content), policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.arrived:
            self.messages.append((list(envelope.rcpt_tos), parsed))
            self.arrived.notify_all()
        return "250 2.0.0 Ok: queued"

    def snapshot(self) -> list[tuple[list[str], EmailMessage]]:
        with self.lock:
            return list(self.messages)

    def wait_for(self, to: str, since: int = 0, timeout: float = 20) -> EmailMessage:
        """The first message to ``to`` after the first ``since`` messages; waits for it to arrive."""
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for rcpts, msg in self.messages[since:]:
                    if to.lower() in (r.lower() for r in rcpts):
                        return msg
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no e-mail to {to} within {timeout} s")
                self.arrived.wait(left)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the served demo workspace ------------------------------------------------------------------


def workspace_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ENCAISSE_") and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update(ENCAISSE_HOME=str(home), ENCAISSE_TODAY=TODAY, ENCAISSE_LOG_LEVEL="ERROR", **extra)
    return env


def demo_template(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The demo workspace, built once per run: the first worker builds it, the others wait for it."""
    base = tmp_path_factory.getbasetemp()
    root = base if worker_id == "master" else base.parent  # the run's directory, shared by its workers
    template = root / "browser-demo"
    with (root / "browser-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (template / "built").exists():
            shutil.rmtree(template, ignore_errors=True)
            template.mkdir()
            done = subprocess.run(
                [str(ENCAISSE), "demo", "--reset"], env=workspace_env(template), capture_output=True, text=True,
                timeout=300, check=False,
            )  # fmt: skip
            assert done.returncode == 0, f"encaisse demo failed:\n{done.stdout}\n{done.stderr}"
            (template / "built").write_text(done.stdout)
    return template


@dataclass
class Site:
    url: str
    home: Path
    env: dict[str, str]
    inbox: Inbox

    def db(self) -> sqlite3.Connection:
        """The served workspace's database, read-only (the server writes it; WAL lets us read)."""
        conn = sqlite3.connect(f"file:{self.home / 'encaisse.sqlite3'}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        return conn

    def query(self, sql: str, *params: Any) -> list[sqlite3.Row]:
        conn = self.db()
        try:
            return list(conn.execute(sql, params).fetchall())
        finally:
            conn.close()

    def cli(self, *args: str, stdin: str | None = None) -> str:
        """Run ``encaisse ARGS`` on the served workspace; its standard output."""
        done = subprocess.run(
            [str(ENCAISSE), *args], env=self.env, input=stdin, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"encaisse {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def cli_json(self, *args: str) -> Any:
        return json.loads(self.cli(*args, "--format", "json"))


def wait_until_serving(proc: subprocess.Popen[str], url: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited ({proc.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login/", timeout=5) as response:  # noqa: S310 -- our own server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"the server did not answer within 60 s:\n{log.read_text()}")
        time.sleep(0.1)  # the process is starting; nothing to wait on but its socket


# --- the browser ---------------------------------------------------------------------------------


@dataclass
class Console:
    """Console messages and uncaught errors of the pages of one browser context."""

    messages: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # (type, text, resource, page url)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def record(self, message: Any, page_url: str) -> None:
        self.messages.append((message.type, message.text, message.location.get("url", ""), page_url))

    def problems(self) -> list[str]:
        """Console errors, CSP reports and uncaught errors seen.

        The browser's own request for /favicon.ico (no page asks for it) is not the app's error.
        """
        seen = [
            f"console {kind} on {url}: {text} ({resource})"
            for kind, text, resource, url in self.messages
            if (kind == "error" or "Content Security Policy" in text)
            and not resource.endswith("/favicon.ico")
        ]
        return seen + [f"page error on {url}: {text}" for text, url in self.errors]


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    page.goto("/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="Main").wait_for()


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG (1280 wide, cut at SCREENSHOT_MAX_HEIGHT) under docs/screenshots/, small."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = page.evaluate("document.documentElement.scrollHeight")
    page.screenshot(
        path=str(path), full_page=True, animations="disabled", caret="hide",
        clip={"x": 0, "y": 0, "width": WIDTH, "height": min(height, SCREENSHOT_MAX_HEIGHT)},
    )  # fmt: skip
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    return path
