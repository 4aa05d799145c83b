"""Input checks shared by every domain module; each raises InputError in Vietnamese."""

import unicodedata
from datetime import date, datetime

from chibo.errors import InputError
from chibo.labels import missing, vn_number

MAX_NAME = 120
MAX_TEXT = 4000

# What a spreadsheet reads as the start of a formula: a name starting with one becomes a live formula (or a
# command) when the committee opens an export in Excel.
FORMULA_STARTS = ("=", "+", "-", "@")

# Unicode categories nobody types on purpose: control characters (a .docx refuses them: "All strings must be XML
# compatible"), format characters (zero-width spaces and joiners, bidi overrides and isolates, the soft hyphen,
# a stray byte-order mark: they make two equal names look different), lone surrogates.
_DROPPED = {"Cc", "Cf", "Cs"}
_KEPT_CONTROLS = {"\n", "\t"}


def clean(value) -> str:
    """What a person typed, as chibo stores it: NFC, without the invisible and control characters above, other
    spaces (no-break, ideographic) as a plain space, and line and paragraph separators as a line break."""
    raw = unicodedata.normalize("NFC", str(value or ""))
    if raw.isprintable():  # nearly always: nothing to take out
        return raw
    kept = []
    for ch in raw.replace("\r\n", "\n").replace("\r", "\n"):
        category = unicodedata.category(ch)
        if ch in _KEPT_CONTROLS or ch.isprintable():
            kept.append(ch)
        elif category in ("Zl", "Zp"):
            kept.append("\n")
        elif category == "Zs":
            kept.append(" ")
        elif category not in _DROPPED and ch not in "\ufffe\uffff":
            kept.append(ch)
    return "".join(kept)


def text(value, label: str, required: bool = True, max_len: int = MAX_NAME) -> str:
    """Cleaned (see `clean`) and trimmed text; empty only if not required."""
    cleaned = clean(value).strip()
    if required and not cleaned:
        raise InputError(f"{label} không được để trống.")
    if len(cleaned) > max_len:
        raise InputError(f"{label} quá dài (tối đa {max_len} ký tự, đang có {len(cleaned)}).")
    return cleaned


def long_text(value, label: str, required: bool = False) -> str:
    return text(value, label, required=required, max_len=MAX_TEXT)


def name(value, label: str, required: bool = True, max_len: int = MAX_NAME) -> str:
    """A name (of a member, a unit, a post): text on one line, its spaces single, and never what a spreadsheet
    would run as a formula."""
    cleaned = " ".join(text(value, label, required, max_len).split())
    if cleaned.startswith(FORMULA_STARTS):
        raise InputError(f"{label} không được bắt đầu bằng «{cleaned[0]}» (bảng tính sẽ hiểu thành công thức): "
                         f"«{cleaned}».")
    return cleaned


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
        raise InputError(f"{label} phải nằm trong khoảng {vn_number(low, 2)} đến {vn_number(high, 2)} "
                         f"(đang là {vn_number(parsed, 2)}).")
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
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InputError(f"Mã «{value}» không hợp lệ: mã là một số nguyên.") from None


# The rows an id may name, as a sentence calls them.
ROW_NAMES = {"members": "đảng viên", "units": "đơn vị", "tasks": "nhiệm vụ", "targets": "chỉ tiêu",
             "goals": "mục tiêu", "meetings": "cuộc họp"}


def existing_id(reads, table: str, value) -> int | None:
    """An id picked in a form or typed (`--member-id`), or None when nothing was picked; refused when the row
    does not exist. `reads` is the cursor of the transaction that writes the id, or the Database itself where
    the row cannot vanish before the write (members are never deleted)."""
    found = optional_id(value)
    if found is None:
        return None
    sql = f"SELECT count(*) FROM {table} WHERE id = ?"
    count = reads.scalar(sql, [found]) if hasattr(reads, "scalar") else reads.execute(sql, [found]).fetchone()[0]
    if not count:
        raise InputError(f"Không có {ROW_NAMES[table]} nào mang mã {found}.")
    return found
