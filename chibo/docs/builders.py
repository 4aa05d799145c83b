"""The four documents the cell issues, filled from the data: the monthly resolution,
the action program, the report to the Đảng ủy, and the meeting minutes."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd

from chibo import cell, documents, meetings, members, program, targets, tasks
from chibo.db import Database
from chibo.docs import wording
from chibo.docs.layout import Writer, vn_date_line
from chibo.errors import InputError
from chibo.labels import FIELDS, missing, vn_date, vn_number


def _rows(frame: pd.DataFrame) -> list[SimpleNamespace]:
    """Rows with attribute access, read in one conversion: pandas' itertuples and to_dict go through
    .iloc once per column, about 1.5 ms for a board-wide frame, several times per document."""
    columns = [str(c) for c in frame.columns]
    return [SimpleNamespace(**dict(zip(columns, values))) for values in frame.to_numpy(dtype=object).tolist()]


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


def _signer(db: Database) -> tuple[str, str]:
    """(position, full name): the secretary signs; without one, the deputy."""
    committee = members.committee(db)
    for role, position in (("bi_thu", "Bí thư"), ("pho_bi_thu", "Phó Bí thư")):
        found = committee[committee["party_role"] == role]
        if not found.empty:
            return position, found.iloc[0]["full_name"]
    raise InputError("Chi bộ chưa có Bí thư hoặc Phó Bí thư để ký văn bản; hãy cập nhật chức vụ trong «Đảng viên».")


def _start(db: Database, profile: dict, doc: documents.Document, kind_name: str, today: date) -> Writer:
    profile_cell = cell.get(db)
    writer = Writer(profile)
    day = doc.issued_on or doc.month or today
    number = "" if doc.kind == "bien_ban" else doc.number_text(profile_cell.code)  # minutes carry no number
    writer.header(profile_cell.superior_name, profile_cell.name, number,
                  vn_date_line(profile_cell.place_name, day))
    writer.title(kind_name, doc.summary, draft=not doc.locked and doc.kind in ("nq_thang", "bao_cao", "ctr"))
    writer.properties(author=profile_cell.name, title=f"{kind_name} {doc.summary}")
    return writer


def _recipients(db: Database, report: bool = True) -> list[str]:
    committee = cell.get(db).superior_committee
    return [f"- {committee} (báo cáo)," if report else f"- {committee},", "- Chi ủy,", "- Lưu Chi bộ."]


def _finish(db: Database, writer: Writer) -> bytes:
    position, name = _signer(db)
    writer.signature(_recipients(db), "T/M Chi bộ", position, name)
    return writer.to_bytes()


def _month_tasks(db: Database, month: date, today: date) -> pd.DataFrame:
    return tasks.board(db, today, month=month)


# -- the monthly resolution -------------------------------------------------------------------
def resolution(db: Database, profile: dict, document_id: int, today: date) -> bytes:
    doc = documents.get(db, document_id)
    if doc.kind != "nq_thang":
        raise InputError("Văn bản này không phải nghị quyết thường kỳ.")
    if _month_tasks(db, doc.month, today).empty:
        raise InputError("Nghị quyết chưa có phương hướng, nhiệm vụ nào; chưa thể xuất văn bản.")
    writer = _start(db, profile, doc, "Nghị quyết", today)
    render(writer, wording.resolution(db, doc, today))
    return _finish(db, writer)


def render(writer: Writer, parts: list[wording.Part]) -> None:
    """Parts in the Party layout; the closing line keeps to the page of the signature."""
    for index, part in enumerate(parts):
        if part.kind == "heading":
            writer.heading(part.text)
        elif part.kind == "table":
            headers, rows, shares = part.table
            writer.table(headers, rows, [writer.usable_mm * share for share in shares])
        else:
            writer.body(part.text, keep_with_next=index == len(parts) - 1)


# -- the report to the Đảng ủy -----------------------------------------------------------------
def report(db: Database, profile: dict, document_id: int, today: date) -> bytes:
    """The report on the month before the resolution `document_id` (its own document, see documents.month_report)."""
    doc = documents.get(db, document_id)
    report_doc = documents.issued_with(db, doc, "report") if doc.kind == "nq_thang" else doc
    if report_doc is None:
        raise InputError("Chưa có nghị quyết tháng trước để báo cáo kết quả.")
    writer = _start(db, profile, report_doc, "Báo cáo", today)
    render(writer, wording.report(db, report_doc, today))
    return _finish(db, writer)


def action_program(db: Database, profile: dict, document_id: int, today: date) -> bytes:
    doc = documents.get(db, document_id)
    if doc.kind != "ctr":
        raise InputError("Văn bản này không phải chương trình hành động.")
    sections = documents.sections(db, doc.id)
    card = targets.scorecard(db, today, doc.id)
    measures = program.measures(db, doc.id)
    if not any(v.strip() for v in sections.values()) and card.empty and measures.empty:
        raise InputError("Chương trình chưa có nội dung, chỉ tiêu hay giải pháp nào; chưa thể xuất văn bản.")
    writer = _start(db, profile, doc, "Chương trình hành động", today)
    titles = program.section_titles(sections, program.headings(db))
    writer.body(sections.get("mo_dau", ""))
    for number, (key, title) in enumerate((k, t) for k, t in titles.items() if t):
        writer.heading(f"{ROMAN[number]}. {title.upper()}")
        writer.body(sections.get(key, ""))
        if key == "muc_tieu":
            for goal in _rows(program.goals(db, doc.id)):
                writer.body(f"- {goal.title}: {goal.expected_result}")
            if not card.empty:
                writer.table(["TT", "Chỉ tiêu", "Đơn vị tính", "Đầu nhiệm kỳ", "Mục tiêu"],
                             [[str(n), r.name, r.unit, "" if missing(r.baseline) or r.baseline is None
                               else vn_number(r.baseline), r.target_text or vn_number(r.target_value)]
                              for n, r in enumerate(_rows(card), start=1)],
                             [writer.usable_mm * share for share in (0.07, 0.45, 0.14, 0.14, 0.2)])
        if key == "giai_phap" and not measures.empty:
            _measures_by_field(writer, measures)
    return _finish(db, writer)


def _measures_by_field(writer: Writer, measures: pd.DataFrame) -> None:
    """Each field's measures with who leads, who takes part and by when; the deadline column fits a date."""
    for number, (field, label) in enumerate(((f, lbl) for f, lbl in FIELDS.items()
                                             if (measures["field"] == f).any()), start=1):
        writer.heading(f"{number}. {label}")
        rows = measures[measures["field"] == field]
        writer.table(["Nhiệm vụ, giải pháp", "Chủ trì", "Phối hợp", "Thời hạn"],
                     [[f"{r.title}. {r.how}".strip(), r.lead or "", r.partners or "", vn_date(r.deadline)]
                      for r in _rows(rows)],
                     [writer.usable_mm * share for share in (0.44, 0.19, 0.19, 0.18)])


# -- the minutes -------------------------------------------------------------------------------------
def minutes(db: Database, profile: dict, document_id: int, today: date) -> bytes:
    """The minutes of the meeting that adopted the resolution `document_id` (their own document, no number)."""
    doc = documents.get(db, document_id)
    minutes_doc = documents.issued_with(db, doc, "minutes") if doc.kind == "nq_thang" else doc
    if minutes_doc is None:
        raise InputError("Nghị quyết chưa gắn với buổi sinh hoạt nào (chưa thông qua); chưa có biên bản.")
    meeting = meetings.get(db, minutes_doc.meeting_id)
    writer = _start(db, profile, minutes_doc, "Biên bản", today)
    render(writer, wording.minutes(db, minutes_doc, today))
    writer.two_signatures("Người ghi biên bản", meeting["secretary"] or "", "Chủ trì", meeting["chair"] or "")
    return writer.to_bytes()
