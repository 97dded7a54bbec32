"""The layering rules of qa_portal/, read from the code itself (used by tests/test_architecture.py).

Every function here takes the root of a source tree (the folder that holds `qa_portal/`), so the tests can run
the same rules over the real code and over a small synthetic tree with one planted violation.

The order, upstream first: core/auth/audit → standards → pilots → reviews → decisions →
registry/credentials/notifications/monitoring/home. A package may import its own tier and the tiers upstream of
it, never downstream. Within the first tier: core imports no other package, audit only core, auth only core and
audit. The app factory (`qa_portal/__init__.py`), `qa_portal/cli.py` and `qa_portal/demo/` may import anything;
nothing else may import them. `qa_portal/extensions.py` counts as core.
"""
import ast
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = "qa_portal"
TIERS = [
    {"core", "auth", "audit"},
    {"standards"},
    {"pilots"},
    {"reviews"},
    {"decisions"},
    {"registry", "credentials", "notifications", "monitoring", "home"},
]
FACTORY = "factory"  # qa_portal/__init__.py
FREE = {FACTORY, "cli", "demo"}  # may import anything
ONLY_FROM = {"core": {"core"}, "audit": {"core", "audit"}, "auth": {"core", "audit", "auth"}}
CORE_MODULES = {"extensions"}  # top-level modules that count as core

ENGINE_MODULES = {f"{ROOT}/core/workflow.py"}  # the only code that may assign a lifecycle column
# Other objects whose attribute happens to share a lifecycle column's name (path, assigned expression).
NOT_LIFECYCLE = {
    (f"{ROOT}/standards/services/comparison.py", "diff.status"),  # a row of a comparison, not a model
    (f"{ROOT}/registry/services/errors.py", "self.status"),  # an API error's HTTP status
    (f"{ROOT}/credentials/services/deqar_push.py", "push.state"),  # the outcome of the last push, not a lifecycle
    (f"{ROOT}/notifications/services/sender.py", "message.status"),  # an outbox message's delivery state
    (f"{ROOT}/notifications/services/digest.py", "message.status"),  # a held message joining the daily digest
    (f"{ROOT}/demo/notifications.py", "sample[0].status"),  # the demo outbox's example of a sent message
}
# Bulk seeders of the benchmarks (`flask demo scale --cases N`) write 100,000 cases' states in one UPDATE a batch, as
# fixtures: nothing a user does runs them.
BULK_SEEDERS = {f"{ROOT}/demo/scale_cases.py"}


@dataclass(frozen=True)
class Import:
    """One import in the code: which module, where, and which package it reaches."""

    path: str
    line: int
    source: str  # the importing package
    target: str  # the imported package

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} imports {self.target}"


def tier_of(package: str) -> int | None:
    """The tier of a package in the order (0 upstream), None for the factory, cli, demo and unknown names."""
    for index, tier in enumerate(TIERS):
        if package in tier:
            return index
    return None


def python_files(root: Path):
    """Every .py file under root/qa_portal, as (path relative to root, parsed tree)."""
    for path in sorted((root / ROOT).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        yield relative, ast.parse(path.read_text(encoding="utf-8"), filename=relative)


def package_of_path(relative: str) -> str:
    """The package a file belongs to: qa_portal/<package>/…; qa_portal/__init__.py is the factory."""
    parts = relative.removesuffix(".py").split("/")
    if parts == [ROOT, "__init__"]:
        return FACTORY
    name = parts[1]
    return "core" if name in CORE_MODULES else name


def package_of_module(dotted: str) -> str | None:
    """The package a dotted module name reaches (None outside qa_portal); `qa_portal` alone is the factory."""
    parts = dotted.split(".")
    if parts[0] != ROOT:
        return None
    if len(parts) == 1:
        return FACTORY
    if parts[1] in CORE_MODULES:
        return "core"
    return parts[1]


def _module_name(relative: str) -> list[str]:
    """A file's dotted module name as parts (a package's __init__.py is the package itself)."""
    parts = relative.removesuffix(".py").split("/")
    return parts[:-1] if parts[-1] == "__init__" else parts


def imports(root: Path) -> list[Import]:
    """Every import between packages of qa_portal, module-level and inside functions alike."""
    packages = {path.name for path in (root / ROOT).iterdir() if path.is_dir() and (path / "__init__.py").exists()}
    found = []
    for relative, tree in python_files(root):
        source = package_of_path(relative)
        module = _module_name(relative)
        is_package = relative.endswith("__init__.py")
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative: resolve against this module's package
                    base = module if is_package else module[:-1]
                    base = base[: len(base) - (node.level - 1)]
                    dotted = ".".join(base + ([node.module] if node.module else []))
                else:
                    dotted = node.module or ""
                if dotted == ROOT:  # from qa_portal import reviews / create_app
                    targets = [f"{ROOT}.{alias.name}" if alias.name in packages else ROOT for alias in node.names]
                else:
                    targets = [dotted]
            for dotted in targets:
                target = package_of_module(dotted)
                if target is not None and target != source:
                    found.append(Import(relative, node.lineno, source, target))
    return found


def order_violations(root: Path) -> list[str]:
    """Imports against the package order (downstream → upstream only; the first tier's own rules)."""
    problems = []
    for item in imports(root):
        if item.source in FREE:
            continue
        if item.target in FREE:
            problems.append(f"{item} (only the factory, cli and demo import it)")
            continue
        if item.source in ONLY_FROM:
            if item.target not in ONLY_FROM[item.source]:
                problems.append(f"{item} ({item.source} may import only {', '.join(sorted(ONLY_FROM[item.source]))})")
            continue
        source_tier, target_tier = tier_of(item.source), tier_of(item.target)
        if source_tier is None or target_tier is None:
            problems.append(f"{item} (a package missing from the order in tests/architecture_rules.py)")
        elif target_tier > source_tier:
            problems.append(f"{item} (downstream: {item.target} comes after {item.source})")
    return problems


def package_cycles(root: Path) -> list[list[str]]:
    """Groups of packages that import each other, directly or round a loop (strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for item in imports(root):
        graph.setdefault(item.source, set()).add(item.target)
        graph.setdefault(item.target, set())
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for neighbour in sorted(graph[node]):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in on_stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def dynamic_imports(root: Path) -> list[str]:
    """Uses of import_module or __import__ outside the app factory (imports by name hide dependencies)."""
    problems = []
    for relative, tree in python_files(root):
        if package_of_path(relative) == FACTORY:
            continue
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.ImportFrom):
                names = [alias.name for alias in node.names]
            for name in names:
                if name in {"import_module", "__import__"}:
                    problems.append(f"{relative}:{node.lineno}: {name}")
        text = (root / relative).read_text(encoding="utf-8")
        if "import_module" in text and not any(relative in problem for problem in problems):
            problems.append(f"{relative}: mentions import_module")
    return problems


def lifecycle_columns(root: Path) -> set[tuple[str, str]]:
    """Every lifecycle status column as (model, column): a column annotated with the `states` enum of a
    Workflow(...) on the attribute named by its `state_attr`."""
    machines, trees = set(), list(python_files(root))
    for _relative, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Workflow":
                keywords = {keyword.arg: keyword.value for keyword in node.keywords}
                if isinstance(keywords.get("state_attr"), ast.Constant) and isinstance(keywords.get("states"), ast.Name):
                    machines.add((keywords["state_attr"].value, keywords["states"].id))
    columns = set()
    for _relative, tree in trees:
        for model in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
            for statement in model.body:
                if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
                    names = {element.id for element in ast.walk(statement.annotation) if isinstance(element, ast.Name)}
                    if any(statement.target.id == attr and enum in names for attr, enum in machines):
                        columns.add((model.name, statement.target.id))
    return columns


def lifecycle_writes(root: Path) -> list[str]:
    """Assignments of a lifecycle status column outside the engine: obj.status = …, setattr(obj, "status", …),
    update(…).values(status=…). Objects whose attribute only shares the name are listed in NOT_LIFECYCLE."""
    attrs = {attr for _model, attr in lifecycle_columns(root)}
    problems = []
    for relative, tree in python_files(root):
        if relative in ENGINE_MODULES | BULK_SEEDERS:
            continue
        for node in ast.walk(tree):
            written = []
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for element in ast.walk(target):
                        if isinstance(element, ast.Attribute) and element.attr in attrs:
                            written.append(ast.unparse(element))
            elif isinstance(node, ast.Call):
                function = node.func
                name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
                if name == "setattr" and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) \
                        and node.args[1].value in attrs:
                    written.append(ast.unparse(node))
                if name == "values" and any(keyword.arg in attrs for keyword in node.keywords):
                    written.append(ast.unparse(node))
            for expression in written:
                if (relative, expression) not in NOT_LIFECYCLE:
                    problems.append(f"{relative}:{node.lineno}: {expression} assigned outside the workflow engine")
    return problems


# --- templates ------------------------------------------------------------------------------------------------
URL_FOR = re.compile(r"""url_for\(\s*['"]([A-Za-z_][\w.]*)['"]""")
TEMPLATE_TAG = re.compile(r"""\{%-?\s*(?:include|extends|import|from)\s+(.*?)-?%\}""", re.S)
QUOTED = re.compile(r"""['"]([^'"]+)['"]""")
BLUEPRINT = re.compile(r"""Blueprint\(\s*['"](\w+)['"]""")


def blueprint_packages(root: Path) -> dict[str, str]:
    """Each blueprint's name → the package that defines it."""
    owners = {}
    for relative, _tree in python_files(root):
        for name in BLUEPRINT.findall((root / relative).read_text(encoding="utf-8")):
            owners[name] = package_of_path(relative)
    return owners


def template_folders(root: Path) -> dict[str, str]:
    """Each template folder (qa_portal/<package>/templates/<folder>/) → its package."""
    return {folder.name: folder.parent.parent.name
            for folder in sorted((root / ROOT).glob("*/templates/*")) if folder.is_dir()}


def template_violations(root: Path) -> list[str]:
    """Templates that reach a downstream package: url_for of its blueprint, or include/extends/import of its
    templates. The app's shell (qa_portal/templates/: base.html, _forms.html) belongs to the factory."""
    blueprints, folders = blueprint_packages(root), template_folders(root)
    problems = []
    for path in sorted((root / ROOT).glob("*/templates/**/*.html")):
        relative = path.relative_to(root).as_posix()
        source = relative.split("/")[1]
        text = path.read_text(encoding="utf-8")
        reached = [(endpoint, blueprints.get(endpoint.split(".")[0])) for endpoint in URL_FOR.findall(text)
                   if not endpoint.startswith(".")]
        for tag in TEMPLATE_TAG.findall(text):
            arguments = re.split(r"\s(?:import|ignore|with|without|as)\s", " " + tag + " ")[0]
            reached += [(name, _template_package(root, folders, name)) for name in QUOTED.findall(arguments)
                        if "/" in name]
        for name, target in reached:
            if target is None or target == source:
                continue
            if _reaches_downstream(source, target):
                problems.append(f"{relative}: {name} belongs to {target}, downstream of {source}")
    return problems


def _template_package(root: Path, folders: dict[str, str], name: str) -> str | None:
    """The package a template path belongs to: its folder's package, or the package of that name."""
    folder = name.split("/")[0]
    return folders.get(folder, folder if (root / ROOT / folder / "__init__.py").exists() else None)


def _reaches_downstream(source: str, target: str) -> bool:
    """Whether a template of `source` may not reach `target` (the import order, applied to templates)."""
    if source in FREE:
        return False
    if source in ONLY_FROM:
        return target not in ONLY_FROM[source]
    source_tier, target_tier = tier_of(source), tier_of(target)
    return source_tier is None or target_tier is None or target_tier > source_tier
