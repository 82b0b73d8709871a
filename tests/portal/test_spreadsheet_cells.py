"""portal.spreadsheets.safe_cell: what a spreadsheet would run as a formula is shown as text."""

import pytest

from portal.spreadsheets import safe_cell


@pytest.mark.parametrize(("value", "shown"), [
    ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
    ("+44 7700", "'+44 7700"),
    ("-3", "-3"),  # a plain number stays readable
    ("+2.5", "+2.5"),
    ("-3.", "'-3."),
    ("-\u0663", "'-\u0663"),  # an Arabic-Indic digit is not a plain number (as the SQL guard on COPY has it)
    ("@home", "'@home"),
    ("Plain", "Plain"),
    (42, 42),
])
def test_a_cell_that_would_start_a_formula_gets_a_quote(value, shown):
    assert safe_cell(value) == shown
