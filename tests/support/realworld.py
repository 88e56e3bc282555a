"""Where the shared real-world sample files are, for parametrised conformance tests.

The files live in ``../shared/realworld/`` beside the checkout (or where
``ENCAISSE_REALWORLD`` points). When they are absent the conformance tests skip
with that reason; ``ENCAISSE_REQUIRE_REALWORLD=1`` (set by ``.ci/run``) turns
their absence into an error instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REALWORLD = Path(
    os.environ.get("ENCAISSE_REALWORLD", Path(__file__).resolve().parents[3] / "shared" / "realworld")
)
REQUIRED = os.environ.get("ENCAISSE_REQUIRE_REALWORLD") == "1"


def realworld_files(folder: str, *patterns: str) -> list[Path]:
    """The sample files of a folder matching any pattern, sorted; [] when absent."""
    base = REALWORLD / folder
    if not base.is_dir():
        if REQUIRED:
            raise RuntimeError(f"real-world samples required but missing: {base}")
        return []
    found: set[Path] = set()
    for pattern in patterns or ("*",):
        found.update(p for p in base.glob(pattern) if p.is_file())
    return sorted(found)


def require(folder: str, *patterns: str) -> list[Path]:
    """The matching files for a test that needs them; the test is skipped, with the reason, when absent.

    Under ``ENCAISSE_REQUIRE_REALWORLD=1`` (CI) an absent folder is an error instead.
    """
    files = realworld_files(folder, *patterns)
    if not files:
        if REQUIRED:  # the folder is there but not the files named: a renamed or lost sample
            raise RuntimeError(f"real-world samples required but missing: {REALWORLD / folder} {patterns}")
        pytest.skip(f"no real-world samples at {REALWORLD / folder}")
    return files


def params(folder: str, *patterns: str) -> list[object]:
    """pytest params of the matching files, ids by file name, or one skip marker when absent.

    Under ``ENCAISSE_REQUIRE_REALWORLD=1`` no file matching is an error, as in :func:`require`.
    """
    files = realworld_files(folder, *patterns)
    if not files:
        if REQUIRED:  # the folder is there but not the files named: a renamed or lost sample
            raise RuntimeError(f"real-world samples required but missing: {REALWORLD / folder} {patterns}")
        return [
            pytest.param(
                None, marks=pytest.mark.skip(reason=f"no real-world samples at {REALWORLD / folder}")
            )
        ]
    return [pytest.param(p, id=p.name) for p in files]
