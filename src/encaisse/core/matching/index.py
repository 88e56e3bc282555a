"""The book: open items and parties in compact arrays, with the indexes that find candidates.

Built once per run from the entity's open items and parties, the book answers,
each in time independent of the number of items:

- key → items: structured references and every variant of invoice numbers
  (:func:`encaisse.core.invoice_numbers.variants`), and order references;
- one-edit neighbours of a key → items (a deletion neighbourhood index over
  the digits of the numbers and references);
- IBAN → parties (with how often each was seen), name → parties
  (:class:`encaisse.core.names.NameIndex`), party → the customers it pays for;
- customer → its open items in first-in-first-out order, and (customer,
  amount) → items for customers with many items;
- amount → items over the whole book, for exact-amount fallbacks.

Keys are stored as 64-bit hashes in sorted NumPy arrays (for a million invoices,
about 4.7 million keys and 13 million neighbourhood keys take about 300 MB,
where Python strings in dicts would take gigabytes); a lookup is a binary
search. Hashes are Python's own ``hash`` of the key, stable within a process, which
is all a book needs: it is rebuilt for each run. Digit strings of the
neighbourhood index are keyed by their value and length (:func:`digit_key`).

>>> from datetime import date
>>> from decimal import Decimal
>>> from encaisse.core.matching.records import OpenItem, Party
>>> book = Book.build(
...     [OpenItem("i1", "INV-2026-0042", "c1", "EUR", Decimal("100"), Decimal("100"), date(2026, 1, 5), date(2026, 2, 4))],
...     [Party("c1", "Acme SA", ibans=("BE71 0961 2345 6769",))],
... )
>>> [book.number[i] for i, kind in book.lookup_keys(["INV0042"])[0]]
['INV-2026-0042']
>>> book.customers_of_iban("BE71096123456769")
{0: 1}
"""

from __future__ import annotations

import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Final

import numpy as np
import numpy.typing as npt

from encaisse.core.invoice_numbers import VariantKind, deletions, normalise, segments, variant_keys
from encaisse.core.matching.records import ItemKind, OpenItem, Party
from encaisse.core.money import minor_unit
from encaisse.core.names import NameIndex

__all__ = ["AMOUNT_MAP_MIN", "Book", "KeyIndex", "compact_iban", "digit_key", "to_minor"]

_KIND_BITS = 4
_KINDS: Final = tuple(VariantKind)  # by value
_EXACT_DIGITS = 17  # digit strings up to this long are neighbourhood keys as they are
_CHUNK = 1 << 15  # items read at a time while building
AMOUNT_MAP_MIN: Final = 48  # customers with more items than this have a map amount -> items
_NOT_DIGITS: Final = {c: None for c in range(128) if not chr(c).isdigit()}
_DIGIT_RUN: Final = re.compile(r"[0-9]+")


# accounts of other countries in the forms the customer master stores them (ledger.importing.national_account)
# and their statements give them: an IFSC then the account; a New Zealand account; a Brazilian agência and conta
_NATIONAL_KEY: Final = re.compile(
    r"[A-Z]{4}0[A-Z0-9]{6}[/:-](?P<ifsc>[0-9]{4,18})"
    r"|(?P<nz>[0-9]{2}-[0-9]{4}-[0-9]{7}-[0-9]{2,3})"
    r"|(?:[0-9]{3}/)?(?P<agencia>[0-9]{4})(?:-[0-9X])?/(?P<conta>[0-9]{1,12})-(?P<dv>[0-9X])"
)


def compact_iban(value: str) -> str:
    """An account number without spaces, upper case."""
    return "".join(value.split()).upper()


def account_key(value: str) -> str:
    """The key an account is known by: its compact IBAN; for a UK or Irish IBAN, the sort code (NSC) and
    account number it carries, as domestic payments (Faster Payments, BACS) give the payer's account.

    A domestic account as the customer master stores it (``<clearing code>/<account>``) is known by
    its account number when the code is a US routing number (9 digits) or a Canadian transit and
    institution (8 digits), as a bank statement gives only the payer's account number (camt
    ``Othr/Id``, Fedwire ``ORG=/``); by the code and the account number after a sort code or BSB
    (6 digits). A key of digits only is read without the separators and leading zeros that banks
    write or pad account numbers with; zeros alone (a bank's placeholder) are no account.

    >>> account_key("GB29 NWBK 6016 1331 9268 19"), account_key("60-16-13 31926819"), account_key("be71 0961")
    ('60161331926819', '60161331926819', 'BE710961')
    >>> account_key("021000021/123456789"), account_key("000123456789"), account_key("12345-003/0001234567")
    ('123456789', '123456789', '1234567')
    >>> account_key("08-99-99/12345678"), account_key("GB60 NWBK 0899 9912 3456 78"), account_key("062-000/123456")
    ('8999912345678', '8999912345678', '62000123456')
    >>> account_key("0000")
    ''

    The accounts of other countries keep the parts their statements give: an Indian account after its IFSC, and
    a Singapore account after its bank code, are known by the account number; a New Zealand account by its
    sixteen digits (the suffix in three); a Brazilian one by its agência (without its check digit), conta and
    check digit, without the bank; a Japanese one by its bank, branch and account; a Mexican CLABE by its digits.

    >>> account_key("HDFC0001234/050100012345678"), account_key("7171/1234567890"), account_key("123-456789-0")
    ('50100012345678', '1234567890', '1234567890')
    >>> account_key("01-0902-0068389-00"), account_key("0109020068389000"), account_key("0001-123/1234567")
    ('109020068389000', '109020068389000', '11231234567')
    >>> account_key("341/1234-5/12345-6"), account_key("1234/12345-6"), account_key("032180000118359719")
    ('1234123456', '1234123456', '32180000118359719')
    """
    compact = compact_iban(value)
    if compact.isdigit():
        return compact.lstrip("0")
    national = _NATIONAL_KEY.fullmatch(compact)
    if national is not None:
        if national["ifsc"]:
            return national["ifsc"].lstrip("0")
        if national["nz"]:
            parts = national["nz"].split("-")
            return ("".join(parts[:3]) + parts[3].zfill(3)).lstrip("0")
        return (national["agencia"] + national["conta"] + national["dv"]).lstrip("0")
    if len(compact) == 22 and compact[:2] in ("GB", "IE") and compact[8:].isdigit():
        return compact[8:].lstrip("0")
    if compact[:1].isdigit():  # a clearing code, a separator, the account number
        cut = max(compact.rfind("/"), compact.rfind(":"), compact.rfind("-"))
        account = compact[cut + 1 :]
        code = compact[:cut].replace("-", "")
        if cut > 0 and account.isdigit() and code.isdigit() and compact.isascii():
            if len(code) in (8, 9) and len(account) >= 4:
                return account.lstrip("0")
            if compact[cut] == "/" and len(code) in (4, 7) and len(account) >= 8:  # a Singapore bank (branch)
                return account.lstrip("0")
            return (code + account).lstrip("0")
    return compact


def customer_number_key(value: str) -> str | None:
    """The key a customer number is known by: its one run of three digits or more, without leading zeros; none
    for a number with no such run or several.

    >>> customer_number_key("C-000423"), customer_number_key("300237"), customer_number_key("AB-12-34")
    ('423', '300237', None)
    """
    runs = _DIGIT_RUN.findall(value)
    if len(runs) != 1 or len(runs[0]) < 3:
        return None
    return runs[0].lstrip("0") or None


def to_minor(amount: Decimal, currency: str) -> int:
    """Integer minor units of an amount, rounded half up."""
    return int((amount.scaleb(minor_unit(currency))).to_integral_value(rounding=ROUND_HALF_UP))


class KeyIndex:
    """Sorted 64-bit key hashes → packed values, looked up in batches."""

    __slots__ = ("_keys", "_values")

    def __init__(self, keys: array[int], values: array[int]) -> None:
        key_array = np.frombuffer(keys, dtype=np.int64) if len(keys) else np.zeros(0, dtype=np.int64)
        value_array = np.frombuffer(values, dtype=np.int64) if len(values) else np.zeros(0, dtype=np.int64)
        order = np.argsort(key_array, kind="stable")
        self._keys: npt.NDArray[np.int64] = key_array[order]
        self._values: npt.NDArray[np.int64] = value_array[order]

    @classmethod
    def from_sorted(cls, keys: npt.NDArray[np.int64], values: npt.NDArray[np.int64]) -> KeyIndex:
        """An index of arrays already sorted by key (values of one key in their order)."""
        index = cls.__new__(cls)
        index._keys = keys
        index._values = values
        return index

    def __len__(self) -> int:
        return int(self._keys.shape[0])

    @property
    def nbytes(self) -> int:
        return int(self._keys.nbytes + self._values.nbytes)

    def lookup(self, hashes: Sequence[int], *, cap: int = 64) -> list[list[int]]:
        """The values of each hash (at most ``cap`` of one key; more says the key is too common)."""
        keys = self._keys
        if not hashes or not len(keys):
            return [[] for _ in hashes]
        query = np.array(hashes, dtype=np.int64)
        lo = keys.searchsorted(query, "left").tolist()
        hi = keys.searchsorted(query, "right").tolist()
        values = self._values
        out: list[list[int]] = []
        for a, b in zip(lo, hi, strict=True):
            if a == b:
                out.append([])
            elif b - a > cap:
                out.append([-1])  # too common to say anything
            else:
                out.append(values[a:b].tolist())
        return out


def digit_key(value: str) -> int:
    """The key of a digit string in the neighbourhood index.

    Up to 17 digits, the digits themselves and their count (exact, and what
    :func:`_neighbourhood` computes with NumPy); longer or other strings, a
    negative hash that no exact key equals.
    """
    n = len(value)
    if n <= _EXACT_DIGITS and value.isdigit() and value.isascii():
        return int(value) << 5 | n
    if not value:
        return 0
    return hash(value) | -(1 << 63)


def _neighbourhood(sources: list[str], owners: array[int]) -> KeyIndex:
    """Each source digit string and its one-deletion neighbourhood → its owner, once per owner.

    The keys are :func:`digit_key` values, computed for all strings of one
    length at once; the result is sorted by key, then owner.
    """
    by_length: dict[int, list[int]] = defaultdict(list)
    for position, source in enumerate(sources):
        by_length[len(source)].append(position)
    owner_array = np.frombuffer(owners, dtype=np.int32) if len(owners) else np.zeros(0, dtype=np.int32)
    key_parts: list[npt.NDArray[np.int64]] = []
    owner_parts: list[npt.NDArray[np.int32]] = []
    for length, positions in by_length.items():
        who = owner_array[positions]
        if length > _EXACT_DIGITS or length < 2:
            for position in positions:
                source = sources[position]
                found = [digit_key(source), *(digit_key(d) for d in deletions(source))]
                key_parts.append(np.array(found, dtype=np.int64))
                owner_parts.append(np.full(len(found), owners[position], dtype=np.int32))
            continue
        text = "".join(sources[position] for position in positions).encode("ascii")
        digits = (np.frombuffer(text, dtype=np.uint8).reshape(-1, length) - 48).astype(np.int64)
        powers = 10 ** np.arange(length - 1, -1, -1, dtype=np.int64)
        value = digits @ powers
        key_parts.append(value << 5 | length)
        owner_parts.append(who)
        for i in range(length):  # without the digit at i: the i digits before it, then those after it
            tail = np.int64(10 ** (length - 1 - i))
            shorter = value // (tail * 10) * tail + value % tail
            key_parts.append(shorter << 5 | (length - 1))
            owner_parts.append(who)
    if not key_parts:
        return KeyIndex.from_sorted(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    keys = np.concatenate(key_parts)
    del key_parts
    who_all = np.concatenate(owner_parts)
    del owner_parts
    order = np.lexsort((who_all, keys))
    keys = keys[order]
    who_all = who_all[order]
    del order
    if len(keys) > 1:
        first = np.ones(len(keys), dtype=bool)
        first[1:] = (keys[1:] != keys[:-1]) | (who_all[1:] != who_all[:-1])
        keys = keys[first]
        who_all = who_all[first]
    return KeyIndex.from_sorted(keys, who_all.astype(np.int64) << _KIND_BITS)


@dataclass(frozen=True, slots=True)
class BuildStats:
    items: int
    parties: int
    keys: int
    neighbour_keys: int
    index_bytes: int


class Book:
    """Open items and parties in compact form, with their indexes (see the module)."""

    def __init__(self) -> None:
        # items, as parallel arrays
        self.item_id: list[str] = []
        self.number: list[str] = []
        self.currency: list[str] = []
        self.customer = array("i")
        self.total = array("q")
        self.open = array("q")
        self.issue = array("i")
        self.due = array("i")
        self.discount_bp = array("i")  # hundredths of a percent; 0 = none
        self.discount_days = array("i")
        self.reference: list[str | None] = []
        self.is_credit_note = bytearray()
        self.item_of_id: dict[str, int] = {}
        self.number_prefixes: frozenset[str] = frozenset()
        self._prefix_counts: dict[str, int] = {}
        # parties
        self.party_id: list[str] = []
        self.party_name: list[str] = []
        self.party_is_customer = bytearray()
        self.party_of_id: dict[str, int] = {}
        self.pays_for: list[list[int]] = []  # party -> customers it pays for
        self.payers_of: list[list[int]] = []  # customer -> parties paying for it
        self.iban_parties: dict[str, dict[int, int]] = {}
        self.party_of_number: dict[str, list[int]] = {}  # customer number key -> parties
        self.names = NameIndex()
        self.items_of: list[list[int]] = []  # customer -> items, first in first out
        self._amount_maps: dict[int, dict[int, list[int]]] = {}
        self.keys: KeyIndex = KeyIndex(array("q"), array("q"))
        self.neighbours: KeyIndex = KeyIndex(array("q"), array("q"))
        self._amount_keys: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self._amount_items: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.stats = BuildStats(0, 0, 0, 0, 0)
        self._pending_parties: list[Party] = []
        self._digits: dict[int, str] = {}

    # --- building ---------------------------------------------------------------

    @classmethod
    def build(cls, items: Iterable[OpenItem], parties: Iterable[Party]) -> Book:
        """A book of ``items`` (any iterable, read once) and ``parties``."""
        book = cls()
        for party in parties:
            book._add_party(party)
        for party_index, party in enumerate(list(book._pending_parties)):
            book._link_party(party_index, party)
        book._pending_parties = []
        hashes = array("q")
        values = array("q")
        sources: list[str] = []
        owners = array("i")
        minor: dict[tuple[Decimal, str], int] = {}
        stream = iter(items)
        while chunk := list(islice(stream, _CHUNK)):
            book._add_items(chunk, hashes, values, sources, owners, minor)
        del minor
        counts = book._prefix_counts
        book.number_prefixes = frozenset(
            p for p, n in counts.items() if n * 100 >= len(book.item_id) or n >= 1000
        )
        book.keys = KeyIndex(hashes, values)
        del hashes, values
        book.neighbours = _neighbourhood(sources, owners)
        del sources, owners
        for customer_items in book.items_of:
            customer_items.sort(key=book.fifo_key)
        amounts = np.frombuffer(book.open, dtype=np.int64) if len(book.open) else np.zeros(0, dtype=np.int64)
        order = np.argsort(amounts, kind="stable")
        book._amount_keys = amounts[order].copy()
        book._amount_items = order.astype(np.int64)
        book.stats = BuildStats(
            items=len(book.item_id),
            parties=len(book.party_id),
            keys=len(book.keys),
            neighbour_keys=len(book.neighbours),
            index_bytes=book.keys.nbytes + book.neighbours.nbytes + int(book._amount_keys.nbytes) * 2,
        )
        return book

    def _add_party(self, party: Party) -> int:
        if party.id in self.party_of_id:
            raise ValueError(f"party {party.id!r} given twice")
        index = len(self.party_id)
        self.party_of_id[party.id] = index
        self.party_id.append(party.id)
        self.party_name.append(party.name)
        self.party_is_customer.append(1 if party.is_customer else 0)
        self.pays_for.append([])
        self.payers_of.append([])
        self.items_of.append([])
        self._pending_parties.append(party)
        for name in (party.name, *party.aliases):
            self.names.add(index, name)
        for iban in party.ibans:
            self.add_iban(iban, index, 1)
        for number in party.numbers:
            key = customer_number_key(number)
            if key is not None:
                self.party_of_number.setdefault(key, []).append(index)
        return index

    def _link_party(self, index: int, party: Party) -> None:
        if party.is_customer:
            self.pays_for[index].append(index)
        for payer_id in (*party.paid_by, *((party.factor_id,) if party.factor_id else ())):
            payer = self.party_of_id.get(payer_id)
            if payer is None:
                payer = self._placeholder_party(payer_id, is_customer=False)
            if index not in self.pays_for[payer]:
                self.pays_for[payer].append(index)
                self.payers_of[index].append(payer)

    def _placeholder_party(self, party_id: str, *, is_customer: bool) -> int:
        index = len(self.party_id)
        self.party_of_id[party_id] = index
        self.party_id.append(party_id)
        self.party_name.append("")
        self.party_is_customer.append(1 if is_customer else 0)
        self.pays_for.append([index] if is_customer else [])
        self.payers_of.append([])
        self.items_of.append([])
        return index

    def add_iban(self, iban: str, party: int, count: int = 1) -> None:
        """Record that ``party`` paid from ``iban`` (``count`` more times)."""
        key = account_key(iban)
        if not key:
            return
        seen = self.iban_parties.setdefault(key, {})
        seen[party] = seen.get(party, 0) + count

    def add_name(self, party: int, name: str) -> None:
        """Another name ``party`` pays under."""
        self.names.add(party, name)

    def _add_items(
        self,
        items: list[OpenItem],
        hashes: array[int],
        values: array[int],
        sources: list[str],
        owners: array[int],
        minor: dict[tuple[Decimal, str], int],
    ) -> None:
        """Append ``items`` column by column, with their keys (hashes and packed values) and digit strings."""
        base = len(self.item_id)
        item_of_id = self.item_of_id
        for offset, item in enumerate(items):
            if item.id in item_of_id:
                raise ValueError(f"open item {item.id!r} given twice")
            item_of_id[item.id] = base + offset
        party_of_id = self.party_of_id
        customers: list[int] = []
        for item in items:
            customer = party_of_id.get(item.customer_id)
            if customer is None:
                customer = self._placeholder_party(item.customer_id, is_customer=True)
            customers.append(customer)
        self.item_id.extend([item.id for item in items])
        self.number.extend([item.number for item in items])
        self.currency.extend([item.currency for item in items])
        self.customer.extend(customers)
        for column, attribute in ((self.total, "total"), (self.open, "open_amount")):
            units: list[int] = []
            for item in items:
                key = (getattr(item, attribute), item.currency)
                found = minor.get(key)
                if found is None:
                    found = minor[key] = to_minor(*key)
                units.append(found)
            column.extend(units)
        self.issue.extend([item.issue_date.toordinal() for item in items])
        self.due.extend([item.due_date.toordinal() for item in items])
        for item in items:
            if item.discount_percent and item.discount_days is not None:
                self.discount_bp.append(int(item.discount_percent * 100))
                self.discount_days.append(item.discount_days)
            else:
                self.discount_bp.append(0)
                self.discount_days.append(0)
        credit_note = ItemKind.CREDIT_NOTE
        self.is_credit_note.extend([1 if item.kind == credit_note else 0 for item in items])
        items_of = self.items_of
        for offset, customer in enumerate(customers):
            items_of[customer].append(base + offset)

        prefix_counts = self._prefix_counts
        references = self.reference
        full, reference_kind, order_kind = VariantKind.FULL, VariantKind.REFERENCE, VariantKind.ORDER
        for offset, item in enumerate(items):
            index = base + offset
            segs = segments(item.number)
            # the letters a number begins with, and its words of three letters or more: "SINV" of
            # "ACC-SINV-2026-00586" is no word ending in the "INV" of "INV/2026/00586" (not the series letter
            # of "FT 2026A/46": "FATURA" does not end in it)
            for n, word in enumerate(segs):
                if word.isalpha() and (n == 0 or len(word) >= 3):
                    prefix_counts[word] = prefix_counts.get(word, 0) + 1
            keys = variant_keys(segs)
            reference = normalise(item.structured_reference) if item.structured_reference else None
            references.append(reference)
            digits = "".join([s for s in segs if s.isdigit()])
            if len(digits) >= 5:
                sources.append(digits)
                owners.append(index)
            if reference:
                if reference not in keys:
                    keys[reference] = reference_kind
                if reference.startswith("RF") and len(reference) > 4:
                    body = reference[4:]
                    if body not in keys:
                        keys[body] = full  # the body typed without "RFnn"
                elif reference.isdigit():
                    if len(reference) == 12:
                        sources.append(reference)
                        owners.append(index)
                    # a national reference with or without its leading zeros (a Finnish reference padded to
                    # 20 digits by the payer's bank, a Swiss one typed without its zeros)
                    short = reference.lstrip("0")
                    if short != reference and len(short) >= 4 and len(reference) != 12 and short not in keys:
                        keys[short] = reference_kind
            if item.order_reference:
                order = normalise(item.order_reference)
                if len(order) >= 4 and order not in keys:
                    keys[order] = order_kind
            packed = index << _KIND_BITS
            hashes.extend(map(hash, keys))
            values.extend([packed | kind for kind in keys.values()])

    # --- queries ------------------------------------------------------------------

    def fifo_key(self, item: int) -> tuple[int, int, str]:
        """Oldest due date first, then oldest issue date, then the lowest number."""
        return (self.due[item], self.issue[item], self.number[item])

    def lookup_keys(self, keys: Sequence[str], *, cap: int = 64) -> list[list[tuple[int, VariantKind]]]:
        """For each key, the items indexed under it with how (none when more than ``cap``)."""
        raw = self.keys.lookup([hash(k) for k in keys], cap=cap)
        kinds = _KINDS
        return [[(v >> _KIND_BITS, kinds[v & 15]) for v in hits if v >= 0] for hits in raw]

    def lookup_neighbours(self, keys: Sequence[str], *, cap: int = 64) -> list[list[int]]:
        """For each key (a digit string), items whose digits share it or a one-deletion of it."""
        raw = self.neighbours.lookup([digit_key(k) for k in keys], cap=cap)
        return [[v >> _KIND_BITS for v in hits if v >= 0] for hits in raw]

    def digits_of(self, item: int) -> str:
        """The digits of an item's number, in order (cached)."""
        found = self._digits.get(item)
        if found is None:
            number = self.number[item]
            if number.isascii():
                found = number.translate(_NOT_DIGITS)
            else:
                found = "".join(ch for ch in number if ch.isdigit())
            self._digits[item] = found
        return found

    def customers_of_iban(self, iban: str) -> dict[int, int]:
        """Parties seen paying from an account, with how often."""
        return self.iban_parties.get(account_key(iban), {})

    def items_with_amount(self, customer: int, amount: int, currency: str) -> list[int]:
        """The customer's items whose open amount is exactly ``amount``, first in first out."""
        items = self.items_of[customer]
        if len(items) <= AMOUNT_MAP_MIN:
            return [i for i in items if self.open[i] == amount and self.currency[i] == currency]
        amount_map = self._amount_maps.get(customer)
        if amount_map is None:
            amount_map = defaultdict(list)
            for i in items:
                amount_map[self.open[i]].append(i)
            self._amount_maps[customer] = amount_map
        return [i for i in amount_map.get(amount, ()) if self.currency[i] == currency]

    def items_with_amount_anywhere(self, amount: int, currency: str, *, cap: int = 20) -> list[int]:
        """Items of any customer whose (initial) open amount is ``amount`` and still is."""
        lo = int(np.searchsorted(self._amount_keys, amount, "left"))
        hi = int(np.searchsorted(self._amount_keys, amount, "right"))
        if hi - lo > cap:
            return []
        return [
            i
            for i in self._amount_items[lo:hi].tolist()
            if self.open[i] == amount and self.currency[i] == currency
        ]

    def set_open(self, item: int, amount: int) -> None:
        """Change an item's open amount (keeps the per-customer amount map in step)."""
        old = self.open[item]
        if old == amount:
            return
        self.open[item] = amount
        amount_map = self._amount_maps.get(self.customer[item])
        if amount_map is not None:
            bucket = amount_map.get(old)
            if bucket and item in bucket:
                bucket.remove(item)
            bucket = amount_map.setdefault(amount, [])
            bucket.append(item)
            # as a new map would have it: first in first out, equal ones in the book's order
            bucket.sort(key=lambda i: (self.fifo_key(i), i))

    def discount(self, item: int, paid_on: date) -> int:
        """The early-payment discount (minor units) the item allows when paid on ``paid_on``; 0 if none."""
        bp = self.discount_bp[item]
        if not bp or paid_on.toordinal() > self.issue[item] + self.discount_days[item]:
            return 0
        return int((Decimal(self.total[item]) * bp / 10000).to_integral_value(rounding=ROUND_HALF_UP))

    def discount_terms(self, item: int) -> tuple[int, int]:
        """(hundredths of a percent, days), (0, 0) when none."""
        return self.discount_bp[item], self.discount_days[item]

    def amount(self, minor: int, currency: str) -> Decimal:
        return Decimal(minor).scaleb(-minor_unit(currency))
