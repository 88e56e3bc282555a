"""encaisse api-token create|list|revoke: API tokens, made and revoked by an administrator.

    encaisse api-token create --user alice --entity be [--entity fr] [--write] --name "ERP"
    encaisse api-token list [--all]
    encaisse api-token revoke PREFIX

``create`` prints the token once; only its SHA-256 is kept.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from encaisse.api.models import ApiToken
from encaisse.api.tokens import TokenError, create_token, revoke_token


class Command(BaseCommand):
    help = "Create, list and revoke REST API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token and print it once")
        create.add_argument("--user", required=True, help="the user the token acts as")
        create.add_argument(
            "--entity", action="append", required=True, help="an entity code (repeat for more)"
        )
        create.add_argument("--write", action="store_true", help="allow writes (POST); read-only without it")
        create.add_argument("--name", required=True, help="what the token is for")
        listing = sub.add_parser("list", help="list tokens (prefix, user, scope, last use)")
        listing.add_argument("--all", action="store_true", help="include revoked tokens")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["action"] == "create":
                token, clear = create_token(opts["user"], opts["entity"], name=opts["name"], write=opts["write"],
                                            actor="cli")  # fmt: skip
                self.stdout.write(clear)
                self.stderr.write(
                    f"token {token.prefix} for {token.user.get_username()} "
                    f"({'read and write' if token.can_write else 'read-only'}, entities "
                    f"{', '.join(opts['entity'])}): store it now, it is not shown again"
                )
            elif opts["action"] == "list":
                self._list(opts["all"])
            else:
                token = revoke_token(opts["prefix"], actor="cli")
                self.stdout.write(f"token {token.prefix} ({token.name}) revoked")
        except TokenError as exc:
            raise CommandError(str(exc)) from None

    def _list(self, everything: bool) -> None:
        qs = ApiToken.objects.select_related("user").prefetch_related("entities").order_by("created_at")
        if not everything:
            qs = qs.filter(revoked_at__isnull=True)
        for t in qs:
            codes = ",".join(sorted(e.code for e in t.entities.all()))
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            state = (
                f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else ("write" if t.can_write else "read")
            )
            self.stdout.write(
                f"{t.prefix}  {t.user.get_username():<16} {codes:<12} {state:<18} used {used}  {t.name}"
            )
