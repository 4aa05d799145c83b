"""chibo's modules import one another without a cycle: each module can be read, and loaded, on its own terms."""

import ast
from pathlib import Path

CHIBO = Path(__file__).resolve().parent.parent / "chibo"


def _module_name(path: Path) -> str:
    parts = path.relative_to(CHIBO.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(tree: ast.Module):
    """Import statements run when the module loads: not those inside a function or a class body."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(node))


def _imported(node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The chibo modules one statement loads; `from chibo.docs import builders` names the submodule."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names} & known
    base = node.module or ""
    found = {f"{base}.{alias.name}" for alias in node.names} & known
    if len(found) < len(node.names) and base in known:
        found.add(base)
    return found


def import_graph() -> dict[str, set[str]]:
    files = sorted(CHIBO.glob("*.py")) + sorted(CHIBO.glob("docs/*.py"))
    known = {_module_name(path) for path in files}
    graph = {}
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = _module_name(path)
        graph[name] = {target for node in _top_level_imports(tree) for target in _imported(node, known)} - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path that ends where it starts, or None: a depth-first search for a back edge."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return path[path.index(module):] + [module]
        if module in done:
            return None
        for target in sorted(graph.get(module, ())):
            cycle = visit(target, path + [module])
            if cycle:
                return cycle
        done.add(module)
        return None

    for module in sorted(graph):
        cycle = visit(module, [])
        if cycle:
            return cycle
    return None


def test_chibo_modules_import_one_another_without_a_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_names_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_imports_of_modules_and_of_names():
    graph = import_graph()
    assert {"chibo.validate", "chibo.db", "chibo.errors"} <= graph["chibo.auth"]
    assert {"chibo.docs.builders", "chibo.docs.profile"} <= graph["chibo.docs"]


def test_permissions_imports_nothing_that_checks_or_logs():
    assert import_graph()["chibo.permissions"] <= {"chibo.labels", "chibo.errors"}
