"""Targets (chỉ tiêu): dated actual values, roll-up from tasks, and attainment
against baseline and target with the direction respected."""

from __future__ import annotations

from datetime import date

import pandas as pd

from chibo import audit, validate
from chibo.db import Database, memoised
from chibo.errors import InputError
from chibo.labels import missing
from chibo.permissions import Actor, require

# Qualitative levels in rising order: a value at or above the target's level attains it.
QUALITATIVE_LADDER = [
    "không hoàn thành nhiệm vụ",
    "hoàn thành nhiệm vụ",
    "hoàn thành tốt nhiệm vụ",
    "hoàn thành xuất sắc nhiệm vụ",
]
QUALITATIVE_LADDER_2 = ["yếu", "trung bình", "khá", "vững mạnh", "vững mạnh xuất sắc"]


def _ladder_sql(column: str) -> str:
    cases = " ".join(f"WHEN lower({column}) = '{level}' THEN {i}" for i, level in enumerate(QUALITATIVE_LADDER))
    cases += " " + " ".join(f"WHEN lower({column}) = '{level}' THEN {i}"
                            for i, level in enumerate(QUALITATIVE_LADDER_2))
    return f"CASE {cases} ELSE NULL END"


# A qualitative target is met (100) when the level recorded is at or above the level set, else 0.
_QUALITATIVE_MET = f"""CASE WHEN latest_text IS NULL THEN NULL
                WHEN {_ladder_sql('latest_text')} >= {_ladder_sql('target_text')} THEN 100.0
                WHEN lower(latest_text) = lower(target_text) THEN 100.0 ELSE 0.0 END"""

# Actual value per target as of a date, and attainment in percent (0–100), all in SQL.
SCORECARD_SQL = f"""
WITH vals AS (
    SELECT tv.target_id,
           arg_max(tv.value, tv.recorded_on) AS latest_value,
           arg_max(tv.value_text, tv.recorded_on) AS latest_text,
           sum(tv.value) AS total_value,
           max(tv.recorded_on) AS last_recorded
    FROM target_values tv JOIN targets tg ON tg.id = tv.target_id
    WHERE tv.recorded_on BETWEEN tg.period_start AND least(tg.period_end, $as_of)
    GROUP BY tv.target_id
), rolled AS (
    SELECT ms.target_id, avg(t.progress) AS avg_progress, count(t.id) AS task_count
    FROM measures ms JOIN tasks t ON t.measure_id = ms.id
    WHERE ms.target_id IS NOT NULL AND t.start_on <= $as_of
    GROUP BY ms.target_id
), actual AS (
    SELECT tg.*, vals.latest_text, vals.last_recorded, rolled.task_count,
        CASE WHEN tg.from_tasks THEN coalesce(tg.baseline, 0)
                 + (tg.target_value - coalesce(tg.baseline, 0)) * coalesce(rolled.avg_progress, 0) / 100
             WHEN tg.kind = 'cumulative' THEN coalesce(vals.total_value, 0)
             ELSE vals.latest_value END AS actual
    FROM targets tg LEFT JOIN vals ON vals.target_id = tg.id LEFT JOIN rolled ON rolled.target_id = tg.id
)
SELECT id, document_id, field, name, unit, kind, direction, baseline, target_value, target_text,
       period_start, period_end, from_tasks, actual, latest_text AS actual_text, last_recorded, task_count,
       CASE
         WHEN kind = 'qualitative' THEN
           {_QUALITATIVE_MET}
         WHEN actual IS NULL THEN NULL
         WHEN direction = 'higher' AND target_value = coalesce(baseline, 0)
              THEN CASE WHEN actual >= target_value THEN 100.0 ELSE 0.0 END
         WHEN direction = 'higher'
              THEN greatest(0, least(100, (actual - coalesce(baseline, 0)) * 100.0
                                          / (target_value - coalesce(baseline, 0))))
         WHEN baseline IS NULL OR baseline <= target_value
              THEN CASE WHEN actual <= target_value THEN 100.0
                        WHEN actual = 0 THEN 0.0 ELSE greatest(0, target_value * 100.0 / actual) END
         ELSE greatest(0, least(100, (baseline - actual) * 100.0 / (baseline - target_value)))
       END AS attainment,
       -- Actual against the target itself (not progress from the baseline): what a report states.
       CASE
         WHEN kind = 'qualitative' THEN
           {_QUALITATIVE_MET}
         WHEN actual IS NULL THEN NULL
         WHEN direction = 'higher' THEN CASE WHEN target_value = 0 THEN 100.0 ELSE actual * 100.0 / target_value END
         WHEN actual <= target_value THEN 100.0
         WHEN actual = 0 THEN 0.0
         ELSE greatest(0, target_value * 100.0 / actual)
       END AS against_target
FROM actual
"""


@memoised
def scorecard(db: Database, as_of: date, document_id: int | None = None) -> pd.DataFrame:
    """Every target with its actual as of a day and its attainment, and the same as text (see `shown`)."""
    sql = "SELECT * FROM (" + SCORECARD_SQL.replace("$as_of", "$1") + ")"
    params: list = [as_of]
    if document_id is not None:
        sql += " WHERE document_id = $2"
        params.append(document_id)
    return shown(db.query(sql + " ORDER BY field, id", params))


def shown(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard with what a person reads: the baseline, the target, the actual and the attainment as
    Vietnamese text («93,9%», «4 đảng viên», «50,8%»)."""
    from chibo.labels import missing, vn_percent

    def target_text(row) -> str:
        return row["target_text"] or with_unit(row["target_value"], row["unit"])

    def actual_text(row) -> str:
        if row["kind"] == "qualitative":
            return "" if missing(row["actual_text"]) else row["actual_text"]
        return "" if missing(row["actual"]) else with_unit(row["actual"], row["unit"])

    def baseline_text(row) -> str:
        return "" if missing(row["baseline"]) else with_unit(row["baseline"], row["unit"])

    if card.empty:
        return card.assign(baseline_shown=[], target_shown=[], actual_shown=[], attainment_shown=[])
    return card.assign(baseline_shown=card.apply(baseline_text, axis=1), target_shown=card.apply(target_text, axis=1),
                       actual_shown=card.apply(actual_text, axis=1), attainment_shown=card["attainment"].map(vn_percent))


def verdict(row) -> str:
    """What a report says of a target against its value for the term: 'Đạt chỉ tiêu', 'Vượt chỉ tiêu',
    'Chưa đạt (97%)', 'Chưa đạt chỉ tiêu'; '……' while nothing is recorded."""
    from chibo.labels import vn_percent
    reached = row.against_target
    if reached is None or missing(reached):
        return "……"
    if row.kind == "qualitative" or row.direction == "lower":
        return "Đạt chỉ tiêu" if reached >= 100 else "Chưa đạt chỉ tiêu"
    if reached > 100:
        return "Vượt chỉ tiêu"
    return "Đạt chỉ tiêu" if reached >= 100 else f"Chưa đạt ({vn_percent(reached)})"


def with_unit(value, unit: str) -> str:
    """'99,1%', '4 đảng viên': a percent sign sticks to its number, a word does not."""
    from chibo.labels import vn_number, vn_percent
    return vn_percent(value) if unit == "%" else f"{vn_number(value)} {unit}".strip()


BAND_LABELS = {"xanh": "🟢 Đạt/đúng tiến độ", "vang": "🟡 Cần chú ý", "do": "🔴 Chậm", "chua_co": "⚪ Chưa có số liệu"}


def band(attainment: float | None, thresholds: dict) -> str:
    """Traffic light of an attainment: 'xanh' (on track), 'vang', 'do', or 'chua_co'."""
    if attainment is None or missing(attainment):
        return "chua_co"
    if attainment >= thresholds.get("green", 90):
        return "xanh"
    if attainment >= thresholds.get("yellow", 60):
        return "vang"
    return "do"


def amount(value, label: str, unit: str, required: bool = True) -> float | None:
    """A number a quantitative target is measured in (its baseline, its value for the term, a value recorded):
    a percentage lies between 0 and 100; a count or a sum (học sinh, đảng viên, đồng) is never negative."""
    from chibo.labels import vn_number
    number = validate.number(value, label, -1e15, 1e15, required)  # the bounds only keep out infinities
    if number is None:
        return None
    if unit.strip() == "%" and not 0 <= number <= 100:
        raise InputError(f"{label} tính theo % phải nằm trong khoảng 0 đến 100 (đang là {vn_number(number)}).")
    if number < 0:
        raise InputError(f"{label} không thể là số âm (đang là {with_unit(number, unit.strip())}).")
    return number


def values(db: Database, target_id: int) -> pd.DataFrame:
    return db.query("SELECT id, recorded_on, value, value_text, note FROM target_values WHERE target_id = ?"
                    " ORDER BY recorded_on", [target_id])


def record_value(db: Database, actor: Actor, target_id: int, recorded_on, value=None, value_text: str = "",
                 note: str = "", *, today: date) -> int:
    """Record what a target reached on a day: a number, or for a qualitative target the level in words.
    A form with one box may pass what was typed as `value`: the target's kind decides how it is read."""
    require(actor, "edit_tasks")
    recorded_on = validate.a_date(recorded_on, "Ngày ghi nhận")
    if recorded_on > today:
        raise InputError("Ngày ghi nhận không thể ở tương lai.")
    note = validate.long_text(note, "Ghi chú")

    def work(cur):
        target = audit.row(cur, "targets", target_id)
        if not target:
            raise InputError("Không tìm thấy chỉ tiêu.")
        if target["from_tasks"]:
            raise InputError("Chỉ tiêu này tính từ tiến độ nhiệm vụ; không nhập giá trị trực tiếp.")
        if not target["period_start"] <= recorded_on <= target["period_end"]:
            raise InputError(f"Ngày ghi nhận nằm ngoài kỳ của chỉ tiêu "
                             f"({target['period_start']:%d/%m/%Y}–{target['period_end']:%d/%m/%Y}).")
        if target["kind"] == "qualitative":
            number, text = None, validate.text(value_text or ("" if value is None else str(value)), "Kết quả định tính")
        else:
            number, text = amount(value, "Giá trị thực hiện", target["unit"]), ""
        value_id = cur.execute("INSERT INTO target_values (target_id, recorded_on, value, value_text, note,"
                               " recorded_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                               [target_id, recorded_on, number, text, note, actor.user_id]).fetchone()[0]
        audit.log(cur, actor, "ghi giá trị chỉ tiêu", "targets", target_id, None,
                  {"recorded_on": recorded_on, "value": number, "value_text": text})
        return value_id
    return db.write(work)


def course_by_period(db: Database, target_id: int, grain: str = "quarter") -> pd.DataFrame:
    """A target's course over the term: the value at the end of each quarter or year."""
    if grain not in ("quarter", "year"):
        raise InputError("Chỉ xem theo quý hoặc năm.")
    return db.query(
        f"SELECT date_trunc('{grain}', tv.recorded_on) AS period,"
        " CASE WHEN any_value(tg.kind) = 'cumulative' THEN sum(tv.value) ELSE arg_max(tv.value, tv.recorded_on) END"
        " AS value, arg_max(tv.value_text, tv.recorded_on) AS value_text"
        " FROM target_values tv JOIN targets tg ON tg.id = tv.target_id WHERE tv.target_id = ?"
        " GROUP BY period ORDER BY period", [target_id])
