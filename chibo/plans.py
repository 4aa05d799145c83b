"""The monthly plan: a new month's draft resolution with its bases (standing duties, higher documents,
last month's shortcomings), recurring and carried-over tasks, and the month's task table.
The document itself — number, lifecycle, lock — is chibo.documents; the calendar is chibo.months."""

from __future__ import annotations

from datetime import date

import pandas as pd

from chibo import audit, cell, documents, members, program, tasks, validate, versions
from chibo.db import Database, memoised
from chibo.errors import FieldErrors, InputError, StaleEdit
from chibo.labels import BASE_KINDS, CHANNELS, FIELDS, missing
from chibo.months import meeting_date, month_end, month_start, next_month, previous_month, report_meeting
from chibo.permissions import Actor, require

DEFAULT_STANDING_DUTIES = [
    "Lãnh đạo thực hiện nhiệm vụ giáo dục của nhà trường.",
    "Lãnh đạo công tác chính trị, tư tưởng trong cán bộ, giáo viên, nhân viên.",
    "Lãnh đạo công tác tổ chức, cán bộ.",
    "Lãnh đạo Công đoàn, Đoàn Thanh niên, Đội Thiếu niên trong nhà trường.",
    "Xây dựng tổ chức đảng trong sạch, vững mạnh.",
]


def standing_duties(db: Database) -> list[str]:
    return cell.setting(db, "standing_duties", DEFAULT_STANDING_DUTIES)


def month_to_draft(resolved: list[date], today: date) -> date | None:
    """The month a new draft is offered for: the one after the newest resolution, or this month for the first.
    None once next month's draft exists: a draft two months ahead is a click made twice, not a plan."""
    if not resolved:
        return month_start(today)
    if resolved[0] > month_start(today):
        return None
    return next_month(resolved[0])


def months_to_draft(resolved: list[date], today: date) -> list[date]:
    """The months a new draft may be made for, the offered one first: after the newest resolution the next two
    months; for the first resolution in chibo also last month (a cell starting mid-month may still write it)."""
    offered = month_to_draft(resolved, today)
    ahead = [offered, next_month(offered), next_month(next_month(offered))]
    return ahead if resolved else [*ahead[:2], previous_month(offered)]


def draft_bases(db: Database, month: date) -> list[dict]:
    """What a new month's plan stands on: standing duties, higher documents received
    since last month's meeting, and the shortcomings of last month's evaluation."""
    month = month_start(month)
    bases = [{"kind": "standing_duty", "higher_doc_id": None, "text": t} for t in standing_duties(db)]
    since = meeting_date(db, previous_month(month))
    for doc_id, number, issuer, issued_on, title in db.rows(
            "SELECT id, number, issuer, issued_on, title FROM higher_docs"
            " WHERE coalesce(received_on, issued_on) > ? AND coalesce(received_on, issued_on) <= ?"
            " ORDER BY issued_on", [since, meeting_date(db, month)]):
        bases.append({"kind": "higher_doc", "higher_doc_id": doc_id,
                      "text": program.cited(f"{number} ngày {issued_on:%d/%m/%Y} của {issuer} {title}")})
    weaknesses = db.scalar("SELECT weaknesses FROM evaluations WHERE month = ?", [previous_month(month)])
    for line in (weaknesses or "").splitlines():
        if line.strip(" -+•"):
            bases.append({"kind": "shortcoming", "higher_doc_id": None, "text": line.strip(" -+•")})
    return bases


def carry_over_candidates(db: Database, month: date) -> pd.DataFrame:
    """Last month's tasks that were not finished: the user picks which to carry over."""
    month = month_start(month)
    return db.query(
        "SELECT id, field, title, lead_member_id, lead_unit_id, lead, channel, deadline, progress, status, recurring"
        " FROM month_tasks(?, ?) WHERE status <> 'done' AND NOT recurring ORDER BY deadline, id",
        [previous_month(month), month])


def new_monthly_draft(db: Database, actor: Actor, month: date, carry_over: list[int] = ()) -> int:
    """'New month': a draft resolution filled with its bases, the recurring tasks and the
    unfinished tasks the user chose to carry over."""
    require(actor, "edit_plans")
    month = month_start(validate.a_date(month, "Tháng"))
    meeting_on = meeting_date(db, month)
    term_id = documents.term_id_for(db, meeting_on)
    bases = draft_bases(db, month)
    place = cell.get(db).place_name
    summary = f"về lãnh đạo thực hiện nhiệm vụ tháng {month.month} năm {month.year}"
    previous = previous_month(month)

    def work(cur):
        if cur.execute("SELECT count(*) FROM documents WHERE kind = 'nq_thang' AND month = ?", [month]).fetchone()[0]:
            raise InputError(f"Đã có nghị quyết tháng {month.month}/{month.year}.")
        doc_id = documents.insert(cur, actor, "nq_thang", term_id, summary, meeting_on, place, month=month)
        for position, base in enumerate(bases):
            cur.execute("INSERT INTO document_bases (document_id, kind, higher_doc_id, text, position)"
                        " VALUES (?, ?, ?, ?, ?)", [doc_id, base["kind"], base["higher_doc_id"], base["text"], position])
        _copy_tasks(cur, actor, doc_id, month, meeting_on, previous, list(carry_over))
        return doc_id
    return db.write(work)


def _copy_tasks(cur, actor, doc_id, month, start_on, previous, carry_over: list[int]) -> None:
    rows = cur.execute(
        "SELECT id, recurring FROM month_tasks(?, ?)"
        " WHERE recurring OR (status <> 'done' AND id IN (SELECT unnest(?::INTEGER[])))",
        [previous, month, carry_over]).fetchall()
    found = {r[0] for r in rows}
    unknown = set(carry_over) - found
    if unknown:
        raise InputError("Chỉ chuyển tiếp được nhiệm vụ chưa hoàn thành của tháng trước.")
    _refuse_repeated_titles(cur, previous, month, [r[0] for r in rows])
    for task_id, recurring in rows:
        new_id = cur.execute(
            "INSERT INTO tasks (document_id, measure_id, field, title, lead_member_id, lead_unit_id, channel,"
            " start_on, deadline, status, progress, report_at, recurring, carried_from_id)"
            " SELECT ?, measure_id, field, title, lead_member_id, lead_unit_id, channel, ?, ?,"
            "  CASE WHEN ? THEN 'not_started' WHEN progress > 0 THEN 'in_progress' ELSE 'not_started' END,"
            "  CASE WHEN ? THEN 0 ELSE progress END, ?, recurring, CASE WHEN ? THEN NULL ELSE id END"
            " FROM tasks WHERE id = ? RETURNING id",
            [doc_id, start_on, month_end(month), recurring, recurring, report_meeting(month), recurring,
             task_id]).fetchone()[0]
        # The lead is never also a partner (older data may say so): the copy drops that partner row.
        cur.execute("INSERT INTO task_partners SELECT ?, p.member_id, p.unit_id FROM task_partners p"
                    " JOIN tasks t ON t.id = p.task_id WHERE p.task_id = ?"
                    " AND p.member_id IS DISTINCT FROM t.lead_member_id", [new_id, task_id])
        audit.log(cur, actor, "lặp lại nhiệm vụ" if recurring else "chuyển tiếp nhiệm vụ", "tasks", new_id,
                  None, {"from_task": task_id})


@memoised
def bases(db: Database, document_id: int) -> pd.DataFrame:
    return db.query("SELECT id, kind, higher_doc_id, text FROM document_bases WHERE document_id = ?"
                    " ORDER BY position, id", [document_id])


_BASES_SQL = "SELECT kind, text FROM document_bases WHERE document_id = ? ORDER BY position, id"


def _bases_of(rows: list[tuple]) -> dict[str, str]:
    """The bases as one text, a line each: what a stale save of the editor would replace, and its version."""
    return {"bases": "\n".join(f"{BASE_KINDS.get(kind, kind)}: {text}" for kind, text in rows)}


def bases_form(db: Database, document_id: int) -> versions.Opened:
    """What the bases editor is opened on."""
    return versions.Opened(bases(db, document_id), versions.token(_bases_of(db.rows(_BASES_SQL, [document_id]))))


def save_bases(db: Database, actor: Actor, document_id: int, rows: list[dict], opened: str | None = None) -> None:
    """The plan's bases, replaced as a whole. `opened`: the version the editor was opened on (bases_form); bases
    saved since by someone else refuse this save (StaleEdit)."""
    require(actor, "edit_plans")
    cleaned = []
    for index, row in enumerate(rows, start=1):
        try:
            kind = validate.choice(row.get("kind") or "other", BASE_KINDS, "Loại căn cứ")
            cleaned.append((kind, row.get("higher_doc_id"), validate.long_text(row.get("text"), "Nội dung căn cứ",
                                                                                required=True)))
        except InputError as exc:
            raise InputError(exc.message, row=index) from None

    def work(cur):
        doc = documents.get_in(cur, document_id)
        documents.refuse_locked(doc)
        before = cur.execute(_BASES_SQL, [document_id]).fetchall()
        versions.check(cur, opened, _bases_of(before), _bases_of([(kind, body) for kind, _, body in cleaned]),
                       what="căn cứ của nghị quyết", labels={"bases": "Căn cứ"}, entity="documents",
                       entity_id=document_id)
        cur.execute("DELETE FROM document_bases WHERE document_id = ?", [document_id])
        for position, (kind, higher_id, body) in enumerate(cleaned):
            higher_id = None if missing(higher_id) else higher_id
            cur.execute("INSERT INTO document_bases (document_id, kind, higher_doc_id, text, position)"
                        " VALUES (?, ?, ?, ?, ?)", [document_id, kind, higher_id, body, position])
        audit.log(cur, actor, "sửa căn cứ", "documents", document_id, before, [c[::2] for c in cleaned])
    db.write(work)


# -- the task table of a month ---------------------------------------------------
TASK_TABLE_COLUMNS = ["id", "field", "title", "lead_member_id", "lead_unit_id", "partner_ids", "channel",
                      "deadline", "report_at", "recurring", "measure_id"]


_TASK_TABLE_SQL = (
    "SELECT t.id, t.field, t.title, t.lead_member_id, t.lead_unit_id,"
    " coalesce((SELECT list(CAST(p.member_id AS VARCHAR) ORDER BY p.member_id) FROM task_partners p"
    "  WHERE p.task_id = t.id AND p.member_id IS NOT NULL), []) AS partner_ids,"
    " t.channel, t.deadline, t.report_at, t.recurring, t.measure_id, t.status, t.progress, t.carried_from_id"
    " FROM tasks t WHERE t.document_id = ? ORDER BY t.field, t.deadline, t.id")
# What the table editor writes, row by row: a row's version is taken over these (progress is not among them, so
# a member's progress update never stands in the way of the committee's table).
_TASK_ROWS_SQL = f"SELECT {', '.join(TASK_TABLE_COLUMNS)} FROM ({_TASK_TABLE_SQL})"


def task_table(db: Database, document_id: int) -> pd.DataFrame:
    """The month's tasks as the editor shows them (partners as a list of member ids)."""
    return db.query(_TASK_TABLE_SQL, [document_id])


def _row_versions(rows: list[tuple]) -> dict[int, str]:
    return {row[0]: versions.token(row[1:]) for row in rows}


def task_table_form(db: Database, document_id: int) -> versions.Opened:
    """What the task-table editor is opened on: the table, the choices of its columns (a member added meanwhile
    does not reset the editor), and each row's version."""
    values = {"table": task_table(db, document_id), "people": members.member_choices(db),
              "units": members.unit_choices(db), "measures": program.measure_choices(db)}
    return versions.Opened(values, _row_versions(db.rows(_TASK_ROWS_SQL, [document_id])))


def _refuse_repeated_titles(cur, previous: date, month: date, task_ids: list[int]) -> None:
    """Two copies of one task in a month would be counted and reported twice."""
    titles = cur.execute("SELECT lower(trim(title)) AS t, any_value(title) FROM tasks WHERE id IN"
                         " (SELECT unnest(?::INTEGER[])) GROUP BY t HAVING count(*) > 1", [task_ids]).fetchall()
    if titles:
        raise InputError(f"Nhiệm vụ «{titles[0][1]}» có hai lần trong danh sách chuyển sang tháng "
                         f"{month.month}/{month.year}; chỉ chọn chuyển tiếp một lần.")


# The task table's columns as a person reads them: each message of a row names the column to fix.
TASK_FIELD_LABELS = {"field": "Lĩnh vực", "title": "Nội dung nhiệm vụ", "lead": "Chủ trì", "partner_ids": "Phối hợp",
                     "channel": "Kênh triển khai", "deadline": "Hạn", "report_at": "Báo cáo tại",
                     "measure_id": "Thuộc giải pháp"}


def task_row_problems(row: dict, month: date, term: cell.Term, active_members: set[int], measures: set[int],
                      units: set[int]) -> tuple[dict | None, dict[str, str]]:
    """One row of the task table (or the one-task form) checked field by field: the clean row, or None and what
    is wrong with each field (key of TASK_FIELD_LABELS → a sentence), so a person sees every problem at once."""
    problems: dict[str, str] = {}
    clean: dict = {"id": None}

    def check(key: str, read) -> None:
        try:
            clean.update(read())
        except InputError as exc:
            problems[key] = exc.message

    check("id", lambda: {"id": validate.optional_id(row.get("id"))})
    check("field", lambda: {"field": _field_of(row.get("field"))})
    check("title", lambda: {"title": validate.text(row.get("title"), "Nội dung nhiệm vụ", max_len=500)})
    check("deadline", lambda: {"deadline": _deadline_of(row.get("deadline"), month, term)})
    check("lead", lambda: _lead_of(row, active_members, units))
    check("partner_ids", lambda: {"partner_ids": _partners_of(row, clean.get("lead_member_id"), active_members)})
    check("channel", lambda: {"channel": validate.choice(row.get("channel") or "cuoc_hop", CHANNELS,
                                                         "Kênh triển khai")})
    # Every task reports back somewhere: by default at the meeting that evaluates its month.
    check("report_at", lambda: {"report_at": validate.text(row.get("report_at"), "Báo cáo tại", required=False)
                                or report_meeting(month)})
    check("measure_id", lambda: _measure_of(row, measures))
    clean["recurring"] = bool(row.get("recurring")) if not missing(row.get("recurring")) else False
    return (None, problems) if problems else (clean, {})


def _field_of(value) -> str:
    if _blank(value):
        raise InputError("Chưa chọn lĩnh vực.")
    return validate.choice(value, FIELDS, "Lĩnh vực")


def _deadline_of(value, month: date, term: cell.Term) -> date:
    if _blank(value):
        raise InputError("Chưa nhập hạn hoàn thành.")
    deadline = validate.a_date(value, "Hạn hoàn thành")
    if not month_start(month) <= deadline <= month_end(month):
        raise InputError(f"Hạn {deadline:%d/%m/%Y} nằm ngoài tháng {month.month}/{month.year}.")
    if not term.start_date <= deadline <= term.end_date:
        raise InputError(f"Hạn {deadline:%d/%m/%Y} nằm ngoài nhiệm kỳ {term.name}.")
    return deadline


def _lead_of(row: dict, active_members: set[int], units: set[int]) -> dict:
    lead_member = validate.optional_id(row.get("lead_member_id"))
    lead_unit = validate.optional_id(row.get("lead_unit_id"))
    if lead_member is None and lead_unit is None:
        raise InputError("Chưa chọn người hoặc đơn vị chủ trì.")
    if lead_member is not None and lead_member not in active_members:
        raise InputError("Người chủ trì không còn sinh hoạt; hãy chọn đồng chí khác.")
    if lead_unit is not None and lead_unit not in units:
        raise InputError(f"Không có đơn vị nào mang mã {lead_unit}.")
    return {"lead_member_id": lead_member, "lead_unit_id": lead_unit}


def _partners_of(row: dict, lead_member: int | None, active_members: set[int]) -> list[int]:
    raw_partners = row.get("partner_ids")
    partners = [] if _blank(raw_partners) else [int(p) for p in raw_partners if not missing(p)]
    if any(p not in active_members for p in partners):
        raise InputError("Có người phối hợp không còn sinh hoạt.")
    if lead_member is not None and lead_member in partners:
        raise InputError("Đồng chí chủ trì không đồng thời là người phối hợp; hãy bỏ tên đồng chí ở cột «Phối hợp».")
    return sorted(set(partners))


def _row_message(row: dict, problems: dict[str, str]) -> str:
    """What is wrong with one row, naming the task (when it has a title) and each column to fix."""
    title = validate.clean(row.get("title") or "").strip() if isinstance(row.get("title"), str) else ""
    named = f"nhiệm vụ «{title}» — " if title else ""
    return named + " ".join(f"Cột «{TASK_FIELD_LABELS[key]}»: {message}" for key, message in problems.items())


def _measure_of(row: dict, measures: set[int]) -> dict:
    """The program measure a task carries out, when the row says (a row without the column keeps its link)."""
    if "measure_id" not in row:
        return {}
    measure = validate.optional_id(row.get("measure_id"))
    if measure is not None and measure not in measures:
        raise InputError("Giải pháp được chọn không có trong chương trình hành động.")
    return {"measure_id": measure}


def _untouched(row: dict) -> bool:
    """A row with nothing typed in it: every cell blank or the default the editor puts in a new row."""
    defaults = {"id": None, "recurring": False, "channel": "cuoc_hop"}
    return all(_blank(value) or (key in defaults and value == defaults[key]) for key, value in row.items())


def _blank(value) -> bool:
    """Nothing entered in an editor cell: None, NaN, empty text, or an empty list."""
    if hasattr(value, "__len__") and not isinstance(value, str):
        return len(value) == 0
    return missing(value) or value == ""


def save_task_table(db: Database, actor: Actor, document_id: int, rows: list[dict],
                    opened: dict[int, str] | None = None) -> dict:
    """Save the month's whole task table in one transaction: rows without id are added,
    missing ids are deleted (with their children), the rest updated. Any bad row: nothing is written,
    and the error names the row (1-based, as the table shows it). `opened`: each row's version when the editor
    was opened (task_table_form); a row someone else added, changed or deleted since refuses the save
    (StaleEdit naming the rows), so nobody's task is deleted or overwritten unseen."""
    require(actor, "edit_plans")
    doc = documents.get(db, document_id)
    documents.refuse_locked(doc)
    if doc.kind != "nq_thang":
        raise InputError("Chỉ nghị quyết thường kỳ có bảng nhiệm vụ tháng.")
    term = next(t for t in cell.terms(db) if t.id == doc.term_id)
    active = set(members.member_choices(db))
    measures = {r[0] for r in db.rows("SELECT id FROM measures")}
    units = {r[0] for r in db.rows("SELECT id FROM units")}
    cleaned, refused = [], []
    for index, row in enumerate(rows, start=1):
        if _untouched(row):
            continue  # a line the editor added and nobody typed in: only its defaults
        clean, problems = task_row_problems(row, doc.month, term, active, measures, units)
        if problems:
            refused.append((index, _row_message(row, problems)))
        else:
            cleaned.append(clean)
    if refused:  # nothing is saved and every incomplete row is named; the page keeps what was typed
        first, message = refused[0]
        others = "".join(f" Dòng {index}: {text}" for index, text in refused[1:])
        raise InputError(f"{message}{others} Chưa lưu dòng nào; sửa các dòng trên rồi bấm lưu lại.", row=first)
    return db.write(lambda cur: _apply_task_table(cur, actor, document_id, doc.issued_on or doc.month, cleaned,
                                                  opened))


def _apply_task_table(cur, actor, document_id, start_on, cleaned: list[dict], opened: dict | None) -> dict:
    doc = documents.get_in(cur, document_id)
    documents.refuse_locked(doc)  # re-checked inside the transaction: another session may have adopted it
    existing = {r[0] for r in cur.execute("SELECT id FROM tasks WHERE document_id = ?", [document_id]).fetchall()}
    kept = {row["id"] for row in cleaned if row["id"] is not None}
    if opened is not None:
        _refuse_rows_changed_since(cur, document_id, opened, {row["id"]: row["title"] for row in cleaned
                                                              if row["id"] is not None})
        for row in cleaned:  # the user kept their table over someone's deletion: their row comes back as new
            if row["id"] not in existing:
                row["id"] = None
        kept &= existing
    if kept - existing:
        raise InputError("Bảng nhiệm vụ đã bị thay đổi ở nơi khác; hãy tải lại trang.")
    for task_id in existing - kept:
        tasks.delete_rows(cur, task_id)
        audit.log(cur, actor, "xóa nhiệm vụ", "tasks", task_id, None, None)
    added = updated = 0
    for row in cleaned:
        values = [row["field"], row["title"], row["lead_member_id"], row["lead_unit_id"], row["channel"],
                  row["deadline"], row["report_at"], row["recurring"]]
        if row["id"] is None:
            task_id = _insert_task(cur, actor, document_id, start_on, row)
            added += 1
        else:
            task_id = row["id"]
            before = audit.row(cur, "tasks", task_id)
            cur.execute("UPDATE tasks SET field=?, title=?, lead_member_id=?, lead_unit_id=?, channel=?, deadline=?,"
                        " report_at=?, recurring=?, updated_at=current_timestamp WHERE id = ?", [*values, task_id])
            if _changed(before, row):
                audit.log(cur, actor, "sửa nhiệm vụ", "tasks", task_id,
                          {k: before[k] for k in row if k in before}, row)
                updated += 1
        _write_links(cur, task_id, row)
    return {"added": added, "updated": updated, "deleted": len(existing - kept)}


def _insert_task(cur, actor, document_id: int, start_on: date, row: dict) -> int:
    task_id = cur.execute(
        "INSERT INTO tasks (document_id, field, title, lead_member_id, lead_unit_id, channel, deadline,"
        " report_at, recurring, start_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [document_id, row["field"], row["title"], row["lead_member_id"], row["lead_unit_id"], row["channel"],
         row["deadline"], row["report_at"], row["recurring"], min(start_on, row["deadline"])]).fetchone()[0]
    audit.log(cur, actor, "thêm nhiệm vụ", "tasks", task_id, None, row)
    return task_id


def _write_links(cur, task_id: int, row: dict) -> None:
    """A task's program measure (when the row says) and its partners."""
    if "measure_id" in row:
        cur.execute("UPDATE tasks SET measure_id = ? WHERE id = ?", [row["measure_id"], task_id])
    cur.execute("DELETE FROM task_partners WHERE task_id = ? AND member_id IS NOT NULL", [task_id])
    for partner in row["partner_ids"]:
        cur.execute("INSERT INTO task_partners VALUES (?, ?, NULL)", [task_id, partner])


def add_task(db: Database, actor: Actor, document_id: int, values: dict) -> int:
    """One task added to the month's draft from the one-task form (for those who prefer a form to the table).
    Every field is checked; any problem refuses the whole task with a sentence per field (FieldErrors)."""
    require(actor, "edit_plans")
    doc = documents.get(db, document_id)
    documents.refuse_locked(doc)
    term = next(t for t in cell.terms(db) if t.id == doc.term_id)
    measures = {r[0] for r in db.rows("SELECT id FROM measures")}
    units = {r[0] for r in db.rows("SELECT id FROM units")}
    clean, problems = task_row_problems({**values, "id": None}, doc.month, term, set(members.member_choices(db)),
                                        measures, units)
    if problems:
        raise FieldErrors(_row_message(values, problems) + " Chưa lưu nhiệm vụ.", problems)

    def work(cur):
        documents.refuse_locked(documents.get_in(cur, document_id))
        task_id = _insert_task(cur, actor, document_id, doc.issued_on or doc.month, clean)
        _write_links(cur, task_id, clean)
        return task_id
    return db.write(work)


def _refuse_rows_changed_since(cur, document_id: int, opened: dict[int, str], kept: dict[int, str]) -> None:
    """The rows someone else added, changed or deleted since the editor was opened, when this save would undo
    their work (`kept`: the rows of this table that were already saved, by id, with their titles): each named,
    with what happened and what this table would do to it."""
    rows = cur.execute(_TASK_ROWS_SQL, [document_id]).fetchall()
    stored = _row_versions(rows)
    if stored == opened:
        return
    titles = {row[0]: row[2] for row in rows}
    changes = []
    for task_id in sorted(stored.keys() - opened.keys()):
        changes.append((f"Nhiệm vụ «{titles[task_id]}»", "có (được thêm sau khi đồng chí mở bảng)",
                        "không có (giữ bảng của mình sẽ xóa nhiệm vụ này)"))
    for task_id in sorted(opened.keys() & stored.keys()):
        if stored[task_id] != opened[task_id]:
            yours = (f"dòng «{kept[task_id]}» như đồng chí đang thấy (giữ bảng của mình sẽ ghi đè)" if task_id in kept
                     else "không có (đồng chí đã xóa; giữ bảng của mình sẽ xóa nhiệm vụ này)")
            changes.append((f"Nhiệm vụ «{titles[task_id]}»", "đã được sửa sau khi đồng chí mở bảng", yours))
    for task_id in sorted((opened.keys() - stored.keys()) & kept.keys()):
        changes.append((f"Nhiệm vụ «{kept[task_id]}»", "không có (đã bị xóa sau khi đồng chí mở bảng)",
                        "có (giữ bảng của mình sẽ thêm lại)"))
    if not changes:
        return  # only rows this table deletes as well were deleted: nothing of theirs is undone
    touched = (stored.keys() | opened.keys()) - {task_id for task_id in stored if stored[task_id] == opened.get(task_id)}
    latest = max((found for task_id in touched if (found := audit.last_change(cur, "tasks", task_id))),
                 key=lambda found: found[1], default=None)
    raise StaleEdit(versions.headline(latest, "sửa bảng nhiệm vụ", "bảng"), stored, changes)


def _changed(before: dict, row: dict) -> bool:
    return any(k in before and before[k] != v for k, v in row.items())


