"""Learning from people's decisions: aliases, reference habits, and a learned score.

**Aliases.** When a person confirms that a payment came from a customer, the
payer's account and the name it came under are that customer's from then on,
and the engine uses them as it uses master data. How a customer usually pays
(without any reference, with its own order numbers, with invoice numbers) is
a *habit*, and the engine weighs a missing reference less for a customer who
never gives one. :class:`AliasStore` is the interface the engine reads;
:class:`MemoryAliasStore` keeps them in memory and as plain records (the
Django app persists those records).

**A learned score.** The candidates the engine weighed for confirmed
transactions, labelled right or wrong, train a scikit-learn classifier
(:func:`train`) on the engine's features (:data:`~encaisse.core.matching.scoring.FEATURES`).
The result is a :class:`ModelBlob`: a versioned header (format version, the
feature list, the algorithm, a SHA-256 of the payload) and the pickled model.
:func:`load` refuses a blob of another version or feature list and gives a
:class:`LearnedScorer` for the engine. Without a model the engine uses the
rule-based score.

A blob is pickle: load only blobs this system produced and stored itself.

>>> store = MemoryAliasStore()
>>> store.record_account("BE71 0961 2345 6769", "c1")
>>> store.record_name("ACME INTL", "c1")
>>> store.record_payment("c1", referenced=False)
>>> list(store.account_aliases()), list(store.name_aliases())
([('BE71096123456769', 'c1', 1)], [('ACME INTL', 'c1')])
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import pickle
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Protocol

from encaisse.core.matching.records import CandidateFeatures
from encaisse.core.matching.scoring import FEATURES, rule_logit

__all__ = [
    "AliasStore",
    "LearnedScorer",
    "MemoryAliasStore",
    "ModelBlob",
    "ModelError",
    "TrainingExample",
    "envelope",
    "examples_from",
    "load",
    "train",
]

MODEL_FORMAT: Final = 1
_MAGIC: Final = b"ENCAISSE-MATCH-MODEL\n"


class AliasStore(Protocol):
    """What people confirmed, as the engine reads it."""

    def account_aliases(self) -> Iterable[tuple[str, str, int]]:
        """(account, customer id, times confirmed)."""
        ...

    def name_aliases(self) -> Iterable[tuple[str, str]]:
        """(a name the customer pays under, customer id)."""
        ...

    def habits(self) -> Iterable[tuple[str, str]]:
        """(customer id, habit): ``no_reference``, ``order_reference``, ``invoice_number``."""
        ...


class MemoryAliasStore:
    """Aliases and habits in memory (see the module)."""

    def __init__(self, *, habit_min_payments: int = 3, habit_share: float = 0.8) -> None:
        self._accounts: dict[tuple[str, str], int] = defaultdict(int)
        self._names: dict[tuple[str, str], None] = {}
        self._payments: dict[str, list[int]] = defaultdict(
            lambda: [0, 0, 0]
        )  # total, unreferenced, by order ref
        self._habit_min = habit_min_payments
        self._habit_share = habit_share

    def record_account(self, account: str, customer_id: str, count: int = 1) -> None:
        key = "".join(account.split()).upper()
        if key:
            self._accounts[(key, customer_id)] += count

    def record_name(self, name: str, customer_id: str) -> None:
        if name.strip():
            self._names[(name.strip(), customer_id)] = None

    def record_payment(self, customer_id: str, *, referenced: bool, by_order_reference: bool = False) -> None:
        counts = self._payments[customer_id]
        counts[0] += 1
        if not referenced:
            counts[1] += 1
        if by_order_reference:
            counts[2] += 1

    def record_payments(self, customer_id: str, *, total: int, unreferenced: int, by_order: int = 0) -> None:
        """Counts of a customer's confirmed payments at once (as kept in the database)."""
        counts = self._payments[customer_id]
        counts[0] += total
        counts[1] += unreferenced
        counts[2] += by_order

    def account_aliases(self) -> Iterable[tuple[str, str, int]]:
        return [(account, customer, n) for (account, customer), n in self._accounts.items()]

    def to_records(self) -> list[tuple[str, str, str, int]]:
        """Everything as plain rows (kind, key, customer id, count) for storage."""
        rows = [("account", account, customer, n) for (account, customer), n in self._accounts.items()]
        rows += [("name", name, customer, 1) for name, customer in self._names]
        for customer, (total, unreferenced, by_order) in self._payments.items():
            rows += [
                ("payments", "all", customer, total),
                ("payments", "unreferenced", customer, unreferenced),
                ("payments", "order_reference", customer, by_order),
            ]
        return rows

    @classmethod
    def from_records(cls, rows: Iterable[tuple[str, str, str, int]]) -> MemoryAliasStore:
        """A store from :meth:`to_records` rows.

        >>> store = MemoryAliasStore()
        >>> store.record_account("BE71096123456769", "c1")
        >>> MemoryAliasStore.from_records(store.to_records()).to_records() == store.to_records()
        True
        """
        store = cls()
        slot = {"all": 0, "unreferenced": 1, "order_reference": 2}
        for kind, key, customer, count in rows:
            if kind == "account":
                store.record_account(key, customer, count)
            elif kind == "name":
                store.record_name(key, customer)
            elif kind == "payments":
                store._payments[customer][slot[key]] += count
            else:
                raise ValueError(f"unknown alias record kind {kind!r}")
        return store

    def name_aliases(self) -> Iterable[tuple[str, str]]:
        return list(self._names)

    def habits(self) -> Iterable[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for customer, (total, unreferenced, by_order) in self._payments.items():
            if total < self._habit_min:
                continue
            if unreferenced / total >= self._habit_share:
                out.append((customer, "no_reference"))
            elif by_order / total >= self._habit_share:
                out.append((customer, "order_reference"))
            elif (total - unreferenced) / total >= self._habit_share:
                out.append((customer, "invoice_number"))
        return out


# --- the learned score ---------------------------------------------------------------------


class ModelError(ValueError):
    """A model blob that is damaged or of another version or feature list."""


@dataclass(frozen=True, slots=True)
class TrainingExample:
    """A candidate allocation's features and whether a person confirmed it."""

    features: tuple[float, ...]
    label: bool


@dataclass(frozen=True, slots=True)
class ModelBlob:
    """A serialised model: header line (JSON) + pickled estimator."""

    data: bytes

    @property
    def header(self) -> dict[str, object]:
        header, _ = _split(self.data)
        return header


def envelope(rows: Iterable[tuple[str, str, Decimal]]) -> tuple[object, ...]:
    """What must agree for a whole payment to be right: the invoice rows, Σ deductions, Σ on account.

    >>> envelope([("invoice", "A", Decimal("100")), ("deduction", "A", Decimal("-2.00"))])
    ((('A', Decimal('100')),), Decimal('-2.00'), Decimal('0'), False)
    """
    invoices: list[tuple[str, Decimal]] = []
    deductions = Decimal(0)
    on_account = Decimal(0)
    unrelated = False
    for kind, number, amount in rows:
        if kind == "invoice":
            invoices.append((number, amount))
        elif kind == "deduction":
            deductions += amount
        elif kind == "on_account":
            on_account += amount
        elif kind == "unrelated":
            unrelated = True
    return (tuple(sorted(invoices)), deductions, on_account, unrelated)


def examples_from(
    candidates: Sequence[CandidateFeatures], confirmed: Iterable[tuple[str, str, Decimal]]
) -> list[TrainingExample]:
    """Label a transaction's candidates against the rows a person confirmed."""
    truth = envelope(confirmed)
    return [TrainingExample(c.features, envelope(c.rows) == truth) for c in candidates]


def train(examples: Iterable[TrainingExample], *, algorithm: str = "gradient_boosting") -> ModelBlob:
    """Fit a classifier on labelled candidates; ``algorithm``: ``gradient_boosting`` or ``logistic``.

    The rule-based log-odds is given to the model as one more input, so that
    it learns corrections to the rules rather than starting from nothing.
    """
    import numpy as np  # imported here: scikit-learn is only needed to train or load
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    rows = list(examples)
    if not rows:
        raise ValueError("no training examples")
    labels = np.array([1 if e.label else 0 for e in rows], dtype=np.int64)
    if labels.min() == labels.max():
        raise ValueError("training needs both confirmed and rejected candidates")
    x = np.array([_inputs(e.features) for e in rows], dtype=np.float64)
    model: object
    if algorithm == "gradient_boosting":
        model = HistGradientBoostingClassifier(
            max_iter=200, learning_rate=0.1, max_leaf_nodes=31, random_state=0
        )
    elif algorithm == "logistic":
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=1.0))
    else:
        raise ValueError(f"unknown algorithm {algorithm!r}")
    model.fit(x, labels)  # type: ignore[attr-defined]
    payload = pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
    import sklearn

    header = {
        "format": MODEL_FORMAT,
        "features": list(FEATURES),
        "algorithm": algorithm,
        "sklearn": sklearn.__version__,
        "examples": len(rows),
        "positives": int(labels.sum()),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    return ModelBlob(_MAGIC + json.dumps(header, sort_keys=True).encode() + b"\n" + payload)


def _inputs(features: Sequence[float]) -> list[float]:
    return [*features, rule_logit(features)]


def _split(data: bytes) -> tuple[dict[str, object], bytes]:
    if not data.startswith(_MAGIC):
        raise ModelError("not a matching model")
    stream = io.BytesIO(data[len(_MAGIC) :])
    line = stream.readline()
    try:
        header = json.loads(line)
    except ValueError:
        raise ModelError("damaged model header") from None
    if not isinstance(header, dict):
        raise ModelError("damaged model header")
    return header, stream.read()


class LearnedScorer:
    """A trained model as the engine's scorer: log-odds from predicted probabilities.

    ``weight`` blends it with the rules: 1.0 is the model alone, 0.5 the mean
    of the two log-odds.
    """

    name = "learned"

    def __init__(self, model: object, header: dict[str, object], *, weight: float = 1.0) -> None:
        self._model = model
        self.header = header
        self.weight = weight

    def logits(self, features: Sequence[Sequence[float]]) -> list[float]:
        import numpy as np

        if not features:
            return []
        x = np.array([_inputs(f) for f in features], dtype=np.float64)
        probabilities = self._model.predict_proba(x)[:, 1]  # type: ignore[attr-defined]
        out = []
        for f, p in zip(features, probabilities.tolist(), strict=True):
            p = min(max(float(p), 1e-4), 1.0 - 1e-4)
            learned = math.log(p / (1.0 - p))
            out.append(self.weight * learned + (1.0 - self.weight) * rule_logit(f))
        return out


def load(blob: ModelBlob | bytes, *, weight: float = 1.0) -> LearnedScorer:
    """The scorer of a blob :func:`train` made; :class:`ModelError` when it does not fit this engine."""
    data = blob.data if isinstance(blob, ModelBlob) else blob
    header, payload = _split(data)
    if header.get("format") != MODEL_FORMAT:
        raise ModelError(f"model format {header.get('format')!r}, this engine reads {MODEL_FORMAT}")
    if header.get("features") != list(FEATURES):
        raise ModelError("the model was trained on other features: train it again")
    if header.get("sha256") != hashlib.sha256(payload).hexdigest():
        raise ModelError("damaged model payload")
    model = pickle.loads(payload)  # noqa: S301 - our own blob, checked against its header's digest
    return LearnedScorer(model, header, weight=weight)
