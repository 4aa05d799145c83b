"""What a person typed, cleaned once for every module: invisible and control characters out, NFC, names that a
spreadsheet would run as formulas refused."""

import pytest

from chibo import validate
from chibo.errors import InputError


@pytest.mark.parametrize("typed,stored", [
    ("Nguyễn\x01 Văn\x00 An", "Nguyễn Văn An"),
    ("Nguyễn\u200b Văn\u200c An\u200d", "Nguyễn Văn An"),  # zero-width space, non-joiner, joiner
    ("\u202eTrần Thị Mai\u202c", "Trần Thị Mai"),  # a right-to-left override and its end
    ("\u2067Lê Văn\u2069 Bình\u200e", "Lê Văn Bình"),  # bidi isolates and a left-to-right mark
    ("\ufeffPhạm\u00ad Hùng", "Phạm Hùng"),  # a byte-order mark pasted from a file, a soft hyphen
    ("Hoàng\u00a0Văn\u3000Nam", "Hoàng Văn Nam"),  # no-break and ideographic spaces
    ("Tổ chức\x0bhội thi", "Tổ chứchội thi"),  # a vertical tab pasted from Word
])
def test_invisible_and_control_characters_are_taken_out(typed, stored):
    assert validate.text(typed, "Tên") == stored


def test_long_text_keeps_its_lines_and_tabs():
    assert validate.long_text("Dòng một\r\nDòng\thai\u2028Dòng ba", "Ghi chú") == "Dòng một\nDòng\thai\nDòng ba"


def test_text_of_nothing_but_invisible_characters_is_empty():
    with pytest.raises(InputError, match="Họ và tên không được để trống"):
        validate.text("\u200b\x01 \u200d", "Họ và tên")


@pytest.mark.parametrize("typed", ["=cmd|' /C calc'!A0", "+84 912", "-Nguyễn Văn A", "@SUM(A1)",
                                   "\u200b=HYPERLINK(\"http://x\")", "  =1+1"])
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_refused(typed):
    with pytest.raises(InputError, match="không được bắt đầu bằng «[=+\\-@]» \\(bảng tính sẽ hiểu thành công thức\\)"):
        validate.name(typed, "Họ và tên")


def test_a_name_is_one_line_with_single_spaces():
    assert validate.name("  Nguyễn \n  Thị\tLan ", "Họ và tên") == "Nguyễn Thị Lan"
