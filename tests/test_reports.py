"""Reports a reviewer can check: the workbook's live formulas recomputed by LibreOffice, charts."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import SCENARIOS, make_scenario
from costmodel import evaluate, load_scenario, parse_scenario
from costmodel.metrics import crossovers
from costmodel.register import read_register
from costmodel.reports.charts import budget_by_category_figure, cumulative_figure, pv_by_category_figure
from costmodel.reports.workbook import Provenance, workbook_bytes
from costmodel.risk.sensitivity import switching_values, tornado
from costmodel.risk.simulate import simulate

DIC = SCENARIOS / "data-integration-center.toml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>"""


def recalculate_with_libreoffice(path: Path) -> Path:
    """Open the workbook in LibreOffice headless, recalculate every formula on load, save a copy."""
    profile = Path(tempfile.mkdtemp())
    (profile / "user").mkdir()
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
    out = Path(tempfile.mkdtemp())
    env = dict(os.environ, HOME=str(profile))
    subprocess.run(
        [
            SOFFICE,
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    return out / path.name


def formula_cells(path: Path):
    """(sheet, coordinate, formula, cached value) of every formula cell."""
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield ws.title, cell.coordinate, cell.value, cached[ws.title][cell.coordinate].value


@pytest.fixture(scope="module")
def dic_workbook(tmp_path_factory):
    scenario = load_scenario(DIC)
    result = evaluate(scenario)
    sim = simulate(scenario, draws=500, seed=1)
    path = tmp_path_factory.mktemp("wb") / "workbook.xlsx"
    path.write_bytes(
        workbook_bytes(
            result,
            "vi",
            read_register(SCENARIOS / "assumptions.csv"),
            {"summary": sim.summary, "budget": sim.budget},
            {"tornado": tornado(scenario), "switching": switching_values(scenario)},
            Provenance(draws=500, seed=1),
        )
    )
    return result, path


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (.ci/run installs it)")
def test_every_formula_recomputed_by_libreoffice_matches_to_the_dong(dic_workbook):
    result, path = dic_workbook
    # first prove that LibreOffice really recalculates: a formula cached with a wrong value
    import xlsxwriter

    probe = path.parent / "probe.xlsx"
    book = xlsxwriter.Workbook(str(probe))
    book.add_worksheet().write_formula(0, 0, "=1+1", None, 999)
    book.close()
    assert openpyxl.load_workbook(recalculate_with_libreoffice(probe), data_only=True).active["A1"].value == 2
    recomputed = openpyxl.load_workbook(recalculate_with_libreoffice(path), data_only=True)
    cells = list(formula_cells(path))
    assert len(cells) > 100
    for sheet, coord, formula, cached in cells:
        value = recomputed[sheet][coord].value
        assert value == pytest.approx(cached, abs=0.5), f"{sheet}!{coord} {formula}: LibreOffice {value}, cached {cached}"
    # the workbook's totals against the engine: each ledger line is rounded to the đồng, so the
    # difference is at most half a đồng per line
    summary = recomputed["Tổng hợp"]
    head, headers = header_row(summary, "Xếp hạng")
    lines = result.ledger.groupby("option").size()
    engine = result.summary.set_index("option")
    ids = [o.id for o in result.scenario.options]
    for row in summary.iter_rows(min_row=head + 1, max_row=head + len(engine), values_only=True):
        option = ids[row[headers.index("PA số")] - 1]
        pv = row[headers.index("Giá trị hiện tại của chi phí")]
        assert pv == pytest.approx(engine.loc[option, "pv_cost"], abs=0.5 * lines[option])
        eac = row[headers.index("Chi phí đều hằng năm")]
        assert eac == pytest.approx(engine.loc[option, "eac"], abs=0.5 * lines[option])


def header_row(ws, first: str) -> tuple[int, list]:
    """(1-based row, values) of the first row of ``ws`` whose first cell is ``first`` (below the title block)."""
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row and row[0] == first:
            return r, list(row)
    raise AssertionError(f"no header row starting with {first!r} in {ws.title}")


def test_workbook_sheets_formats_and_live_formulas(dic_workbook):
    _, path = dic_workbook
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Tổng hợp", "Dự toán", "Sổ dòng tiền", "Giả định", "Rủi ro", "Độ nhạy", "Thông tin"]
    summary = book["Tổng hợp"]
    head, headers = header_row(summary, "Xếp hạng")
    pv = summary.cell(row=head + 1, column=headers.index("Giá trị hiện tại của chi phí") + 1)
    ledger = book["Sổ dòng tiền"]
    lhead, lheaders = header_row(ledger, "PA số")
    letter = {h: get_column_letter(i + 1) for i, h in enumerate(lheaders)}
    pv_col = letter["Giá trị hiện tại"]
    assert pv.value.startswith(f"=SUMIFS('Sổ dòng tiền'!${pv_col}${lhead + 1}:${pv_col}$")
    assert summary.freeze_panes == f"A{head + 1}"
    assert summary.page_setup.orientation == "landscape" and summary.page_setup.paperSize == 9
    assert summary.sheet_properties.pageSetUpPr.fitToPage
    # the summary fits one page (1 x 1, openpyxl reads the default as None); the others are one page wide
    assert summary.page_setup.fitToWidth in (None, 1) and summary.page_setup.fitToHeight in (None, 1)
    assert book["Sổ dòng tiền"].page_setup.fitToHeight == 0
    for ws in book.worksheets:  # every sheet prints with a title block, the unit, a header and page numbers
        assert ws["A1"].value == "Trung tâm tích hợp dữ liệu 2024-2028: thuê, đầu tư hay kết hợp"
        assert ws["A3"].value.startswith("Đơn vị tính: đồng")
        assert ws["A4"].value.startswith("Số liệu tính đến ngày 30/04/2024. Ngày lập: ")  # as-of and preparation dates
        assert "Trang &P/&N" in ws.oddFooter.center.text
        assert ws.page_setup.paperSize == 9
        # the header row repeats on every page, except on sheets with several tables (Rủi ro, Độ nhạy)
        assert bool(ws.print_title_rows) == (ws.title not in ("Rủi ro", "Độ nhạy"))
    r = lhead + 1
    nominal, before, factor = letter["Đã có thuế GTGT"], letter["Chưa có thuế GTGT"], letter["Hệ số chiết khấu"]
    # present value = after VAT x discount factor, rounded to the đồng like every line a reader sees
    assert ledger[f"{pv_col}{r}"].value == f"=ROUND({nominal}{r}*{factor}{r},0)"
    assert ledger[f"{letter['Thuế GTGT']}{r}"].value == f"={nominal}{r}-{before}{r}"  # VAT = after VAT - before VAT
    assert ledger[f"{nominal}{r}"].number_format == "#,##0"
    # every line multiplies on paper: quantity x unit price x periods x (1 + VAT) = after VAT (to the rounding)
    for row in ledger.iter_rows(min_row=r, values_only=True):
        if row[0] is None:
            break
        q, p, k, b4 = (
            row[lheaders.index(h)]
            for h in (
                "Số lượng",
                "Đơn giá (chưa có thuế GTGT)",
                lheaders[lheaders.index("Đơn vị tính của đơn giá") + 1],
                "Chưa có thuế GTGT",
            )
        )
        # unit prices with a fraction of a đồng are written as they are (shown to four decimals), so the
        # product is the amount before its rounding to the đồng
        assert q * p * k == pytest.approx(b4, abs=0.5 + 1e-9 * abs(b4))
    about = book["Thông tin"]
    labels = [c.value for c in about["A"]]
    assert "Mã kiểm tra của tệp (SHA-256)" in labels and "Quy ước chiết khấu" in labels
    sha = about.cell(row=labels.index("Mã kiểm tra của tệp (SHA-256)") + 1, column=2).value
    assert len(sha) == 64
    inputs = book["Giả định"]
    texts = [c.value for row in inputs.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(t.startswith("DIC-RENT-VCPU") for t in texts) and "giả định" in texts  # register id and type shown
    assert "Tỷ giá VND/USD" in texts and "Tỷ lệ chiết khấu" in texts  # inputs named by what they are
    cached = openpyxl.load_workbook(path, data_only=True)["Tổng hợp"]
    assert isinstance(cached.cell(row=head + 1, column=4).value, float)  # cached values present


def test_injected_hyperlink_name_is_stored_as_text(tmp_path):
    data = make_scenario(
        [
            {
                "id": "a",
                "name": '=HYPERLINK("http://evil.example","x")',
                "items": [{"name": "@cmd", "category": "-1+2", "price": 10, "per": "year", "source": "+SUM(1)"}],
            }
        ]
    )
    path = tmp_path / "w.xlsx"
    path.write_bytes(workbook_bytes(evaluate(parse_scenario(data)), "en"))
    book = openpyxl.load_workbook(path)
    found = {}
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value in ('=HYPERLINK("http://evil.example","x")', "@cmd", "-1+2", "+SUM(1)"):
                    found[c.value] = c.data_type
    assert found == {'=HYPERLINK("http://evil.example","x")': "s", "@cmd": "s", "-1+2": "s", "+SUM(1)": "s"}


def rent_vs_buy():
    data = make_scenario(
        [
            {
                "id": "rent",
                "name": "Thuê",
                "items": [{"name": "fee", "category": "service", "price": 100, "per": "year", "escalation": 0}],
            },
            {
                "id": "buy",
                "name": "Mua",
                "items": [
                    {"name": "kit", "category": "equipment", "price": 250, "per": "once", "life": 5, "escalation": 0},
                    {"name": "ops", "category": "maintenance", "price": 20, "per": "year", "escalation": 0},
                ],
            },
        ],
        end_year=2028,
    )
    return evaluate(parse_scenario(data))


def test_crossover_found_by_hand():
    # cumulative rent 100, 200, 300, 400, 500; buy 270, 290, 310, 330, 350.
    # difference rent - buy: -170, -90, -10, +70 -> crosses between 2026 and 2027 at
    # 2026 + 10/80 = 2026.125, value 300 + 0.125 x 100 = 312.5
    cross = crossovers(rent_vs_buy().cumulative)
    assert len(cross) == 1
    row = cross.iloc[0]
    assert (row["overtaking"], row["overtaken"]) == ("rent", "buy")
    assert row["year"] == pytest.approx(2026.125) and row["value"] == pytest.approx(312.5)


def test_charts_have_their_series():
    result = rent_vs_buy()
    fig = cumulative_figure(result, "vi")
    gids = {a.get_gid() for a in fig.axes[0].get_children() if a.get_gid()}
    assert {"cumulative:rent", "cumulative:buy", "crossover:rent:buy"} <= gids
    fig = budget_by_category_figure(result, "en")
    gids = {a.get_gid() for ax in fig.axes for a in ax.get_children() if a.get_gid()}
    assert {"budget:rent:service", "budget:buy:equipment", "budget:buy:maintenance"} <= gids
    fig = pv_by_category_figure(result, "vi")
    assert any(a.get_gid() == "pv:equipment" for a in fig.axes[0].get_children())
    assert fig.axes[0].get_title(loc="left").startswith("Giá trị hiện tại")


def test_ledger_unit_prices_are_whole_or_shown_with_their_fraction():
    # a whole price under "#,##0.####" prints with a trailing separator in Excel ("15.964.416,"), and float residue
    # (499.999.999,9999999) is a whole price: every price cell is either whole with "#,##0" or has a fraction
    # of at least 0,00005 đồng with "#,##0.####" (a reviewer's finding)
    for name in ("data-integration-center.toml", "video-conferencing.toml"):
        book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(evaluate(load_scenario(SCENARIOS / name)), "vi")))
        ledger = book["Sổ dòng tiền"]
        head, headers = header_row(ledger, "PA số")
        col = headers.index("Đơn giá (chưa có thuế GTGT)") + 1
        for r in range(head + 1, ledger.max_row + 1):
            cell = ledger.cell(row=r, column=col)
            if not isinstance(cell.value, int | float):
                continue
            if cell.number_format == "#,##0":
                assert float(cell.value).is_integer(), (name, r, cell.value)
            else:
                assert cell.number_format == "#,##0.####", (name, r, cell.number_format)
                assert abs(cell.value - round(cell.value)) >= 5e-5, (name, r, cell.value)
