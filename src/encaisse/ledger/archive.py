"""The archive: files stored content-addressed (SHA-256), write-once.

Every imported file (bank statements, e-invoices) and every issued document
is kept unaltered under its hash, in a directory by default
(``ENCAISSE_HOME/archive/ab/cd/abcd…``). Writing is atomic (a temporary file
renamed into place) and never replaces an existing file; :meth:`verify`
re-hashes a file to detect damage.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


class ArchiveError(Exception):
    """A missing or damaged archived file."""


class ArchiveStore:
    def __init__(self, root: Path | None = None) -> None:
        self.root = Path(root or Path(settings.HOME) / "archive")

    def path_for(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ArchiveError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o444)
            os.replace(tmp, target) if not target.exists() else os.unlink(tmp)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        path = self.path_for(sha256)
        if not path.exists():
            raise ArchiveError(f"archived file {sha256} is missing")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ArchiveError(f"archived file {sha256} is damaged (its content no longer matches its hash)")
        return data

    def verify(self, sha256: str) -> str | None:
        """None when intact, else what is wrong."""
        try:
            self.get(sha256)
        except ArchiveError as exc:
            return str(exc)
        return None

    def remove(self, sha256: str) -> bool:
        """Delete a file whose retention is over (the caller checks that); False when absent."""
        path = self.path_for(sha256)
        if not path.exists():
            return False
        path.unlink()
        return True
