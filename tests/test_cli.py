"""The command line as a user runs it: outputs, formatting, atomic writes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from conftest import SCENARIOS, copy_dic
from costmodel import evaluate, load_scenario
from costmodel._files import write_outputs
from costmodel.cli import main
from costmodel.ledger import LEDGER_COLUMNS
from costmodel.metrics import BUDGET_COLUMNS, CUMULATIVE_COLUMNS, SUMMARY_COLUMNS
from costmodel.reports.vocabulary import money as format_vnd

DIC = SCENARIOS / "data-integration-center.toml"

INJECTION = """
[scenario]
title = "=HYPERLINK(\\"http://evil.example\\", \\"click\\")"
start_year = 2024
end_year = 2025
discount_rate = 0.05

[[options]]
id = "a"
name = "=1+1"

  [[options.items]]
  name = "@SUM(A1:A2)"
  category = "+cmd"
  price = 1_234_567.6
  per = "year"
  source = "-2+3"
"""


def test_run_writes_the_four_tables_and_a_workbook(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(DIC), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    for name, columns in (
        ("summary", SUMMARY_COLUMNS),
        ("ledger", LEDGER_COLUMNS),
        ("budget", BUDGET_COLUMNS),
        ("cumulative", CUMULATIVE_COLUMNS),
    ):
        table = pd.read_csv(out / f"{name}.csv")
        assert list(table.columns) == columns
    assert (out / "workbook.xlsx").exists()
    # no staging directory left behind
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["budget.csv", "cumulative.csv", "ledger.csv", "summary.csv", "workbook.xlsx"]
        + [f"{chart}.{ext}" for chart in ("cumulative", "budget-by-category", "pv-by-category") for ext in ("png", "svg")]
    )
    # the printed table uses Vietnamese grouping by default, and the totals of lines rounded to the đồng
    result = evaluate(load_scenario(DIC)).rounded()
    best = result.summary.sort_values("pv_cost").iloc[0]
    assert format_vnd(best.pv_cost, "vi") in printed
    assert "." in format_vnd(best.pv_cost, "vi")
    assert "Xếp hạng" in printed


def test_csv_keeps_full_precision(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(DIC), "-o", str(out)]) == 0
    result = evaluate(load_scenario(DIC))
    csv = pd.read_csv(out / "ledger.csv")
    assert csv["present_value"].tolist() == result.ledger["present_value"].tolist()  # bit-exact round trip


def test_run_english(tmp_path, capsys):
    assert main(["run", str(DIC), "-o", str(tmp_path), "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert "Rank" in printed and "Present value of cost" in printed
    best = evaluate(load_scenario(DIC)).rounded().summary.sort_values("pv_cost").iloc[0]
    assert format_vnd(best.pv_cost, "en") in printed


def test_format_vnd_grouping():
    assert format_vnd(1234567, "vi") == "1.234.567"
    assert format_vnd(1234567, "en") == "1,234,567"
    assert format_vnd(0.4, "vi") == "0"
    assert format_vnd(-0.4, "vi") == "0"
    assert format_vnd(999.5, "en") == "1,000"
    assert format_vnd(float("nan")) == "–"  # a value that does not exist is a dash (reader-standards §2)


def test_default_output_dir_is_reports_stem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    copy_dic(tmp_path, "dic.toml")  # with the procurement plan and progress files its dates follow
    assert main(["run", "dic.toml"]) == 0
    assert (tmp_path / "reports" / "dic" / "summary.csv").exists()


def test_failed_run_leaves_previous_outputs_untouched(tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(DIC), "-o", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.toml"
    bad.write_text(DIC.read_text(encoding="utf-8").replace("price = 500_000_000", "price = -500_000_000"), encoding="utf-8")
    assert main(["run", str(bad), "-o", str(out)]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_write_outputs_is_all_or_nothing(tmp_path, monkeypatch):
    import os

    out = tmp_path / "out"
    calls = []
    real_replace = os.replace

    def failing_replace(src, dst):
        calls.append(dst)
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        write_outputs(out, {"a.csv": b"1", "b.csv": b"2"})
    monkeypatch.setattr(os, "replace", real_replace)
    assert not out.exists() or list(out.iterdir()) == []  # staging directory cleaned up, nothing half-written


def test_validate_ok(capsys):
    assert main(["validate", str(DIC)]) == 0
    assert capsys.readouterr().out.strip() == f"{DIC}: ok"


def test_report_runs_every_scenario(tmp_path, capsys):
    src = tmp_path / "scenarios"
    src.mkdir()
    copy_dic(src, "one.toml")
    copy_dic(src, "two.toml")
    (src / "plan.toml").write_text(
        '[project]\ntitle = "a plan, not a cost scenario"\nstart = 2024-04-15\n\n[[tasks]]\nid = "a"\nname = "A"\nduration = 3\n',
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    assert main(["report", "--scenarios", str(src), "-o", str(out)]) == 0
    assert (out / "one" / "summary.csv").exists() and (out / "two" / "workbook.xlsx").exists()
    assert (out / "plan" / "schedule.csv").exists() and not (out / "plan" / "summary.csv").exists()
    assert (out / "dic-rental-procurement" / "slip.csv").exists()  # both scenarios follow this plan
    printed = capsys.readouterr().out
    assert str(out / "one" / "summary.csv") in printed


def test_report_with_a_bad_scenario_writes_nothing_and_exits_2(tmp_path, capsys):
    src = tmp_path / "scenarios"
    src.mkdir()
    copy_dic(src, "good.toml")
    shutil.copy(Path(__file__).parent / "bad" / "negative-price.toml", src / "bad.toml")
    out = tmp_path / "reports"
    assert main(["report", "--scenarios", str(src), "-o", str(out)]) == 2
    assert not out.exists()  # all or nothing: the good scenario's outputs are not written either
    err = capsys.readouterr().err
    assert "must be >= 0" in err and "nothing written" in err


def header_row(ws, first: str) -> tuple[int, list]:
    """(1-based row, values) of the first row of ``ws`` whose first cell is ``first`` (below the title block)."""
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row and row[0] == first:
            return r, list(row)
    raise AssertionError(f"no header row starting with {first!r} in {ws.title}")


def test_workbook_sheets_formats_and_frozen_header(tmp_path):
    assert main(["run", str(DIC), "-o", str(tmp_path)]) == 0
    book = openpyxl.load_workbook(tmp_path / "workbook.xlsx")
    assert book.sheetnames == ["Tổng hợp", "Dự toán", "Sổ dòng tiền", "Giả định", "Thông tin"]
    ledger = book["Sổ dòng tiền"]
    head, headers = header_row(ledger, "PA số")
    assert ledger.freeze_panes == f"A{head + 1}"
    col = headers.index("Đã có thuế GTGT") + 1
    cell = ledger.cell(row=head + 1, column=col)
    assert cell.number_format == "#,##0"
    assert cell.value == round(cell.value)  # whole đồng
    result = evaluate(load_scenario(DIC))
    assert cell.value == pytest.approx(result.ledger["nominal"].iloc[0], abs=0.5)
    pv = ledger.cell(row=head + 1, column=headers.index("Giá trị hiện tại") + 1)
    letter = {h: get_column_letter(i + 1) for i, h in enumerate(headers)}
    r = head + 1
    assert pv.value == f"=ROUND({letter['Đã có thuế GTGT']}{r}*{letter['Hệ số chiết khấu']}{r},0)" and pv.number_format == "#,##0"
    en = tmp_path / "en"
    assert main(["run", str(DIC), "-o", str(en), "--lang", "en"]) == 0
    assert openpyxl.load_workbook(en / "workbook.xlsx").sheetnames == ["Summary", "Estimate", "Ledger", "Assumptions", "About"]


def test_workbook_never_writes_scenario_text_as_formulas(tmp_path):
    path = tmp_path / "inject.toml"
    path.write_text(INJECTION, encoding="utf-8")
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 0
    book = openpyxl.load_workbook(tmp_path / "out" / "workbook.xlsx")
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for bad in ("=1+1", "@SUM(A1:A2)", "+cmd", "-2+3"):
        assert bad in texts
    ours = re.compile(
        r"^=(-?SUMIFS\(|SUMIF\(|SUM\(|IF\(|ROUND\([A-Z]+\d+\*[A-Z]+\d+,0\)$|[A-Z]+\d+[-*][A-Z]+\d+$"
        r"|\(1\+'[^']+'!\$B\$\d+\)\^\(-[A-Z]+\d+\)$)"  # the discount factor (1 + rate)^(-t)
    )
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":  # our own formulas only: sums, products and SUMIFS, never scenario text
                    assert ours.match(c.value), c.value
                    assert not any(bad in c.value for bad in ("=1+1", "@SUM", "cmd", "-2+3")), c.value
    ledger = book["Sổ dòng tiền"]
    head, headers = header_row(ledger, "PA số")
    price = ledger.cell(row=head + 1, column=headers.index("Đơn giá (chưa có thuế GTGT)") + 1)
    # a price with a fraction of a đồng is written as it is, shown to four decimals: quantity x price x periods
    # then gives the amount (a whole-đồng price would not)
    assert price.value == 1_234_567.6 and price.number_format == "#,##0.####"
