"""The redline on real policy text (the shared samples, edited) and on small cases."""

from pathlib import Path

import pytest

from approvals.redline import compare, word_diff
from policies.importers import parse_document

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "sample-policies"
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason=f"shared sample policies not found at {SAMPLES}")


def body(name: str) -> str:
    return parse_document(name, (SAMPLES / name).read_bytes()).body_markdown


def kinds(changes) -> dict[str, str]:
    return {(c.heading or c.old_heading): c.kind for c in changes}


def test_word_level_insertions_and_deletions():
    html = word_diff("Staff must lock screens.", "Staff must always lock their screens.")
    assert str(html) == "Staff must <ins>always </ins>lock <ins>their </ins>screens."


def test_changed_words_are_deleted_then_inserted():
    assert str(word_diff("kept for one year", "kept for six months")) == \
        "kept for <del>one year</del><ins>six months</ins>"


def test_text_is_escaped_in_the_redline():
    html = str(word_diff("a <b>", "a <script>x</script>"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_sections_added_removed_and_moved():
    old = "## 1. Intro\n\nA.\n\n## 2. Scope\n\nB.\n\n## 3. Review\n\nC.\n\n## 4. Old bit\n\nD."
    new = "## 1. Intro\n\nA.\n\n## 2. Review\n\nC.\n\n## 3. Scope\n\nB.\n\n## 4. Phishing\n\nE."
    result = kinds(compare(old, new))
    assert result["1. Intro"] == "unchanged"
    assert "moved" in (result["2. Review"], result["3. Scope"])
    assert result["4. Phishing"] == "added"
    assert result["4. Old bit"] == "removed"


def test_renumbering_alone_is_not_a_change():
    changes = compare("## 1. Intro\n\nA.\n\n## 2. Scope\n\nB.", "## 1. Intro\n\nA.\n\n## 3. Scope\n\nB.")
    assert kinds(changes)["3. Scope"] == "unchanged"


@needs_samples
def test_redline_of_an_edited_real_policy():
    original = body("lionheart-electronic-communications-policy.txt")
    edited = original.replace("deleted one year after", "deleted six months after")
    edited = edited.replace("## 8.0 Emails to Parents and Carers", "## 8.0 Emails to Parents, Carers and Pupils")
    edited += "\n\n## 13.0 Artificial Intelligence\n\n13.1 Do not paste personal data into AI tools."
    changes = compare(original, edited)
    result = kinds(changes)
    assert result["7.0 Retention"] == "changed"
    retention = next(c for c in changes if c.heading == "7.0 Retention")
    assert "<del>one year</del><ins>six months</ins>" in str(retention.html)
    assert result["13.0 Artificial Intelligence"] == "added"
    assert result["8.0 Emails to Parents, Carers and Pupils"] == "added"
    assert result["8.0 Emails to Parents and Carers"] == "removed"
    assert sum(1 for k in result.values() if k == "unchanged") >= 9


@needs_samples
def test_redline_between_two_trusts_versions_of_a_policy_is_readable():
    changes = compare(body("lionheart-electronic-communications-policy.txt"),
                      body("nexus-electronic-communications-policy.txt"))
    assert changes  # every section differs; the redline still renders section by section
    assert all(c.kind in {"added", "removed", "changed", "moved", "unchanged"} for c in changes)
