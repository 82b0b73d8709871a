"""The apps depend on each other in one direction (docs/architecture.md), and
each rule is stated once. These tests read the source, so a new import
against the direction, or a rule written again by hand, fails here with the
file and line to change."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. An app may import only apps on a lower layer; apps on the
# same layer are siblings and import neither each other.
LAYERS: list[set[str]] = [
    {"outbox"},
    {"people"},
    {"policies"},
    {"adoptions"},
    {"approvals", "acknowledgements"},
    {"reminders", "documents", "reports"},
    {"statutory"},
    {"privacy"},
    {"imports"},
    {"portal"},  # settings, urls, the daily run, the demo: may import anything
]
LAYER_OF = {app: number for number, layer in enumerate(LAYERS) for app in layer}
APPS = set(LAYER_OF)

# portal's shared base: small modules with no app knowledge that every app may
# use. They import no app themselves (tested below).
SHARED_BASE = {"portal.admin_mixins", "portal.browsers", "portal.bulk", "portal.links", "portal.spreadsheets"}


def _source_files(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.relative_to(ROOT).parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module the file names: import statements anywhere (inside
    functions too), and apps.get_model("app", ...) with a literal app."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_model"
              and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((node.lineno, node.args[0].value.split(".")[0]))
    return found


def _against_the_direction(app: str) -> list[str]:
    wrong = []
    for path in _source_files(app):
        for line, module in _imports(path):
            other = module.split(".")[0]
            if other not in APPS or other == app or module in SHARED_BASE:
                continue
            if LAYER_OF[other] >= LAYER_OF[app]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {module} ({app} may not import {other})")
    return wrong


@pytest.mark.parametrize("app", sorted(APPS - {"portal"}))
def test_an_app_imports_only_the_apps_below_it(app):
    assert _against_the_direction(app) == []


def test_every_app_is_on_a_layer():
    packages = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert packages <= APPS, f"put {sorted(packages - APPS)} on a layer here and in docs/architecture.md"


@pytest.mark.parametrize("module", sorted(SHARED_BASE))
def test_the_shared_base_imports_no_app(module):
    path = ROOT / (module.replace(".", "/") + ".py")
    named = [f"{line}: {name}" for line, name in _imports(path) if name.split(".")[0] in APPS]
    assert named == []


def test_the_check_finds_an_import_inside_a_function(tmp_path):
    path = tmp_path / "selectors.py"
    path.write_text("def f():\n    from acknowledgements.models import Obligation\n    return Obligation\n")
    assert _imports(path) == [(2, "acknowledgements.models")]


def test_the_architecture_page_names_every_app():
    page = (ROOT / "docs" / "architecture.md").read_text()
    assert [app for app in sorted(APPS) if f"`{app}`" not in page] == []


# ---- One statement per rule ---------------------------------------------------------------

def _code_files() -> list[Path]:
    return [p for app in sorted(APPS) for p in _source_files(app)]


HAS_NOT_LEFT = re.compile(r"leave_date__isnull\s*=\s*True|leave_date__gt\s*=")


def test_has_not_left_is_written_only_in_the_person_queryset():
    """Person.objects.in_post(on=) and in_post_condition(on, via=) say it."""
    home = ROOT / "people" / "models.py"
    written = [f"{p.relative_to(ROOT)}:{n}" for p in _code_files() if p != home
               for n, line in enumerate(p.read_text().splitlines(), 1) if HAS_NOT_LEFT.search(line)]
    assert written == []


# Who holds which role, or is an administrator, is decided in permissions.py;
# a view asks a named question there.
ROLE_LOGIC = re.compile(r"\bhas_role\(|\bis_superuser\b|\bis_staff\b|\bRoleAssignment\b|\bRole\.")


def _view_modules() -> list[Path]:
    return [p for p in _code_files() if p.name == "views.py" or p.name.endswith("_views.py")]


def test_views_hold_no_role_logic():
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in _view_modules()
             for n, line in enumerate(p.read_text().splitlines(), 1) if ROLE_LOGIC.search(line)]
    assert found == []


def test_no_view_looks_up_a_staff_record_to_refuse_by_hand():
    """people.selectors.require_person says "no staff record" (privacy's own
    download is a 404 and says so in its view)."""
    allowed = {ROOT / "privacy" / "views.py"}
    found = [f"{p.relative_to(ROOT)}" for p in _view_modules() if p not in allowed
             and re.search(r"person_for_user\([^)]*\)\s*\n\s*if person is None", p.read_text())]
    assert found == []
