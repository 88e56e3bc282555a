"""Importing customers and invoices from CSV and JSON files.

Both imports are atomic and idempotent. Every row is read and checked first;
if any row is bad, nothing is written and :class:`ImportFailed` lists every
bad row with its line, column and reason. Rows already in the ledger with
the same content are "known" and skipped. An invoice already issued under the
same number with different content is "changed": it is reported and kept as
issued (an issued invoice is a legal document; correct it with a credit
note). A changed customer is updated, and the change audit-logged.

Writing is set-based: existing keys are loaded in one query, new rows are
inserted in batches (``COPY`` on PostgreSQL), and the journal gets one
summary entry per issue date.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import list_currencies
from django.db import connection, transaction
from django.utils import timezone
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.nz import bankaccount as nz_bankaccount
from stdnum.us import rtn

from encaisse.clock import today
from encaisse.core import references
from encaisse.core.ledger import invoice_entry, to_functional
from encaisse.core.money import InvalidAmount, Money, minor_unit, to_decimal
from encaisse.ledger import audit
from encaisse.ledger.models import AllocationKind, Customer, DocumentKind, Entity, Invoice, InvoiceLine
from encaisse.ledger.posting import AllocationRequest, post_allocations, post_entries

# ISO 4217 codes that are not money one invoices in (precious metals, funds, test, "no currency")
_NOT_MONEY = frozenset(
    {"XAG", "XAU", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD", "XDR", "XSU", "XTS", "XUA", "XXX"}
)
ISO_CURRENCIES = frozenset(list_currencies()) - _NOT_MONEY
_KINDS = frozenset(DocumentKind.values)
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
Progress = Callable[[int], None]


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str
    value: str = ""

    def __str__(self) -> str:
        shown = f" (value {self.value!r})" if self.value else ""
        return f"line {self.line}, column {self.column}: {self.reason}{shown}"


class ImportFailed(Exception):
    """A file with bad rows: nothing was imported."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        self.source = source
        self.errors = errors
        more = f" (and {len(errors) - 50} more)" if len(errors) > 50 else ""
        lines = "\n".join(f"  {source}: {e}" for e in errors[:50])
        super().__init__(f"{source}: {len(errors)} bad row(s), nothing imported{more}\n{lines}")


@dataclass
class ImportSummary:
    source: str
    rows: int = 0
    new: int = 0
    known: int = 0
    changed: list[str] = field(default_factory=list)
    updated: int = 0
    settled_before: int = 0  # new items imported partly or wholly settled (an opening balance)
    dry_run: bool = False
    ignored_columns: list[str] = field(default_factory=list)  # columns of the file no import reads

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rows": self.rows,
            "new": self.new,
            "known": self.known,
            "updated": self.updated,
            "settled_before": self.settled_before,
            "changed": self.changed,
            "dry_run": self.dry_run,
            "ignored_columns": self.ignored_columns,
        }


def _ignored(columns: set[str], known: frozenset[str]) -> list[str]:
    """The columns of a file that the import does not read (reported, so that a misspelt or unsupported
    column is not lost in silence)."""
    return sorted(c for c in columns if c and c not in known)


# --- reading rows -------------------------------------------------------------


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def read_rows(path: Path, data: bytes | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(line, row)`` pairs of a CSV (header line 1) or JSON (a list of objects) file."""
    raw = path.read_bytes() if data is None else data
    source = str(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(source, [RowError(0, "-", f"not UTF-8 text (byte {exc.start})")]) from None
    if "\x00" in text:  # PostgreSQL cannot store it, and no text file has one
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFailed(
            source, [RowError(line, "-", "binary content (a NUL character): not a CSV or JSON text")]
        )
    stripped = text.lstrip()
    if path.suffix.lower() == ".json" or stripped.startswith(("[", "{")):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportFailed(source, [RowError(exc.lineno, "-", f"invalid JSON: {exc.msg}")]) from None
        items = doc.get("items", doc.get("invoices", doc.get("customers"))) if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise ImportFailed(
                source, [RowError(1, "-", "JSON must be a list of objects (or {'items': [...]})")]
            )
        for i, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise ImportFailed(source, [RowError(i, "-", "each JSON item must be an object")])
            if "\\u0000" in text and (nul := [str(k) for k, v in item.items() if _has_nul(k) or _has_nul(v)]):
                raise ImportFailed(source, [RowError(i, k, "contains a NUL character (U+0000)") for k in nul])
            yield i, item
        return
    sample = text[:4096]
    delimiter = ";" if sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(",") else ","
    # csv.reader with csv.DictReader's rules (blank lines skipped, missing fields None),
    # without DictReader's per-row overhead: imports read millions of rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise ImportFailed(source, [RowError(1, "-", "empty file: a header line is required")])
    fieldnames = [f.strip().lower() for f in header]
    width = len(fieldnames)
    for values in reader:
        if not values:
            continue
        line = reader.line_num
        if len(values) > width:
            raise ImportFailed(source, [RowError(line, "-", "more fields than the header has")])
        row = dict(zip(fieldnames, [v.strip() for v in values], strict=False))
        if len(values) < width:
            for key in fieldnames[len(values) :]:
                row[key] = None
        yield line, row


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    if value is None:
        return ""
    return str(value).strip()


class _Row:
    """Field readers that collect errors instead of raising."""

    def __init__(self, line: int, row: dict[str, Any], errors: list[RowError]) -> None:
        self.line, self.row, self.errors = line, row, errors

    def fail(self, column: str, reason: str, value: object = "") -> None:
        self.errors.append(RowError(self.line, column, reason, str(value)))

    def required(self, key: str) -> str:
        value = _text(self.row, key)
        if not value:
            self.fail(key, "required")
        return value

    def date(self, key: str, required: bool = True) -> date | None:
        value = _text(self.row, key)
        if not value:
            if required:
                self.fail(key, "required")
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(key, "not a date (YYYY-MM-DD)", value)
            return None

    def amount(self, key: str, currency: str | None, required: bool = True) -> Decimal | None:
        raw = self.row.get(key)
        if raw is None or raw == "":
            if required:
                self.fail(key, "required")
            return None
        if isinstance(raw, float):
            self.fail(key, "give amounts as strings or integers in JSON, not floats", raw)
            return None
        try:
            value = to_decimal(raw if isinstance(raw, int | Decimal) else str(raw).replace(" ", ""))
        except InvalidAmount:
            self.fail(key, "not an amount (use a dot for decimals)", raw)
            return None
        if currency and currency in ISO_CURRENCIES and value != round(value, minor_unit(currency)):
            self.fail(key, f"more decimals than {currency} has ({minor_unit(currency)})", raw)
            return None
        return value


# --- customers ----------------------------------------------------------------

CUSTOMER_FIELDS = (
    "name", "country", "vat_number", "legal_form", "emails", "language", "payment_terms_days",
    "credit_limit_minor", "credit_limit_currency", "ibans", "aliases", "segment", "parent_external_id",
)  # fmt: skip
CUSTOMER_COLUMNS = frozenset((
    "id", "external_id", "entity", "name", "country", "vat_number", "legal_form", "iban", "ibans", "bank_routing",
    "bank_account", "email", "emails", "language", "payment_terms_days", "credit_limit", "credit_limit_currency",
    "segment", "parent_id", "parent", "aliases",
))  # fmt: skip
INVOICE_COLUMNS = frozenset((
    "number", "customer_id", "issue_date", "due_date", "currency", "total", "structured_reference", "entity",
    "net", "vat", "kind", "type", "series", "rate", "exchange_rate", "payment_terms", "discount_percent",
    "discount_days", "order_reference", "lines", "open_amount", "open_as_of",
))  # fmt: skip
_ALIAS_MAX = 200  # PayerAlias.value's length: the longest name a bank or a person writes for a payer


def _national_reference(ref: str, ent: Entity | None, r: _Row) -> str:
    """``ref`` compact when valid under the national scheme of the entity's country, else a row error.

    Tried only after RF and OGM, so what either accepts keeps its meaning.
    """
    scheme = references.NATIONAL_SCHEMES.get(ent.country.upper()) if ent else None
    if ent is None or scheme is None:
        r.fail("structured_reference", "neither a valid RF nor a valid Belgian OGM reference", ref)
        return ref
    try:
        return references.validate_national(ref, ent.country)
    except references.InvalidReference:
        label = references.SCHEME_LABELS[scheme]
        r.fail("structured_reference", f"neither a valid RF, a Belgian OGM nor a {label}", ref)
        return ref


def _entity_for(code: str | None, entities: dict[str, Entity], r: _Row | None = None) -> Entity | None:
    if code:
        ent = entities.get(code)
        if ent is None and r is not None:
            r.fail("entity", "unknown entity", code)
        return ent
    if len(entities) == 1:
        return next(iter(entities.values()))
    if r is not None:
        r.fail("entity", "several entities exist: give the entity column or --entity")
    return None


def _aliases(r: _Row, name: str) -> list[str] | None:
    """The ``aliases`` column: other names of the customer, separated by ``;`` or ``|`` (a JSON list in JSON),
    in order, without repeats or the name itself; ``None`` when the file has no such column (the customer's
    aliases are then kept as they are)."""
    if "aliases" not in r.row:
        return None
    raw = r.row["aliases"]
    values = [str(v) for v in raw] if isinstance(raw, list) else re.split(r"[;|]", str(raw or ""))
    found: list[str] = []
    seen = {" ".join(name.casefold().split())}
    for value in values:
        alias = " ".join(value.split())
        if not alias:
            continue
        if len(alias) > _ALIAS_MAX:
            r.fail("aliases", f"a name longer than {_ALIAS_MAX} characters", alias[:40])
        elif alias.casefold() not in seen:
            seen.add(alias.casefold())
            found.append(alias)
    return found


def _split_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in re.split(r"[;,|\s]+", str(value or "")) if p.strip()]


# --- bank accounts ------------------------------------------------------------

# a domestic account: a clearing code (digits, maybe grouped by dashes), a separator, the account's digits
_DOMESTIC = re.compile(r"(?P<code>\d[\d-]*\d)\s*(?:[/:-]|\s)\s*(?P<account>\d+)")
_DIGITS = re.compile(r"\d[\d-]*")
_DOMESTIC_SHAPE = "clearing code, then the account: 021000021/123456789, 12345-003/1234567, 60-16-13/31926819"
# the first two digits of a US routing number: government, Federal Reserve districts, thrifts, electronic,
# traveler's cheques (ABA)
_ABA_PREFIXES = frozenset([0, *range(1, 13), *range(21, 33), *range(61, 73), 80])
# Canadian institution numbers of 100 and more (Payments Canada): ATB, Desjardins and the credit union centrals,
# which a nine-digit EFT routing number writes as 0IIITTTTT; below 100 it begins with 00, which no US bank's does
_CANADIAN_INSTITUTIONS = frozenset(
    str(n) for n in (219, 509, 540, 614, 809, 815, 819, 828, 829, 837, 839, 865, 869, 879, 889, 899)
)


# an Indian Financial System Code: the bank (four letters), 0, the branch (six letters or digits)
_IFSC = re.compile(r"[A-Z]{4}0[A-Z0-9]{6}")
# India: the IFSC, a separator, the account number
_INDIAN = re.compile(r"(?P<code>[A-Za-z]{4}0[A-Za-z0-9]{6})\s*(?:[/:-]|\s)\s*(?P<account>\d+)")
# New Zealand: bank, branch, account and suffix ("01-0902-0068389-00"), as every New Zealand document writes them
_NEW_ZEALAND = re.compile(r"\d{2}-\d{4}-\d{7}-\d{2,3}")
# Brazil: the bank's COMPE code, the agência (maybe with its check digit), the conta with its check digit
_BRAZILIAN = re.compile(
    r"(?P<bank>\d{3})\s*[/:]\s*(?P<agencia>\d{4}(?:-[0-9Xx])?)\s*[/:]\s*(?P<conta>\d{1,12}-[0-9Xx])"
)


def clabe_check_digit(body: str) -> str:
    """The check digit of a Mexican CLABE's first 17 digits (Banxico: weights 3, 7, 1, each product modulo 10).

    >>> clabe_check_digit("03218000011835971")
    '9'
    """
    total = sum(int(d) * (3, 7, 1)[i % 3] % 10 for i, d in enumerate(body))
    return str((10 - total % 10) % 10)


def national_account(raw: str) -> tuple[str, str] | None:
    """``(stored form, "")`` or ``("", why not)`` of an account whose own shape says its country, else ``None``:
    a Mexican CLABE (18 digits, check digit checked), a New Zealand account (``01-0902-0068389-00``, bank, branch
    and check digit checked), a Brazilian bank, agência and conta (``341/1234/12345-6``) or an Indian IFSC and
    account number (``HDFC0001234/50100012345678``, 9 to 18 digits).

    >>> national_account("032180000118359719"), national_account("01-0902-0068389-00")
    (('032180000118359719', ''), ('01-0902-0068389-000', ''))
    >>> national_account("341/1234/12345-6"), national_account("hdfc0001234 50100012345678")
    (('341/1234/12345-6', ''), ('HDFC0001234/50100012345678', ''))
    >>> national_account("032180000118359711")[1]
    'CLABE 032180000118359711 fails its check digit'
    """
    value = raw.strip()
    if len(value) == 18 and value.isascii() and value.isdigit():
        if clabe_check_digit(value[:17]) != value[17]:
            return "", f"CLABE {value} fails its check digit"
        return value, ""
    if _NEW_ZEALAND.fullmatch(value):
        try:
            return str(nz_bankaccount.format(nz_bankaccount.validate(value))), ""
        except StdnumValidationError as exc:
            return "", f"New Zealand account {value}: {exc}"
    found = _BRAZILIAN.fullmatch(value)
    if found:
        return f"{found['bank']}/{found['agencia'].upper()}/{found['conta'].upper()}", ""
    found = _INDIAN.fullmatch(value)
    if found:
        code = found["code"].upper()
        if not _IFSC.fullmatch(code):
            return "", f"{found['code']} is not an IFSC (four letters, 0, six letters or digits)"
        n = len(found["account"])
        if not 9 <= n <= 18:
            return "", f"account number {found['account']} has {n} digits: after an IFSC, 9 to 18"
        return f"{code}/{found['account']}", ""
    return None


def _account_values(value: Any) -> list[str]:
    """The accounts of an ``iban``/``ibans`` field: a JSON list's items as they are, or a text cut at
    ``;``, ``,``, ``|`` and spaces, where a clearing code and the digits after it stay one account
    (``021000021 123456789``)."""
    if isinstance(value, list):
        return _split_list(value)
    found: list[str] = []
    for part in re.split(r"[;,|]", str(value or "")):
        words = part.split()
        i = 0
        while i < len(words):
            word = words[i]
            if (
                i + 1 < len(words)
                and (_DIGITS.fullmatch(word) or _IFSC.fullmatch(word.upper()))
                and words[i + 1].isdigit()
            ):
                found.append(f"{word} {words[i + 1]}")
                i += 2
            else:
                found.append(word)
                i += 1
    return found


def domestic_account(code: str, account: str) -> tuple[str, str, str]:
    """A domestic account in its stored form, from its clearing code and account number.

    Returns ``(stored, "", "")``, or ``("", part, reason)`` where ``part`` is
    ``"code"`` or ``"account"``, the one at fault. The clearing code says the
    country: a 9-digit US ABA routing number (check digit validated; account of 4
    to 17 digits), a Canadian transit and institution (``12345-003``, or
    ``00312345`` institution first, or ``000312345`` as EFT files write it: a
    nine-digit code beginning with ``00``, or with ``0`` and a credit union's or
    Desjardins' institution number, failing the US check digit; account of 7 to
    12 digits), a UK sort code (``60-16-13``; account of 8 digits), an Australian
    BSB (``062-000``; account of 6 to 10 digits), a Singapore bank code, maybe
    with its branch (``7171`` or ``7171-001``; account of 8 to 14 digits) or a
    Japanese bank and branch (``0005-123``; account of 7 digits). Six bare digits
    are a sort code or a BSB: both shapes are accepted, and written as a sort code
    when the account has 8 digits. Accounts whose own shape says their country
    (CLABE, New Zealand, Brazil, IFSC) are :func:`national_account`'s.

    >>> domestic_account("021000021", "123456789"), domestic_account("00312345", "1234567")
    (('021000021/123456789', '', ''), ('12345-003/1234567', '', ''))
    >>> domestic_account("000312345", "1234567"), domestic_account("081512345", "1234567")
    (('12345-003/1234567', '', ''), ('12345-815/1234567', '', ''))
    >>> domestic_account("601613", "31926819"), domestic_account("062000", "123456")
    (('60-16-13/31926819', '', ''), ('062-000/123456', '', ''))
    >>> domestic_account("7171", "1234567890"), domestic_account("0005-123", "1234567")
    (('7171/1234567890', '', ''), ('0005-123/1234567', '', ''))
    >>> domestic_account("021000022", "123456789")
    ('', 'code', 'routing number 021000022 fails its check digit')
    """
    if not account.isascii() or not account.isdigit():
        return "", "account", f"account number {account!r} is not all digits"
    n = len(account)
    if not code.isascii():
        code = "?"
    if re.fullmatch(r"0\d{8}", code) and (
        code[1] == "0" or (code[1:4] in _CANADIAN_INSTITUTIONS and not rtn.is_valid(code))
    ):
        code = code[1:]  # a Canadian routing number as EFT files write it: 0, institution, transit
    if re.fullmatch(r"\d{9}", code):
        if int(code[:2]) not in _ABA_PREFIXES:
            return "", "code", f"routing number {code}: no US routing number begins with {code[:2]}"
        if not rtn.is_valid(code):
            return "", "code", f"routing number {code} fails its check digit"
        if not 4 <= n <= 17:
            return "", "account", f"account number {account} has {n} digits: a US account number has 4 to 17"
        return f"{code}/{account}", "", ""
    if re.fullmatch(r"\d{5}-\d{3}|\d{8}", code):
        transit, institution = (code[:5], code[6:]) if "-" in code else (code[3:], code[:3])
        if not 7 <= n <= 12:
            return (
                "",
                "account",
                f"account number {account} has {n} digits: a Canadian account number has 7 to 12",
            )
        return f"{transit}-{institution}/{account}", "", ""
    if re.fullmatch(r"\d{2}-\d{2}-\d{2}", code):
        if n != 8:
            return "", "account", f"account number {account} has {n} digits: after a UK sort code, 8"
        return f"{code}/{account}", "", ""
    if re.fullmatch(r"\d{3}-\d{3}", code):
        if not 6 <= n <= 10:
            return "", "account", f"account number {account} has {n} digits: after an Australian BSB, 6 to 10"
        return f"{code}/{account}", "", ""
    if re.fullmatch(r"\d{4}(?:-\d{3})?", code):
        bank = code[:4] + ("-" + code[-3:] if len(code) > 4 else "")
        if len(code) > 4 and n == 7:  # Japan: bank, branch, a seven-digit account
            return f"{bank}/{account}", "", ""
        if 8 <= n <= 14:  # Singapore: the bank (maybe with its branch), the account number
            return f"{bank}/{account}", "", ""
        if len(code) == 4:
            return (
                "",
                "account",
                f"account number {account} has {n} digits: after a Singapore bank code, 8 to 14",
            )
        return (
            "",
            "account",
            f"account number {account} has {n} digits: after a Japanese bank and branch, 7; "
            "after a Singapore bank and branch, 8 to 14",
        )
    if re.fullmatch(r"\d{6}", code):
        if n == 8:
            return f"{code[:2]}-{code[2:4]}-{code[4:]}/{account}", "", ""
        if 6 <= n <= 10:
            return f"{code[:3]}-{code[3:]}/{account}", "", ""
        return (
            "",
            "account",
            (
                f"account number {account} has {n} digits: after a UK sort code, 8; after an Australian BSB, 6 to 10"
            ),
        )
    return (
        "",
        "code",
        (
            f"{code} is not a US routing number (9 digits), a Canadian transit and institution (12345-003), "
            "a UK sort code (60-16-13), an Australian BSB (062-000), a Singapore bank code (7171) "
            "or a Japanese bank and branch (0001-123)"
        ),
    )


def bank_account(raw: str) -> tuple[str, str]:
    """``(stored form, "")`` of an IBAN or a domestic account (:func:`domestic_account`), or ``("", why not)``.

    >>> bank_account("be71 0961 2345 6769"), bank_account("021000021-123456789")
    (('BE71096123456769', ''), ('021000021/123456789', ''))
    >>> bank_account("60-16-13 3192681")
    ('', 'account number 3192681 has 7 digits: after a UK sort code, 8')
    """
    national = national_account(raw)
    if national is not None:
        return national
    if raw[:1].isalpha():
        try:
            return str(IBAN(raw).compact), ""
        except SchwiftyException as exc:
            return "", f"invalid IBAN ({exc})"
    found = _DOMESTIC.fullmatch(raw)
    if found is None:
        return "", f"neither an IBAN nor a domestic account ({_DOMESTIC_SHAPE})"
    stored, _part, reason = domestic_account(found["code"], found["account"])
    return stored, reason


def _accounts(r: _Row) -> list[str]:
    """The row's bank accounts: the ``iban``/``ibans`` list (IBANs and domestic accounts), then the domestic
    account of the ``bank_routing`` and ``bank_account`` columns."""
    column = "iban" if r.row.get("iban") else "ibans"
    accounts = []
    for raw in _account_values(r.row.get(column)):
        stored, reason = bank_account(raw)
        if reason:
            r.fail(column, reason, raw)
        else:
            accounts.append(stored)
    routing, number = _text(r.row, "bank_routing"), _text(r.row, "bank_account")
    if routing or number:
        whole = national_account(number) if number else None  # a CLABE, a New Zealand account: no routing
        # an IFSC; a Brazilian bank and its agência/conta
        if (
            whole is None
            and routing
            and number
            and (
                _IFSC.fullmatch(routing.upper()) or (re.fullmatch(r"\d{3}", routing) and not number.isdigit())
            )
        ):
            whole = national_account(f"{routing}/{number}")
        if whole is not None:
            stored, reason = whole
            part = "account"
        elif not routing:
            r.fail("bank_routing", "required with bank_account")
            return accounts
        elif not number:
            r.fail("bank_account", "required with bank_routing")
            return accounts
        else:
            stored, part, reason = domestic_account(routing, number)
        if reason:
            r.fail(
                "bank_routing" if part == "code" else "bank_account",
                reason,
                routing if part == "code" else number,
            )
        elif stored not in accounts:
            accounts.append(stored)
    return accounts


def import_customers(
    path: Path, *, entity_code: str | None = None, dry_run: bool = False, actor: str = "system",
    progress: Progress | None = None, data: bytes | None = None,
) -> ImportSummary:  # fmt: skip
    source = str(path)
    entities = {e.code: e for e in Entity.objects.all()}
    if not entities:
        raise ImportFailed(source, [RowError(0, "entity", "no entity exists yet: run `encaisse init` first")])
    errors: list[RowError] = []
    parsed: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {}
    seen: dict[tuple[int | None, str], int] = {}
    summary = ImportSummary(source, dry_run=dry_run)
    columns: set[str] = set()
    for line, row in read_rows(path, data):
        summary.rows += 1
        columns.update(row)
        r = _Row(line, row, errors)
        ent = _entity_for(_text(row, "entity") or entity_code, entities, r)
        ext = r.required("id") if "id" in row else r.required("external_id")
        name = r.required("name")
        aliases = _aliases(r, name)
        country = _text(row, "country").upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            r.fail("country", "not an ISO 3166 two-letter code", country)
        ibans = _accounts(r)
        emails = _split_list(row.get("email") or row.get("emails"))
        for e in emails:
            if not _EMAIL.match(e):
                r.fail("email", "not an e-mail address", e)
        language = (_text(row, "language") or "en").lower()
        if not re.fullmatch(r"[a-z]{2}", language):
            r.fail("language", "not a two-letter language code", language)
        terms = _text(row, "payment_terms_days") or "30"
        if not terms.isdigit():
            r.fail("payment_terms_days", "not a whole number of days", terms)
        limit_currency = _text(row, "credit_limit_currency").upper() or (
            ent.functional_currency if ent else "EUR"
        )
        limit = r.amount("credit_limit", limit_currency, required=False)
        if ext:
            first = seen.setdefault((ent.pk if ent else None, ext), line)
            if first != line:
                r.fail("id", f"duplicate customer id in this file (first on line {first})", ext)
                continue
        if ent is None or not ext or not name:
            continue
        key = (ent.pk, ext)
        parsed[key] = (
            line,
            {
                "name": name, "country": country, "vat_number": _text(row, "vat_number").replace(" ", "").upper(),
                "legal_form": _text(row, "legal_form"), "emails": emails, "language": language,
                "payment_terms_days": int(terms) if terms.isdigit() else 30,
                "credit_limit_minor": Money(limit, limit_currency).minor_units() if limit is not None else None,
                "credit_limit_currency": limit_currency if limit is not None else "",
                "ibans": ibans, "aliases": aliases, "segment": _text(row, "segment"),
                "parent_external_id": _text(row, "parent_id") or _text(row, "parent"),
            },
        )  # fmt: skip
        if progress:
            progress(1)
    summary.ignored_columns = _ignored(columns, CUSTOMER_COLUMNS)
    # parents must exist in the file or the ledger
    existing = {
        (c["entity_id"], c["external_id"]): c
        for c in Customer.objects.filter(entity__in=entities.values()).values("id", "entity_id", "external_id", *CUSTOMER_FIELDS[:-1], "parent__external_id")
    }  # fmt: skip
    for (ent_id, _ext), (line, values) in parsed.items():
        parent = values["parent_external_id"]
        if parent and (ent_id, parent) not in parsed and (ent_id, parent) not in existing:
            errors.append(RowError(line, "parent_id", "unknown parent customer", parent))
    if errors:
        raise ImportFailed(source, sorted(errors, key=lambda e: e.line))

    with transaction.atomic():
        new_rows, updates = [], []
        for (ent_id, ext), (_line, values) in parsed.items():
            old = existing.get((ent_id, ext))
            if values["aliases"] is None:  # a file without the column keeps the aliases on file
                values["aliases"] = list(old["aliases"] or []) if old else []
            if old is None:
                new_rows.append((ent_id, ext, values))
                continue
            current = {k: old[k] for k in CUSTOMER_FIELDS[:-1]} | {
                "parent_external_id": old["parent__external_id"] or ""
            }
            if current == values:
                summary.known += 1
            else:
                updates.append(
                    (old["id"], ent_id, values, {k: v for k, v in current.items() if values[k] != v})
                )
        summary.new = len(new_rows)
        summary.updated = len(updates)
        if dry_run:
            return summary
        now = timezone.now()
        Customer.objects.bulk_create(
            [
                Customer(entity_id=ent_id, external_id=ext, created_at=now, **{k: v for k, v in values.items() if k != "parent_external_id"})
                for ent_id, ext, values in new_rows
            ],
            batch_size=2000,
        )  # fmt: skip
        ids = {
            (c.entity_id, c.external_id): c.pk
            for c in Customer.objects.filter(entity__in=entities.values()).only(
                "id", "entity_id", "external_id"
            )
        }
        for cid, _ent_id, values, before in updates:
            Customer.objects.filter(pk=cid).update(
                **{k: v for k, v in values.items() if k != "parent_external_id"}
            )
            audit.record(
                "customer.updated",
                actor=actor,
                object_type="customer",
                object_id=cid,
                data={"before": before},
            )
        parents = [
            (ids[(ent_id, values["parent_external_id"])], ids[(ent_id, ext)])
            for (ent_id, ext), (_l, values) in parsed.items()
            if values["parent_external_id"]
        ]
        if parents:
            with connection.cursor() as cursor:
                cursor.executemany("UPDATE ledger_customer SET parent_id = %s WHERE id = %s", parents)
        audit.record(
            "customers.imported", actor=actor, object_type="file", object_id=_sha256(path, data),
            data={"source": path.name, "new": summary.new, "updated": summary.updated, "known": summary.known},
        )  # fmt: skip
    return summary


def _sha256(path: Path, data: bytes | None) -> str:
    return hashlib.sha256(path.read_bytes() if data is None else data).hexdigest()


# --- invoices -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _InvoiceRow:
    line: int
    entity_id: int
    customer_id: int
    kind: str
    number: str
    series: str
    issue_date: date
    due_date: date
    currency: str
    net: int
    vat: int
    total: int
    rate: Decimal
    net_functional: int
    vat_functional: int
    structured_reference: str
    payment_terms: str
    discount_percent: Decimal | None
    discount_days: int | None
    lines: tuple[tuple[str, Decimal, str, Decimal, int, Decimal, str], ...]
    order_reference: str
    content_hash: str
    open: int  # what is still owed: less than the total when the item was partly settled before the import
    open_as_of: date


def _minor_units(value: Decimal, currency: str) -> int:
    """``Money(value, currency).minor_units()``, without the object (a hot path of imports)."""
    scaled = value.scaleb(minor_unit(currency))
    if scaled != scaled.to_integral_value():
        return Money(value, currency).minor_units()  # raises InvalidAmount, as Money does
    return int(scaled)


def _content_hash(values: Iterable[object]) -> str:
    return hashlib.sha256("\x1f".join(str(v) for v in values).encode()).hexdigest()[:32]


def _invoice_lines(
    r: _Row, raw: Any, currency: str
) -> tuple[tuple[str, Decimal, str, Decimal, int, Decimal, str], ...]:
    if raw in (None, ""):
        return ()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            r.fail("lines", "not a JSON list of lines", raw)
            return ()
    if not isinstance(raw, list):
        r.fail("lines", "lines must be a list")
        return ()
    result = []
    for i, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            r.fail(f"lines[{i}]", "a line must be an object")
            continue
        sub = _Row(r.line, {k: v for k, v in item.items()}, r.errors)
        desc = _text(item, "description") or _text(item, "name")
        qty = sub.amount("quantity", None, required=False) or Decimal(1)
        price = sub.amount("unit_price", None)
        rate = sub.amount("vat_rate", None, required=False) or Decimal(0)
        net = sub.amount("net", currency, required=False)
        if price is None:
            continue
        net_minor = Money(net if net is not None else qty * price, currency).round().minor_units()
        result.append(
            (
                desc or f"line {i}",
                qty,
                _text(item, "unit") or "C62",
                price,
                net_minor,
                rate,
                _text(item, "vat_category") or "S",
            )
        )
    return tuple(result)


def import_invoices(
    path: Path, *, entity_code: str | None = None, dry_run: bool = False, actor: str = "system",
    progress: Progress | None = None, data: bytes | None = None,
) -> ImportSummary:  # fmt: skip
    source = str(path)
    entities = {e.code: e for e in Entity.objects.all()}
    if not entities:
        raise ImportFailed(source, [RowError(0, "entity", "no entity exists yet: run `encaisse init` first")])
    by_id = {e.pk: e for e in entities.values()}
    customers: dict[tuple[int, str], int] = {
        (ent, ext): pk for pk, ent, ext in Customer.objects.values_list("id", "entity_id", "external_id").iterator(chunk_size=50000)
    }  # fmt: skip
    errors: list[RowError] = []
    rows: dict[tuple[int, str], _InvoiceRow] = {}
    summary = ImportSummary(source, dry_run=dry_run)
    columns: set[str] = set()
    for line, row in read_rows(path, data):
        summary.rows += 1
        columns.update(row)
        if progress and summary.rows % 1000 == 0:
            progress(1000)
        r = _Row(line, row, errors)
        before = len(errors)
        ent = _entity_for(_text(row, "entity") or entity_code, entities, r)
        number = r.required("number")
        cust_ext = r.required("customer_id")
        issue = r.date("issue_date")
        due = r.date("due_date")
        currency = r.required("currency").upper()
        if currency and currency not in ISO_CURRENCIES:
            r.fail("currency", "not an ISO 4217 currency code", currency)
            currency = ""
        kind = (
            (_text(row, "kind") or _text(row, "type") or "invoice")
            .lower()
            .replace(" ", "_")
            .replace("-", "_")
        )
        if kind in ("credit", "creditnote", "381"):
            kind = DocumentKind.CREDIT_NOTE
        if kind not in _KINDS:
            r.fail("kind", "must be invoice or credit_note", kind)
        total = r.amount("total", currency)
        net = r.amount("net", currency, required=False)
        vat = r.amount("vat", currency, required=False)
        if total is not None and total < 0:
            r.fail("total", "negative total: issue a credit note instead", total)
        if net is None and vat is not None and total is not None:
            net = total - vat
        if vat is None:
            vat = (total - net) if (total is not None and net is not None) else Decimal(0)
        if net is None:
            net = (total - vat) if total is not None else None
        if total is not None and net is not None and net + vat != total:
            r.fail("total", f"net {net} + vat {vat} ≠ total {total}", total)
        if issue and due and due < issue:
            r.fail("due_date", "due before the issue date", due)
        ref = _text(row, "structured_reference").replace(" ", "")
        if ref:
            if ref.upper().startswith("RF"):
                if not references.is_valid_rf(ref):
                    r.fail("structured_reference", "invalid RF check digits", ref)
                ref = references.compact_rf(ref)
            elif len(ref) == 12 and ref.isascii() and ref.isdigit():
                # twelve bare digits, as files mostly give them: validate_ogm's check, inline
                if ref[10:] != f"{int(ref[:10]) % 97 or 97:02d}":
                    ref = _national_reference(ref, ent, r)
            else:
                try:
                    ref = references.validate_ogm(ref)
                except references.InvalidReference:
                    ref = _national_reference(ref, ent, r)
        rate_raw = _text(row, "rate") or _text(row, "exchange_rate")
        rate = Decimal(1)
        if ent and currency and currency != ent.functional_currency:
            if not rate_raw:
                r.fail("rate", f"an invoice in {currency} needs the rate to {ent.functional_currency}")
            else:
                try:
                    rate = to_decimal(rate_raw)
                    if rate <= 0:
                        raise InvalidAmount
                except InvalidAmount:
                    r.fail("rate", "not a positive number", rate_raw)
        order = _text(row, "order_reference")
        if len(order) > 200:
            r.fail("order_reference", "longer than 200 characters", order[:40])
        disc_pct = r.amount("discount_percent", None, required=False)
        disc_days_raw = _text(row, "discount_days")
        if disc_days_raw and not disc_days_raw.isdigit():
            r.fail("discount_days", "not a whole number of days", disc_days_raw)
        lines = _invoice_lines(r, row.get("lines"), currency or "EUR")
        open_amount = r.amount("open_amount", currency, required=False)
        if open_amount is not None and total is not None:
            if open_amount < 0:
                r.fail("open_amount", "negative: what is still owed is zero or more", open_amount)
            elif open_amount > total:
                r.fail("open_amount", f"more than the total {total}", open_amount)
        open_as_of = r.date("open_as_of", required=False)
        if open_as_of is not None and issue is not None and open_as_of < issue:
            r.fail("open_as_of", f"before the issue date {issue}", open_as_of)
        cust_id = customers.get((ent.pk, cust_ext)) if ent and cust_ext else None
        if ent and cust_ext and cust_id is None:
            r.fail("customer_id", "unknown customer (import customers first)", cust_ext)
        if (
            len(errors) > before
            or ent is None
            or issue is None
            or due is None
            or total is None
            or net is None
        ):
            continue
        key = (ent.pk, number)
        if key in rows:
            r.fail(
                "number", f"duplicate invoice number in this file (first on line {rows[key].line})", number
            )
            continue
        assert cust_id is not None
        net_m = _minor_units(net, currency)
        vat_m = _minor_units(vat, currency)
        if currency == ent.functional_currency:
            net_f, vat_f = net_m, vat_m  # to_functional returns the amount itself
        else:
            net_f = to_functional(Money(net, currency), rate, ent.functional_currency).minor_units()
            vat_f = to_functional(Money(vat, currency), rate, ent.functional_currency).minor_units()
        series = _text(row, "series")
        terms = _text(row, "payment_terms")
        disc_days = int(disc_days_raw) if disc_days_raw.isdigit() else None
        hashed: tuple[object, ...] = (cust_ext, kind, series, issue, due, currency, net_m, vat_m, ref, rate, terms,
                                      disc_pct, disc_days, lines)  # fmt: skip
        if order:  # a file without order references keeps the hashes it had before they were read
            hashed = (*hashed, order)
        open_m = net_m + vat_m if open_amount is None else _minor_units(open_amount, currency)
        if open_m != net_m + vat_m:  # likewise, an item open in full keeps its hash
            hashed = (*hashed, "open", open_m, open_as_of)
        rows[key] = _InvoiceRow(
            line, ent.pk, cust_id, kind, number, series, issue, due, currency, net_m, vat_m, net_m + vat_m, rate,
            net_f, vat_f, ref, terms, disc_pct, disc_days, lines, order, _content_hash(hashed), open_m,
            open_as_of or max(issue, today()),
        )  # fmt: skip
    if errors:
        raise ImportFailed(source, sorted(errors, key=lambda e: e.line))
    summary.ignored_columns = _ignored(columns, INVOICE_COLUMNS)

    with transaction.atomic():
        existing: dict[tuple[int, str], str] = {}
        wanted = defaultdict(list)
        for ent_id, number in rows:
            wanted[ent_id].append(number)
        with connection.cursor() as cursor:
            for ent_id, numbers in wanted.items():
                for i in range(0, len(numbers), 5000):
                    chunk = numbers[i : i + 5000]
                    cursor.execute(
                        f"SELECT number, content_hash FROM ledger_invoice WHERE entity_id = %s "
                        f"AND number IN ({', '.join(['%s'] * len(chunk))})",
                        [ent_id, *chunk],
                    )
                    existing.update(((ent_id, n), h) for n, h in cursor.fetchall())
        new = []
        for key, inv in rows.items():
            old = existing.get(key)
            if old is None:
                new.append(inv)
            elif old == inv.content_hash:
                summary.known += 1
            else:
                summary.changed.append(inv.number)
        summary.new = len(new)
        summary.settled_before = sum(1 for inv in new if inv.open != inv.total)
        if dry_run or not new:
            return summary
        _insert_invoices(new, source_name=path.name)
        refresh_statistics("ledger_invoice", len(new))
        _journal_for(new, by_id)
        _settled_before(new, by_id)
        audit.record(
            "invoices.imported", actor=actor, object_type="file", object_id=_sha256(path, data),
            data={"source": path.name, "new": summary.new, "known": summary.known, "changed": summary.changed[:100],
                  "numbers": [new[0].number, new[-1].number], "settled_before": summary.settled_before},
        )  # fmt: skip
    if progress:
        progress(summary.rows % 1000)
    return summary


_INVOICE_COLUMNS = (
    "entity_id", "customer_id", "kind", "number", "series", "issue_date", "due_date", "currency", "net_minor",
    "vat_minor", "total_minor", "open_minor", "rate_to_functional", "total_functional_minor",
    "structured_reference", "payment_terms", "discount_percent", "discount_days", "written_off", "source",
    "content_hash", "created_at", "order_reference",
)  # fmt: skip


def _ids_of(rows: Sequence[_InvoiceRow]) -> dict[tuple[int, str], int]:
    """The ids of just-inserted items (numbers are unique per entity, not across entities), in chunks."""
    ids: dict[tuple[int, str], int] = {}
    by_entity: dict[int, list[str]] = defaultdict(list)
    for inv in rows:
        by_entity[inv.entity_id].append(inv.number)
    for entity_id, numbers in by_entity.items():
        for i in range(0, len(numbers), 900):
            for number, pk in Invoice.objects.filter(
                entity_id=entity_id, number__in=numbers[i : i + 900]
            ).values_list("number", "id"):
                ids[(entity_id, number)] = pk
    return ids


def _settled_before(new: list[_InvoiceRow], entities: dict[int, Entity]) -> None:
    """Posts what was settled of each item before the import (an opening balance) as an ``opening`` allocation:
    it takes the item down to the open amount the file gives, against the opening-balance clearing account."""
    settled = [inv for inv in new if inv.open != inv.total]
    if not settled:
        return
    ids = _ids_of(settled)
    by_entity: dict[int, list[AllocationRequest]] = defaultdict(list)
    for inv in settled:
        by_entity[inv.entity_id].append(
            AllocationRequest(
                kind=AllocationKind.OPENING, amount_minor=inv.total - inv.open, currency=inv.currency,
                effective_date=inv.open_as_of, invoice_id=ids[(inv.entity_id, inv.number)],
                note="settled before the import (opening balance)",
            )
        )  # fmt: skip
    for entity_id, requests in by_entity.items():
        for i in range(0, len(requests), 50000):
            post_allocations(entities[entity_id], requests[i : i + 50000])


def _insert_invoices(new: list[_InvoiceRow], *, source_name: str) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())  # stored exactly as the ORM stores it
    values = (
        (
            inv.entity_id, inv.customer_id, inv.kind, inv.number, inv.series, inv.issue_date, inv.due_date,
            inv.currency, inv.net, inv.vat, inv.total, inv.total, inv.rate, inv.net_functional + inv.vat_functional,
            inv.structured_reference, inv.payment_terms, inv.discount_percent, inv.discount_days, False,
            f"{source_name}:{inv.line}", inv.content_hash, now, inv.order_reference,
        )
        for inv in new
    )  # fmt: skip
    bulk_insert("ledger_invoice", _INVOICE_COLUMNS, values)
    with_lines = [inv for inv in new if inv.lines]
    if with_lines:
        ids = _ids_of(with_lines)
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(invoice_id=ids[(inv.entity_id, inv.number)], position=pos, description=desc, quantity=qty, unit=unit,
                            unit_price=price, net_minor=net, vat_rate=rate, vat_category=cat)
                for inv in with_lines
                for pos, (desc, qty, unit, price, net, rate, cat) in enumerate(inv.lines, start=1)
            ],
            batch_size=2000,
        )  # fmt: skip


def bulk_insert(
    table: str, columns: tuple[str, ...], rows: Iterable[tuple[Any, ...]], batch: int = 5000
) -> int:
    """Insert many rows fast: COPY on PostgreSQL, executemany in batches elsewhere."""
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg 3 cursor
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def refresh_statistics(table: str, changed: int) -> None:
    """After the transaction commits, ANALYZE a PostgreSQL table that a large write changed.

    The rule is autovacuum's (rows changed since the last ANALYZE ≥ 10 % of the
    table + 50), applied at once instead of at autovacuum's next round (or
    never, where autovacuum is off): reports run right after a large import or
    posting would otherwise be planned on the statistics of a much smaller
    table (nested loops over millions of rows, or new dates outside the
    histograms). Small writes never check. SQLite plans these queries well
    without statistics.
    """
    if connection.vendor != "postgresql" or changed < 1000:
        return

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.reltuples, COALESCE(s.n_mod_since_analyze, 0) FROM pg_class c "
                "LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = %s::regclass",
                [table],
            )
            row = cursor.fetchone()
            if row is not None and (row[0] < 0 or row[1] + changed >= row[0] / 10 + 50):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

    transaction.on_commit(analyze)


def _journal_for(new: list[_InvoiceRow], entities: dict[int, Entity]) -> None:
    """One summary entry per entity, issue date and document kind."""
    sums: dict[tuple[int, date, str], list[int]] = defaultdict(lambda: [0, 0])
    for inv in new:
        s = sums[(inv.entity_id, inv.issue_date, inv.kind)]
        s[0] += inv.net_functional
        s[1] += inv.vat_functional
    entries = []
    for (ent_id, day, kind), (net_f, vat_f) in sorted(sums.items()):
        ent = entities[ent_id]
        cur = ent.functional_currency
        label = "Credit notes" if kind == DocumentKind.CREDIT_NOTE else "Invoices"
        entries.append(
            (
                ent,
                invoice_entry(
                    on=day, functional=cur, net=Money.from_minor(net_f, cur), vat=Money.from_minor(vat_f, cur),
                    description=f"{label} issued on {day.isoformat()}", credit_note=kind == DocumentKind.CREDIT_NOTE,
                ),
                "invoice_import",
                None,
            )
        )  # fmt: skip
    post_entries(entries)
