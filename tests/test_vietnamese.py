"""Every page, for every role, on the demo: every word on screen is Vietnamese — no English UI words, no raw
codes, no "None" or "nan" in any text, label, option or table cell."""

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from chibo import auth
from chibo.db import Database
from chibo.labels import missing
from tests.test_app import PAGES, TABBED, demo_app, isolated_app, signed_in  # noqa: F401 (fixtures)

# What must never reach a person: English UI words, stored codes, Python's and pandas' empty values.
ENGLISH = re.compile(r"\b(None|nan|NaN|NaT|null|Select\.\.\.|Choose options?|Press Enter|Upload|Browse files|"
                     r"Drag and drop|error|Error|Table with name|does not exist|syntax error|usage|options|"
                     r"done|done_late|overdue|in_progress|not_started|not_done|paused|draft|adopted|evaluated|"
                     r"page_width_mm|margin_\w+|true|false|True|False)\b")


def shown_texts(at: AppTest) -> list[str]:
    """Everything the run put on screen as text: messages, labels, options, placeholders, help, table cells."""
    parts = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "info", "warning", "error", "success",
                 "text", "exception"):
        parts += [str(e.value) for e in at.get(kind)]
    for kind in ("button", "checkbox", "text_input", "text_area", "number_input", "date_input", "radio",
                 "selectbox", "multiselect", "select_slider", "slider", "toggle", "tabs", "expander", "metric"):
        for e in at.get(kind):
            parts += [str(getattr(e, name)) for name in ("label", "help", "placeholder") if getattr(e, name, None)]
            if kind in ("selectbox", "multiselect", "radio"):
                parts += [str(o) for o in e.options]
            if kind == "metric":
                parts += [str(e.value)]
    for frame in at.dataframe:
        value = frame.value
        parts += [str(c) for c in value.columns]
        hidden = [name for name, config in json.loads(frame.proto.columns or "{}").items() if config.get("hidden")]
        shown = value.drop(columns=[c for c in hidden if c in value]).select_dtypes(exclude="bool")  # checkboxes
        empty = frame.proto.placeholder if frame.proto.HasField("placeholder") else "None"  # the grid's empty cell
        parts += [empty if missing(v) else str(v) for v in shown.to_numpy().ravel()]
    return parts


def english_words(at: AppTest) -> set[str]:
    found = set()
    for text in shown_texts(at):
        found |= {m[0] if isinstance(m, tuple) else m for m in ENGLISH.findall(text)}
    return found


def walk(at: AppTest) -> dict[str, set[str]]:
    """Each page the role may open, and each of its tabs: the English words it shows."""
    found = {}
    for page in PAGES:
        try:
            at.switch_page(page)
        except ValueError:  # not among the role's pages
            continue
        at.run()
        tabs = [t.label for t in at.tabs] if page in TABBED else []
        for label in tabs or [None]:
            if label is not None:
                at.session_state[TABBED[page]] = label
                at.run()
            assert not at.exception, (page, label, at.exception)
            if words := english_words(at):
                found[f"{page} {label or ''}".strip()] = words
    return found


@pytest.fixture
def accounts(demo_app, tmp_path):  # noqa: F811 (the fixture)
    db = Database(tmp_path / "app.duckdb")
    committee = auth.add_user(db, auth.SYSTEM, "chiuy", "mat-khau-chi-uy", "chi_uy")
    db.close()
    return demo_app | {"chi_uy": committee}


@pytest.mark.parametrize("role", list(auth.PERMISSIONS))
def test_every_page_and_tab_of_each_role_shows_no_english_word_nor_none(accounts, role):
    found = walk(signed_in(accounts[role]).run())
    assert found == {}, "\n".join(f"{k}: {sorted(v)}" for k, v in found.items())


def test_the_audit_log_shows_codes_as_labels_and_tables_by_their_names():
    from chibo import audit
    assert audit.readable('{"status": "in_progress", "recurring": false, "report_at": null}') == \
        "trạng thái: Đang thực hiện; lặp lại: không; báo cáo tại: —"


def test_the_audit_log_names_people_and_every_recorded_column_in_vietnamese(demo_db):
    from chibo import audit
    shown = audit.entries(demo_db, auth.SYSTEM)
    assert set(shown["Người dùng"]) == {"Hệ thống"}  # the demo is loaded by the system account
    words = " ".join(shown["Trước"]) + " " + " ".join(shown["Sau"])
    english = {word for word in re.findall(r"\b[a-z]+_[a-z_]+\b|\b(?:id|votes|meeting|display|name)\b", words)}
    assert english == set(), english


def test_a_profile_value_is_typed_back_with_a_decimal_comma():
    from chibo import labels
    assert [labels.vn_plain_number(v) for v in (210.0, 14.5, "Times New Roman")] == ["210", "14,5", "Times New Roman"]


def test_tables_write_decimals_with_a_comma_and_leave_whole_numbers_alone():
    import pandas as pd

    from chibo import ui
    frame = pd.DataFrame({"name": ["Tổ 1", "Tổ 2"], "tasks": [3, 12], "rate": [93.3, None]})
    shown = ui.shown_table(frame, {"name": "Đơn vị", "tasks": "Nhiệm vụ", "rate": "Tiến độ bình quân (%)"})
    shown = shown.to_pandas() if hasattr(shown, "to_pandas") else shown
    assert list(shown["Tiến độ bình quân (%)"]) == ["93,3", ""]
    assert list(shown["Nhiệm vụ"]) == [3, 12]
