"""The Party document layout in python-docx: page, fonts in all four slots, the two-column
header, title and summary with their rules, body, bordered tables, signature, recipients,
page numbers from page 2. Every number comes from the format profile."""

from __future__ import annotations

import io
import json
from copy import deepcopy
from datetime import date

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

CENTER, RIGHT, JUSTIFY, LEFT = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT)


def vn_date_line(place: str, day: date) -> str:
    """'Mỹ An, ngày 05 tháng 11 năm 2026' — day and months 1–2 written with a leading zero."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def set_fonts(rpr_parent, name: str) -> None:
    """Name the font in all four slots and drop theme fonts, or Word falls back to Calibri/Cambria."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    _name_fonts(fonts, name)


def _name_fonts(fonts, name: str) -> None:
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


class Writer:
    """A document under construction in the Party layout."""

    def __init__(self, profile: dict):
        self.p = profile
        self.doc: Document = new_docx(io.BytesIO(_blank(self.p)))

    def _prepare_blank(self) -> bytes:
        """Page, fonts and page numbers on an empty document: the same for every document of a profile."""
        self.doc = new_docx()
        self._page()
        self._default_font()
        self._page_numbers()
        return self.to_bytes()

    # -- page and fonts ----------------------------------------------------------------
    def _page(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(self.p["page_width_mm"]), Mm(self.p["page_height_mm"])
        section.top_margin, section.bottom_margin = Mm(self.p["margin_top_mm"]), Mm(self.p["margin_bottom_mm"])
        section.left_margin, section.right_margin = Mm(self.p["margin_left_mm"]), Mm(self.p["margin_right_mm"])
        section.header_distance = Mm(max(self.p["margin_top_mm"] - 10, 5))

    @property
    def usable_mm(self) -> float:
        return self.p["page_width_mm"] - self.p["margin_left_mm"] - self.p["margin_right_mm"]

    def _default_font(self) -> None:
        """Every font declaration in the styles part names the profile font, theme fonts removed."""
        self.doc.styles["Normal"].font.size = Pt(self.p["body_pt"])
        for fonts in self.doc.styles.element.iter(qn("w:rFonts")):
            _name_fonts(fonts, self.p["font_name"])
        set_fonts(self.doc.styles["Normal"].element, self.p["font_name"])
        _vietnamese(self.doc.styles.element)

    def _page_numbers(self) -> None:
        """A centred PAGE field at the top of every page but the first."""
        section = self.doc.sections[0]
        section.different_first_page_header_footer = True
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = CENTER
        run = paragraph.add_run()
        self._font(run, self.p["page_number_pt"])
        for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
            if kind:
                char = OxmlElement("w:fldChar")
                char.set(qn("w:fldCharType"), kind)
                run._r.append(char)
            elif text:
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            else:
                placeholder = OxmlElement("w:t")
                placeholder.text = "2"
                run._r.append(placeholder)

    # -- runs and paragraphs --------------------------------------------------------------
    def _font(self, run, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
        """Direct formatting only where it differs from plain text: each property setter adds XML."""
        set_fonts(run._r, self.p["font_name"])
        run.font.size = Pt(size)
        if bold:
            run.font.bold = True
        if italic:
            run.font.italic = True
        if underline:
            run.font.underline = True

    def _paragraph(self, container, text: str, size: float, align=LEFT, bold=False, italic=False,
                   underline=False, space_after: float = 0, indent_mm: float = 0, line_spacing=None,
                   keep_with_next: bool = False) -> Paragraph:
        """A paragraph of one run. The first paragraph of each look is built through python-docx; later
        ones, in this document or a later one, are copies of its XML with their own text: that is what
        makes a long document quick."""
        look = (size, align, bold, italic, underline, space_after, indent_mm, line_spacing, keep_with_next)
        template = _LOOKS.get((self.p["font_name"], look))
        if template is None:
            paragraph = self._styled_paragraph(container, text, *look)
            _LOOKS[(self.p["font_name"], look)] = _without_text(paragraph._p)
            return paragraph
        element = deepcopy(template)
        if text:
            _set_text(element.r_lst[0], text)
        placeholder = _block(container).add_p()  # python-docx knows where a paragraph goes (before sectPr)
        placeholder.getparent().replace(placeholder, element)
        return Paragraph(element, container)

    def _styled_paragraph(self, container, text: str, size: float, align, bold, italic, underline,
                          space_after: float, indent_mm: float, line_spacing, keep_with_next: bool) -> Paragraph:
        paragraph = container.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
        fmt.first_line_indent = Mm(indent_mm) if indent_mm else None
        if line_spacing is not None:
            fmt.line_spacing = line_spacing
        if keep_with_next:
            fmt.keep_with_next = True
        run = paragraph.add_run(text)
        self._font(run, size, bold, italic, underline)
        return paragraph

    def _rule(self, container, length_mm: float, width_mm: float) -> None:
        """A thin paragraph whose bottom border is `length_mm` long, centred in `width_mm`."""
        paragraph = self._paragraph(container, "", 2)
        paragraph.paragraph_format.line_spacing = Pt(2)
        side = max((width_mm - length_mm) / 2, 0)
        paragraph.paragraph_format.left_indent = Mm(side)
        paragraph.paragraph_format.right_indent = Mm(side)
        ppr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        ppr.append(borders)

    # -- the header --------------------------------------------------------------------------
    def header(self, superior: str, issuer: str, number_text: str, place_date: str) -> None:
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        _no_borders(table)
        left_mm = self.p["header_left_mm"]
        widths = (left_mm, self.usable_mm - left_mm)
        _set_widths(table, widths)
        left, right = table.rows[0].cells
        left.paragraphs[0]._p.getparent().remove(left.paragraphs[0]._p)
        right.paragraphs[0]._p.getparent().remove(right.paragraphs[0]._p)
        self._paragraph(left, superior.upper(), self.p["superior_pt"], CENTER)
        self._paragraph(left, issuer.upper(), self.p["issuer_pt"], CENTER, bold=True)
        self._paragraph(left, "*", self.p["issuer_pt"], CENTER)
        self._paragraph(left, number_text, self.p["number_pt"], CENTER)
        self._paragraph(right, "ĐẢNG CỘNG SẢN VIỆT NAM", self.p["party_title_pt"], CENTER, bold=True)
        self._rule(right, self.p["party_rule_mm"], widths[1])
        self._paragraph(right, "", self.p["place_date_pt"], CENTER)
        self._paragraph(right, place_date, self.p["place_date_pt"], CENTER, italic=True)

    def title(self, kind_name: str, summary: str, draft: bool = False) -> None:
        self._paragraph(self.doc, "", self.p["body_pt"])
        if draft:
            self._paragraph(self.doc, "DỰ THẢO", self.p["summary_pt"], CENTER, bold=True)
        self._paragraph(self.doc, kind_name.upper(), self.p["title_pt"], CENTER, bold=True)
        self._paragraph(self.doc, summary, self.p["summary_pt"], CENTER, bold=True)
        self._rule(self.doc, self.p["summary_rule_mm"], self.usable_mm)
        self._paragraph(self.doc, "", self.p["body_pt"])

    # -- the body -----------------------------------------------------------------------------
    def body(self, text: str, keep_with_next: bool = False) -> None:
        """Each line a paragraph; `keep_with_next` holds the text on the page of what follows (the signature)."""
        for line in (text or "").splitlines() or [""]:
            if line.strip():
                self._paragraph(self.doc, line.strip(), self.p["body_pt"], JUSTIFY, space_after=self.p["space_after_pt"],
                                indent_mm=self.p["first_line_indent_mm"], line_spacing=self.p["line_spacing"],
                                keep_with_next=keep_with_next)

    def heading(self, text: str) -> None:
        self._paragraph(self.doc, text, self.p["body_pt"], JUSTIFY, bold=True, space_after=self.p["space_after_pt"],
                        indent_mm=self.p["first_line_indent_mm"], keep_with_next=True)

    def table(self, headers: list[str], rows: list[list[str]], widths_mm: list[float] | None = None) -> None:
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = widths_mm or [self.usable_mm / len(headers)] * len(headers)
        table.autofit = False
        _set_widths(table, widths)
        for cell, text in zip(table.rows[0].cells, headers):
            self._cell(cell, text, bold=True, align=CENTER)
        _repeat_header(table.rows[0])
        _whole(table.rows[0])
        for values in rows:
            # New rows copy the grid; their cells need no width of their own.
            row = table.add_row()
            _whole(row)
            for cell, text in zip(row.cells, values):
                self._cell(cell, str(text))
        self._paragraph(self.doc, "", self.p["body_pt"], space_after=0)

    def _cell(self, cell, text: str, bold: bool = False, align=LEFT) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = align
        run = paragraph.add_run(text)
        self._font(run, self.p["table_pt"], bold=bold)

    def picture(self, png: bytes, width_mm: float) -> None:
        self.doc.add_picture(io.BytesIO(png), width=Mm(min(width_mm, self.usable_mm)))
        paragraph = self.doc.paragraphs[-1]
        paragraph.alignment = CENTER
        for run in paragraph.runs:
            set_fonts(run._r, self.p["font_name"])

    # -- the end ----------------------------------------------------------------------------------
    def signature(self, recipients: list[str], on_behalf: str, position: str, name: str) -> None:
        table = self.doc.add_table(rows=1, cols=2)
        table.autofit = False
        _no_borders(table)
        _set_widths(table, [self.usable_mm / 2] * 2)
        _whole(table.rows[0])  # the signature block is never split across pages
        left, right = table.rows[0].cells
        for cell in (left, right):
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
        self._paragraph(left, "Nơi nhận:", self.p["recipients_title_pt"], LEFT, underline=True)
        for line in recipients:
            self._paragraph(left, line, self.p["recipients_pt"], LEFT)
        if on_behalf:
            self._paragraph(right, on_behalf.upper(), self.p["signature_pt"], CENTER, bold=True)
        self._paragraph(right, position.upper(), self.p["signature_pt"], CENTER)
        for _ in range(int(self.p["signature_space_lines"])):
            self._paragraph(right, "", self.p["signature_pt"], CENTER)
        self._paragraph(right, name, self.p["signature_pt"], CENTER, bold=True)

    def two_signatures(self, left_title: str, left_name: str, right_title: str, right_name: str) -> None:
        """Minutes: the secretary (thư ký) on the left, the chair (chủ trì) on the right."""
        table = self.doc.add_table(rows=1, cols=2)
        _no_borders(table)
        _whole(table.rows[0])
        for cell, title, name in zip(table.rows[0].cells, (left_title, right_title), (left_name, right_name)):
            cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
            self._paragraph(cell, title.upper(), self.p["signature_pt"], CENTER, bold=True)
            for _ in range(int(self.p["signature_space_lines"])):
                self._paragraph(cell, "", self.p["signature_pt"], CENTER)
            self._paragraph(cell, name, self.p["signature_pt"], CENTER, bold=True)

    def properties(self, author: str, title: str) -> None:
        """The file's own properties name the cell and the document, never the software that wrote it."""
        core = self.doc.core_properties
        core.author, core.last_modified_by, core.title, core.comments = author, author, title, ""

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()


_BLANKS: dict[str, bytes] = {}
_LOOKS: dict[tuple, object] = {}  # (font, paragraph look) -> the paragraph's XML without text


def _blank(profile: dict) -> bytes:
    """The prepared empty document of a profile, kept: every export starts from a copy of it."""
    key = json.dumps(profile, sort_keys=True, default=str)
    if key not in _BLANKS:
        writer = Writer.__new__(Writer)
        writer.p = profile
        _BLANKS[key] = writer._prepare_blank()
    return _BLANKS[key]


def _block(container):
    """The XML element that holds a container's paragraphs: the body of a document, or a table cell."""
    return container._body._element if isinstance(container, Document) else container._element


def _set_text(run, text: str) -> None:
    """A run's text; plain text goes straight into one w:t, as python-docx would put it."""
    if any(mark in text for mark in "\t\n\r"):
        run.text = text  # python-docx turns these into w:tab / w:br
    else:
        run.add_t(text)


def _without_text(p):
    """A copy of a one-run paragraph keeping its formatting (pPr, rPr) and dropping its text."""
    copy = deepcopy(p)
    for run in copy.r_lst:
        run.clear_content()
    return copy


def _set_widths(table, widths_mm: list[float]) -> None:
    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def _whole(row) -> None:
    """A table row is never split across two pages."""
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _vietnamese(styles) -> None:
    """The language of every run is Vietnamese, so Word checks spelling in Vietnamese, not English."""
    holders = list(styles.iter(qn("w:rPrDefault"))) + [s for s in styles.iter(qn("w:style"))
                                                      if s.get(qn("w:styleId")) == "Normal"]
    for holder in holders:
        rpr = holder.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            holder.append(rpr)
        for old in rpr.findall(qn("w:lang")):
            rpr.remove(old)
        lang = OxmlElement("w:lang")
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            lang.set(qn(attr), "vi-VN")
        rpr.append(lang)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    mark = OxmlElement("w:tblHeader")
    mark.set(qn("w:val"), "true")
    tr_pr.append(mark)
