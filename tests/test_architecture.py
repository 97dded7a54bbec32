"""The layers stay honest: imports follow the package order, packages form no cycle, nothing imports by name but the
app factory, templates never reach a downstream blueprint, and only the workflow engine moves a lifecycle status.

Each rule runs over the real code and, to show it bites, over a small synthetic tree with one planted violation."""
from pathlib import Path
from textwrap import dedent

import pytest

from tests.architecture_rules import (
    dynamic_imports, lifecycle_columns, lifecycle_writes, order_violations, package_cycles, template_violations,
)

REPOSITORY = Path(__file__).resolve().parent.parent
CLEAN_TREE = {
    "qa_portal/__init__.py": "from importlib import import_module\nPACKAGES = ['reviews', 'decisions']\n",
    "qa_portal/extensions.py": "db = None\n",
    "qa_portal/cli.py": "from qa_portal import create_app\nfrom qa_portal.demo import load\n",
    "qa_portal/core/__init__.py": "",
    "qa_portal/core/workflow.py": "from qa_portal.extensions import db\n"
                                  "def apply(obj, row):\n    setattr(obj, 'state', row.target)\n",
    "qa_portal/audit/__init__.py": "",
    "qa_portal/audit/services.py": "from qa_portal.core.workflow import apply\n",
    "qa_portal/auth/__init__.py": "",
    "qa_portal/auth/services.py": "from qa_portal.audit.services import record\nfrom ..core import workflow\n",
    "qa_portal/standards/__init__.py": "",
    "qa_portal/reviews/__init__.py": "",
    "qa_portal/reviews/models.py": "class Case:\n    state: Mapped[CaseState] = mapped_column(CASE_STATE)\n",
    "qa_portal/reviews/workflow.py": "from qa_portal.core.workflow import Workflow\n"
                                     "CASES = Workflow(name='case', state_attr='state', states=CaseState)\n",
    "qa_portal/reviews/views.py": "from flask import Blueprint\nbp = Blueprint('reviews', __name__)\n",
    "qa_portal/reviews/templates/reviews/case.html":
        "{% extends 'base.html' %}{% from \"reviews/_macros.html\" import meter %}"
        "{{ url_for('reviews.case') }}{{ url_for('.case') }}{{ render_contributions('case.panels', case=case) }}",
    "qa_portal/decisions/__init__.py": "",
    "qa_portal/decisions/views.py": "from flask import Blueprint\nbp = Blueprint('decisions', __name__)\n",
    "qa_portal/decisions/subscribers.py": "from qa_portal.reviews.workflow import CASES\n"
                                          "from qa_portal.core.contributions import contribute\n",
    "qa_portal/decisions/templates/decisions/_panel.html": "{{ url_for('reviews.case') }}",
    "qa_portal/home/__init__.py": "",
    "qa_portal/home/views.py": "from qa_portal.decisions import services\n",
    "qa_portal/registry/__init__.py": "",
    "qa_portal/registry/views.py": "from qa_portal.home import views\n",
    "qa_portal/demo/__init__.py": "from qa_portal.home.views import bp\ndef load(): pass\n",
    "qa_portal/templates/base.html": "{{ url_for('home.my_work') }}{% include package ~ '/_nav.html' ignore missing %}",
}


def plant(tmp_path: Path, path: str, text: str) -> Path:
    """The clean tree with one file added or replaced."""
    files = dict(CLEAN_TREE, **{path: dedent(text)})
    for name, content in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return tmp_path


@pytest.fixture
def clean_tree(tmp_path):
    return plant(tmp_path, "qa_portal/core/__init__.py", "")


def test_the_synthetic_tree_breaks_no_rule(clean_tree):
    assert order_violations(clean_tree) == []
    assert package_cycles(clean_tree) == []
    assert dynamic_imports(clean_tree) == []
    assert template_violations(clean_tree) == []
    assert lifecycle_writes(clean_tree) == []


# --- package order ----------------------------------------------------------------------------------------------
def test_every_import_in_the_portal_follows_the_package_order():
    assert order_violations(REPOSITORY) == []


@pytest.mark.parametrize("path, text, expected", [
    ("qa_portal/reviews/services.py", "def decide():\n    from qa_portal.decisions.services import decide\n",
     "qa_portal/reviews/services.py:2: reviews imports decisions (downstream"),
    ("qa_portal/reviews/services.py", "from ..decisions import services\n", "reviews imports decisions"),
    ("qa_portal/standards/services.py", "import qa_portal.pilots.models\n", "standards imports pilots"),
    ("qa_portal/core/forms.py", "from qa_portal.auth.models import User\n", "core imports auth"),
    ("qa_portal/core/forms.py", "from qa_portal.standards import models\n", "core imports standards"),
    ("qa_portal/audit/services.py", "def record():\n    from qa_portal.auth.models import User\n",
     "audit imports auth"),
    ("qa_portal/auth/services.py", "from qa_portal.standards.models import StandardVersion\n",
     "auth imports standards"),
    ("qa_portal/reviews/services.py", "from qa_portal import create_app\n", "reviews imports factory"),
    ("qa_portal/home/views.py", "from qa_portal.demo import load\n", "home imports demo"),
    ("qa_portal/reviews/services.py", "from qa_portal.cli import register_cli\n", "reviews imports cli"),
    ("qa_portal/billing/services.py", "from qa_portal.core import forms\n", "billing imports core (a package missing"),
])
def test_the_order_check_catches_a_planted_import_against_the_order(tmp_path, path, text, expected):
    problems = order_violations(plant(tmp_path, path, text))
    assert len(problems) == 1 and expected in problems[0], problems


def test_the_factory_cli_and_demo_may_import_anything(clean_tree):
    plant(clean_tree, "qa_portal/demo/scale.py", "from qa_portal.registry.views import bp\nfrom qa_portal import cli\n")
    assert order_violations(clean_tree) == []


# --- cycles -----------------------------------------------------------------------------------------------------
def test_no_two_packages_import_each_other():
    assert package_cycles(REPOSITORY) == []


def test_the_cycle_check_catches_packages_importing_each_other(tmp_path):
    """auth imports audit; a planted audit → auth import closes the loop (the order check flags it too)."""
    tree = plant(tmp_path, "qa_portal/audit/views.py", "def actor():\n    from qa_portal.auth.services import x\n")
    assert package_cycles(tree) == [["audit", "auth"]]


def test_the_cycle_check_catches_a_loop_within_one_tier(tmp_path):
    """registry and home sit in the same tier, so the order allows either direction — but not both."""
    tree = plant(tmp_path, "qa_portal/home/providers.py", "from qa_portal.registry import views\n")
    assert order_violations(tree) == []
    assert package_cycles(tree) == [["home", "registry"]]


# --- imports by name ----------------------------------------------------------------------------------------------
def test_only_the_app_factory_imports_modules_by_name():
    assert dynamic_imports(REPOSITORY) == []


def test_grep_for_import_module_finds_only_the_app_factory():
    """`grep -rn import_module qa_portal` names no file but qa_portal/__init__.py."""
    mentions = sorted(path.relative_to(REPOSITORY).as_posix() for path in (REPOSITORY / "qa_portal").rglob("*")
                      if path.is_file() and "__pycache__" not in path.parts and b"import_module" in path.read_bytes())
    assert mentions == ["qa_portal/__init__.py"]


@pytest.mark.parametrize("text, expected", [
    ("from importlib import import_module\nrule = import_module('qa_portal.decisions.rules')\n", "import_module"),
    ("import importlib\nrule = importlib.import_module('qa_portal.decisions.rules')\n", "import_module"),
    ("rules = __import__('qa_portal.decisions.rules')\n", "__import__"),
    ("# later_stage = 'import_module(qa_portal.decisions)'\n", "mentions import_module"),
])
def test_the_by_name_check_catches_a_planted_dynamic_import(tmp_path, text, expected):
    problems = dynamic_imports(plant(tmp_path, "qa_portal/reviews/workflow.py", text))
    assert problems and all(problem.startswith("qa_portal/reviews/workflow.py") for problem in problems)
    assert expected in problems[0]


# --- templates --------------------------------------------------------------------------------------------------
def test_no_template_reaches_a_downstream_package():
    assert template_violations(REPOSITORY) == []


@pytest.mark.parametrize("text, expected", [
    ("<a href=\"{{ url_for('decisions.confirm_publication', case_id=1) }}\">", "decisions.confirm_publication"),
    ('{% include "decisions/_catalogue_decision.html" %}', "decisions/_catalogue_decision.html"),
    ("{%- include ['decisions/_a.html', 'reviews/_b.html'] ignore missing -%}", "decisions/_a.html"),
    ('{% from "decisions/_macros.html" import outcome_tag %}', "decisions/_macros.html"),
    ('{% import "home/_cards.html" as cards %}', "home/_cards.html"),
    ('{% extends "decisions/base.html" %}', "decisions/base.html"),
])
def test_the_template_check_catches_a_planted_downstream_link(tmp_path, text, expected):
    problems = template_violations(plant(tmp_path, "qa_portal/reviews/templates/reviews/case.html", text))
    assert len(problems) == 1 and expected in problems[0] and "downstream of reviews" in problems[0], problems


# --- lifecycle status columns -------------------------------------------------------------------------------------
def test_every_lifecycle_status_column_is_known():
    """Each Workflow's status column, found from the code: the ten state machines of the portal."""
    assert lifecycle_columns(REPOSITORY) == {
        ("StandardVersion", "status"), ("Call", "status"), ("SpecificationVersion", "status"),
        ("Application", "status"), ("Case", "state"), ("PanelMember", "status"), ("PanelObjection", "ruling"),
        ("PanelReport", "status"), ("Appeal", "status"), ("Complaint", "status"),
    }


def test_only_the_workflow_engine_assigns_a_lifecycle_status():
    assert lifecycle_writes(REPOSITORY) == []


@pytest.mark.parametrize("text", [
    "def reopen(case):\n    case.state = CaseState.SER_IN_PREPARATION\n",
    "def reopen(case, other):\n    case.state, other.note = 'open', ''\n",
    "def reopen(case):\n    setattr(case, 'state', 'open')\n",
    "def reopen():\n    db.session.execute(update(Case).values(state='open'))\n",
])
def test_the_engine_check_catches_a_planted_status_write(tmp_path, text):
    problems = lifecycle_writes(plant(tmp_path, "qa_portal/decisions/services.py", text))
    assert len(problems) == 1 and problems[0].startswith("qa_portal/decisions/services.py:"), problems
