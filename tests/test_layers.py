"""The import layers: the gate imports no domain, lower layers never import higher ones, no
modules import each other in a cycle, and no packages do (through their services; routes,
commands and demo steps sit on top and may use any package).

Imports are read from the source (the AST), so an import written inside a function counts
as much as one at the top of the module: hiding an import in a function hides nothing here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A module may import its own layer and the layers below it. Packages not named
# here are domains (consent, cases, panels, referrals, feeds, linkage, analytics ...).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"settings", "store", "errors", "paging"}),
    frozenset({"register"}),
    frozenset({"keys"}),
    frozenset({"people"}),
    frozenset({"gate"}),
    # Accounts turn signed-in users and tokens into the gate's Actor (gate.types).
    frozenset({"accounts"}),
)
DOMAIN_LAYER = len(LAYERS)
INTERFACE_LAYER = DOMAIN_LAYER + 1
# Whole packages and top-level modules that only serve people and programs (HTTP, terminal,
# demo); and, inside any package, the modules that do the same for that package (also
# `cli_*`, `*_cli`, `*_api`, `pages_*` and `*_pages`).
INTERFACE_PACKAGES = frozenset({"app", "cli", "web", "demo", "deps", "console", "domains"})
INTERFACE_MODULES = frozenset(
    {"api", "cli", "pages", "demo", "http", "asgi", "public", "deps", "csrf", "manifest"}
)
# The table metadata gathers every package's models for migrations and test databases.
AGGREGATORS = frozenset({"accord.store.metadata", "accord.store.migrate"})

# Known imports that break the layering, each with its reason. Nothing may be added here
# for the gate: it is given its facts (gate.facts) and resolvers (gate.targets) instead.
ALLOWED_UPWARD: Mapping[tuple[str, str], str] = {
    ("accord.register.references", "accord.gate.catalogue"): (
        "register validation checks role permissions against the gate's permission catalogue"
    ),
}
ALLOWED_CYCLES: Mapping[frozenset[str], str] = {
    frozenset({"accord.keys.keystore", "accord.keys.erasures"}): (
        "the keystore replays its erasure log, which writes through the keystore"
    ),
}


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(tree: ast.AST, modules: Iterable[str]) -> set[str]:
    """Every accord module this source imports, at any depth (functions included)."""
    known = set(modules)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from accord.gate import facts` imports the module accord.gate.facts
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def import_graph(root: Path = SRC) -> dict[str, set[str]]:
    paths = {
        module_name(path, root): path
        for path in (root / "accord").rglob("*.py")
        if "migrations" not in path.parts
    }
    return {
        name: imports_of(ast.parse(path.read_text(encoding="utf-8")), paths) - {name}
        for name, path in paths.items()
    }


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def layer_of(module: str) -> int:
    package, leaf = package_of(module), module.rsplit(".", 1)[-1]
    if module == "accord":  # the root package holds nothing but its docstring
        return 0
    if package in INTERFACE_PACKAGES or module in AGGREGATORS:
        return INTERFACE_LAYER
    if leaf in INTERFACE_MODULES or leaf.startswith(("cli_", "pages_")):
        return INTERFACE_LAYER
    if leaf.endswith(("_cli", "_api", "_pages")):
        return INTERFACE_LAYER
    for rank, layer in enumerate(LAYERS):
        if package in layer:
            return rank
    return DOMAIN_LAYER


def gate_to_domain(graph: Mapping[str, set[str]]) -> list[str]:
    """Imports from any gate module (its routes and commands too) of a domain module."""
    return sorted(
        f"{module} imports {imported}"
        for module, imported_modules in graph.items()
        if package_of(module) == "gate"
        for imported in imported_modules
        if package_of(imported) not in {"gate", "accounts"}
        and layer_of(imported) >= DOMAIN_LAYER
        and package_of(imported) not in INTERFACE_PACKAGES
    )


def upward(graph: Mapping[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imported_modules in graph.items()
        for imported in imported_modules
        if layer_of(imported) > layer_of(module) and (module, imported) not in ALLOWED_UPWARD
    )


def cycles(graph: Mapping[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


def package_graph(graph: Mapping[str, set[str]]) -> dict[str, set[str]]:
    """Which package imports which, through the modules below the interface layer (a
    package's routes, commands and demo steps may use any package's services)."""
    packages: dict[str, set[str]] = {}
    for module, imported_modules in graph.items():
        if layer_of(module) == INTERFACE_LAYER:
            continue
        for imported in imported_modules:
            if layer_of(imported) == INTERFACE_LAYER or (module, imported) in ALLOWED_UPWARD:
                continue
            if package_of(imported) not in ("", package_of(module)):
                packages.setdefault(package_of(module), set()).add(package_of(imported))
    return packages


def write_tree(root: Path, sources: Mapping[str, str]) -> None:
    for module, source in sources.items():
        path = root.joinpath(*module.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        for package in [path.parent, *path.parent.parents]:
            if package == root:
                break
            (package / "__init__.py").touch()
        path.write_text(source, encoding="utf-8")


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph()


def test_the_gate_imports_no_domain(graph: dict[str, set[str]]) -> None:
    assert gate_to_domain(graph) == []


def test_no_layer_imports_a_higher_one(graph: dict[str, set[str]]) -> None:
    assert upward(graph) == []


def test_no_modules_import_each_other_in_a_cycle(graph: dict[str, set[str]]) -> None:
    assert [sorted(c) for c in cycles(graph) if c not in ALLOWED_CYCLES] == []


def test_no_packages_import_each_other_in_a_cycle(graph: dict[str, set[str]]) -> None:
    assert [sorted(c) for c in cycles(package_graph(graph))] == []


def test_a_gate_import_of_a_domain_inside_a_function_is_caught(tmp_path: Path) -> None:
    """The cycle the gate once hid: a function-level import of the consent ledger."""
    write_tree(
        tmp_path,
        {
            "accord.gate.service": (
                "def lookup():\n"
                "    try:\n"
                "        from accord.consent.ledger import current_state\n"
                "    except ImportError:\n"
                "        return None\n"
                "    return current_state\n"
            ),
            "accord.gate.types": "",
            "accord.consent.ledger": "from accord.gate.service import lookup\n",
        },
    )
    graph = import_graph(tmp_path)
    assert gate_to_domain(graph) == ["accord.gate.service imports accord.consent.ledger"]
    assert upward(graph) == ["accord.gate.service imports accord.consent.ledger"]
    assert cycles(graph) == [frozenset({"accord.gate.service", "accord.consent.ledger"})]


def test_two_domains_importing_each_other_are_caught(tmp_path: Path) -> None:
    """Modules need not form a cycle for their packages to: each domain must sit on one side."""
    write_tree(
        tmp_path,
        {
            "accord.consent.extract": "from accord.disclosures.service import log\n",
            "accord.disclosures.service": "from accord.consent.access import record\n",
            "accord.consent.access": "",
            "accord.consent.api": "from accord.disclosures.service import log\n",
        },
    )
    graph = import_graph(tmp_path)
    assert cycles(graph) == []
    assert cycles(package_graph(graph)) == [frozenset({"consent", "disclosures"})]


def test_imports_within_layers_and_downward_pass(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "accord.gate.facts": "import accord.gate.types\n",
            "accord.gate.types": "from accord.store import base\n",
            "accord.store.base": "",
            "accord.cases.facts": "from accord.gate import facts\nfrom accord.consent import x\n",
            "accord.consent.x": "",
            "accord.gate.api": "from accord.accounts.deps import current_actor\n",
            "accord.accounts.deps": "",
        },
    )
    graph = import_graph(tmp_path)
    assert {"accord.gate.facts", "accord.consent.x"} <= graph["accord.cases.facts"]
    assert gate_to_domain(graph) == []
    assert upward(graph) == []
    assert cycles(graph) == []
