"""Every output read as its reader reads it: no engine notation, words from one vocabulary (reader-standards §1-§2)."""

from __future__ import annotations

import re

import openpyxl
import pytest

from conftest import ROOT, SCENARIOS
from costmodel import evaluate, load_scenario
from costmodel.cli import main
from costmodel.reports import vocabulary as voc
from costmodel.reports.charts import cumulative_figure
from costmodel.reports.narrative import recommendation
from costmodel.reports.workbook import workbook_bytes
from reader_scan import scan

HOSTILE = """
[scenario]
title = "Kịch bản thử <b>đậm</b> & =1+1"
start_year = 2024
end_year = 2026
discount_rate = 0.08
vat = 0.1

[parameters]
k = { dist = "pert", low = 0.8, mode = 1.0, high = 1.2, label = "Hệ số <script>alert(1)</script> giá" }

[[options]]
id = "pa-mot"
name = "=HYPERLINK(\\"http://ví-dụ.vn\\",\\"bấm\\")"
  [[options.items]]
  name = "<img src=x onerror=alert(1)> Thiết bị $x$ [đậm]"
  category = "equipment"
  price = "1_000_000 * k"
  per = "once"
  life = 5

[[options]]
id = "pa-hai"
name = "@SUM(A1:A2) <i>thuê</i>"
  [[options.items]]
  name = "+Dịch vụ -2+3"
  category = "service"
  price = 300_000
  per = "year"
"""


def test_every_default_output_passes_the_reader_scan(rendered_report):
    found = scan(rendered_report, SCENARIOS)
    assert found.files >= 30
    assert found.count == 0, found.report()


def test_the_three_notebooks_are_rendered_and_scanned(rendered_report):
    html = sorted(p.name for p in (rendered_report / "notebooks").glob("*.html"))
    assert html == [
        "01-data-integration-center.html",
        "02-video-conferencing-explanatory-report.html",
        "03-ioc-options.html",
    ]
    for name in html:
        assert '<html lang="vi">' in (rendered_report / "notebooks" / name).read_text(encoding="utf-8")


def test_hostile_names_are_shown_as_written_and_never_interpreted(tmp_path):
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE, encoding="utf-8")
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 0
    found = scan(tmp_path / "out", tmp_path)
    assert found.count == 0, found.report()
    book = openpyxl.load_workbook(tmp_path / "out" / "workbook.xlsx")
    texts = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert '=HYPERLINK("http://ví-dụ.vn","bấm")' in texts  # a name, stored as text, never a formula
    svg = (tmp_path / "out" / "budget-by-category.svg").read_text(encoding="utf-8")
    assert "<i>" not in svg and "@SUM(A1:A2) &lt;i&gt;thuê&lt;/i&gt;" in svg  # escaped in the chart's text
    assert "$x$" not in svg or "Thiết bị $x$" in svg  # '$' is not read as mathematics


def test_removing_one_word_from_the_vocabulary_fails_loudly(monkeypatch):
    result = evaluate(load_scenario(SCENARIOS / "ioc.toml"))
    full = voc._vocabulary()
    for key in ("col.pv_cost", "budget.investment", "text.recommend_best", "chart.billion_axis", "sheet.estimate"):
        monkeypatch.setattr(voc, "_vocabulary", lambda key=key: {k: v for k, v in full.items() if k != key})
        with pytest.raises(voc.VocabularyError, match=re.escape(key)):
            workbook_bytes(result, "vi")
            recommendation(result, lang="vi")
            cumulative_figure(result, "vi")


def test_every_literal_vocabulary_key_in_the_code_exists():
    # term("x"), text("x", ...), t("x"), names.term("x") ... with a literal key: the key must be in the vocabulary
    pattern = re.compile(r"""\b(?:term|text|t)\(\s*["']([a-z][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+)["']""")
    missing = set()
    for path in (ROOT / "src" / "costmodel").rglob("*.py"):
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if not voc.has(key):
                missing.add(f"{path.name}: {key}")
    assert not missing, sorted(missing)


def test_vocabulary_files_are_well_formed_and_keys_unique():
    table = voc.entries()
    assert table["key"].is_unique
    assert (table["vi"].str.strip() != "").all() and (table["en"].str.strip() != "").all()
    columns = table[table["key"].str.startswith("col.")]
    known_units = (
        set(voc.MONEY_UNITS) | set(voc.NAME_UNITS) | {"%", "1/year", "ratio", "factor", "year", "count", "number", "date", "text"}
    )
    assert set(columns["unit"]) <= known_units, set(columns["unit"]) - known_units
    with pytest.raises(voc.VocabularyError, match="duplicate key 'a.b'"):
        voc._read(
            [("x.csv", "key,unit,vi,en,description\na.b,text,A,A,\n"), ("y.csv", "key,unit,vi,en,description\na.b,text,B,B,\n")]
        )


def test_allowed_abbreviations_are_each_explained_in_the_glossary():
    glossary = voc.entries()
    glossary = glossary[glossary["key"].str.startswith("term.")]
    for abbr in voc.ABBREVIATIONS:
        assert (
            glossary["en"].str.contains(rf"\b{re.escape(abbr)}\b").any()
            or glossary["vi"].str.contains(rf"\b{re.escape(abbr)}\b").any()
        ), abbr


def test_docs_glossary_is_generated_from_the_vocabulary():
    assert (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8") == voc.glossary_markdown(), (
        "run 'costmodel glossary' to regenerate docs/glossary.md"
    )


def test_english_run_gives_the_same_outputs_in_english_from_the_same_vocabulary(tmp_path):
    assert main(["run", str(SCENARIOS / "data-integration-center.toml"), "-o", str(tmp_path), "--lang", "en"]) == 0
    book = openpyxl.load_workbook(tmp_path / "workbook.xlsx")
    assert book.sheetnames == ["Summary", "Estimate", "Ledger", "Assumptions", "About"]
    summary = book["Summary"]
    assert summary["A3"].value == "Unit: VND"
    headers = next(r for r in summary.iter_rows(values_only=True) if r and r[0] == "Rank")
    assert "Present value of cost" in headers and "Net savings against the baseline" in headers
    estimate = [c.value for row in book["Estimate"].iter_rows() for c in row if isinstance(c.value, str)]
    assert {"Before VAT", "VAT", "VAT included", "Development investment capital", "Recurrent spending"} <= set(estimate)
    svg = (tmp_path / "budget-by-category.svg").read_text(encoding="utf-8")
    assert "Equipment" in svg and "Billion VND" in svg and "Thiết bị" not in svg


def test_reader_scan_catches_what_it_should(tmp_path):
    bad = tmp_path / "bad.md"
    bad.write_text(
        "| 3.756948e+09 | NaN | rent.items[1] (x).price | colo_factor | rent | 0.4418 | 5000000 | May | 8.0 |\n",
        encoding="utf-8",
    )
    found = scan(tmp_path, SCENARIOS)
    assert set(found.leaks) >= {
        "scientific notation",
        "NaN/None/inf",
        "key path",
        "snake_case identifier",
        "English word or option id",
        "decimal point",
        "ungrouped number",
        "English month",
    }
    ok = tmp_path / "ok"
    ok.mkdir()
    (ok / "ok.md").write_text(
        "DIC-RENT-VCPU, DC29: 1 vCPU/1 GB/20 GB = 264,000 VND/month in 2018\n"
        "## 1.2. Phiên bản 3.0\n16.332.048.783 đồng; 8,0 %; 16,33 tỷ đồng\n",
        encoding="utf-8",
    )
    assert scan(ok, SCENARIOS).count == 0


def test_shared_reader_scan_tool_agrees(rendered_report):
    tool = ROOT.parent / "shared" / "tools" / "reader-scan.py"
    if not tool.exists():
        pytest.skip("the shared reader-scan tool is not beside this checkout")
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(tool), str(rendered_report), "--scenarios", str(SCENARIOS)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout[-3000:]


# -- the register's values on the workbook's assumptions sheet -------------------------------------------------


@pytest.mark.parametrize(
    ("entry_id", "value", "unit", "lang", "expected"),
    [
        # a price of 505,000 đồng: the number is formatted once; "505,000" would read as 505 đồng in Vietnamese
        ("DIC-RENT-VCPU", "505000", "VND/vCPU-month", "vi", "DIC-RENT-VCPU: 505.000 đồng/vCPU/tháng"),
        ("DIC-RENT-VCPU", "505000", "VND/vCPU-month", "en", "DIC-RENT-VCPU: 505,000 VND/vCPU-month"),
        ("X", "505_000", "VND", "vi", "X: 505.000 đồng"),
        ("DIC-SRV-VCPU", "1497685.6", "VND/vCPU", "vi", "DIC-SRV-VCPU: 1.497.685,6 đồng/vCPU"),
        ("EC9", "25400 (range 24300-26500)", "VND/USD", "vi", "EC9: 25.400 (khoảng 24.300–26.500) đồng/USD"),
        ("DC17", "2.0 (range 1.8-2.5)", "ratio", "vi", "DC17: 2,0 (khoảng 1,8–2,5)"),
        ("DIC-RISK-RENT", "pert 0.7 / 1.0 / 1.4", "-", "vi", "DIC-RISK-RENT: PERT: thấp nhất 0,7; khả dĩ nhất 1,0; cao nhất 1,4"),
        # a list: items separated by ';' (with a decimal comma, "8, 3,5, 0" cannot be read)
        ("VCX-R-DISTRICT", "8, 3.5, 0, 0, 0", "point-years", "vi", "VCX-R-DISTRICT: 8; 3,5; 0; 0; 0 điểm cầu (bình quân năm)"),
        ("DIC-FTE", "0.5 / 2 / 1", "FTE", "vi", "DIC-FTE: 0,5 / 2 / 1 người (quy đổi toàn thời gian)"),
        ("IAAS-VCPU4GB", "480000-530000", "VND/month", "vi", "IAAS-VCPU4GB: 480.000–530.000 đồng/tháng"),
        ("DIC-CONTINGENCY", "0.05", "share", "vi", "DIC-CONTINGENCY: 0,05 (tỷ lệ)"),
        # any other text is quoted as the register writes it, its English-written numbers localised once
        ("DC29", "264,000 (1 vCPU = 367 VND/h)", "unknown unit", "vi", "DC29: 264.000 (1 vCPU = 367 VND/h) unknown unit"),
    ],
)
def test_register_values_are_written_once_in_the_readers_format(entry_id, value, unit, lang, expected):
    assert voc.register_value(entry_id, value, unit, lang) == expected


def test_every_unit_of_the_shipped_register_has_the_readers_words():
    from costmodel.register import read_register

    register = read_register(SCENARIOS / "assumptions.csv")
    missing = {u for u in register["unit"] if u not in ("", "-", "ratio") and not voc.has(f"regunit.{u}")}
    assert not missing, sorted(missing)


def test_register_values_on_the_assumptions_sheet_have_no_english_words(rendered_report):
    # reader-standards §1-2: the register's own words (range, pert, ratio, points, VND/month) are the tool's, not a
    # source's, so they are translated; only the allowed abbreviations and units stay
    allowed = {"PERT", "vCPU", "TB", "kW", "kWh", "USD", "GB", "MW", "Mbps", "rack"}
    vietnamese_ascii = {"cao", "quy", "gian", "tin", "thang"}  # Vietnamese words written without diacritics
    seen = 0
    for path in sorted(rendered_report.glob("*/workbook.xlsx")):
        sheet = openpyxl.load_workbook(path)["Giả định"]
        header = next(r for r in sheet.iter_rows(values_only=True) if "Giá trị trong danh mục" in r)
        column = header.index("Giá trị trong danh mục")
        for row in sheet.iter_rows(values_only=True):
            cell = row[column] if len(row) > column else None
            if not cell or cell == "Giá trị trong danh mục":
                continue
            seen += 1
            body = cell.split(": ", 1)[1]  # after the register id that cites the row
            words = {w for w in re.findall(r"[^\W\d_]+", body) if w.isascii()} - allowed - vietnamese_ascii
            assert not words, f"{path.parent.name}: {cell!r}"
            # an amount grouped the English way ("505,000"), which a Vietnamese reader takes for 505
            assert not re.search(r"(?<![\d.])[1-9]\d{0,2},\d{3}(?!\d)", body), f"{path.parent.name}: {cell!r}"
    assert seen >= 50


def test_per_cent_cells_are_formatted_as_the_text_writes_them():
    # reader-standards §2: "8,0 %" with a space before the sign in Vietnamese (Excel supplies the decimal comma
    # from the reader's regional settings); the cell keeps the decimal rate, so formulas read 0.08
    import io

    result = evaluate(load_scenario(SCENARIOS / "video-conferencing.toml"))
    for lang, expected in (("vi", '0.0"\u00a0"%'), ("en", "0.0%")):
        book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(result, lang)))
        formats = {c.number_format for ws in book.worksheets for row in ws.iter_rows() for c in row if "%" in c.number_format}
        assert expected in formats, formats
        assert all(f.endswith('"\u00a0"%') for f in formats) if lang == "vi" else all("\u00a0" not in f for f in formats)


def test_sensitivity_sheet_central_present_values_are_the_summarys():
    # one workbook, one figure: the tornado's central present value of each option is the Tổng hợp sheet's (lines
    # rounded to the đồng), not the full-precision run a đồng or two away (a reviewer's finding)
    import io

    from costmodel.reports.outputs import evaluation_workbook
    from costmodel.risk.sensitivity import sensitivity

    scenario = load_scenario(SCENARIOS / "data-integration-center.toml")
    result = evaluate(scenario)
    sens = sensitivity(scenario, sobol=0, grid=None)
    book = openpyxl.load_workbook(io.BytesIO(evaluation_workbook(result, "vi", sensitivity=sens)))
    shown = result.rounded().summary.set_index("option")["pv_cost"]
    names = {o.name: o.id for o in scenario.options}
    rows = [r for r in book["Độ nhạy"].iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[0] == "Yếu tố đầu vào" and "Tại giá trị trung tâm" in r)
    columns = list(rows[head])
    target, central = columns.index("Phương án hoặc chênh lệch"), columns.index("Tại giá trị trung tâm")
    checked = 0
    for r in rows[head + 1 :]:
        if r[0] is None:
            break
        if r[target] in names:
            assert r[central] == shown[names[r[target]]], r
            checked += 1
    assert checked >= 3


def test_a_chart_whose_labels_leave_no_room_is_still_written_without_a_warning():
    # fuzz case scenario 686004710: an escalation of 0x7FFF_FFFF_FFFF_FFFF a year gave amounts near 1e74 đồng; the
    # y tick labels were wider than the figure and matplotlib's constrained layout gave up with a warning. The
    # chart is written with the default margins instead (absurd inputs, unreadable but harmless output).
    import warnings

    from matplotlib.figure import Figure

    from costmodel.reports.outputs import figure_files

    fig = Figure(figsize=(4, 3), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    ax.set_yticks([0, 1], ["9" * 400, "8" * 400])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        files = figure_files(fig, "c")
    assert not caught, [str(w.message) for w in caught]
    assert files["c.png"].startswith(b"\x89PNG") and b"<svg" in files["c.svg"]
