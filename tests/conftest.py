"""Tiny fixtures: a fresh database file, the demo cell, and an actor of each role."""

import shutil
from datetime import date

import pytest

from chibo import auth, config, demo
from chibo.db import Database

# The demo is built around this day and every test that needs "today" takes it from here (or from the
# `today` fixture), never from the clock: a suite tied to the clock goes red when the month turns.
TODAY = date(2026, 11, 21)
A_YEAR_LATER = date(2027, 11, 21)


def build_demo(path, today: date):
    db = Database(path)
    demo.load(db, auth.SYSTEM, today=today)
    db.checkpoint()
    db.close()
    return path


@pytest.fixture
def today():
    return TODAY


@pytest.fixture(autouse=True)
def settings_read_afresh():
    """Settings are read once per process; each test reads the CHIBO_* its own fixtures set."""
    config.load.cache_clear()
    yield
    config.load.cache_clear()


@pytest.fixture
def fresh_db(tmp_path):
    db = Database(tmp_path / "chibo.duckdb")
    yield db
    db.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo cell is built once; each test gets its own copy of the file."""
    return build_demo(tmp_path_factory.mktemp("template") / "demo.duckdb", TODAY)


@pytest.fixture
def demo_db(tmp_path, demo_template):
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    db = Database(path)
    yield db
    db.close()


@pytest.fixture
def admin():
    return auth.SYSTEM


def actor_of(role: str, member_id: int | None = None) -> auth.Actor:
    return auth.Actor(1000 + list(auth.PERMISSIONS).index(role), f"test_{role}", role, member_id)


@pytest.fixture
def committee():
    return actor_of("chi_uy")


@pytest.fixture(scope="session")
def cell_template(tmp_path_factory, demo_template):
    """The demo cell with an administrator's account: what a backup of a cell in use holds (the demo alone
    has no account, and a file nobody can sign in to is refused by a restore)."""
    path = tmp_path_factory.mktemp("cell") / "cell.duckdb"
    shutil.copyfile(demo_template, path)
    db = Database(path)
    auth.add_user(db, auth.SYSTEM, "quantri", "mat-khau-quan-tri", "quan_tri")
    db.checkpoint()
    db.close()
    return path


@pytest.fixture
def cell_db(tmp_path, cell_template):
    path = tmp_path / "cell.duckdb"
    shutil.copyfile(cell_template, path)
    db = Database(path)
    yield db
    db.close()


@pytest.fixture
def statements(fresh_db):
    """Every statement that reaches DuckDB (a kept answer does not)."""
    seen = []
    original = fresh_db._fetch

    def counting(sql, params, fetch):
        seen.append(sql)
        return original(sql, params, fetch)
    fresh_db._fetch = counting
    return seen


def december_draft_of_hoa_and_nam(db) -> tuple[int, int, int]:
    """A small cell, two members (Hoa, Nam) and the December 2026 draft: (hoa, nam, draft id)."""
    from chibo import cell, members, plans
    cell.create(db, auth.SYSTEM, "Chi bộ Thử", "Đảng bộ Thử", "Đảng ủy Thử", "Thử", 3, "", "2025-07-01", "2027-06-30")
    hoa = members.add_member(db, auth.SYSTEM, today=date(2026, 12, 15), full_name="Lê Thị Hoa", gender="nu",
                             birth_year=1980)
    nam = members.add_member(db, auth.SYSTEM, today=date(2026, 12, 15), full_name="Phan Văn Nam", gender="nam",
                             birth_year=1985)
    return hoa, nam, plans.new_monthly_draft(db, auth.SYSTEM, date(2026, 12, 1))
