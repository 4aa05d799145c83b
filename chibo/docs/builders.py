"""The four documents the cell issues, filled from the data: the monthly resolution,
the action program, the report to the Đảng ủy, and the meeting minutes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pandas as pd

from chibo import cell, charts, dashboard, documents, evaluations, meetings, members, months, plans, program, targets, tasks
from chibo.db import Database
from chibo.docs.layout import Writer, vn_date_line
from chibo.errors import InputError
from chibo.labels import ATTENDANCE, CHANNELS, FIELDS, TASK_STATUSES, missing, vn_date, vn_number


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
    writer.header(profile_cell.superior_name, profile_cell.name, doc.number_text(profile_cell.code),
                  vn_date_line(profile_cell.place_name, day))
    writer.title(kind_name, doc.summary)
    return writer


def _recipients(db: Database, report: bool = True) -> list[str]:
    committee = cell.get(db).superior_committee
    return [f"- {committee} (báo cáo)," if report else f"- {committee},", "- Chi ủy,", "- Lưu Chi bộ."]


def _finish(db: Database, writer: Writer) -> bytes:
    position, name = _signer(db)
    writer.signature(_recipients(db), "T/M Chi bộ", position, name)
    return writer.to_bytes()


def _attendance_sentence(summary: dict | None) -> str:
    if not summary or not summary["total"]:
        return "Chưa có số liệu điểm danh."
    absent = "; ".join(f"{name} ({ATTENDANCE[status].lower()}{': ' + reason if reason else ''})"
                       for name, status, reason in summary["absent_names"])
    return (f"Tổng số đảng viên: {summary['total']} đồng chí (chính thức {summary['full']}, dự bị "
            f"{summary['probationary']}); miễn sinh hoạt {summary['exempt']}; có mặt {summary['present']} đồng chí; "
            f"vắng có lý do {summary['absent_excused']}, vắng không lý do {summary['absent_unexcused']}"
            + (f" (đồng chí {absent})." if absent else "."))


def _month_tasks(db: Database, month: date, today: date) -> pd.DataFrame:
    return tasks.board(db, today, month=month)


def _task_line(row) -> str:
    lead = row.lead
    partners = f"; phối hợp: {row.partners}" if isinstance(row.partners, str) and row.partners else ""
    report = f"; báo cáo tại {row.report_at}" if row.report_at else ""
    return (f"- {row.title}. Chủ trì: {lead}{partners}; kênh triển khai: {CHANNELS[row.channel].lower()}; "
            f"thời hạn: {vn_date(row.deadline)}{report}.")


# -- the monthly resolution -------------------------------------------------------------------
def resolution(db: Database, profile: dict, document_id: int, today: date) -> bytes:
    doc = documents.get(db, document_id)
    if doc.kind != "nq_thang":
        raise InputError("Văn bản này không phải nghị quyết thường kỳ.")
    current = _month_tasks(db, doc.month, today)
    if current.empty:
        raise InputError("Nghị quyết chưa có phương hướng, nhiệm vụ nào; chưa thể xuất văn bản.")
    writer = _start(db, profile, doc, "Nghị quyết", today)
    meeting = meetings.get(db, doc.meeting_id) if doc.meeting_id else None
    summary = meetings.attendance_summary(db, doc.meeting_id) if doc.meeting_id else None
    profile_cell = cell.get(db)
    opening = (f"Ngày {vn_date(meeting['held_on'])}, tại {meeting['place'] or 'trụ sở'}, {profile_cell.name} tiến hành "
               f"sinh hoạt thường kỳ tháng {doc.month.month} năm {doc.month.year}. " if meeting else
               f"{profile_cell.name} sinh hoạt thường kỳ tháng {doc.month.month} năm {doc.month.year}. ")
    if meeting:
        opening += f"Chủ trì: đồng chí {meeting['chair'] or '...'}; thư ký: đồng chí {meeting['secretary'] or '...'}. "
    writer.body(opening + _attendance_sentence(summary))
    bases = plans.bases(db, doc.id)
    if not bases.empty:
        writer.body("Căn cứ: " + "; ".join(bases["text"].str.rstrip(".")) + ".")

    previous = months.previous_month(doc.month)
    writer.heading(f"I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG {previous.month}/{previous.year}")
    _evaluation_part(db, writer, previous, today)

    writer.heading(f"II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG {doc.month.month}/{doc.month.year}")
    for number, (field, rows) in enumerate(current.groupby("field", sort=False), start=1):
        writer.heading(f"{number}. {FIELDS[field]}")
        for row in _rows(rows):
            writer.body(_task_line(row))

    writer.heading("III. TỔ CHỨC THỰC HIỆN")
    writer.body("1. Các nhiệm vụ giao trực tiếp cho đảng viên được triển khai ngay tại buổi sinh hoạt chi bộ.")
    writer.body("2. Ban giám hiệu triển khai tại cuộc họp liên tịch với Công đoàn, Đoàn Thanh niên, tổ trưởng, tổ phó "
                "chuyên môn; các đoàn thể, tổ chuyên môn xây dựng kế hoạch của đơn vị.")
    writer.body("3. Kế hoạch của các đơn vị được triển khai đến từng cán bộ, giáo viên tại cuộc họp hội đồng sư phạm.")
    writer.body(f"4. Đồng chí Bí thư cụ thể hóa nghị quyết và báo cáo {profile_cell.superior_committee} trong 02 ngày "
                "làm việc sau buổi sinh hoạt; chi ủy kiểm tra, giám sát và báo cáo kết quả tại buổi sinh hoạt tháng sau.")
    if meeting and summary and summary["present"] and meeting.get("votes_for") is not None:
        rate = vn_number(meeting["votes_for"] * 100 / summary["present"])
        writer.body(f"Nghị quyết được {meeting['votes_for']}/{summary['present']} đồng chí có mặt biểu quyết tán thành "
                    f"(đạt {rate}%).")
    return _finish(db, writer)


def _evaluation_part(db: Database, writer: Writer, month: date, today: date) -> None:
    if not documents.monthly_resolution(db, month):
        writer.body("Tháng trước chi bộ chưa có nghị quyết trên chibo.")
        return
    results = evaluations.task_results(db, month, today)
    figures = evaluations.task_counts(results)
    evaluation = evaluations.get(db, month) or {}
    writer.heading("1. Kết quả đạt được")
    writer.body(f"Nghị quyết tháng {month.month}/{month.year} đề ra {figures['tasks']} nhiệm vụ: hoàn thành đúng hạn "
                f"{figures['done_on_time']}, hoàn thành trễ hạn {figures['done_late']}, không hoàn thành "
                f"{figures['not_done']}, quá hạn chưa xong {figures['overdue']}.")
    writer.body(evaluation.get("results", ""))
    writer.table(["Nhiệm vụ tháng trước", "Tình trạng", "Kết quả"],
                 [[r.title, TASK_STATUSES[r.effective_status], f"{r.progress}%"] for r in _rows(results)],
                 [writer.usable_mm * 0.6, writer.usable_mm * 0.25, writer.usable_mm * 0.15])
    mentions = evaluations.mentions(db, month)
    if not mentions.empty:
        writer.heading("2. Biểu dương, nhắc nhở")
        for row in _rows(mentions):
            kind = "Biểu dương" if row.kind == "bieu_duong" else "Nhắc nhở"
            writer.body(f"- {kind} đồng chí {row.full_name}: {row.reason}.")
    writer.heading("3. Hạn chế, khuyết điểm và nguyên nhân")
    writer.body(evaluation.get("weaknesses") or "Không có.")
    if evaluation.get("causes_subjective"):
        writer.body("Nguyên nhân chủ quan: " + evaluation["causes_subjective"])
    if evaluation.get("causes_objective"):
        writer.body("Nguyên nhân khách quan: " + evaluation["causes_objective"])


# -- the report to the Đảng ủy -----------------------------------------------------------------
def report(db: Database, profile: dict, document_id: int, today: date) -> bytes:
    doc = documents.get(db, document_id)
    previous = months.previous_month(doc.month)
    if not documents.monthly_resolution(db, previous) and _month_tasks(db, doc.month, today).empty:
        raise InputError("Chưa có số liệu tháng trước và nhiệm vụ tháng này; chưa có gì để báo cáo.")
    report_doc = replace(doc, kind="bao_cao", summary=f"tình hình thực hiện nhiệm vụ tháng {previous.month}/"
                         f"{previous.year} và phương hướng nhiệm vụ tháng {doc.month.month}/{doc.month.year}")
    writer = _start(db, profile, report_doc, "Báo cáo", today)
    writer.heading(f"I. TÌNH HÌNH VÀ KẾT QUẢ THỰC HIỆN NHIỆM VỤ THÁNG {previous.month}/{previous.year}")
    _evaluation_part(db, writer, previous, today)
    writer.heading("4. Kết quả thực hiện các chỉ tiêu")
    card = targets.scorecard(db, min(months.month_end(previous), today))  # its text already shown
    writer.table(["Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đạt (%)"],
                 [[r.name, r.target_shown, r.actual_shown, "" if missing(r.attainment) else vn_number(r.attainment)]
                  for r in _rows(card)],
                 [writer.usable_mm * 0.46, writer.usable_mm * 0.2, writer.usable_mm * 0.2, writer.usable_mm * 0.14])
    monthly = dashboard.monthly_progress(db, today)
    if not monthly.empty:
        writer.picture(chart_png(monthly), 150)
    summary = meetings.attendance_summary(db, doc.meeting_id) if doc.meeting_id else None
    writer.heading("5. Sinh hoạt chi bộ")
    writer.body(_attendance_sentence(summary))
    evaluation = evaluations.get(db, previous) or {}
    writer.heading("II. ƯU ĐIỂM, HẠN CHẾ VÀ NGUYÊN NHÂN")
    writer.body("Ưu điểm: " + (evaluation.get("strengths") or "chưa ghi."))
    writer.body("Hạn chế: " + (evaluation.get("weaknesses") or "chưa ghi.").replace("\n", " "))
    writer.body("Nguyên nhân chủ quan: " + (evaluation.get("causes_subjective") or "chưa ghi."))
    writer.body("Nguyên nhân khách quan: " + (evaluation.get("causes_objective") or "chưa ghi."))
    writer.heading(f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG {doc.month.month}/{doc.month.year}")
    for field, rows in _month_tasks(db, doc.month, today).groupby("field", sort=False):
        writer.body(f"- {FIELDS[field]}: " + "; ".join(rows["title"]) + ".")
    writer.heading("IV. KIẾN NGHỊ, ĐỀ XUẤT")
    writer.body(evaluation.get("proposals") or "Không có.")
    return _finish(db, writer)


def chart_png(monthly: pd.DataFrame) -> bytes:
    """The dashboard's own Altair chart, rendered to PNG for the report."""
    import vl_convert as vlc
    return vlc.vegalite_to_png(charts.monthly_progress(monthly).to_json(), scale=2)


# -- the action program ----------------------------------------------------------------------
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
    for number, (key, (title, _)) in enumerate(program.PROGRAM_SECTIONS.items()):
        writer.heading(f"{ROMAN[number]}. {title.upper()}")
        writer.body(sections.get(key, ""))
        if key == "muc_tieu" and not card.empty:
            for goal in _rows(program.goals(db, doc.id)):
                writer.body(f"- {goal.title}: {goal.expected_result}")
            writer.table(["Chỉ tiêu", "Đơn vị tính", "Ban đầu", "Chỉ tiêu nhiệm kỳ"],
                         [[r.name, r.unit, "" if missing(r.baseline) or r.baseline is None else vn_number(r.baseline),
                           r.target_text or vn_number(r.target_value)] for r in _rows(card)],
                         [writer.usable_mm * 0.5, writer.usable_mm * 0.16, writer.usable_mm * 0.14, writer.usable_mm * 0.2])
        if key == "giai_phap" and not measures.empty:
            writer.table(["Giải pháp", "Chủ trì", "Phối hợp", "Thời hạn"],
                         [[f"{r.title}. {r.how}".strip(), r.lead or "", r.partners, vn_date(r.deadline)]
                          for r in _rows(measures)],
                         [writer.usable_mm * 0.46, writer.usable_mm * 0.2, writer.usable_mm * 0.2, writer.usable_mm * 0.14])
    return _finish(db, writer)


# -- the minutes -------------------------------------------------------------------------------------
def minutes(db: Database, profile: dict, document_id: int, today: date) -> bytes:
    doc = documents.get(db, document_id)
    if not doc.meeting_id:
        raise InputError("Nghị quyết chưa gắn với buổi sinh hoạt nào (chưa thông qua); chưa có biên bản.")
    meeting = meetings.get(db, doc.meeting_id)
    summary = meetings.attendance_summary(db, doc.meeting_id)
    minutes_doc = replace(doc, kind="bien_ban", issued_on=meeting["held_on"],
                          summary=f"sinh hoạt chi bộ thường kỳ tháng {doc.month.month} năm {doc.month.year}")
    writer = _start(db, profile, minutes_doc, "Biên bản", today)
    start = meeting["starts_at"].strftime("%H giờ %M") if meeting["starts_at"] else "..."
    writer.body(f"Thời gian: bắt đầu lúc {start}, ngày {vn_date(meeting['held_on'])}.")
    writer.body(f"Địa điểm: {meeting['place'] or '...'}.")
    writer.body(_attendance_sentence(summary))
    writer.body(f"Chủ trì: đồng chí {meeting['chair'] or '...'}; thư ký: đồng chí {meeting['secretary'] or '...'}.")
    writer.heading("NỘI DUNG")
    said = meetings.remarks(db, doc.meeting_id)
    for number, (key, title) in enumerate(meetings.AGENDA, start=1):
        writer.heading(f"{number}. {title}")
        notes = said[said["section"] == key]
        writer.body("\n".join(f"- {r.speaker + ': ' if isinstance(r.speaker, str) else ''}{r.text}"
                              for r in _rows(notes)) or "Không có ý kiến ghi lại.")
    writer.heading("KẾT LUẬN")
    for field, rows in _month_tasks(db, doc.month, today).groupby("field", sort=False):
        writer.body(f"- {FIELDS[field]}: " + "; ".join(rows["title"]) + ".")
    if meeting.get("votes_for") is not None:
        writer.body(f"Biểu quyết: {meeting['votes_for']}/{summary['present']} đồng chí có mặt tán thành; "
                    f"{meeting.get('votes_against') or 0} không tán thành.")
    end = meeting["ends_at"].strftime("%H giờ %M") if meeting["ends_at"] else "..."
    writer.body(f"Buổi sinh hoạt kết thúc lúc {end} cùng ngày.")
    writer.two_signatures("Thư ký", meeting["secretary"] or "", "Chủ trì", meeting["chair"] or "")
    return writer.to_bytes()
