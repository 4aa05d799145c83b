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
                 "reopen_month", "query", "decide_extensions", "move_display", "view_evidence"},
    "chi_uy": {"edit_members", "edit_plans", "edit_tasks", "edit_evaluations", "export",
               "record_progress", "run_meeting", "query", "decide_extensions", "move_display", "view_evidence"},
    # view_evidence: the photos and files of progress entries, for whoever sees the tasks' progress (not the room)
    "dang_vien": {"record_progress", "query", "view_evidence"},
    "trinh_chieu": {"move_display"},  # while the cell's setting lets the projector move the meeting's display
}


# Members' personal data, per kind and role: "all", "own" (only what concerns the member the account is linked
# to; an account linked to nobody sees none of it) or "none". docs/DESIGN.md «Who sees what» says why. The domain's
# reads filter by it (Actor.whose) and so do the views of the SQL box; a commendation is not private (the cell
# praises in public), a reminder is.
PERSONAL_DATA = {
    "ratings": {"quan_tri": "all", "chi_uy": "all", "dang_vien": "own", "trinh_chieu": "none"},
    "reminders": {"quan_tri": "all", "chi_uy": "all", "dang_vien": "own", "trinh_chieu": "none"},
    "supervision_findings": {"quan_tri": "all", "chi_uy": "all", "dang_vien": "own", "trinh_chieu": "none"},
    "absence_reasons": {"quan_tri": "all", "chi_uy": "all", "dang_vien": "own", "trinh_chieu": "none"},
    "audit_activity": {"quan_tri": "all", "chi_uy": "all", "dang_vien": "none", "trinh_chieu": "none"},
    "accounts": {"quan_tri": "all", "chi_uy": "none", "dang_vien": "none", "trinh_chieu": "none"},
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

    def sees(self, kind: str) -> str:
        """How much of a kind of personal data this user sees: "all", "own" or "none"."""
        return PERSONAL_DATA[kind][self.role]

    def whose(self, kind: str) -> tuple[bool, int | None]:
        """The parameters of a read's filter `(? OR member_id = ?)`: everyone's rows, else the linked member's
        (None, so no row, when the role sees none or the account is linked to nobody)."""
        scope = self.sees(kind)
        return scope == "all", self.member_id if scope == "own" else None


# Command-line tools and the demo generator act as the administrator.
SYSTEM = Actor(None, "he_thong", "quan_tri")


def require(actor: Actor, permission: str) -> None:
    if actor is None or not actor.can(permission):
        role = ROLES.get(getattr(actor, "role", ""), "chưa đăng nhập")
        raise PermissionDenied(f"Tài khoản với vai trò «{role}» không được phép làm việc này.")
