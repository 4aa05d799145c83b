"""The repository stands alone: what a contributor needs is in it."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_file_points_outside_the_repository():
    for path in [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md"), *ROOT.glob("chibo/**/*.py"), *ROOT.glob("screens/*.py")]:
        assert "../shared" not in path.read_text(encoding="utf-8"), path


def test_the_design_page_names_every_module_of_chibo():
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    modules = {p.stem for p in (ROOT / "chibo").glob("*.py")} - {"__init__", "__main__"}
    missing = sorted(m for m in modules if not re.search(rf"\b{m}\.py\b", design))
    assert not missing, missing


def test_the_design_page_lists_every_vocabulary_macro():
    design = (ROOT / "docs" / "DESIGN.md").read_text(encoding="utf-8")
    sql = (ROOT / "chibo" / "schema" / "0002_vocabulary.sql").read_text(encoding="utf-8")
    for name in re.findall(r"CREATE OR REPLACE MACRO (\w+)\(", sql):
        assert f"`{name}(" in design, name
