"""The benchmark's data generator makes a cell the product can read (CI runs the whole bench at scale 1)."""

from chibo import bench, documents, months, tasks
from tests.conftest import TODAY


def test_the_generated_cell_has_this_months_resolution_and_tasks_the_vocabulary_reads(fresh_db):
    bench.generate(fresh_db, 1, TODAY)
    resolution = documents.monthly_resolution(fresh_db, months.month_start(TODAY))
    assert resolution is not None
    counts = tasks.status_counts(fresh_db, TODAY)
    assert sum(counts.values()) == fresh_db.scalar("SELECT count(*) FROM tasks") > 1000
