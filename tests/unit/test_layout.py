"""The package layout stays readable: small modules, each saying first what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

import leadbadge

PACKAGE = Path(leadbadge.__file__).parent
#: The most lines a module may have; past it a module is doing more than one job.
MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)


def test_the_package_has_modules_to_check() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in _modules()}
    assert {"verifier/verify.py", "ld/rdfc10.py", "issuer/issue.py"} <= names


def test_no_module_is_longer_than_the_limit() -> None:
    long = {
        p.relative_to(PACKAGE).as_posix(): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_every_module_opens_with_a_line_saying_what_it_is_for() -> None:
    missing = []
    for path in _modules():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if not doc or not doc.splitlines()[0].strip():
            missing.append(path.relative_to(PACKAGE).as_posix())
    assert missing == []
