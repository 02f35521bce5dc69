"""The command line against hostile or mistaken input (issue 15, parts 3-5).

* output paths checked before any work; a failed run — in the model, the
  charts or the console — leaves the output folder exactly as it was;
* values of options checked like values of a file: exit 2 naming the option;
  draws, Sobol samples and grids that would not fit in memory stopped before
  anything is allocated, saying how many the machine can hold;
* CSV outputs never hold a formula (OWASP "CSV Injection": a text cell starting
  with ``=``, ``+``, ``-``, ``@``, a tab or a line break gets a leading ``'``),
  numbers stay numbers; Markdown and HTML outputs never turn names into markup;
  the console prints ``[bold]`` as written and charts never read ``$...$`` as maths;
* ``costmodel report`` renders everything first and writes all or nothing.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import SCENARIOS, copy_dic
from costmodel._files import REPORT_MANIFEST, OutputError, write_report_tree, write_tree
from costmodel.cli import main
from costmodel.reports.outputs import csv_bytes, figure_files, neutral_text

VC = SCENARIOS / "video-conferencing.toml"
DIC = SCENARIOS / "data-integration-center.toml"

#: Names a spreadsheet would read as formulas (OWASP's examples and ours).
FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1:A2)")


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every path under ``folder`` (hidden staging folders included) with its bytes (None for a folder)."""
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))}


@pytest.fixture
def work(tmp_path, monkeypatch) -> Path:
    """A working folder (the current directory) holding a copy of the video-conferencing scenario as ``a.toml``."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(VC, tmp_path / "a.toml")
    shutil.copy(SCENARIOS / "price-index.csv", tmp_path)
    return tmp_path


# ---------------------------------------------------------------------------
# part 3: output paths, all or nothing
# ---------------------------------------------------------------------------


def no_work(*args, **kwargs):
    raise AssertionError("work started before the output path was checked")


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "a.toml"],
        ["simulate", "a.toml", "--draws", "100"],
        ["sensitivity", "a.toml", "--sobol", "0"],
        ["peers", "a.toml"],
        ["audit", "a.toml", "usage.csv"],
        ["compare", "a.toml", "a.toml"],
        ["schedule", "plan.toml"],
        ["choose", "criteria.toml"],
        ["compliance", "catalogue.csv", "status.csv", "--as-of", "2024-06-30"],
        ["report", "--scenarios", "."],
    ],
    ids=lambda argv: argv[0],
)
@pytest.mark.parametrize("where", ["file", "under-a-file"])
def test_an_output_folder_that_is_a_file_is_refused_before_any_work(work, monkeypatch, capsys, argv, where):
    import costmodel.cli as cli

    monkeypatch.setattr(cli, "load_scenario", no_work)
    monkeypatch.setattr(cli, "evaluate", no_work)
    (work / "taken").write_text("not a folder", encoding="utf-8")
    out = "taken" if where == "file" else "taken/sub"
    before = snapshot(work)
    assert main([*argv, "-o", out]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"-o: {out}: ")
    if where == "file":
        assert "expected a folder (or a path that does not exist yet), got a file" in err
    else:
        assert "taken is a file" in err
    assert "unexpected error" not in err and "Traceback" not in err
    assert snapshot(work) == before


def test_the_default_output_folder_is_checked_too(work, capsys):
    (work / "reports").write_text("a file where reports/ should be", encoding="utf-8")
    before = snapshot(work)
    assert main(["run", "a.toml"]) == 2
    assert "-o: reports/a: reports is a file" in capsys.readouterr().err
    assert snapshot(work) == before


@pytest.mark.parametrize("command", ["glossary", "assumptions"])
def test_a_folder_where_a_file_is_expected_is_refused(work, capsys, command):
    (work / "docs.md").mkdir()
    before = snapshot(work)
    assert main([command, "-o", "docs.md"]) == 2
    assert "-o: docs.md: expected a file, got a folder" in capsys.readouterr().err
    (work / "f").write_text("x", encoding="utf-8")
    assert main([command, "-o", "f/glossary.md"]) == 2
    assert "-o: f/glossary.md: f is a file" in capsys.readouterr().err
    assert snapshot(work) == {**before, "f": b"x"}


def test_a_folder_where_an_output_file_goes_fails_with_exit_2_and_writes_nothing(work, capsys):
    out = work / "out"
    (out / "summary.csv").mkdir(parents=True)  # a folder where run writes a file
    (out / "ledger.csv").write_text("old ledger", encoding="utf-8")
    before = snapshot(work)
    assert main(["run", "a.toml", "-o", "out"]) == 2
    assert "summary.csv: is a folder, expected a file" in capsys.readouterr().err
    assert snapshot(work) == before


@pytest.mark.parametrize("exists", [True, False], ids=["existing-folder", "new-folder"])
def test_write_tree_undoes_every_move_when_one_fails(tmp_path, monkeypatch, exists):
    out = tmp_path / "out"
    if exists:
        (out / "sub").mkdir(parents=True)
        (out / "a.csv").write_bytes(b"old a")
        (out / "keep.txt").write_bytes(b"not ours")
    before = snapshot(tmp_path)
    real_replace, calls = os.replace, []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 4:
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    files = {"a.csv": b"new a", "sub/b.csv": b"new b", "new/c.csv": b"new c"}
    if not exists:  # a new folder appears in one rename: make that one fail
        calls.extend([None, None, None])
    with pytest.raises(OSError, match="disk full"):
        write_tree(out, files)
    monkeypatch.setattr(os, "replace", real_replace)
    assert snapshot(tmp_path) == before  # nothing half-written, no staging folder left, no new folder
    assert write_tree(out, files) == [out / "a.csv", out / "sub" / "b.csv", out / "new" / "c.csv"]
    assert (out / "new" / "c.csv").read_bytes() == b"new c"
    assert not [p for p in out.iterdir() if p.name.startswith(".costmodel-")]


def test_write_tree_refuses_names_outside_the_folder_and_files_in_the_way(tmp_path):
    with pytest.raises(ValueError):
        write_tree(tmp_path, {"../x.csv": b""})
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(OutputError, match="is a file, expected a folder"):
        write_tree(tmp_path, {"f/x.csv": b""})


def test_a_report_removes_only_what_its_previous_run_wrote_and_this_one_does_not(tmp_path):
    out = tmp_path / "reports"
    write_report_tree(out, {"dic/two-way.svg": b"old chart", "dic/summary.csv": b"1", "gone/a.csv": b"a"})
    (out / "dic" / "notes.txt").write_bytes(b"the reader's own file")
    assert (out / REPORT_MANIFEST).read_text(encoding="utf-8") == "dic/summary.csv\ndic/two-way.svg\ngone/a.csv\n"
    write_report_tree(out, {"dic/summary.csv": b"2", "dic/two_way.csv": b"grid"})
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        REPORT_MANIFEST,
        "dic/notes.txt",  # never written by a report: left alone
        "dic/summary.csv",
        "dic/two_way.csv",
    ]
    assert not (out / "gone").exists()  # emptied by the removal
    # a listing edited to point outside the folder removes nothing there
    outside = tmp_path / "keep.csv"
    outside.write_bytes(b"keep")
    (out / REPORT_MANIFEST).write_text("../keep.csv\n/etc/passwd\n\ndic/summary.csv\n", encoding="utf-8")
    write_report_tree(out, {"dic/two_way.csv": b"grid"})
    assert outside.read_bytes() == b"keep" and not (out / "dic" / "summary.csv").exists()
    assert (out / "dic" / "notes.txt").exists()


def test_a_failing_chart_leaves_the_output_folder_as_it_was(work, monkeypatch, capsys):
    import costmodel.reports.charts as charts

    assert main(["run", "a.toml", "-o", "out"]) == 0
    before = snapshot(work)

    def broken(*args, **kwargs):
        raise RuntimeError("chart failed")

    monkeypatch.setattr(charts, "pv_by_category_figure", broken)
    assert main(["run", "a.toml", "-o", "out"]) == 1
    assert "chart failed" in capsys.readouterr().err
    assert snapshot(work) == before


def test_a_failing_console_leaves_the_output_folder_as_it_was(work, monkeypatch, capsys):
    import costmodel.reports.console as console

    def broken(*args, **kwargs):
        raise UnicodeEncodeError("latin-1", "đ", 0, 1, "the terminal cannot show it")

    monkeypatch.setattr(console, "print_summary", broken)
    assert main(["run", "a.toml", "-o", "out"]) == 1
    assert not (work / "out").exists()


NAMES_TOML = """
[scenario]
title = "[bold]Tiêu đề[/bold] $\\\\frac{$ [/]"
start_year = 2024
end_year = 2025
discount_rate = 0.05

[[options]]
id = "a"
name = "[red]Thuê[/red] $x^2$"

  [[options.items]]
  name = "[/] $\\\\undefinedcommand$"
  category = "c"
  price = 1_000_000
  per = "year"

[[options]]
id = "b"
name = "[link=http://x]Mua[/link] $5 and $6"

  [[options.items]]
  name = "$$"
  category = "d"
  price = 2_000_000
  per = "year"
"""


def test_names_print_as_written_and_are_never_read_as_markup_or_maths(work, capsys):
    (work / "n.toml").write_text(NAMES_TOML, encoding="utf-8")
    assert main(["run", "n.toml", "-o", "out", "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    for name in ("[red]Thuê[/red] $x^2$", "[link=http://x]Mua[/link]", "[bold]Tiêu đề[/bold]"):  # (table cells wrap)
        assert name in printed
    assert (work / "out" / "pv-by-category.svg").stat().st_size > 0


def test_every_text_of_a_saved_figure_is_shown_as_written():
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title(r"$\undefinedcommand$")  # mathtext would fail when saving
    ax.set_yticks([0, 1], [r"$\frac{$", "$x$"])
    ax.plot([0, 1], label="$y$")
    ax.legend()
    files = figure_files(fig, "f")  # no error: nothing is read as mathematics
    assert set(files) == {"f.png", "f.svg"}
    texts = [t.get_text() for t in fig.findobj(Text) if "$" in t.get_text()]
    assert texts and all(re.search(r"(?<!\\)\$", t) is None for t in texts)
    assert not any(t.get_usetex() for t in fig.findobj(Text))


def test_a_tab_in_a_name_is_a_space_in_charts():
    """Found by the fuzz soak (plan file, a task named "\t"): tabs are allowed in names (text files have them)
    but no font has a glyph for one, so matplotlib warned "Glyph 9 missing" and the chart showed a box."""
    import warnings

    from matplotlib.figure import Figure

    fig = Figure()
    ax = fig.add_subplot()
    ax.set_title("Ký\thợp đồng")
    ax.set_yticks([0, 1], ["\t", "a\tb"])  # fixed tick labels are re-read from their formatter at every draw
    ax.plot([0, 1], label="x\ty")
    ax.legend()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure_files(fig, "f")
    assert ax.get_title() == "Ký hợp đồng"
    assert [t.get_text() for t in ax.get_yticklabels()] == [" ", "a b"]


# ---------------------------------------------------------------------------
# part 4: values of options
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["simulate", "a.toml", "--seed", "-1"], "--seed"),
        (["simulate", "a.toml", "--seed", "4294967296"], "--seed"),
        (["simulate", "a.toml", "--seed", "1.5"], "--seed"),
        (["sensitivity", "a.toml", "--seed", "-3"], "--seed"),
        (["choose", "c.toml", "--seed", "99999999999"], "--seed"),
        (["simulate", "a.toml", "--draws", "0"], "--draws"),
        (["simulate", "a.toml", "--draws", "-5"], "--draws"),
        (["choose", "c.toml", "--draws", "0"], "--draws"),
        (["simulate", "a.toml", "--chunk", "0"], "--chunk"),
        (["simulate", "a.toml", "--budget-cap", "nan"], "--budget-cap"),
        (["simulate", "a.toml", "--budget-cap", "inf"], "--budget-cap"),
        (["simulate", "a.toml", "--budget-cap", "1e400"], "--budget-cap"),
        (["simulate", "a.toml", "--budget-cap", "0"], "--budget-cap"),
        (["simulate", "a.toml", "--budget-cap", "-5"], "--budget-cap"),
        (["sensitivity", "a.toml", "--percent", "inf"], "--percent"),
        (["sensitivity", "a.toml", "--percent", "nan"], "--percent"),
        (["sensitivity", "a.toml", "--percent", "0"], "--percent"),
        (["sensitivity", "a.toml", "--percent", "-0.2"], "--percent"),
        (["sensitivity", "a.toml", "--percent", "1"], "--percent"),
        (["sensitivity", "a.toml", "--percent", "20"], "--percent"),
        (["sensitivity", "a.toml", "--sobol", "1000"], "--sobol"),
        (["sensitivity", "a.toml", "--sobol", "-4"], "--sobol"),
        (["sensitivity", "a.toml", "--steps", "0"], "--steps"),
        (["audit", "a.toml", "u.csv", "--hours-per-month", "0"], "--hours-per-month"),
        (["audit", "a.toml", "u.csv", "--hours-per-month", "-176"], "--hours-per-month"),
        (["audit", "a.toml", "u.csv", "--hours-per-month", "nan"], "--hours-per-month"),
        (["audit", "a.toml", "u.csv", "--hours-per-month", "745"], "--hours-per-month"),
        (["report", "--as-of", "2024-02-30"], "--as-of"),
        (["report", "--as-of", "9999-12-31"], "--as-of"),
        (["schedule", "p.toml", "--as-of", "1999-12-31"], "--as-of"),
        (["compliance", "c.csv", "s.csv", "--as-of", "2101-01-01"], "--as-of"),
        (["compliance", "c.csv", "s.csv", "--as-of", "2024-06-30", "--previous-as-of", "2024-13-01"], "--previous-as-of"),
    ],
)
def test_bad_values_of_options_exit_2_naming_the_option(work, capsys, argv, option):
    before = snapshot(work)
    assert main([*argv, "-o", "out"]) == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err
    assert "Traceback" not in err and "unexpected error" not in err
    assert snapshot(work) == before


def test_draws_that_do_not_fit_in_memory_are_refused_before_allocating(work, capsys):
    assert main(["simulate", "a.toml", "--draws", "100000000000", "-o", "out"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("--draws: 100,000,000,000 draws of 3 options x 5 years would need about ")
    assert re.search(r"this machine can hold at most [\d,]+ draws", err)
    assert "MemoryError" not in err
    assert not (work / "out").exists()


def _most(err: str) -> int:
    return int(re.search(r"at most (?:--\w+ )?([\d,]+)", err).group(1).replace(",", ""))


def test_the_number_of_draws_said_to_fit_does_fit(work, monkeypatch, capsys):
    import costmodel.cli as cli

    monkeypatch.setattr(cli, "available_memory", lambda: 200_000_000)
    assert main(["simulate", str(DIC), "--draws", "10000000", "-o", "out"]) == 2
    most = _most(capsys.readouterr().err)
    assert 10_000 < most < 10_000_000
    assert main(["simulate", str(DIC), "--draws", str(most), "-o", "out"]) == 0
    assert main(["simulate", str(DIC), "--draws", str(most + 1000), "-o", "out2"]) == 2
    assert not (work / "out2").exists()


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["sensitivity", str(DIC), "--sobol", str(2**30)], "--sobol"),
        (["sensitivity", str(DIC), "--grid", "auto", "--steps", "1000000"], "--steps"),
        (["choose", str(SCENARIOS / "ioc-criteria.toml"), "--draws", "100000000000"], "--draws"),
    ],
)
def test_samples_and_grids_that_do_not_fit_in_memory_are_refused(work, capsys, argv, option):
    assert main([*argv, "-o", "out"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{option}: ") and "this machine can hold at most" in err
    assert not (work / "out").exists()


# ---------------------------------------------------------------------------
# part 5: CSV, Markdown and HTML never turn names into formulas or markup
# ---------------------------------------------------------------------------


def test_csv_bytes_neutralises_text_cells_only():
    table = pd.DataFrame(
        {
            "name": ["=1+1", "+cmd", "-2+3", "@SUM(A1:A2)", "\tx", "\rx", "Thuê", None],
            "value": [-5.0, 0.1, -0.0, 1e300, -1.5, 2.0, 3.0, float("nan")],
            "count": [-1, 2, 3, 4, 5, 6, 7, 8],
            "mixed": [-0.02, "-0.02", 5, "x", "", None, True, "@"],
        }
    )
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8"))))
    assert rows[0] == ["name", "value", "count", "mixed"]
    assert [r[0] for r in rows[1:]] == ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1:A2)", "'\tx", "'\nx", "Thuê", ""]
    assert [float(r[1]) for r in rows[1:-1]] == table["value"].tolist()[:-1]  # repr-exact, negatives unchanged
    assert [int(r[2]) for r in rows[1:]] == table["count"].tolist()
    assert [r[3] for r in rows[1:]] == ["-0.02", "'-0.02", "5", "x", "", "", "True", "'@"]
    assert neutral_text(-5) == -5 and neutral_text("5") == "5"
    header = csv_bytes(pd.DataFrame({"=x": [1]})).decode("utf-8")
    assert header.startswith("'=x\n")


PLAN = """
[project]
title = "=HYPERLINK(\\"http://x\\",\\"y\\")"
start = 2024-04-15
deadline = 2024-09-30
deadline_source = "@SUM(A1:A2)"

[[tasks]]
id = "a"
name = "=HYPERLINK(\\"http://x\\",\\"y\\")"
owner = "+1"
duration = 5
source = "-2+3"

[[tasks]]
id = "b"
name = "@SUM(A1:A2)"
owner = "-2+3"
duration = 3
after = ["a"]
source = "+1"
"""

SCENARIO = """
[scenario]
title = "=HYPERLINK(\\"http://x\\",\\"y\\")"
start_year = 2024
end_year = 2025
discount_rate = 0.05

[[options]]
id = "a"
name = "=HYPERLINK(\\"http://x\\",\\"y\\")"

  [[options.items]]
  name = "@SUM(A1:A2)"
  category = "+1"
  price = 1_234_567.6
  per = "year"
  source = "-2+3"

[[options]]
id = "b"
name = "-2+3"

  [[options.items]]
  name = "+1"
  category = "-2+3"
  price = 1
  per = "year"
"""

CATALOGUE = """dataset_id,name,catalogue,unit,frequency,ioc_required,build_deadline
D1,"=HYPERLINK(""http://x"",""y"")",shared,+1,monthly,yes,2024-03-31
D2,@SUM(A1:A2),open,-2+3,daily,yes,2024-03-31
D3,-2+3,open,@SUM(A1:A2),yearly,no,2024-03-31
"""

STATUS = """dataset_id,built_on,last_updated,ioc_connected_on,evidence,note
D1,2024-03-20,2024-05-15,,@SUM(A1:A2),-2+3
D2,,,,,+1
D3,2024-03-01,2024-03-01,,"=HYPERLINK(""http://x"",""y"")",
"""


def read_csvs(folder: Path) -> dict[str, list[dict[str, str]]]:
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with open(path, newline="", encoding="utf-8") as fh:
            out[path.name] = list(csv.DictReader(fh))
    return out


def assert_neutralised(tables: dict[str, list[dict[str, str]]]) -> int:
    """No cell starts like a formula; every cell that held one of FORMULAS holds it behind a ``'``. Returns how many."""
    found = 0
    for name, rows in tables.items():
        for row in rows:
            for col, cell in row.items():
                assert not cell.startswith(("=", "+", "@", "\t", "\r")), (name, col, cell)
                if cell.startswith("-"):  # a negative number in a numeric column is a number
                    float(cell)
                if cell[1:] in FORMULAS:
                    assert cell.startswith("'"), (name, col, cell)
                    found += 1
    return found


def test_csv_outputs_of_a_scenario_a_plan_and_a_catalogue_hold_no_formula(work):
    (work / "s.toml").write_text(SCENARIO, encoding="utf-8")
    assert main(["run", "s.toml", "-o", "run"]) == 0
    run = read_csvs(work / "run")
    assert assert_neutralised(run) >= 8
    summary = {r["option"]: r for r in run["summary.csv"]}
    assert summary["a"]["name"] == "'" + FORMULAS[0] and summary["b"]["name"] == "'-2+3"
    assert float(summary["a"]["pv_cost"]) > 0 and float(summary["b"]["pv_cost"]) > 0  # numbers stay numbers
    ledger = run["ledger.csv"]
    assert {r["item"] for r in ledger} == {"'@SUM(A1:A2)", "'+1"} and {r["source"] for r in ledger} >= {"'-2+3"}
    assert [float(r["unit_price"]) for r in ledger if r["option"] == "a"] == [1_234_567.6, 1_234_567.6]

    (work / "p.toml").write_text(PLAN, encoding="utf-8")
    progress = work / "progress"
    progress.mkdir()
    (progress / "progress-2024-04-19.csv").write_text(
        "task_id,percent_complete,actual_start,actual_finish,note\na,60,2024-04-15,,-2+3\n", encoding="utf-8"
    )
    assert main(["schedule", "p.toml", "--progress", "progress", "-o", "plan"]) == 0
    plan = read_csvs(work / "plan")
    assert assert_neutralised(plan) >= 4
    schedule = {r["id"]: r for r in plan["schedule.csv"]}
    assert schedule["a"]["name"] == "'" + FORMULAS[0] and schedule["b"]["owner"] == "'-2+3"
    assert int(schedule["a"]["duration"]) == 5

    (work / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    (work / "status.csv").write_text(STATUS, encoding="utf-8")
    assert main(["compliance", "catalogue.csv", "status.csv", "--as-of", "2024-06-30", "-o", "comp"]) == 0
    comp = read_csvs(work / "comp")
    assert assert_neutralised(comp) >= 3
    names = {r.get("name") for rows in comp.values() for r in rows}
    assert "'" + FORMULAS[0] in names and "'@SUM(A1:A2)" in names


def test_markdown_and_html_outputs_escape_names(work):
    evil = "<script>alert(1)</script> | **x** [a](javascript:b)"
    plan = PLAN.replace('name = "@SUM(A1:A2)"', f'name = "{evil}"').replace(
        'title = "=HYPERLINK(\\"http://x\\",\\"y\\")"', f'title = "{evil}"'
    )
    (work / "p.toml").write_text(plan, encoding="utf-8")
    progress = work / "progress"
    progress.mkdir()
    (progress / "progress-2024-04-26.csv").write_text(
        "task_id,percent_complete,actual_start,actual_finish,note\na,10,2024-04-15,,\nb,0,,,\n", encoding="utf-8"
    )
    assert main(["schedule", "p.toml", "--progress", "progress", "-o", "plan", "--lang", "en"]) == 0
    md = (work / "plan" / "weekly-report.md").read_text(encoding="utf-8")
    html = (work / "plan" / "weekly-report.html").read_text(encoding="utf-8")
    assert "<script>alert" not in md and "&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*\\*x\\*\\* \\[a\\](javascript:b)" in md
    assert "**Forecast finish" in md or "**" in md  # the report's own bold is kept
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; | **x** [a](javascript:b)" in html
    assert "<strong>x</strong>" not in html

    catalogue = CATALOGUE.replace("@SUM(A1:A2),open,-2+3", f'"{evil}",open,-2+3')
    (work / "catalogue.csv").write_text(catalogue, encoding="utf-8")
    (work / "status.csv").write_text(STATUS, encoding="utf-8")
    assert main(["compliance", "catalogue.csv", "status.csv", "--as-of", "2024-06-30", "-o", "comp"]) == 0
    md = (work / "comp" / "compliance.md").read_text(encoding="utf-8")
    html = (work / "comp" / "compliance.html").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;alert(1)&lt;/script&gt; \\|" in md
    assert "<script>" not in html

    scenario = VC.read_text(encoding="utf-8")
    title = re.search(r'^title = "(.*)"$', scenario, re.M).group(1)
    (work / "b.toml").write_text(scenario.replace(title, evil.replace("|", "/")), encoding="utf-8")
    assert main(["compare", "a.toml", "b.toml", "-o", "cmp"]) == 0
    md = (work / "cmp" / "compare.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\*\\*x\\*\\*" in md


def test_the_decision_report_escapes_criteria_names(work):
    for name in ("ioc-criteria.toml", "ioc.toml", "ioc-provinces.csv", "assumptions.csv"):
        shutil.copy(SCENARIOS / name, work)
    shutil.copytree(SCENARIOS / "ioc-data", work / "ioc-data")
    text = (work / "ioc-criteria.toml").read_text(encoding="utf-8")
    first = re.search(r'^\[\[criterion\]\]\n(?:.*\n)*?name = "(.*)"$', text, re.M).group(1)
    (work / "ioc-criteria.toml").write_text(text.replace(first, "<b>=1+1</b> | *x*", 1), encoding="utf-8")
    assert main(["choose", "ioc-criteria.toml", "--draws", "200", "-o", "choice"]) == 0
    md = (work / "choice" / "decision.md").read_text(encoding="utf-8")
    html = (work / "choice" / "decision.html").read_text(encoding="utf-8")
    assert "<b>" not in md and "&lt;b&gt;=1+1&lt;/b&gt; \\| \\*x\\*" in md
    assert "<b>=1+1" not in html and "&lt;b&gt;=1+1&lt;/b&gt; | *x*" in html
    assert_neutralised(read_csvs(work / "choice"))


# ---------------------------------------------------------------------------
# report: all or nothing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "existing-folder"])
def test_report_with_one_bad_scenario_writes_nothing_and_exits_2(tmp_path, capsys, existing):
    src = tmp_path / "scenarios"
    copy_dic(src, "good.toml")
    shutil.copy(Path(__file__).parent / "bad" / "negative-price.toml", src / "bad.toml")
    out = tmp_path / "reports"
    if existing:
        (out / "good").mkdir(parents=True)
        (out / "good" / "summary.csv").write_text("the previous run", encoding="utf-8")
        (out / "other.txt").write_text("not ours", encoding="utf-8")
    before = snapshot(tmp_path)
    assert main(["report", "--scenarios", str(src), "-o", str(out), "--no-notebooks"]) == 2
    captured = capsys.readouterr()
    assert "bad.toml" in captured.err and "must be >= 0" in captured.err
    assert "nothing written" in captured.err
    assert snapshot(tmp_path) == before
    assert out.exists() == existing


def test_report_checks_every_output_subfolder_first(tmp_path, capsys):
    src = tmp_path / "scenarios"
    copy_dic(src, "good.toml")
    out = tmp_path / "reports"
    out.mkdir()
    (out / "good").write_text("a file where the scenario's folder goes", encoding="utf-8")
    before = snapshot(tmp_path)
    assert main(["report", "--scenarios", str(src), "-o", str(out), "--no-notebooks"]) == 2
    assert f"-o: {out / 'good'}: expected a folder" in capsys.readouterr().err
    assert snapshot(tmp_path) == before


def test_report_writes_everything_in_one_go(tmp_path, capsys):
    src = tmp_path / "scenarios"
    copy_dic(src, "one.toml")
    out = tmp_path / "reports"
    (out / "one").mkdir(parents=True)
    (out / "one" / "summary.csv").write_text("the previous run", encoding="utf-8")
    (out / "one" / "mine.txt").write_text("not ours", encoding="utf-8")
    assert main(["report", "--scenarios", str(src), "-o", str(out), "--no-notebooks"]) == 0
    assert (out / "one" / "summary.csv").read_text(encoding="utf-8").startswith("option,")
    assert (out / "one" / "mine.txt").read_text(encoding="utf-8") == "not ours"
    assert (out / "dic-rental-procurement" / "schedule.csv").exists()
    assert not [p for p in out.rglob(".costmodel-*")] and not [p for p in tmp_path.glob(".costmodel-*")]
    assert str(out / "one" / "summary.csv") in capsys.readouterr().out
