from policies.rendering import render_markdown


def test_script_in_a_body_never_reaches_the_page():
    html = render_markdown("## 1. Intro\n\n1.1 Text <script>alert('x')</script> end").html
    assert "<script" not in html
    assert "alert(" not in html


def test_event_handler_attributes_are_removed():
    html = render_markdown('1.1 <img src="x" onerror="alert(1)"> and <a href="#" onclick="x()">link</a>').html
    assert "onerror" not in html
    assert "onclick" not in html


def test_javascript_links_are_removed():
    html = render_markdown("[click](javascript:alert(1))").html
    assert "javascript:" not in html


def test_numbered_sections_build_the_contents_list():
    rendered = render_markdown("## 1. Introduction\n\ntext\n\n## 2. Scope\n\n### 2.1 Staff\n\ntext")
    titles = [entry.title for entry in rendered.contents]
    assert titles == ["1. Introduction", "2. Scope"]
    assert rendered.contents[1].children[0].title == "2.1 Staff"
    assert f'id="{rendered.contents[0].anchor}"' in rendered.html


def test_lists_and_tables_survive_sanitising():
    html = render_markdown("- one\n- two\n\n| A | B |\n|---|---|\n| 1 | 2 |\n").html
    assert "<li>one</li>" in html
    assert "<td>2</td>" in html
