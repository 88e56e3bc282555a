"""The customer portal in a real browser: a magic link from the mailbox, a PDF, a dispute the clerk then sees."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from browser_support import HEIGHT, TIMEOUT_MS, WIDTH, Site, screenshot, sign_in

pytestmark = pytest.mark.browser


def _customer_with_an_issued_invoice(site: Site) -> dict[str, Any]:
    """A Belgian demo customer with an invoice issued today through billing (so with its archived PDF)."""
    rows = site.query(
        "SELECT i.id, i.number, i.open_minor, c.external_id, c.name, c.emails FROM ledger_invoice i "
        "JOIN ledger_customer c ON c.id = i.customer_id JOIN ledger_entity e ON e.id = i.entity_id "
        "WHERE e.code = 'demo-be' AND i.kind = 'invoice' AND i.open_minor > 0 AND c.emails != '[]' "
        "AND EXISTS (SELECT 1 FROM billing_archiveddocument d WHERE d.invoice_id = i.id AND d.kind = 'pdf') "
        "ORDER BY i.number LIMIT 1"
    )
    assert rows, "the demo issues invoices through billing: one of them must have its PDF archived"
    row = dict(rows[0])
    row["email"] = json.loads(row["emails"])[0]
    return row


def _link(site: Site, body: str) -> str:
    found = re.search(re.escape(site.url) + r"/portal/sign-in/link/[^\s/]+/", body)
    assert found, f"no sign-in link in the e-mail:\n{body}"
    return found.group(0)


def test_customer_signs_in_by_link_downloads_and_disputes_then_the_clerk_sees_the_case(
    page: Any, site: Site, browser: Any, tmp_path: Path
) -> None:
    target = _customer_with_an_issued_invoice(site)
    site.cli(
        "portal-user", "add", target["email"], "--customer", f"demo-be:{target['external_id']}",
        "--name", "Accounts payable",
    )  # fmt: skip

    # an unknown address gets the same answer and no e-mail (no account enumeration)
    page.goto("/portal/sign-in/")
    before = len(site.inbox.snapshot())
    page.locator("#magic-email").fill("nobody@unknown.example")
    page.locator("#magic-link-submit").click()
    page.locator("#link-sent").wait_for()

    page.goto("/portal/sign-in/")
    page.locator("#magic-email").fill(target["email"].upper())  # addresses are compared without case
    page.locator("#magic-link-submit").click()
    page.locator("#link-sent").wait_for()
    mail = site.inbox.wait_for(target["email"], since=before)
    assert not any("nobody@unknown.example" in rcpts for rcpts, _ in site.inbox.snapshot()[before:])
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None
    link = _link(site, body.get_content())

    page.goto(link)  # opening the link only asks to confirm: a mail scanner does not use it up
    page.locator("#magic-link-confirm").click()
    page.wait_for_url("**/portal/")
    assert target["name"] in page.locator("main").inner_text()
    screenshot(page, "portal-home")

    page.goto(f"/portal/invoices/{target['id']}/")
    assert target["number"] in page.get_by_role("heading", level=1).inner_text()
    screenshot(page, "portal-invoice")
    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    assert target["number"] in download.suggested_filename
    downloads = site.query(
        "SELECT actor, data FROM ledger_auditevent WHERE action = 'portal.download' AND object_id = ?",
        str(target["id"]),
    )
    assert len(downloads) == 1 and json.loads(downloads[0]["data"])["kind"] == "pdf"

    page.locator("#dispute-link").click()
    page.locator("#dispute-form").wait_for()
    dispute_url = page.url
    page.locator("#dispute-submit").click()  # nothing chosen: the form says what is missing
    page.locator("#dispute-form .errorlist").first.wait_for()
    assert site.query("SELECT COUNT(*) AS n FROM cases_case")[0]["n"] == 0
    page.goto(dispute_url)
    page.locator("#dispute-reason").select_option(index=1)
    reason = page.locator("#dispute-reason option:checked").inner_text()
    page.locator("#dispute-form input[name=lines][value='2']").check()  # the second line only
    page.locator("#dispute-message").fill("The second intervention hour was never performed.")
    proof = tmp_path / "timesheet.pdf"
    proof.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    page.locator("#dispute-attachments").set_input_files(str(proof))
    screenshot(page, "portal-dispute")
    page.locator("#dispute-submit").click()
    page.wait_for_url(re.compile(r"/portal/cases/\d+/$"))
    case_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert "never performed" in page.locator("main").inner_text()

    (case,) = site.query(
        "SELECT c.status, c.type, c.source, cu.name, i.invoice_id, i.lines FROM cases_case c JOIN ledger_customer cu "
        "ON cu.id = c.customer_id JOIN cases_caseitem i ON i.case_id = c.id WHERE c.id = ?",
        case_id,
    )
    assert (case["name"], case["invoice_id"]) == (target["name"], target["id"])
    assert json.loads(case["lines"]) == [2]
    assert case["status"] != "resolved"

    # the link worked once
    page.goto(link)
    assert page.locator("#magic-link-confirm").count() == 0

    # the clerk sees the case on the board, in its open column, with the customer and the invoice
    clerk_context = browser.new_context(base_url=site.url, viewport={"width": WIDTH, "height": HEIGHT})
    clerk_context.set_default_timeout(TIMEOUT_MS)
    clerk = clerk_context.new_page()
    try:
        sign_in(clerk, "clerk")
        clerk.goto("/cases/")
        card = clerk.locator("article.case-card", has_text=target["number"])
        card.wait_for()
        assert target["name"] in card.inner_text() and reason in card.inner_text()
        assert clerk.locator("#kpi-open").inner_text() == "1"
        screenshot(clerk, "case-board")
        card.get_by_role("link").click()
        clerk.wait_for_url(f"**/cases/{case_id}/")
        assert "never performed" in clerk.locator("main").inner_text()
    finally:
        clerk_context.close()
