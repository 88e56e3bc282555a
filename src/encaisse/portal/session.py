"""Portal sessions, kept apart from the back office's: their own session keys, their own decorator.

A signed-in portal user is ``request.session[SESSION_KEY]`` (its id) with
``HASH_KEY`` (:func:`~encaisse.portal.services.session_hash`: a password
change or a deactivation ends every open session at its next request).
Signing in rotates the session key (no session fixation); back-office
authentication (``request.user``) is never consulted nor set. Pages of a
signed-in user are in the user's language; other portal pages in the
language chosen in the page (the portal's own cookie: the back office stays
English) or the browser's.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation

from encaisse.portal.models import Language, PortalUser
from encaisse.portal.services import session_hash

SESSION_KEY = "encaisse_portal_user"
HASH_KEY = "encaisse_portal_hash"
DEFAULT_LANGUAGE = "en"
# the portal's own cookie: Django's language cookie would also switch the (English) back office
LANGUAGE_COOKIE = "encaisse_portal_language"
View = Callable[..., HttpResponse]


def language_or_default(code: str | None) -> str:
    return code if code in Language.values else DEFAULT_LANGUAGE


def sign_in(request: HttpRequest, user: PortalUser) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = user.pk
    request.session[HASH_KEY] = session_hash(user)
    request.portal_user = user  # type: ignore[attr-defined]


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(HASH_KEY, None)
    request.session.cycle_key()
    request.portal_user = None  # type: ignore[attr-defined]


def current_user(request: HttpRequest) -> PortalUser | None:
    """The active portal user of this session, or None (a stale or forged session counts as none)."""
    if hasattr(request, "portal_user"):
        return request.portal_user  # type: ignore[no-any-return]
    user = None
    pk = request.session.get(SESSION_KEY)
    if isinstance(pk, int):
        found = PortalUser.objects.filter(pk=pk, is_active=True).first()
        stored = request.session.get(HASH_KEY, "")
        if found is not None and isinstance(stored, str) and hmac.compare_digest(stored, session_hash(found)):
            user = found
    request.portal_user = user  # type: ignore[attr-defined]
    return user


def language_of(request: HttpRequest, user: PortalUser | None) -> str:
    """The user's language when signed in, else the one chosen in the portal (its cookie), else the browser's."""
    if user is not None:
        chosen = user.language
    else:
        chosen = request.COOKIES.get(LANGUAGE_COOKIE) or getattr(request, "LANGUAGE_CODE", None)
    code = language_or_default(chosen)
    request.LANGUAGE_CODE = code  # type: ignore[attr-defined]
    return code


def _in_language(request: HttpRequest, code: str, view: View, *args: Any, **kwargs: Any) -> HttpResponse:
    # override, not activate: the thread's language is restored after the page (commands, other requests)
    with translation.override(code):
        response = view(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", code)
    return response


def portal_login_required(view: View) -> View:
    """Only for a signed-in portal user (``request.portal_user``); others go to the sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = current_user(request)
        if user is None:
            target = reverse("portal:sign_in") + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        response = _in_language(request, language_of(request, user), view, *args, **kwargs)
        response.headers.setdefault("Cache-Control", "private, no-store")
        return response

    return wrapper


def portal_page(view: View) -> View:
    """A page open to anybody (sign-in): the language of the page's switch, else the browser's."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _in_language(request, language_of(request, current_user(request)), view, *args, **kwargs)

    return wrapper
