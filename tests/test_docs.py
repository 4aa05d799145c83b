"""Every layout rule of DOMAIN.md, checked on the real files; then each file converted to PDF by LibreOffice."""

import io
import shutil
import subprocess
import threading
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from chibo import auth, docs, documents, members, plans
from chibo.errors import InputError
from tests.conftest import TODAY

A = auth.SYSTEM
NOV = date(2026, 11, 1)
KINDS = ["resolution", "report", "minutes", "program"]
_soffice_lock = threading.Lock()


def doc_id(db, kind):
    return documents.current_program(db).id if kind == "program" else documents.monthly_resolution(db, NOV).id


@pytest.fixture
def exported(demo_db):
    return {kind: docs.export_bytes(demo_db, A, kind, doc_id(demo_db, kind), TODAY) for kind in KINDS}


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def every_run(document):
    for paragraph in document.paragraphs:
        yield from paragraph.runs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    yield from paragraph.runs


def run_size(run):
    return run.font.size.pt if run.font.size else None


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_is_a4_portrait_with_the_profile_margins(exported, kind):
    section = open_docx(exported[kind]).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [20, 20, 30, 15]


@pytest.mark.parametrize("kind", KINDS)
def test_times_new_roman_is_set_in_all_four_slots_with_no_theme_fonts(exported, kind):
    document = open_docx(exported[kind])
    for run in every_run(document):
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert {fonts.get(qn(s)) for s in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
        assert not any(fonts.get(qn(t)) for t in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"))
    styles_xml = document.styles.element.xml
    assert "minorHAnsi" not in styles_xml and "majorHAnsi" not in styles_xml


def header_cells(document):
    table = document.tables[0]
    return table, table.rows[0].cells


@pytest.mark.parametrize("kind", KINDS)
def test_the_header_is_two_borderless_columns_in_the_party_form(exported, demo_db, kind):
    document = open_docx(exported[kind])
    table, (left, right) = header_cells(document)
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert all(edge.get(qn("w:val")) == "nil" for edge in borders)
    lines = [p for p in left.paragraphs if p.text]
    assert [p.text for p in lines[:3]] == ["ĐẢNG BỘ XÃ TÂN LỘC", "CHI BỘ TRƯỜNG TIỂU HỌC SÔNG MÂY", "*"]
    assert run_size(lines[0].runs[0]) == 14 and not lines[0].runs[0].bold
    assert run_size(lines[1].runs[0]) == 14 and lines[1].runs[0].bold
    if kind == "minutes":
        assert len(lines) == 3  # minutes carry no number
    else:
        assert lines[3].text.startswith("Số ") and lines[3].text.endswith("/CB")
    party = right.paragraphs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and run_size(party.runs[0]) == 15 and party.runs[0].bold
    rule = right.paragraphs[1]
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")) is not None
    right_mm = 210 - 30 - 15 - 80  # page width less margins less the left column (profile defaults)
    rule_mm = right_mm - rule.paragraph_format.left_indent.mm - rule.paragraph_format.right_indent.mm
    assert abs(rule_mm - 78) < 2
    place = [p for p in right.paragraphs if p.text][-1]
    assert place.text.startswith("Tân Lộc, ngày ") and place.runs[0].italic and run_size(place.runs[0]) == 14


def test_the_resolution_number_and_date_are_as_issued(exported, demo_db):
    document = open_docx(exported["resolution"])
    _, (left, right) = header_cells(document)
    number = documents.monthly_resolution(demo_db, NOV).number
    assert [p.text for p in left.paragraphs if p.text][3] == f"Số {number:02d}-NQ/CB"
    assert [p.text for p in right.paragraphs if p.text][-1] == "Tân Lộc, ngày 03 tháng 11 năm 2026"


def test_a_draft_prints_a_blank_number(demo_db):
    draft = plans.new_monthly_draft(demo_db, A, date(2026, 12, 1), [])
    data = docs.export_bytes(demo_db, A, "resolution", draft, TODAY)
    _, (left, _) = header_cells(open_docx(data))
    assert [p.text for p in left.paragraphs if p.text][3] == "Số    -NQ/CB"


@pytest.mark.parametrize("kind,title", [("resolution", "NGHỊ QUYẾT"), ("report", "BÁO CÁO"),
                                        ("minutes", "BIÊN BẢN"), ("program", "CHƯƠNG TRÌNH HÀNH ĐỘNG")])
def test_title_and_summary_are_bold_centred_with_a_short_rule(exported, kind, title):
    paragraphs = [p for p in open_docx(exported[kind]).paragraphs]
    index = next(i for i, p in enumerate(paragraphs) if p.text == title)
    heading, summary, rule = paragraphs[index], paragraphs[index + 1], paragraphs[index + 2]
    assert heading.runs[0].bold and 15 <= run_size(heading.runs[0]) <= 16 and heading.alignment == 1
    assert summary.runs[0].bold and run_size(summary.runs[0]) == 14 and summary.text.startswith(("về", "thực hiện",
                                                                                                   "kết quả",
                                                                                                   "sinh hoạt"))
    assert rule._p.pPr.find(qn("w:pBdr")) is not None


@pytest.mark.parametrize("kind", KINDS)
def test_the_body_is_14pt_justified_with_a_first_line_indent_and_spacing(exported, kind):
    body = [p for p in open_docx(exported[kind]).paragraphs if p.alignment == 3 and p.text]
    assert len(body) > 5
    for paragraph in body:
        assert run_size(paragraph.runs[0]) == 14
        assert round(paragraph.paragraph_format.first_line_indent.mm) == 10
        assert paragraph.paragraph_format.space_after >= Pt(6)


@pytest.mark.parametrize("kind", ["resolution", "report", "program"])
def test_content_tables_have_borders_and_a_repeating_header_row(exported, kind):
    tables = open_docx(exported[kind]).tables[1:-1]
    assert tables
    for table in tables:
        assert table.style.name == "Table Grid"
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)


@pytest.mark.parametrize("kind", ["resolution", "report", "program"])
def test_the_signature_block_and_recipients_close_the_document(exported, kind):
    _, right = open_docx(exported[kind]).tables[-1].rows[0].cells, None
    left, right = open_docx(exported[kind]).tables[-1].rows[0].cells
    texts = [p.text for p in right.paragraphs if p.text]
    assert texts == ["T/M CHI BỘ", "BÍ THƯ", "Lê Thu Nga"]
    bold = [bool(p.runs[0].bold) for p in right.paragraphs if p.text]
    assert bold == [True, False, True]
    recipients = [p for p in left.paragraphs if p.text]
    assert recipients[0].text == "Nơi nhận:" and recipients[0].runs[0].underline and run_size(recipients[0].runs[0]) == 14
    assert [p.text for p in recipients[1:]] == ["- Đảng ủy xã Tân Lộc (báo cáo),", "- Chi ủy,", "- Lưu Chi bộ."]
    assert all(run_size(p.runs[0]) == 12 for p in recipients[1:])


def test_a_deputy_signs_when_there_is_no_secretary(demo_db):
    secretary = demo_db.scalar("SELECT id FROM members WHERE party_role = 'bi_thu'")
    row = demo_db.records("SELECT * FROM members WHERE id = ?", [secretary])[0]
    members.update_member(demo_db, A, secretary, today=TODAY, **(row | {"party_role": "dang_vien"}))
    data = docs.export_bytes(demo_db, A, "resolution", doc_id(demo_db, "resolution"), TODAY)
    right = open_docx(data).tables[-1].rows[0].cells[1]
    assert [p.text for p in right.paragraphs if p.text][:2] == ["T/M CHI BỘ", "PHÓ BÍ THƯ"]


def test_a_missing_signer_stops_the_export(demo_db):
    demo_db.write(lambda cur: cur.execute("UPDATE members SET party_role = 'dang_vien'"))
    with pytest.raises(InputError, match="chưa có Bí thư"):
        docs.export_bytes(demo_db, A, "resolution", doc_id(demo_db, "resolution"), TODAY)


@pytest.mark.parametrize("kind", KINDS)
def test_page_numbers_start_on_page_two_centred_at_the_top(exported, kind):
    section = open_docx(exported[kind]).sections[0]
    assert section.different_first_page_header_footer
    header = section.header.paragraphs[0]
    assert header.alignment == 1 and "PAGE" in header._p.xml
    assert not any(p.text for p in section.first_page_header.paragraphs)


def test_the_report_carries_its_figures_as_text_and_tables_not_as_a_picture(exported):
    report = open_docx(exported["report"])
    assert not report.inline_shapes  # a colour chart of open months said less than the tables, and badly in print
    assert any(t.rows[0].cells[1].text == "Chỉ tiêu" for t in report.tables)


def test_an_empty_resolution_is_refused(demo_db):
    draft = plans.new_monthly_draft(demo_db, A, date(2026, 12, 1), [])
    demo_db.write(lambda cur: cur.execute("DELETE FROM tasks WHERE document_id = ?", [draft]))
    with pytest.raises(InputError, match="chưa có phương hướng"):
        docs.export_bytes(demo_db, A, "resolution", draft, TODAY)


@pytest.mark.parametrize("key,value,message", [
    ("margin_left_mm", 200, r"«Lề trái \(mm\)» phải từ 5 đến 60 \(đang là 200\)"),
    ("body_pt", 3, r"«Nội dung \(pt\)» phải từ 8 đến 30"),
    ("font_name", "", "Tên phông chữ không hợp lệ"),
    ("line_spacing", "nhiều", r"«Giãn dòng \(lần\)» phải là một số, không phải «nhiều»"),
])
def test_a_profile_value_out_of_range_is_refused(demo_db, key, value, message):
    with pytest.raises(InputError, match=message):
        docs.save_profile(demo_db, A, {key: value})
    assert docs.profile(demo_db) == docs.validate_profile({})


def test_the_profile_drives_the_layout(demo_db):
    docs.save_profile(demo_db, A, {"margin_top_mm": 25, "margin_bottom_mm": 25, "margin_left_mm": 35})
    data = docs.export_bytes(demo_db, A, "resolution", doc_id(demo_db, "resolution"), TODAY)
    section = open_docx(data).sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin)] == [25, 25, 35]


def test_the_resolution_holds_its_three_parts_and_the_vote(exported):
    text = "\n".join(p.text for p in open_docx(exported["resolution"]).paragraphs)
    assert "I. ĐÁNH GIÁ KẾT QUẢ THỰC HIỆN NGHỊ QUYẾT THÁNG 10/2026" in text
    assert "II. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG 11/2026" in text
    assert "III. TỔ CHỨC THỰC HIỆN" in text
    assert "biểu quyết tán thành" in text and "Tổng số đảng viên của Chi bộ: 33 đồng chí" in text


# -- LibreOffice: the file opens, renders, and keeps its Vietnamese --------------------------
HEADINGS = {
    "resolution": ["ĐẢNG CỘNG SẢN VIỆT NAM", "NGHỊ QUYẾT", "III. TỔ CHỨC THỰC HIỆN", "T/M CHI BỘ"],
    "report": ["BÁO CÁO", "III. PHƯƠNG HƯỚNG, NHIỆM VỤ THÁNG 11/2026", "Nơi nhận:"],
    "minutes": ["BIÊN BẢN", "5. Kết luận của đồng chí chủ trì", "CHỦ TRÌ", "NGƯỜI GHI BIÊN BẢN"],
    "program": ["CHƯƠNG TRÌNH HÀNH ĐỘNG", "IV. TỔ CHỨC THỰC HIỆN", "Nơi nhận:"],
}


def test_the_minutes_export_even_when_a_remark_was_pasted_with_control_characters(demo_db):
    from chibo import meetings
    meeting = documents.monthly_resolution(demo_db, NOV).meeting_id
    meetings.add_remark(demo_db, A, meeting, "ket_qua", "Nhất trí\x0b với báo cáo\x01 của chi ủy\u200b.")
    data = docs.export_bytes(demo_db, A, "minutes", doc_id(demo_db, "minutes"), TODAY)
    said = "\n".join(p.text for p in open_docx(data).paragraphs)
    assert "Nhất trí với báo cáo của chi ủy." in said


def to_pdf(docx_path, out_dir, profile_dir) -> bytes:
    """One LibreOffice at a time, each with its own profile."""
    with _soffice_lock:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{profile_dir}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out_dir), str(docx_path)], check=True, capture_output=True, timeout=180)
    return (out_dir / (docx_path.stem + ".pdf"))


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is installed by `make test` (scripts/system-deps.sh)")
@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_renders_each_document_with_its_vietnamese_headings(exported, tmp_path, kind):
    source = tmp_path / f"{kind}.docx"
    source.write_bytes(exported[kind])
    pdf = to_pdf(source, tmp_path, tmp_path / "lo-profile")
    pages = int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
                .split("Pages:")[1].split()[0])
    assert 1 <= pages <= 12
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for heading in HEADINGS[kind]:
        assert heading in text


@pytest.mark.parametrize("kind", KINDS)
def test_paragraphs_copied_from_a_kept_look_are_the_xml_python_docx_builds(demo_db, kind):
    import zipfile

    from chibo.docs import layout

    def parts(data):
        archive = zipfile.ZipFile(io.BytesIO(data))
        return {name: archive.read(name) for name in archive.namelist() if name.endswith(".xml")}
    layout._LOOKS.clear()
    layout._BLANKS.clear()
    built = parts(docs.export_bytes(demo_db, A, kind, doc_id(demo_db, kind), TODAY))  # every look built anew
    assert layout._LOOKS and layout._BLANKS
    copied = parts(docs.export_bytes(demo_db, A, kind, doc_id(demo_db, kind), TODAY))  # every look copied
    assert copied == built


# -- PDF beside the .docx ---------------------------------------------------------------------------------
def test_a_document_comes_as_pdf_with_its_vietnamese_intact(demo_db):
    resolution = documents.monthly_resolution(demo_db, date(2026, 11, 1))
    data = docs.export_pdf(demo_db, A, "resolution", resolution.id, TODAY)
    assert data[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    text = " ".join(text.split())  # lines end where the page ends them
    assert "NGHỊ QUYẾT" in text and "Chi bộ thảo luận và thống nhất ban hành nghị quyết như sau:" in text
    assert docs.filename(demo_db, "resolution", resolution.id, TODAY, "pdf") == "NQ-06-CB-2026-11.pdf"


def test_without_libreoffice_the_pdf_says_how_to_install_it_and_the_docx_still_works(demo_db, monkeypatch):
    from chibo.docs import pdf
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    resolution = documents.monthly_resolution(demo_db, date(2026, 11, 1))
    with pytest.raises(InputError, match="chưa cài LibreOffice.*apt install libreoffice-writer-nogui"):
        docs.export_pdf(demo_db, A, "resolution", resolution.id, TODAY)
    assert docs.export_bytes(demo_db, A, "resolution", resolution.id, TODAY)[:2] == b"PK"
