"""The app as a user meets it: the demo workspace served on 127.0.0.1, driven by a real Chromium.

The demo workspace is built once per test run with the real ``encaisse demo --reset`` command
(SQLite, a fixed ``ENCAISSE_TODAY``) and copied into one home per pytest-xdist worker, so that
workers never share a database or a port. Each worker serves its copy with ``encaisse runserver``
(a subprocess, the production settings: DEBUG off, WhiteNoise) and sends its e-mail to its own
SMTP server (aiosmtpd) whose messages the tests read. Chromium is Debian's ``/usr/bin/chromium``.

Every test page records its console messages and uncaught errors (:class:`Console`).

The suite runs in importlib mode, which puts no test folder on ``sys.path``: this folder is
added so that ``browser_support`` imports by name (a name no other test folder uses).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from aiosmtpd.controller import Controller  # noqa: E402
from browser_support import (  # noqa: E402
    CHROMIUM,
    ENCAISSE,
    HEIGHT,
    TIMEOUT_MS,
    WIDTH,
    Console,
    Inbox,
    Site,
    demo_template,
    free_port,
    wait_until_serving,
    workspace_env,
)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """A failed browser test shows the end of the server's log beside its traceback."""
    report = yield
    site = getattr(item, "funcargs", {}).get("site")
    if report.failed and isinstance(site, Site):
        log = site.home / "server.log"
        tail = log.read_text(errors="replace").splitlines()[-60:] if log.exists() else []
        report.sections.append(("server log (last lines)", "\n".join(tail)))
    return report


@pytest.fixture(scope="session")
def inbox() -> Iterator[Inbox]:
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, worker_id: str, inbox: Inbox) -> Iterator[Site]:
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install chromium (the browser tests need it)"
    template = demo_template(tmp_path_factory, worker_id)
    home = tmp_path_factory.mktemp("browser-home") / "home"
    shutil.copytree(template, home)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = workspace_env(
        home, ENCAISSE_SMTP_HOST="127.0.0.1", ENCAISSE_SMTP_PORT=str(inbox.port),
        ENCAISSE_SMTP_FROM="ar@demo.example", ENCAISSE_PORTAL_URL=url, ENCAISSE_JOBS_IMMEDIATE="1",
    )  # fmt: skip
    log = home / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(ENCAISSE), "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env, stdout=out, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    try:
        wait_until_serving(proc, url, log)
        yield Site(url=url, home=home, env=env, inbox=inbox)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"],
        )  # fmt: skip
        yield chromium
        chromium.close()


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def page(browser: Any, site: Site, console: Console) -> Iterator[Any]:
    context = browser.new_context(
        base_url=site.url, viewport={"width": WIDTH, "height": HEIGHT}, locale="en-GB", accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("console", lambda m: console.record(m, tab.url))
    tab.on("pageerror", lambda e: console.errors.append((str(e), tab.url)))
    yield tab
    context.close()
