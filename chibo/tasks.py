"""Assignment tracking: the task board, a member's own tasks, progress, status rules,
deadline extensions, units' load, and supervision records."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

from chibo import audit, cell, config, evidence, months, validate, versions
from chibo.db import Database, Transaction, memoised
from chibo.errors import InputError
from chibo.labels import CHANNELS, CONCLUSIONS, FIELDS, SUPERVISION_KINDS, TASK_STATUSES, vn_date
from chibo.permissions import Actor, require

CLOSED_STATUSES = ("done", "not_done")
UNADOPTED_STATUSES = ("draft", "agreed")  # a resolution the cell has not adopted assigns no work yet
RECORDABLE_STATUSES = ("not_started", "in_progress", "done", "not_done", "paused")


# Effective status, overdue and who leads are the macros of schema/0002_vocabulary.sql; this module
# reads them through resolution_tasks(today), never spelling them again.
_BOARD_SELECT = (
    "SELECT t.id, t.month, t.field, t.title, t.lead_member_id, t.lead_unit_id, t.lead, t.channel, t.start_on,"
    " t.deadline, t.status, t.effective_status, t.overdue, t.progress, t.done_on, t.extensions, t.carried_from_id, t.report_at,"
    " (SELECT string_agg(pm.full_name, ', ' ORDER BY pm.full_name COLLATE vi) FROM task_partners p"
    "  JOIN members pm ON pm.id = p.member_id WHERE p.task_id = t.id) AS partners"
    " FROM resolution_tasks(?) t"
)


BOARD_LIMIT = 500


def _board_sql(today, month, field, unit_id, member_id, channel, status, words="", open_only=False) -> tuple[str, list]:
    sql = _BOARD_SELECT + " WHERE true"
    params: list = [today]
    for clause, value in (("t.month = ?", month), ("t.field = ?", field), ("t.channel = ?", channel),
                          ("t.lead_unit_id = ?", unit_id), ("t.effective_status = ?", status)):
        if value is not None:
            sql += f" AND {clause}"
            params.append(value)
    if member_id is not None:
        sql += (" AND (t.lead_member_id = ? OR EXISTS (SELECT 1 FROM task_partners p WHERE p.task_id = t.id"
                " AND p.member_id = ?))")
        params += [member_id, member_id]
    if words.strip():
        sql += " AND contains(lower(t.title), lower(?))"
        params.append(words.strip())
    if open_only:  # work a member can act on: adopted by the cell (a draft assigns nothing yet), not finished,
        # and its month not closed
        sql += (f" AND t.status NOT IN {CLOSED_STATUSES} AND t.document_id IN (SELECT id FROM documents"
                f" WHERE status NOT IN {UNADOPTED_STATUSES}) AND NOT EXISTS (SELECT 1 FROM evaluations e"
                " WHERE e.document_id = t.document_id AND e.closed_at IS NOT NULL)")
    return sql, params


@memoised
def board(db: Database, today: date, month: date | None = None, field: str | None = None,
          unit_id: int | None = None, member_id: int | None = None, channel: str | None = None,
          status: str | None = None, limit: int | None = None, newest_first: bool = False, words: str = "",
          open_only: bool = False) -> pd.DataFrame:
    """Tasks filtered as the board asks, sorted by deadline; overdue computed for `today`.
    The Vietnamese columns a list shows come with them, made once per write, not per rerun."""
    sql, params = _board_sql(today, month, field, unit_id, member_id, channel, status, words, open_only)
    sql += " ORDER BY deadline DESC, id DESC" if newest_first else " ORDER BY deadline, id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return with_labels(db.query(sql, params))


def with_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """Status (overdue marked red), field, channel, lead and deadline as a person reads them."""
    deadline = [vn_date(d) for d in frame["deadline"]]
    return frame.assign(
        status_label=frame["effective_status"].map(lambda s: ("🔴 " if s == "overdue" else "") + TASK_STATUSES[s]),
        field_label=frame["field"].map(FIELDS),
        channel_label=frame["channel"].map(CHANNELS),
        deadline_shown=deadline,
        open_label=[f"{title} — hạn {shown}" for title, shown in zip(frame["title"], deadline)],
    )


@memoised
def board_totals(db: Database, today: date, **filters) -> dict[str, int]:
    """How many tasks the filters match, and how many of those are overdue: counted in SQL over all of them,
    not over the capped list a page shows."""
    sql, params = _board_sql(today, filters.get("month"), filters.get("field"), filters.get("unit_id"),
                             filters.get("member_id"), filters.get("channel"), filters.get("status"),
                             filters.get("words", ""), filters.get("open_only", False))
    total, overdue = db.one(f"SELECT count(*), count(*) FILTER (WHERE overdue) FROM ({sql})", params)
    return {"total": total, "overdue": overdue}


def board_count(db: Database, today: date, **filters) -> int:
    return board_totals(db, today, **filters)["total"]


def task(db: Database, task_id: int, today: date) -> dict:
    found = db.records(_BOARD_SELECT + " WHERE t.id = ?", [today, task_id])
    if not found:
        raise InputError("Không tìm thấy nhiệm vụ.")
    return found[0]


PROGRESS_LABELS = {"progress": "Tiến độ", "status": "Trạng thái", "done_on": "Ngày hoàn thành"}


def _progress_of(row: dict) -> dict:
    """The figures the progress form shows and a progress update replaces: its version is taken over these."""
    return {key: row[key] for key in PROGRESS_LABELS}


def progress_form(db: Database, task_id: int, today: date) -> versions.Opened:
    """What the progress form is opened on."""
    return versions.opened(_progress_of(task(db, task_id, today)))


def deadline_form(db: Database, task_id: int, today: date) -> versions.Opened:
    """What the extension form is opened on: the deadline it extends."""
    return versions.opened({"deadline": task(db, task_id, today)["deadline"]})


def _progress_shown(key: str, value) -> str:
    if key == "progress":
        return f"{value}%"
    if key == "status":
        return TASK_STATUSES.get(value, str(value))
    return versions.as_read(value)


def history(db: Database, task_id: int) -> pd.DataFrame:
    """Everything that happened to a task: progress entries (a corrected or withdrawn one says so; `entry_id` and the
    name of its file with it) and extensions, newest first."""
    return db.query(
        "SELECT p.recorded_at AS happened_at, 'Cập nhật tiến độ' || CASE WHEN p.withdrawn_at IS NOT NULL"
        " THEN ' (đã rút lại)' WHEN p.corrected_at IS NOT NULL THEN ' (đã sửa)' ELSE '' END AS kind,"
        " p.progress || '%' AS detail, p.note, p.evidence_url, coalesce(f.file_name, '') AS file_name, u.username,"
        " p.id AS entry_id FROM progress_updates p LEFT JOIN users u ON u.id = p.user_id"
        " LEFT JOIN progress_evidence f ON f.update_id = p.id WHERE p.task_id = ?"
        " UNION ALL SELECT e.created_at, 'Gia hạn', strftime(e.old_deadline, '%d/%m/%Y') || ' → '"
        " || strftime(e.new_deadline, '%d/%m/%Y'), e.reason, '', '', u.username, NULL"
        " FROM task_extensions e LEFT JOIN users u ON u.id = e.user_id WHERE e.task_id = ?"
        " UNION ALL SELECT r.requested_at, CASE r.state WHEN 'pending' THEN 'Xin gia hạn (chờ chi ủy)'"
        " WHEN 'approved' THEN 'Xin gia hạn (đã duyệt)' ELSE 'Xin gia hạn (không duyệt)' END,"
        " strftime(r.old_deadline, '%d/%m/%Y') || ' → ' || strftime(r.new_deadline, '%d/%m/%Y'),"
        " r.reason || CASE WHEN r.decision_note <> '' THEN ' — chi ủy: ' || r.decision_note ELSE '' END, '', '',"
        " r.username, NULL FROM extension_requests r WHERE r.task_id = ?"
        " ORDER BY happened_at DESC", [task_id, task_id, task_id])


@memoised
def my_tasks(db: Database, member_id: int, today: date) -> pd.DataFrame:
    """A member's open tasks (lead or partner) in months not yet closed — the ones they can still record progress
    on; what falls due within 7 days comes first."""
    open_tasks = board(db, today, member_id=member_id, open_only=True)
    days_left = (pd.to_datetime(open_tasks["deadline"]) - pd.Timestamp(today)).dt.days
    open_tasks["due_soon"] = days_left.between(0, 7)
    led = open_tasks["lead_member_id"].eq(member_id).fillna(False)  # a unit's task has no lead member: NA, not False
    open_tasks["role"] = led.map({True: "Chủ trì", False: "Phối hợp"})
    return open_tasks.sort_values(["due_soon", "deadline"], ascending=[False, True])


_PARTICIPANT_SQL = ("SELECT count(*) FROM tasks t WHERE t.id = ? AND (t.lead_member_id = ? OR EXISTS (SELECT 1 FROM"
                    " task_partners p WHERE p.task_id = t.id AND p.member_id = ?))")


def _is_participant(cur, task_id: int, member_id: int | None) -> bool:
    if member_id is None:
        return False
    return bool(cur.execute(_PARTICIPANT_SQL, [task_id, member_id, member_id]).fetchone()[0])


def may_update(db: Database, actor: Actor, task_id: int) -> bool:
    """Whether the progress and extension forms are offered: the committee on every task, a member on the tasks
    they lead or take part in (the same rule record_progress enforces)."""
    if not actor.can("record_progress"):
        return False
    return actor.can("edit_tasks") or (actor.member_id is not None and bool(db.scalar(_PARTICIPANT_SQL,
                                                                                     [task_id, actor.member_id,
                                                                                      actor.member_id])))


def _month_closed(cur, task_id: int) -> bool:
    return bool(cur.execute(
        "SELECT count(*) FROM tasks t JOIN evaluations e ON e.document_id = t.document_id"
        " WHERE t.id = ? AND e.closed_at IS NOT NULL", [task_id]).fetchone()[0])


def _clean_progress(progress, note, evidence_url, status, done_on, today: date) -> dict:
    """What a progress form holds, as an entry stores it: finished work is 100% with its day (today by default,
    never later); otherwise the status follows the figure unless one is given, and there is no completion day."""
    progress = validate.integer(progress, "Tiến độ (%)", 0, 100)
    note = validate.long_text(note, "Ghi chú")
    evidence_url = validate.text(evidence_url, "Đường dẫn minh chứng", required=False, max_len=500)
    if evidence_url and not evidence_url.startswith(("http://", "https://")):
        raise InputError("Đường dẫn minh chứng phải bắt đầu bằng http:// hoặc https://")
    status = status or ("done" if progress == 100 else "in_progress" if progress > 0 else "not_started")
    status = validate.choice(status, {s: s for s in RECORDABLE_STATUSES}, "Trạng thái")
    done_on = validate.a_date(done_on, "Ngày hoàn thành", required=False)
    if status == "done":
        done_on = done_on or today
        if done_on > today:
            raise InputError("Ngày hoàn thành không thể ở tương lai.")
        progress = 100
    else:
        done_on = None
    return {"progress": progress, "status": status, "done_on": done_on, "note": note, "evidence_url": evidence_url}


def record_progress(db: Database, actor: Actor, task_id: int, progress, note: str = "",
                    evidence_url: str = "", status: str | None = None, done_on=None,
                    *, today: date, opened: str | None = None, upload: evidence.Upload | None = None,
                    max_mb: int = config.EVIDENCE_MAX_MB, now: datetime | None = None) -> int:
    """A progress entry: kept forever with who and when (`now`: the moment the page lives at), with a photo or a
    file as evidence (`upload`, at most `max_mb`); the task takes its figures. `opened`: the version the form was
    opened on (progress_form); a newer one with other figures refuses the update (StaleEdit). The entry's id."""
    require(actor, "record_progress")
    values = _clean_progress(progress, note, evidence_url, status, done_on, today)
    file = evidence.checked(upload, max_mb)
    figures = {key: values[key] for key in PROGRESS_LABELS}

    def work(cur):
        before = audit.row(cur, "tasks", task_id)
        if not before:
            raise InputError("Không tìm thấy nhiệm vụ.")
        if not actor.can("edit_tasks") and not _is_participant(cur, task_id, actor.member_id):
            raise InputError("Đồng chí chỉ cập nhật được nhiệm vụ mình chủ trì hoặc phối hợp.")
        if _month_closed(cur, task_id):
            raise InputError("Tháng của nhiệm vụ này đã chốt; không thể cập nhật tiến độ.")
        if values["done_on"] and values["done_on"] < before["start_on"]:
            raise InputError("Ngày hoàn thành không thể trước ngày bắt đầu nhiệm vụ.")
        versions.check(cur, opened, _progress_of(before), figures, what=f"tiến độ nhiệm vụ «{before['title']}»",
                       labels=PROGRESS_LABELS, entity="tasks", entity_id=task_id, shown=_progress_shown)
        entry_id = cur.execute(
            "INSERT INTO progress_updates (task_id, recorded_at, progress, status, done_on, note, evidence_url, user_id,"
            " before_progress, before_status, before_done_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [task_id, now or datetime.now(), *figures.values(), values["note"], values["evidence_url"], actor.user_id,
             *_progress_of(before).values()]).fetchone()[0]
        if file:
            evidence.store(cur, entry_id, file)
        follow_entries(cur, task_id)
        audit.log(cur, actor, "cập nhật tiến độ", "tasks", task_id, _progress_of(before),
                  figures | {"note": values["note"]} | ({"evidence_file": file.said()} if file else {}))
        return entry_id
    return db.write(work)


# -- the task follows its entries ------------------------------------------------------------------------------------
# A task's progress, status and completion day are those of its latest entry not withdrawn; with none left, those it
# had before its first entry (kept with every entry). Every page reads them from the task (resolution_tasks and the
# macros over it: the board, the overview, the display, evaluations, documents, targets); this is the one place that
# sets them from the entries.
_STANDING_SQL = (
    "SELECT progress, status, done_on FROM ("
    " SELECT progress, status, done_on, 0 AS rank, -id AS position FROM progress_updates"
    "  WHERE task_id = ? AND withdrawn_at IS NULL AND id IS DISTINCT FROM ?"
    " UNION ALL SELECT coalesce(before_progress, 0), coalesce(before_status, 'not_started'), before_done_on, 1, id"
    "  FROM progress_updates WHERE task_id = ?) ORDER BY rank, position LIMIT 1")


def _figures(found: tuple | None) -> dict | None:
    return dict(zip(PROGRESS_LABELS, found)) if found else None


def follow_entries(cur, task_id: int) -> tuple[dict, dict]:
    """Give the task the figures of its entries, in the caller's transaction: (before, after)."""
    before = _progress_of(audit.row(cur, "tasks", task_id))
    after = _figures(cur.execute(_STANDING_SQL, [task_id, None, task_id]).fetchone()) or before
    if after != before:
        cur.execute("UPDATE tasks SET progress = ?, status = ?, done_on = ?, updated_at = current_timestamp"
                    " WHERE id = ?", [*after.values(), task_id])
    return before, after


# -- an entry corrected or withdrawn by its author, within the cell's window ---------------------------------------
EDIT_HOURS = "progress_edit_hours"  # the cell's setting: how long an author may correct or withdraw an entry
DEFAULT_EDIT_HOURS = 24
EDIT_HOURS_LABEL = "Thời hạn đảng viên sửa hoặc rút lại cập nhật tiến độ của mình (giờ)"
EDIT_HOURS_RANGE = (0, 720)
ENTRY_LABELS = PROGRESS_LABELS | {"note": "Ghi chú", "evidence_url": "Đường dẫn minh chứng", "file_name": "Tệp minh chứng"}
_ENTRY_SQL = ("SELECT p.*, f.file_name, t.title, t.start_on FROM progress_updates p JOIN tasks t ON t.id = p.task_id"
              " LEFT JOIN progress_evidence f ON f.update_id = p.id")


def edit_hours(db: Database) -> int:
    return int(cell.setting(db, EDIT_HOURS, DEFAULT_EDIT_HOURS))


def edit_hours_form(db: Database) -> versions.Opened:
    return cell.setting_form(db, EDIT_HOURS, DEFAULT_EDIT_HOURS)


def save_edit_hours(db: Database, actor: Actor, hours, opened: str | None = None) -> None:
    """The window in which an author may correct or withdraw their entry (0: never). `opened`: edit_hours_form's
    version."""
    require(actor, "settings")
    hours = validate.integer(hours, EDIT_HOURS_LABEL, *EDIT_HOURS_RANGE)
    cell.save_setting(db, actor, EDIT_HOURS, hours, opened, labels={EDIT_HOURS: EDIT_HOURS_LABEL},
                      what="thời hạn sửa, rút lại cập nhật tiến độ")


def _entry_values(entry: dict) -> dict:
    """What a correction may change: an entry's version is taken over these."""
    return {key: entry[key] for key in ENTRY_LABELS}


def _entry_said(entry: dict) -> str:
    """An entry in a sentence: «60% lúc 14:05 ngày 21/11/2026»."""
    return f"{entry['progress']}% lúc {entry['recorded_at']:%H:%M ngày %d/%m/%Y}"


def _refusal(entry: dict, actor: Actor, hours: int, now: datetime) -> str | None:
    """Why `actor` may not correct or withdraw the entry at `now`; None when they may. Only its author, only within
    the window: the committee records an entry of its own instead of rewriting a member's."""
    if entry["withdrawn_at"] is not None:
        return f"Cập nhật {_entry_said(entry)} đã được rút lại."
    if entry["user_id"] is None or entry["user_id"] != actor.user_id:
        return ("Chỉ người ghi cập nhật tiến độ mới sửa hoặc rút lại được cập nhật đó; đồng chí có thể ghi một cập "
                "nhật mới.")
    if hours == 0:
        return "Chi bộ không cho sửa hoặc rút lại cập nhật tiến độ đã ghi; đồng chí hãy ghi một cập nhật mới."
    if now - entry["recorded_at"] > timedelta(hours=hours):
        return (f"Cập nhật {_entry_said(entry)} đã quá {hours} giờ được phép sửa hoặc rút lại; đồng chí hãy ghi một "
                "cập nhật mới.")
    return None


def _editable(cur, actor: Actor, entry_id: int, now: datetime) -> dict:
    """The entry, once `actor` may still correct or withdraw it at `now`; else the sentence that says why not."""
    found = cur.execute(_ENTRY_SQL + " WHERE p.id = ?", [entry_id])
    names = [d[0] for d in found.description]
    row = found.fetchone()
    if row is None:
        raise InputError("Không tìm thấy cập nhật tiến độ này; có thể nhiệm vụ đã bị xóa.")
    entry = dict(zip(names, row))
    refusal = _refusal(entry, actor, int(cell.setting(Transaction(cur), EDIT_HOURS, DEFAULT_EDIT_HOURS)), now)
    if refusal:
        raise InputError(refusal)
    if not actor.can("edit_tasks") and not _is_participant(cur, entry["task_id"], actor.member_id):
        raise InputError("Đồng chí không còn chủ trì hay phối hợp nhiệm vụ này; không sửa được cập nhật.")
    if _month_closed(cur, entry["task_id"]):
        raise InputError("Tháng của nhiệm vụ này đã chốt; không thể sửa hoặc rút lại cập nhật tiến độ.")
    return entry


def editable_entries(db: Database, actor: Actor, task_id: int, now: datetime) -> list[dict]:
    """The entries of a task `actor` may still correct or withdraw at `now` (newest first), each with `until`: when
    its window closes. The same rule correct_progress and withdraw_progress enforce."""
    if not may_update(db, actor, task_id) or actor.user_id is None:
        return []
    hours = edit_hours(db)
    found = [entry for entry in db.records(_ENTRY_SQL + " WHERE p.task_id = ? AND p.user_id = ? AND NOT EXISTS"
                                           " (SELECT 1 FROM tasks t JOIN evaluations e ON e.document_id = t.document_id"
                                           " WHERE t.id = p.task_id AND e.closed_at IS NOT NULL) ORDER BY p.id DESC",
                                           [task_id, actor.user_id])
             if _refusal(entry, actor, hours, now) is None]
    return [entry | {"until": entry["recorded_at"] + timedelta(hours=hours)} for entry in found]


def entry_form(db: Database, entry_id: int) -> versions.Opened:
    """What the correction form (and the withdrawal's confirmation) is opened on: the entry as stored."""
    found = db.records(_ENTRY_SQL + " WHERE p.id = ?", [entry_id])
    if not found:
        raise InputError("Không tìm thấy cập nhật tiến độ này; có thể nhiệm vụ đã bị xóa.")
    return versions.Opened(found[0], versions.token(_entry_values(found[0])))


def correct_progress(db: Database, actor: Actor, entry_id: int, progress, note: str = "", evidence_url: str = "",
                     status: str | None = None, done_on=None, *, now: datetime, upload: evidence.Upload | None = None,
                     drop_file: bool = False, max_mb: int = config.EVIDENCE_MAX_MB, opened: str | None = None) -> None:
    """The author corrects their entry within the window: figures, note, link, file (`upload` replaces it,
    `drop_file` removes it). The task follows if the entry is its latest. Audited with the old and new values.
    `opened`: entry_form's version; the entry changed since (another tab) refuses with both values."""
    require(actor, "record_progress")
    values = _clean_progress(progress, note, evidence_url, status, done_on, now.date())
    file = evidence.checked(upload, max_mb)

    def work(cur):
        entry = _editable(cur, actor, entry_id, now)
        if values["done_on"] and values["done_on"] < entry["start_on"]:
            raise InputError("Ngày hoàn thành không thể trước ngày bắt đầu nhiệm vụ.")
        old = _entry_values(entry)
        new = values | {"file_name": file.file_name if file else None if drop_file else old["file_name"]}
        versions.check(cur, opened, old, new, what=f"cập nhật tiến độ này của nhiệm vụ «{entry['title']}»",
                       labels=ENTRY_LABELS, entity="progress_updates", entity_id=entry_id,
                       shown=_progress_shown)
        if not file and not any(versions.differs(old[key], new[key]) for key in ENTRY_LABELS):
            raise InputError("Chưa có gì khác với cập nhật đã ghi; không có gì để lưu.")
        old_file = evidence.stored(cur, entry_id)
        cur.execute("UPDATE progress_updates SET progress = ?, status = ?, done_on = ?, note = ?, evidence_url = ?,"
                    " corrected_at = ? WHERE id = ?", [*values.values(), now, entry_id])
        if file:
            evidence.store(cur, entry_id, file)
        elif drop_file:
            evidence.remove(cur, entry_id)
        new_file = file.said() if file else None if drop_file else old_file
        audit.log(cur, actor, "sửa cập nhật tiến độ", "progress_updates", entry_id,
                  _without_name(old) | {"evidence_file": old_file}, values | {"evidence_file": new_file})
        _task_follows(cur, actor, entry["task_id"], "tiến độ theo cập nhật đã sửa")
    db.write(work)


def _without_name(values: dict) -> dict:
    return {key: value for key, value in values.items() if key != "file_name"}


def _task_follows(cur, actor: Actor, task_id: int, action: str) -> None:
    """After a correction or a withdrawal: the task takes its entries' figures, audited when they change."""
    before, after = follow_entries(cur, task_id)
    if after != before:
        audit.log(cur, actor, action, "tasks", task_id, before, after)


def withdraw_consequence(db: Database, entry_id: int, today: date) -> str:
    """What withdrawing an entry does, said before the button is pressed: the task's figure and status (as read on
    `today`) once it is withdrawn."""
    entry = entry_form(db, entry_id).values
    after = _figures(db.one(_STANDING_SQL, [entry["task_id"], entry_id, entry["task_id"]]))  # as if withdrawn
    found = db.one("SELECT progress, status, done_on, task_status(?, ?, deadline, ?) FROM tasks WHERE id = ?",
                   [after["status"], after["done_on"], today, entry["task_id"]])
    verb = "giữ nguyên" if _figures(found[:3]) == after else "trở về"
    return (f"Rút lại cập nhật {_entry_said(entry)}: cập nhật vẫn nằm trong lịch sử, ghi «đã rút lại», nhưng không còn "
            f"được tính; tiến độ nhiệm vụ {verb} {after['progress']}% ({TASK_STATUSES[found[3]]}). Không hoàn tác "
            "được; muốn ghi lại, hãy ghi một cập nhật mới.")


def withdraw_progress(db: Database, actor: Actor, entry_id: int, *, now: datetime, opened: str | None = None) -> None:
    """The author withdraws their entry within the window: the row stays, marked withdrawn (with its file), and no
    longer counts; the task takes the figures of its latest entry still standing. Audited. `opened`: entry_form's
    version; an entry corrected since refuses (StaleEdit)."""
    require(actor, "record_progress")

    def work(cur):
        entry = _editable(cur, actor, entry_id, now)
        stored = _entry_values(entry)
        version = versions.token(stored)
        if opened is not None and version != opened:
            versions.refuse(cur, f"cập nhật tiến độ này của nhiệm vụ «{entry['title']}»",
                            [("Cập nhật tiến độ", _entry_said(entry), "rút lại")], version, "progress_updates", entry_id)
        cur.execute("UPDATE progress_updates SET withdrawn_at = ? WHERE id = ?", [now, entry_id])
        audit.log(cur, actor, "rút lại cập nhật tiến độ", "progress_updates", entry_id, _without_name(stored),
                  {"withdrawn_at": now})
        _task_follows(cur, actor, entry["task_id"], "tiến độ theo cập nhật đã rút lại")
    db.write(work)


def _apply_extension(cur, actor: Actor, before: dict, new_deadline: date, reason: str) -> None:
    """The deadline moves: the task takes it, the extension is kept with its reason, the audit log says who."""
    cur.execute("UPDATE tasks SET deadline = ?, extensions = extensions + 1, updated_at = current_timestamp"
                " WHERE id = ?", [new_deadline, before["id"]])
    cur.execute("INSERT INTO task_extensions (task_id, old_deadline, new_deadline, reason, created_at, user_id)"
                " VALUES (?, ?, ?, ?, ?, ?)", [before["id"], before["deadline"], new_deadline, reason,
                                              datetime.now(), actor.user_id])
    audit.log(cur, actor, "gia hạn nhiệm vụ", "tasks", before["id"], {"deadline": before["deadline"]},
              {"deadline": new_deadline, "reason": reason})


def _extendable(cur, task_id: int, new_deadline: date, verb: str, opened: str | None = None) -> dict:
    """The task, once it may still move its deadline to `new_deadline`; else the sentence that says why not.
    `opened`: the version of the deadline the form was opened on (deadline_form): one moved since refuses this."""
    before = audit.row(cur, "tasks", task_id)
    if not before:
        raise InputError("Không tìm thấy nhiệm vụ.")
    if before["status"] in CLOSED_STATUSES:
        raise InputError(f"Nhiệm vụ đã kết thúc; không {verb} được.")
    if _month_closed(cur, task_id):
        raise InputError(f"Tháng của nhiệm vụ này đã chốt; không thể {verb}.")
    versions.check(cur, opened, {"deadline": before["deadline"]}, {"deadline": new_deadline},
                   what=f"hạn của nhiệm vụ «{before['title']}»", labels={"deadline": "Hạn"}, entity="tasks",
                   entity_id=task_id)
    if new_deadline <= before["deadline"]:
        raise InputError(f"Hạn mới phải sau hạn hiện tại ({before['deadline']:%d/%m/%Y}).")
    return before


def extend_deadline(db: Database, actor: Actor, task_id: int, new_deadline, reason: str,
                    opened: str | None = None) -> None:
    """The committee moves a deadline itself (a member asks: request_extension). The extension is kept with its
    reason. `opened`: the version the form was opened on (deadline_form): a deadline moved since refuses this one."""
    require(actor, "decide_extensions")
    new_deadline = validate.a_date(new_deadline, "Hạn mới")
    reason = validate.text(reason, "Lý do gia hạn", max_len=400)

    db.write(lambda cur: _apply_extension(cur, actor, _extendable(cur, task_id, new_deadline, "gia hạn", opened),
                                          new_deadline, reason))


# A new deadline past the meeting that hears the task's report needs a reason that says why: «Bận» is not one.
REASON_PAST_REPORT = 30


def report_day(db: Database, task_month: date) -> date:
    """The day of the meeting that hears a month's tasks report back: the next month's regular meeting."""
    return months.meeting_date(db, months.next_month(task_month))


def request_extension(db: Database, actor: Actor, task_id: int, new_deadline, reason: str,
                      opened: str | None = None) -> int:
    """A member asks for a new deadline; the task keeps its deadline until the committee decides
    (decide_extension). One open request per task. Past the reporting meeting the reason must say why."""
    require(actor, "record_progress")
    new_deadline = validate.a_date(new_deadline, "Hạn mới")
    reason = validate.text(reason, "Lý do gia hạn", max_len=400)
    month = db.scalar("SELECT d.month FROM tasks t JOIN documents d ON d.id = t.document_id WHERE t.id = ?", [task_id])
    reported = report_day(db, month) if month else None

    def work(cur):
        before = _extendable(cur, task_id, new_deadline, "xin gia hạn", opened)
        if not actor.can("edit_tasks") and not _is_participant(cur, task_id, actor.member_id):
            raise InputError("Đồng chí chỉ xin gia hạn được nhiệm vụ mình chủ trì hoặc phối hợp.")
        if cur.execute("SELECT count(*) FROM extension_requests WHERE task_id = ? AND state = 'pending'",
                       [task_id]).fetchone()[0]:
            raise InputError("Nhiệm vụ này đang có một đề nghị gia hạn chờ chi ủy quyết định.")
        if reported and new_deadline > reported and len(reason) < REASON_PAST_REPORT:
            raise InputError(f"Hạn mới ({vn_date(new_deadline)}) sau buổi sinh hoạt nghe báo cáo nhiệm vụ "
                             f"({vn_date(reported)}): lý do cần nói rõ vì sao (ít nhất {REASON_PAST_REPORT} ký tự).")
        new_id = cur.execute(
            "INSERT INTO extension_requests (task_id, old_deadline, new_deadline, reason, requested_at, user_id,"
            " username) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [task_id, before["deadline"], new_deadline, reason, datetime.now(), actor.user_id, actor.username],
        ).fetchone()[0]
        audit.log(cur, actor, "xin gia hạn nhiệm vụ", "extension_requests", new_id, None,
                  {"task_id": task_id, "new_deadline": new_deadline, "reason": reason})
        return new_id
    return db.write(work)


def decide_extension(db: Database, actor: Actor, request_id: int, approve: bool, note: str = "") -> None:
    """The committee approves (the deadline moves) or refuses (a note says why) an extension request."""
    require(actor, "decide_extensions")
    note = validate.text(note, "Ghi chú của chi ủy", required=not approve, max_len=400)

    def work(cur):
        found = audit.row(cur, "extension_requests", request_id)
        if not found:
            raise InputError("Không tìm thấy đề nghị gia hạn.")
        if found["state"] != "pending":
            raise InputError("Đề nghị gia hạn này đã được quyết định.")
        if approve:
            before = _extendable(cur, found["task_id"], found["new_deadline"], "gia hạn")
            _apply_extension(cur, actor, before, found["new_deadline"], found["reason"])
        cur.execute("UPDATE extension_requests SET state = ?, decided_at = ?, decided_by = ?, decision_note = ?"
                    " WHERE id = ?", ["approved" if approve else "refused", datetime.now(), actor.username, note,
                                      request_id])
        audit.log(cur, actor, "duyệt gia hạn" if approve else "không duyệt gia hạn", "extension_requests",
                  request_id, {"state": "pending"}, {"state": "approved" if approve else "refused", "note": note})
    db.write(work)


def pending_extensions(db: Database, actor: Actor, task_id: int | None = None) -> pd.DataFrame:
    """Extension requests waiting for the committee, oldest first (of one task, with `task_id`). The reason may be
    personal (health, family): only the committee and whoever asked read it; others get it empty."""
    return db.query(
        "SELECT r.id, r.task_id, t.title, r.old_deadline, r.new_deadline,"
        " CASE WHEN ? OR r.user_id = ? THEN r.reason ELSE '' END AS reason, r.username, r.requested_at"
        " FROM extension_requests r JOIN tasks t ON t.id = r.task_id WHERE r.state = 'pending'"
        " AND (? IS NULL OR r.task_id = ?) ORDER BY r.requested_at",
        [actor.can("decide_extensions"), actor.user_id, task_id, task_id])


def status_counts(db: Database, today: date, month: date | None = None) -> dict[str, int]:
    """Tasks per effective status, aggregated in SQL."""
    if month is None:
        return dict(db.rows("SELECT effective_status, count(*) FROM resolution_tasks(?) GROUP BY 1", [today]))
    return dict(db.rows("SELECT effective_status, count(*) FROM month_tasks(?, ?) GROUP BY 1", [month, today]))


def delete_rows(cur, task_id: int) -> None:
    """DuckDB does not cascade: children first, in the caller's transaction."""
    evidence.delete_for_task(cur, task_id)
    for table in ("task_partners", "progress_updates", "task_extensions", "extension_requests", "supervision_tasks"):
        cur.execute(f"DELETE FROM {table} WHERE task_id = ?", [task_id])
    cur.execute("UPDATE tasks SET carried_from_id = NULL WHERE carried_from_id = ?", [task_id])
    cur.execute("DELETE FROM tasks WHERE id = ?", [task_id])



# -- units ------------------------------------------------------------------------
def unit_load(db: Database, today: date, month: date | None = None) -> pd.DataFrame:
    """Per unit: tasks it leads, done, overdue and average progress."""
    led = "month_tasks($2, $1)" if month else "resolution_tasks($1)"
    return db.query(
        "SELECT u.id, u.name, u.kind, u.sub_plan, count(t.id) AS tasks,"
        " count(t.id) FILTER (WHERE t.status = 'done') AS done,"
        " count(t.id) FILTER (WHERE t.overdue) AS overdue,"
        " coalesce(round(avg(t.progress), 1), 0) AS avg_progress"
        f" FROM units u LEFT JOIN {led} t ON t.lead_unit_id = u.id"
        " WHERE u.active GROUP BY u.id, u.name, u.kind, u.sub_plan ORDER BY u.kind = 'to_chuyen_mon', u.name",
        [today] + ([month] if month else []))


def unit_plan_form(db: Database, unit_id: int) -> versions.Opened:
    """What the form of a unit's own plan is opened on."""
    return versions.opened({"sub_plan": db.scalar("SELECT sub_plan FROM units WHERE id = ?", [int(unit_id)])})


def set_unit_plan(db: Database, actor: Actor, unit_id: int, sub_plan: str, opened: str | None = None) -> None:
    """A unit's own plan. `opened`: the version its form was opened on (unit_plan_form)."""
    require(actor, "edit_tasks")
    sub_plan = validate.long_text(sub_plan, "Kế hoạch của đơn vị")

    def work(cur):
        before = audit.row(cur, "units", unit_id)
        if not before:
            raise InputError("Không tìm thấy đơn vị.")
        versions.check(cur, opened, {"sub_plan": before["sub_plan"]}, {"sub_plan": sub_plan},
                       what=f"kế hoạch của {before['name']}", labels={"sub_plan": "Kế hoạch"}, entity="units",
                       entity_id=unit_id)
        cur.execute("UPDATE units SET sub_plan = ? WHERE id = ?", [sub_plan, unit_id])
        audit.log(cur, actor, "cập nhật kế hoạch đơn vị", "units", unit_id, {"sub_plan": before["sub_plan"]},
                  {"sub_plan": sub_plan})
    db.write(work)


# -- supervision --------------------------------------------------------------------
def add_supervision(db: Database, actor: Actor, held_on, kind: str, content: str, conclusion: str,
                    finding: str = "", member_id=None, unit_id=None, task_ids=(), *, today: date) -> int:
    require(actor, "edit_tasks")
    held_on = validate.a_date(held_on, "Ngày kiểm tra, giám sát")
    if held_on > today:
        raise InputError("Ngày kiểm tra, giám sát không thể ở tương lai.")
    values = {
        "held_on": held_on,
        "kind": validate.choice(kind, SUPERVISION_KINDS, "Hình thức"),
        "subject_member_id": validate.optional_id(member_id),
        "subject_unit_id": validate.optional_id(unit_id),
        "content": validate.long_text(content, "Nội dung", required=True),
        "finding": validate.long_text(finding, "Kết quả"),
        "conclusion": validate.choice(conclusion, CONCLUSIONS, "Kết luận"),
    }
    if values["subject_member_id"] is None and values["subject_unit_id"] is None:
        raise InputError("Hãy chọn đảng viên hoặc đơn vị được kiểm tra, giám sát.")

    def work(cur):
        validate.existing_id(cur, "members", values["subject_member_id"])
        validate.existing_id(cur, "units", values["subject_unit_id"])
        for task_id in task_ids:
            validate.existing_id(cur, "tasks", task_id)
        sup_id = cur.execute(
            "INSERT INTO supervisions (held_on, kind, subject_member_id, subject_unit_id, content, finding,"
            " conclusion, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [*values.values(), actor.user_id]).fetchone()[0]
        for task_id in task_ids:
            cur.execute("INSERT INTO supervision_tasks VALUES (?, ?)", [sup_id, int(task_id)])
        audit.log(cur, actor, "ghi kiểm tra, giám sát", "supervisions", sup_id, None,
                  values | {"task_ids": list(task_ids)})
        return sup_id
    return db.write(work)


def supervisions(db: Database, actor: Actor, since: date | None = None, until: date | None = None) -> pd.DataFrame:
    """Inspection and supervision records with their findings: all of them for the committee, those about
    themselves for a member (a unit's are the committee's), none for the projector."""
    everyone, member = actor.whose("supervision_findings")
    return db.query(
        "SELECT s.id, s.held_on, s.kind, s.subject_member_id, lead_name(s.subject_member_id, s.subject_unit_id)"
        " AS subject, s.content, s.finding, s.conclusion,"
        " (SELECT count(*) FROM supervision_tasks st WHERE st.supervision_id = s.id) AS tasks FROM supervisions s"
        " WHERE s.held_on >= coalesce(?::DATE, DATE '1900-01-01') AND s.held_on <= coalesce(?::DATE, DATE '2999-01-01')"
        " AND (? OR s.subject_member_id = ?) ORDER BY s.held_on DESC, s.id DESC", [since, until, everyone, member])
