"""A policy's tables scroll in their own box (issue 14, item 3), and the box
is added by the portal after sanitising: a policy's text cannot bring one."""

from policies.rendering import render_markdown

TWO_TABLES = "| Role | Contact |\n|---|---|\n| LADO | 01632 960250 |\n\ntext\n\n| A |\n|---|\n| 1 |\n"


def test_each_table_sits_in_its_own_named_scroll_box():
    html = render_markdown(TWO_TABLES).html
    assert html.count('<div class="table-scroll" tabindex="0" role="region" aria-label="Table 1"><table>') == 1
    assert html.count('aria-label="Table 2"><table>') == 1
    assert html.count("</table></div>") == 2


def test_a_policys_text_cannot_bring_its_own_focusable_region():
    html = render_markdown('<div class="table-scroll" role="region" tabindex="0" onfocus="x()">hi</div>').html
    assert "<div" not in html and "tabindex" not in html and "onfocus" not in html
