"""Who sees what of the members' personal data: every kind, every role, through the domain's reads and the SQL box
(the matrix of docs/DESIGN.md «Who sees what»); tests/test_app.py walks the same matrix through the pages."""

import io
from datetime import date

import pytest
from docx import Document

from chibo import auth, dashboard, docs, documents, evaluations, meetings, queries, tasks
from chibo.errors import PermissionDenied
from chibo.labels import ROLES
from chibo.permissions import PERSONAL_DATA
from tests.conftest import TODAY, actor_of

A = auth.SYSTEM
NOV = date(2026, 11, 1)

# The decided matrix: what each role sees of each kind — everyone's ("all"), only what is about the member the
# account is linked to ("own"), or nothing ("none"). Roles in the order of labels.ROLES.
MATRIX = {
    "ratings": ("all", "all", "own", "none"),
    "reminders": ("all", "all", "own", "none"),
    "supervision findings": ("all", "all", "own", "none"),
    "absence reasons: the roll call": ("all", "all", "own", "none"),
    "absence reasons: the SQL box": ("all", "all", "own", "none"),
    "audit activity": ("all", "all", "none", "none"),
    "accounts: the list": ("all", "none", "none", "none"),
    "accounts: changes in the activity": ("all", "none", "none", "none"),
}


def private_data(db) -> dict:
    """Two members, X and Y, each with a rating, a reminder, a supervision finding and an excused absence whose
    words appear nowhere else; an account added and a rating saved in the audit activity."""
    x, y = (r[0] for r in db.rows("SELECT id FROM members WHERE status = 'active' ORDER BY id LIMIT 2"))
    meeting = meetings.meeting_for_month(db, NOV)
    roll = meetings.attendance(db, A, meeting)
    words = {}
    for who, name, score in ((x, "X", 71.25), (y, "Y", 63.75)):
        evaluations.save_rating(db, A, 2025, score, who)
        words[who] = {"reminders": f"Nhắc riêng {name}-7f3", "supervision findings": f"Phát hiện về {name}-7f3",
                      "absence": f"Ốm riêng {name}-7f3", "score": score}
        evaluations.add_mention(db, A, NOV, who, "nhac_nho", words[who]["reminders"])
        tasks.add_supervision(db, A, "2026-11-10", "giam_sat", "Việc thực hiện nghị quyết", "nhac_nho",
                              words[who]["supervision findings"], member_id=who, today=TODAY)
    meetings.record_attendance(db, A, meeting, [
        {"member_id": r.member_id, "status": "absent_excused" if r.member_id in words else r.status,
         "reason": words[r.member_id]["absence"] if r.member_id in words else r.reason}
        for r in roll.itertuples() if isinstance(r.status, str)])
    auth.add_user(db, A, "taikhoan.rieng", "mat-khau-dai-10", "dang_vien")
    return {"x": x, "y": y, "words": words, "meeting": meeting}


@pytest.fixture
def seeded(demo_db):
    return demo_db, private_data(demo_db)


def _pair(found: set, words: dict, x: int, y: int, key: str) -> tuple[bool, bool]:
    return words[x][key] in found, words[y][key] in found


def _or_nothing(read):
    try:
        return read()
    except PermissionDenied:
        return None


def seen_ratings(db, actor, data):
    frame = evaluations.ratings_with_evidence(db, actor, 2025, TODAY)
    scored = dict(zip(frame["member_id"], frame["score"]))
    return scored.get(data["x"]) == 71.25, scored.get(data["y"]) == 63.75


def seen_reminders(db, actor, data):
    frame = evaluations.mentions(db, actor, NOV)
    return _pair(set(frame["reason"]), data["words"], data["x"], data["y"], "reminders")


def seen_findings(db, actor, data):
    return _pair(set(tasks.supervisions(db, actor)["finding"]), data["words"], data["x"], data["y"],
                 "supervision findings")


def seen_roll_call_reasons(db, actor, data):
    roll = meetings.attendance(db, actor, data["meeting"])
    return _pair(set(roll["reason"]), data["words"], data["x"], data["y"], "absence")


def seen_sql_box_reasons(db, actor, data):
    result = _or_nothing(lambda: queries.run_sql(db, actor, "SELECT ly_do FROM diem_danh", today=TODAY))
    found = set() if result is None else set(result.frame["ly_do"].dropna())
    return _pair(found, data["words"], data["x"], data["y"], "absence")


def _activity(db, actor) -> set:
    return set(dashboard.changes_since(db, actor, date(2000, 1, 1), TODAY)["changes"]["action"])


def seen_activity(db, actor, data):
    shown = "xếp loại chất lượng" in _activity(db, actor)
    return shown, shown  # the activity is the cell's, not a member's


def seen_account_list(db, actor, data):
    users = _or_nothing(lambda: auth.list_users(db, actor))
    shown = users is not None and "taikhoan.rieng" in set(users["username"])
    return shown, shown


def seen_account_changes(db, actor, data):
    shown = "thêm tài khoản" in _activity(db, actor)
    return shown, shown


PROBES = {
    "ratings": seen_ratings,
    "reminders": seen_reminders,
    "supervision findings": seen_findings,
    "absence reasons: the roll call": seen_roll_call_reasons,
    "absence reasons: the SQL box": seen_sql_box_reasons,
    "audit activity": seen_activity,
    "accounts: the list": seen_account_list,
    "accounts: changes in the activity": seen_account_changes,
}
SEEN = {"all": (True, True), "own": (True, False), "none": (False, False)}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", list(MATRIX))
def test_each_role_sees_of_each_kind_of_personal_data_what_the_matrix_says(seeded, kind, role):
    db, data = seeded
    actor = actor_of(role, member_id=data["x"])  # X's own account, in each role
    expected = MATRIX[kind][list(ROLES).index(role)]
    assert PROBES[kind](db, actor, data) == SEEN[expected], f"{role} should see {expected} of {kind}"


@pytest.mark.parametrize("kind", [k for k, row in MATRIX.items() if "own" in row])
def test_a_member_account_linked_to_nobody_sees_no_ones_personal_data(seeded, kind):
    db, data = seeded
    assert PROBES[kind](db, actor_of("dang_vien", member_id=None), data) == (False, False)


def test_the_matrix_covers_every_kind_of_personal_data_and_every_role():
    assert {kind.split(":")[0].replace(" ", "_") for kind in MATRIX} == set(PERSONAL_DATA)
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


def test_a_member_sees_every_commendation_but_only_their_own_reminders(seeded):
    db, data = seeded
    evaluations.add_mention(db, A, NOV, data["y"], "bieu_duong", "Khen Y công khai")
    shown = evaluations.mentions(db, actor_of("dang_vien", data["x"]), NOV)
    assert set(zip(shown["member_id"], shown["kind"])) == {(data["x"], "nhac_nho"), (data["y"], "bieu_duong")}


def test_the_documents_still_state_every_reminder_and_absence_reason(seeded):
    db, data = seeded
    minutes = Document(io.BytesIO(docs.export_bytes(db, A, "minutes", documents.monthly_resolution(db, NOV).id, TODAY)))
    said = "\n".join(p.text for p in minutes.paragraphs).lower()
    assert all(data["words"][who]["absence"].lower() in said for who in (data["x"], data["y"]))
    recorded = evaluations.mentions_for_documents(db, NOV)
    assert {data["words"][who]["reminders"] for who in (data["x"], data["y"])} <= set(recorded["reason"])


@pytest.mark.parametrize("role", ["chi_uy", "dang_vien", "trinh_chieu"])
def test_only_those_who_make_the_documents_read_their_words(seeded, role):
    db, _ = seeded
    resolution = documents.monthly_resolution(db, NOV).id
    actor = actor_of(role)
    if actor.can("export"):
        assert docs.rewordable(db, actor, "resolution", resolution, TODAY)
    else:
        with pytest.raises(PermissionDenied):
            docs.rewordable(db, actor, "resolution", resolution, TODAY)


def test_the_sql_box_still_answers_a_member_about_everyone_elses_attendance_without_reasons(seeded):
    db, data = seeded
    result = queries.run_sql(db, actor_of("dang_vien", data["x"]),
                             "SELECT ma_dang_vien, diem_danh, ly_do FROM diem_danh WHERE diem_danh = 'absent_excused'",
                             today=TODAY)
    rows = result.frame.set_index("ma_dang_vien")
    assert {data["x"], data["y"]} <= set(rows.index)
    assert rows["ly_do"].isna()[data["y"]]
    assert rows.loc[data["x"], "ly_do"] == data["words"][data["x"]]["absence"]
