"""Numbers at the edge (issue 15, parts 1 and 6): one range policy, finite outputs, the compliance last_updated rule.

Every case is a regression of a failure seen before the fix (an "unexpected error",
a NaN or an infinity in an output, a silent wrong number). Where a command-line run is
natural the case asserts exit code 2, the file and key path (or line) on stderr, and
that the output folder was not written; library-level cases assert the error type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from conftest import SCENARIOS
from costmodel import ScenarioError, evaluate, load_scenario, parse_scenario
from costmodel.audit import UsageError, parse_usage, retrospective
from costmodel.cli import main
from costmodel.compliance import ComplianceError, evaluate_compliance, parse_catalogue, parse_status
from costmodel.finance import capital_recovery_factor
from costmodel.mcda import CriteriaError, load_criteria
from costmodel.peers import PeerDataError, parse_peer_costs, peer_positions, peers_at_base_year, scenario_unit_costs
from costmodel.prices import PriceIndexError, index_factor, parse_price_index
from costmodel.risk.sensitivity import sensitivity
from costmodel.risk.simulate import simulate
from costmodel.scenario.distributions import make_distribution
from costmodel.scenario.schema import MAX_AMOUNT, MAX_QUANTITY
from costmodel.schedule.plan import PlanError, load_plan, parse_plan, parse_progress
from costmodel.schedule.service import progress_files

VC = SCENARIOS / "video-conferencing.toml"

MINI = """
[scenario]
title = "mini"
start_year = 2024
end_year = 2028
discount_rate = 0.08
unit_driver = "pts"

[drivers.pts]
values = { 2024 = 1, 2025 = 1, 2026 = 1, 2027 = 1, 2028 = 1 }

[[options]]
id = "rent"
name = "Rent"

  [[options.items]]
  name = "fee"
  category = "service"
  price = 1000
  per = "month"
  quantity = "pts"

[[options]]
id = "buy"
name = "Buy"

  [[options.items]]
  name = "kit"
  category = "equipment"
  price = 20000
  per = "once"
  life = 3
"""

#: The mini scenario over 100 years (2024-2123), the driver grown from start.
CENTURY = MINI.replace("end_year = 2028", "end_year = 2123").replace(
    "values = { 2024 = 1, 2025 = 1, 2026 = 1, 2027 = 1, 2028 = 1 }", "start = 1"
)


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _write(folder: Path, text: str, name: str = "s.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _vc(folder: Path, old: str | None = None, new: str | None = None) -> Path:
    """A copy of the video-conferencing scenario (with its price index), optionally edited."""
    shutil.copy(SCENARIOS / "price-index.csv", folder)
    shutil.copy(SCENARIOS / "peer-costs.csv", folder)
    text = VC.read_text(encoding="utf-8")
    if old is not None:
        text = _edit(text, old, new)
    return _write(folder, text, "vc.toml")


def _fails(capsys, argv: list[str], out: Path, *expected: str) -> str:
    """Run the command line: exit 2, every expected text on stderr, the output folder not written."""
    before = sorted(p.name for p in out.iterdir()) if out.exists() else None
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "unexpected error" not in err and "Traceback" not in err
    for text in expected:
        assert text in err, err
    after = sorted(p.name for p in out.iterdir()) if out.exists() else None
    assert after == before
    return err


def _all_finite(frame: pd.DataFrame) -> bool:
    numbers = frame.select_dtypes("number").to_numpy(dtype=float)
    return bool(np.isfinite(numbers).all())


# ---------------------------------------------------------------------------
# Scenario numbers: ranges in the schema pass, with the key path
# ---------------------------------------------------------------------------


def test_a_vanishingly_small_discount_rate_works_and_eac_is_pv_over_n(tmp_path, capsys):
    path = _vc(tmp_path, "discount_rate = 0.08", "discount_rate = 1e-300")
    out = tmp_path / "out"
    assert main(["run", str(path), "-o", str(out)]) == 0
    summary = pd.read_csv(out / "summary.csv")
    n = 5
    assert np.allclose(summary["eac"], summary["pv_cost"] / n, rtol=1e-12)
    # the workbook's EAC formula uses the series near r = 0 (no #DIV/0! when Excel recalculates)
    sheet = openpyxl.load_workbook(out / "workbook.xlsx").worksheets[0]
    formulas = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "ABS(" in c.value]
    assert formulas and all("<1E-6" in f for f in formulas)


def test_crf_near_zero_is_its_limit_and_agrees_with_the_closed_form():
    assert float(capital_recovery_factor(1e-300, 5)) == pytest.approx(0.2, rel=1e-15)
    assert float(capital_recovery_factor(0.0, 7)) == pytest.approx(1 / 7, rel=1e-15)
    for r in (1e-12, 9.9e-7, 1.1e-6, 1e-3, 0.08):
        for n in (1, 5, 100, 301):
            exact = r * (1 + r) ** n / ((1 + r) ** n - 1) if r > 1e-9 else None
            if exact is not None:
                assert float(capital_recovery_factor(r, n)) == pytest.approx(exact, rel=1e-9)


def test_a_price_near_the_float_limit_is_a_schema_error_and_nothing_is_written(tmp_path, capsys):
    path = _vc(tmp_path, "price = 5_000_000", "price = 1e308")
    out = tmp_path / "out"
    _fails(capsys, ["run", str(path), "-o", str(out)], out, "vc.toml: options.rent.items[1] (", ").price: must be <= 1e15")


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("price = 20000", "price = nan", "options.buy.items[1] (kit).price", "must be a finite number (got nan)"),
        ("price = 20000", "price = inf", "options.buy.items[1] (kit).price", "must be a finite number (got inf)"),
        ("price = 20000", "price = 1" + "0" * 400, "options.buy.items[1] (kit).price", "must be <= 1e15"),
        ("price = 20000", "price = 2e15", "options.buy.items[1] (kit).price", "must be <= 1e15, the largest price accepted"),
        ('quantity = "pts"', "quantity = 2e9", "options.rent.items[1] (fee).quantity", "must be <= 1e9"),
        ("2024 = 1,", "2024 = 1e10,", "drivers.pts.values.2024", "must be <= 1e9"),
        ("discount_rate = 0.08", "discount_rate = nan", "scenario.discount_rate", "must be a finite number"),
        ("discount_rate = 0.08", "discount_rate = -1", "scenario.discount_rate", "must be > -1 (got -1)"),
        ("discount_rate = 0.08", "discount_rate = 1" + "0" * 400, "scenario.discount_rate", "must be a finite number"),
        ('name = "kit"', 'name = ["a"]', "options.buy.items[1].name", "expected a string, got an array"),
        ('category = "equipment"', "category = {x=1}", "options.buy.items[1] (kit).category", "expected a string, got a table"),
        ('category = "equipment"', 'category = ["x"]', "options.buy.items[1] (kit).category", "expected a string, got an array"),
        (
            "price = 20000",
            'price = {dist=["pert"], low=1, mode=2, high=3}',
            "options.buy.items[1] (kit).price",
            "dist must be one of",
        ),
        (
            "price = 20000",
            'price = {dist="uniform", low=-1e308, high=1e308}',
            "options.buy.items[1] (kit).price",
            "uniform: high - low is too large",
        ),
        (
            "life = 3",
            "life = 3\n  residual = nan",
            "options.buy.items[1] (kit).residual",
            "a resale fraction must be between 0 and 1",
        ),
    ],
)
def test_bad_numbers_and_types_are_schema_errors_with_the_key_path(tmp_path, capsys, old, new, path, message):
    scenario = _write(tmp_path, _edit(MINI, old, new))
    out = tmp_path / "out"
    _fails(capsys, ["run", str(scenario), "-o", str(out)], out, f"s.toml: {path}: {message}")


def test_a_table_where_a_category_belongs_never_crashes_the_optimism_bias_check():
    data = {
        "scenario": {"title": "t", "start_year": 2024, "end_year": 2024, "discount_rate": 0.0},
        "options": [{"id": "a", "name": "A", "items": [{"name": "x", "category": {"x": 1}, "price": 1, "per": "once"}]}],
        "optimism_bias": {"equipment": 0.1},
    }
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data)
    text = str(info.value)
    assert "options.a.items[1] (x).category: expected a string, got a table" in text


@pytest.mark.parametrize("life", ["9223372036854775807", "1" + "0" * 30])
def test_any_whole_life_is_valid_and_a_life_longer_than_the_horizon_never_renews(tmp_path, life):
    result = evaluate(parse_scenario(__import__("tomllib").loads(_edit(MINI, "life = 3", f"life = {life}"))))
    kit = result.ledger[result.ledger["option"] == "buy"]
    assert set(kit["kind"]) == {"cost", "residual"}  # bought once, never again, credited (almost) all its value
    assert _all_finite(result.ledger) and _all_finite(result.summary[["pv_cost", "eac"]])
    residual = -float(kit.loc[kit["kind"] == "residual", "nominal"].iloc[0])
    assert residual == pytest.approx(20000, rel=1e-9)


def test_a_quantity_of_zero_and_a_price_of_zero_are_valid():
    text = _edit(_edit(MINI, "price = 20000", "price = 0"), 'quantity = "pts"', "quantity = 0")
    result = evaluate(parse_scenario(__import__("tomllib").loads(text)))
    assert _all_finite(result.summary[["pv_cost", "nominal_outlay", "eac"]])


def test_a_deeply_nested_toml_file_is_an_error_naming_the_file(tmp_path, capsys):
    deep = "a = " + "[" * 2000 + "]" * 2000 + "\n"
    scenario = _write(tmp_path, deep + MINI)
    out = tmp_path / "out"
    _fails(capsys, ["run", str(scenario), "-o", str(out)], out, "s.toml: TOML nested too deeply")
    tables = "a = " + "{b=" * 2000 + "1" + "}" * 2000 + "\n"
    with pytest.raises(ScenarioError, match="TOML nested too deeply"):
        load_scenario(_write(tmp_path, tables + MINI, "t.toml"))
    with pytest.raises(PlanError, match="p.toml: TOML nested too deeply"):
        load_plan(_write(tmp_path, deep, "p.toml"))
    with pytest.raises(CriteriaError, match="c.toml: TOML nested too deeply"):
        load_criteria(_write(tmp_path, deep, "c.toml"))


def test_a_nan_budget_cap_is_refused():
    text = MINI + "\n[risk]\nbudget_cap = nan\n"
    with pytest.raises(ScenarioError, match=r"risk.budget_cap: must be a finite number"):
        parse_scenario(__import__("tomllib").loads(text))


def test_a_date_far_in_the_future_is_refused():
    text = _edit(MINI, 'title = "mini"', 'title = "mini"\nas_of = 9999-12-31')
    with pytest.raises(ScenarioError, match=r"scenario.as_of: a date must lie in the years 1900-2200"):
        parse_scenario(__import__("tomllib").loads(text))


# ---------------------------------------------------------------------------
# Finite outputs: what overflows stops the run, naming the input
# ---------------------------------------------------------------------------


# Amounts of ~1e80 đồng make the charts' tick labels so wide that matplotlib warns it cannot lay them out
# (reports/charts.py); the numbers themselves are finite, which is what this test is about.
@pytest.mark.filterwarnings("ignore:constrained_layout not applied:UserWarning")
def test_escalation_of_500_percent_over_100_years_computes_finitely(tmp_path, capsys):
    scenario = _write(tmp_path, _edit(CENTURY, 'per = "month"', 'per = "month"\n  escalation = 5'))
    out = tmp_path / "out"
    assert main(["run", str(scenario), "-o", str(out)]) == 0
    capsys.readouterr()
    for name in ("ledger", "summary", "budget", "cumulative"):
        table = pd.read_csv(out / f"{name}.csv")
        assert not table.isin([np.inf, -np.inf]).any().any()
    assert np.isfinite(pd.read_csv(out / "ledger.csv")["present_value"]).all()


def test_an_escalation_that_overflows_stops_the_run_naming_it(tmp_path, capsys):
    scenario = _write(tmp_path, _edit(CENTURY, 'per = "month"', 'per = "month"\n  escalation = 1e10'))
    out = tmp_path / "out"
    _fails(
        capsys,
        ["run", str(scenario), "-o", str(out)],
        out,
        "s.toml: options.rent.items[1] (fee).escalation: makes the price of",
        "infinite (overflow",
    )


def test_inflation_that_overflows_is_named_as_the_escalation_it_is():
    text = _edit(CENTURY, "discount_rate = 0.08", "discount_rate = 0.08\ninflation = 1e10")
    with pytest.raises(ScenarioError) as info:
        evaluate(parse_scenario(__import__("tomllib").loads(text)))
    problem = info.value.problems[0]
    assert problem.path == "scenario.inflation" and "as the escalation of options.rent.items[1] (fee)" in problem.message


def test_a_discount_rate_too_close_to_minus_one_stops_the_run_naming_it():
    text = _edit(CENTURY, "discount_rate = 0.08", "discount_rate = -0.9999999")
    with pytest.raises(ScenarioError) as info:
        evaluate(parse_scenario(__import__("tomllib").loads(text)))
    assert [p.path for p in info.value.problems] == ["scenario.discount_rate"]
    assert "infinite (overflow" in info.value.problems[0].message


def test_a_driver_grown_beyond_the_largest_quantity_is_reported_at_its_growth():
    text = _edit(CENTURY, "start = 1", "start = 1\ngrowth = 5")
    with pytest.raises(ScenarioError, match=r"drivers.pts.growth: makes the driver's value in 2036"):
        parse_scenario(__import__("tomllib").loads(text))


def test_a_monte_carlo_draw_that_overflows_names_the_input_and_the_draw():
    text = _edit(CENTURY, 'per = "month"', 'per = "month"\n  escalation = {dist = "normal", mean = 0.05, sd = 1e10}')
    scenario = parse_scenario(__import__("tomllib").loads(text))
    with pytest.raises(ScenarioError) as info:
        simulate(scenario, draws=50, seed=0)
    problem = info.value.problems[0]
    assert problem.path == "options.rent.items[1] (fee).escalation"
    assert "Monte Carlo draw" in problem.message
    with pytest.raises(ScenarioError, match="sensitivity analysis at"):
        sensitivity(scenario, grid=None, sobol=0)


def test_overflow_stops_simulate_on_the_command_line_before_writing(tmp_path, capsys):
    scenario = _write(
        tmp_path, _edit(CENTURY, 'per = "month"', 'per = "month"\n  escalation = {dist = "normal", mean = 0.05, sd = 1e10}')
    )
    out = tmp_path / "out"
    _fails(
        capsys,
        ["simulate", str(scenario), "--draws", "100", "-o", str(out)],
        out,
        "s.toml: options.rent.items[1] (fee).escalation:",
        "Monte Carlo draw",
    )


# ---------------------------------------------------------------------------
# Point values: a distribution with low = high
# ---------------------------------------------------------------------------

POINTS = [
    '{dist = "pert", low = 5, mode = 5, high = 5}',
    '{dist = "triangular", low = 5, mode = 5, high = 5}',
    '{dist = "uniform", low = 5, high = 5}',
    '{dist = "normal", mean = 5, sd = 0}',
    '{dist = "lognormal", mean = 5, sd = 0}',
]


@pytest.mark.parametrize("spec", POINTS)
def test_a_degenerate_distribution_is_a_point_value_everywhere(spec):
    scenario = parse_scenario(__import__("tomllib").loads(_edit(MINI, "price = 20000", f"price = {spec}")))
    result = evaluate(scenario)
    central = float(result.summary.set_index("option").loc["buy", "pv_cost"])
    sim = simulate(scenario, draws=300, seed=1)
    assert np.allclose(sim.pv_cost[:, 1], central, rtol=1e-12)
    sens = sensitivity(scenario, grid="auto", sobol=64)
    label = "options.buy.items[1] (kit).price"
    swings = sens.tornado[sens.tornado["input"] == label]["swing"]
    assert (swings == 0).all()
    assert sens.two_way is None  # one input only, and it does not swing
    switching = sens.switching.set_index("input").loc[label]
    assert math.isnan(switching["switching_value"]) and switching["search_low"] == switching["search_high"] == 5


def test_lognormal_with_zero_sd_has_a_point_support():
    assert make_distribution({"dist": "lognormal", "mean": 5, "sd": 0}).support == (5.0, 5.0)


def test_the_automatic_grid_skips_point_values_and_a_named_one_is_an_error(tmp_path, capsys):
    text = _edit(
        MINI,
        'unit_driver = "pts"',
        'unit_driver = "pts"\n\n[parameters]\nfixed = { dist = "pert", low = 2, mode = 2, high = 2 }\n'
        'a = { dist = "pert", low = 0.5, mode = 1, high = 2 }\nb = { dist = "pert", low = 0.5, mode = 1, high = 2 }',
    )
    text = _edit(text, "price = 1000", 'price = "1000 * a * fixed"')
    text = _edit(text, "price = 20000", 'price = "20000 * b"')
    scenario = parse_scenario(__import__("tomllib").loads(text))
    sens = sensitivity(scenario, grid="auto", sobol=0)
    assert sens.grid_inputs == ("a", "b")
    with pytest.raises(ScenarioError, match="'fixed' does not vary"):
        sensitivity(scenario, grid="fixed,a", sobol=0)
    path = _write(tmp_path, text)
    out = tmp_path / "out"
    assert main(["sensitivity", str(path), "--grid", "auto", "--sobol", "0", "-o", str(out)]) == 0
    capsys.readouterr()
    _fails(
        capsys,
        ["sensitivity", str(path), "--grid", "fixed,a", "--sobol", "0", "-o", str(tmp_path / "o2")],
        tmp_path / "o2",
        "does not vary",
    )


# ---------------------------------------------------------------------------
# Price index and peer costs
# ---------------------------------------------------------------------------

INDEX = "year,inflation,source,type\n2023,0.0325,x,published\n2024,0.0363,y,published\n"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2025,-1,z,published", "line 4: inflation must be a finite decimal > -1"),
        ("2025,-100%,z,published", "line 4: inflation must be a finite decimal > -1"),
        ("2025,nan,z,published", "line 4: inflation must be a finite decimal > -1"),
        ("2025,inf,z,published", "line 4: inflation must be a finite decimal > -1"),
        ("2024,0.03,z,published", "line 4: year 2024 appears twice (also line 3)"),
        ("99999,0.03,z,published", "line 4: year must be a whole year between 1900 and 2200"),
    ],
)
def test_price_index_problems_name_the_file_and_line(line, message):
    with pytest.raises(PriceIndexError) as info:
        parse_price_index(INDEX + line + "\n", "pi.csv")
    assert f"pi.csv: {message}" in str(info.value)


def test_a_price_index_factor_that_overflows_is_an_error_not_an_infinite_price(tmp_path, capsys):
    index = parse_price_index("year,inflation,source,type\n" + "".join(f"{y},1e300,x,p\n" for y in range(2018, 2025)), "pi.csv")
    with pytest.raises(ValueError, match="overflow"):
        index_factor(index, 2017, 2024)
    path = _vc(tmp_path)
    text = (tmp_path / "price-index.csv").read_text(encoding="utf-8")
    (tmp_path / "price-index.csv").write_text(re.sub(r"^2020,0\.0323", "2020,1e300", text, flags=re.M), encoding="utf-8")
    out = tmp_path / "out"
    _fails(capsys, ["run", str(path), "-o", str(out)], out, ".price_year:", "price-index.csv")


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "1e16"])
def test_a_peer_value_that_is_not_a_finite_amount_is_an_error_with_its_line(tmp_path, capsys, value):
    text = f"id,place,year,metric,value,unit,source,note\nA,X,2020,m,{value},VND,s,\n"
    with pytest.raises(PeerDataError, match=r"p.csv: line 2: value must be a finite number between 0 and 1e15"):
        parse_peer_costs(text, "p.csv")
    path = _vc(tmp_path)
    peers = (tmp_path / "peer-costs.csv").read_text(encoding="utf-8")
    (tmp_path / "peer-costs.csv").write_text(peers.replace(",30000000,", f",{value},", 1), encoding="utf-8")
    out = tmp_path / "out"
    _fails(capsys, ["peers", str(path), "-o", str(out)], out, "peer-costs.csv: line 2: value must be a finite number")


def test_a_unit_cost_per_a_driver_zero_in_every_year_is_undefined_and_not_ranked(tmp_path, capsys):
    zero = "values = { 2024 = 0, 2025 = 0, 2026 = 0, 2027 = 0, 2028 = 0 }"
    path = _vc(tmp_path, "values = { 2024 = 105, 2025 = 105, 2026 = 105, 2027 = 105, 2028 = 105 }", zero)
    result = evaluate(path)
    assert result.summary["unit_cost"].isna().all()  # the scenario's unit driver is the same driver
    costs = scenario_unit_costs(result)
    assert costs["value"].isna().all()
    peers = peers_at_base_year(
        parse_peer_costs((tmp_path / "peer-costs.csv").read_text(encoding="utf-8")),
        parse_price_index((tmp_path / "price-index.csv").read_text(encoding="utf-8")),
        2024,
    )
    positions = peer_positions(costs, peers)
    assert (positions["peers"] > 0).all()
    assert positions["rank"].isna().all() and positions["position"].isna().all() and positions["ratio_to_median"].isna().all()
    # the run writes empty cells (CSV) and dashes (workbook), never nan or inf
    out = tmp_path / "out"
    assert main(["run", str(path), "-o", str(out)]) == 0
    capsys.readouterr()
    assert pd.read_csv(out / "summary.csv")["unit_cost"].isna().all()
    assert "nan" not in (out / "summary.csv").read_text(encoding="utf-8").lower()
    _assert_workbook_has_no_nan(out / "workbook.xlsx")


def _assert_workbook_has_no_nan(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                v = cell.value
                if isinstance(v, float):
                    assert math.isfinite(v), (sheet.title, cell.coordinate)
                elif isinstance(v, str) and not v.startswith("="):
                    assert not re.search(r"\b(nan|inf)\b", v, flags=re.I), (sheet.title, cell.coordinate, v)


def test_the_workbook_shows_a_dash_for_metrics_that_do_not_exist(tmp_path):
    text = _edit(
        MINI,
        "values = { 2024 = 1, 2025 = 1, 2026 = 1, 2027 = 1, 2028 = 1 }",
        "values = { 2024 = 0, 2025 = 0, 2026 = 0, 2027 = 0, 2028 = 0 }",
    )
    result = evaluate(parse_scenario(__import__("tomllib").loads(text)))
    assert result.summary["unit_cost"].isna().all()
    path = result.to_excel(tmp_path / "w.xlsx")
    _assert_workbook_has_no_nan(path)
    sheet = openpyxl.load_workbook(path).worksheets[0]
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "–" in values


# ---------------------------------------------------------------------------
# Plans and progress files
# ---------------------------------------------------------------------------

PLAN = SCENARIOS / "dic-rental-procurement.toml"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("start = 2024-04-15", "start = 0001-01-01", "p.toml: project.start: must lie between 1901-01-01 and 2100-12-31"),
        ("start = 2024-04-15", "start = 9999-12-01", "p.toml: project.start: must lie between"),
        ("deadline = 2024-09-30", "deadline = 9999-12-31", "p.toml: project.deadline: must lie between"),
        ("start = 2024-04-15", "start = 2024-02-30", "p.toml: TOML syntax error"),
        (
            "service_years = [2024,",
            "service_years = [0, 2024,",
            "p.toml: project.service_years[1]: must be a year between 1900 and 2200",
        ),
        ("service_years = [2024,", "service_years = [9999, 2024,", "p.toml: project.service_years[1]"),
        ("start = 2024-04-15", "start = 2100-11-01", "p.toml: tasks: the schedule runs past the calendar"),
        ("duration = 5", "duration = 1000000000", "p.toml: tasks.survey.duration: must be <= 5000"),
    ],
)
def test_impossible_or_far_away_plan_dates_are_plan_errors(tmp_path, capsys, old, new, expected):
    text = PLAN.read_text(encoding="utf-8")
    if old == "start = 2024-04-15" and new == "start = 2100-11-01":
        text = re.sub(r"^deadline = .*$", "", text, flags=re.M)
    plan = _write(tmp_path, _edit(text, old, new), "p.toml")
    out = tmp_path / "out"
    _fails(capsys, ["schedule", str(plan), "-o", str(out)], out, expected)


def test_progress_file_names_with_impossible_dates_are_errors(tmp_path, capsys):
    folder = tmp_path / "progress"
    shutil.copytree(SCENARIOS / "dic-rental-procurement-progress", folder)
    shutil.copy(folder / "progress-2024-05-31.csv", folder / "progress-2024-02-30.csv")
    with pytest.raises(PlanError, match=r"progress-2024-02-30.csv: the file name's date 2024-02-30 is not a date"):
        progress_files(folder)
    plan = tmp_path / "p.toml"
    shutil.copy(PLAN, plan)
    out = tmp_path / "out"
    _fails(capsys, ["schedule", str(plan), "--progress", str(folder), "-o", str(out)], out, "progress-2024-02-30.csv:")
    (folder / "progress-2024-02-30.csv").unlink()
    shutil.copy(folder / "progress-2024-05-31.csv", folder / "progress-9999-12-31.csv")
    _fails(
        capsys,
        ["schedule", str(plan), "--progress", str(folder), "-o", str(out)],
        out,
        "progress-9999-12-31.csv:",
        "outside 1900-2200",
    )


def test_progress_dates_outside_the_calendar_are_errors_with_their_line():
    plan = parse_plan(__import__("tomllib").loads(PLAN.read_text(encoding="utf-8")), "p.toml")
    text = "task_id,percent_complete,actual_start,actual_finish,note\nsurvey,100,0001-01-01,2024-04-22,\n"
    with pytest.raises(PlanError, match=r"x.csv: line 2: actual_start must lie between 1901-01-01 and 2100-12-31"):
        parse_progress(text, plan, dt.date(2024, 5, 31), "x.csv")
    with pytest.raises(PlanError, match="percent_complete must be a number 0-100"):
        parse_progress(
            "task_id,percent_complete,actual_start,actual_finish,note\nsurvey,nan,,,\n", plan, dt.date(2024, 5, 31), "x.csv"
        )


# ---------------------------------------------------------------------------
# Compliance: date ranges, and a last_updated after the reporting date
# ---------------------------------------------------------------------------

CATALOGUE = (
    "dataset_id,name,catalogue,unit,frequency,ioc_required,build_deadline\n"
    "D1,Land,shared,U-A,monthly,yes,2024-01-31\n"
    "D2,Health,shared,U-B,monthly,no,2024-01-31\n"
)


def test_a_last_updated_after_the_reporting_date_does_not_count():
    catalogue = parse_catalogue(CATALOGUE, "c.csv")
    # D1 was built on 15 Jan and "updated" on 20 Dec, after the reporting date of 30 Jun:
    # as of 30 Jun it has not been updated since it was built, so it was due on 15 Feb.
    status = parse_status(
        "dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\n"
        "D1,2024-01-15,2024-12-20,2024-02-01,ev1,\n"
        "D2,2024-01-15,2024-06-20,,ev2,\n",
        catalogue,
        "s.csv",
    )
    report = evaluate_compliance(catalogue, status, dt.date(2024, 6, 30))
    late = report.not_updated.set_index("dataset_id")
    assert list(late.index) == ["D1"]
    assert late.loc["D1", "last_updated"] == "2024-01-15"  # the date used: built_on
    assert late.loc["D1", "days_overdue"] == (dt.date(2024, 6, 30) - dt.date(2024, 2, 15)).days
    assert {
        "kind": "after",
        "dataset_id": "D1",
        "unit": "U-A",
        "column": "last_updated",
        "date": dt.date(2024, 12, 20),
    } in report.warnings
    assert report.scorecard.set_index("unit").loc["U-A", "up_to_date"] == 0


@pytest.mark.parametrize(
    ("which", "old", "new", "message"),
    [
        (
            "catalogue",
            "2024-01-31\nD2",
            "9999-12-31\nD2",
            "c.csv: line 2: build_deadline must be a date between 1900-01-01 and 2200-12-31",
        ),
        ("catalogue", "2024-01-31\nD2", "0001-01-01\nD2", "c.csv: line 2: build_deadline must be a date between"),
        (
            "status",
            "D1,2024-01-15",
            "D1,9999-12-31",
            "s.csv: line 2: built_on must be a date between 1900-01-01 and 2200-12-31 or empty",
        ),
        ("status", "D1,2024-01-15", "D1,2024-02-30", "s.csv: line 2: built_on must be a date YYYY-MM-DD or empty"),
    ],
)
def test_compliance_dates_out_of_range_are_errors_with_their_line(which, old, new, message):
    status = "dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\nD1,2024-01-15,,,,\n"
    with pytest.raises(ComplianceError) as info:
        if which == "catalogue":
            parse_catalogue(_edit(CATALOGUE, old, new), "c.csv")
        else:
            parse_status(_edit(status, old, new), parse_catalogue(CATALOGUE, "c.csv"), "s.csv")
    assert any(str(p).startswith(message) for p in info.value.problems), info.value.problems


def test_a_reporting_date_far_away_is_an_error_not_a_crash():
    catalogue = parse_catalogue(CATALOGUE, "c.csv")
    status = parse_status(
        "dataset_id,built_on,last_updated,ioc_connected_on,evidence,note\nD1,2024-01-15,,,,\n", catalogue, "s.csv"
    )
    with pytest.raises(ComplianceError, match="as_of: must be a date between 1900-01-01 and 2200-12-31"):
        evaluate_compliance(catalogue, status, dt.date(9999, 12, 31))


# ---------------------------------------------------------------------------
# Audit: the basis of utilisation
# ---------------------------------------------------------------------------

PAST = SCENARIOS / "video-conferencing-past-rental.toml"
USAGE = SCENARIOS / "video-conferencing-past-rental-usage.csv"


@pytest.mark.parametrize("hours", [0.0, -1.0, math.nan, math.inf, 1000.0])
def test_hours_per_point_month_must_be_a_finite_number_of_hours_in_a_month(hours):
    with pytest.raises(UsageError) as info:
        retrospective(PAST, USAGE, hours_per_point_month=hours)
    assert info.value.problems[0].file == "hours_per_point_month"


def test_a_utilisation_above_100_percent_is_an_error_naming_the_year():
    with pytest.raises(UsageError) as info:
        retrospective(PAST, USAGE, hours_per_point_month=1.0)
    problems = info.value.problems
    assert problems and all(p.file == str(USAGE) and p.path.startswith("year ") for p in problems)
    assert "above 100 %" in problems[0].message and "hours_per_point_month" in problems[0].message
    audit = retrospective(PAST, USAGE)  # the default basis stays valid
    assert 0 <= audit.value("utilisation") <= 1


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("0001-01,1,1,1", "month must lie in the years 1900-2200"),
        ("2024-01,1,nan,1", "points_attending and hours must be numbers >= 0"),
        ("2024-01,1,1,25", "hours at most 24"),
        ("2024-01,1e300,1,1", "meetings must be at most 1e9"),
    ],
)
def test_usage_rows_out_of_range_name_their_line(row, message):
    with pytest.raises(UsageError) as info:
        parse_usage("month,meetings,points_attending,hours\n" + row + "\n", "u.csv")
    assert message in str(info.value) and "u.csv: line 2" in str(info.value)


def test_limits_are_the_documented_ones():
    doc = (SCENARIOS.parent / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert MAX_AMOUNT == 1e15 and MAX_QUANTITY == 1e9
    assert "`0` to `1e15`" in doc and "`0` to `1e9`" in doc and "Numbers at the edge" in doc


# ---------------------------------------------------------------------------
# text that no reader output can show (found by the fuzz test, tests/fuzz/regressions/)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["nul\x00byte", "esc\x1b[31mred", "cr\rinside", "vt\x0bff\x0c"])
def test_control_characters_in_names_are_bad_input_with_the_key_path(bad):
    from costmodel import ScenarioError, parse_scenario

    data = {
        "scenario": {"title": "t", "start_year": 2024, "end_year": 2025, "discount_rate": 0.05},
        "options": [{"id": "a", "name": bad, "items": [{"name": "x", "category": "service", "price": 1, "per": "once"}]}],
    }
    with pytest.raises(ScenarioError) as info:
        parse_scenario(data, "s.toml")
    text = str(info.value)
    assert "s.toml: options[1].name: contains control character(s)" in text
    assert "\r" not in text and "\x00" not in text.replace("\\x00", "")


def test_a_tab_and_a_line_break_are_text_not_control_characters():
    from costmodel import parse_scenario

    data = {
        "scenario": {"title": "t", "start_year": 2024, "end_year": 2025, "discount_rate": 0.05, "description": "a\tb\nc"},
        "options": [{"id": "a", "name": "A", "items": [{"name": "x", "category": "service", "price": 1, "per": "once"}]}],
    }
    assert parse_scenario(data).description == "a\tb\nc"


def test_a_name_too_long_for_a_chart_is_bad_input():
    from costmodel import ScenarioError, parse_scenario

    data = {
        "scenario": {"title": "t", "start_year": 2024, "end_year": 2025, "discount_rate": 0.05},
        "options": [
            {"id": "a", "name": "x" * 20_000, "items": [{"name": "x", "category": "service", "price": 1, "per": "once"}]}
        ],
    }
    with pytest.raises(ScenarioError, match=r"options.a.name: too long: at most 200 characters \(got 20000\)"):
        parse_scenario(data, "s.toml")


def test_control_characters_in_a_csv_cell_name_the_line_and_column(tmp_path):
    from costmodel.findings import FindingsError, read_findings

    text = (Path(__file__).resolve().parents[1] / "scenarios" / "audit-findings.csv").read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[1] = lines[1].replace(",", ",\x1b[31m", 1)
    (tmp_path / "f.csv").write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(FindingsError) as info:
        read_findings(tmp_path / "f.csv")
    assert "line 2: control character(s) in a cell" in str(info.value)


def test_a_problem_is_always_one_line():
    from costmodel.problems import Problem

    assert str(Problem("a.csv", "line 2", "value 'x\ny\rz' is bad")) == "a.csv: line 2: value 'x\\ny\\rz' is bad"
