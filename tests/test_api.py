"""The public Python API (issue 12): top-level entry points, result objects, command-line edits.

What a notebook user meets: ``import costmodel`` and nothing else; results
with a short ``repr``, HTML in the reader's words, charts into the caller's
axes, the same files as the command line; ``--set``/``--scale`` giving exactly
what the same edit in the file gives.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from matplotlib.figure import Figure

import costmodel
from costmodel.cli import main
from reader_scan import scan

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
VC = SCENARIOS / "video-conferencing.toml"
DIC_PLAN = SCENARIOS / "dic-rental-procurement.toml"
PAST = SCENARIOS / "video-conferencing-past-rental.toml"
USAGE = SCENARIOS / "video-conferencing-past-rental-usage.csv"


@pytest.fixture(scope="module")
def results():
    """One of each result object, small and fast."""
    vc = costmodel.load_scenario(VC)
    return {
        "evaluation": costmodel.evaluate(vc),
        "simulation": costmodel.simulate(vc, draws=300, seed=1),
        "sensitivity": costmodel.sensitivity(vc, grid="auto", steps=3, sobol=0),
        "procurement": costmodel.procurement(DIC_PLAN),
        "comparison": costmodel.compare(vc, vc.with_changes({"scenario.discount_rate": 0.06})),
        "audit": costmodel.retrospective(PAST, USAGE),
    }


def test_every_entry_point_is_importable_from_costmodel_itself():
    code = (
        "import costmodel\n"
        "for name in ['evaluate', 'simulate', 'sensitivity', 'compare', 'procurement', 'check_compliance',\n"
        "             'retrospective', 'explanatory_report', 'ExplanatoryInputs', 'load_scenario', 'options']:\n"
        "    assert getattr(costmodel, name) is not None, name\n"
        "assert set(costmodel.__all__) <= set(dir(costmodel))\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'simulatee'"):
        costmodel.simulatee  # noqa: B018


@pytest.mark.parametrize("kind", ["evaluation", "simulation", "sensitivity", "procurement", "comparison", "audit"])
def test_repr_is_short_and_html_is_for_readers(results, kind, tmp_path):
    result = results[kind]
    assert len(repr(result)) < 500, repr(result)
    html = result._repr_html_()
    assert "<table" in html or "<li>" in html
    (tmp_path / f"{kind}.html").write_text(f"<html><body>{html}</body></html>", encoding="utf-8")
    found = scan(tmp_path, SCENARIOS)
    assert found.count == 0, found.report()


@pytest.mark.parametrize(
    ("kind", "chart"),
    [
        ("evaluation", "cumulative"),
        ("evaluation", "pv_by_category"),
        ("simulation", "s_curve"),
        ("sensitivity", "tornado"),
        ("sensitivity", "two_way"),
        ("procurement", "gantt"),
        ("comparison", "waterfall"),
        ("audit", "cumulative"),
    ],
)
def test_plot_draws_into_the_callers_axes(results, kind, chart):
    fig = Figure()
    ax = fig.subplots()
    out = getattr(results[kind].plot, chart)(ax=ax)
    assert out is fig
    assert ax.lines or ax.patches or ax.collections or ax.images
    assert isinstance(getattr(results[kind].plot, chart)(), Figure)


def test_budget_by_category_takes_one_axes_per_option(results):
    fig = Figure()
    axes = fig.subplots(1, 3)
    assert results["evaluation"].plot.budget_by_category(ax=axes) is fig


def test_lang_is_a_package_option(results):
    evaluation = results["evaluation"]
    try:
        costmodel.options.lang = "en"
        english = evaluation._repr_html_()
    finally:
        costmodel.options.lang = "vi"
    assert "Present value" in english
    assert "Giá trị hiện tại" in evaluation._repr_html_()
    assert "Giá trị hiện tại" in evaluation._repr_html_() and "Present value" in evaluation.view.summary("en")._repr_html_()
    with pytest.raises(ValueError, match="lang must be one of"):
        costmodel.options.lang = "fr"


def test_simulation_summary_keeps_the_machine_columns(results):
    summary = results["simulation"].summary
    assert {"option", "mean", "p10", "p50", "p90", "prob_cheapest", "deterministic"} <= set(summary.columns)
    assert results["simulation"].budget is results["simulation"].budget  # computed once


def test_tornado_targets_are_columns_not_joined_strings(results):
    tornado = results["sensitivity"].tornado
    assert set(tornado["target"]) <= {"gap", "rent", "buy", "hybrid"}
    gap = tornado[tornado["target"] == "gap"]
    assert (gap["minuend"] != "").all() and (gap["subtrahend"] != "").all()
    assert not tornado["target"].str.contains(" - ").any()


def test_evaluate_accepts_a_path_and_a_scenario_alike():
    a = costmodel.evaluate(str(VC)).summary
    b = costmodel.evaluate(costmodel.load_scenario(VC)).summary
    assert a.equals(b)
    with pytest.raises(TypeError, match="expected a Scenario or the path"):
        costmodel.evaluate({"scenario": {}})


def test_write_gives_what_the_command_line_writes(results, tmp_path):
    written = results["evaluation"].write(tmp_path / "py")
    assert main(["run", str(VC), "-o", str(tmp_path / "cli")]) == 0
    cli = {p.name for p in (tmp_path / "cli").iterdir()}
    assert {p.name for p in written} == cli
    for name in ("summary.csv", "ledger.csv", "budget.csv", "cumulative.csv"):
        assert (tmp_path / "py" / name).read_bytes() == (tmp_path / "cli" / name).read_bytes()


def test_to_excel_writes_one_workbook(results, tmp_path):
    path = results["simulation"].to_excel(tmp_path / "sim.xlsx")
    book = openpyxl.load_workbook(path)
    assert any("rủi ro" in name.lower() for name in book.sheetnames), book.sheetnames
    path = results["comparison"].to_excel(tmp_path / "cmp.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ["Nguyên nhân thay đổi", "Các thay đổi"]


def test_views_are_displayable(results):
    views = results["evaluation"].view
    for part in (views.summary(), views.estimate(), views.drivers(), views.slip()):
        assert part._repr_html_().strip()
    text = str(views.recommendation(results["simulation"], results["sensitivity"]))
    assert "tỷ đồng" in text


# ---------------------------------------------------------------------------
# edits in words
# ---------------------------------------------------------------------------


def test_edits_are_recorded_in_words_not_key_paths():
    from costmodel.reports.names import Names

    s = costmodel.load_scenario(VC).with_changes({"scenario.discount_rate": 0.06})
    s = s.with_changes({"options.rent.items[1].price": 5_500_000})
    words = Names(s, "vi").changes()
    assert words[0] == "Tỷ lệ chiết khấu: 8,0\u00a0% → 6,0\u00a0%"
    assert words[1].startswith("Đơn giá — Thuê điểm cầu cấp tỉnh, phương án Thuê dịch vụ")
    assert words[1].endswith("5.000.000 → 5.500.000")
    assert Names(s, "en").changes()[0] == "Discount rate: 8.0% → 6.0%"


def test_workbook_about_sheet_lists_the_edits_in_words(tmp_path):
    s = costmodel.load_scenario(VC).with_changes({"scenario.discount_rate": 0.06})
    path = costmodel.evaluate(s).to_excel(tmp_path / "wb.xlsx")
    book = openpyxl.load_workbook(path)
    about = book.worksheets[-1]
    cells = [str(c.value) for row in about.iter_rows() for c in row if c.value is not None]
    assert "Tỷ lệ chiết khấu: 8,0\u00a0% → 6,0\u00a0%" in cells
    assert not any("scenario.discount_rate" in c for c in cells)


# ---------------------------------------------------------------------------
# --set and --scale
# ---------------------------------------------------------------------------


def _sheets(path: Path, skip_last: bool = True) -> list[list[tuple]]:
    book = openpyxl.load_workbook(path)
    sheets = book.worksheets[:-1] if skip_last else book.worksheets
    return [[tuple(c.value for c in row) for row in sheet.iter_rows()] for sheet in sheets]


@pytest.mark.parametrize(
    ("args", "old", "new"),
    [
        (["--set", "scenario.discount_rate=0.06"], "discount_rate = 0.08", "discount_rate = 0.06"),
        (["--scale", "options.rent.items[1].price=1.2"], "price = 5_000_000", "price = 6000000.0"),
    ],
)
def test_run_with_an_edit_writes_what_the_edited_file_writes(tmp_path, args, old, new):
    """`costmodel run X --set K=V` == `costmodel run X'` for the edited file X', apart from provenance."""
    text = VC.read_text(encoding="utf-8")
    assert text.count(old) >= 1
    folder = tmp_path / "edited"
    folder.mkdir()
    for extra in ("peer-costs.csv", "price-index.csv", "assumptions.csv"):
        shutil.copy(SCENARIOS / extra, folder)
    edited = folder / VC.name
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    plain = tmp_path / "plain"
    plain.mkdir()
    for extra in ("peer-costs.csv", "price-index.csv", "assumptions.csv"):
        shutil.copy(SCENARIOS / extra, plain)
    shutil.copy(VC, plain / VC.name)
    assert main(["run", str(plain / VC.name), *args, "-o", str(tmp_path / "a")]) == 0
    assert main(["run", str(edited), "-o", str(tmp_path / "b")]) == 0
    a, b = tmp_path / "a", tmp_path / "b"
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    for path in a.glob("*.csv"):
        assert path.read_bytes() == (b / path.name).read_bytes(), path.name
    assert _sheets(a / "workbook.xlsx") == _sheets(b / "workbook.xlsx")


def test_bad_edits_exit_2_naming_the_key(capsys, tmp_path):
    cases = [
        (["--set", "options.rent.items[9].price=1"], "options.rent.items[9].price: no item 9"),
        (["--set", "scenario.discount_rate=abc"], "scenario.discount_rate:"),
        (["--scale", "options.rent.items[1].price=x"], "--scale: options.rent.items[1].price: expected a number"),
        (["--set", "nonsense"], "--set: nonsense: expected KEY=VALUE"),
        (["--set", "options.nobody.items[1].price=1"], "no option 'nobody'"),
    ]
    for args, message in cases:
        assert main(["run", str(VC), *args, "-o", str(tmp_path / "x")]) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_report_applies_an_edit_to_every_scenario_that_has_the_key(tmp_path, capsys):
    folder = tmp_path / "s"
    folder.mkdir()
    for name in ("video-conferencing.toml", "ioc.toml", "assumptions.csv", "peer-costs.csv", "price-index.csv"):
        shutil.copy(SCENARIOS / name, folder)
    assert (
        main(
            [
                "report",
                "--scenarios",
                str(folder),
                "-o",
                str(tmp_path / "o"),
                "--no-notebooks",
                "--set",
                "scenario.real_discount_rate=0.03",
            ]
        )
        == 2
    )
    assert "--set: scenario.real_discount_rate: no scenario in" in capsys.readouterr().err
    rc = main(
        [
            "report",
            "--scenarios",
            str(folder),
            "-o",
            str(tmp_path / "o"),
            "--no-notebooks",
            "--set",
            "scenario.discount_rate=0.06",
        ]
    )
    assert rc == 0
    for stem in ("video-conferencing", "ioc"):
        book = openpyxl.load_workbook(tmp_path / "o" / stem / "workbook.xlsx")
        cells = [str(c.value) for row in book.worksheets[-1].iter_rows() for c in row if c.value is not None]
        assert "Tỷ lệ chiết khấu: 8,0\u00a0% → 6,0\u00a0%" in cells, stem


def test_compare_one_file_with_variants(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main(["compare", str(VC), "--set", "scenario.discount_rate=0.06", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Tỷ lệ chiết khấu, lạm phát, trượt giá" in printed
    names = {p.name for p in out.iterdir()}
    assert {"attribution.csv", "totals.csv", "changes.csv", "compare.md", "compare.xlsx", "waterfall-gap.png"} <= names
    text = (out / "compare.md").read_text(encoding="utf-8")
    assert "Tỷ lệ chiết khấu: 8,0\u00a0% → 6,0\u00a0%" in text
    found = scan(out, SCENARIOS)
    assert found.count == 0, found.report()
    assert main(["compare", str(VC), "-o", str(out)]) == 2
    assert "give a second scenario file" in capsys.readouterr().err


def test_compare_groups_on_the_command_line(tmp_path):
    from costmodel.cli import _compare_groups
    from costmodel.scenario import ScenarioError

    assert _compare_groups(["rent=options.rent.items[*].price,options.rent.items[*].escalation"]) == {
        "rent": ["options.rent.items[*].price", "options.rent.items[*].escalation"]
    }
    with pytest.raises(ScenarioError, match="expected NAME=PATTERN"):
        _compare_groups(["oops"])


def test_figures_show_in_ipython():
    """A Figure returned by a notebook cell is shown as PNG whatever the backend (formatter registered on import)."""
    from costmodel.reports.display import _figure_png

    fig = Figure()
    fig.subplots().plot([1, 2], [3, 4])
    png = _figure_png(fig)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert io.BytesIO(png).getbuffer().nbytes > 1000


def test_dropped_and_added_options_are_named_by_their_names():
    from costmodel.reports.names import Names

    s = costmodel.load_scenario(SCENARIOS / "data-integration-center.toml").drop_option("hybrid")
    s = s.add_option(
        {
            "id": "cloud2",
            "name": "Thuê đám mây thứ hai",
            "items": [{"name": "vCPU", "category": "service", "price": 1, "per": "month"}],
        }
    )
    assert Names(s, "vi").changes() == [
        "Bỏ phương án Kết hợp: thiết bị riêng đặt tại IDC thuê chỗ (colocation)",
        "Thêm phương án Thuê đám mây thứ hai",
    ]
