"""Which of a customer's open items add up to a payment: bounded subset sums.

Meet in the middle: the items are split in two halves, every subset sum of
each half is computed with NumPy (2^15 sums for 15 items), one half is sorted,
and each sum of the other half looks its complement up by binary search. Thirty
items take about a millisecond; more are refused (the caller passes the oldest
thirty). Values are integers (minor units) and may be negative (credit notes).

Every solution is counted, so the caller can tell a unique subset from an
ambiguous one; at most ``max_solutions`` are returned.

>>> r = subset_sums([100, 250, 400, 250], 500)
>>> r.count, r.solutions
(2, [(0, 2), (1, 3)])
>>> subset_sums([100, 250, 400], 655, low=645).solutions
[(1, 2)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["SubsetResult", "subset_sums"]

MAX_ITEMS = 30


@dataclass(frozen=True, slots=True)
class SubsetResult:
    """How many non-empty subsets sum into the range, and some of them (index tuples, sorted)."""

    count: int
    solutions: list[tuple[int, ...]] = field(default_factory=list)


def _all_sums(values: Sequence[int]) -> npt.NDArray[np.int64]:
    sums = np.zeros(1, dtype=np.int64)
    for v in values:
        sums = np.concatenate((sums, sums + np.int64(v)))
    return sums


def _bits(mask: int, offset: int) -> list[int]:
    out = []
    i = 0
    while mask:
        if mask & 1:
            out.append(offset + i)
        mask >>= 1
        i += 1
    return out


def _small(values: Sequence[int], low: int, target: int, max_solutions: int) -> SubsetResult:
    """Plain enumeration for a few items (cheaper than NumPy's set-up)."""
    sums: list[tuple[int, tuple[int, ...]]] = [(0, ())]
    for i, v in enumerate(values):
        sums += [(s + v, (*members, i)) for s, members in sums]
    found = sorted((target - s, members) for s, members in sums if members and low <= s <= target)
    return SubsetResult(len(found), [m for _, m in found[:max_solutions]])


def subset_sums(
    values: Sequence[int], target: int, *, low: int | None = None, max_solutions: int = 64
) -> SubsetResult:
    """Non-empty subsets of ``values`` whose sum lies in [``low``, ``target``] (``low`` defaults to ``target``).

    Solutions come closest to ``target`` first, then in index order.
    """
    n = len(values)
    if n > MAX_ITEMS:
        raise ValueError(f"at most {MAX_ITEMS} items, not {n}")
    if n == 0:
        return SubsetResult(0)
    lo_target = target if low is None else low
    positive = sum(v for v in values if v > 0)
    negative = sum(v for v in values if v < 0)
    if positive < lo_target or negative > target:
        return SubsetResult(0)  # out of reach
    if n <= 6:
        return _small(values, lo_target, target, max_solutions)
    half = n // 2
    left = _all_sums(values[:half])
    right = _all_sums(values[half:])
    order = np.argsort(right, kind="stable")
    right_sorted = right[order]
    lo = np.searchsorted(right_sorted, lo_target - left, "left")
    hi = np.searchsorted(right_sorted, target - left, "right")
    counts = hi - lo
    count = int(counts.sum())
    if lo_target <= 0 <= target:
        count -= 1  # the empty subset
    if count <= 0:
        return SubsetResult(0)
    found: list[tuple[int, tuple[int, ...]]] = []
    for a in np.nonzero(counts)[0].tolist():
        for pos in range(int(lo[a]), int(hi[a])):
            b = int(order[pos])
            if a == 0 and b == 0:
                continue
            subset = tuple(_bits(a, 0) + _bits(b, half))
            total = int(left[a]) + int(right[b])
            found.append((target - total, subset))
            if len(found) >= max_solutions * 4:
                break
        if len(found) >= max_solutions * 4:
            break
    found.sort()
    return SubsetResult(count, [s for _, s in found[:max_solutions]])
