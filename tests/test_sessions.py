"""Remembered sign-in (issue 19): tokens hashed at rest, ending on sign-out, a password change, a disabled account,
an administrator's «sign out everywhere», and their day."""

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from chibo import auth, sessions
from chibo.errors import InputError, PermissionDenied
from tests.conftest import TODAY, actor_of

NOW = datetime.combine(TODAY, datetime.min.time()).replace(hour=9)


@pytest.fixture
def member(fresh_db):
    user_id = auth.add_user(fresh_db, auth.SYSTEM, "dangvien", "mat-khau-dang-vien", "dang_vien")
    return auth.actor_for(fresh_db, user_id)


def test_a_token_signs_its_account_in_and_only_its_digest_is_stored(fresh_db, member):
    token = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    assert sessions.user_for(fresh_db, token, NOW + timedelta(days=29)) == member.user_id
    stored = fresh_db.query("SELECT * FROM sessions").to_string()
    assert token not in stored


def test_a_token_ends_on_its_day(fresh_db, member):
    token = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    assert sessions.user_for(fresh_db, token, NOW + timedelta(days=30, seconds=1)) is None


def test_remembering_set_to_zero_days_gives_no_token(fresh_db, member):
    assert sessions.open_session(fresh_db, member.user_id, 0, NOW) is None


def test_an_unknown_or_malformed_token_signs_nobody_in(fresh_db, member):
    sessions.open_session(fresh_db, member.user_id, 30, NOW)
    assert sessions.user_for(fresh_db, "guess", NOW) is None
    assert sessions.user_for(fresh_db, None, NOW) is None
    assert sessions.user_for(fresh_db, "x" * 5000, NOW) is None


def test_signing_out_ends_the_browsers_token(fresh_db, member):
    token = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    sessions.close(fresh_db, token, NOW)
    assert sessions.user_for(fresh_db, token, NOW) is None


def test_a_password_change_ends_every_session_of_the_account(fresh_db, member):
    first = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    second = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    auth.change_own_password(fresh_db, member, "mat-khau-dang-vien", "mat-khau-moi-2026", "mat-khau-moi-2026")
    assert sessions.user_for(fresh_db, first, NOW) is None and sessions.user_for(fresh_db, second, NOW) is None
    assert auth.authenticate(fresh_db, "dangvien", "mat-khau-moi-2026", sleep=lambda s: None, now=NOW).user_id == member.user_id


def test_an_administrators_new_password_for_a_user_ends_their_sessions(fresh_db, member):
    token = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    auth.set_password(fresh_db, auth.SYSTEM, "dangvien", "mat-khau-dat-lai")
    assert sessions.user_for(fresh_db, token, NOW) is None


def test_disabling_an_account_ends_its_sessions(fresh_db, member):
    token = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    auth.set_active(fresh_db, auth.SYSTEM, "dangvien", False)
    auth.set_active(fresh_db, auth.SYSTEM, "dangvien", True)  # opening it again does not bring the token back
    assert sessions.user_for(fresh_db, token, NOW) is None


def test_an_administrator_signs_a_user_out_everywhere_audited(fresh_db, member):
    tokens = [sessions.open_session(fresh_db, member.user_id, 30, NOW) for _ in range(3)]
    assert sessions.sign_out_everywhere(fresh_db, auth.SYSTEM, "dangvien", NOW) == 3
    assert all(sessions.user_for(fresh_db, t, NOW) is None for t in tokens)
    assert fresh_db.scalar("SELECT count(*) FROM audit_log WHERE action = 'đăng xuất mọi phiên'") == 1


def test_only_an_administrator_signs_others_out_everywhere(fresh_db, member):
    with pytest.raises(PermissionDenied):
        sessions.sign_out_everywhere(fresh_db, actor_of("chi_uy"), "dangvien", NOW)
    with pytest.raises(InputError, match="Không có tài khoản"):
        sessions.sign_out_everywhere(fresh_db, auth.SYSTEM, "ai-do", NOW)


def test_a_wrong_current_password_changes_nothing(fresh_db, member):
    token = sessions.open_session(fresh_db, member.user_id, 30, NOW)
    with pytest.raises(InputError, match="Mật khẩu hiện tại không đúng"):
        auth.change_own_password(fresh_db, member, "sai", "mat-khau-moi-2026", "mat-khau-moi-2026")
    with pytest.raises(InputError, match="không giống nhau"):
        auth.change_own_password(fresh_db, member, "mat-khau-dang-vien", "mat-khau-moi-2026", "mat-khau-moi-2027")
    with pytest.raises(InputError, match="ít nhất 8"):
        auth.change_own_password(fresh_db, member, "mat-khau-dang-vien", "ngan", "ngan")
    assert sessions.user_for(fresh_db, token, NOW) == member.user_id


def test_no_folder_named_pages_sits_beside_the_router():
    """Streamlit runs a `pages/` folder as an app of its own until the router first runs in the process: a page
    asked for by its address (a tab left open across a restart) then reruns itself without end."""
    assert not (Path(__file__).resolve().parent.parent / "pages").exists()


def test_a_restore_ends_the_sign_ins_the_backup_remembered(cell_db, tmp_path):
    from chibo import backup
    user_id = cell_db.scalar("SELECT min(id) FROM users WHERE role = 'quan_tri'")
    token = sessions.open_session(cell_db, user_id, 30, NOW)
    copy = backup.backup_to(cell_db, auth.SYSTEM, tmp_path / "b" / "with-session.duckdb")
    assert sessions.user_for(cell_db, token, NOW) == user_id
    backup.restore_running(cell_db, auth.SYSTEM, copy, tmp_path / "kept")
    assert sessions.user_for(cell_db, token, NOW) is None  # the browser's cookie signs nobody in
