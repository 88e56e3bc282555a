"""The one seam for "today": ``ENCAISSE_TODAY`` (YYYY-MM-DD) fixes it for demos and tests."""

from __future__ import annotations

import os
from datetime import date

from django.utils import timezone


def today() -> date:
    fixed = os.environ.get("ENCAISSE_TODAY")
    return date.fromisoformat(fixed) if fixed else timezone.localdate()
