"""The back-office roles, as Django groups with their permissions."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

ROLES: dict[str, tuple[str, ...]] = {
    "admin": ("*",),
    "ar_clerk": ("view_", "add_allocation", "add_invoice", "change_customer", "add_customer"),
    "collector": ("view_",),
    "credit_manager": ("view_", "change_customer"),
    "auditor": ("view_",),
}
ROLE_LABELS = {
    "admin": "Admin",
    "ar_clerk": "AR clerk",
    "collector": "Collector",
    "credit_manager": "Credit manager",
    "auditor": "Auditor (read-only)",
}


def ensure_roles() -> None:
    """Create or refresh the groups (idempotent)."""
    perms = list(Permission.objects.filter(content_type__app_label__in=["ledger", "banking", "insights"]))
    for name, patterns in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        chosen = [p for p in perms if "*" in patterns or any(p.codename.startswith(x) for x in patterns)]
        group.permissions.set(chosen)


def can_write(user: object) -> bool:
    """Auditors (and users in no other role) are read-only."""
    if getattr(user, "is_superuser", False):
        return True
    names = set(user.groups.values_list("name", flat=True))  # type: ignore[attr-defined]
    return bool(names & {"admin", "ar_clerk", "collector", "credit_manager"})
