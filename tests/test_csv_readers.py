"""One reader of CSV files and one translator of schema errors for every input format (issue 12, point 5).

Every CSV reader goes through ``costmodel.csvfile``: the same files are accepted (LF, CRLF or
CR-only line endings, a byte-order mark, blank lines, columns in any order, extra columns
where the format ignores them) and the same problems are reported the same way (file,
``line N``, what was expected). Every TOML reader translates its pydantic errors through
``costmodel._pydantic``: the same key paths and the same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import pandas as pd
import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from costmodel._pydantic import by_id, by_name, pydantic_problems
from costmodel.compliance import CATALOGUE_COLUMNS, STATUS_COLUMNS, ComplianceError, parse_catalogue, parse_status
from costmodel.csvfile import read_records, read_table
from costmodel.mcda import CriteriaError, parse_criteria
from costmodel.peers import PEER_COLUMNS, PeerDataError, parse_peer_costs
from costmodel.problems import InputError
from costmodel.register import REGISTER_COLUMNS, RegisterError, parse_register, read_register
from costmodel.scenario import ScenarioError, parse_scenario
from costmodel.schedule.plan import PROGRESS_COLUMNS, PlanError, parse_plan, parse_progress

D = dt.date
PLAN = parse_plan(
    {
        "project": {"title": "p", "start": D(2025, 1, 6)},
        "tasks": [{"id": "a", "name": "A", "duration": 2}, {"id": "b", "name": "B", "duration": 1, "after": ["a"]}],
    },
    "p.toml",
)
CATALOGUE = (
    "dataset_id,name,catalogue,unit,frequency,ioc_required,build_deadline\n"
    "D1,n,shared,U,monthly,yes,2024-01-31\n"
    "D2,m,open,U,yearly,no,2024-01-31\n"
)


def _catalogue():
    return parse_catalogue(CATALOGUE, "c.csv")


# name: (parse(text, source), columns, good row, bad row, message for the bad row without "FILE: line N: ")
READERS = {
    "register": (
        parse_register,
        REGISTER_COLUMNS,
        ["A1", "Rent", "1", "VND", "src", "published", "high", ""],
        ["A2", "Rent", "1", "VND", "src", "guess", "high", ""],
        "type must be one of published, derived, assumption (got 'guess')",
    ),
    "catalogue": (
        parse_catalogue,
        CATALOGUE_COLUMNS,
        ["D1", "n", "shared", "U", "monthly", "yes", "2024-01-31"],
        ["D2", "n", "shared", "U", "fortnightly", "yes", "2024-01-31"],
        "frequency must be one of daily | weekly | monthly | quarterly | yearly | once (got 'fortnightly')",
    ),
    "status": (
        lambda text, source: parse_status(text, _catalogue(), source),
        STATUS_COLUMNS,
        ["D1", "2024-01-01", "", "", "CV 1", ""],
        ["D2", "31/01/2024", "", "", "", ""],
        "built_on must be a date YYYY-MM-DD or empty (got '31/01/2024')",
    ),
    "peers": (
        parse_peer_costs,
        PEER_COLUMNS,
        ["P1", "Hà Nội", "2020", "vc_point_year", "5000000", "VND", "report", ""],
        ["P2", "Huế", "2021", "vc_point_year", "abc", "VND", "report", ""],
        "value must be a number (got 'abc')",
    ),
    "progress": (
        lambda text, source: parse_progress(text, PLAN, D(2025, 2, 10), source),
        PROGRESS_COLUMNS,
        ["a", "50", "2025-01-06", "", "half way"],
        ["b", "150", "", "", ""],
        "percent_complete must be a number 0-100 (got '150')",
    ),
}
ERRORS = {
    "register": RegisterError,
    "catalogue": ComplianceError,
    "status": ComplianceError,
    "peers": PeerDataError,
    "progress": PlanError,
}
NAMES = sorted(READERS)


def _csv(columns, *rows, newline="\n"):
    return newline.join(",".join(r) for r in [columns, *rows]) + newline


def _messages(parse, text, source="f.csv"):
    with pytest.raises(InputError) as info:
        parse(text, source)
    return [str(p) for p in info.value.problems]


def _same(a, b):
    if isinstance(a, pd.DataFrame):  # the compliance readers' "line" column moves with blank lines
        pd.testing.assert_frame_equal(a.drop(columns="line", errors="ignore"), b.drop(columns="line", errors="ignore"))
    else:
        assert a == b


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_crlf_and_cr_only_files_read_as_lf_files(name, newline):
    parse, columns, good, _, _ = READERS[name]
    _same(parse(_csv(columns, good, newline=newline), "f.csv"), parse(_csv(columns, good), "f.csv"))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_a_bad_row_is_named_by_its_line_whatever_the_line_endings(name, newline):
    parse, columns, good, bad, message = READERS[name]
    text = _csv(columns, good, bad, newline=newline)
    with pytest.raises(ERRORS[name]) as info:
        parse(text, "f.csv")
    assert [str(p) for p in info.value.problems] == [f"f.csv: line 3: {message}"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_a_missing_required_column_is_named_on_line_1_with_the_columns_expected(name, newline):
    parse, columns, good, _, _ = READERS[name]
    drop = columns[1]
    kept = [i for i, c in enumerate(columns) if c != drop]
    text = _csv([columns[i] for i in kept], [good[i] for i in kept], newline=newline)
    assert _messages(parse, text) == [f"f.csv: line 1: missing column(s): {drop} (expected {', '.join(columns)})"]


@pytest.mark.parametrize("name", NAMES)
def test_a_bom_blank_lines_padded_headers_and_extra_columns_are_tolerated(name):
    parse, columns, good, _, _ = READERS[name]
    plain = parse(_csv(columns, good), "f.csv")
    text = "\ufeff" + ", ".join([*columns, "comment"]) + "\r\n\r\n" + ",".join([*good, "ignored"]) + "\r\n,,\r\n"
    _same(parse(text, "f.csv"), plain)


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_file_a_duplicate_column_and_a_broken_row_have_csvfile_messages(name):
    parse, columns, good, _, _ = READERS[name]
    expected = ", ".join(columns)
    assert _messages(parse, "") == [f"f.csv: the file is empty: expected a header line with {expected}"]
    assert _messages(parse, _csv([*columns, columns[1]], [*good, "x"])) == [f"f.csv: line 1: duplicate column '{columns[1]}'"]
    n = len(columns)
    assert _messages(parse, _csv(columns, good, [*good, "x"])) == [
        f"f.csv: line 3: {n + 1} fields but the header has {n} columns"
    ]
    assert _messages(parse, _csv(columns, good) + '"' + ",".join(good) + "\n") == [
        "f.csv: line 3: malformed CSV: unexpected end of data (check the quotes)"
    ]


def test_a_record_over_several_lines_is_named_by_its_first_line():
    text = _csv(PROGRESS_COLUMNS, ["a", "50", "2025-01-06", "", "half"]) + 'b,150,,,"two\nlines"\n'
    assert _messages(lambda t, s: parse_progress(t, PLAN, D(2025, 2, 10), s), text) == [
        "f.csv: line 3: percent_complete must be a number 0-100 (got '150')"
    ]


def test_a_cr_only_register_file_with_a_bom_reads_from_disk(tmp_path):
    good = READERS["register"][2]
    path = tmp_path / "reg.csv"
    path.write_bytes(("\ufeff" + _csv(REGISTER_COLUMNS + ["price_year"], [*good, "2017"], newline="\r")).encode("utf-8"))
    register = read_register(path)
    assert register["id"].tolist() == ["A1"]
    assert register["price_year"].tolist() == ["2017"]


def test_read_table_keeps_the_named_columns_and_skips_unnamed_empty_ones():
    table = read_table("a, b ,c,,\r\n1,2,3,,\r\n", "x.csv", ["a", "b"], ["d"], extra=True)
    assert table.columns == ("a", "b", "c")
    assert table.records == [(2, {"a": "1", "b": "2", "c": "3", "d": ""})]
    with pytest.raises(InputError, match=r"x.csv: line 2: value 'z' in column 3, which has no name in the header"):
        read_records("a,b,\n1,2,z\n", "x.csv", ["a", "b"])
    assert read_records("a,b,\n1,2,\n", "x.csv", ["a", "b"]) == [(2, {"a": "1", "b": "2"})]


# ---------------------------------------------------------------------------
# One translator of schema errors
# ---------------------------------------------------------------------------


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    name: Annotated[str, Field(min_length=1)]
    price: Annotated[float, Field(ge=0)]


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: Annotated[str, Field(pattern=r"^[a-z]+$")]
    items: Annotated[list[_Item], Field(min_length=1)]
    tags: list[str] = []


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    groups: list[_Group]
    sizes: dict[Annotated[str, Field(pattern=r"^[a-z]+$")], int] = {}


def _translate(data, **kwargs):
    with pytest.raises(ValidationError) as info:
        _File.model_validate(data)
    labels = {("groups",): by_id(r"^[a-z]+$"), ("groups", "items"): by_name()}
    return [str(p) for p in pydantic_problems(info.value, data, "f.toml", _File, labels=labels, **kwargs)]


def test_translator_names_elements_from_1_by_id_and_name_and_says_what_was_expected():
    data = {
        "groups": [
            {"id": "rent", "items": [{"name": "Rack", "price": 1.0}, {"name": "Fibre", "price": "abc"}]},
            {"id": "Bad", "items": [{"name": "x", "price": -1.0, "prise": 2}], "tags": "t"},
        ],
        "sizes": {"Big": 1},
    }
    assert _translate(data, patterns={r"^[a-z]+$": "lowercase letters"}) == [
        "f.toml: groups.rent.items[2] (Fibre).price: expected a number, got a string ('abc')",
        "f.toml: groups[2].id: must use only lowercase letters (got 'Bad')",
        "f.toml: groups[2].items[1] (x).price: must be >= 0 (got -1.0)",
        "f.toml: groups[2].items[1] (x).prise: unknown key (did you mean 'price'?)",
        "f.toml: groups[2].tags: expected an array, got a string ('t')",
        "f.toml: sizes.Big: the key must use only lowercase letters (got 'Big')",
    ]


def test_translator_lists_allowed_keys_and_takes_the_formats_own_words():
    data = {"groups": [{"id": "a", "items": [], "colour": 1}], "extra": 1}
    assert _translate(data, empty={"items": "a group needs an item"}) == [
        "f.toml: groups.a.items: a group needs an item",
        "f.toml: groups.a.colour: unknown key (allowed: id, items, tags)",
        "f.toml: extra: unknown key (allowed: groups, sizes)",
    ]
    assert _translate({"groups": "x"}) == ["f.toml: groups: expected an array of tables, got a string ('x')"]
    assert _translate({}, missing={"groups": "at least one group"}) == ["f.toml: groups: at least one group"]
    assert _translate({"groups": [{"id": "a", "items": [{"name": "", "price": 1.0}]}]}, special=lambda e: "special") == [
        "f.toml: groups.a.items[1].name: special"
    ]


def test_scenario_criteria_and_plan_report_the_same_errors_in_the_same_words():
    scenario = {
        "scenario": {"title": "t", "start_year": 2024, "end_year": 2026, "discount_rate": 0.08, "colour": 1},
        "options": [{"id": "rent", "name": "Rent", "items": [{"name": "Rack", "category": "c", "price": 1, "per": "year"}]}],
    }
    with pytest.raises(ScenarioError) as info:
        parse_scenario(scenario, "s.toml")
    assert str(info.value.problems[0]).startswith("s.toml: scenario.colour: unknown key (allowed: title, description,")
    criteria = {
        "criteria": {"title": "t", "scale": [0, 10]},
        "criterion": [
            {"id": "C1", "name": "Crit", "weight": "1", "source": "X: y", "colour": 1, "scores": {}},
        ],
    }
    with pytest.raises(CriteriaError) as info:
        parse_criteria(criteria, "c.toml")
    assert [str(p) for p in info.value.problems] == [
        "c.toml: criterion[1] (Crit).weight: expected a number, got a string ('1')",
        "c.toml: criterion[1] (Crit).colour: unknown key (allowed: id, name, weight, weight_range, scale, description, source, scores)",
    ]
    plan = {"project": {"title": "p", "start": "2025-01-06"}, "tasks": [{"id": "a", "name": "", "duration": 1, "colour": 1}]}
    with pytest.raises(PlanError) as info:
        parse_plan(plan, "p.toml")
    assert [str(p) for p in info.value.problems] == [
        "p.toml: project.start: expected a date such as 2024-04-15, got a string ('2025-01-06')",
        "p.toml: tasks.a.name: must not be empty",
        "p.toml: tasks.a.colour: unknown key (allowed: id, name, owner, duration, after, lag, note, source)",
    ]
