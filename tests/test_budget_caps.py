"""Budget caps by year and budget source (#17, one mechanism): ``[risk] budget_cap``, the Monte Carlo, the optimiser."""

from __future__ import annotations

import io
import math
import tomllib

import numpy as np
import pytest

from conftest import SCENARIOS
from costmodel import ScenarioError, load_scenario, parse_scenario, simulate
from costmodel.cli import main
from costmodel.risk.simulate import budget_caps

DIC = SCENARIOS / "data-integration-center.toml"
YEARS = range(2024, 2029)


def small(cap=None, **risk) -> dict:
    """One option: an investment item with a uniform yearly price (1e6 to 3e6) and a recurrent item of 1e6 a year, no VAT."""
    data = {
        "scenario": {"title": "caps", "start_year": 2024, "end_year": 2028, "discount_rate": 0.0, "vat": 0.0},
        "options": [
            {
                "id": "a",
                "name": "A",
                "items": [
                    {
                        "name": "kit",
                        "category": "equipment",
                        "price": {"dist": "uniform", "low": 1.0e6, "high": 3.0e6},
                        "per": "year",
                        "escalation": 0.0,
                        "budget": "investment",
                    },
                    {
                        "name": "staff",
                        "category": "staff",
                        "price": 1.0e6,
                        "per": "year",
                        "escalation": 0.0,
                        "budget": "recurrent",
                    },
                ],
            }
        ],
    }
    if cap is not None:
        data["risk"] = {"budget_cap": cap, **risk}
    return data


def caps_of(text: str) -> dict:
    """``[risk] budget_cap`` written in TOML, read into the scenario."""
    data = small()
    data["risk"] = tomllib.loads(text)["risk"]
    return parse_scenario(data).budget_cap


# ---------------------------------------------------------------------------
# The file forms
# ---------------------------------------------------------------------------


def test_a_number_caps_the_total_of_every_year():
    assert caps_of("[risk]\nbudget_cap = 5e9\n") == {(y, "total"): 5e9 for y in YEARS}


def test_a_table_of_years_caps_totals():
    assert caps_of("[risk]\nbudget_cap = { 2026 = 5e9 }\n") == {(2026, "total"): 5e9}


def test_caps_by_source_and_year():
    text = """
[risk.budget_cap]
investment = { 2024 = 2_000_000_000, 2025 = 3_500_000_000 }
recurrent = 6_000_000_000      # every year
total = { 2026 = 3_500_000_000 }
"""
    expected = {(2024, "investment"): 2e9, (2025, "investment"): 3.5e9, (2026, "total"): 3.5e9}
    expected.update({(y, "recurrent"): 6e9 for y in YEARS})
    assert caps_of(text) == dict(sorted(expected.items()))


def test_the_optimisers_proposed_form_reads_alike():
    assert caps_of("[risk.budget_cap.investment]\n2025 = 150e6\n[risk.budget_cap]\nrecurrent = 90e6\n") == dict(
        sorted({(2025, "investment"): 150e6, **{(y, "recurrent"): 90e6 for y in YEARS}}.items())
    )


@pytest.mark.parametrize(
    ("cap", "path", "words"),
    [
        ({"investment": {"2031": 1e9}}, "risk.budget_cap.investment.2031", "horizon years 2024-2028"),
        ({"investmnt": 1e9}, "risk.budget_cap.investmnt", "did you mean 'investment'"),
        ({"recurrent": -5.0}, "risk.budget_cap.recurrent", ">= 0"),
        ({"total": {"2026": "x"}}, "risk.budget_cap.total.2026", ""),
        ({"recurrent": [1, 2]}, "risk.budget_cap.recurrent", "a table year = number"),
        ({"2031": 1e9}, "risk.budget_cap.2031", "horizon years"),
        ("lots", "risk.budget_cap", "budget sources"),
        (float("nan"), "risk.budget_cap", "finite"),
    ],
)
def test_bad_caps_name_their_key_path(cap, path, words):
    with pytest.raises(ScenarioError) as err:
        parse_scenario(small(cap))
    problems = [p for p in err.value.problems if p.path == path]
    assert problems, [str(p) for p in err.value.problems]
    assert words in problems[0].message


def test_budget_caps_normalises_every_argument_form():
    s = parse_scenario(small())
    assert budget_caps(s, 7.0) == {(y, "total"): 7.0 for y in YEARS}
    assert budget_caps(s, {2025: 7.0}) == {(2025, "total"): 7.0}
    assert budget_caps(s, {"investment": {2025: 1.0}, (2026, "recurrent"): 2.0}) == {
        (2025, "investment"): 1.0,
        (2026, "recurrent"): 2.0,
    }
    with pytest.raises(ValueError, match="unknown budget source"):
        budget_caps(s, {"capital": 1.0})
    with pytest.raises(ValueError, match="horizon years"):
        budget_caps(s, {"investment": {2031: 1.0}})


# ---------------------------------------------------------------------------
# The Monte Carlo: probability over the cap by source, computed by hand
# ---------------------------------------------------------------------------


def test_probability_over_caps_by_source_by_hand():
    # investment spending in a year = price ~ U(1e6, 3e6): P(> 2.5e6) = 0.25, P80 = 1e6 + 0.8 x 2e6 = 2.6e6;
    # recurrent = 1e6 every draw: a cap of 0.9e6 is always exceeded, one of 1e6 never;
    # total = price + 1e6: P(> 3.5e6) = P(price > 2.5e6) = 0.25
    cap = {"investment": {"2026": 2.5e6}, "recurrent": {"2026": 0.9e6, "2027": 1.0e6}, "total": {"2026": 3.5e6}}
    s = parse_scenario(small(cap))
    n = 200_000
    sim = simulate(s, draws=n, seed=3)
    b = sim.budget.set_index(["option", "year", "budget"])
    se = math.sqrt(0.25 * 0.75 / n)
    assert b.loc[("a", 2026, "investment"), "prob_over_cap"] == pytest.approx(0.25, abs=4 * se)
    assert b.loc[("a", 2026, "investment"), "p80"] == pytest.approx(2.6e6, rel=0.003)
    assert b.loc[("a", 2026, "recurrent"), "prob_over_cap"] == 1.0
    assert b.loc[("a", 2027, "recurrent"), "prob_over_cap"] == 0.0
    assert b.loc[("a", 2026, "total"), "prob_over_cap"] == pytest.approx(0.25, abs=4 * se)
    assert b.loc[("a", 2026, "total"), "budget_cap"] == 3.5e6
    # the same draws: the total is the sum of the sources, and P(total > 3.5e6) = P(investment > 2.5e6) draw by draw
    np.testing.assert_allclose(sim.nominal, sim.nominal_by_source["investment"] + sim.nominal_by_source["recurrent"], rtol=1e-15)
    assert b.loc[("a", 2026, "total"), "prob_over_cap"] == b.loc[("a", 2026, "investment"), "prob_over_cap"]
    # years and sources without a cap have none
    assert b.loc[("a", 2025, "investment"), "budget_cap"] is None or np.isnan(b.loc[("a", 2025, "investment"), "budget_cap"])


def test_spending_by_source_is_kept_only_for_capped_sources():
    s = parse_scenario(small())
    assert simulate(s, 100, seed=1).nominal_by_source is None
    sim = simulate(s, 100, seed=1, budget_cap={"investment": 2e6})
    assert set(sim.nominal_by_source) == {"investment"}
    assert set(sim.budget["budget"]) == {"total", "investment"}
    # the total rows keep the machine columns they always had
    assert list(sim.budget.columns) == ["option", "year", "budget", "mean", "p50", "p80", "p90", "budget_cap", "prob_over_cap"]


def test_a_number_as_argument_caps_the_total_as_before():
    s = parse_scenario(small())
    sim = simulate(s, 50_000, seed=9, budget_cap=3.5e6)
    b = sim.budget.set_index(["option", "year"])
    assert b.loc[("a", 2026), "budget"] == "total"
    assert b.loc[("a", 2026), "prob_over_cap"] == pytest.approx(0.25, abs=0.01)


def test_compiled_and_general_paths_give_the_same_spending_by_source():
    data = tomllib.loads(DIC.read_text(encoding="utf-8"))
    data["risk"] = {"budget_cap": {"investment": 4e9, "recurrent": {"2026": 3e9}}}
    s = parse_scenario(data, base_dir=SCENARIOS)
    a = simulate(s, 3_000, seed=1)
    b = simulate(s, 3_000, seed=1, compiled=False)
    for source in ("investment", "recurrent"):
        np.testing.assert_allclose(a.nominal_by_source[source], b.nominal_by_source[source], rtol=1e-12, atol=1e-3)
    assert a.budget[["p50", "p80", "p90"]].to_numpy() == pytest.approx(b.budget[["p50", "p80", "p90"]].to_numpy(), rel=1e-12)


# ---------------------------------------------------------------------------
# The same caps in the optimiser, the console and the workbook
# ---------------------------------------------------------------------------


def test_the_optimiser_accepts_the_scenarios_caps():
    from costmodel import optimise

    data = tomllib.loads(DIC.read_text(encoding="utf-8"))
    data["risk"] = {"budget_cap": {"investment": 1e12, "total": {"2026": 1e12}}}
    s = parse_scenario(data, base_dir=SCENARIOS)
    result = optimise(s, budget_caps=s.budget_cap, near_optimal=0)
    assert result.expected <= load_scenario_pv_min()


def load_scenario_pv_min() -> float:
    from costmodel import evaluate

    return float(evaluate(load_scenario(DIC)).summary["pv_cost"].min()) * (1 + 1e-9)


def test_console_and_workbook_name_the_budget_source():
    from costmodel.reports.console import print_simulation
    from costmodel.reports.outputs import workbook_for

    cap = {"investment": {"2026": 2.5e6}, "total": {"2026": 3.5e6}}
    sim = simulate(parse_scenario(small(cap)), 20_000, seed=3)
    out = io.StringIO()
    print_simulation(sim, "vi", file=out)
    printed = out.getvalue()
    assert "Vốn đầu tư phát triển" in printed and "2026" in printed
    assert workbook_for(sim, "vi")[:2] == b"PK"  # the risk sheet with a budget-source column is written


def test_cli_budget_cap_is_still_a_total(tmp_path):
    path = tmp_path / "caps.toml"
    path.write_text(
        """
[scenario]
title = "caps"
start_year = 2024
end_year = 2025
discount_rate = 0.0
vat = 0.0

[[options]]
id = "a"
name = "A"
  [[options.items]]
  name = "kit"
  category = "equipment"
  price = { dist = "uniform", low = 1.0e6, high = 3.0e6 }
  per = "year"
  escalation = 0.0
""",
        encoding="utf-8",
    )
    assert main(["simulate", str(path), "--draws", "2000", "--budget-cap", "2.5e6", "-o", str(tmp_path / "out")]) == 0
    text = (tmp_path / "out" / "simulation_budget.csv").read_text(encoding="utf-8")
    assert "total,".replace(",", "") in text and "2500000.0" in text
