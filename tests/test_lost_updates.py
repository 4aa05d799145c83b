"""scripts/lost-updates.py: sessions saving progress on shared tasks at once lose nothing silently; the same
sessions saving without the version their form was opened on do (so the count can see a loss)."""

import importlib.util
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "lost-updates.py"


def script():
    spec = importlib.util.spec_from_file_location("lost_updates", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_sessions_saving_against_the_version_they_read_lose_no_update():
    found = script().measure("domain", 6, 8, versioned=True, seed=18)
    assert found["saves"] > 0 and found["conflicts"] > 0
    assert found["lost"] == 0


def test_the_count_sees_the_updates_lost_when_saves_ignore_the_version():
    found = script().measure("domain", 6, 8, versioned=False, seed=18)
    assert found["lost"] > 0
