"""Token use cases: create, revoke, authenticate; and the scope a token gives.

A token reads ``enc_<prefix>_<secret>``: the prefix (8 characters) is stored
in clear and shown in lists, the secret (32 bytes, URL-safe base64) only as
the SHA-256 of the whole token. Authenticating looks the token up by its
hash and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from encaisse.api.models import ApiToken
from encaisse.ledger import audit
from encaisse.ledger.models import Entity
from encaisse.ledger.roles import can_write
from encaisse.web.scoping import visible_entities

TOKEN_START = "enc_"  # noqa: S105 - the tokens' visible start, not a secret
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenError(Exception):
    """A token request that cannot be carried out; nothing was changed."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Scope:
    """What an authenticated request may reach."""

    token: ApiToken
    user: Any
    entity_ids: tuple[int, ...]
    can_write: bool

    @property
    def actor(self) -> str:
        return f"{self.user.get_username()} (api {self.token.prefix})"[:150]


def create_token(
    username: str, entity_codes: Sequence[str], *, name: str, write: bool = False, actor: str = "system"
) -> tuple[ApiToken, str]:
    """A new token and its clear text (shown once; only its hash is kept)."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise TokenError(f"no user {username!r}")
    if not user.is_active:
        raise TokenError(f"user {username!r} is not active")
    if not name.strip():
        raise TokenError("a token needs a name (what it is for)")
    codes = list(dict.fromkeys(entity_codes))
    if not codes:
        raise TokenError("a token is scoped to at least one entity")
    entities = list(Entity.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {e.code for e in entities})
    if unknown:
        raise TokenError(f"no entity {', '.join(unknown)}")
    visible = set(visible_entities(user).values_list("pk", flat=True))
    outside = sorted(e.code for e in entities if e.pk not in visible)
    if outside:
        raise TokenError(f"user {username!r} may not see entity {', '.join(outside)}")
    if write and not can_write(user):
        raise TokenError(f"user {username!r} has a read-only role: a write token would not write")
    with transaction.atomic():
        while True:
            prefix = secrets.token_hex(4)
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        clear = f"{TOKEN_START}{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            user=user, name=name.strip()[:100], prefix=prefix, secret_sha256=digest(clear), can_write=write,
            created_by=actor,
        )  # fmt: skip
        token.entities.set(entities)
        audit.record("api_token.created", actor=actor, object_type="api_token", object_id=token.pk,
                     data={"prefix": prefix, "user": username, "entities": codes, "write": write,
                           "name": token.name})  # fmt: skip
    return token, clear


def revoke_token(prefix: str, *, actor: str = "system") -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(prefix=prefix.removeprefix(TOKEN_START)).first()
        if token is None:
            raise TokenError(f"no token {prefix!r}")
        if token.revoked_at is not None:
            raise TokenError(f"token {token.prefix} was revoked on {token.revoked_at:%Y-%m-%d %H:%M}")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("api_token.revoked", actor=actor, object_type="api_token", object_id=token.pk,
                     data={"prefix": token.prefix, "user": token.user.get_username()})  # fmt: skip
    return token


def authenticate(clear: str) -> Scope | None:
    """The scope of a valid, unrevoked token of an active user; ``None`` otherwise."""
    if not clear.startswith(TOKEN_START) or len(clear) > 200:
        return None
    wanted = digest(clear)
    token = ApiToken.objects.select_related("user").filter(secret_sha256=wanted).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, wanted):
        return None
    if token.revoked_at is not None or not token.user.is_active:
        return None
    granted = token.entities.all().values_list("pk", flat=True)
    visible = visible_entities(token.user).filter(pk__in=granted)
    entity_ids = tuple(sorted(visible.values_list("pk", flat=True)))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # at most one write a minute per token, whatever the request rate
        ApiToken.objects.filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_RESOLUTION), pk=token.pk
        ).update(last_used_at=now)
        token.last_used_at = now
    return Scope(token, token.user, entity_ids, token.can_write and can_write(token.user))
