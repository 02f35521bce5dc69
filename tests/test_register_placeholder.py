"""The register's optional placeholder column: rows that stand for contract or usage figures to replace."""

from __future__ import annotations

import pytest

from costmodel.register import RegisterError, parse_register, placeholders, register_markdown

HEAD = "id,parameter,value,unit,source,type,confidence,note"
ROWS = [
    "PAST-POINTS,Points in the earlier contract,18,points,ASSUMPTION: replace,assumption,low,the contract's points",
    "PAST-RENT,Monthly rent per point,6000000,VND/point-month,ASSUMPTION: replace,assumption,low,the contract's rent",
    "PAST-CPI,Price index,0.03,1/year,GSO,published,medium,",
]


def test_register_without_the_column_reads_as_before_and_has_no_placeholders():
    register = parse_register("\n".join([HEAD, *ROWS]) + "\n", "reg.csv")
    assert "placeholder" not in register.columns
    assert placeholders(register).empty
    assert list(placeholders(register).columns) == ["id", "parameter", "value", "unit", "note"]
    assert "placeholder" not in register_markdown(register)


def test_placeholder_rows_listed_and_marked_in_markdown():
    rows = [ROWS[0] + ",yes", ROWS[1] + ",yes", ROWS[2] + ","]
    register = parse_register("\n".join([HEAD + ",placeholder", *rows]) + "\n", "reg.csv")
    assert register["placeholder"].tolist() == ["yes", "yes", ""]
    listed = placeholders(register)
    assert listed["id"].tolist() == ["PAST-POINTS", "PAST-RENT"]
    assert listed.loc[1, "note"] == "the contract's rent"
    md = register_markdown(register)
    assert "| cited by | placeholder |" in md
    assert "the contract's rent |  | yes |" in md
    assert md.rstrip().endswith("|  |  |")  # PAST-CPI: not cited, not a placeholder
    assert "**placeholder** marks the 2 row(s)" in md


def test_bad_placeholder_value_names_the_line():
    text = "\n".join([HEAD + ",placeholder", ROWS[0] + ",true"]) + "\n"
    with pytest.raises(RegisterError) as info:
        parse_register(text, "reg.csv")
    assert [str(p) for p in info.value.problems] == ["reg.csv: line 2: placeholder must be 'yes' or empty (got 'true')"]
