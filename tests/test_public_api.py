"""The public facade: `rulesim.__all__` is sorted and lists exactly the public names."""

from __future__ import annotations

import types

import rulesim


def _public_names() -> set[str]:
    # Submodules offered as namespaces (rs.widgets, rs.strategies) are public on purpose;
    # rs.strategies loads lazily (it needs hypothesis), so touch it first.
    namespaces = {"widgets", "strategies"}
    assert rulesim.strategies is not None
    return {
        name for name, value in vars(rulesim).items()
        if not name.startswith("_") and name != "annotations"
        and (not isinstance(value, types.ModuleType) or name in namespaces)
    }


def test_all_is_sorted() -> None:
    assert rulesim.__all__ == sorted(rulesim.__all__)


def test_all_lists_exactly_the_public_names() -> None:
    assert set(rulesim.__all__) == _public_names()


def test_every_public_object_has_a_docstring() -> None:
    missing = [n for n in rulesim.__all__
               if not isinstance(getattr(rulesim, n), (dict, str))
               and not (getattr(rulesim, n).__doc__ or "").strip()]
    assert missing == []


def test_importing_rulesim_needs_no_test_or_notebook_extra() -> None:
    import subprocess
    import sys

    code = ("import sys\n"
            "class Block:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name.split('.')[0] in ('hypothesis', 'tree_sitter', 'jupyterlab',\n"
            "                                  'distributed', 'pytest'):\n"
            "            raise ImportError(name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "import rulesim, rulesim.cli\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr


def test_the_template_gallery_is_public() -> None:
    assert {"Template", "templates", "new_rule", "new_action"} <= set(rulesim.__all__)
    assert isinstance(rulesim.new_rule("empty"), rulesim.Rule)
    assert isinstance(rulesim.new_action("empty"), rulesim.Action)
    assert all(isinstance(t, rulesim.Template) for t in rulesim.templates())


def test_the_migration_proof_is_public() -> None:
    # issue 16: labelled Rules -> Actions differences, the stage-by-stage plan, the drafts
    for name in ("DIFF_CODES", "REGRESSION_KINDS", "MigrationPlan", "MigrationStage",
                 "PlanResult", "migration_plan", "migration_report", "Draft", "DraftTodo",
                 "draft_actions"):
        assert name in rulesim.__all__, name
    assert set(rulesim.DIFF_CODES) >= {"DIFF-ERRCODE", "DIFF-META-TIMING", "DIFF-VISIBILITY"}
    assert "outcome" in rulesim.REGRESSION_KINDS
