"""Failure points: named places where a test can stop a process, to prove that it recovers.

``ENCAISSE_FAILPOINTS="email.after_accept=3"`` makes the process stop the third
time it passes ``email.after_accept``: it writes ``failpoint email.after_accept
reached`` on standard error and sleeps until it is killed. The crash tests kill
it there (SIGKILL) and check what reconciliation makes of the state left
behind. Without the variable a failure point costs one dictionary look-up.

>>> _parse("email.after_accept=3, email.before_prepare=1")
{'email.after_accept': 3, 'email.before_prepare': 1}
"""

from __future__ import annotations

import os
import sys
import time
from functools import lru_cache

_passes: dict[str, int] = {}


@lru_cache(maxsize=4)
def _parse(spec: str) -> dict[str, int]:
    points = {}
    for item in spec.split(","):
        name, _, count = item.strip().partition("=")
        if name:
            points[name] = int(count or "1")
    return points


def failpoint(name: str) -> None:
    """Stop here (forever) on the configured pass; do nothing otherwise."""
    points = _parse(os.environ.get("ENCAISSE_FAILPOINTS", ""))
    if name not in points:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] == points[name]:
        sys.stderr.write(f"failpoint {name} reached\n")
        sys.stderr.flush()
        while True:
            time.sleep(3600)
