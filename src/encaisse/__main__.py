"""The ``encaisse`` command: Django's command runner under the project's name.

``encaisse migrate``, ``encaisse import-invoices FILE``, ``encaisse aging``…
Every subcommand is a Django management command of one of the apps; the
project's own commands use dashes (``import-invoices``), as people type them.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "encaisse.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "encaisse"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
