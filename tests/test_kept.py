"""What pages keep between reruns: tables and charts made once per content, never stale."""

from datetime import date

import pandas as pd
import pyarrow as pa

from chibo import kept, ui
from chibo.labels import FIELDS


def frame(title="Họp tổ", field="chuyen_mon"):
    return pd.DataFrame({"title": [title], "field": [field], "deadline": [date(2026, 12, 5)], "hidden": [1]})


def test_a_shown_table_formats_relabels_renames_and_drops_columns():
    table = ui.shown_table(frame(), {"title": "Nhiệm vụ", "field": "Lĩnh vực", "deadline": "Hạn"},
                           dates=("deadline",), codes={"field": FIELDS})
    assert isinstance(table, pa.Table)
    assert table.to_pylist() == [{"Nhiệm vụ": "Họp tổ", "Lĩnh vực": FIELDS["chuyen_mon"], "Hạn": "05/12/2026"}]


def test_equal_content_reuses_the_table_and_changed_content_makes_a_new_one():
    columns = {"title": "Nhiệm vụ", "field": "Lĩnh vực"}
    first = ui.shown_table(frame(), columns, codes={"field": FIELDS})
    assert ui.shown_table(frame(), columns, codes={"field": FIELDS}) is first
    changed = ui.shown_table(frame(title="Họp chi bộ"), columns, codes={"field": FIELDS})
    assert changed.column("Nhiệm vụ").to_pylist() == ["Họp chi bộ"]
    raw = ui.shown_table(frame(), columns)  # other arguments, other table
    assert raw.column("Lĩnh vực").to_pylist() == ["chuyen_mon"]


def test_unpicklable_or_unhashable_input_is_built_every_time():
    built = []
    odd = pd.DataFrame({"f": [lambda: 1]})  # a lambda cannot be pickled
    for _ in range(2):
        kept.derived("test", odd, (), lambda: built.append(1))
    kept.derived("test", frame(), ([1],), lambda: built.append(1))
    assert len(built) == 3


def test_the_store_is_bounded():
    for i in range(kept.SIZE + 20):
        kept.derived("bounded", frame(title=str(i)), (), lambda n=i: n)
    assert len(kept._DERIVED) <= kept.SIZE


def test_the_store_keeps_within_its_memory_budget(monkeypatch):
    monkeypatch.setattr(kept._DERIVED, "budget", 50_000)
    for i in range(30):
        kept.derived("budget", frame(title=str(i)), (), lambda n=i: pa.table({"x": list(range(1000 + n))}))
    assert kept._DERIVED.held <= 50_000
    assert kept._DERIVED.held == sum(kept._DERIVED.sizes())
