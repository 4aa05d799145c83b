"""Meetings: the regular cell meeting and others, attendance, remarks, the vote,
and the meeting-quality self-score."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd

from chibo import audit, cell, documents, months, validate, versions
from chibo.db import Database, memoised
from chibo.errors import InputError, PermissionDenied
from chibo.labels import AGENDA_ITEMS, ATTENDANCE, MEETING_KINDS, MONTH_STEPS, missing, vn_date, vn_number, vn_percent
from chibo.permissions import Actor, require

# Default rubric (one local rubric for a 30+ member cell), editable in settings.
DEFAULT_RUBRIC = {
    "Thời gian": 5, "Số lượng đảng viên dự": 5, "Công tác chuẩn bị": 10, "Tiến hành sinh hoạt": 30,
    "Điều hành của chủ trì": 10, "Nguyên tắc sinh hoạt": 5, "Kết quả thực hiện nghị quyết tháng trước": 30,
    "Kết thúc sinh hoạt": 5,
}
QUALITY_BANDS = [(90, "Tốt"), (70, "Khá"), (50, "Trung bình"), (0, "Kém")]

AGENDA = list(AGENDA_ITEMS.items())  # the regular meeting's items, in order

DISPLAY_MOVED = "chuyển màn trình chiếu"  # the audit's word for a turn of the display: kept, but not a change of data

# The agenda items someone presents (a report, a draft); the minutes name who. The chair unless the secretary says.
PRESENTED_ITEMS = {"ket_qua": "Người trình bày báo cáo kết quả tháng trước",
                   "nhiem_vu": "Người trình bày dự thảo nghị quyết"}


def quality_band(score: float) -> str:
    for floor, label in QUALITY_BANDS:
        if score >= floor:
            return label
    return "Kém"


def rubric(db: Database) -> dict[str, float]:
    return cell.setting(db, "meeting_rubric", DEFAULT_RUBRIC)


def _end_after_start(starts: time | None, ends: time | None) -> None:
    if starts and ends and ends <= starts:
        raise InputError("Giờ kết thúc phải sau giờ bắt đầu.")


def create_meeting(db: Database, actor: Actor, held_on, kind: str = "thuong_ky", place: str = "",
                   chair_id=None, secretary_id=None, starts_at=None, ends_at=None) -> int:
    require(actor, "run_meeting")
    values = {
        "kind": validate.choice(kind, MEETING_KINDS, "Loại cuộc họp"),
        "held_on": validate.a_date(held_on, "Ngày họp"),
        "place": validate.text(place, "Địa điểm", required=False),
        "chair_id": validate.optional_id(chair_id), "secretary_id": validate.optional_id(secretary_id),
        "starts_at": _clock(starts_at, "Giờ bắt đầu"), "ends_at": _clock(ends_at, "Giờ kết thúc"),
    }
    _end_after_start(values["starts_at"], values["ends_at"])

    def work(cur):
        for person in (values["chair_id"], values["secretary_id"]):
            validate.existing_id(cur, "members", person)
        meeting_id = cur.execute(
            "INSERT INTO meetings (kind, held_on, place, chair_id, secretary_id, starts_at, ends_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", list(values.values())).fetchone()[0]
        audit.log(cur, actor, "tạo cuộc họp", "meetings", meeting_id, None, values)
        return meeting_id
    return db.write(work)


def _clock(value, label: str) -> time | None:
    if value in (None, ""):
        return None
    if isinstance(value, time):
        return value
    try:
        hours, minutes = (int(p) for p in str(value).split(":")[:2])
        return time(hours, minutes)
    except ValueError:
        raise InputError(f"{label} phải viết dạng giờ:phút, ví dụ 14:00.") from None


def meetings(db: Database, kind: str | None = "thuong_ky") -> pd.DataFrame:
    sql = ("SELECT mt.id, mt.kind, mt.held_on, mt.place, mt.votes_for, c.full_name AS chair,"
           " coalesce(a.present, 0) AS present, coalesce(a.absent_excused, 0) AS absent_excused,"
           " coalesce(a.absent_unexcused, 0) AS absent_unexcused, coalesce(a.recorded, 0) AS recorded, a.rate"
           " FROM meetings mt LEFT JOIN meeting_attendance() a ON a.meeting_id = mt.id"
           " LEFT JOIN members c ON c.id = mt.chair_id")
    params = []
    if kind:
        sql += " WHERE mt.kind = ?"
        params.append(kind)
    return db.query(sql + " ORDER BY mt.held_on DESC", params)


def month_meeting(db: Database, month: date) -> int | None:
    """A month's regular meeting, as the month's report speaks of it («Kỳ sinh hoạt thường kỳ tháng 10/2026»): the
    one that adopted the month's resolution, else the regular meeting held in the month. Its attendance and its
    quality score are the month's, on the evaluation screen as in the documents."""
    adopted_at = db.scalar("SELECT meeting_id FROM documents WHERE kind = 'nq_thang' AND month = ?", [month])
    return adopted_at or meeting_for_month(db, month)


def usual_chair_and_secretary(db: Database, meeting_id: int) -> tuple[int | None, int | None]:
    """Who an adoption form offers as the meeting's chair and secretary: those recorded on it, else those of the
    last meeting before it that recorded them, else the cell's secretary (bí thư) in the chair."""
    found = db.one("SELECT chair_id, secretary_id FROM meetings WHERE id = ? AND chair_id IS NOT NULL", [meeting_id])
    found = found or db.one(
        "SELECT chair_id, secretary_id FROM meetings WHERE chair_id IS NOT NULL AND held_on <"
        " (SELECT held_on FROM meetings WHERE id = ?) ORDER BY held_on DESC LIMIT 1", [meeting_id])
    if found:
        return found[0], found[1]
    return db.scalar("SELECT min(id) FROM members WHERE party_role = 'bi_thu' AND status <> 'inactive'"), None


def yet_to_be_held(meeting: dict, today: date) -> bool:
    """A meeting still to come is not scored: its quality is judged once it has been held."""
    return meeting["held_on"] > today


@memoised
def meeting_for_month(db: Database, month: date) -> int | None:
    """The regular meeting held in a month (the one that adopts that month's resolution)."""
    return db.scalar("SELECT id FROM meetings WHERE kind = 'thuong_ky' AND date_trunc('month', held_on) = ?"
                     " ORDER BY held_on LIMIT 1", [month])


@memoised
def get(db: Database, meeting_id: int) -> dict:
    found = db.records("SELECT mt.*, c.full_name AS chair, s.full_name AS secretary FROM meetings mt"
                       " LEFT JOIN members c ON c.id = mt.chair_id LEFT JOIN members s ON s.id = mt.secretary_id"
                       " WHERE mt.id = ?", [meeting_id])
    if not found:
        raise InputError("Không tìm thấy cuộc họp.")
    return found[0]


def attendance(db: Database, actor: Actor, meeting_id: int) -> pd.DataFrame:
    """Every member who is not inactive, with the status recorded (or none yet) and the reason of an absence where
    the actor may read it (a member their own)."""
    everyone, member = actor.whose("absence_reasons")
    return db.query(
        "SELECT m.id AS member_id, m.full_name, m.membership, a.status,"
        " CASE WHEN ? OR m.id = ? THEN coalesce(a.reason, '') ELSE '' END AS reason"
        " FROM members m LEFT JOIN attendance a ON a.member_id = m.id AND a.meeting_id = ?"
        " WHERE m.status <> 'inactive' OR a.member_id IS NOT NULL ORDER BY m.full_name COLLATE vi",
        [everyone, member, meeting_id])


@memoised
def attendance_summary(db: Database, meeting_id: int) -> dict:
    """The roll call's counts, and who was absent or exempt (name, status): no reasons, which are private."""
    row = db.one(
        "SELECT coalesce(ma.recorded, 0), count(m.id) FILTER (WHERE m.membership = 'chinh_thuc'),"
        " count(m.id) FILTER (WHERE m.membership = 'du_bi'), coalesce(ma.exempt, 0), coalesce(ma.present, 0),"
        " coalesce(ma.absent_excused, 0), coalesce(ma.absent_unexcused, 0), ma.rate"
        " FROM (SELECT ? AS meeting_id) this LEFT JOIN meeting_attendance() ma ON ma.meeting_id = this.meeting_id"
        " LEFT JOIN attendance a ON a.meeting_id = this.meeting_id LEFT JOIN members m ON m.id = a.member_id"
        " GROUP BY ALL", [meeting_id])
    keys = ["total", "full", "probationary", "exempt", "present", "absent_excused", "absent_unexcused", "rate"]
    summary = dict(zip(keys, row))
    return summary | {name: [(person, status) for person, status, _ in people]
                      for name, people in _absentees(db, meeting_id).items()}


@memoised
def attendance_for_documents(db: Database, meeting_id: int) -> dict:
    """The roll call as the minutes and the report state it, each absence with its reason: for the documents, which
    only those who may export make (docs.export_bytes requires it); screens read `attendance_summary`."""
    return attendance_summary(db, meeting_id) | _absentees(db, meeting_id)


def _absentees(db: Database, meeting_id: int) -> dict[str, list[tuple]]:
    sql = ("SELECT m.full_name, a.status, a.reason FROM attendance a JOIN members m ON m.id = a.member_id"
           " WHERE a.meeting_id = ? AND list_contains(?::VARCHAR[], a.status) ORDER BY m.full_name COLLATE vi")
    return {"absent_names": db.rows(sql, [meeting_id, ["absent_excused", "absent_unexcused"]]),
            "exempt_names": db.rows(sql, [meeting_id, ["exempt"]])}


_ROLL_SQL = "SELECT member_id, status, reason FROM attendance WHERE meeting_id = ? ORDER BY member_id"


def _roll_of(rows: list[tuple]) -> dict[int, str]:
    """The roll as a person reads it, by member id (two members may share a name): what a stale save would replace,
    and its version."""
    return {member: ATTENDANCE.get(status, status) + (f" ({reason})" if reason else "")
            for member, status, reason in rows}


def roll_form(db: Database, actor: Actor, meeting_id: int) -> versions.Opened:
    """What the roll-call editor is opened on: every member with what is recorded (attendance), and its version."""
    return versions.Opened(attendance(db, actor, meeting_id), versions.token(_roll_of(db.rows(_ROLL_SQL, [meeting_id]))))


def record_attendance(db: Database, actor: Actor, meeting_id: int, rows: list[dict], opened: str | None = None) -> None:
    """Replace the meeting's attendance list in one transaction. `opened`: the version of the editor (roll_form);
    a roll saved since by someone else with other answers refuses this one."""
    require(actor, "run_meeting")
    cleaned = []
    for index, row in enumerate(rows, start=1):
        status = row.get("status")
        if status in (None, "") or missing(status):
            continue
        try:
            status = validate.choice(status, ATTENDANCE, "Điểm danh")
            reason = validate.text(row.get("reason"), "Lý do vắng", required=False, max_len=200)
            member_id = validate.optional_id(row.get("member_id"))
            if member_id is None:
                raise InputError("Dòng điểm danh thiếu đảng viên.")
        except InputError as exc:
            raise InputError(exc.message, row=index) from None
        if status == "absent_excused" and not reason:
            raise InputError("Vắng có lý do thì cần ghi lý do.", row=index)
        cleaned.append((member_id, status, reason))

    def work(cur):
        get_in = cur.execute("SELECT count(*) FROM meetings WHERE id = ?", [meeting_id]).fetchone()[0]
        if not get_in:
            raise InputError("Không tìm thấy cuộc họp.")
        for member_id, _, _ in cleaned:
            validate.existing_id(cur, "members", member_id)
        if opened is not None:
            names = dict(cur.execute("SELECT id, full_name FROM members").fetchall())
            stored, yours = _roll_of(cur.execute(_ROLL_SQL, [meeting_id]).fetchall()), _roll_of(cleaned)
            versions.check(cur, opened, stored, {member: yours.get(member) for member in sorted({*stored, *yours})},
                           what="điểm danh", labels=names, entity="meetings", entity_id=meeting_id)
        before = cur.execute("SELECT member_id, status FROM attendance WHERE meeting_id = ?", [meeting_id]).fetchall()
        cur.execute("DELETE FROM attendance WHERE meeting_id = ?", [meeting_id])
        for member_id, status, reason in cleaned:
            cur.execute("INSERT INTO attendance VALUES (?, ?, ?, ?)", [meeting_id, member_id, status, reason])
        audit.log(cur, actor, "điểm danh", "meetings", meeting_id, dict(before),
                  {m: s for m, s, _ in cleaned})
    db.write(work)


def add_remark(db: Database, actor: Actor, meeting_id: int, section: str, text: str, speaker_id=None) -> int:
    require(actor, "run_meeting")
    if section not in dict(AGENDA):
        raise InputError("Mục chương trình không hợp lệ.")
    text = validate.long_text(text, "Ý kiến", required=True)

    def work(cur):
        validate.existing_id(cur, "meetings", meeting_id)
        validate.existing_id(cur, "members", speaker_id)
        remark_id = cur.execute("INSERT INTO meeting_remarks (meeting_id, section, speaker_id, text, created_at)"
                                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                                [meeting_id, section, speaker_id, text, datetime.now()]).fetchone()[0]
        audit.log(cur, actor, "ghi ý kiến", "meetings", meeting_id, None, {"section": section, "text": text})
        return remark_id
    return db.write(work)


@memoised
def remarks(db: Database, meeting_id: int) -> pd.DataFrame:
    return db.query("SELECT r.section, r.text, m.full_name AS speaker, r.created_at FROM meeting_remarks r"
                    " LEFT JOIN members m ON m.id = r.speaker_id WHERE r.meeting_id = ? ORDER BY r.id", [meeting_id])


_SCORES_SQL = "SELECT criterion, points FROM meeting_scores WHERE meeting_id = ? ORDER BY criterion"


def scores_form(db: Database, meeting_id: int) -> versions.Opened:
    """What the quality-score form is opened on: the points given so far."""
    return versions.opened(dict(db.rows(_SCORES_SQL, [meeting_id])))


def save_scores(db: Database, actor: Actor, meeting_id: int, points: dict[str, float],
                opened: str | None = None) -> float:
    """The meeting's quality score, criterion by criterion. `opened`: the version of its form (scores_form)."""
    require(actor, "edit_evaluations")
    criteria = rubric(db)
    unknown = set(points) - set(criteria)
    if unknown:
        raise InputError(f"Tiêu chí không có trong thang điểm: {', '.join(sorted(unknown))}.")
    for name, value in points.items():
        validate.number(value, f"Điểm «{name}»", 0, criteria[name])

    def work(cur):
        stored = dict(cur.execute(_SCORES_SQL, [meeting_id]).fetchall())
        versions.check(cur, opened, stored, {name: float(value) for name, value in points.items()},
                       what="điểm chất lượng sinh hoạt", labels={}, entity="meetings", entity_id=meeting_id)
        cur.execute("DELETE FROM meeting_scores WHERE meeting_id = ?", [meeting_id])
        for name, value in points.items():
            cur.execute("INSERT INTO meeting_scores VALUES (?, ?, ?, ?)", [meeting_id, name, criteria[name], value])
        audit.log(cur, actor, "chấm điểm chất lượng sinh hoạt", "meetings", meeting_id, None, points)
    db.write(work)
    return sum(points.values())


def score(db: Database, meeting_id: int) -> tuple[float | None, str | None]:
    total = db.scalar("SELECT sum(points) FROM meeting_scores WHERE meeting_id = ?", [meeting_id])
    return (total, quality_band(total)) if total is not None else (None, None)


def scores(db: Database, meeting_id: int) -> dict[str, float]:
    return dict(db.rows("SELECT criterion, points FROM meeting_scores WHERE meeting_id = ?", [meeting_id]))


# What the rules of 2025 (Chỉ thị 50-CT/TW, Hướng dẫn 42-HD/BTCTW) and local practice ask around a regular meeting,
# as numbers the cell may change (setting "meeting_rules"); local guidance differs, so each is the cell's, and each
# step of the month's checklist (chibo.checklist, labels.MONTH_STEPS) can be switched off.
DEFAULT_MEETING_RULES = {
    "min_minutes": 90,               # the meeting lasts at least this long
    "min_minutes_thematic": 120,     # ... or this, when the thematic meeting is held in the same session
    "attendance_full_rate": 95,      # the rubric's full points for attendance from this rate (%)
    "draft_days_before": 7,          # the draft resolution is ready this many days before the meeting
    "agree_days_before": 5,          # the chi ủy meets and agrees the draft
    "notice_days_before": 3,         # members and the Đảng ủy member who follows the cell are told time, place, content
    "upload_days_before": 1,         # the meeting documents are on Sổ tay đảng viên
    "send_within_days": 2,           # resolution and report sent to the Đảng ủy and uploaded, days after the meeting
    "remind_within_days": 2,         # the first screen reminds the committee of a step due this close, or late
    "weekend": months.WEEKEND_DEFAULT,  # a meeting day on a weekend: kept, or moved (months.WEEKEND_MOVES)
    "off_steps": [],                 # checklist steps the cell does not follow
}
# The steps before the meeting: step -> the rule that says how many days before it each is due.
DAYS_BEFORE = {"draft": "draft_days_before", "agree": "agree_days_before", "notice": "notice_days_before",
               "uploaded_before": "upload_days_before"}
RULE_LABELS = {
    "min_minutes": "Thời gian sinh hoạt tối thiểu (phút)",
    "min_minutes_thematic": "Thời gian tối thiểu khi sinh hoạt chuyên đề cùng buổi (phút)",
    "attendance_full_rate": "Tỷ lệ dự họp được đủ điểm (%)",
    "draft_days_before": "Dự thảo nghị quyết xong trước buổi sinh hoạt (ngày)",
    "agree_days_before": "Chi ủy họp thống nhất dự thảo trước buổi sinh hoạt (ngày)",
    "notice_days_before": "Thông báo cho đảng viên trước buổi sinh hoạt (ngày)",
    "upload_days_before": "Đăng tài liệu lên Sổ tay trước buổi sinh hoạt (ngày)",
    "send_within_days": "Gửi Đảng ủy, đăng Sổ tay sau buổi sinh hoạt, trong vòng (ngày)",
    "remind_within_days": "Nhắc việc trên trang Tổng quan trước hạn (ngày)",
}
_RULE_RANGES = {"min_minutes": (30, 480), "min_minutes_thematic": (30, 480), "attendance_full_rate": (1, 100),
                "draft_days_before": (0, 28), "agree_days_before": (0, 28), "notice_days_before": (0, 28),
                "upload_days_before": (0, 28), "send_within_days": (0, 28), "remind_within_days": (0, 14)}


def meeting_rules(db: Database) -> dict:
    return DEFAULT_MEETING_RULES | cell.setting(db, "meeting_rules", {})


def meeting_rules_form(db: Database) -> versions.Opened:
    """What the meeting-rules form is opened on: the rules in force, versioned by what is stored."""
    stored = cell.setting_form(db, "meeting_rules", {})
    return versions.Opened(DEFAULT_MEETING_RULES | stored.values, stored.version)


def save_meeting_rules(db: Database, actor: Actor, values: dict, opened: str | None = None) -> None:
    """The cell's numbers and switches of the meeting rules, checked together: nothing is saved if one is wrong.
    `opened`: the version of the form (meeting_rules_form); a rule saved since by someone else refuses the save."""
    require(actor, "settings")
    unknown = set(values) - set(DEFAULT_MEETING_RULES)
    if unknown:
        raise InputError(f"Không có quy định «{', '.join(sorted(unknown))}»; hãy tải lại trang.")
    cleaned = meeting_rules(db) | {key: validate.integer(values[key], RULE_LABELS[key], *_RULE_RANGES[key])
                                   for key in _RULE_RANGES if key in values}
    if "weekend" in values:
        cleaned["weekend"] = validate.choice(values["weekend"], months.WEEKEND_MOVES, "Ngày họp rơi vào cuối tuần")
    if "off_steps" in values:
        off = list(values["off_steps"] or [])
        unknown = [step for step in off if step not in MONTH_STEPS]
        if unknown:
            raise InputError(f"Không có bước «{unknown[0]}» trong lịch công việc tháng.")
        cleaned["off_steps"] = [step for step in MONTH_STEPS if step in off]
    _check_rule_order(cleaned)
    cell.save_setting(db, actor, "meeting_rules", cleaned, opened, labels=_RULE_NAMES, what="quy định sinh hoạt")


_RULE_NAMES = RULE_LABELS | {"weekend": "Ngày sinh hoạt rơi vào thứ Bảy, Chủ nhật",
                             "off_steps": "Các bước chi bộ không theo dõi"}


def _check_rule_order(rules: dict) -> None:
    """The steps before a meeting come in the rules' order: the draft before the chi ủy agrees it, and only an agreed
    draft is announced and uploaded."""
    if rules["min_minutes_thematic"] < rules["min_minutes"]:
        raise InputError("Thời gian tối thiểu khi có sinh hoạt chuyên đề không thể ngắn hơn thời gian tối thiểu "
                         "của buổi sinh hoạt thường kỳ.")
    if rules["draft_days_before"] < rules["agree_days_before"]:
        raise InputError("Dự thảo phải xong trước khi chi ủy họp thống nhất: số ngày chuẩn bị dự thảo phải từ "
                         f"{rules['agree_days_before']} ngày trở lên.")
    for key in ("notice_days_before", "upload_days_before"):
        if rules[key] > rules["agree_days_before"]:
            raise InputError(f"{RULE_LABELS[key]} không thể sớm hơn ngày chi ủy thống nhất dự thảo "
                             f"({rules['agree_days_before']} ngày trước buổi sinh hoạt).")


def due_before(meeting_on: date, step: str, rules: dict) -> date:
    """The day a step before the meeting is due (DAYS_BEFORE), from the meeting's day."""
    return meeting_on - timedelta(days=rules[DAYS_BEFORE[step]])


@memoised
def thematic_same_day(db: Database, held_on: date) -> bool:
    """A thematic meeting (sinh hoạt chuyên đề) recorded on the regular meeting's day: held in the same session."""
    return bool(db.scalar("SELECT count(*) FROM meetings WHERE kind = 'chuyen_de' AND held_on = ?", [held_on]))


def thematic_to_add(db: Database, month: date) -> bool:
    """Whether the month's regular meeting may still be marked as holding the thematic meeting in the same session."""
    held = meeting_for_month(db, month)
    return bool(held) and not thematic_same_day(db, get(db, held)["held_on"])


def add_thematic(db: Database, actor: Actor, month: date) -> int:
    """The thematic meeting held in the same session as the month's regular one: its day and place."""
    held = meeting_for_month(db, month)
    if not held:
        raise InputError("Tháng này chưa có buổi sinh hoạt thường kỳ.")
    regular = get(db, held)
    return create_meeting(db, actor, regular["held_on"], "chuyen_de", regular["place"])


def minimum_minutes(db: Database, meeting: dict) -> int:
    rules = meeting_rules(db)
    return rules["min_minutes_thematic"] if thematic_same_day(db, meeting["held_on"]) else rules["min_minutes"]


def held_minutes(meeting: dict) -> int | None:
    """How long a meeting lasted, from its recorded start and end; None while either is missing."""
    if not (meeting["starts_at"] and meeting["ends_at"]):
        return None
    held = datetime.combine(date.min, meeting["ends_at"]) - datetime.combine(date.min, meeting["starts_at"])
    return int(held.total_seconds() // 60)


def measured_quality(db: Database, meeting_id: int) -> dict[str, tuple[float | None, str]]:
    """What the data says for the rubric's measurable criteria: criterion -> (suggested points or None, the facts).
    Only criteria of the cell's rubric named as in the default rubric; the committee keeps the last word."""
    criteria, rules, meeting = rubric(db), meeting_rules(db), get(db, meeting_id)
    measured = {"Thời gian": _duration_points(meeting, minimum_minutes(db, meeting)),
                "Số lượng đảng viên dự": _attendance_points(attendance_summary(db, meeting_id), rules),
                "Công tác chuẩn bị": _preparing_points(db, meeting, rules),
                "Kết thúc sinh hoạt": _sending_points(db, meeting, rules)}
    return {name: (None if fraction is None else round(2 * fraction * criteria[name]) / 2, said)
            for name, (fraction, said) in measured.items() if name in criteria}


def starting_points(db: Database, given: dict[str, float], measured: dict) -> dict[str, float]:
    """What each criterion's box opens on: the points the committee gave, else the data's suggestion, else 0."""
    suggested = {name: points for name, (points, _) in measured.items() if points is not None}
    return {name: given.get(name, suggested.get(name, 0)) for name in rubric(db)}


def _duration_points(meeting: dict, minimum: int) -> tuple[float | None, str]:
    minutes = held_minutes(meeting)
    if minutes is None:
        return None, "Chưa ghi giờ bắt đầu, kết thúc."
    return min(minutes / minimum, 1), f"Sinh hoạt {minutes} phút (tối thiểu {minimum} phút)."


def _preparing_points(db: Database, meeting: dict, rules: dict) -> tuple[float | None, str]:
    """The preparation members see: the notice, and the meeting documents on Sổ tay đảng viên in time
    (the steps the secretary marks done on the month's checklist)."""
    steps = [step for step in _PREPARING if step not in rules["off_steps"]]
    if not steps or meeting["kind"] != "thuong_ky":
        return None, ""
    done = dict(db.rows("SELECT step, done_on FROM month_steps WHERE month = ?", [months.month_start(meeting["held_on"])]))
    on_time, said = 0, []
    for step in steps:
        if step not in done:
            said.append(f"{_PREPARING[step]}: chưa ghi nhận")
            continue
        in_time = done[step] <= due_before(meeting["held_on"], step, rules)
        on_time += in_time
        said.append(f"{_PREPARING[step]}: {'đúng hạn' if in_time else 'trễ hạn'} ({vn_date(done[step])})")
    return on_time / len(steps), "; ".join(said) + "."


_PREPARING = {"notice": "Thông báo cho đảng viên", "uploaded_before": "Tài liệu đăng Sổ tay trước buổi sinh hoạt"}


def _attendance_points(summary: dict, rules: dict) -> tuple[float | None, str]:
    if summary["rate"] is None:
        return None, "Chưa điểm danh."
    rate = float(summary["rate"])
    return (min(rate / rules["attendance_full_rate"], 1),
            f"Đảng viên dự {vn_percent(rate)} (đủ điểm từ {vn_percent(rules['attendance_full_rate'])}).")


def _sending_points(db: Database, meeting: dict, rules: dict) -> tuple[float | None, str]:
    """The resolution and the report adopted at the meeting, uploaded to Sổ tay and sent to the Đảng ủy in time."""
    due = meeting["held_on"] + timedelta(days=rules["send_within_days"])
    issued = [doc.id for doc in issued_documents(db, months.month_start(meeting["held_on"]))]
    if not issued:
        return None, "Chưa có nghị quyết, báo cáo của buổi sinh hoạt."
    on_time = db.scalar(f"SELECT count(*) FROM document_deliveries WHERE done_on <= ? AND document_id IN "
                        f"({', '.join('?' * len(issued))})", [due, *issued])
    expected = 2 * len(issued)  # each uploaded to Sổ tay and sent to the Đảng ủy
    return (on_time / expected, f"Nghị quyết, báo cáo: {on_time}/{expected} lần đăng Sổ tay, gửi Đảng ủy đúng hạn "
                                f"(đến {vn_date(due)}).")


def issued_documents(db: Database, month: date) -> list[documents.Document]:
    """What a month's regular meeting issues, to upload to Sổ tay and send to the Đảng ủy: the month's resolution and
    the report on the month before (each once made)."""
    return [doc for doc in (documents.monthly_resolution(db, month),
                            documents.report_of(db, months.previous_month(month))) if doc is not None]


def record_times(db: Database, actor: Actor, meeting_id: int, starts_at, ends_at) -> None:
    """When the meeting began and ended, as the minutes state them."""
    require(actor, "run_meeting")
    starts, ends = _clock(starts_at, "Giờ bắt đầu"), _clock(ends_at, "Giờ kết thúc")
    _end_after_start(starts, ends)

    db.write(lambda cur: _set(cur, actor, meeting_id, {"starts_at": starts, "ends_at": ends}, "ghi giờ sinh hoạt"))


# -- the clock of the meeting display ----------------------------------------------------------------------------
def start_meeting(db: Database, actor: Actor, meeting_id: int, now: datetime) -> None:
    """The secretary starts the clock on the display: the meeting and its first agenda item begin now."""
    require(actor, "run_meeting")

    def work(cur):
        meeting = _running(cur, meeting_id, now, started=False)
        if meeting["starts_at"] is not None:
            raise InputError(f"Buổi sinh hoạt đã bắt đầu lúc {meeting['starts_at']:%H:%M}.")
        _set(cur, actor, meeting_id, {"starts_at": _minute(now)}, "bắt đầu sinh hoạt")
        _insert_item(cur, actor, meeting_id, AGENDA[0][0], now)
    db.write(work)


def record_item_start(db: Database, actor: Actor, meeting_id: int, item: str, now: datetime) -> bool:
    """The display moved on to `item` while the meeting runs: the time it began, kept from the first time it is
    reached (going back and forth changes nothing). Outside a running meeting the display only turns its page."""
    require(actor, "run_meeting")
    if item not in dict(AGENDA):
        raise InputError("Mục chương trình không hợp lệ.")

    return db.write(lambda cur: _reach_item(cur, actor, meeting_id, item, now))


def _reach_item(cur, actor: Actor, meeting_id: int, item: str, now: datetime) -> bool:
    """In the caller's transaction: keep when `item` began, the first time it is reached while the meeting runs."""
    try:
        _running(cur, meeting_id, now)
    except InputError:
        return False  # outside a running meeting the display only turns its page
    if cur.execute("SELECT count(*) FROM meeting_items WHERE meeting_id = ? AND item = ?",
                   [meeting_id, item]).fetchone()[0]:
        return False
    _insert_item(cur, actor, meeting_id, item, now)
    return True


def end_meeting(db: Database, actor: Actor, meeting_id: int, now: datetime) -> None:
    """The chair closes the meeting: its end is now, which the minutes and the rubric's duration read."""
    require(actor, "run_meeting")

    def work(cur):
        meeting = _running(cur, meeting_id, now)
        _end_after_start(meeting["starts_at"], _minute(now))
        _set(cur, actor, meeting_id, {"ends_at": _minute(now)}, "kết thúc sinh hoạt")
    db.write(work)


def _minute(now: datetime) -> time:
    """A meeting's start and end as the minutes state them: to the minute."""
    return now.time().replace(second=0, microsecond=0)


def _running(cur, meeting_id: int, now: datetime, started: bool = True) -> dict:
    """The meeting, if it is held today and (when `started`) under way: begun, not ended."""
    meeting = audit.row(cur, "meetings", meeting_id)
    if meeting is None:
        raise InputError("Không tìm thấy cuộc họp.")
    if meeting["held_on"] != now.date():
        raise InputError(f"Buổi sinh hoạt này ngày {vn_date(meeting['held_on'])}; chỉ tính giờ vào đúng ngày họp.")
    if started and meeting["starts_at"] is None:
        raise InputError("Buổi sinh hoạt chưa bắt đầu tính giờ.")
    if started and meeting["ends_at"] is not None:
        raise InputError(f"Buổi sinh hoạt đã kết thúc lúc {meeting['ends_at']:%H:%M}.")
    return meeting


def _insert_item(cur, actor: Actor, meeting_id: int, item: str, now: datetime) -> None:
    now = datetime.combine(now.date(), _minute(now))  # to the minute, like the meeting's start and end
    cur.execute("INSERT INTO meeting_items VALUES (?, ?, ?)", [meeting_id, item, now])
    audit.log(cur, actor, "chuyển mục sinh hoạt", "meetings", meeting_id, None,
              {"item": item, "started_at": now.isoformat(timespec="minutes")})


def item_times(db: Database, meeting_id: int, now: datetime) -> list[dict]:
    """When each agenda item began and how many minutes it took (until the next item began, the meeting ended, or
    now while it runs); items never reached are left out."""
    meeting = get(db, meeting_id)
    started = dict(db.rows("SELECT item, started_at FROM meeting_items WHERE meeting_id = ?", [meeting_id]))
    reached = [(key, title, started[key]) for key, title in AGENDA if key in started]
    ended = datetime.combine(meeting["held_on"], meeting["ends_at"]) if meeting["ends_at"] else None
    times = []
    for index, (key, title, began) in enumerate(reached):
        until = reached[index + 1][2] if index + 1 < len(reached) else ended or (now if now.date() == began.date()
                                                                                  else None)
        minutes = int((until - began).total_seconds() // 60) if until and until >= began else None
        times.append({"item": key, "title": title, "started_at": began, "minutes": minutes})
    return times


def clock(db: Database, meeting_id: int, now: datetime) -> dict:
    """What the display's clock shows: the start, the minutes held so far (or in all, once ended), the minimum."""
    meeting = get(db, meeting_id)
    elapsed = held_minutes(meeting)
    running = meeting["starts_at"] is not None and meeting["ends_at"] is None and meeting["held_on"] == now.date()
    if running:
        elapsed = max(int((now - datetime.combine(meeting["held_on"], meeting["starts_at"])).total_seconds() // 60), 0)
    return {"starts_at": meeting["starts_at"], "ends_at": meeting["ends_at"], "elapsed": elapsed, "running": running,
            "minimum": minimum_minutes(db, meeting), "today": meeting["held_on"] == now.date()}


def _set(cur, actor: Actor, meeting_id: int, values: dict, action: str) -> None:
    """Some of a meeting's columns, in the caller's transaction, audited with what they held before."""
    before = audit.row(cur, "meetings", meeting_id)
    if before is None:
        raise InputError("Không tìm thấy cuộc họp.")
    cur.execute(f"UPDATE meetings SET {', '.join(f'{column} = ?' for column in values)} WHERE id = ?",
                [*values.values(), meeting_id])
    audit.log(cur, actor, action, "meetings", meeting_id, {column: before[column] for column in values}, values)


@memoised
def presenters(db: Database, meeting_id: int) -> dict[str, int]:
    """Who presented each item of PRESENTED_ITEMS that has been recorded: item -> member id."""
    return dict(db.rows("SELECT item, member_id FROM meeting_presenters WHERE meeting_id = ?", [meeting_id]))


def set_presenters(db: Database, actor: Actor, meeting_id: int, chosen: dict[str, int | None]) -> None:
    """From the meeting screen: who presented the report and the draft (None: the chair did)."""
    require(actor, "run_meeting")
    if set(chosen) - set(PRESENTED_ITEMS):
        raise InputError("Mục chương trình không hợp lệ.")
    chosen = {item: validate.optional_id(member_id) for item, member_id in chosen.items()}

    def work(cur):
        if validate.existing_id(cur, "meetings", meeting_id) is None:
            raise InputError("Không tìm thấy cuộc họp.")
        for item, member_id in chosen.items():
            validate.existing_id(cur, "members", member_id)
            cur.execute("DELETE FROM meeting_presenters WHERE meeting_id = ? AND item = ?", [meeting_id, item])
            if member_id is not None:
                cur.execute("INSERT INTO meeting_presenters VALUES (?, ?, ?)", [meeting_id, item, member_id])
        audit.log(cur, actor, "ghi người trình bày", "meetings", meeting_id, None, chosen)
    db.write(work)


def vote_form(db: Database, meeting_id: int) -> versions.Opened:
    """What the vote form is opened on: the votes recorded so far."""
    return versions.opened({"votes_for": get(db, meeting_id)["votes_for"]})


def record_vote(db: Database, actor: Actor, meeting_id: int, votes_for, votes_against=0,
                opened: str | None = None) -> None:
    """The vote's result. `opened`: the version of its form (vote_form)."""
    require(actor, "run_meeting")

    def work(cur):
        present = cur.execute("SELECT count(*) FROM attendance WHERE meeting_id = ? AND status = 'present'",
                              [meeting_id]).fetchone()[0]
        votes = validate.integer(votes_for, "Số phiếu tán thành", 0, present)
        against = validate.integer(votes_against, "Số phiếu không tán thành", 0, present - votes)
        stored = cur.execute("SELECT votes_for FROM meetings WHERE id = ?", [meeting_id]).fetchone()
        versions.check(cur, opened, {"votes_for": stored[0] if stored else None}, {"votes_for": votes},
                       what="kết quả biểu quyết", labels={"votes_for": "Số đồng chí tán thành"}, entity="meetings",
                       entity_id=meeting_id)
        _set(cur, actor, meeting_id, {"votes_for": votes, "votes_against": against}, "ghi biểu quyết")
    db.write(work)


def rubric_form(db: Database):
    """What the rubric editor is opened on."""
    return cell.setting_form(db, "meeting_rubric", DEFAULT_RUBRIC)


def save_rubric(db: Database, actor: Actor, criteria: dict, opened: str | None = None) -> None:
    """The rubric must name each criterion once and total 100 points. `opened`: the version of the editor
    (rubric_form)."""
    cleaned = {}
    for name, points in criteria.items():
        label = validate.text(name, "Tên tiêu chí")
        cleaned[label] = validate.number(points, f"Điểm tối đa của «{label}»", 0.5, 100)
    if abs(sum(cleaned.values()) - 100) > 1e-9:
        raise InputError(f"Tổng điểm tối đa phải bằng 100 (đang là {vn_number(sum(cleaned.values()), 2)}).")
    cell.save_setting(db, actor, "meeting_rubric", cleaned, opened, what="thang điểm chất lượng sinh hoạt")


def mark_all_present(db: Database, actor: Actor, meeting_id: int) -> int:
    """Start the roll call with everyone present (exempt members as exempt); absences are then corrected."""
    require(actor, "run_meeting")

    def work(cur):
        if not cur.execute("SELECT count(*) FROM meetings WHERE id = ?", [meeting_id]).fetchone()[0]:
            raise InputError("Không tìm thấy cuộc họp.")
        if cur.execute("SELECT count(*) FROM attendance WHERE meeting_id = ?", [meeting_id]).fetchone()[0]:
            raise InputError("Cuộc họp đã có điểm danh; hãy sửa từng dòng trong bảng điểm danh.")
        cur.execute("INSERT INTO attendance SELECT ?, id, CASE WHEN status = 'exempt' THEN 'exempt' ELSE 'present' END,"
                    " '' FROM members WHERE status <> 'inactive'", [meeting_id])
        count = cur.execute("SELECT count(*) FROM attendance WHERE meeting_id = ?", [meeting_id]).fetchone()[0]
        audit.log(cur, actor, "điểm danh: tất cả có mặt", "meetings", meeting_id, None, {"members": count})
        return count
    return db.write(work)


# -- the projector follows the secretary ------------------------------------------------
# Whether the projector's own account may move the display too (the operator beside the screen); the secretary always
# may. A setting of the cell, on by default: a cell without a secretary's device drives it from the projector.
PROJECTOR_MOVES = "projector_moves_display"


@memoised
def display_position(db: Database, month: date) -> tuple[int, int]:
    """The agenda item (its index in AGENDA) and page every screen showing `month`'s regular meeting shows: where the
    secretary left them."""
    found = db.one("SELECT item, page FROM display_position WHERE month = ?", [months.month_start(month)])
    return (found[0], found[1]) if found else (0, 0)


def step_position(pages: tuple[int, ...], item: int, page: int, step: int) -> tuple[int, int]:
    """`step` pages on from (item, page), the agenda read as one run of pages — the first item's, then the next
    item's — and kept within it: on an item's last page «Tiếp ▶» opens the next item, on its first page «◀ Trước» the
    previous item's last page, as a presentation's clicker does. `pages`: each item's page count (agenda.page_counts);
    a page past an item's count (its list got shorter) counts as its last."""
    run = [(index, number) for index, count in enumerate(pages) for number in range(max(count, 1))]
    item = min(max(item, 0), len(pages) - 1)
    here = run.index((item, min(max(page, 0), max(pages[item], 1) - 1)))
    return run[min(max(here + step, 0), len(run) - 1)]


def may_move_display(db: Database, actor: Actor) -> bool:
    if actor.role == "trinh_chieu" and not cell.setting(db, PROJECTOR_MOVES, True):
        return False
    return actor.can("move_display")


def move_display(db: Database, actor: Actor, month: date, step: int, now: datetime, pages: tuple[int, ...]) -> tuple[int, int]:
    """Move the display of `month`'s regular meeting (recorded or only planned) by `step` pages (step_position); the new
    (item, page). Audited with who moved it from where to where, in the same write; the secretary's move while the
    meeting runs also records when the item began (record_item_start)."""
    require(actor, "move_display")
    if not may_move_display(db, actor):
        raise PermissionDenied("Theo cài đặt của chi bộ, chỉ thư ký chuyển mục trình chiếu; máy chiếu đi theo.")
    if len(pages) != len(AGENDA):
        raise ValueError("pages: one count per agenda item")
    month = months.month_start(validate.a_date(month, "Tháng"))

    def work(cur):
        found = cur.execute("SELECT item, page FROM display_position WHERE month = ?", [month]).fetchone()
        before = tuple(found) if found else (0, 0)
        item, page = step_position(pages, *before, step)
        cur.execute("INSERT OR REPLACE INTO display_position VALUES (?, ?, ?, ?, ?)",
                    [month, item, page, now, actor.username])
        meeting = cur.execute("SELECT id FROM meetings WHERE kind = 'thuong_ky' AND date_trunc('month', held_on) = ?"
                              " ORDER BY held_on LIMIT 1", [month]).fetchone()
        audit.log(cur, actor, DISPLAY_MOVED, "display_position", meeting[0] if meeting else None,
                  _position_said(month, *before), _position_said(month, item, page))
        if meeting and actor.can("run_meeting"):  # one write: every display drops its kept reads once per move
            _reach_item(cur, actor, meeting[0], AGENDA[item][0], now)
        return item, page
    return db.write(work)


def _position_said(month: date, item: int, page: int) -> dict:
    """A display position as the audit log keeps it: readable by a person (audit.readable)."""
    return {"meeting_month": f"{month.month}/{month.year}", "item": f"{item + 1}. {AGENDA[item][1]}", "page": page + 1}
