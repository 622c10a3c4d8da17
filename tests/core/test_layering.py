"""The core knows nothing of Home Assistant; the adapters only its session.

Walks the import statements of every module of `core/` (and of the adapters,
`parsers/` and `api/`) without importing them, so a forbidden import fails here
even when it sits in a function or under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent.parent / "custom_components" / "status_tracker"


def _imports(path: Path) -> list[tuple[int, str]]:
    """Return (line, absolute module) of every import in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((node.lineno, module))
    return found


def _modules(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("core"), ids=lambda p: p.name)
def test_core_imports_only_the_core_and_the_standard_library(path: Path) -> None:
    for line, module in _imports(path):
        assert not module.startswith(("homeassistant", "aiohttp", "pysignalr")), (
            f"{path.name}:{line} imports {module}"
        )
        if module.startswith("custom_components"):
            assert module.startswith("custom_components.status_tracker.core"), (
                f"{path.name}:{line} imports {module}"
            )


@pytest.mark.parametrize(
    "path", [*_modules("parsers"), *_modules("api")], ids=lambda p: p.name
)
def test_adapters_never_import_home_assistant(path: Path) -> None:
    for line, module in _imports(path):
        assert not module.startswith("homeassistant"), (
            f"{path.name}:{line} imports {module}"
        )
        if module.startswith("custom_components.status_tracker."):
            layer = module.split(".")[2]
            assert layer in ("core", "parsers", "api"), (
                f"{path.name}:{line} imports {module}"
            )


def test_the_walk_sees_relative_imports() -> None:
    """The check itself: a relative import of the glue is caught."""
    imports = {
        module: line for line, module in _imports(PACKAGE / "core" / "rules" / "arr.py")
    }
    assert "custom_components.status_tracker.core.book" in imports
