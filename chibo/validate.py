"""Input checks shared by every domain module; each raises InputError in Vietnamese."""

import unicodedata
from datetime import date, datetime

from chibo.errors import InputError
from chibo.labels import missing

MAX_NAME = 120
MAX_TEXT = 4000


def text(value, label: str, required: bool = True, max_len: int = MAX_NAME) -> str:
    """Trimmed NFC text; empty only if not required."""
    cleaned = unicodedata.normalize("NFC", str(value or "")).strip()
    if required and not cleaned:
        raise InputError(f"{label} không được để trống.")
    if len(cleaned) > max_len:
        raise InputError(f"{label} quá dài (tối đa {max_len} ký tự, đang có {len(cleaned)}).")
    return cleaned


def long_text(value, label: str, required: bool = False) -> str:
    return text(value, label, required=required, max_len=MAX_TEXT)


def choice(value, options: dict, label: str) -> str:
    if value in options:
        return value
    # Accept the Vietnamese label as well as the code (spreadsheets, forms).
    for code, name in options.items():
        if str(value).strip().lower() == name.lower():
            return code
    allowed = ", ".join(options.values())
    raise InputError(f"{label} không hợp lệ: «{value}». Chọn một trong: {allowed}.")


def integer(value, label: str, low: int, high: int, required: bool = True) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()) or missing(value):
        if required:
            raise InputError(f"{label} không được để trống.")
        return None
    try:
        number = int(float(value))
    except (TypeError, ValueError):
        raise InputError(f"{label} phải là số nguyên, không phải «{value}».") from None
    if number != float(value) or not low <= number <= high:
        raise InputError(f"{label} phải là số nguyên từ {low} đến {high} (đang là {value}).")
    return number


def number(value, label: str, low: float, high: float, required: bool = True) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()) or missing(value):
        if required:
            raise InputError(f"{label} không được để trống.")
        return None
    try:
        parsed = float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise InputError(f"{label} phải là một số, không phải «{value}».") from None
    if not low <= parsed <= high:
        raise InputError(f"{label} phải nằm trong khoảng {low:g} đến {high:g} (đang là {parsed:g}).")
    return parsed


def a_date(value, label: str, required: bool = True) -> date | None:
    if missing(value) or value == "":
        if required:
            raise InputError(f"{label} không được để trống.")
        return None
    if isinstance(value, datetime):  # also pandas Timestamp
        value = value.date()
    if isinstance(value, date):
        result = value
    else:
        raw = str(value).strip()
        try:
            if "/" in raw:
                day, month, year = (int(p) for p in raw.split("/"))
                result = date(year, month, day)
            else:
                result = date.fromisoformat(raw[:10])
        except ValueError:
            raise InputError(f"{label} không phải ngày hợp lệ: «{raw}» (viết dd/mm/yyyy).") from None
    if not date(1930, 1, 1) <= result <= date(2100, 12, 31):
        raise InputError(f"{label} nằm ngoài khoảng hợp lý: {result:%d/%m/%Y}.")
    return result


def date_order(start: date, end: date, start_label: str, end_label: str) -> None:
    if end < start:
        raise InputError(f"{end_label} ({end:%d/%m/%Y}) không được trước {start_label} ({start:%d/%m/%Y}).")


def optional_id(value) -> int | None:
    """An id picked in a form or an editor cell, or None when nothing was picked."""
    if value is None or missing(value) or value == "":
        return None
    return int(value)
