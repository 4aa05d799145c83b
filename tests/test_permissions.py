"""Actors, the permission table and the check every writing function makes."""

import ast
from pathlib import Path

import pytest

from chibo import permissions
from chibo.errors import PermissionDenied
from chibo.labels import ROLES

ROOT = Path(__file__).resolve().parent.parent
MOVED = {"Actor", "PERMISSIONS", "SYSTEM", "require"}


def test_every_role_has_a_row_in_the_permission_table():
    assert set(permissions.PERMISSIONS) == set(ROLES)


def test_the_system_actor_may_do_everything_an_administrator_may():
    assert all(permissions.SYSTEM.can(p) for p in permissions.PERMISSIONS["quan_tri"])


@pytest.mark.parametrize("actor", [None, permissions.Actor(1, "chieu", "trinh_chieu")])
def test_require_refuses_with_the_role_in_the_sentence(actor):
    with pytest.raises(PermissionDenied, match="không được phép làm việc này"):
        permissions.require(actor, "edit_tasks")


def _uses_of_the_reexport(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"auth.{node.attr}" for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
             and node.value.id == "auth" and node.attr in MOVED]
    found += [f"from chibo.auth import {alias.name}" for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.module == "chibo.auth"
              for alias in node.names if alias.name in MOVED]
    return found


def test_the_product_imports_actors_from_permissions_not_through_auth():
    sources = [*ROOT.glob("chibo/**/*.py"), *ROOT.glob("screens/*.py"), ROOT / "app.py"]
    offenders = {str(path.relative_to(ROOT)): uses for path in sources if (uses := _uses_of_the_reexport(path))}
    assert not offenders
