"""Numbers as Vietnamese write them: one helper (labels.vn_number, labels.vn_percent) for pages, charts, documents."""

import ast
from pathlib import Path

import numpy as np
import pytest

from chibo.labels import vn_number, vn_percent

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("value, decimals, written", [
    (93.33, 1, "93,3"), (100.0, 1, "100"), (100, 1, "100"), (63.5, 1, "63,5"), (1250, 1, "1.250"),
    (1250.5, 1, "1.250,5"), (1234567.891, 2, "1.234.567,89"), (71.25, 2, "71,25"), (4.0, 2, "4"), (0.5, 1, "0,5"),
    (71.25, 1, "71,3"), (2.675, 2, "2,68"),  # half up on the number as written, as a person rounds (and DuckDB)
    (-0.04, 1, "0"), (-1000, 0, "-1.000"), (np.float64(97.0), 1, "97"), (np.int64(7), 1, "7"), (1250.5, 0, "1.251"),
    (None, 1, ""), (float("nan"), 1, ""),
])
def test_a_number_is_written_with_a_decimal_comma_thousands_dots_and_no_trailing_zeros(value, decimals, written):
    assert vn_number(value, decimals) == written


@pytest.mark.parametrize("value, written", [
    (63.45, "63,5%"), (100, "100%"), (100.0, "100%"), (93.333, "93,3%"), (0, "0%"), (None, ""), (float("nan"), ""),
])
def test_a_percent_sticks_its_sign_to_the_number(value, written):
    assert vn_percent(value) == written


def _formatted_numbers(path: Path) -> list[str]:
    """Where a file writes a number itself: an f-string's format spec (`{x:.1f}`, `{x:g}`) or a `.replace(".", ",")`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            spec = "".join(part.value for part in node.format_spec.values if isinstance(part, ast.Constant))
            english = spec[-1:] in ("f", "g", "e", "G", "E", "%") or "," in spec  # «93.3», «1,250»
            if english and "%" not in spec[:-1]:  # not a date's strftime pattern
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {{…:{spec}}}")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "replace"
                and [a.value for a in node.args if isinstance(a, ast.Constant)][:2] == [".", ","]):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} .replace('.', ',')")
    return found


def test_pages_charts_and_documents_write_numbers_through_the_one_helper():
    files = [*ROOT.glob("chibo/**/*.py"), *ROOT.glob("screens/*.py"), ROOT / "app.py"]
    helper = ROOT / "chibo" / "labels.py"
    benches = {p for p in files if p.name.startswith("bench")}  # console reports, not what a cell reads
    assert [hit for path in sorted(set(files) - {helper} - benches) for hit in _formatted_numbers(path)] == []
