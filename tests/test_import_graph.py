"""The import graph runs one way: files → documents → rules → filters → the run →
reporters → commands, with the data types below everything that uses them. Every
import counts, the ones inside functions too; a new module must be given a layer here."""

from __future__ import annotations

import ast
import os

import textsieve
import textsieve.rules

# Lowest first. A module may import its own layer (without a cycle) and the ones below.
LAYERS = [
    ("base", {"textsieve", "textsieve.findings", "textsieve.sentences", "textsieve.progress", "textsieve.patterns",
              "textsieve._speedups", "textsieve.version"}),
    ("files", {"textsieve.source", "textsieve.discovery", "textsieve.inputs"}),
    ("documents", {"textsieve.segments", "textsieve.markup", "textsieve.markup.*", "textsieve.document"}),
    ("cache", {"textsieve.cache"}),
    ("rules", {"textsieve.rule", "textsieve.declared", "textsieve.testing", "textsieve.config", "textsieve.rules",
               "textsieve.rules.*"}),
    ("filters", {"textsieve.suppressions", "textsieve.baseline", "textsieve.fixes"}),
    ("run", {"textsieve.runner", "textsieve.engine_dask"}),
    ("reporters", {"textsieve.reporters", "textsieve.report_html"}),
    ("commands", {"textsieve.check", "textsieve.lsp", "textsieve.cli", "textsieve.console",
                  "textsieve.__main__"}),
]


def layer_of(module: str) -> int:
    for index, (_, members) in enumerate(LAYERS):
        if module in members or any(m.endswith(".*") and module.startswith(m[:-1]) for m in members):
            return index
    raise AssertionError(f"{module} has no layer in tests/test_import_graph.py: give it one")


def modules() -> dict[str, str]:
    found = {}
    for package, folder in (("textsieve", os.path.dirname(textsieve.__file__)),
                            ("textsieve.rules", os.path.dirname(textsieve.rules.__file__))):
        for directory, _, names in os.walk(folder):
            for name in names:
                if not name.endswith(".py"):
                    continue
                relative = os.path.relpath(os.path.join(directory, name), folder)[:-3].replace(os.sep, ".")
                dotted = package if relative == "__init__" else \
                    f"{package}.{relative.removesuffix('.__init__')}"
                found[dotted] = os.path.join(directory, name)
    return found


def imports(path: str, known: set[str]) -> set[str]:
    """The textsieve modules a file imports, at the top or inside a function."""
    out = set()
    for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                node.module.split(".")[0] == "textsieve":
            named = {f"{node.module}.{a.name}" for a in node.names} & (known | {"textsieve._speedups"})
            out |= named or {node.module}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "textsieve"}
    return out


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports(path, set(found)) - {name} for name, path in found.items()}


def test_the_package_has_the_modules_this_test_reads():
    found = modules()
    assert {"textsieve.document", "textsieve.markup", "textsieve.rules.duplicates",
            "textsieve.rules.encoding.mojibake"} <= set(found)


def upward_edges(edges: dict[str, set[str]]) -> list[str]:
    return [f"{a} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
            for a, targets in sorted(edges.items()) for b in sorted(targets) if layer_of(b) > layer_of(a)]


def cycles_in(edges: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    return cycles


def test_no_module_imports_one_above_it():
    assert upward_edges(graph()) == []


def test_the_import_graph_has_no_cycle():
    assert cycles_in(graph()) == []


def test_the_checks_find_what_they_look_for():
    # The shape of the graph before segments.py: source took SourceInfo from document,
    # and document and markup imported each other.
    before = {"textsieve.source": {"textsieve.document"},
              "textsieve.document": {"textsieve.markup", "textsieve.findings"},
              "textsieve.markup": {"textsieve.document"}, "textsieve.findings": set()}
    assert upward_edges(before) == ["textsieve.source (files) imports textsieve.document (documents)"]
    assert cycles_in(before) == ["textsieve.document -> textsieve.markup -> textsieve.document"]
