"""The package's import graph: no module imports itself back through others.

The graph is the one import-linter checks (imports made only for type checking left out).
A cycle is a set of modules that all reach one another (a strongly connected component of more
than one module); each one found is printed with its modules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import grimp

GRAPH = grimp.build_graph("leadbadge", exclude_type_checking_imports=True)


def _cycles(modules: Iterable[str], imports: Callable[[str], set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(modules):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(imports(root))))]
        while work:
            node, successors = work[-1]
            for nxt in successors:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(imports(nxt)))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _report(cycles: list[list[str]]) -> str:
    return "\n".join(" <-> ".join(cycle) for cycle in cycles)


def test_cycle_finder_finds_a_cycle_and_only_cycles() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert _cycles(edges, lambda m: edges[m]) == [["a", "b", "c"]]
    assert _cycles({"x": set(), "y": {"x"}}, lambda m: {"y": {"x"}}.get(m, set())) == []


def test_no_module_of_leadbadge_is_in_an_import_cycle() -> None:
    cycles = _cycles(GRAPH.modules, GRAPH.find_modules_directly_imported_by)
    print(_report(cycles))
    assert cycles == [], f"import cycles:\n{_report(cycles)}"


def test_the_checks_do_not_import_the_verifier_that_runs_them() -> None:
    # The checks are pure functions of a context; the orchestrator and what builds on it
    # (pathways) sit above them.
    for above in ("leadbadge.verifier.verify", "leadbadge.verifier.pathway"):
        chains = GRAPH.find_shortest_chains(
            importer="leadbadge.verifier.checks", imported=above, as_packages=True
        )
        assert chains == set(), [" -> ".join(chain) for chain in chains]
    chain = GRAPH.find_shortest_chain(
        importer="leadbadge.verifier.verify", imported="leadbadge.verifier.pathway"
    )
    # Only Verifier.verify_pathway's own (function-level) import, which grimp counts.
    assert chain == ("leadbadge.verifier.verify", "leadbadge.verifier.pathway")
