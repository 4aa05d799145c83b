"""The benchmark's data generator makes a cell the product can read (CI runs the whole bench at scale 1)."""

import json

import pytest

from chibo import bench, documents, months, tasks
from tests.conftest import TODAY


def test_the_generated_cell_has_this_months_resolution_and_tasks_the_vocabulary_reads(fresh_db):
    bench.generate(fresh_db, 1, TODAY)
    resolution = documents.monthly_resolution(fresh_db, months.month_start(TODAY))
    assert resolution is not None
    counts = tasks.status_counts(fresh_db, TODAY)
    assert sum(counts.values()) == fresh_db.scalar("SELECT count(*) FROM tasks") > 1000


# -- the browser bench's floor: the same elements, drawn by a generated bare Streamlit app ---------------
SHOWN = {"title", "header", "subheader", "markdown", "caption", "metric", "dataframe", "vega_lite_chart", "info",
         "success", "warning", "error"}


def _shown(items: list[dict]) -> list[tuple]:
    """What a person sees, in order: each element's kind and, for a table, its shape."""
    seen = []
    for item in items:
        if item["kind"] in SHOWN:
            seen.append((item["kind"], item["frame"].shape if "frame" in item else None))
        seen += _shown(item.get("children", []))
    return seen


def test_the_floor_app_draws_the_same_headings_texts_metrics_tables_and_charts_as_the_page(tmp_path, demo_template,
                                                                                           monkeypatch):
    import shutil

    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from chibo import auth, bench_browser
    from chibo.db import Database
    shutil.copyfile(demo_template, tmp_path / "app.duckdb")
    monkeypatch.setenv("CHIBO_DB", str(tmp_path / "app.duckdb"))
    monkeypatch.setenv("CHIBO_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("CHIBO_TODAY", TODAY.isoformat())
    db = Database(tmp_path / "app.duckdb")
    admin = auth.add_user(db, auth.SYSTEM, "quantri", "mat-khau-quan-tri", "quan_tri")
    db.close()
    st.cache_resource.clear()
    page, sidebar = bench_browser.page_elements(admin, "overview")
    floor = bench_browser.write_floor(tmp_path / "floor", {"overview": page}, sidebar)
    at = AppTest.from_file(str(floor), default_timeout=60)
    at.run()
    st.cache_resource.clear()

    drawn = bench_browser.element_list(at.main)
    assert not at.exception
    assert [kind for kind, _ in _shown(page)].count("vega_lite_chart") >= 2
    assert _shown(drawn) == _shown(page)


# -- the README's tables come from the benches' JSON ------------------------------------------------------
README = """# chibo\n\nIntro.\n\n<!-- bench:browser-1 begin -->\nold typed table\n<!-- bench:browser-1 end -->\n\nAfter.\n"""
BROWSER = {"scale": 1, "runs": 7, "load_average": [1.5, 1.0, 1.0], "cores": 2,
           "items": {"quan_tri/tasks": {"median_seconds": 0.2261, "floor_seconds": 0.1508, "ratio": 1.5},
                     "quan_tri/export_program_docx": {"median_seconds": 0.4, "floor_seconds": None, "ratio": None}}}


def test_the_readme_block_between_its_markers_is_replaced_by_the_table_made_from_the_json(tmp_path):
    from chibo import bench_readme
    readme = tmp_path / "README.md"
    readme.write_text(README, encoding="utf-8")
    data = tmp_path / "browser-1.json"
    data.write_text(json.dumps(BROWSER), encoding="utf-8")

    assert bench_readme.update(readme, [data]) == ["browser-1"]

    text = readme.read_text(encoding="utf-8")
    assert "old typed table" not in text
    assert "| Bảng nhiệm vụ | quản trị | 226 | 151 | 1.50 |" in text
    assert "| prepare the action program .docx (click → download offered) | quản trị | 400 | — | — |" in text
    assert text.startswith("# chibo\n\nIntro.\n\n<!-- bench:browser-1 begin -->\n")
    assert text.endswith("<!-- bench:browser-1 end -->\n\nAfter.\n")


def test_a_readme_without_the_markers_is_refused_with_a_sentence_and_left_as_it_was(tmp_path):
    from chibo import bench_readme
    from chibo.errors import InputError
    readme = tmp_path / "README.md"
    readme.write_text("# chibo\n", encoding="utf-8")
    data = tmp_path / "browser-1.json"
    data.write_text(json.dumps(BROWSER), encoding="utf-8")

    with pytest.raises(InputError, match="README thiếu cặp đánh dấu"):
        bench_readme.update(readme, [data])
    assert readme.read_text(encoding="utf-8") == "# chibo\n"


SERVER = {"scale": 1, "runs": 9, "peak_memory_mb": 388.4, "load_average": [2.5, 2.0, 2.0], "cores": 2,
          "items": {"startup_first_page": {"median_seconds": 0.252, "floor_seconds": 0.002, "ratio": 126.0},
                    "page_tasks": {"median_seconds": 0.0055, "floor_seconds": 0.0020, "ratio": 2.78},
                    "display_refresh": {"median_seconds": 0.0023, "floor_seconds": 0.0020, "ratio": 1.16},
                    "export_resolution": {"median_seconds": 0.026, "floor_seconds": 0.0168, "ratio": 1.55}}}


def test_the_server_side_table_is_made_from_its_json_too(tmp_path):
    from chibo import bench_readme
    readme = tmp_path / "README.md"
    readme.write_text("# chibo\n\n<!-- bench:server begin -->\ntyped\n<!-- bench:server end -->\n", encoding="utf-8")
    data = tmp_path / "server-1.json"
    data.write_text(json.dumps(SERVER), encoding="utf-8")

    assert bench_readme.update(readme, [data]) == ["server"]

    text = readme.read_text(encoding="utf-8")
    assert "typed" not in text and "Scale 1: median of 9 runs, load average 2.50 on 2 cores." in text
    assert "| empty Streamlit page (floor) | 0.0020 | 1 |" in text
    assert "| Bảng nhiệm vụ | 0.0055 | 2.78 |" in text
    assert "| meeting display refresh | 0.0023 | 1.16 |" in text
    assert "| start-up to first page | 0.252 | — |" in text
    assert "| export: monthly resolution | 0.026 | 1.55 × raw |" in text
    assert "| peak memory of the bench process (MB) | 388 | — |" in text
