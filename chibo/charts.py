"""Altair chart builders: DataFrame in, chart out. One theme, Vietnamese labels and formats,
large enough to read from the back of a classroom."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable

import altair as alt
import pandas as pd
import pyarrow as pa

from chibo import kept
from chibo.labels import FIELDS, vn_percent

STATUS_COLORS = {
    "Hoàn thành": "#2e7d32", "Hoàn thành trễ hạn": "#9ccc65", "Đang thực hiện": "#1976d2",
    "Chưa bắt đầu": "#90a4ae", "Quá hạn": "#c62828", "Không hoàn thành": "#6d4c41", "Tạm dừng": "#ffb300",
}
# Numbers in axes and tooltips as Vietnamese write them (chibo.labels.vn_number): d3-format's locale, which Vega
# applies to every format it makes. A percent axis adds its sign to the label so made (PERCENT_LABEL).
VIETNAMESE_NUMBERS = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"]}
PERCENT_LABEL = "datum.label + '%'"
# A label of several lines: the chart's own column holds the lines joined by LINE_BREAK, the axis splits them.
LINE_BREAK = "|"
SPLIT_LABEL = f"split(datum.label, '{LINE_BREAK}')"


def _theme(chart: alt.Chart, big: bool = False) -> alt.Chart:
    size = 18 if big else 13
    return (chart.configure(locale={"number": VIETNAMESE_NUMBERS})
            .configure_axis(labelFontSize=size, titleFontSize=size + 1, labelLimit=260)
            .configure_legend(labelFontSize=size, titleFontSize=size, orient="bottom", columns=2, labelLimit=0)
            .configure_title(fontSize=size + 4, anchor="start")
            .configure_view(strokeWidth=0))


def _lines(label: str, width: int = 22) -> str:
    """A long label on two lines, so a phone's narrow chart keeps room for its bars: broken after its comma
    («Công tác kiểm tra, | giám sát») or else where the words reach `width` characters."""
    if len(label) <= width:
        return label
    head, comma, tail = label.partition(", ")
    if comma:
        return f"{head},{LINE_BREAK}{tail}"
    return LINE_BREAK.join(textwrap.wrap(label, width))


def _month(month) -> str:
    return f"{month.month:02d}/{month.year}"


def tasks_by_field(frame: pd.DataFrame, big: bool = False) -> alt.Chart:
    """One bar per field — every field of the cell, in its order, also one without tasks this month —, stacked by
    status; the legend names only the statuses drawn."""
    frame = frame.assign(field_lines=frame["field_label"].map(_lines))
    drawn = [status for status in STATUS_COLORS if status in set(frame["status_label"])]
    chart = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("field_lines:N", title=None, scale=alt.Scale(domain=[_lines(label) for label in FIELDS.values()]),
                axis=alt.Axis(labelExpr=SPLIT_LABEL, labelLimit=0, labelLineHeight=15)),
        x=alt.X("tasks:Q", title="Số nhiệm vụ", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("status_label:N", title="Trạng thái",
                        scale=alt.Scale(domain=drawn, range=[STATUS_COLORS[s] for s in drawn])),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("field_label:N", title="Lĩnh vực"), alt.Tooltip("status_label:N", title="Trạng thái"),
                 alt.Tooltip("tasks:Q", title="Số nhiệm vụ")],
    ).transform_calculate(status_order=f"indexof({json.dumps(drawn, ensure_ascii=False)}, datum.status_label)"
    ).properties(height=alt.Step(56 if big else 42), title="Nhiệm vụ theo lĩnh vực và trạng thái")
    return _theme(chart, big)


def monthly_progress(frame: pd.DataFrame, big: bool = False) -> alt.Chart:
    """The months given (dashboard.monthly_progress: ended ones only), one point each, oldest first."""
    long = frame.melt(id_vars=["month"], value_vars=["done_rate", "on_time_rate"], var_name="measure",
                      value_name="rate")
    long["measure"] = long["measure"].map({"done_rate": "Đã hoàn thành", "on_time_rate": "Hoàn thành đúng hạn"})
    long["rate_vn"] = long["rate"].map(vn_percent)
    long["month_vn"] = long["month"].map(_month)
    order = [_month(m) for m in sorted(frame["month"])]
    chart = alt.Chart(long).mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=3).encode(
        x=alt.X("month_vn:O", title=None, sort=order, axis=alt.Axis(labelAngle=0, labelOverlap="parity")),
        y=alt.Y("rate:Q", title="Tỷ lệ", scale=alt.Scale(domain=[0, 100]), axis=alt.Axis(labelExpr=PERCENT_LABEL)),
        color=alt.Color("measure:N", title=None, scale=alt.Scale(range=["#1976d2", "#2e7d32"])),
        tooltip=[alt.Tooltip("month_vn:N", title="Tháng"), alt.Tooltip("measure:N", title="Chỉ số"),
                 alt.Tooltip("rate_vn:N", title="Tỷ lệ")],
    ).properties(height=330 if not big else 480, title="Kết quả thực hiện nhiệm vụ theo tháng")  # with its legend
    return _theme(chart, big)


def workload(frame: pd.DataFrame, label_column: str, title: str) -> alt.Chart:
    long = frame.melt(id_vars=[label_column], value_vars=["tasks", "overdue"], var_name="measure", value_name="n")
    long["measure"] = long["measure"].map({"tasks": "Nhiệm vụ", "overdue": "Quá hạn"})
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y(f"{label_column}:N", title=None, sort=alt.SortField("n", order="descending")),
        x=alt.X("n:Q", title="Số nhiệm vụ", axis=alt.Axis(format="d", tickMinStep=1)),
        yOffset="measure:N",
        color=alt.Color("measure:N", title=None, scale=alt.Scale(range=["#1976d2", "#c62828"])),
        tooltip=[alt.Tooltip(f"{label_column}:N", title="Tên"), alt.Tooltip("measure:N", title="Chỉ số"),
                 alt.Tooltip("n:Q", title="Số")],
    ).properties(title=title)
    return _theme(chart)


def attendance(frame: pd.DataFrame, big: bool = False) -> alt.Chart:
    """One bar per month with a meeting, as wide as the month's place on the axis, its rate written on top: a
    phone or a projector shows no tooltip, and 93% and 97% look alike as bars."""
    frame = frame.assign(rate_vn=frame["rate"].map(vn_percent), month_vn=frame["month"].map(_month))
    order = [_month(m) for m in sorted(frame["month"])]
    base = alt.Chart(frame).encode(
        x=alt.X("month_vn:O", title=None, sort=order, scale=alt.Scale(paddingInner=0.3),
                axis=alt.Axis(labelAngle=0, labelOverlap="parity")),
        y=alt.Y("rate:Q", title="Tỷ lệ dự họp", scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(labelExpr=PERCENT_LABEL)),
        tooltip=[alt.Tooltip("month_vn:N", title="Tháng"), alt.Tooltip("present:Q", title="Có mặt"),
                 alt.Tooltip("rate_vn:N", title="Tỷ lệ")])
    bars = base.mark_bar(color="#b71c1c")
    rates = base.mark_text(dy=-8, fontSize=18 if big else 13, color="#333").encode(text="rate_vn:N")
    chart = alt.layer(bars, rates).properties(height=240 if not big else 400, title="Đảng viên dự sinh hoạt theo tháng")
    return _theme(chart, big)


# The month's checklist as the term's history counts it (chibo.checklist.HISTORY_BUCKETS), in traffic-light colours.
STEP_COLORS = {"Đúng hạn": "#2e7d32", "Trễ hạn, chưa đạt": "#f9a825", "Quá hạn, chưa làm": "#c62828", "Chưa đến hạn": "#90a4ae"}


def checklist_history(frame: pd.DataFrame, buckets: tuple[tuple[str, str], ...]) -> alt.Chart:
    """Per month: the checklist's steps done on time, late, missed (and still pending), stacked; `buckets` are
    (column, label) pairs (a tuple, so the chart is kept per content)."""
    labels = dict(buckets)
    long = frame.melt(id_vars=["month"], value_vars=list(labels), var_name="bucket", value_name="steps")
    long["bucket"] = long["bucket"].map(labels)
    long["month_vn"] = long["month"].map(_month)
    chart = alt.Chart(long).mark_bar().encode(
        x=alt.X("month_vn:N", title=None, sort=None, axis=alt.Axis(labelAngle=-45)),  # a term's months, legible
        y=alt.Y("steps:Q", title="Số bước", axis=alt.Axis(format="d", tickMinStep=1)),
        color=alt.Color("bucket:N", title=None, sort=list(labels.values()),
                        scale=alt.Scale(domain=list(STEP_COLORS), range=list(STEP_COLORS.values()))),
        order=alt.Order("bucket:N"),
        tooltip=[alt.Tooltip("month_vn:N", title="Tháng"), alt.Tooltip("bucket:N", title="Tình trạng"),
                 alt.Tooltip("steps:Q", title="Số bước")],
    ).properties(height=320, title="Các bước công việc mỗi tháng trong nhiệm kỳ")
    return _theme(chart)


def result_bars(frame: pd.DataFrame, label: str, number: str) -> alt.Chart:
    """A query result that fits a bar chart: one bar per label, longest first."""
    chart = alt.Chart(frame).mark_bar(color="#1976d2").encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None), x=alt.X(f"{number}:Q"),
        tooltip=[alt.Tooltip(f"{label}:N"), alt.Tooltip(f"{number}:Q", format=",.2~f")],  # «1.234,5» (the locale)
    ).properties(height=alt.Step(28))  # one readable label per bar, however many rows
    return _theme(chart)



# -- ready-to-draw specs -------------------------------------------------------------------
def spec(build: Callable[..., alt.Chart], frame: pd.DataFrame, *args) -> dict:
    """`build(frame, *args)` as a Vega-Lite dict with its data as Arrow IPC datasets — the form
    `st.vega_lite_chart` sends to the browser. Building and schema-validating an Altair chart costs
    5–10 ms, so the result is kept per content of the frame (chibo.kept). A fresh dict each call."""
    text, datasets = kept.derived(f"chart:{build.__module__}.{build.__qualname__}", frame, args,
                                  lambda: _to_vega_lite(build(frame, *args)))
    return {**json.loads(text), "datasets": dict(datasets)}


def _to_vega_lite(chart: alt.Chart) -> tuple[str, dict[str, bytes]]:
    """The chart's spec without schema validation (the builders are fixed code, exercised by
    tests with validation on) and without Altair's default theme, as Streamlit draws it."""
    datasets: dict[str, list] = {}
    body = chart.to_dict(validate=False, context={"top_level": False, "datasets": datasets})
    body["$schema"] = alt.SCHEMA_URL
    return json.dumps(body), {name: _arrow_bytes(rows) for name, rows in datasets.items()}


def _arrow_bytes(rows: list[dict]) -> bytes:
    table = pa.Table.from_pylist(rows)
    sink = pa.BufferOutputStream()
    with pa.RecordBatchStreamWriter(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()
