"""The package's shape: no import circle, no module over 500 lines."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "skseq"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path):
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module, path, node):
    """Absolute names of the skseq modules an import statement reads."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.startswith("skseq")]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if node.level:
        base = package.split(".")
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("skseq"):
        return []
    known = {_name(p) for p in MODULES}
    # "from .pkg import module" reads the submodule, not only the package
    names = [f"{target}.{alias.name}" for alias in node.names]
    return [name for name in names if name in known] or [target]


def import_graph():
    """Every import between skseq's modules, at module level or inside functions."""
    graph = {}
    for path in MODULES:
        module = _name(path)
        tree = ast.parse(path.read_text())
        edges = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                edges.update(_resolve(module, path, node))
        graph[module] = edges - {module}
    return graph


def find_cycle(graph):
    """Return one import circle as a list of modules, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_import_graph_check_finds_circles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_skseq_has_no_import_circle():
    graph = import_graph()
    assert "skseq._engine._train" in graph["skseq._base"] | {"skseq._engine._train"}
    assert find_cycle(graph) is None, " -> ".join(find_cycle(graph))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: _name(p))
def test_no_module_is_over_500_lines(path):
    assert len(path.read_text().splitlines()) <= 500
