"""The README's "What is where" names every module and package there is, so a newcomer finds
their room; a module added without a line there fails here."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "feedback_analytics"


def what_is_where() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What is where", 1)[1]
    return section.split("\n## ", 1)[0]


def modules() -> list[str]:
    """Return the package's modules and folders, and the modules of metrics/ and ui/."""
    names = [
        path.name + ("/" if path.is_dir() else "")
        for path in PACKAGE.iterdir()
        if path.name != "__init__.py"
        and not path.name.startswith((".", "__pycache__"))
        and (path.suffix == ".py" or path.is_dir())
    ]
    for folder in ("metrics", "ui"):
        names += [p.name for p in (PACKAGE / folder).glob("*.py") if p.name != "__init__.py"]
    return sorted(names)


@pytest.mark.parametrize("name", modules())
def test_what_is_where_names_the_module(name: str) -> None:
    assert name in what_is_where()
