"""The format profile (thể thức): every number of the Party document layout, stored in
the database and editable in settings, so newer guidance changes data, not code."""

from __future__ import annotations

from chibo import cell, versions
from chibo.db import Database
from chibo.errors import InputError
from chibo.labels import vn_number
from chibo.permissions import Actor, require

# Hướng dẫn 36-HD/VPTW (2018) as the baseline.
DEFAULT_PROFILE = {
    "page_width_mm": 210.0, "page_height_mm": 297.0,
    "margin_top_mm": 20.0, "margin_bottom_mm": 20.0, "margin_left_mm": 30.0, "margin_right_mm": 15.0,
    "font_name": "Times New Roman",
    "superior_pt": 14.0, "issuer_pt": 14.0, "number_pt": 14.0,
    "party_title_pt": 15.0, "party_rule_mm": 78.0, "place_date_pt": 14.0,
    "header_left_mm": 80.0,
    "title_pt": 16.0, "summary_pt": 14.0, "summary_rule_mm": 30.0,
    "body_pt": 14.0, "first_line_indent_mm": 10.0, "space_after_pt": 6.0, "line_spacing": 1.1,
    "table_pt": 13.0,
    "signature_pt": 14.0, "signature_space_lines": 4,
    "recipients_title_pt": 14.0, "recipients_pt": 12.0,
    "page_number_pt": 14.0,
}
PROFILE_LABELS = {
    "page_width_mm": "Khổ giấy: rộng (mm)", "page_height_mm": "Khổ giấy: cao (mm)",
    "margin_top_mm": "Lề trên (mm)", "margin_bottom_mm": "Lề dưới (mm)", "margin_left_mm": "Lề trái (mm)",
    "margin_right_mm": "Lề phải (mm)", "font_name": "Phông chữ",
    "superior_pt": "Tên đảng bộ cấp trên (pt)", "issuer_pt": "Tên chi bộ (pt, in đậm)", "number_pt": "Số, ký hiệu (pt)",
    "party_title_pt": "«ĐẢNG CỘNG SẢN VIỆT NAM» (pt)", "party_rule_mm": "Đường kẻ dưới tiêu đề Đảng (mm)",
    "place_date_pt": "Địa danh, ngày tháng (pt, nghiêng)", "header_left_mm": "Độ rộng cột trái phần đầu (mm)",
    "title_pt": "Tên loại văn bản (pt)", "summary_pt": "Trích yếu (pt)", "summary_rule_mm": "Đường kẻ dưới trích yếu (mm)",
    "body_pt": "Nội dung (pt)", "first_line_indent_mm": "Thụt đầu dòng (mm)", "space_after_pt": "Cách đoạn (pt)",
    "line_spacing": "Giãn dòng (lần)", "table_pt": "Chữ trong bảng (pt)", "signature_pt": "Khối chữ ký (pt)",
    "signature_space_lines": "Số dòng để ký", "recipients_title_pt": "«Nơi nhận:» (pt)",
    "recipients_pt": "Danh sách nơi nhận (pt)", "page_number_pt": "Số trang (pt)",
}
# Sane ranges: a value outside them would print a broken page.
RANGES = {
    "page_width_mm": (100, 420), "page_height_mm": (140, 600), "margin_top_mm": (5, 60), "margin_bottom_mm": (5, 60),
    "margin_left_mm": (5, 60), "margin_right_mm": (5, 60), "party_rule_mm": (10, 120), "header_left_mm": (40, 120),
    "summary_rule_mm": (5, 120), "first_line_indent_mm": (0, 40), "space_after_pt": (0, 30),
    "line_spacing": (0.8, 3.0), "signature_space_lines": (1, 12),
}
POINT_RANGE = (8, 30)


def _check(key: str, raw) -> float | str:
    if key == "font_name":
        name = str(raw).strip()
        if not name or len(name) > 60:
            raise InputError("Tên phông chữ không hợp lệ.")
        return name
    low, high = RANGES.get(key, POINT_RANGE)
    try:
        value = float(str(raw).replace(",", "."))
    except ValueError:
        raise InputError(f"«{PROFILE_LABELS[key]}» phải là một số, không phải «{raw}».") from None
    if not low <= value <= high:
        raise InputError(f"«{PROFILE_LABELS[key]}» phải từ {vn_number(low, 2)} đến {vn_number(high, 2)} "
                         f"(đang là {vn_number(value, 2)}).")
    return value


def validate_profile(values: dict) -> dict:
    unknown = set(values) - set(DEFAULT_PROFILE)
    if unknown:
        raise InputError(f"Thông số thể thức không có: {', '.join(sorted(unknown))}.")
    merged = DEFAULT_PROFILE | values
    cleaned = {key: _check(key, value) for key, value in merged.items()}
    usable = cleaned["page_width_mm"] - cleaned["margin_left_mm"] - cleaned["margin_right_mm"]
    if cleaned["header_left_mm"] >= usable - 40:
        raise InputError("Cột trái phần đầu văn bản quá rộng so với khổ giấy.")
    return cleaned


def profile(db: Database) -> dict:
    """The stored profile, checked: a value out of range stops the export with a clear message."""
    return validate_profile(cell.setting(db, "format_profile", {}))


def profile_form(db: Database):
    """What the format profile's editor is opened on: the profile as exported, and the version of what is stored."""
    stored = cell.setting_form(db, "format_profile", {})
    return versions.Opened(profile(db), stored.version)


def save_profile(db: Database, actor: Actor, values: dict, opened: str | None = None) -> None:
    """The format profile. `opened`: the version of its editor (profile_form)."""
    require(actor, "settings")
    cell.save_setting(db, actor, "format_profile", validate_profile(values), opened, PROFILE_LABELS,
                      "thể thức văn bản")
