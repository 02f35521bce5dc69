"""IOC data-sharing compliance: lists and scorecards written out by hand for two periods."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pytest

from conftest import SCENARIOS
from costmodel.cli import main
from costmodel.compliance import (
    ComplianceError,
    add_months,
    changes,
    due_date,
    evaluate_compliance,
    parse_catalogue,
    parse_status,
)
from costmodel.reports.compliance_report import compliance_html, compliance_markdown

CATALOGUE = """dataset_id,name,catalogue,unit,frequency,ioc_required,build_deadline
D1,Đất đai,shared,U-A,monthly,yes,2024-01-31
D2,Môi trường,open,U-A,daily,no,2024-03-31
D3,Y tế,shared,U-B,quarterly,yes,2024-02-15
D4,Nhà thuốc,open,U-B,once,yes,2024-01-15
D5,Giao thông,shared,U-C,weekly,yes,2024-03-01
D6,Bãi xe,open,U-C,yearly,no,2024-06-30
"""
# Period 1, as of 2024-03-31. D2 is missing on purpose (warning; its deadline is today: not late).
STATUS_1 = """dataset_id,built_on,last_updated,ioc_connected_on,evidence,note
D1,2024-01-31,2024-02-29,2024-02-10,CV 1,built on the deadline day
D3,2023-12-31,2023-12-31,,BB 3,
D4,,,,,no budget
D5,2024-03-10,,2024-04-05,BC 5,built late
D6,,,,,
"""
# Period 2, as of 2024-04-30.
STATUS_2 = """dataset_id,built_on,last_updated,ioc_connected_on,evidence,note
D1,2024-01-31,2024-03-31,2024-02-10,CV 1,
D2,2024-04-10,2024-04-28,,CV 2,
D3,2023-12-31,2024-01-31,2024-04-30,BB 3,
D4,2024-04-20,,,BB 4,
D5,2024-03-10,2024-04-20,2024-04-05,BC 5,
D6,,,,,
"""
D1, D2 = dt.date(2024, 3, 31), dt.date(2024, 4, 30)


@pytest.fixture
def catalogue():
    return parse_catalogue(CATALOGUE, "catalogue.csv")


@pytest.fixture
def period1(catalogue):
    return evaluate_compliance(catalogue, parse_status(STATUS_1, catalogue, "s1.csv"), D1)


@pytest.fixture
def period2(catalogue):
    return evaluate_compliance(catalogue, parse_status(STATUS_2, catalogue, "s2.csv"), D2)


def records(table):
    return table.to_dict("records")


def test_month_arithmetic_clamps_month_ends():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 1, 31), 1) == dt.date(2023, 2, 28)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2023, 12, 31), 3) == dt.date(2024, 3, 31)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert due_date(dt.date(2024, 3, 10), "weekly") == dt.date(2024, 3, 17)
    assert due_date(dt.date(2024, 3, 10), "daily") == dt.date(2024, 3, 11)
    assert due_date(dt.date(2024, 3, 10), "once") is None


def test_period_1_lists_by_hand(period1):
    # D4: deadline 15/01, not built: 16 days of January + 29 of February + 31 of March = 76 days late
    assert records(period1.not_built) == [
        {
            "unit": "U-B",
            "dataset_id": "D4",
            "name": "Nhà thuốc",
            "build_deadline": "2024-01-15",
            "days_late": 76,
            "evidence": "",
            "note": "no budget",
        }
    ]
    # D1: last 29/02 + 1 month = 29/03, 2 days overdue; D3: 31/12 + 3 months = 31/03 = D: up to date;
    # D5: built 10/03 (late, but built), never updated: 10/03 + 7 = 17/03, 14 days overdue
    assert records(period1.not_updated) == [
        {
            "unit": "U-A",
            "dataset_id": "D1",
            "name": "Đất đai",
            "frequency": "monthly",
            "last_updated": "2024-02-29",
            "days_overdue": 2,
            "evidence": "CV 1",
            "note": "built on the deadline day",
        },
        {
            "unit": "U-C",
            "dataset_id": "D5",
            "name": "Giao thông",
            "frequency": "weekly",
            "last_updated": "2024-03-10",
            "days_overdue": 14,
            "evidence": "BC 5",
            "note": "built late",
        },
    ]
    # D5 connected on 05/04, after D: not connected yet. D6 not due; D2 not required.
    assert records(period1.not_connected) == [
        {"unit": "U-B", "dataset_id": "D3", "name": "Y tế", "evidence": "BB 3", "note": ""},
        {"unit": "U-B", "dataset_id": "D4", "name": "Nhà thuốc", "evidence": "", "note": "no budget"},
        {"unit": "U-C", "dataset_id": "D5", "name": "Giao thông", "evidence": "BC 5", "note": "built late"},
    ]
    assert records(period1.scorecard) == [
        {"unit": "U-A", "datasets": 2, "built": 1, "up_to_date": 0, "ioc_required": 1, "connected": 1},
        {"unit": "U-B", "datasets": 2, "built": 1, "up_to_date": 1, "ioc_required": 2, "connected": 0},
        {"unit": "U-C", "datasets": 2, "built": 1, "up_to_date": 0, "ioc_required": 1, "connected": 0},
    ]
    # D2 missing from the status file; D5's connection date lies after the reporting date
    assert period1.warnings == [
        # D2's build deadline (31/03) is the reporting date itself: not yet overdue, so in no list
        {"kind": "missing", "dataset_id": "D2", "unit": "U-A", "due": False, "deadline": dt.date(2024, 3, 31)},
        {"kind": "after", "dataset_id": "D5", "unit": "U-C", "column": "ioc_connected_on", "date": dt.date(2024, 4, 5)},
    ]


def test_period_2_lists_by_hand(period2):
    assert period2.not_built.empty  # D4 built late on 20/04: leaves the list
    # D1: 31/03 + 1 month = 30/04 = D: updated exactly at the limit, up to date.
    # D2: daily, last 28/04 -> due 29/04, 1 day overdue. D5: 20/04 + 7 = 27/04, 3 days.
    assert records(period2.not_updated) == [
        {
            "unit": "U-A",
            "dataset_id": "D2",
            "name": "Môi trường",
            "frequency": "daily",
            "last_updated": "2024-04-28",
            "days_overdue": 1,
            "evidence": "CV 2",
            "note": "",
        },
        {
            "unit": "U-C",
            "dataset_id": "D5",
            "name": "Giao thông",
            "frequency": "weekly",
            "last_updated": "2024-04-20",
            "days_overdue": 3,
            "evidence": "BC 5",
            "note": "",
        },
    ]
    # D3 connected on D itself: connected. D4 (once) built but never connected.
    assert records(period2.not_connected) == [
        {"unit": "U-B", "dataset_id": "D4", "name": "Nhà thuốc", "evidence": "BB 4", "note": ""}
    ]
    assert records(period2.scorecard) == [
        {"unit": "U-A", "datasets": 2, "built": 2, "up_to_date": 1, "ioc_required": 1, "connected": 1},
        {"unit": "U-B", "datasets": 2, "built": 2, "up_to_date": 2, "ioc_required": 2, "connected": 1},
        {"unit": "U-C", "datasets": 2, "built": 1, "up_to_date": 0, "ioc_required": 1, "connected": 1},
    ]
    assert period2.warnings == []


def test_changes_between_periods(period1, period2):
    assert records(changes(period2, period1)) == [
        {"list": "not_built", "unit": "U-B", "dataset_id": "D4", "change": "resolved"},
        {"list": "not_updated", "unit": "U-A", "dataset_id": "D1", "change": "resolved"},
        {"list": "not_updated", "unit": "U-A", "dataset_id": "D2", "change": "new"},
        {"list": "not_connected", "unit": "U-B", "dataset_id": "D3", "change": "resolved"},
        {"list": "not_connected", "unit": "U-C", "dataset_id": "D5", "change": "resolved"},
    ]


def test_nothing_is_late_on_the_deadline_day(catalogue):
    status = parse_status("dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\n", catalogue)
    report = evaluate_compliance(catalogue, status, dt.date(2024, 1, 15))  # D4's deadline
    assert report.not_built.empty and report.not_connected.empty
    report = evaluate_compliance(catalogue, status, dt.date(2024, 1, 16))
    assert report.not_built["dataset_id"].tolist() == ["D4"]
    assert report.not_built["days_late"].tolist() == [1]
    assert len(report.warnings) == 6


def test_dates_after_the_reporting_date_are_warned_and_not_counted(catalogue):
    status = parse_status("dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\nD4,2024-05-01,,,,\n", catalogue)
    report = evaluate_compliance(catalogue, status, D1)
    assert "D4" in report.not_built["dataset_id"].tolist()
    assert {
        "kind": "after",
        "dataset_id": "D4",
        "unit": "U-B",
        "column": "built_on",
        "date": dt.date(2024, 5, 1),
    } in report.warnings


@pytest.mark.parametrize(
    ("which", "text", "message"),
    [
        (
            "status",
            "dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\nZZ9,,,,,\n",
            "s.csv: line 2: dataset_id 'ZZ9' is not in the catalogue",
        ),
        (
            "status",
            "dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\nD1,,,,,\nD1,,,,,\n",
            "s.csv: line 3: duplicate dataset_id 'D1' (also line 2)",
        ),
        (
            "status",
            "dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\nD1,31/01/2024,,,,\n",
            "s.csv: line 2: built_on must be a date YYYY-MM-DD or empty (got '31/01/2024')",
        ),
        (
            "status",
            "dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\nD1,2024-01-31,2024-13-01,,,\n",
            "s.csv: line 2: last_updated must be a date YYYY-MM-DD or empty (got '2024-13-01')",
        ),
        (
            "status",
            "dataset_id,built_on,evidence,note\nD1,,,\n",
            "s.csv: line 1: missing column(s): last_updated, ioc_connected_on (expected dataset_id, built_on, last_updated, ioc_connected_on, evidence, note)",
        ),
        (
            "catalogue",
            CATALOGUE.replace("monthly,yes", "fortnightly,yes"),
            "c.csv: line 2: frequency must be one of daily | weekly | monthly | quarterly | yearly | once (got 'fortnightly')",
        ),
        (
            "catalogue",
            CATALOGUE.replace("shared,U-A", "private,U-A"),
            "c.csv: line 2: catalogue must be one of shared | open (got 'private')",
        ),
        (
            "catalogue",
            CATALOGUE.replace("monthly,yes", "monthly,maybe"),
            "c.csv: line 2: ioc_required must be one of yes | no (got 'maybe')",
        ),
        ("catalogue", CATALOGUE.replace("2024-01-31", ""), "c.csv: line 2: build_deadline is required"),
        (
            "catalogue",
            CATALOGUE.replace("2024-01-31", "2024-02-30"),
            "c.csv: line 2: build_deadline must be a date YYYY-MM-DD (got '2024-02-30')",
        ),
        (
            "catalogue",
            CATALOGUE + "D1,again,shared,U-A,monthly,yes,2024-01-31\n",
            "c.csv: line 8: duplicate dataset_id 'D1' (also line 2)",
        ),
    ],
)
def test_data_problems_name_file_line_and_value(catalogue, which, text, message):
    with pytest.raises(ComplianceError) as info:
        if which == "status":
            parse_status(text, catalogue, "s.csv")
        else:
            parse_catalogue(text, "c.csv")
    assert message in [str(p) for p in info.value.problems]


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_writes_everything_and_exits_2_without_writing_on_bad_data(tmp_path, capsys):
    cat = _write(tmp_path, "catalogue.csv", CATALOGUE)
    s1 = _write(tmp_path, "s1.csv", STATUS_1)
    s2 = _write(tmp_path, "s2.csv", STATUS_2)
    out = tmp_path / "out"
    args = [
        "compliance",
        str(cat),
        str(s2),
        "--as-of",
        "2024-04-30",
        "--previous",
        str(s1),
        "--previous-as-of",
        "2024-03-31",
    ]
    assert main([*args, "-o", str(out)]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "not_built.csv",
            "not_updated.csv",
            "not_connected.csv",
            "scorecard.csv",
            "changes.csv",
            "compliance.xlsx",
            "compliance.md",
            "compliance.html",
        ]
    )
    assert list(pd.read_csv(out / "not_built.csv").columns) == [
        "unit",
        "dataset_id",
        "name",
        "build_deadline",
        "days_late",
        "evidence",
        "note",
    ]
    assert list(pd.read_csv(out / "not_updated.csv").columns) == [
        "unit",
        "dataset_id",
        "name",
        "frequency",
        "last_updated",
        "days_overdue",
        "evidence",
        "note",
    ]
    assert list(pd.read_csv(out / "not_connected.csv").columns) == ["unit", "dataset_id", "name", "evidence", "note"]
    assert list(pd.read_csv(out / "scorecard.csv").columns) == [
        "unit",
        "datasets",
        "built",
        "up_to_date",
        "ioc_required",
        "connected",
    ]
    assert pd.read_csv(out / "changes.csv")["change"].tolist() == [
        "resolved",
        "resolved",
        "new",
        "resolved",
        "resolved",
    ]
    book = openpyxl.load_workbook(out / "compliance.xlsx")
    assert book.sheetnames == ["Chưa xây dựng", "Chưa cập nhật", "Chưa kết nối IOC", "Tổng hợp đơn vị", "Thay đổi"]
    md = (out / "compliance.md").read_text(encoding="utf-8")
    assert "Tính đến ngày 30/04/2024" in md and "| U-C | D5 | Giao thông | hằng tuần | 20/04/2024 | 3 |" in md
    bad = _write(tmp_path, "bad.csv", STATUS_1 + "NOPE,,,,,\n")
    out2 = tmp_path / "out2"
    assert main(["compliance", str(cat), str(bad), "--as-of", "2024-03-31", "-o", str(out2)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: line 7: dataset_id 'NOPE' is not in the catalogue" in err
    assert "Traceback" not in err
    assert not out2.exists() or not any(out2.iterdir())
    assert main(["compliance", str(cat), str(s1), "--as-of", "31/03/2024"]) == 2
    assert main(["compliance", str(cat), str(s1), "--as-of", "2024-03-31", "--previous", str(s1)]) == 2


def test_report_text_english_and_html_have_no_external_resources(period1, period2):
    change_table = changes(period2, period1)
    md = compliance_markdown(period2, change_table, D1, lang="en")
    assert "As of 2024-04-30" in md and "| U-A | D2 | Môi trường | daily | 2024-04-28 | 1 |" in md
    page = compliance_html(period1, None, None, lang="vi", sample=True)
    assert "DỮ LIỆU MẪU" in page and "http" not in page
    assert "không có trong tệp tình trạng" in page


def test_sample_data_is_labelled_and_runs(tmp_path):
    folder = SCENARIOS / "ioc-data"
    assert "MADE UP" in (folder / "SAMPLE").read_text(encoding="utf-8")
    args = [
        "compliance",
        str(folder / "catalogue.csv"),
        str(folder / "status-2024-09-30.csv"),
        "--as-of",
        "2024-09-30",
        "--sample",
        "-o",
        str(tmp_path),
    ]
    assert main(args) == 0
    assert "DỮ LIỆU MẪU" in (tmp_path / "compliance.md").read_text(encoding="utf-8")
