"""The rule index of docs/regras.md: for each rule id, the modules that name it and the tests that check it.

The rule ids are the first column of the table in docs/regras.md (the one list of ids). A test checks a rule
when its name carries the id (``test_dist_04_…``, ``test_coop_11_pag_08_…``) or its docstring does
(``DIST-04``); tests are read with ``ast``, nothing is imported. A module implements a rule when its code
(services' ``chalicelib`` and ``courtlib``) names the id; the three that name it most are shown.

    python scripts/rules_index.py            # print the generated section
    python scripts/rules_index.py --write    # rewrite it in docs/regras.md
    python scripts/rules_index.py --check    # exit 1 when a rule has no test, a test names an unknown id,
                                             # or docs/regras.md is out of date
"""

from __future__ import annotations

import ast
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "regras.md"
BEGIN, END = "<!-- BEGIN rules_index -->", "<!-- END rules_index -->"
PREFIXES = ("CAL", "COOP", "PLAN", "DIST", "PAG")
_ANY_PREFIX = "|".join(PREFIXES)
_TABLE_ROW = re.compile(rf"^\|\s*((?:{_ANY_PREFIX})-\d{{2}})\s*\|", re.MULTILINE)
_IN_TEXT = re.compile(rf"\b({_ANY_PREFIX})-(\d{{2}})\b")
_IN_NAME = re.compile(rf"(?:^|_)({_ANY_PREFIX.lower()})_(\d{{2}})(?=_|$)")
SOURCE_DIRS = ("cooperacao-svc/chalicelib", "plantao-svc/chalicelib", "distribuicao-svc/chalicelib",
               "pagamentos-svc/chalicelib", "shared/src/courtlib")
MODULES_SHOWN = 3


@dataclass
class Index:
    rules: list[str]
    tests: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    modules: dict[str, list[str]] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # id → tests naming it

    @property
    def untested(self) -> list[str]:
        return [rule for rule in self.rules if not self.tests.get(rule)]


def rule_ids(doc: Path = DOC) -> list[str]:
    """The ids of the rules table, in its order (the generated section below it is not the list)."""
    return _TABLE_ROW.findall(doc.read_text(encoding="utf-8").split(BEGIN, 1)[0])


def ids_of_test(name: str, docstring: str | None) -> set[str]:
    found = {f"{prefix.upper()}-{number}" for prefix, number in _IN_NAME.findall(name)}
    found |= {f"{prefix}-{number}" for prefix, number in _IN_TEXT.findall(docstring or "")}
    return found


def _tests_in(path: Path) -> list[tuple[str, str | None]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[str, str | None]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef) and child.name.startswith("Test"):
                visit(child, f"{prefix}{child.name}::")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name.startswith("test"):
                found.append((f"{prefix}{child.name}", ast.get_docstring(child)))

    visit(tree, "")
    return found


def build(root: Path = ROOT) -> Index:
    index = Index(rules=rule_ids(root / "docs" / "regras.md"))
    known = set(index.rules)
    for path in sorted((root / "tests").rglob("test_*.py")):
        relative = path.relative_to(root).as_posix()
        for name, docstring in _tests_in(path):
            for rule in sorted(ids_of_test(name.rsplit("::", 1)[-1], docstring)):
                target = index.tests if rule in known else index.unknown
                target[rule].append(f"{relative}::{name}")
    mentions: dict[str, Counter[str]] = defaultdict(Counter)
    for directory in SOURCE_DIRS:
        for path in sorted((root / directory).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            for prefix, number in _IN_TEXT.findall(text):
                mentions[f"{prefix}-{number}"][path.relative_to(root).as_posix()] += 1
    for rule in index.rules:
        ranked = sorted(mentions[rule].items(), key=lambda item: (-item[1], item[0]))
        index.modules[rule] = [path for path, _ in ranked[:MODULES_SHOWN]]
    return index


def render(index: Index) -> str:
    lines = [BEGIN, "", "| id | modules | tests |", "|---|---|---|"]
    for rule in index.rules:
        modules = "<br>".join(f"`{m}`" for m in index.modules.get(rule, [])) or "—"
        tests = index.tests.get(rule, [])
        shown = "<br>".join(f"`{t}`" for t in tests) or "**none**"
        lines.append(f"| {rule} | {modules} | {len(tests)}: {shown} |")
    lines += ["", END]
    return "\n".join(lines)


def current_section(doc: Path = DOC) -> str:
    text = doc.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        return ""
    return text[start:end + len(END)]


def write(index: Index, doc: Path = DOC) -> None:
    text = doc.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        raise SystemExit(f"{doc}: marcadores {BEGIN} / {END} ausentes")
    doc.write_text(text[:start] + render(index) + text[end + len(END):], encoding="utf-8")


def problems(index: Index, doc: Path = DOC) -> list[str]:
    found = [f"{rule}: nenhum teste traz este id no nome ou na docstring" for rule in index.untested]
    found += [f"{rule} não está em docs/regras.md, mas é citado por {', '.join(tests)}"
              for rule, tests in sorted(index.unknown.items())]
    if current_section(doc) != render(index):
        found.append("docs/regras.md está desatualizado: rode `python scripts/rules_index.py --write`")
    return found


def main(argv: list[str]) -> int:
    index = build()
    if "--write" in argv:
        write(index)
        return 0
    if "--check" in argv:
        found = problems(index)
        for problem in found:
            sys.stderr.write(problem + "\n")
        return 1 if found else 0
    sys.stdout.write(render(index) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
