"""The words of the cell's documents, written as a cell writes them.

Each document is a list of parts. A part the committee may reword has a key: its text is pre-filled from
the data here, and the wording the committee saved for that document (documents.sections, locked with the
document) takes its place. Where a figure is not known yet the text leaves "……" for the secretary; it never
says what the data does not support, and never speaks the software's own words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

import pandas as pd

from chibo import cell, documents, evaluations, meetings, members, months, plans, program, targets, tasks
from chibo.db import Database
from chibo.labels import FIELDS, missing, vn_date, vn_number

BLANK = "……"

# Outcomes of a month's tasks as the evaluation counts them; every task falls in exactly one.
UNFINISHED = ("overdue", "in_progress", "not_started", "not_done", "paused")
RESULT_WORDS = {"done": "Hoàn thành đúng hạn", "done_late": "Hoàn thành chậm so với thời hạn",
                "overdue": "Chưa hoàn thành", "in_progress": "Đang thực hiện", "not_started": "Chưa triển khai",
                "not_done": "Không hoàn thành", "paused": "Tạm dừng"}

# Written where the higher committee's name goes in the cell's «Tổ chức thực hiện» wording; «{committee}», the first
# version's mark, still works in wording saved with it.
SUPERIOR_MARK = "[Đảng ủy cấp trên]"
_OLD_SUPERIOR_MARK = "{committee}"

DEFAULT_IMPLEMENTATION = (
    "1. Các đồng chí đảng viên được phân công chủ động triển khai nhiệm vụ ngay sau buổi sinh hoạt.\n"
    "2. Đồng chí Bí thư Chi bộ chủ trì cuộc họp liên tịch với Công đoàn, Chi đoàn Thanh niên, Liên đội và các tổ "
    "chuyên môn để triển khai nghị quyết; các đoàn thể, tổ chuyên môn xây dựng kế hoạch của đơn vị.\n"
    "3. Ban giám hiệu triển khai kế hoạch đến toàn thể cán bộ, giáo viên, nhân viên tại cuộc họp hội đồng sư phạm.\n"
    "4. Đồng chí Bí thư cụ thể hóa nghị quyết, báo cáo [Đảng ủy cấp trên] trong 02 ngày làm việc sau buổi sinh hoạt và "
    "đăng tải nghị quyết lên Sổ tay đảng viên điện tử; Chi ủy kiểm tra, giám sát việc thực hiện và báo cáo kết quả tại kỳ "
    "sinh hoạt tháng sau.")


@dataclass(frozen=True)
class Part:
    """One piece of a document: a heading, a paragraph (rewordable when it has a key), a table, or a list."""
    kind: str  # "heading", "text", "table", "vote"
    text: str = ""
    key: str = ""
    label: str = ""  # what the app calls a rewordable part
    table: tuple = ()  # (headers, rows, shares of the width)


def heading(text: str) -> Part:
    return Part("heading", text)


def text(body: str, key: str = "", label: str = "") -> Part:
    return Part("text", body, key, label)


def reworded(parts: list[Part], saved: dict[str, str]) -> list[Part]:
    """The committee's wording in place of the pre-filled text, part by part."""
    return [Part(p.kind, saved[p.key], p.key, p.label, p.table) if p.key and saved.get(p.key, "").strip() else p
            for p in parts]


def numbered(sections: list[tuple[str, list[Part]]], roman: bool) -> list[Part]:
    """Headings numbered without gaps: a section with nothing to say is left out, the next takes its number."""
    kept = [(title, body) for title, body in sections if body]
    out: list[Part] = []
    for index, (title, body) in enumerate(kept, start=1):
        mark = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"][index - 1] if roman else str(index)
        out.append(heading(f"{mark}. {title}"))
        out += body
    return out


# -- small sayings ------------------------------------------------------------------------------
# Names that keep their capital letter wherever they stand in a sentence.
PROPER_STARTS = ("Chi ủy", "Chi bộ", "Chi đoàn", "Đảng", "Ban ", "Công đoàn", "Liên đội", "Tổ khối", "Tổ văn phòng",
                 "Ngày ", "Hội đồng",
                 "Sổ tay", "Nghị quyết", "Điều lệ")


def lower_first(words: str) -> str:
    """A sentence's words continued after a colon: the first letter small, unless a name begins there."""
    words = (words or "").strip().rstrip(".")
    if not words or words.startswith(PROPER_STARTS):
        return words
    return words[:1].lower() + words[1:]


def clock(at: time | None) -> str:
    return f"{at.hour} giờ {at.minute:02d}" if at else f"{BLANK} giờ {BLANK}"


def month_words(month: date) -> str:
    return f"tháng {month.month} năm {month.year}"


def month_short(month: date) -> str:
    return f"tháng {month.month}/{month.year}"


def comrades(names: list[str]) -> str:
    return ", ".join(f"đồng chí {name}" for name in names)


def percent(part: int, whole: int) -> str:
    return vn_number(part * 100 / whole) if whole else BLANK


# -- the meeting ----------------------------------------------------------------------------------
def _role_of(db: Database, name: str | None) -> str:
    from chibo.labels import PARTY_ROLES
    committee = members.committee(db)
    found = committee[committee["full_name"] == name]
    if found.empty:
        return ""
    role = PARTY_ROLES[found.iloc[0]["party_role"]]
    return f", {role} Chi bộ" if role != "Chi ủy viên" else ", Chi ủy viên"


def opening(db: Database, month: date, meeting: dict | None) -> str:
    """'Hôm nay, vào lúc 14 giờ 00 ngày 03/11/2026, tại …, Chi bộ … tổ chức sinh hoạt thường kỳ tháng 11 năm 2026.'"""
    cell_name = cell.get(db).name
    if not meeting:  # a draft before its meeting is recorded: the day the cell's rules plan it for
        return (f"Hôm nay, vào lúc {BLANK} giờ {BLANK} ngày {vn_date(months.meeting_date(db, month))}, tại {BLANK}, "
                f"{cell_name} tổ chức sinh hoạt thường kỳ {month_words(month)}.")
    # No end time: the cell adopts its resolution before the meeting ends; the minutes state when it ended.
    said = (f"Hôm nay, vào lúc {clock(meeting['starts_at'])} ngày {vn_date(meeting['held_on'])}, tại "
            f"{meeting['place'] or BLANK}, {cell_name} tổ chức sinh hoạt thường kỳ {month_words(month)}.")
    chair = (f"đồng chí {meeting['chair']}{_role_of(db, meeting['chair'])}" if meeting["chair"] else BLANK)
    keeper = (f"đồng chí {meeting['secretary']}{_role_of(db, meeting['secretary'])}" if meeting["secretary"] else BLANK)
    return said + f"\nChủ trì: {chair}. Thư ký: {keeper}."


def attendance(summary: dict | None, roster: dict | None = None) -> str:
    """Total, present, absent with reason (named, reason in lower case), without reason, exempt (named). Before the
    roll call, a draft states the cell's `roster` today (members.counts) and leaves the rest for the meeting."""
    if not summary or not summary["total"]:
        total = (f"{roster['total']} đồng chí (chính thức {roster['full']}, dự bị {roster['probationary']})"
                 if roster and roster["total"] else f"{BLANK} đồng chí")
        return (f"Tổng số đảng viên của Chi bộ: {total}; có mặt: {BLANK} đồng chí; vắng có lý do: {BLANK}; "
                f"vắng không lý do: {BLANK}; miễn sinh hoạt: {BLANK}.")
    by_status: dict[str, list[tuple[str, str]]] = {}
    for name, status, reason in summary["absent_names"] + summary.get("exempt_names", []):
        by_status.setdefault(status, []).append((name, reason))

    def count_with_names(status: str, with_reason: bool) -> str:
        people = by_status.get(status, [])
        if not people:
            return "không"
        named = "; ".join(f"đồng chí {name}" + (f": {lower_first(reason)}" if with_reason and reason else "")
                          for name, reason in people)
        return f"{len(people)} đồng chí ({named})"

    return (f"Tổng số đảng viên của Chi bộ: {summary['total']} đồng chí (chính thức {summary['full']}, dự bị "
            f"{summary['probationary']}). Có mặt: {summary['present']} đồng chí. "
            f"Vắng có lý do: {count_with_names('absent_excused', True)}. "
            f"Vắng không lý do: {count_with_names('absent_unexcused', False)}. "
            f"Miễn sinh hoạt: {count_with_names('exempt', False)}.")


def resolving_clause(previous: date, month: date) -> str:
    return (f"Sau khi nghe đồng chí Bí thư báo cáo kết quả thực hiện Nghị quyết {month_short(previous)} và dự thảo "
            f"phương hướng, nhiệm vụ {month_short(month)}, Chi bộ thảo luận và thống nhất ban hành nghị quyết như sau:")


def vote(meeting: dict | None, summary: dict | None, adopted: bool) -> str:
    present = summary["present"] if summary else 0
    votes = meeting.get("votes_for") if meeting else None
    if not adopted or votes is None or not present:
        return f"Nghị quyết được {BLANK}/{BLANK} đồng chí có mặt biểu quyết tán thành ({BLANK}%)."
    return (f"Nghị quyết được {votes}/{present} đồng chí có mặt biểu quyết tán thành "
            f"({percent(votes, present)}%).")


def quality(meeting_id: int | None, db: Database) -> list[Part]:
    if not meeting_id:
        return []
    total, band = meetings.score(db, meeting_id)
    if total is None:
        return []
    return [text(f"Chi bộ tự đánh giá chất lượng buổi sinh hoạt đạt {vn_number(total)}/100 điểm, xếp loại "
                 f"{band}.")]


# -- bases ----------------------------------------------------------------------------------------
def bases(db: Database, document_id: int) -> list[str]:
    """'Căn cứ …;' one per line: the Party's Statute, the cell's action program, then the higher documents and
    other grounds of this month. The cell's standing duties and last month's shortcomings are not bases (the
    shortcomings are evaluated in section I)."""
    frame = plans.bases(db, document_id)
    grounds = [t.strip().rstrip(".;") for kind, t in zip(frame["kind"], frame["text"])
               if kind in ("higher_doc", "other") and t.strip()]
    lines = ["Căn cứ Điều lệ Đảng Cộng sản Việt Nam"]
    action = documents.current_program(db)
    if action is not None and action.locked and action.number:
        lines.append(f"Căn cứ Chương trình hành động số {action.number:02d}-CTr/CB ngày {vn_date(action.issued_on)} "
                     f"của Chi bộ {action.summary}")
    lines += [g if g.lower().startswith("căn cứ") else f"Căn cứ {program.cited(g)}" for g in grounds]
    return [line + ";" for line in lines]


# -- last month's results ---------------------------------------------------------------------------
def _outcome(status: str) -> str:
    return "open" if status in ("in_progress", "not_started") else status


def in_field_order(frame: pd.DataFrame) -> pd.DataFrame:
    order = {field: index for index, field in enumerate(FIELDS)}
    return frame.assign(_order=frame["field"].map(order)).sort_values(["_order", "deadline", "id"]).drop(columns="_order")


def counted(results: pd.DataFrame) -> str:
    """'16 nhiệm vụ; Chi bộ đã lãnh đạo hoàn thành 15 nhiệm vụ (10 đúng hạn, 5 chậm so với thời hạn), còn 1 nhiệm
    vụ chưa hoàn thành' — every task counted once, unfinished work of every kind included."""
    status = results["effective_status"]
    on_time, late = int((status == "done").sum()), int((status == "done_late").sum())
    unfinished = len(results) - on_time - late
    said = f"{len(results)} nhiệm vụ; Chi bộ đã lãnh đạo hoàn thành {on_time + late} nhiệm vụ"
    if late:
        said += f" ({on_time} đúng hạn, {late} chậm so với thời hạn)"
    return said + (f", còn {unfinished} nhiệm vụ chưa hoàn thành" if unfinished else "")


def field_results(results: pd.DataFrame, month: date) -> list[Part]:
    """A short paragraph per field, pre-filled from the month's tasks: how much was done, and which work was
    late or is unfinished, named."""
    parts = []
    for field, label in FIELDS.items():
        rows = results[results["field"] == field]
        if rows.empty:
            continue
        parts.append(text(f"- {label}: {field_sentence(rows)}.", key=f"ket_qua_{field}",
                          label=f"Kết quả {month_short(month)} — {label}"))
    return parts


def field_sentence(rows: pd.DataFrame) -> str:
    done = rows[rows["effective_status"].isin(["done", "done_late"])]
    said = f"hoàn thành {len(done)}/{len(rows)} nhiệm vụ"
    late = rows[rows["effective_status"] == "done_late"]
    if not late.empty:
        named = "; ".join(f"{lower_first(r.title)}, hoàn thành ngày {vn_date(r.done_on)}" for r in late.itertuples())
        said += f", trong đó {len(late)} nhiệm vụ chậm so với thời hạn ({named})"
    open_work = rows[rows["effective_status"].isin(UNFINISHED)]
    if not open_work.empty:
        named = "; ".join(f"{lower_first(r.title)}, đạt {r.progress}%" for r in open_work.itertuples())
        said += f"; chưa hoàn thành: {named}"
    return said


def result_of(row) -> str:
    words = RESULT_WORDS[row.effective_status]
    if row.effective_status in ("done", "done_late") and not missing(row.done_on):
        return f"{words} ({vn_date(row.done_on)})"
    if row.effective_status in UNFINISHED and row.progress:
        return f"{words} (đạt {row.progress}%)"
    return words


def results_table(results: pd.DataFrame) -> Part:
    rows = [[str(n), r.title, r.lead if isinstance(r.lead, str) else "", result_of(r)]
            for n, r in enumerate(in_field_order(results).itertuples(), start=1)]
    return Part("table", table=(["TT", "Nhiệm vụ", "Chủ trì", "Kết quả"], rows, [0.08, 0.42, 0.22, 0.28]))


def mentions(db: Database, month: date) -> list[Part]:
    frame = evaluations.mentions_for_documents(db, month)
    parts = []
    for kind, word in (("bieu_duong", "Biểu dương"), ("nhac_nho", "Nhắc nhở")):
        for row in frame[frame["kind"] == kind].itertuples():
            parts.append(text(f"- {word} đồng chí {row.full_name}: {lower_first(row.reason)}."))
    return parts


def shortcomings(evaluation: dict) -> str:
    lines = [f"- {line.strip(' -+•').rstrip('.')}." for line in (evaluation.get("weaknesses") or "").splitlines()
             if line.strip(" -+•")]
    causes = [(word, evaluation.get(key)) for word, key in (("chủ quan", "causes_subjective"),
                                                            ("khách quan", "causes_objective"))]
    lines += [f"Nguyên nhân {word}: {lower_first(why)}." for word, why in causes if why and why.strip()]
    return "\n".join(lines)


def achieved(db: Database, month: date, today: date) -> list[Part]:
    """What last month's resolution set and what became of it: the counts, a paragraph per field, the
    committee's own words, and the table of tasks."""
    if not documents.monthly_resolution(db, month):
        return []
    results = evaluations.task_results(db, month, today)
    evaluation = evaluations.get(db, month) or {}
    parts = [text(f"Nghị quyết {month_short(month)} đề ra {counted(results)}.", key="ket_qua_chung",
                  label=f"Kết quả chung {month_short(month)}")] + field_results(results, month)
    if evaluation.get("results"):
        parts.append(text(evaluation["results"], key="ket_qua_danh_gia", label=f"Nhận xét chung {month_short(month)}"))
    if not results.empty:
        parts.append(results_table(results))
    return parts


def evaluation_parts(db: Database, month: date, today: date) -> list[Part]:
    """Section I of the resolution: results, commended and reminded members, shortcomings with their causes."""
    said = shortcomings(evaluations.get(db, month) or {})
    return numbered([("Kết quả đạt được", achieved(db, month, today)),
                     ("Biểu dương, nhắc nhở", mentions(db, month)),
                     ("Hạn chế, khuyết điểm và nguyên nhân",
                      [text(said, key="han_che", label="Hạn chế, khuyết điểm và nguyên nhân")] if said else [])],
                    roman=False)


# -- next month's tasks -------------------------------------------------------------------------------
def who_leads(row) -> str:
    if not missing(row.lead_member_id):
        return f"đồng chí {row.lead}"
    return row.lead if isinstance(row.lead, str) else BLANK


def task_sentence(row, month: date, shared_report: str | None) -> str:
    """'- <nhiệm vụ>. Giao đồng chí A chủ trì, phối hợp với đồng chí B; hoàn thành trước ngày 20/11/2026.' —
    where it reports back is said once for the month, here only when it differs; work carried over says so."""
    partners = f", phối hợp với {comrades(row.partners.split(', '))}" if isinstance(row.partners, str) and row.partners else ""
    title = row.title.strip().rstrip(".")
    if not missing(row.carried_from_id):
        title = f"Tiếp tục {lower_first(title)} (chuyển tiếp từ {month_short(months.previous_month(month))})"
    report = lower_first(row.report_at) if isinstance(row.report_at, str) and row.report_at.strip() else BLANK
    said = f"- {title}. Giao {who_leads(row)} chủ trì{partners}; hoàn thành trước ngày {vn_date(row.deadline)}"
    return said + ("." if report == shared_report else f"; báo cáo kết quả tại {report}.")


def next_month_parts(db: Database, month: date, today: date) -> list[Part]:
    """Section II: the month's tasks by field, in the cell's field order; where they report back, said once."""
    work = tasks.board(db, today, month=month)
    reports = {lower_first(r) for r in work["report_at"] if isinstance(r, str) and r.strip()}
    shared = reports.pop() if len(reports) == 1 else None
    sections = []
    for field, label in FIELDS.items():
        rows = in_field_order(work[work["field"] == field])
        sections.append((label, [text(task_sentence(r, month, shared)) for r in rows.itertuples()]))
    intro = [text(f"Các nhiệm vụ dưới đây báo cáo kết quả tại {shared}.")] if shared and not work.empty else []
    return intro + numbered(sections, roman=False)


def next_month_summary(db: Database, month: date, today: date, resolution: documents.Document) -> list[Part]:
    """What the report says of the month ahead: a line per field, the resolution itself cited for the detail."""
    work = tasks.board(db, today, month=month)
    lines = [text(f"- {label}: " + "; ".join(lower_first(t) for t in in_field_order(rows)["title"]) + ".")
             for field, label in FIELDS.items() if not (rows := work[work["field"] == field]).empty]
    if resolution.locked and resolution.number:
        lines.append(text(f"(Chi tiết tại Nghị quyết số {resolution.number:02d}-NQ/CB ngày "
                          f"{vn_date(resolution.issued_on)} của Chi bộ.)"))
    return lines


def implementation(db: Database) -> str:
    template = cell.setting(db, "implementation_text", DEFAULT_IMPLEMENTATION)
    committee = cell.get(db).superior_committee
    return with_superior_mark(template).replace(SUPERIOR_MARK, committee)


def with_superior_mark(template: str) -> str:
    """The wording as the settings form shows it: the higher committee's place by its Vietnamese mark."""
    return template.replace(_OLD_SUPERIOR_MARK, SUPERIOR_MARK)


# -- the documents -------------------------------------------------------------------------------------
def resolution(db: Database, doc: documents.Document, today: date, as_saved: bool = True) -> list[Part]:
    """The monthly resolution; `as_saved=False` gives the pre-filled wording, before the committee's own."""
    meeting = meetings.get(db, doc.meeting_id) if doc.meeting_id else None
    summary = meetings.attendance_for_documents(db, doc.meeting_id) if doc.meeting_id else None
    previous = months.previous_month(doc.month)
    parts = [text(line) for line in bases(db, doc.id)]
    parts += [text(opening(db, doc.month, meeting), key="mo_dau", label="Mở đầu (thời gian, địa điểm, chủ trì)"),
              text(attendance(summary, None if doc.locked else members.counts(db)), key="diem_danh",
                   label="Điểm danh"),
              text(resolving_clause(previous, doc.month), key="quyet_nghi", label="Lời dẫn quyết nghị")]
    sections = [
        (f"ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT {month_short(previous).upper()}",
         evaluation_parts(db, previous, today)),
        (f"PHƯƠNG HƯỚNG, NHIỆM VỤ {month_short(doc.month).upper()}", next_month_parts(db, doc.month, today)),
        ("TỔ CHỨC THỰC HIỆN", [text(implementation(db), key="to_chuc_thuc_hien", label="Tổ chức thực hiện")]),
        ("CHẤT LƯỢNG SINH HOẠT CHI BỘ", quality(doc.meeting_id, db)),
    ]
    parts += numbered(sections, roman=True)
    parts.append(Part("vote", vote(meeting, summary, doc.locked)))
    return reworded(parts, documents.sections(db, doc.id)) if as_saved else parts


def report_opening(db: Database, reported: documents.Document | None, month: date) -> str:
    cell_name = cell.get(db).name
    if reported is None:
        return f"{cell_name} báo cáo kết quả thực hiện nhiệm vụ {month_words(month)} như sau:"
    number = f"{reported.number:02d}" if reported.number and reported.locked else BLANK
    day = vn_date(reported.issued_on) if reported.issued_on and reported.locked else BLANK
    following = months.next_month(month)
    return (f"Thực hiện Nghị quyết số {number}-NQ/CB ngày {day} của {cell_name} {reported.summary}, Chi bộ báo cáo "
            f"kết quả thực hiện nhiệm vụ {month_words(month)} và phương hướng, nhiệm vụ {month_words(following)} "
            f"như sau:")


def target_rows(db: Database, month: date, today: date) -> Part | None:
    """The term's targets as they stand at the month's end, each with the day its figure dates from."""
    card = targets.scorecard(db, min(months.month_end(month), today))
    if card.empty:
        return None
    rows = [[str(n), r.name, r.target_shown, r.actual_shown or BLANK, _dated(r), targets.verdict(r)]
            for n, r in enumerate(card.itertuples(), start=1)]
    return Part("table", table=(["TT", "Chỉ tiêu", "Chỉ tiêu nhiệm kỳ", "Thực hiện", "Thời điểm số liệu",
                                 "So với chỉ tiêu"],
                                rows, [0.07, 0.28, 0.15, 0.15, 0.17, 0.18]))


def _dated(row) -> str:
    if row.from_tasks:
        return "theo tiến độ các nhiệm vụ"
    return vn_date(row.last_recorded) if not missing(row.last_recorded) else BLANK


def report(db: Database, report_doc: documents.Document, today: date, as_saved: bool = True) -> list[Part]:
    month = report_doc.month
    reported = documents.monthly_resolution(db, month)
    following = documents.monthly_resolution(db, months.next_month(month))
    evaluation = evaluations.get(db, month) or {}
    meeting_id = reported.meeting_id if reported else None
    summary = meetings.attendance_for_documents(db, meeting_id) if meeting_id else None
    table = target_rows(db, month, today)
    held = f"Kỳ sinh hoạt thường kỳ {month_short(month)} (ngày {vn_date(reported.issued_on)}): " if reported else ""
    cell_life = [text(held + attendance(summary), key="bc_sinh_hoat", label="Sinh hoạt chi bộ")] + quality(meeting_id, db)
    outcome = numbered([("Kết quả thực hiện các nhiệm vụ", achieved(db, month, today)),
                        ("Kết quả thực hiện các chỉ tiêu", [table] if table else []),
                        ("Công tác sinh hoạt chi bộ", cell_life),
                        ("Biểu dương, nhắc nhở", mentions(db, month))], roman=False)
    judged = judgement(evaluation)
    ahead = next_month_summary(db, following.month, today, following) if following else []
    proposals = evaluation.get("proposals") or ""
    parts = [text(report_opening(db, reported, month), key="bc_mo_dau", label="Mở đầu")]
    parts += numbered([
        (f"KẾT QUẢ THỰC HIỆN NHIỆM VỤ {month_short(month).upper()}", outcome),
        ("ĐÁNH GIÁ CHUNG", judged),
        (f"PHƯƠNG HƯỚNG, NHIỆM VỤ {month_short(months.next_month(month)).upper()}", ahead),
        # A report to the Đảng ủy always has its proposals; none recorded leaves "……" for the secretary.
        ("KIẾN NGHỊ, ĐỀ XUẤT", [text(proposals.strip() or BLANK, key="bc_kien_nghi", label="Kiến nghị, đề xuất")]),
    ], roman=True)
    return reworded(parts, documents.sections(db, report_doc.id)) if as_saved else parts


def _lines(value: str | None) -> str:
    return "\n".join(line.strip() for line in (value or "").splitlines() if line.strip())


def _causes(evaluation: dict) -> str:
    said = [f"- {word}: {lower_first(why)}." for word, why in
            (("Chủ quan", evaluation.get("causes_subjective")), ("Khách quan", evaluation.get("causes_objective")))
            if why and why.strip()]
    return "\n".join(said)


def judgement(evaluation: dict) -> list[Part]:
    """Strengths, shortcomings, their causes, lessons: each once, in this order, the empty ones left out."""
    entries = [("Ưu điểm", "bc_uu_diem", _lines(evaluation.get("strengths"))),
               ("Hạn chế, khuyết điểm", "bc_han_che", _lines(evaluation.get("weaknesses"))),
               ("Nguyên nhân", "bc_nguyen_nhan", _causes(evaluation)),
               ("Bài học kinh nghiệm", "bc_bai_hoc", _lines(evaluation.get("lessons")))]
    return numbered([(title, [text(body, key=key, label=title)] if body else []) for title, key, body in entries],
                    roman=False)


def editable(parts: list[Part]) -> list[Part]:
    """The parts the committee may reword, in the order the document shows them."""
    return [p for p in parts if p.key]


# -- the minutes ----------------------------------------------------------------------------------------------
def _speakers(notes: pd.DataFrame) -> list[Part]:
    return [text(f"- Đồng chí {r.speaker}: {r.text.strip()}" if isinstance(r.speaker, str) else f"- {r.text.strip()}")
            for r in notes.itertuples()]


def _presenters(db: Database, meeting_id: int, chair: str) -> dict[str, str]:
    """«Đồng chí …» who presented each item, as the meeting screen recorded it; the chair where nobody was named."""
    names = members.member_choices(db, active_only=False)
    named = meetings.presenters(db, meeting_id)
    return {item: f"Đồng chí {names[named[item]]}" if named.get(item) in names else chair
            for item in meetings.PRESENTED_ITEMS}


def minutes(db: Database, minutes_doc: documents.Document, today: date, as_saved: bool = True) -> list[Part]:
    """The minutes in the handbook's form: time and place, attendance, guests, chair and minute-taker, the agenda
    as the meeting followed it — who presented what, the discussion speaker by speaker, the chair's conclusion,
    the vote — and the closing."""
    month, previous = minutes_doc.month, months.previous_month(minutes_doc.month)
    meeting = meetings.get(db, minutes_doc.meeting_id)
    summary = meetings.attendance_for_documents(db, minutes_doc.meeting_id)
    said = meetings.remarks(db, minutes_doc.meeting_id)
    chair = f"đồng chí {meeting['chair']}{_role_of(db, meeting['chair'])}" if meeting["chair"] else BLANK
    keeper = (f"đồng chí {meeting['secretary']}{_role_of(db, meeting['secretary'])}" if meeting["secretary"]
              else BLANK)
    presenter = f"Đồng chí {meeting['chair']}" if meeting["chair"] else f"Đồng chí {BLANK}"
    named = _presenters(db, minutes_doc.meeting_id, presenter)
    results = evaluations.task_results(db, previous, today) if documents.monthly_resolution(db, previous) else None
    planned = tasks.board(db, today, month=month)
    discussion = said[~said["section"].isin(["khai_mac", "bieu_quyet"])]
    votes = meeting.get("votes_for")
    voted = (f"Chi bộ biểu quyết thông qua Nghị quyết {month_short(month)}: {votes}/{summary['present']} đồng chí "
             f"có mặt tán thành ({percent(votes, summary['present'])}%)." if votes is not None and summary["present"]
             else f"Chi bộ biểu quyết thông qua Nghị quyết {month_short(month)}: {BLANK}/{BLANK} đồng chí có mặt "
                  "tán thành.")
    parts = [
        text(f"Vào lúc {clock(meeting['starts_at'])} ngày {vn_date(meeting['held_on'])}, tại {meeting['place'] or BLANK}, "
             f"{cell.get(db).name} tiến hành sinh hoạt thường kỳ {month_words(month)}.", key="bb_mo_dau",
             label="Thời gian, địa điểm"),
        text(attendance(summary), key="bb_diem_danh", label="Điểm danh"),
        text(f"Đại biểu dự: {BLANK}", key="bb_dai_bieu", label="Đại biểu dự (đồng chí Đảng ủy viên phụ trách, khách mời)"),
        text(f"Chủ trì: {chair}. Người ghi biên bản: {keeper}.", key="bb_chu_tri", label="Chủ trì, người ghi biên bản"),
    ]
    agenda = [
        ("Khai mạc, điểm danh",
         [text(f"{presenter}, chủ trì, tuyên bố lý do, thông qua chương trình sinh hoạt và thông báo kết quả điểm "
               "danh; Chi bộ đủ điều kiện sinh hoạt.", key="bb_khai_mac", label="Khai mạc")]
         + _speakers(said[said["section"] == "khai_mac"])),
        (f"Đánh giá kết quả thực hiện Nghị quyết {month_short(previous)}",
         [text(f"{named['ket_qua']} trình bày báo cáo kết quả thực hiện Nghị quyết {month_short(previous)}: Nghị quyết đề ra "
               f"{counted(results)}." if results is not None and not results.empty else
               f"{named['ket_qua']} trình bày báo cáo kết quả thực hiện Nghị quyết {month_short(previous)}.",
               key="bb_bao_cao", label="Trình bày báo cáo tháng trước")]),
        (f"Phương hướng, nhiệm vụ {month_short(month)}",
         [text(f"{named['nhiem_vu']} trình bày dự thảo Nghị quyết {month_short(month)} với {len(planned)} nhiệm vụ, phân công "
               "người chủ trì, thời hạn hoàn thành cho từng nhiệm vụ.", key="bb_du_thao",
               label="Trình bày dự thảo nghị quyết")]),
        ("Thảo luận", _speakers(discussion) or [text(BLANK, key="bb_thao_luan", label="Thảo luận")]),
        ("Kết luận của đồng chí chủ trì",
         [text(f"{presenter} kết luận: Chi bộ thống nhất đánh giá kết quả thực hiện Nghị quyết {month_short(previous)} "
               f"như báo cáo; thống nhất phương hướng, nhiệm vụ {month_short(month)} như dự thảo, có tiếp thu ý kiến "
               "thảo luận của đảng viên.", key="bb_ket_luan", label="Kết luận của chủ trì")]),
        ("Biểu quyết", [text(voted)] + _speakers(said[said["section"] == "bieu_quyet"])
         + quality(minutes_doc.meeting_id, db)),
    ]
    parts += numbered(agenda, roman=False)
    ends = clock(meeting["ends_at"]) if meeting["ends_at"] else f"{BLANK} giờ {BLANK}"
    parts.append(text(f"Biên bản đã được đọc lại cho Chi bộ nghe và nhất trí thông qua. Buổi sinh hoạt kết thúc lúc "
                      f"{ends} cùng ngày.", key="bb_ket_thuc", label="Kết thúc"))
    return reworded(parts, documents.sections(db, minutes_doc.id)) if as_saved else parts
