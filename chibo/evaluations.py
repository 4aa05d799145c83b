"""The monthly evaluation: figures computed from the data, the written judgement,
commendations and reminders, month close (a frozen snapshot) and annual ratings."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd

from chibo import audit, documents, meetings, months, targets, validate, versions
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.labels import missing
from chibo.permissions import Actor, require

TEXT_FIELDS = {
    "results": "Kết quả đạt được",
    "strengths": "Ưu điểm",
    "weaknesses": "Hạn chế, khuyết điểm",
    "causes_subjective": "Nguyên nhân chủ quan",
    "causes_objective": "Nguyên nhân khách quan",
    "responsibility": "Trách nhiệm của tập thể, cá nhân",
    "lessons": "Bài học kinh nghiệm",
    "proposals": "Kiến nghị, đề xuất với Đảng ủy",
}

# Quy định 366-QĐ/TW (2025), 100-point scale.
RATING_BANDS = [(90, "Hoàn thành xuất sắc nhiệm vụ"), (70, "Hoàn thành tốt nhiệm vụ"),
                (50, "Hoàn thành nhiệm vụ"), (0, "Không hoàn thành nhiệm vụ")]


def rating_band(score: float) -> str:
    for floor, label in RATING_BANDS:
        if score >= floor:
            return label
    return RATING_BANDS[-1][1]


@memoised
def get(db: Database, month: date) -> dict | None:
    found = db.records("SELECT * FROM evaluations WHERE month = ?", [months.month_start(month)])
    return found[0] if found else None


def _resolution_or_fail(db: Database, month: date) -> documents.Document:
    doc = documents.monthly_resolution(db, month)
    if not doc:
        raise InputError(f"Tháng {month.month}/{month.year} chưa có nghị quyết nên chưa thể đánh giá.")
    return doc


@memoised
def task_results(db: Database, month: date, today: date) -> pd.DataFrame:
    """The tasks set by the month's resolution: live, or frozen if the month is closed."""
    month = months.month_start(month)
    evaluation = get(db, month)
    if evaluation and evaluation["closed_at"]:
        return db.query(
            "SELECT s.task_id AS id, s.field, s.title, s.deadline, s.done_on, s.progress, s.status AS effective_status,"
            " lead_name(t.lead_member_id, t.lead_unit_id) AS lead"
            " FROM month_task_snapshots s LEFT JOIN tasks t ON t.id = s.task_id WHERE s.evaluation_id = ?"
            " ORDER BY s.field, s.deadline, s.task_id",
            [evaluation["id"]])
    return db.query(
        "SELECT id, field, title, deadline, done_on, progress, effective_status, lead FROM month_tasks(?, ?)"
        " ORDER BY field, deadline, id", [month, today])


def month_to_evaluate(resolved: list[date], today: date) -> date | None:
    """The month an evaluation screen opens on: the newest month that has ended (the current one is still running,
    a next month's draft has not begun); the current one only when no earlier month has a resolution
    (`resolved` are the months that have a resolution, newest first)."""
    ended = [m for m in resolved if m < months.month_start(today)]
    return ended[0] if ended else (resolved[-1] if resolved else None)  # else the earliest: this month, if any


def close_consequence(month: date) -> str:
    """What closing a month does, said before the button is pressed."""
    return (f"Chốt tháng {month.month}/{month.year}: các nhiệm vụ và số liệu chỉ tiêu của tháng sẽ bị khóa ở giá trị "
            "hiện tại; báo cáo tháng lấy số liệu đã chốt; chỉ quản trị viên mở lại được.")


def task_counts(results: pd.DataFrame) -> dict:
    """Outcome counts of a month's task results (live or frozen)."""
    counts = results["effective_status"].value_counts().to_dict()
    return {
        "tasks": len(results),
        "done_on_time": int(counts.get("done", 0)),
        "done_late": int(counts.get("done_late", 0)),
        "not_done": int(counts.get("not_done", 0)),
        "overdue": int(counts.get("overdue", 0)),
        "in_progress": int(counts.get("in_progress", 0) + counts.get("not_started", 0)),
        "paused": int(counts.get("paused", 0)),
    }


@memoised
def figures(db: Database, month: date, today: date) -> dict:
    """Everything the evaluation states as a number, computed from the data."""
    month = months.month_start(month)
    doc = _resolution_or_fail(db, month)
    results = task_results(db, month, today)
    meeting_id = meetings.month_meeting(db, month)
    last_day = min(months.month_end(month), today)
    card = _frozen_scorecard(db, month) if _is_closed(db, month) else targets.scorecard(db, last_day)
    supervision = db.query(
        "SELECT conclusion, count(*) AS n FROM supervisions WHERE held_on BETWEEN ? AND ? GROUP BY conclusion",
        [month, months.month_end(month)])
    return task_counts(results) | {
        "document": doc,
        "avg_attainment": None if card["attainment"].isna().all() else round(float(card["attainment"].mean()), 1),
        "targets": card,
        "attendance": meetings.attendance_summary(db, meeting_id) if meeting_id else None,
        "supervision": dict(zip(supervision["conclusion"], supervision["n"])),
    }


def _is_closed(db: Database, month: date) -> bool:
    return bool(db.scalar("SELECT closed_at IS NOT NULL FROM evaluations WHERE month = ?", [month]))


def _frozen_scorecard(db: Database, month: date) -> pd.DataFrame:
    """The target figures as they were when the month was closed."""
    return db.query("SELECT tg.id, tg.name, tg.kind, s.value AS actual, s.value_text AS actual_text, s.attainment"
                    " FROM month_target_snapshots s JOIN evaluations e ON e.id = s.evaluation_id"
                    " JOIN targets tg ON tg.id = s.target_id WHERE e.month = ? ORDER BY tg.field, tg.id", [month])


_TEXTS_SQL = f"SELECT id, closed_at, {', '.join(TEXT_FIELDS)} FROM evaluations WHERE month = ?"


def _texts_of(found: tuple | None) -> dict[str, str]:
    """The written judgement as stored (every part empty before the first save): the form's version is taken over it."""
    return dict(zip(TEXT_FIELDS, found[2:] if found else [""] * len(TEXT_FIELDS)))


def texts_form(db: Database, month: date) -> versions.Opened:
    """What the form of the written judgement is opened on."""
    return versions.opened(_texts_of(db.one(_TEXTS_SQL, [months.month_start(month)])))


def save(db: Database, actor: Actor, month: date, *, opened: str | None = None, **texts) -> int:
    """The written judgement, part by part. `opened`: the version its form was opened on (texts_form); a newer one
    with other words refuses the save (StaleEdit)."""
    require(actor, "edit_evaluations")
    month = months.month_start(validate.a_date(month, "Tháng"))
    doc = _resolution_or_fail(db, month)
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise InputError(f"Mục đánh giá không hợp lệ: {', '.join(sorted(unknown))}.")
    cleaned = {k: validate.long_text(v, TEXT_FIELDS[k]) for k, v in texts.items()}

    def work(cur):
        before = cur.execute(_TEXTS_SQL, [month]).fetchone()
        if before and before[1]:
            raise InputError("Tháng đã chốt; quản trị viên phải mở lại tháng trước khi sửa đánh giá.")
        versions.check(cur, opened, _texts_of(before), cleaned, what=f"đánh giá tháng {month.month}/{month.year}",
                       labels=TEXT_FIELDS, entity="evaluations", entity_id=before[0] if before else None)
        if before:
            sets = ", ".join(f"{k} = ?" for k in cleaned)
            if sets:
                cur.execute(f"UPDATE evaluations SET {sets} WHERE id = ?", [*cleaned.values(), before[0]])
            evaluation_id = before[0]
        else:
            cols = ", ".join(["month", "document_id", *cleaned])
            marks = ", ".join("?" * (2 + len(cleaned)))
            evaluation_id = cur.execute(f"INSERT INTO evaluations ({cols}) VALUES ({marks}) RETURNING id",
                                        [month, doc.id, *cleaned.values()]).fetchone()[0]
        audit.log(cur, actor, "ghi đánh giá tháng", "evaluations", evaluation_id, None, cleaned)
        return evaluation_id
    return db.write(work)


def add_mention(db: Database, actor: Actor, month: date, member_id: int, kind: str, reason: str) -> int:
    require(actor, "edit_evaluations")
    kind = validate.choice(kind, {"bieu_duong": "Biểu dương", "nhac_nho": "Nhắc nhở"}, "Hình thức")
    reason = validate.text(reason, "Lý do", max_len=400)
    if validate.existing_id(db, "members", member_id) is None:  # before the evaluation is made for it
        raise InputError("Hãy chọn đảng viên được biểu dương hoặc nhắc nhở.")
    evaluation_id = save(db, actor, month)

    def work(cur):
        mention_id = cur.execute("INSERT INTO evaluation_mentions (evaluation_id, member_id, kind, reason)"
                                 " VALUES (?, ?, ?, ?) RETURNING id",
                                 [evaluation_id, int(member_id), kind, reason]).fetchone()[0]
        audit.log(cur, actor, "biểu dương/nhắc nhở", "evaluations", evaluation_id, None,
                  {"member_id": member_id, "kind": kind, "reason": reason})
        return mention_id
    return db.write(work)


_MENTIONS = ("SELECT mn.id, mn.member_id, m.full_name, mn.kind, mn.reason FROM evaluation_mentions mn"
             " JOIN evaluations e ON e.id = mn.evaluation_id JOIN members m ON m.id = mn.member_id"
             " WHERE e.month = ?")


def mentions(db: Database, actor: Actor, month: date) -> pd.DataFrame:
    """The month's commendations, and of its reminders those the actor may read (a member their own)."""
    everyone, member = actor.whose("reminders")
    return db.query(_MENTIONS + " AND (mn.kind = 'bieu_duong' OR ? OR mn.member_id = ?) ORDER BY mn.kind, m.full_name COLLATE vi",
                    [months.month_start(month), everyone, member])


@memoised
def mentions_for_documents(db: Database, month: date) -> pd.DataFrame:
    """Every commendation and reminder, as the resolution and the report state them: for the documents, which only
    those who may export make (docs.export_bytes requires it); screens read `mentions`."""
    return db.query(_MENTIONS + " ORDER BY mn.kind, m.full_name COLLATE vi", [months.month_start(month)])


def close_month(db: Database, actor: Actor, month: date, today: date, early: bool = False) -> None:
    """Freeze the month's task statuses and target values; later edits do not change its figures. Not before the
    month has ended: its work is still being done; an administrator may (`early`), and the audit log says so."""
    require(actor, "edit_evaluations")
    month = months.month_start(validate.a_date(month, "Tháng"))
    _resolution_or_fail(db, month)
    if today <= months.month_end(month):
        if not early:
            raise InputError(f"Tháng {month.month}/{month.year} chưa kết thúc (đến hết ngày "
                             f"{months.month_end(month):%d/%m/%Y}); chưa thể chốt tháng.")
        require(actor, "reopen_month")  # the administrator's override
    existing = get(db, month)
    evaluation_id = existing["id"] if existing else save(db, actor, month)

    def work(cur):
        close_month_in(cur, actor, evaluation_id, month, today, datetime.now())
        if early:
            audit.log(cur, actor, "chốt tháng sớm", "evaluations", evaluation_id, None, {"on": today})
    db.write(work)


def close_month_in(cur, actor: Actor, evaluation_id: int, month: date, today: date, closed_at: datetime) -> None:
    """The close itself, in the caller's transaction (the demo closes its past months with it too):
    task statuses as read on `today`, target figures as of the month's end (or today, if earlier)."""
    closed = cur.execute("SELECT closed_at FROM evaluations WHERE id = ?", [evaluation_id]).fetchone()[0]
    if closed:
        raise InputError(f"Tháng {month.month}/{month.year} đã chốt từ {closed:%d/%m/%Y %H:%M}.")
    as_of = min(months.month_end(month), today)
    cur.execute(
        "INSERT INTO month_task_snapshots SELECT ?, id, title, field, effective_status, progress, deadline, done_on"
        " FROM month_tasks(?, ?)", [evaluation_id, month, today])
    cur.execute(
        "INSERT INTO month_target_snapshots SELECT ?, id, actual, coalesce(actual_text, ''), attainment"
        f" FROM ({targets.SCORECARD_SQL.replace('$as_of', '?::DATE')})",
        [evaluation_id, as_of, as_of])
    cur.execute("UPDATE evaluations SET closed_at = ?, closed_by = ? WHERE id = ?",
                [closed_at, actor.user_id, evaluation_id])
    cur.execute("UPDATE documents SET status = 'evaluated', updated_at = current_timestamp"
                " WHERE kind = 'nq_thang' AND month = ?", [month])
    audit.log(cur, actor, "chốt tháng", "evaluations", evaluation_id, {"closed": False}, {"closed": True})


def reopen_month(db: Database, actor: Actor, month: date, reason: str) -> None:
    require(actor, "reopen_month")
    month = months.month_start(month)
    reason = validate.text(reason, "Lý do mở lại", max_len=400)

    def work(cur):
        found = cur.execute("SELECT id, closed_at FROM evaluations WHERE month = ?", [month]).fetchone()
        if not found or not found[1]:
            raise InputError("Tháng này chưa chốt.")
        for table in ("month_task_snapshots", "month_target_snapshots"):
            cur.execute(f"DELETE FROM {table} WHERE evaluation_id = ?", [found[0]])
        cur.execute("UPDATE evaluations SET closed_at = NULL, closed_by = NULL WHERE id = ?", [found[0]])
        cur.execute("UPDATE documents SET status = 'in_progress' WHERE kind = 'nq_thang' AND month = ?", [month])
        audit.log(cur, actor, "mở lại tháng", "evaluations", found[0], {"closed": True},
                  {"closed": False, "reason": reason})
    db.write(work)


def month_over_month(db: Database, today: date, limit: int = 12) -> pd.DataFrame:
    """Per month: tasks and their outcomes (frozen figures for closed months, live for open ones)."""
    return db.query(
        "WITH live AS ("
        " SELECT month, effective_status AS s FROM resolution_tasks(?)"
        "  WHERE month NOT IN (SELECT month FROM evaluations WHERE closed_at IS NOT NULL)"
        " UNION ALL SELECT e.month, s.status FROM month_task_snapshots s JOIN evaluations e ON e.id = s.evaluation_id"
        ") SELECT month, count(*) AS tasks, count(*) FILTER (WHERE s = 'done') AS done_on_time,"
        " count(*) FILTER (WHERE s = 'done_late') AS done_late, count(*) FILTER (WHERE s = 'not_done') AS not_done,"
        " count(*) FILTER (WHERE s = 'overdue') AS overdue,"
        " round(100.0 * count(*) FILTER (WHERE s IN ('done', 'done_late')) / count(*), 1) AS done_rate"
        " FROM live GROUP BY month ORDER BY month DESC LIMIT ?", [today, limit])


def shortcomings(db: Database, month: date) -> list[str]:
    evaluation = get(db, month)
    text = (evaluation or {}).get("weaknesses") or ""
    return [line.strip(" -+•") for line in text.splitlines() if line.strip(" -+•")]


# -- annual ratings ---------------------------------------------------------------
def save_rating(db: Database, actor: Actor, year: int, score, member_id: int | None = None, note: str = "") -> int:
    require(actor, "edit_evaluations")
    year = validate.integer(year, "Năm", 2000, 2100)
    score = validate.number(score, "Điểm xếp loại", 0, 100)
    note = validate.text(note, "Ghi chú", required=False, max_len=400)

    def work(cur):
        validate.existing_id(cur, "members", member_id)  # None: the cell's own rating
        cur.execute("DELETE FROM ratings WHERE year = ? AND member_id IS NOT DISTINCT FROM ?", [year, member_id])
        rating_id = cur.execute("INSERT INTO ratings (year, member_id, score, note) VALUES (?, ?, ?, ?) RETURNING id",
                                [year, member_id, score, note]).fetchone()[0]
        audit.log(cur, actor, "xếp loại chất lượng", "ratings", rating_id, None,
                  {"year": year, "member_id": member_id, "score": score})
        return rating_id
    return db.write(work)


EVIDENCE_COLUMNS = ("tasks", "present", "unexcused", "commended", "reminded")


def no_evidence_recorded(rated: pd.DataFrame) -> bool:
    """A year before the cell used chibo: ratings may be typed in, but no task, meeting or mention backs them."""
    return not rated.empty and not rated[list(EVIDENCE_COLUMNS)].to_numpy().any()


def ratings_with_evidence(db: Database, actor: Actor, year: int, today: date) -> pd.DataFrame:
    """Each active member's rating for the year beside the evidence counts that support it: every member's for the
    committee, a member's own row for a member, none for the projector."""
    everyone, member = actor.whose("ratings")
    frame = db.query(
        "WITH led AS (SELECT t.lead_member_id AS member_id,"
        "  count(*) AS tasks, count(*) FILTER (WHERE t.effective_status = 'done') AS on_time,"
        "  count(*) FILTER (WHERE t.effective_status = 'done_late') AS late,"
        "  count(*) FILTER (WHERE t.effective_status IN ('overdue','not_done')) AS missed"
        "  FROM resolution_tasks($1) t WHERE year(t.month) = $2 GROUP BY 1),"
        " att AS (SELECT a.member_id, count(*) FILTER (WHERE a.status = 'present') AS present,"
        "  count(*) FILTER (WHERE a.status = 'absent_unexcused') AS unexcused FROM attendance a"
        "  JOIN meetings mt ON mt.id = a.meeting_id WHERE year(mt.held_on) = $2 GROUP BY 1),"
        " men AS (SELECT mn.member_id, count(*) FILTER (WHERE kind = 'bieu_duong') AS commended,"
        "  count(*) FILTER (WHERE kind = 'nhac_nho') AS reminded FROM evaluation_mentions mn"
        "  JOIN evaluations e ON e.id = mn.evaluation_id WHERE year(e.month) = $2 GROUP BY 1)"
        " SELECT m.id AS member_id, m.full_name, r.score, coalesce(led.tasks, 0) AS tasks,"
        " coalesce(led.on_time, 0) AS on_time, coalesce(led.late, 0) AS late, coalesce(led.missed, 0) AS missed,"
        " coalesce(att.present, 0) AS present, coalesce(att.unexcused, 0) AS unexcused,"
        " coalesce(men.commended, 0) AS commended, coalesce(men.reminded, 0) AS reminded"
        " FROM members m LEFT JOIN ratings r ON r.member_id = m.id AND r.year = $2"
        " LEFT JOIN led ON led.member_id = m.id LEFT JOIN att ON att.member_id = m.id"
        " LEFT JOIN men ON men.member_id = m.id WHERE m.status <> 'inactive' AND ($3 OR m.id = $4)"
        " ORDER BY m.full_name COLLATE vi", [today, year, everyone, member])
    frame["band"] = frame["score"].map(lambda s: rating_band(s) if not missing(s) and s is not None else "")
    return frame
