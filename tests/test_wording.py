"""The words of the resolution and the report, held exactly for the demo cell's November (approval style: a
change of wording shows as a diff here), and the rules every exported document keeps."""

import io
import re
import subprocess
from datetime import date, timedelta

import pandas as pd
import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn

from chibo import auth, docs, documents, members, plans
from chibo.docs import wording
from chibo.errors import InputError
from tests.conftest import TODAY

A = auth.SYSTEM
NOV, OCT, DEC = date(2026, 11, 1), date(2026, 10, 1), date(2026, 12, 1)

OPENING = (
    "Hôm nay, vào lúc 14 giờ 00 ngày 03/11/2026, tại Phòng họp Trường Tiểu học Sông Mây, Chi bộ Trường Tiểu học "
    "Sông Mây tổ chức sinh hoạt thường kỳ tháng 11 năm 2026.\n"
    "Chủ trì: đồng chí Lê Thu Nga, Bí thư Chi bộ. Thư ký: đồng chí Đỗ Ngọc Dung, Chi ủy viên.")
ATTENDANCE = (
    "Tổng số đảng viên của Chi bộ: 33 đồng chí (chính thức 30, dự bị 3). Có mặt: 31 đồng chí. Vắng có lý do: "
    "1 đồng chí (đồng chí Lê Minh Thắng: ốm, có đơn xin phép). Vắng không lý do: không. Miễn sinh hoạt: "
    "1 đồng chí (đồng chí Võ Thanh Bình).")
RESOLVING = (
    "Sau khi nghe đồng chí Bí thư báo cáo kết quả thực hiện Nghị quyết tháng 10/2026 và dự thảo phương hướng, "
    "nhiệm vụ tháng 11/2026, Chi bộ thảo luận và thống nhất ban hành nghị quyết như sau:")
BASES = [
    "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;",
    "Căn cứ Chương trình hành động số 01-CTr/CB ngày 21/07/2025 của Chi bộ thực hiện Nghị quyết Đại hội Chi bộ nhiệm "
    "kỳ 2025–2027;",
    "Căn cứ Hướng dẫn số 07-HD/BTGDVTU ngày 21/10/2026 của Ban Tuyên giáo và Dân vận Tỉnh ủy về công tác tuyên "
    "truyền năm học mới;"]
TASK_LINE = (
    "- Dự giờ, góp ý giáo viên mới. Giao đồng chí Huỳnh Thu Hạnh chủ trì, phối hợp với đồng chí Nguyễn Minh Lan; "
    "hoàn thành trước ngày 21/11/2026.")
UNIT_LINE = (
    "- Kiểm tra nề nếp dạy học đầu tháng ở các lớp. Giao Ban giám hiệu chủ trì, phối hợp với đồng chí Huỳnh Thu Hạnh; "
    "hoàn thành trước ngày 13/11/2026.")
CARRIED_LINE = (
    "- Tiếp tục kiểm tra việc chấp hành Điều lệ Đảng của đảng viên (chuyển tiếp từ tháng 10/2026). Giao đồng chí Lê Thu "
    "Nga chủ trì, phối hợp với đồng chí Phạm Thu Trang; hoàn thành trước ngày 30/11/2026.")
REPORTS_BACK = "Các nhiệm vụ dưới đây báo cáo kết quả tại kỳ sinh hoạt tháng 12/2026."
VOTE = "Nghị quyết được 31/31 đồng chí có mặt biểu quyết tán thành (100%)."
REPORT_OPENING = (
    "Thực hiện Nghị quyết số 05-NQ/CB ngày 03/10/2026 của Chi bộ Trường Tiểu học Sông Mây về lãnh đạo thực hiện "
    "nhiệm vụ tháng 10 năm 2026, Chi bộ báo cáo kết quả thực hiện nhiệm vụ tháng 10 năm 2026 và phương hướng, "
    "nhiệm vụ tháng 11 năm 2026 như sau:")

# Words of the software, of the database, or claims the data cannot make: never in a document.
INTERNAL = ["chibo", "kênh triển khai", "Chưa có số liệu", "chưa ghi", "Không có.", "None", "nan", "NaT",
            "cuoc_hop", "lien_tich", "hoi_dong", "not_started", "in_progress", "done_late", "overdue", "nq_thang",
            "Không có ý kiến ghi lại", "trên chibo", "thị trấn", "huyện"]


def paragraphs(data: bytes) -> list[str]:
    return [p.text for p in open_docx(io.BytesIO(data)).paragraphs if p.text.strip()]


def everything(data: bytes) -> str:
    document = open_docx(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def november(demo_db):
    return documents.monthly_resolution(demo_db, NOV)


@pytest.fixture
def resolution(demo_db, november):
    return docs.export_bytes(demo_db, A, "resolution", november.id, TODAY)


@pytest.fixture
def report(demo_db, november):
    return docs.export_bytes(demo_db, A, "report", november.id, TODAY)


def test_the_resolution_opens_as_a_cell_writes_it(resolution):
    text = paragraphs(resolution)
    start = text.index(BASES[0])
    assert text[start:start + 7] == [*BASES, *OPENING.split("\n"), ATTENDANCE, RESOLVING]


def test_a_task_is_given_in_party_wording(resolution):
    text = paragraphs(resolution)
    assert TASK_LINE in text and UNIT_LINE in text and CARRIED_LINE in text
    assert text[text.index("II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG 11/2026") + 1] == REPORTS_BACK  # said once


def test_the_resolution_closes_with_the_vote_before_the_signature(resolution):
    assert paragraphs(resolution)[-1] == VOTE


def test_the_tasks_of_section_two_come_in_the_cells_field_order(resolution):
    text = paragraphs(resolution)
    section = text[text.index("II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG 11/2026"):text.index("III. TỔ CHỨC THỰC HIỆN")]
    headings = [line for line in section if re.match(r"\d\. ", line)]
    assert headings == ["1. Lãnh đạo nhiệm vụ chuyên môn", "2. Công tác chính trị, tư tưởng",
                        "3. Công tác tổ chức, cán bộ", "4. Lãnh đạo các đoàn thể", "5. Công tác xây dựng Đảng",
                        "6. Công tác kiểm tra, giám sát"]


def test_the_standing_duties_are_not_cited_as_bases(resolution):
    assert not any(line.startswith("Căn cứ Lãnh đạo") for line in paragraphs(resolution))
    assert not any(line.startswith("Căn cứ Một số") for line in paragraphs(resolution))  # nor last month's shortcomings


def test_the_report_has_its_own_number_and_opens_by_citing_the_resolution(report, demo_db):
    document = open_docx(io.BytesIO(report))
    header = [p.text for p in document.tables[0].rows[0].cells[0].paragraphs]
    assert "Số 05-BC/CB" in header
    assert paragraphs(report)[2] == REPORT_OPENING
    assert documents.report_of(demo_db, OCT).number_text() == "Số 05-BC/CB"


def test_the_report_says_each_part_once_numbered_without_gaps(report):
    text = paragraphs(report)
    romans = [line.split(".")[0] for line in text if re.match(r"(I|II|III|IV|V)\. [A-ZĐ]", line)]
    assert romans == ["I", "II", "III", "IV"]
    assert text[-2:] == ["IV. KIẾN NGHỊ, ĐỀ XUẤT", "……"]  # October recorded no proposal: left for the secretary
    for part in ("Hạn chế, khuyết điểm", "Nguyên nhân", "Bài học kinh nghiệm", "Ưu điểm"):
        assert sum(1 for line in text if re.fullmatch(rf"\d\. {part}", line)) == 1, part
    assert "Kế hoạch kiểm tra, giám sát phải gắn với lịch công tác của nhà trường." in text  # the lessons are printed


def test_the_report_measures_targets_against_the_target_not_the_baseline(report):
    table = next(t for t in open_docx(io.BytesIO(report)).tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    rows = {name: (plan, done, verdict) for name, (plan, done, _, verdict) in
            {r.cells[1].text: tuple(c.text for c in r.cells[2:]) for r in table.rows[1:]}.items()}
    assert rows["Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên"] == ("100%", "97%", "Chưa đạt (97%)")
    assert rows["Số học sinh bỏ học"] == ("0 học sinh", "0 học sinh", "Đạt chỉ tiêu")  # lower is better
    assert rows["Kết nạp đảng viên mới"] == ("4 đảng viên", "3 đảng viên", "Chưa đạt (75%)")  # the three admitted
    assert rows["Tỷ lệ học sinh hoàn thành chương trình lớp học"] == ("99%", "99,1%", "Vượt chỉ tiêu")


def test_no_exported_document_speaks_the_softwares_words(demo_db, november, resolution, report):
    minutes = docs.export_bytes(demo_db, A, "minutes", november.id, TODAY)
    program = docs.export_bytes(demo_db, A, "program", documents.current_program(demo_db).id, TODAY)
    for name, data in (("resolution", resolution), ("report", report), ("minutes", minutes), ("program", program)):
        text = everything(data)
        for word in INTERNAL:
            assert not re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text), (name, word)
        assert not re.search(r"[a-zà-ỹ,;] Sinh hoạt", text), name  # not capitalised mid-sentence


def test_every_document_is_in_vietnamese_for_word(resolution):
    styles = open_docx(io.BytesIO(resolution)).styles.element
    langs = {lang.get(qn("w:val")) for lang in styles.iter(qn("w:lang"))}
    assert langs == {"vi-VN"}


def test_the_counts_of_a_month_add_up_every_outcome_included():
    results = pd.DataFrame({"effective_status": ["done", "done_late", "overdue", "in_progress", "not_started",
                                                 "not_done", "paused"]})
    said = wording.counted(results)
    assert said == ("7 nhiệm vụ; Chi bộ đã lãnh đạo hoàn thành 2 nhiệm vụ (1 đúng hạn, 1 chậm so với thời hạn), "
                    "còn 5 nhiệm vụ chưa hoàn thành")


# -- a draft leaves blanks for the secretary ----------------------------------------------------------------
def december_draft(db) -> int:
    """December's draft: the recurring work comes with it (the demo's party fees), no meeting held yet."""
    draft = plans.new_monthly_draft(db, A, DEC, [])
    assert not plans.task_table(db, draft).empty
    return draft


def test_a_draft_says_so_leaves_its_number_blank_and_the_figures_it_cannot_know(demo_db):
    draft = december_draft(demo_db)
    data = docs.export_bytes(demo_db, A, "resolution", draft, TODAY)
    text = paragraphs(data)
    assert text[text.index("NGHỊ QUYẾT") - 1] == "DỰ THẢO"
    assert "Số    -NQ/CB" in [p.text for p in open_docx(io.BytesIO(data)).tables[0].rows[0].cells[0].paragraphs]
    assert text[-1] == "Nghị quyết được ……/…… đồng chí có mặt biểu quyết tán thành (……%)."
    # what it can know before the meeting, it says: the day the rules plan the meeting for, the cell's roll
    assert any(line.startswith("Hôm nay, vào lúc …… giờ …… ngày 03/12/2026, tại ……") for line in text)
    roster = members.counts(demo_db)
    assert (f"Tổng số đảng viên của Chi bộ: {roster['total']} đồng chí (chính thức {roster['full']}, dự bị "
            f"{roster['probationary']}); có mặt: …… đồng chí; vắng có lý do: ……; vắng không lý do: ……; "
            "miễn sinh hoạt: …….") in text


# -- the committee's own wording ------------------------------------------------------------------------------
def test_the_committee_rewords_a_part_and_the_export_keeps_it(demo_db):
    draft = december_draft(demo_db)
    parts = {p.key: p.text for p in docs.rewordable(demo_db, A, "resolution", draft, TODAY)}
    assert {"mo_dau", "diem_danh", "quyet_nghi", "to_chuc_thuc_hien"} <= set(parts)
    words = "Chi bộ thảo luận sôi nổi và thống nhất ban hành nghị quyết như sau:"
    docs.save_wording(demo_db, A, "resolution", draft, parts | {"quyet_nghi": words}, TODAY)
    first = docs.export_bytes(demo_db, A, "resolution", draft, TODAY)
    assert words in paragraphs(first)
    assert paragraphs(docs.export_bytes(demo_db, A, "resolution", draft, TODAY)) == paragraphs(first)
    # only the reworded part is kept: the others still follow the data
    assert set(k for k, v in documents.sections(demo_db, draft).items() if v) == {"quyet_nghi"}


def test_an_adopted_resolutions_wording_is_locked_with_it(demo_db, november):
    parts = {p.key: p.text for p in docs.rewordable(demo_db, A, "resolution", november.id, TODAY)}
    with pytest.raises(InputError, match="đã được thông qua và đang khóa"):
        docs.save_wording(demo_db, A, "resolution", november.id, parts | {"mo_dau": "Khác"}, TODAY)


# -- rendered: rows and the signature never split ---------------------------------------------------------------
def pdf_pages(data: bytes, tmp_path) -> list[str]:
    from tests.test_docs import to_pdf
    source = tmp_path / "doc.docx"
    source.write_bytes(data)
    pdf = to_pdf(source, tmp_path, tmp_path / "lo-profile")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")


@pytest.mark.parametrize("kind", ["resolution", "report"])
def test_rendered_the_signature_stays_with_the_last_lines_and_no_row_splits(demo_db, november, tmp_path, kind):
    data = docs.export_bytes(demo_db, A, kind, november.id, TODAY)
    pages = [re.sub(r"\s+", " ", page) for page in pdf_pages(data, tmp_path) if page.strip()]
    last = pages[-1]
    assert "T/M CHI BỘ" in last and "BÍ THƯ" in last and "Lê Thu Nga" in last and "Nơi nhận:" in last
    closing = paragraphs(data)[-1]
    assert closing[:40] in last  # the body's last line sits on the signature's page
    for table in open_docx(io.BytesIO(data)).tables[1:-1]:
        for row in table.rows[1:]:
            # the row's first words and its last cell's last word: on one page, or the row was split
            title, result = " ".join(row.cells[1].text.split()[:3]), row.cells[-1].text.split()[-1]
            assert any(title in page and result in page for page in pages), (title, result)
            for cell in row.cells:  # no date is broken over two lines
                for day in re.findall(r"\d\d/\d\d/\d{4}", cell.text):
                    assert any(day in page for page in pages), day


def test_the_cells_own_implementation_wording_fills_each_new_resolution(demo_db):
    docs.save_implementation_template(demo_db, A, "1. Chi ủy phân công theo dõi.\n2. Báo cáo {committee} đúng hạn.")
    draft = december_draft(demo_db)
    text = paragraphs(docs.export_bytes(demo_db, A, "resolution", draft, TODAY))
    assert text[text.index("III. TỔ CHỨC THỰC HIỆN") + 1:][:2] == ["1. Chi ủy phân công theo dõi.",
                                                                    "2. Báo cáo Đảng ủy xã Tân Lộc đúng hạn."]
    with pytest.raises(InputError, match="Tổ chức thực hiện"):
        docs.save_implementation_template(demo_db, A, "   ")
    assert docs.implementation_form(demo_db).values == "1. Chi ủy phân công theo dõi.\n2. Báo cáo [Đảng ủy cấp trên] đúng hạn."
    docs.save_implementation_template(demo_db, A, "1. Báo cáo [Đảng ủy cấp trên] trong 02 ngày.")
    text = paragraphs(docs.export_bytes(demo_db, A, "resolution", draft, TODAY))
    assert "1. Báo cáo Đảng ủy xã Tân Lộc trong 02 ngày." in text


# -- the minutes ---------------------------------------------------------------------------------------------------
def test_the_minutes_follow_the_handbooks_form(demo_db, november):
    data = docs.export_bytes(demo_db, A, "minutes", november.id, TODAY)
    text = paragraphs(data)
    start = text.index("BIÊN BẢN") + 2
    assert text[start] == ("Vào lúc 14 giờ 00 ngày 03/11/2026, tại Phòng họp Trường Tiểu học Sông Mây, Chi bộ Trường "
                           "Tiểu học Sông Mây tiến hành sinh hoạt thường kỳ tháng 11 năm 2026.")
    assert text[start + 1] == ATTENDANCE and text[start + 2] == "Đại biểu dự: ……"
    assert text[start + 3] == ("Chủ trì: đồng chí Lê Thu Nga, Bí thư Chi bộ. Người ghi biên bản: đồng chí Đỗ Ngọc "
                               "Dung, Chi ủy viên.")
    headings = [line for line in text if re.match(r"\d\. [A-ZĐ]", line)]
    assert headings == ["1. Khai mạc, điểm danh", "2. Đánh giá kết quả thực hiện Nghị quyết tháng 10/2026",
                        "3. Phương hướng, nhiệm vụ tháng 11/2026", "4. Thảo luận", "5. Kết luận của đồng chí chủ trì",
                        "6. Biểu quyết"]
    discussion = text[text.index("4. Thảo luận") + 1:text.index("5. Kết luận của đồng chí chủ trì")]
    assert discussion and all(line.startswith("- Đồng chí ") for line in discussion)  # speaker by speaker
    assert "Chi bộ biểu quyết thông qua Nghị quyết tháng 11/2026: 31/31 đồng chí có mặt tán thành (100%)." in text
    assert text[-1] == ("Biên bản đã được đọc lại cho Chi bộ nghe và nhất trí thông qua. Buổi sinh hoạt kết thúc lúc "
                        "16 giờ 05 cùng ngày.")
    signatures = [c.text.split("\n")[0] for c in open_docx(io.BytesIO(data)).tables[-1].rows[0].cells]
    assert signatures == ["NGƯỜI GHI BIÊN BẢN", "CHỦ TRÌ"]


def test_minutes_without_remarks_leave_one_blank_not_six_sentences(demo_db, november):
    demo_db.write(lambda cur: cur.execute("DELETE FROM meeting_remarks"))
    text = paragraphs(docs.export_bytes(demo_db, A, "minutes", november.id, TODAY))
    assert text[text.index("4. Thảo luận") + 1] == "……"
    assert not any("Không có ý kiến" in line for line in text)


def test_the_minutes_stay_editable_after_the_resolution_is_adopted(demo_db, november):
    docs.export_bytes(demo_db, A, "minutes", november.id, TODAY)
    minutes_doc = documents.minutes_of(demo_db, NOV)
    parts = {p.key: p.text for p in docs.rewordable(demo_db, A, "minutes", minutes_doc.id, TODAY)}
    guests = "Đại biểu dự: đồng chí Trần Văn Khoa, Đảng ủy viên phụ trách Chi bộ."
    docs.save_wording(demo_db, A, "minutes", minutes_doc.id, parts | {"bb_dai_bieu": guests}, TODAY)
    assert guests in paragraphs(docs.export_bytes(demo_db, A, "minutes", november.id, TODAY))


# -- the action program ------------------------------------------------------------------------------------------
def test_the_action_program_follows_the_partys_form(demo_db):
    data = docs.export_bytes(demo_db, A, "program", documents.current_program(demo_db).id, TODAY)
    text = paragraphs(data)
    start = text.index("CHƯƠNG TRÌNH HÀNH ĐỘNG") + 2
    assert text[start] == ("Thực hiện Nghị quyết Đại hội Chi bộ Trường Tiểu học Sông Mây nhiệm kỳ 2025–2027, Chi ủy "
                           "xây dựng Chương trình hành động như sau:")
    assert [line for line in text if re.match(r"(I|II|III|IV)\. ", line)] == [
        "I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU, CHỈ TIÊU", "III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", "IV. TỔ CHỨC THỰC HIỆN"]
    tables = open_docx(io.BytesIO(data)).tables
    assert [c.text for c in tables[1].rows[0].cells] == ["TT", "Chỉ tiêu", "Đơn vị tính", "Đầu nhiệm kỳ", "Mục tiêu"]
    assert [c.text for c in tables[2].rows[0].cells] == ["Nhiệm vụ, giải pháp", "Chủ trì", "Phối hợp", "Thời hạn"]


def test_a_program_made_with_the_earlier_headings_still_exports_under_them(demo_db):
    program_id = documents.current_program(demo_db).id
    demo_db.write(lambda cur: cur.execute("DELETE FROM document_sections WHERE document_id = ?", [program_id]))
    demo_db.write(lambda cur: cur.execute("INSERT INTO document_sections VALUES (?, 'gioi_thieu', 'Giới thiệu cũ.'),"
                                          " (?, 'danh_gia', 'Đánh giá cũ.')", [program_id, program_id]))
    text = paragraphs(docs.export_bytes(demo_db, A, "program", program_id, TODAY))
    assert "I. GIỚI THIỆU" in text and "VIII. ĐÁNH GIÁ VÀ ĐIỀU CHỈNH" in text and "Giới thiệu cũ." in text


def test_rendered_the_programs_deadlines_do_not_wrap_and_its_signature_stays_whole(demo_db, tmp_path):
    data = docs.export_bytes(demo_db, A, "program", documents.current_program(demo_db).id, TODAY)
    pages = [re.sub(r"\s+", " ", page) for page in pdf_pages(data, tmp_path) if page.strip()]
    assert all(token in pages[-1] for token in ("T/M CHI BỘ", "BÍ THƯ", "Lê Thu Nga", "Nơi nhận:"))
    for table in open_docx(io.BytesIO(data)).tables[2:-1]:
        for row in table.rows[1:]:
            assert any(row.cells[-1].text in page for page in pages), row.cells[-1].text


# -- the upload pack for Sổ tay đảng viên ----------------------------------------------------------------------------
def test_the_upload_pack_holds_each_document_as_pdf_and_word_named_as_a_person_would(demo_db):
    import zipfile
    name, data = docs.upload_pack(demo_db, A, NOV, TODAY)
    assert name == "goi-so-tay-2026-11.zip"
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(archive.namelist()) == ["BB-2026-11.docx", "BB-2026-11.pdf", "BC-05-CB-2026-10.docx",
                                          "BC-05-CB-2026-10.pdf", "NQ-06-CB-2026-11.docx", "NQ-06-CB-2026-11.pdf"]
    printed = subprocess.run(["pdftotext", "-", "-"], input=archive.read("NQ-06-CB-2026-11.pdf"), capture_output=True,
                             check=True).stdout.decode()
    assert "NGHỊ QUYẾT" in printed and "Sông Mây" in printed
    assert docs.pack_made_at(demo_db, NOV) is not None


def test_the_secretary_marks_what_was_uploaded_and_sent_with_the_day_and_who(demo_db, november):
    docs.mark_delivered(demo_db, A, november.id, "so_tay", date(2026, 11, 4), TODAY)
    docs.mark_delivered(demo_db, A, november.id, "dang_uy", date(2026, 11, 5), TODAY)
    row = docs.deliveries(demo_db, NOV).set_index("kind").loc["nq_thang"]
    assert (row["uploaded_on"], row["sent_on"], row["uploaded_by"]) == (pd.Timestamp(2026, 11, 4),
                                                                       pd.Timestamp(2026, 11, 5), A.username)
    with pytest.raises(InputError, match="không thể ở tương lai"):
        docs.mark_delivered(demo_db, A, november.id, "so_tay", date(2026, 12, 1), TODAY)
    with pytest.raises(InputError, match="không thể đăng, gửi trước ngày đó"):
        docs.mark_delivered(demo_db, A, november.id, "so_tay", date(2026, 10, 1), TODAY)


def test_a_single_download_is_named_as_in_the_pack_and_the_file_names_the_cell(demo_db, november, report):
    assert docs.filename(demo_db, "report", november.id, TODAY, "pdf") == "BC-05-CB-2026-10.pdf"
    assert docs.filename(demo_db, "resolution", november.id, TODAY) == "NQ-06-CB-2026-11.docx"
    core = open_docx(io.BytesIO(report)).core_properties
    assert core.author == "Chi bộ Trường Tiểu học Sông Mây" and "python-docx" not in (core.comments or "")


def test_the_meeting_screen_records_times_guests_and_the_conclusion_into_the_minutes(demo_db, november):
    docs.record_minutes_facts(demo_db, A, NOV, "14:05", "16:20", "đồng chí Trần Văn Khoa, Đảng ủy viên phụ trách",
                              "Chi bộ thống nhất cao với báo cáo và dự thảo.", TODAY)
    text = paragraphs(docs.export_bytes(demo_db, A, "minutes", november.id, TODAY))
    assert text[text.index("BIÊN BẢN") + 2].startswith("Vào lúc 14 giờ 05 ngày 03/11/2026")
    assert "Đại biểu dự: đồng chí Trần Văn Khoa, Đảng ủy viên phụ trách." in text
    assert "Chi bộ thống nhất cao với báo cáo và dự thảo." in text
    assert text[-1].endswith("kết thúc lúc 16 giờ 20 cùng ngày.")
    with pytest.raises(InputError, match="Giờ kết thúc phải sau giờ bắt đầu"):
        docs.record_minutes_facts(demo_db, A, NOV, "16:00", "15:00", "", "", TODAY)


def test_the_cell_words_the_programs_headings_its_own_way(demo_db):
    from chibo import program
    program.save_headings(demo_db, A, {"muc_dich": "Mục đích và yêu cầu"})
    text = paragraphs(docs.export_bytes(demo_db, A, "program", documents.current_program(demo_db).id, TODAY))
    assert "I. MỤC ĐÍCH VÀ YÊU CẦU" in text and "II. MỤC TIÊU, CHỈ TIÊU" in text
    with pytest.raises(InputError, match="Đề mục không được để trống"):
        program.save_headings(demo_db, A, {"muc_tieu": "  "})


def test_the_cell_adds_drops_and_orders_the_programs_sections(demo_db):
    from chibo import program
    doc = documents.current_program(demo_db)
    documents.reopen(demo_db, A, doc.id, "Bổ sung nhiệm vụ trọng tâm năm học")
    rows = [("muc_dich", "Mục đích, yêu cầu"), ("muc_tieu", "Mục tiêu, chỉ tiêu"), (None, "Nhiệm vụ trọng tâm năm học"),
            ("giai_phap", "Nhiệm vụ, giải pháp chủ yếu"), ("to_chuc", "Tổ chức thực hiện"), (None, None)]
    with pytest.raises(InputError, match="đang có nội dung"):
        program.save_headings(demo_db, A, [row for row in rows if row[0] != "to_chuc"])
    program.save_headings(demo_db, A, rows)
    assert list(program.headings(demo_db).values()) == [title for _, title in rows if title]
    documents.save_sections(demo_db, A, doc.id, {"rieng_1": "Tập trung nâng chất lượng dạy học."})
    text = paragraphs(docs.export_bytes(demo_db, A, "program", doc.id, TODAY))
    assert [line for line in text if re.match(r"(I|II|III|IV|V)\. ", line)] == [
        "I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU, CHỈ TIÊU", "III. NHIỆM VỤ TRỌNG TÂM NĂM HỌC",
        "IV. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", "V. TỔ CHỨC THỰC HIỆN"]
    assert text[text.index("III. NHIỆM VỤ TRỌNG TÂM NĂM HỌC") + 1] == "Tập trung nâng chất lượng dạy học."
    documents.save_sections(demo_db, A, doc.id, {"to_chuc": ""})
    program.save_headings(demo_db, A, [row for row in rows if row[0] != "to_chuc"])
    assert "Tổ chức thực hiện" not in program.headings(demo_db).values()
    with pytest.raises(InputError, match="Không thể bỏ mục «Mục tiêu, chỉ tiêu»"):
        program.save_headings(demo_db, A, [row for row in rows if row[0] not in ("to_chuc", "muc_tieu")])
    with pytest.raises(InputError, match="trùng tên"):
        program.save_headings(demo_db, A, rows + [(None, "Mục đích, yêu cầu")])
    program.save_headings(demo_db, A, rows + [(None, "Công tác khác")])  # no text yet: not printed
    assert "VI. CÔNG TÁC KHÁC" not in paragraphs(docs.export_bytes(demo_db, A, "program", doc.id, TODAY))


def test_the_meeting_screen_records_who_presented_the_report_and_the_draft(demo_db, november):
    from chibo import meetings, members
    deputy = members.committee(demo_db).set_index("party_role").loc["pho_bi_thu"]
    docs.record_minutes_facts(demo_db, A, NOV, "14:00", "16:10", "", "", TODAY,
                              presenters={"ket_qua": int(deputy["id"]), "nhiem_vu": None})
    text = paragraphs(docs.export_bytes(demo_db, A, "minutes", november.id, TODAY))
    chair = meetings.get(demo_db, november.meeting_id)["chair"]
    assert any(line.startswith(f"Đồng chí {deputy['full_name']} trình bày báo cáo kết quả") for line in text)
    assert any(line.startswith(f"Đồng chí {chair} trình bày dự thảo Nghị quyết tháng 11/2026") for line in text)
    assert meetings.presenters(demo_db, november.meeting_id) == {"ket_qua": int(deputy["id"])}
    with pytest.raises(InputError, match="Không có đảng viên nào mang mã 99999"):
        meetings.set_presenters(demo_db, A, november.meeting_id, {"nhiem_vu": 99999})


def test_the_rubric_suggests_points_for_what_the_data_measures(demo_db, november):
    from chibo import meetings
    meeting_id = november.meeting_id
    meetings.record_times(demo_db, A, meeting_id, "14:00", "15:00")
    report_doc = documents.report_of(demo_db, date(2026, 10, 1))
    held = meetings.get(demo_db, meeting_id)["held_on"]
    for doc_id in (november.id, report_doc.id):
        docs.mark_delivered(demo_db, A, doc_id, "so_tay", held, TODAY)
    docs.mark_delivered(demo_db, A, november.id, "dang_uy", held + timedelta(days=5), TODAY)
    measured = meetings.measured_quality(demo_db, meeting_id)
    assert measured["Thời gian"] == (3.5, "Sinh hoạt 60 phút (tối thiểu 90 phút).")
    rate = meetings.attendance_summary(demo_db, meeting_id)["rate"]
    assert measured["Số lượng đảng viên dự"][0] == (5.0 if rate >= 95 else round(2 * rate / 95 * 5) / 2)
    assert measured["Kết thúc sinh hoạt"] == (2.5, "Nghị quyết, báo cáo: 2/4 lần đăng Sổ tay, gửi Đảng ủy đúng hạn "
                                                   f"(đến {(held + timedelta(days=2)):%d/%m/%Y}).")
