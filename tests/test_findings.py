"""The audit findings file (docs/findings-format.md): the shipped sample, good files, and every bad case with its line."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import ROOT, SCENARIOS
from costmodel.findings import (
    ANALYSES,
    FINDINGS_COLUMNS,
    ISSUERS,
    STATUSES,
    FindingsError,
    is_sample,
    parse_findings,
    read_findings,
)
from costmodel.reports.vocabulary import has

HEADER = "id,issued_by,document,finding,recommendation,explanation,remedy,owner,deadline,status,answered_by"
GOOD = (
    f"{HEADER}\n"
    "KTNN-1,KTNN,Số 12/TB-KTNN ngày 03/02/2023,No comparison,Compare options,See the options,Compared,DIC,2024-04-30,done,options\n"
    'TTT-1,TTT,Số 5/KL-TTr ngày 01/03/2023,"Low use, few points",Review need,,,DIC,,needs_data,retrospective; peers\n'
)


def problems_of(text: str) -> list[str]:
    with pytest.raises(FindingsError) as info:
        parse_findings(text, "f.csv")
    return [str(p) for p in info.value.problems]


def test_shipped_sample_parses_and_is_marked_sample():
    findings = read_findings(SCENARIOS / "audit-findings.csv")
    assert 5 <= len(findings) <= 7
    assert is_sample(findings) and findings["sample"].all()
    assert set(findings["issued_by"]) == set(ISSUERS)
    assert set(findings["status"]) <= set(STATUSES)
    answered = {a for t in findings["answered_by"] for a in t}
    # the questions an audit of an IT rental raises, each pointed to an analysis of the report
    assert {"retrospective", "options", "price_basis", "peers", "ownership", "termination"} <= answered
    # placeholders, not invented numbers of real conclusions
    assert findings["document"].str.contains("…").all()
    assert (SCENARIOS / "audit-findings.csv").read_text(encoding="utf-8").count("DỮ LIỆU MẪU") == len(findings)


def test_good_file_parses_with_types():
    findings = parse_findings(GOOD, "f.csv")
    assert list(findings.columns[: len(FINDINGS_COLUMNS)]) == FINDINGS_COLUMNS
    assert findings["id"].tolist() == ["KTNN-1", "TTT-1"]
    assert findings.loc[0, "deadline"] == dt.date(2024, 4, 30) and findings.loc[1, "deadline"] is None
    assert findings.loc[1, "answered_by"] == ("retrospective", "peers")
    assert findings.loc[1, "finding"] == "Low use, few points"
    assert findings["line"].tolist() == [2, 3]
    assert not is_sample(findings)


def test_columns_in_any_order_with_bom_and_crlf(tmp_path):
    columns = HEADER.split(",")
    reordered = ",".join(["sample", *reversed(columns)])
    row = "yes,options,open,,DIC,,,Compare,No comparison,Số …,KTNN,K-1"
    path = tmp_path / "f.csv"
    path.write_bytes(("\ufeff" + reordered + "\r\n" + row + "\r\n").encode("utf-8"))
    findings = read_findings(path)
    assert findings.loc[0, "id"] == "K-1" and findings.loc[0, "status"] == "open" and is_sample(findings)


def test_without_optional_columns():
    text = HEADER.rsplit(",", 1)[0] + "\nA1,TTT,Số …,f,r,,,,,open\n"
    findings = parse_findings(text, "f.csv")
    assert findings.loc[0, "answered_by"] == () and not findings.loc[0, "sample"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("A1,KTNN,Số …,f,r,e,m,o,2024-04-30,open,options", "f.csv: line 3: duplicate id 'A1' (also line 2)"),
        ("A 2,KTNN,Số …,f,r,e,m,o,,open,", "f.csv: line 3: id must be letters, digits, '.', '_' or '-' (got 'A 2')"),
        ("A2,Kiểm toán,Số …,f,r,e,m,o,,open,", "f.csv: line 3: issued_by must be one of KTNN, TTT (got 'Kiểm toán')"),
        (
            "A2,KTNN,Số …,f,r,e,m,o,,closed,",
            "f.csv: line 3: status must be one of open, in_progress, done, needs_data (got 'closed')",
        ),
        (
            "A2,KTNN,Số …,f,r,e,m,o,30/04/2024,open,",
            "f.csv: line 3: deadline must be a date YYYY-MM-DD or empty (got '30/04/2024')",
        ),
        (
            "A2,KTNN,Số …,f,r,e,m,o,2024-02-30,open,",
            "f.csv: line 3: deadline must be a date YYYY-MM-DD or empty (got '2024-02-30')",
        ),
        ("A2,KTNN,Số …,,r,e,m,o,,open,", "f.csv: line 3: finding is empty"),
        ("A2,KTNN,,f,r,e,m,o,,open,", "f.csv: line 3: document is empty"),
        ("A2,KTNN,Số …,f,r,e,,o,,done,", "f.csv: line 3: status is done but remedy is empty: say what was done"),
        (
            "A2,KTNN,Số …,f,r,e,m,o,,open,options;cost",
            "f.csv: line 3: answered_by must be one or more of " + ", ".join(ANALYSES) + ", separated by ';' (got cost)",
        ),
        ("A2,KTNN,Số …,f,r,e,m,o,,open,peers;peers", "f.csv: line 3: answered_by names an analysis twice ('peers;peers')"),
        ("A2,KTNN,Số …,f,r,e,m,o,,open,,,", "f.csv: line 3: 13 fields but the header has 11 columns"),
    ],
)
def test_each_bad_row_is_reported_with_its_line(row, message):
    text = f"{HEADER}\nA1,KTNN,Số …,f,r,e,m,o,2024-04-30,open,options\n{row}\n"
    assert message in problems_of(text)


def test_all_problems_reported_together():
    text = f"{HEADER}\nA1,X,Số …,f,r,e,m,o,soon,wip,\nA1,TTT,Số …,f,r,e,m,o,,open,\n"
    msgs = problems_of(text)
    assert msgs == [
        "f.csv: line 2: issued_by must be one of KTNN, TTT (got 'X')",
        "f.csv: line 2: status must be one of open, in_progress, done, needs_data (got 'wip')",
        "f.csv: line 2: deadline must be a date YYYY-MM-DD or empty (got 'soon')",
        "f.csv: line 3: duplicate id 'A1' (also line 2)",
    ]


def test_line_numbers_count_quoted_line_breaks():
    text = f'{HEADER}\nA1,KTNN,Số …,"two\nlines",r,e,m,o,,open,\nA2,KTNN,Số …,f,r,e,m,o,,nope,\n'
    assert problems_of(text) == ["f.csv: line 4: status must be one of open, in_progress, done, needs_data (got 'nope')"]


def test_sample_marker_values():
    header = HEADER + ",sample"
    ok = parse_findings(f"{header}\nA1,KTNN,Số …,f,r,e,m,o,,open,,DỮ LIỆU MẪU\nA2,KTNN,Số …,f,r,e,m,o,,open,,\n", "f.csv")
    assert ok["sample"].tolist() == [True, False] and is_sample(ok)
    assert problems_of(f"{header}\nA1,KTNN,Số …,f,r,e,m,o,,open,,maybe\n") == [
        "f.csv: line 2: sample must be 'DỮ LIỆU MẪU' or 'yes' or empty (got 'maybe')"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "f.csv: the file is empty: expected a header line with " + ", ".join(FINDINGS_COLUMNS)),
        (HEADER + "\n", "f.csv: no findings: the file has a header but no rows"),
        ("id,issued_by\nA1,KTNN\n", "f.csv: line 1: missing column(s): document, finding"),
        (HEADER + ",severity\n", "f.csv: line 1: unknown column(s): severity"),
    ],
)
def test_bad_files(text, message):
    msgs = problems_of(text)
    assert any(m.startswith(message) for m in msgs), msgs


def test_unreadable_file(tmp_path):
    path = tmp_path / "f.csv"
    path.write_bytes(HEADER.encode() + b"\nA1,KTNN,S\xe1,f,r,e,m,o,,open,\n")
    with pytest.raises(FindingsError, match="not UTF-8"):
        read_findings(path)
    with pytest.raises(FindingsError, match="cannot read file"):
        read_findings(tmp_path / "missing.csv")


def test_reader_words_for_every_code():
    for code in ISSUERS:
        assert has(f"findings.issuer.{code}")
    for code in STATUSES:
        assert has(f"findings.status.{code}")
    for code in ANALYSES:
        assert has(f"findings.analysis.{code}")
    for column in [*FINDINGS_COLUMNS, "answered_by"]:
        assert has(f"findings.col.{column}")


def test_format_documented():
    doc = (ROOT / "docs" / "findings-format.md").read_text(encoding="utf-8")
    for word in [*FINDINGS_COLUMNS, "answered_by", "sample", *ISSUERS, *STATUSES, *ANALYSES, "placeholder", "DỮ LIỆU MẪU"]:
        assert f"`{word}`" in doc, word
