"""docs/regras.md against the tests: every rule id has a test, every id a test names is a rule, and the
generated modules-and-tests section is what scripts/rules_index.py makes of the current tree."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _index_module():
    spec = importlib.util.spec_from_file_location("rules_index", ROOT / "scripts" / "rules_index.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


rules_index = _index_module()


def test_the_rule_list_is_the_rulebook_s_46_ids_in_order():
    ids = rules_index.rule_ids()
    assert len(ids) == len(set(ids)) == 46  # CAL 3, COOP 12, PLAN 9, DIST 11, PAG 11
    assert ids[0] == "CAL-01" and ids[-1] == "PAG-11"


def test_every_rule_has_a_test_and_every_test_names_a_known_rule():
    index = rules_index.build()
    assert index.untested == []
    assert dict(index.unknown) == {}


def test_docs_regras_md_is_up_to_date_with_the_tests():
    index = rules_index.build()
    assert rules_index.current_section() == rules_index.render(index), \
        "docs/regras.md is out of date: run `python scripts/rules_index.py --write`"


def test_ids_are_read_from_names_and_docstrings_not_from_other_digits():
    assert rules_index.ids_of_test("test_coop_11_pag_08_one_gratificacao", None) == {"COOP-11", "PAG-08"}
    assert rules_index.ids_of_test("test_plan_01_02_generate", None) == {"PLAN-01"}
    assert rules_index.ids_of_test("test_memo_pdf", "PAG-11: the PDF; see DIST-04.") == {"PAG-11", "DIST-04"}
    assert rules_index.ids_of_test("test_page_10_items", "PAGE-10 is no rule") == set()


def test_a_missing_test_an_unknown_id_and_a_stale_section_are_each_reported(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "tests").mkdir()
    doc = tmp_path / "docs" / "regras.md"
    doc.write_text("| id |\n|---|\n| CAL-01 | x |\n| CAL-02 | y |\n\n"
                   f"{rules_index.BEGIN}\n{rules_index.END}\n", encoding="utf-8")
    (tmp_path / "tests" / "test_x.py").write_text(
        'def test_cal_01_a():\n    pass\n\n\ndef test_b():\n    """DIST-99"""\n', encoding="utf-8")
    index = rules_index.build(tmp_path)
    found = rules_index.problems(index, doc)
    assert any(p.startswith("CAL-02:") for p in found)
    assert any(p.startswith("DIST-99 ") for p in found)
    assert any("desatualizado" in p for p in found)
    rules_index.write(index, doc)
    assert [p for p in rules_index.problems(index, doc) if "desatualizado" in p] == []
