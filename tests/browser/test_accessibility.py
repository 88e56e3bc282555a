"""Accessibility and hygiene smoke tests: keyboard-only sign-in, labelled controls, a clean console.

Every main page of the back office and the portal is opened in Chromium; the console must stay
free of errors and Content-Security-Policy violations, the page must answer 200 with one ``h1``,
and every visible form control must have an accessible name.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from browser_support import PASSWORD, Console, Site, sign_in

pytestmark = pytest.mark.browser

# what the focused element is, in words a test can compare
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "";
  const name = el.id ? "#" + el.id : (el.getAttribute("name") ? "[" + el.getAttribute("name") + "]" : "");
  return el.tagName.toLowerCase() + name + ":" + (el.innerText || el.value || "").trim().slice(0, 40);
}"""

# visible form controls without an accessible name, and the number of h1 headings
_AUDIT = """() => {
  const unnamed = [];
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.type === "hidden" || el.type === "submit" || el.offsetParent === null) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby") || el.getAttribute("title");
    if (!named) unnamed.push(el.outerHTML.slice(0, 120));
  }
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (el.offsetParent !== null && !(el.innerText || el.getAttribute("aria-label") || el.title).trim())
      unnamed.push(el.outerHTML.slice(0, 120));
  }
  return {unnamed, h1: document.querySelectorAll("h1").length, lang: document.documentElement.lang};
}"""


def _tab_until(page: Any, wanted: str, limit: int = 40) -> list[str]:
    """Press Tab until the focused element's description starts with ``wanted``; the path taken."""
    path: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        path.append(page.evaluate(_FOCUSED))
        if path[-1].startswith(wanted):
            return path
    raise AssertionError(f"Tab never reached {wanted}; it went through {path}")


def test_back_office_sign_in_with_the_keyboard_alone(page: Any) -> None:
    page.goto("/login/")
    assert page.evaluate(_FOCUSED) == "input#id_username:"  # the form takes the focus on arrival
    page.keyboard.type("clerk")
    path = _tab_until(page, "button:Sign in")
    assert path == ["input#id_password:", "button:Sign in"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(_FOCUSED) == "input#id_username:clerk"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(_FOCUSED) == "a:Skip to content"  # the first stop of the page
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    page.get_by_role("navigation", name="Main").wait_for()

    # on a signed-in page the skip link comes first and leads past the navigation into the content
    page.keyboard.press("Tab")
    assert page.evaluate(_FOCUSED) == "a:Skip to content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('main') !== null")


def test_portal_sign_in_with_the_keyboard_alone(page: Any, site: Site) -> None:
    page.goto("/portal/sign-in/")
    path = _tab_until(page, "button#password-submit")
    assert path[0].startswith("a:Skip to content")
    order = [p.split(":")[0] for p in path]
    main_controls = [
        "input#magic-email",
        "button#magic-link-submit",
        "input#password-email",
        "input#password",
    ]
    positions = [order.index(c) for c in main_controls if c in order]
    assert len(positions) >= 3 and positions == sorted(positions), path  # in reading order
    before = len(site.inbox.snapshot())
    page.locator("#magic-email").focus()
    page.keyboard.type("nobody-at-all@keyboard.example")
    page.keyboard.press("Enter")  # Enter in the field submits its own form
    page.locator("#link-sent").wait_for()
    assert len(site.inbox.snapshot()) == before  # an unknown address gets no e-mail


BACK_OFFICE = [
    "/", "/customers/", "/invoices/", "/bank/statements/", "/bank/transactions/", "/review/",
    "/insights/forecast/", "/cases/", "/billing/", "/deliveries/", "/collections/", "/collections/worklist/",
]  # fmt: skip


def _visit(page: Any, path: str, findings: list[str]) -> None:
    response = page.goto(path)
    assert response is not None
    if response.status != 200:
        findings.append(f"{path}: HTTP {response.status}")
        return
    page.wait_for_load_state("load")
    audit = page.evaluate(_AUDIT)
    if audit["h1"] != 1:
        findings.append(f"{path}: {audit['h1']} h1 headings")
    if not audit["lang"]:
        findings.append(f"{path}: no lang on <html>")
    findings.extend(f"{path}: control without an accessible name: {html}" for html in audit["unnamed"])


def test_main_pages_have_a_clean_console_and_named_controls(
    page: Any, site: Site, console: Console, browser: Any
) -> None:
    findings: list[str] = []
    sign_in(page, "demo")
    (invoice,) = site.query(
        "SELECT i.id, c.id AS customer_id, c.external_id, c.emails FROM ledger_invoice i JOIN ledger_customer c ON c.id = i.customer_id "
        "WHERE i.kind = 'invoice' AND i.open_minor > 0 AND c.emails != '[]' "
        "AND EXISTS (SELECT 1 FROM billing_archiveddocument d WHERE d.invoice_id = i.id) "
        "ORDER BY i.number DESC LIMIT 1"
    )
    customer = invoice["customer_id"]
    for path in [
        *BACK_OFFICE,
        f"/invoices/{invoice['id']}/",
        f"/customers/{customer}/",
        f"/collections/customers/{customer}/",
    ]:
        _visit(page, path, findings)

    # the portal, signed in with a password this time
    email = json.loads(invoice["emails"])[0]
    portal_password = "a long portal passphrase 7"
    (entity,) = site.query(
        "SELECT e.code FROM ledger_entity e JOIN ledger_invoice i ON i.entity_id = e.id WHERE i.id = ?",
        invoice["id"],
    )
    site.cli(
        "portal-user", "add", email, "--customer", f"{entity['code']}:{invoice['external_id']}", "--password-stdin",
        stdin=portal_password + "\n",
    )  # fmt: skip
    portal = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 800})
    visitor = portal.new_page()
    visitor.on("console", lambda m: console.record(m, visitor.url))
    visitor.on("pageerror", lambda e: console.errors.append((str(e), visitor.url)))
    try:
        _visit(visitor, "/portal/sign-in/", findings)
        visitor.locator("#password-email").fill(email)
        visitor.locator("#password").fill(portal_password)
        visitor.locator("#password-submit").click()
        visitor.wait_for_url("**/portal/")
        for path in [
            "/portal/", "/portal/invoices/", f"/portal/invoices/{invoice['id']}/",
            f"/portal/invoices/{invoice['id']}/pay/", f"/portal/invoices/{invoice['id']}/dispute/",
            f"/portal/invoices/{invoice['id']}/promise/", "/portal/cases/", "/portal/password/",
        ]:  # fmt: skip
            _visit(visitor, path, findings)
    finally:
        portal.close()
    problems = console.problems()
    assert not findings and not problems, "\n".join(findings + problems)
