"""Who may do what: the acting user, the permission table per role, and the check every
writing function makes. Kept apart from accounts (auth) so that the audit log, which
records the actor, and auth, which writes to the audit log, do not import each other."""

from __future__ import annotations

from dataclasses import dataclass

from chibo.errors import PermissionDenied
from chibo.labels import ROLES

PERMISSIONS = {
    "quan_tri": {"manage_users", "settings", "backup", "view_audit", "edit_members", "edit_plans",
                 "edit_tasks", "edit_evaluations", "export", "record_progress", "run_meeting",
                 "reopen_month", "query"},
    "chi_uy": {"edit_members", "edit_plans", "edit_tasks", "edit_evaluations", "export",
               "record_progress", "run_meeting", "query"},
    "dang_vien": {"record_progress", "query"},
    "trinh_chieu": set(),
}


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a domain function runs."""
    user_id: int | None
    username: str
    role: str
    member_id: int | None = None

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS[self.role]


# Command-line tools and the demo generator act as the administrator.
SYSTEM = Actor(None, "he_thong", "quan_tri")


def require(actor: Actor, permission: str) -> None:
    if actor is None or not actor.can(permission):
        role = ROLES.get(getattr(actor, "role", ""), "chưa đăng nhập")
        raise PermissionDenied(f"Tài khoản với vai trò «{role}» không được phép làm việc này.")
