"""The term action program: sections, goals, targets, measures; and the register of
higher-level documents that plans cite as bases."""

from __future__ import annotations

from datetime import date

import pandas as pd

from chibo import audit, cell, documents, targets, validate, versions
from chibo.db import Database
from chibo.errors import InputError
from chibo.labels import DIRECTIONS, FIELDS, TARGET_KINDS
from chibo.permissions import Actor, require

# An action program in the Party's form: an opening citing the congress resolution, then I–IV. The bodies are
# pre-filled, the committee rewords them; the targets table goes under «Mục tiêu, chỉ tiêu», the measures by
# field under «Nhiệm vụ, giải pháp chủ yếu». The guide's monitoring and evaluation points live in «Tổ chức thực hiện».
PROGRAM_SECTIONS = {
    "mo_dau": ("", "Thực hiện Nghị quyết Đại hội {cell} nhiệm kỳ {term}, Chi ủy xây dựng Chương trình hành động "
                   "như sau:"),
    "muc_dich": ("Mục đích, yêu cầu", "1. Cụ thể hóa các mục tiêu, chỉ tiêu, nhiệm vụ và giải pháp của Nghị quyết "
                 "Đại hội Chi bộ thành những việc làm cụ thể, phân công rõ người, rõ việc, rõ thời gian.\n"
                 "2. Chương trình rõ ràng, khả thi, đo lường được, được điều chỉnh khi tình hình thay đổi; các đoàn thể, "
                 "tổ chuyên môn và mỗi đảng viên căn cứ chương trình để xây dựng kế hoạch của mình."),
    "muc_tieu": ("Mục tiêu, chỉ tiêu", ""),
    "giai_phap": ("Nhiệm vụ, giải pháp chủ yếu", ""),
    "to_chuc": ("Tổ chức thực hiện", "1. Chi ủy phân công đồng chí phụ trách từng nhiệm vụ, giải pháp; theo dõi, đôn "
                "đốc việc thực hiện.\n"
                "2. Kết quả thực hiện các chỉ tiêu được cập nhật hằng tháng và báo cáo tại kỳ sinh hoạt chi bộ "
                "thường kỳ.\n"
                "3. Sơ kết mỗi học kỳ, tổng kết mỗi năm học; Chi ủy xem xét, điều chỉnh chỉ tiêu, giải pháp khi tình "
                "hình thay đổi.\n"
                "4. Chương trình được quán triệt đến toàn thể đảng viên; triển khai qua họp liên tịch và họp hội đồng "
                "sư phạm để mọi cán bộ, giáo viên, nhân viên cùng thực hiện."),
}
# The headings of programs made before the Party's form was the default: such a program still exports as made.
EARLIER_SECTIONS = {
    "gioi_thieu": "Giới thiệu", "muc_tieu": "Mục tiêu và kết quả mong đợi", "giai_phap": "Nhiệm vụ, giải pháp",
    "phan_cong": "Phân công thực hiện", "tien_do": "Tiến độ thực hiện", "theo_doi": "Theo dõi, giám sát",
    "truyen_thong": "Truyền thông, phổ biến", "danh_gia": "Đánh giá và điều chỉnh",
}


# The Party form's headings (the opening has none): the default list of the cell's sections.
FORM_HEADINGS = {key: title for key, (title, _) in PROGRAM_SECTIONS.items() if title}
# Sections the targets table and the measures go under: a program without them would lose its core.
KEPT_SECTIONS = {"muc_tieu": "bảng mục tiêu, chỉ tiêu", "giai_phap": "các nhiệm vụ, giải pháp"}


def section_titles(saved: dict[str, str], headings: dict[str, str], printed: bool = True) -> dict[str, str]:
    """The headings a program is written under: the earlier list if it was made with it, else the cell's list
    (`headings`, see `headings`); a section that holds text but has since left the list keeps its place at the end
    under its last known title, so no written word drops out of the document. `printed`: only what the document
    prints (the cell's own sections once they have words); else every section, for the editing screen."""
    if "gioi_thieu" in saved and "mo_dau" not in saved:
        return EARLIER_SECTIONS
    # A section of the cell's own is printed once it has words; the form's sections always (…… for the secretary).
    titles = {"mo_dau": ""} | {key: title for key, title in headings.items()
                               if not printed or key in PROGRAM_SECTIONS or (saved.get(key) or "").strip()}
    orphans = {key: _default_title(key) for key, body in saved.items()
               if key not in titles and (body or "").strip()}
    return titles | orphans


def _default_title(key: str) -> str:
    return PROGRAM_SECTIONS[key][0] if key in PROGRAM_SECTIONS else "Nội dung khác"


def headings(db: Database) -> dict[str, str]:
    """The cell's list of the program's headings, in order (part of its document format); the Party's form by
    default. Kept as [[key, title], ...]; the first version kept only rewordings, {key: title}."""
    saved = cell.setting(db, "program_headings", {})
    if isinstance(saved, dict):
        return {key: saved.get(key) or title for key, title in FORM_HEADINGS.items()}
    return {key: title for key, title in saved}


def headings_form(db: Database) -> versions.Opened:
    """What the headings form is opened on: the list as it reads now, and the version of what is stored."""
    return versions.Opened(headings(db), cell.setting_form(db, "program_headings", {}).version)


def save_headings(db: Database, actor: Actor, rows: list[tuple[str | None, str]] | dict[str, str],
                  opened: str | None = None) -> None:
    """Save the list of headings as the committee edited it: (key, title) in order, key None for a new section.
    A section may be left out unless it carries the targets or the measures, or the current program has text in it.
    `opened`: the version of its form (headings_form); a list saved since by someone else refuses this one."""
    if isinstance(rows, dict):  # rewording only, the list unchanged
        current = headings(db)
        if set(rows) - set(current):
            raise InputError("Có đề mục không thuộc chương trình hành động; hãy tải lại trang.")
        rows = [(key, rows.get(key, title)) for key, title in current.items()]
    cleaned = _cleaned_headings(rows)
    _refuse_dropping_needed_sections(db, set(headings(db)) - {key for key, _ in cleaned})
    cell.save_setting(db, actor, "program_headings", [list(pair) for pair in cleaned], opened,
                      {"program_headings": "Đề mục"}, "đề mục của chương trình hành động")


def _cleaned_headings(rows) -> list[tuple[str, str]]:
    used = {key for key, _ in rows if key}
    cleaned, fresh = [], (f"rieng_{n}" for n in range(1, 1000) if f"rieng_{n}" not in used)
    for key, title in rows:
        title = title if isinstance(title, str) else ""
        if key and key not in FORM_HEADINGS and not str(key).startswith("rieng_"):
            raise InputError("Có đề mục không thuộc chương trình hành động; hãy tải lại trang.")
        if not key and not title.strip():
            continue  # an empty new row of the grid: nothing was typed
        cleaned.append((key or next(fresh), validate.text(title, "Đề mục", max_len=120)))
    if not cleaned:
        raise InputError("Chương trình hành động phải có ít nhất một đề mục.")
    if len({title.lower() for _, title in cleaned}) < len(cleaned):
        raise InputError("Hai đề mục trùng tên; hãy đặt tên khác nhau.")
    return cleaned


def _refuse_dropping_needed_sections(db: Database, dropped: set[str]) -> None:
    for key in dropped & set(KEPT_SECTIONS):
        raise InputError(f"Không thể bỏ mục «{_default_title(key)}»: {KEPT_SECTIONS[key]} của chương trình "
                         "được in dưới mục này; có thể đổi tên mục.")
    doc = documents.current_program(db)
    written = documents.sections(db, doc.id) if doc else {}
    for key in sorted(dropped):
        if (written.get(key) or "").strip():
            raise InputError("Không thể bỏ một mục đang có nội dung trong chương trình hành động; hãy xóa nội dung "
                             "của mục đó ở trang «Chương trình hành động» trước.")


def prefilled(key: str, cell_name: str, term: str) -> str:
    return PROGRAM_SECTIONS[key][1].format(cell=cell_name, term=term)


def create_program(db: Database, actor: Actor, term_id: int, issued_on, summary: str = "",
                   from_template: bool = True) -> int:
    require(actor, "edit_plans")
    issued_on = validate.a_date(issued_on, "Ngày ban hành")
    term = next((t for t in cell.terms(db) if t.id == term_id), None)
    if not term:
        raise InputError("Không tìm thấy nhiệm kỳ.")
    if not term.start_date <= issued_on <= term.end_date:
        raise InputError(f"Ngày ban hành phải nằm trong {term.name}.")
    summary = validate.text(summary or f"thực hiện Nghị quyết Đại hội Chi bộ {term.name.lower()}",
                            "Trích yếu", max_len=300)
    place, cell_name = cell.get(db).place_name, cell.get(db).name

    def work(cur):
        doc_id = documents.insert(cur, actor, "ctr", term_id, summary, issued_on, place)
        if from_template:
            for key in PROGRAM_SECTIONS:
                cur.execute("INSERT INTO document_sections VALUES (?, ?, ?)",
                            [doc_id, key, prefilled(key, cell_name, term.name.replace("Nhiệm kỳ ", ""))])
        return doc_id
    return db.write(work)


# -- goals ----------------------------------------------------------------------
def goals(db: Database, document_id: int) -> pd.DataFrame:
    return db.query("SELECT id, title, expected_result FROM goals WHERE document_id = ? ORDER BY position, id",
                    [document_id])


def add_goal(db: Database, actor: Actor, document_id: int, title: str, expected_result: str = "") -> int:
    require(actor, "edit_plans")
    title = validate.text(title, "Mục tiêu", max_len=500)
    expected = validate.long_text(expected_result, "Kết quả mong đợi")

    def work(cur):
        documents.refuse_locked(documents.get_in(cur, document_id))
        goal_id = cur.execute("INSERT INTO goals (document_id, title, expected_result, position) VALUES"
                              " (?, ?, ?, (SELECT count(*) FROM goals WHERE document_id = ?)) RETURNING id",
                              [document_id, title, expected, document_id]).fetchone()[0]
        audit.log(cur, actor, "thêm mục tiêu", "goals", goal_id, None, {"title": title})
        return goal_id
    return db.write(work)


# -- targets ----------------------------------------------------------------------
def clean_target(values: dict, term: cell.Term) -> dict:
    kind = validate.choice(values.get("kind"), TARGET_KINDS, "Loại chỉ tiêu")
    unit = validate.text(values.get("unit"), "Đơn vị tính", required=kind != "qualitative", max_len=30)
    baseline = targets.amount(values.get("baseline"), "Giá trị ban đầu", unit, required=False)
    target = targets.amount(values.get("target_value"), "Giá trị chỉ tiêu", unit, required=kind != "qualitative")
    target_text = validate.text(values.get("target_text"), "Mức chỉ tiêu định tính",
                                required=kind == "qualitative")
    start = validate.a_date(values.get("period_start") or term.start_date, "Bắt đầu kỳ")
    end = validate.a_date(values.get("period_end") or term.end_date, "Kết thúc kỳ")
    validate.date_order(start, end, "bắt đầu kỳ", "Kết thúc kỳ")
    return {
        "field": validate.choice(values.get("field"), FIELDS, "Lĩnh vực"),
        "name": validate.text(values.get("name"), "Tên chỉ tiêu", max_len=300),
        "unit": unit or "",
        "kind": kind,
        "direction": validate.choice(values.get("direction") or "higher", DIRECTIONS, "Chiều đánh giá"),
        "baseline": baseline,
        "target_value": target,
        "target_text": target_text,
        "period_start": start,
        "period_end": end,
        "from_tasks": bool(values.get("from_tasks")),
        "goal_id": validate.optional_id(values.get("goal_id")),
    }


def add_target(db: Database, actor: Actor, document_id: int, **values) -> int:
    require(actor, "edit_plans")
    doc = documents.get(db, document_id)
    term = next(t for t in cell.terms(db) if t.id == doc.term_id)
    cleaned = clean_target(values, term)

    def work(cur):
        documents.refuse_locked(documents.get_in(cur, document_id))
        validate.existing_id(cur, "goals", cleaned["goal_id"])
        cols = ", ".join(cleaned)
        target_id = cur.execute(
            f"INSERT INTO targets (document_id, position, {cols}) VALUES (?, (SELECT count(*) FROM targets"
            f" WHERE document_id = ?), {', '.join('?' * len(cleaned))}) RETURNING id",
            [document_id, document_id, *cleaned.values()]).fetchone()[0]
        audit.log(cur, actor, "thêm chỉ tiêu", "targets", target_id, None, cleaned)
        return target_id
    return db.write(work)


def delete_target(db: Database, actor: Actor, target_id: int) -> None:
    require(actor, "edit_plans")

    def work(cur):
        before = audit.row(cur, "targets", target_id)
        if not before:
            raise InputError("Không tìm thấy chỉ tiêu.")
        documents.refuse_locked(documents.get_in(cur, before["document_id"]))
        cur.execute("DELETE FROM target_values WHERE target_id = ?", [target_id])
        cur.execute("DELETE FROM month_target_snapshots WHERE target_id = ?", [target_id])
        cur.execute("UPDATE measures SET target_id = NULL WHERE target_id = ?", [target_id])
        cur.execute("DELETE FROM targets WHERE id = ?", [target_id])
        audit.log(cur, actor, "xóa chỉ tiêu", "targets", target_id, before, None)
    db.write(work)


# -- measures ----------------------------------------------------------------------
def measures(db: Database, document_id: int) -> pd.DataFrame:
    return db.query(
        "SELECT id, field, title, how, lead_member_id, lead_unit_id, lead_name(lead_member_id, lead_unit_id) AS lead,"
        " partners, deadline, target_id FROM measures WHERE document_id = ? ORDER BY field, position, id", [document_id])


def measure_choices(db: Database) -> dict[int, str]:
    """The measures of the current action program a monthly task may carry out: id -> its title."""
    found = documents.current_program(db)
    if found is None:
        return {}
    return dict(db.rows("SELECT id, title FROM measures WHERE document_id = ? ORDER BY field, position, id", [found.id]))


def add_measure(db: Database, actor: Actor, document_id: int, field: str, title: str, how: str = "",
                lead_member_id=None, lead_unit_id=None, partners: str = "", deadline=None,
                target_id=None) -> int:
    require(actor, "edit_plans")
    doc = documents.get(db, document_id)
    term = next(t for t in cell.terms(db) if t.id == doc.term_id)
    values = {
        "field": validate.choice(field, FIELDS, "Lĩnh vực"),
        "title": validate.text(title, "Giải pháp", max_len=500),
        "how": validate.long_text(how, "Cách thực hiện"),
        "lead_member_id": validate.optional_id(lead_member_id),
        "lead_unit_id": validate.optional_id(lead_unit_id),
        "partners": validate.text(partners, "Phối hợp", required=False, max_len=300),
        "deadline": validate.a_date(deadline, "Thời hạn", required=False),
        "target_id": validate.optional_id(target_id),
    }
    if values["lead_member_id"] is None and values["lead_unit_id"] is None:
        raise InputError("Giải pháp cần người hoặc đơn vị chủ trì.")
    if values["deadline"] and not term.start_date <= values["deadline"] <= term.end_date:
        raise InputError(f"Thời hạn {values['deadline']:%d/%m/%Y} nằm ngoài {term.name}.")

    def work(cur):
        documents.refuse_locked(documents.get_in(cur, document_id))
        validate.existing_id(cur, "members", values["lead_member_id"])
        validate.existing_id(cur, "units", values["lead_unit_id"])
        validate.existing_id(cur, "targets", values["target_id"])
        measure_id = cur.execute(
            "INSERT INTO measures (document_id, position, field, title, how, lead_member_id, lead_unit_id, partners,"
            " deadline, target_id) VALUES (?, (SELECT count(*) FROM measures WHERE document_id = ?),"
            " ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", [document_id, document_id, *values.values()]).fetchone()[0]
        audit.log(cur, actor, "thêm giải pháp", "measures", measure_id, None, values)
        return measure_id
    return db.write(work)


# -- higher-level documents ---------------------------------------------------------
# The type of a Party document, read from the code in its number ("14-HD/BTCTU" is a Hướng dẫn).
TYPE_WORDS = {"NQ": "Nghị quyết", "HD": "Hướng dẫn", "CV": "Công văn", "KH": "Kế hoạch", "CT": "Chỉ thị",
              "QĐ": "Quyết định", "TB": "Thông báo", "KL": "Kết luận", "BC": "Báo cáo", "CTR": "Chương trình",
              "QC": "Quy chế", "QĐI": "Quy định", "TT": "Thông tri", "ĐA": "Đề án"}


def cited(reference: str) -> str:
    """'14-HD/BTCTU ngày …' -> 'Hướng dẫn số 14-HD/BTCTU ngày …': a higher document cited in full."""
    import re
    found = re.match(r"\s*\d+[\w.]*-([^/\s]+)/", reference)
    if not found or reference.lower().startswith(tuple(w.lower() for w in TYPE_WORDS.values())):
        return reference
    word = TYPE_WORDS.get(found.group(1).upper(), "Văn bản")
    return f"{word} số {reference.strip()}"


def higher_docs(db: Database) -> pd.DataFrame:
    return db.query("SELECT id, number, issuer, issued_on, title, received_on FROM higher_docs"
                    " ORDER BY issued_on DESC, id DESC")


def add_higher_doc(db: Database, actor: Actor, number: str, issuer: str, issued_on, title: str,
                   received_on=None, *, today: date) -> int:
    require(actor, "edit_plans")
    values = {
        "number": validate.text(number, "Số, ký hiệu", max_len=40),
        "issuer": validate.text(issuer, "Cơ quan ban hành"),
        "issued_on": validate.a_date(issued_on, "Ngày ban hành"),
        "title": validate.text(title, "Trích yếu", max_len=400),
        "received_on": validate.a_date(received_on, "Ngày nhận", required=False),
    }
    if values["issued_on"] > today:
        raise InputError("Ngày ban hành không thể ở tương lai.")
    if values["received_on"]:
        validate.date_order(values["issued_on"], values["received_on"], "ngày ban hành", "Ngày nhận")

    def work(cur):
        clash = cur.execute("SELECT count(*) FROM higher_docs WHERE number = ? AND issued_on = ?",
                            [values["number"], values["issued_on"]]).fetchone()[0]
        if clash:
            raise InputError(f"Văn bản {values['number']} ngày {values['issued_on']:%d/%m/%Y} đã có trong sổ.")
        doc_id = cur.execute("INSERT INTO higher_docs (number, issuer, issued_on, title, received_on)"
                             " VALUES (?, ?, ?, ?, ?) RETURNING id", list(values.values())).fetchone()[0]
        audit.log(cur, actor, "thêm văn bản cấp trên", "higher_docs", doc_id, None, values)
        return doc_id
    return db.write(work)
