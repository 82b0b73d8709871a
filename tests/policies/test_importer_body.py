"""body_markdown: headings, lists, escaping and what is left out, checked
as text and as the HTML Python-Markdown (the portal's renderer) makes of it."""

import markdown
import pytest

from policies.importers import parse_document

POLICY = """\
ICT SECURITY POLICY

Approved by Trust Board: 4 March 2025

Contents
1.0\tIntroduction\t2
2.0\tPasswords\t3
Appendix 1\tChecklist\t4

1.0 Introduction
- 1.1 Staff must never run <script>alert(1)</script> or paste <img src=x onerror=alert(1)> into email.
- 1.2 Staff must:
 - lock screens;
  - even for a moment;
 - report losses.
[bookmark: _GoBack]# not a heading & not a list
2.0 Passwords
2.1 Security
2.1.1 Passwords are **never** shared.
Appendix 1 – Checklist
Appendix 1 – Checklist
Lock, log out, report.
"""


@pytest.fixture(scope="module")
def parsed():
    return parse_document("ict.txt", POLICY.encode())


@pytest.fixture(scope="module")
def html(parsed):
    return markdown.markdown(parsed.body_markdown, extensions=["tables", "sane_lists"])


def test_headings(parsed):
    body = parsed.body_markdown
    assert body.startswith("## 1.0 Introduction\n")
    assert "\n## 2.0 Passwords\n" in body
    assert "\n### 2.1 Security\n" in body
    assert "\n## Appendix 1 – Checklist\n" in body
    assert [(s.number, s.heading) for s in parsed.sections] == [
        ("1.0", "Introduction"), ("2.0", "Passwords"), ("Appendix 1", "Checklist"),
    ]


def test_numbered_headings_without_zero():
    body = parse_document("x.txt", b"Email Policy\n\n1. Introduction\n\n1.1 Text.\n\n2. Scope\n").body_markdown
    assert body == "## 1. Introduction\n\n1.1 Text.\n\n## 2. Scope\n"


def test_title_approval_and_contents_are_not_in_the_body(parsed):
    body = parsed.body_markdown
    for text in ("ICT SECURITY POLICY", "Ict Security Policy", "Approved by", "Contents", "\t", "2.0\tPasswords"):
        assert text not in body
    assert body.count("Introduction") == 1
    assert body.count("Checklist") == 1  # the repeated appendix heading counts once


def test_html_in_the_text_stays_text(parsed, html):
    assert "<script>" not in parsed.body_markdown and "<img" not in parsed.body_markdown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in parsed.body_markdown
    assert "<script" not in html and "<img" not in html


def test_stray_markdown_is_escaped_and_word_artefacts_stripped(parsed, html):
    assert "[bookmark" not in parsed.body_markdown
    assert "\\# not a heading & not a list" in parsed.body_markdown
    assert "<h1>" not in html


def test_clauses_keep_their_numbers_and_bullets_nest(parsed, html):
    body = parsed.body_markdown
    assert "1.2 Staff must:\n\n- lock screens;\n    - even for a moment;\n- report losses." in body
    assert "2.1.1 Passwords are **never** shared." in body
    assert "<strong>never</strong>" in html
    assert html.count("<ul>") == 2  # the list and the one nested in it


def test_bullet_characters_become_markdown_list_items():
    text = "Email Policy\n\n1. Rules\n\n\u2022 one\n\u00b7 two\n- three\n* four\n\u2013 five\n\uf0b7 six\n"
    body = parse_document("x.txt", text.encode()).body_markdown
    assert "- one\n- two\n- three\n- four\n- five\n- six" in body


def test_an_empty_body_is_allowed():
    parsed = parse_document("x.txt", b"Email Policy\n")
    assert parsed.body_markdown == ""
    assert parsed.sections == []
    assert any("No numbered sections" in w for w in parsed.warnings)
