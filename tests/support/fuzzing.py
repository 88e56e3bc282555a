"""Byte-level mutations of real files, for the parsers' fuzz tests.

Each parser test draws a sample and mutates it a few times: a byte flipped,
a run deleted, bytes or a format's own syntax tokens inserted, the tail cut.
The parsers must then raise only their own error, with a location.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st


def mutate(
    draw: st.DrawFn,
    sample: bytes,
    *,
    tokens: Sequence[bytes] = (),
    max_delete: int = 40,
    max_insert: int = 8,
    digits: bool = False,
) -> bytes:
    """``sample`` after 1 to 5 random edits; ``tokens`` are inserted as often as random bytes."""
    data = bytearray(sample)
    actions = ["flip", "delete", "insert", "truncate", *(["digit"] if digits else [])]
    inserts = st.binary(min_size=1, max_size=max_insert)
    if tokens:
        inserts = inserts | st.sampled_from(list(tokens))
    for _ in range(draw(st.integers(1, 5))):
        if not data:
            break
        pos = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(actions))
        if action == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif action == "digit":
            data[pos] = draw(st.sampled_from(b"0123456789 "))
        elif action == "delete":
            del data[pos : pos + draw(st.integers(1, max_delete))]
        elif action == "insert":
            data[pos:pos] = draw(inserts)
        else:
            del data[pos:]
    return bytes(data)
