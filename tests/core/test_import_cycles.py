"""No import cycle between any two fundclient modules (issue #16, "layers that hold").

A cycle hidden by an import inside a function still binds the two modules to each other (and
fails the day someone moves the import up), so every import statement counts — module level,
in a function, in a try block. Only imports under `if TYPE_CHECKING:` are left out: they never
run (annotations). The layers between packages are import-linter's contract in pyproject.toml;
this test covers what it cannot: two modules of the same package importing each other.
"""

from __future__ import annotations


import grimp



def cycles(package: str) -> list[list[str]]:
    """Every strongly connected set of two or more modules (or one importing itself), sorted."""
    graph = grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    # Tarjan's algorithm, iterative (the graph has hundreds of modules).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in edges.get(node, ()):
                    found.append(sorted(group))
    return sorted(found)


def describe(package: str, group: list[str]) -> str:
    graph = grimp.build_graph(package, cache_dir=None, exclude_type_checking_imports=True)
    members = set(group)
    lines = []
    for importer in group:
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & members):
            for detail in graph.get_import_details(importer=importer, imported=imported):
                lines.append(f"  {importer}:{detail['line_number']} imports {imported}")
    return "\n".join(lines)


def test_no_import_cycle_between_fundclient_modules():
    found = cycles("fundclient")
    assert not found, "import cycles:\n" + "\n\n".join(describe("fundclient", group) for group in found)


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path, monkeypatch):
    """The rule sees the hidden kind of cycle the services had (an import inside a function)."""
    package = tmp_path / "cyclepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclepkg.b import g\n\ndef f():\n    return g()\n")
    (package / "b.py").write_text("def g():\n    from cyclepkg.a import f  # hidden in a function\n    return f\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                                  "    from cyclepkg.a import f\n")
    (package / "d.py").write_text("import cyclepkg.c\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cycles("cyclepkg") == [["cyclepkg.a", "cyclepkg.b"]]
