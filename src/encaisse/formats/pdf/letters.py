"""Dunning letters and statements of account as PDF, typeset by Typst.

A :class:`Letter` is what one reminder says to one customer: its items, each at
its own dunning level, with the late interest claimed (every period with its
basis: dates, days, annual rate = reference rate + margin, amount) and the fixed
compensation where it is charged; a statement of account; how to pay, with the
EPC QR code for the total when it is in euro. The tone (friendly, firm, formal)
and the language (FR, EN, NL, DE) choose the wording; ``free_text`` is a
paragraph a person added in the preview.

As for invoices (:mod:`encaisse.formats.pdf.inputs`), the template formats and
computes nothing: :func:`letter_inputs` turns the letter into strings formatted
with Babel for the locale, passed to Typst as JSON in ``sys.inputs.data``, so no
text of a customer is ever read as Typst markup. :func:`statement_inputs` does
the same for a statement of account alone.

>>> from datetime import date
>>> from decimal import Decimal
>>> seller = LetterParty("Demo Belgium SA", ("Rue de la Loi 16", "1000 Bruxelles"))
>>> item = LetterItem("F-1", date(2026, 1, 2), date(2026, 2, 1), 2, "EUR", Decimal("100"), Decimal("100"))
>>> letter = Letter("DL-1", date(2026, 2, 12), "fr", "friendly", 2, "reminder", seller,
...                 LetterParty("Acheteur SA"), (item,))
>>> data = letter_inputs(letter)
>>> data["title"], data["items"][0]["claimed"], data["totals"][0]["total"]
('Rappel de paiement', '100,00\\xa0€', '100,00\\xa0€')
"""

from __future__ import annotations

import calendar
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any, Final

import typst

from encaisse.core.interest import InterestCalculation
from encaisse.formats.pdf.epc_qr import EpcPayment, epc_qr_svg, format_iban
from encaisse.formats.pdf.inputs import Formatter
from encaisse.formats.pdf.labels import UnknownLanguage

__all__ = [
    "LETTER_LANGUAGES",
    "AccountStatement",
    "Letter",
    "LetterItem",
    "LetterParty",
    "PaymentDetails",
    "StatementLine",
    "letter_inputs",
    "render_letter",
    "render_statement",
    "statement_inputs",
]

LETTER_LANGUAGES: Final = ("fr", "en", "nl", "de")
TONES: Final = ("friendly", "firm", "formal")


@dataclass(frozen=True, slots=True)
class LetterParty:
    name: str
    address: tuple[str, ...] = ()
    vat_id: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class LetterItem:
    """One open item in a letter: ``claimed`` is the open amount less unapplied credit."""

    number: str
    issue_date: date
    due_date: date
    level: int
    currency: str
    open_amount: Decimal
    claimed: Decimal
    interest: InterestCalculation | None = None
    compensation: Decimal | None = None


@dataclass(frozen=True, slots=True)
class StatementLine:
    number: str
    kind: str  # "invoice" | "credit_note"
    issue_date: date
    due_date: date
    currency: str
    total: Decimal  # negative for a credit note
    open: Decimal
    days_overdue: int


@dataclass(frozen=True, slots=True)
class AccountStatement:
    as_of: date
    lines: tuple[StatementLine, ...]
    balances: tuple[tuple[str, Decimal], ...] = ()
    overdue: tuple[tuple[str, Decimal], ...] = ()
    unapplied: tuple[tuple[str, Decimal], ...] = ()


@dataclass(frozen=True, slots=True)
class PaymentDetails:
    iban: str
    bic: str | None = None
    account_name: str | None = None
    reference: str | None = None  # printed form
    qr: EpcPayment | None = None


@dataclass(frozen=True, slots=True)
class Letter:
    reference: str
    date: date
    language: str
    tone: str
    level: int
    template: str
    seller: LetterParty
    customer: LetterParty
    items: tuple[LetterItem, ...]
    statement: AccountStatement | None = None
    payment: PaymentDetails | None = None
    free_text: str = ""
    legal_basis: str = ""
    locale: str | None = None


# --- wording -----------------------------------------------------------------------------------

_TITLES: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {"pre_reminder": "Payment due soon", "reminder": "Payment reminder",
           "second_reminder": "Second reminder", "formal_notice": "Formal notice",
           "final_notice": "Final notice before legal action"},
    "fr": {"pre_reminder": "Échéance prochaine", "reminder": "Rappel de paiement",
           "second_reminder": "Second rappel", "formal_notice": "Mise en demeure",
           "final_notice": "Dernier avis avant procédure"},
    "nl": {"pre_reminder": "Binnenkort te betalen", "reminder": "Betalingsherinnering",
           "second_reminder": "Tweede herinnering", "formal_notice": "Ingebrekestelling",
           "final_notice": "Laatste aanmaning voor gerechtelijke stappen"},
    "de": {"pre_reminder": "Bald fällige Zahlung", "reminder": "Zahlungserinnerung",
           "second_reminder": "Zweite Mahnung", "formal_notice": "Mahnung mit Fristsetzung",
           "final_notice": "Letzte Mahnung vor gerichtlichen Schritten"},
}  # fmt: skip

_GREETING: Final[Mapping[str, str]] = {
    "en": "Dear Sir or Madam,", "fr": "Madame, Monsieur,", "nl": "Geachte heer, mevrouw,",
    "de": "Sehr geehrte Damen und Herren,",
}  # fmt: skip

_OPENING: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "friendly": "Our records show that the invoices below are still open. It may well have crossed with "
        "your payment; if not, we would be grateful if you could settle them at your earliest convenience.",
        "firm": "Despite our previous reminder, the invoices below remain unpaid. We ask you to pay them "
        "within eight days of the date of this letter.",
        "formal": "The invoices below remain unpaid despite our reminders. We hereby give you formal notice "
        "to pay the amounts below, including statutory late-payment interest and the fixed compensation "
        "for recovery costs, within eight days of the date of this letter.",
    },
    "fr": {
        "friendly": "Sauf erreur de notre part, les factures ci-dessous restent ouvertes. Si votre paiement "
        "s’est croisé avec ce courrier, veuillez ne pas en tenir compte ; sinon, nous vous remercions de "
        "les régler dans les meilleurs délais.",
        "firm": "Malgré notre précédent rappel, les factures ci-dessous restent impayées. Nous vous prions "
        "de les régler dans les huit jours de la date du présent courrier.",
        "formal": "Les factures ci-dessous restent impayées malgré nos rappels. Par la présente, nous vous "
        "mettons en demeure de payer les montants ci-dessous, intérêts de retard légaux et indemnité "
        "forfaitaire pour frais de recouvrement compris, dans les huit jours de la date du présent courrier.",
    },
    "nl": {
        "friendly": "Volgens onze gegevens staan de onderstaande facturen nog open. Mogelijk is uw betaling "
        "onderweg; zo niet, dan vragen wij u vriendelijk ze zo spoedig mogelijk te voldoen.",
        "firm": "Ondanks onze vorige herinnering zijn de onderstaande facturen nog niet betaald. Wij "
        "verzoeken u ze binnen acht dagen na de datum van deze brief te betalen.",
        "formal": "De onderstaande facturen zijn ondanks onze herinneringen onbetaald gebleven. Hierbij "
        "stellen wij u in gebreke en verzoeken wij u de onderstaande bedragen, met inbegrip van de "
        "wettelijke interest en de forfaitaire schadevergoeding voor invorderingskosten, binnen acht dagen "
        "te betalen.",
    },
    "de": {
        "friendly": "Nach unseren Unterlagen sind die folgenden Rechnungen noch offen. Sollte sich Ihre "
        "Zahlung mit diesem Schreiben überschnitten haben, betrachten Sie es bitte als gegenstandslos; "
        "andernfalls bitten wir um baldigen Ausgleich.",
        "firm": "Trotz unserer Erinnerung sind die folgenden Rechnungen weiterhin unbezahlt. Wir bitten "
        "Sie, sie innerhalb von acht Tagen ab dem Datum dieses Schreibens zu begleichen.",
        "formal": "Die folgenden Rechnungen sind trotz unserer Mahnungen unbezahlt. Wir fordern Sie hiermit "
        "auf, die unten aufgeführten Beträge einschließlich der gesetzlichen Verzugszinsen und der "
        "Pauschale für Beitreibungskosten innerhalb von acht Tagen zu zahlen.",
    },
}

_CLOSING: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {"friendly": "Kind regards,", "firm": "Yours faithfully,", "formal": "Yours faithfully,"},
    "fr": {"friendly": "Bien cordialement,", "firm": "Veuillez agréer nos salutations distinguées.",
           "formal": "Veuillez agréer, Madame, Monsieur, nos salutations distinguées."},
    "nl": {"friendly": "Met vriendelijke groet,", "firm": "Hoogachtend,", "formal": "Hoogachtend,"},
    "de": {"friendly": "Mit freundlichen Grüßen", "firm": "Mit freundlichen Grüßen",
           "formal": "Hochachtungsvoll"},
}  # fmt: skip

_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "en": {
        "date": "Date", "reference": "Our reference", "invoice": "Invoice", "issue_date": "Date",
        "due_date": "Due date", "days_overdue": "Days overdue", "level": "Level", "open": "Open",
        "claimed": "Claimed", "interest": "Late-payment interest", "compensation": "Fixed compensation",
        "interest_basis": "Calculation of the late-payment interest", "compensation_line":
        "Fixed compensation for recovery costs, invoice", "total": "Total due", "claimed_total": "Invoices",
        "pay_to": "Please pay to", "iban": "IBAN", "bic": "BIC", "payment_reference": "Payment reference",
        "qr_caption": "Scan with your banking app to pay", "statement": "Statement of account",
        "statement_as_of": "as of", "kind_invoice": "Invoice", "kind_credit_note": "Credit note",
        "amount": "Amount", "balance": "Balance", "overdue": "Overdue", "unapplied": "Unapplied credit",
        "legal_basis": "Legal basis", "days": "days", "rate": "rate", "reference_rate": "reference rate",
        "margin": "margin", "on": "on", "customer": "Customer", "page": "Page",
        "no_items": "No open items.",
    },
    "fr": {
        "date": "Date", "reference": "Notre référence", "invoice": "Facture", "issue_date": "Date",
        "due_date": "Échéance", "days_overdue": "Jours de retard", "level": "Niveau", "open": "Solde",
        "claimed": "Réclamé", "interest": "Intérêts de retard", "compensation": "Indemnité forfaitaire",
        "interest_basis": "Calcul des intérêts de retard", "compensation_line":
        "Indemnité forfaitaire pour frais de recouvrement, facture", "total": "Total à payer",
        "claimed_total": "Factures", "pay_to": "Veuillez payer sur le compte", "iban": "IBAN", "bic": "BIC",
        "payment_reference": "Communication", "qr_caption": "Scannez avec votre application bancaire",
        "statement": "Relevé de compte", "statement_as_of": "au", "kind_invoice": "Facture",
        "kind_credit_note": "Note de crédit", "amount": "Montant", "balance": "Solde", "overdue": "Échu",
        "unapplied": "Crédit non imputé", "legal_basis": "Base légale", "days": "jours", "rate": "taux",
        "reference_rate": "taux de référence", "margin": "marge", "on": "sur", "customer": "Client",
        "page": "Page", "no_items": "Aucun poste ouvert.",
    },
    "nl": {
        "date": "Datum", "reference": "Onze referentie", "invoice": "Factuur", "issue_date": "Datum",
        "due_date": "Vervaldatum", "days_overdue": "Dagen te laat", "level": "Niveau", "open": "Open",
        "claimed": "Gevorderd", "interest": "Nalatigheidsinterest", "compensation": "Forfaitaire vergoeding",
        "interest_basis": "Berekening van de nalatigheidsinterest", "compensation_line":
        "Forfaitaire vergoeding voor invorderingskosten, factuur", "total": "Totaal te betalen",
        "claimed_total": "Facturen", "pay_to": "Gelieve te betalen op", "iban": "IBAN", "bic": "BIC",
        "payment_reference": "Mededeling", "qr_caption": "Scan met uw bankapp om te betalen",
        "statement": "Rekeninguittreksel", "statement_as_of": "per", "kind_invoice": "Factuur",
        "kind_credit_note": "Creditnota", "amount": "Bedrag", "balance": "Saldo", "overdue": "Vervallen",
        "unapplied": "Niet-toegewezen tegoed", "legal_basis": "Wettelijke grondslag", "days": "dagen",
        "rate": "rentevoet", "reference_rate": "referentierentevoet", "margin": "marge", "on": "op",
        "customer": "Klant", "page": "Pagina", "no_items": "Geen openstaande posten.",
    },
    "de": {
        "date": "Datum", "reference": "Unser Zeichen", "invoice": "Rechnung", "issue_date": "Datum",
        "due_date": "Fällig am", "days_overdue": "Tage überfällig", "level": "Stufe", "open": "Offen",
        "claimed": "Gefordert", "interest": "Verzugszinsen", "compensation": "Pauschale",
        "interest_basis": "Berechnung der Verzugszinsen", "compensation_line":
        "Pauschale für Beitreibungskosten, Rechnung", "total": "Zu zahlen", "claimed_total": "Rechnungen",
        "pay_to": "Bitte zahlen Sie auf", "iban": "IBAN", "bic": "BIC", "payment_reference": "Verwendungszweck",
        "qr_caption": "Mit Ihrer Banking-App scannen", "statement": "Kontoauszug", "statement_as_of": "zum",
        "kind_invoice": "Rechnung", "kind_credit_note": "Gutschrift", "amount": "Betrag", "balance": "Saldo",
        "overdue": "Überfällig", "unapplied": "Nicht zugeordnetes Guthaben", "legal_basis": "Rechtsgrundlage",
        "days": "Tage", "rate": "Zinssatz", "reference_rate": "Basiszinssatz", "margin": "Aufschlag",
        "on": "auf", "customer": "Kunde", "page": "Seite", "no_items": "Keine offenen Posten.",
    },
}  # fmt: skip

_FALLBACK_TITLE: Final = {"friendly": "reminder", "firm": "second_reminder", "formal": "formal_notice"}


def _check(language: str, tone: str | None = None) -> None:
    if language not in LETTER_LANGUAGES:
        raise UnknownLanguage(
            f"no letter wording for language {language!r}; choose one of {LETTER_LANGUAGES}"
        )
    if tone is not None and tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}; choose one of {TONES}")


def title_for(language: str, template: str, tone: str) -> str:
    """The heading of a letter: by template key, else by tone."""
    _check(language, tone)
    titles = _TITLES[language]
    return titles.get(template) or titles[_FALLBACK_TITLE[tone]]


# --- inputs ------------------------------------------------------------------------------------


def _sums(pairs: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for currency, amount in pairs:
        out[currency] = out.get(currency, Decimal(0)) + amount
    return out


def _interest_lines(calc: InterestCalculation, fmt: Formatter, labels: Mapping[str, str]) -> list[str]:
    """One line per period: dates, days, rate = reference rate + margin, principal, amount."""
    lines = []
    for period, amount in zip(calc.periods, calc.rounded_amounts(), strict=True):
        lines.append(
            f"{fmt.date(period.start)} – {fmt.date(period.end)}: {period.days} {labels['days']}, "
            f"{labels['rate']} {fmt.percent(period.annual_rate)} = {labels['reference_rate']} "
            f"{fmt.percent(period.reference_rate)} + {labels['margin']} {fmt.percent(period.margin)}, "
            f"{labels['on']} {fmt.money(period.principal.amount)} "
            f"({period.days}/{period.day_basis}) = {fmt.money(amount.amount)}"
        )
    return lines


def letter_inputs(letter: Letter) -> dict[str, Any]:
    """The template data of a letter (strings only, formatted for the letter's locale)."""
    _check(letter.language, letter.tone)
    labels = _LABELS[letter.language]
    formatters: dict[str, Formatter] = {}

    def fmt_for(currency: str) -> Formatter:
        if currency not in formatters:
            formatters[currency] = Formatter(letter.language, letter.locale, currency)
        return formatters[currency]

    base = fmt_for(letter.items[0].currency if letter.items else "EUR")
    items = []
    interest_blocks = []
    compensations = []
    for item in letter.items:
        fmt = fmt_for(item.currency)
        days = max(0, (letter.date - item.due_date).days)
        interest_total = item.interest.total.amount if item.interest is not None else Decimal(0)
        items.append({
            "number": item.number, "issue_date": fmt.date(item.issue_date), "due_date": fmt.date(item.due_date),
            "days_overdue": str(days), "level": str(item.level), "open": fmt.money(item.open_amount),
            "claimed": fmt.money(item.claimed),
            "interest": fmt.money(interest_total) if item.interest is not None else "",
            "compensation": fmt.money(item.compensation) if item.compensation is not None else "",
        })  # fmt: skip
        if item.interest is not None and item.interest.periods:
            interest_blocks.append({
                "number": item.number, "total": fmt.money(interest_total),
                "lines": _interest_lines(item.interest, fmt, labels),
            })  # fmt: skip
        if item.compensation is not None:
            compensations.append({"number": item.number, "amount": fmt.money(item.compensation)})
    claimed = _sums([(i.currency, i.claimed) for i in letter.items])
    interest = _sums([(i.currency, i.interest.total.amount) for i in letter.items if i.interest is not None])
    compensation = _sums([(i.currency, i.compensation) for i in letter.items if i.compensation is not None])
    totals = []
    for currency in sorted(claimed):
        fmt = fmt_for(currency)
        whole = (
            claimed[currency] + interest.get(currency, Decimal(0)) + compensation.get(currency, Decimal(0))
        )
        totals.append({
            "currency": currency, "claimed": fmt.money(claimed[currency]),
            "interest": fmt.money(interest[currency]) if currency in interest else None,
            "compensation": fmt.money(compensation[currency]) if currency in compensation else None,
            "total": fmt.money(whole),
        })  # fmt: skip
    return {
        "schema": 1,
        "kind": "letter",
        "language": letter.language,
        "locale": base.locale_name,
        "tone": letter.tone,
        "level": str(letter.level),
        "labels": dict(labels),
        "title": title_for(letter.language, letter.template, letter.tone),
        "reference": letter.reference,
        "date": base.date(letter.date),
        "greeting": _GREETING[letter.language],
        "opening": _OPENING[letter.language][letter.tone],
        "free_text": letter.free_text.strip() or None,
        "closing": _CLOSING[letter.language][letter.tone],
        "seller": _party(letter.seller),
        "customer": _party(letter.customer),
        "items": items,
        "interest": interest_blocks,
        "compensations": compensations,
        "totals": totals,
        "payment": _payment(letter.payment),
        "statement": _statement(letter.statement, letter.language, letter.locale),
        "legal_basis": letter.legal_basis or None,
    }


def _party(party: LetterParty) -> dict[str, Any]:
    return {"name": party.name, "address": list(party.address), "vat_id": party.vat_id, "email": party.email}


def _payment(payment: PaymentDetails | None) -> dict[str, Any] | None:
    if payment is None:
        return None
    return {
        "iban": format_iban(payment.iban),
        "bic": payment.bic,
        "account_name": payment.account_name,
        "reference": payment.reference,
        "qr_svg": epc_qr_svg(payment.qr) if payment.qr is not None else None,
    }


def _statement(
    statement: AccountStatement | None, language: str, locale: str | None
) -> dict[str, Any] | None:
    if statement is None:
        return None
    labels = _LABELS[language]
    fmts: dict[str, Formatter] = {}

    def fmt_for(currency: str) -> Formatter:
        if currency not in fmts:
            fmts[currency] = Formatter(language, locale, currency)
        return fmts[currency]

    def money_rows(rows: tuple[tuple[str, Decimal], ...]) -> list[str]:
        return [fmt_for(currency).money(amount) for currency, amount in rows]

    any_fmt = fmt_for(statement.lines[0].currency if statement.lines else "EUR")
    return {
        "as_of": any_fmt.date(statement.as_of),
        "lines": [
            {
                "number": line.number,
                "kind": labels["kind_credit_note" if line.kind == "credit_note" else "kind_invoice"],
                "issue_date": fmt_for(line.currency).date(line.issue_date),
                "due_date": fmt_for(line.currency).date(line.due_date),
                "total": fmt_for(line.currency).money(line.total),
                "open": fmt_for(line.currency).money(line.open),
                "days_overdue": str(line.days_overdue) if line.days_overdue else "",
            }
            for line in statement.lines
        ],
        "balances": money_rows(statement.balances),
        "overdue": money_rows(statement.overdue),
        "unapplied": money_rows(statement.unapplied),
    }


def statement_inputs(
    statement: AccountStatement,
    seller: LetterParty,
    customer: LetterParty,
    *,
    language: str = "en",
    locale: str | None = None,
    payment: PaymentDetails | None = None,
) -> dict[str, Any]:
    """The template data of a statement of account on its own."""
    _check(language)
    labels = _LABELS[language]
    data = _statement(statement, language, locale)
    return {
        "schema": 1,
        "kind": "statement",
        "language": language,
        "labels": dict(labels),
        "title": labels["statement"],
        "seller": _party(seller),
        "customer": _party(customer),
        "statement": data,
        "payment": _payment(payment),
    }


# --- rendering ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def template_source(name: str) -> bytes:
    """The Typst source of ``letter`` or ``statement``."""
    return files("encaisse.formats.pdf").joinpath(f"templates/{name}.typ").read_bytes()


class _Compiler:
    """One Typst compiler per process (fonts loaded once), used by one thread at a time."""

    _lock = threading.Lock()
    _compilers: dict[int, typst.Compiler] = {}

    @classmethod
    def compile(cls, source: bytes, data: Mapping[str, Any], when: date) -> bytes:
        with cls._lock:
            compiler = cls._compilers.get(os.getpid())
            if compiler is None:
                cls._compilers.clear()
                root = tempfile.mkdtemp(prefix="encaisse-letters-")
                compiler = cls._compilers[os.getpid()] = typst.Compiler(root=root, ignore_system_fonts=True)
            text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            pdf = compiler.compile(
                input=source,
                format="pdf",
                sys_inputs={"data": text},
                pdf_standards=["a-3b"],
                timestamp=calendar.timegm(when.timetuple()),
            )
        if not isinstance(pdf, bytes):
            raise ValueError("Typst returned no PDF")
        return pdf


def render_letter(letter: Letter) -> bytes:
    """The PDF/A-3b of a dunning letter (same letter, same bytes)."""
    return _Compiler.compile(template_source("letter"), letter_inputs(letter), letter.date)


def render_statement(
    statement: AccountStatement,
    seller: LetterParty,
    customer: LetterParty,
    *,
    language: str = "en",
    locale: str | None = None,
    payment: PaymentDetails | None = None,
) -> bytes:
    """The PDF/A-3b of a statement of account."""
    data = statement_inputs(statement, seller, customer, language=language, locale=locale, payment=payment)
    return _Compiler.compile(template_source("statement"), data, statement.as_of)
