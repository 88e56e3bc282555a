"""encaisse portal-user add|list|deactivate: the people of customers who may sign in to the portal.

``encaisse portal-user add EMAIL --customer ENTITY_CODE:EXTERNAL_ID [--customer …] [--name N]
[--language fr] [--password-stdin]`` creates the user (or, when it exists, lets it see the
accounts given too); ``encaisse portal-user list [--format table|json|csv]``;
``encaisse portal-user deactivate EMAIL``.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, no_translations

from encaisse.cli import add_format_argument, emit
from encaisse.ledger.models import Customer
from encaisse.portal import services
from encaisse.portal.models import Language, PortalUser

COLUMNS = ["email", "name", "language", "active", "password", "customers", "last_sign_in_at"]


def _customers(keys: list[str]) -> list[Customer]:
    found, problems = [], []
    for key in keys:
        code, sep, external_id = key.partition(":")
        if not sep or not code or not external_id:
            problems.append(f"--customer {key!r}: expected ENTITY_CODE:EXTERNAL_ID")
            continue
        customer = (
            Customer.objects.select_related("entity")
            .filter(entity__code=code, external_id=external_id)
            .first()
        )
        if customer is None:
            problems.append(f"--customer {key!r}: no customer {external_id!r} in entity {code!r}")
        else:
            found.append(customer)
    if problems:
        raise CommandError("\n".join(problems))
    return found


class Command(BaseCommand):
    help = "Add, list or deactivate customer-portal users."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create a portal user, or give an existing one more accounts")
        add.add_argument("email")
        add.add_argument("--customer", action="append", default=[], metavar="ENTITY_CODE:EXTERNAL_ID",
                         help="an account the user sees (repeat for several)")  # fmt: skip
        add.add_argument("--name", default="")
        add.add_argument("--language", default="en", choices=Language.values)
        add.add_argument(
            "--password-stdin", action="store_true", help="read a password from the first line of stdin"
        )
        listing = sub.add_parser("list", help="the portal users and their accounts")
        add_format_argument(listing)
        off = sub.add_parser("deactivate", help="stop a user from signing in (open sessions end too)")
        off.add_argument("email")

    @no_translations  # the command's messages are English whatever the thread's language
    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except services.PortalError as exc:
            raise CommandError(str(exc)) from exc

    def _add(self, opts: dict[str, Any]) -> None:
        if not opts["customer"]:
            raise CommandError("give at least one --customer ENTITY_CODE:EXTERNAL_ID")
        customers = _customers(opts["customer"])
        password = None
        if opts["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError("--password-stdin: no password on stdin")
        existing = PortalUser.objects.filter(email=services.normalize_email(opts["email"])).first()
        if existing is not None:
            services.grant_customers(existing, customers, actor="cli")
            if password is not None:
                services.set_password(existing, password, actor="cli")
            self.stdout.write(f"{existing.email}: now sees {existing.customers.count()} account(s)")
            return
        user = services.create_portal_user(
            opts["email"],
            customers,
            name=opts["name"],
            language=opts["language"],
            password=password,
            actor="cli",
        )
        self.stdout.write(f"{user.email}: portal user created ({len(customers)} account(s), {user.language})")

    def _list(self, opts: dict[str, Any]) -> None:
        rows = [
            {"email": u.email, "name": u.name, "language": u.language, "active": u.is_active,
             "password": u.has_password,
             "customers": " ".join(f"{c.entity.code}:{c.external_id}" for c in u.customers.all()),
             "last_sign_in_at": u.last_sign_in_at}
            for u in PortalUser.objects.prefetch_related("customers__entity").order_by("email")
        ]  # fmt: skip
        emit(self.stdout, rows, COLUMNS, opts["format"], title="Portal users")  # type: ignore[arg-type]

    def _deactivate(self, opts: dict[str, Any]) -> None:
        user = services.deactivate_portal_user(opts["email"], actor="cli")
        self.stdout.write(f"{user.email}: deactivated")
