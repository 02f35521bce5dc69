"""The compiled Monte Carlo plan against the general path, the hand-written reference, and the sampling floor.

The compiled plan (costmodel.risk.compiled) and the general path
(costmodel.ledger.general_option_arrays) compute the same rules in a different
order: they must agree to 1e-12 relative on every shipped scenario (as shipped,
and with its prices, drivers and rates made uncertain) and on random scenarios,
module purchases at their breakpoints included.
"""

from __future__ import annotations

import copy
import math
import sys
import tomllib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT, SCENARIOS
from costmodel import ScenarioError, load_scenario, parse_scenario, simulate
from costmodel.ledger import general_option_arrays, option_arrays
from costmodel.risk.compiled import compile_plan, plan_for
from costmodel.risk.sampling import draw_values
from costmodel.risk.simulate import _source_spending, quantiles, quantiles_of_sorted
from costmodel.scenario.distributions import PERT_TABLE_SIZE, _pert_table, make_distribution, table_lookup
from costmodel.values import Forms, central_values

DIC = SCENARIOS / "data-integration-center.toml"
RTOL = 1e-12


def cost_scenarios() -> list:
    """Every shipped file that is a cost scenario (plans, criteria and futures files are not)."""
    out = []
    for path in sorted(SCENARIOS.glob("*.toml")):
        try:
            out.append(load_scenario(path))
        except ScenarioError:
            continue
    return out


def assert_paths_agree(scenario, values, sources: bool = True) -> None:
    """The compiled plan and the general path give the same pv_cost and spending (and spending by source)."""
    general = general_option_arrays(scenario, values)
    plan = compile_plan(scenario, ("investment", "recurrent") if sources else ())
    scale = max(float(np.max(np.abs(general.nominal))), float(np.max(np.abs(general.pv_cost))), 1.0)
    if plan is None:  # the general path does everything
        compiled = option_arrays(scenario, values)
        np.testing.assert_array_equal(compiled.pv_cost, general.pv_cost)
        return
    n, k, y = values.n, len(scenario.options), scenario.n_years
    pv, nominal = np.empty((k, n)), np.empty((k, y, n))
    by_source = {b: np.empty((k, y, n)) for b in plan.sources}
    finite = plan.evaluate(values, pv, nominal, by_source)
    if not finite:  # the caller evaluates such draws on the general path: nothing to compare
        return
    np.testing.assert_allclose(pv.T, general.pv_cost, rtol=RTOL, atol=RTOL * scale)
    np.testing.assert_allclose(nominal.transpose(2, 0, 1), general.nominal, rtol=RTOL, atol=RTOL * scale)
    for b, arr in by_source.items():
        expected = _source_spending(scenario, values, b)
        np.testing.assert_allclose(arr.transpose(2, 0, 1), expected, rtol=RTOL, atol=RTOL * scale)


# ---------------------------------------------------------------------------
# Shipped scenarios, as shipped and made uncertain
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", cost_scenarios(), ids=lambda s: s.source.rsplit("/", 1)[-1])
def test_compiled_equals_general_on_every_shipped_scenario(scenario):
    for n, table in ((1, False), (300, False), (PERT_TABLE_SIZE + 7, True)):
        values = draw_values(scenario, n, np.random.default_rng(n), table)
        assert_paths_agree(scenario, values)
    # the deterministic run is untouched: central values through both paths
    assert_paths_agree(scenario, central_values(scenario))


def _uncertain(data: dict, rate: bool = False, inflation: bool = False) -> dict:
    """The scenario with every numeric price a PERT around it, every driver scaled by a random factor."""
    data = copy.deepcopy(data)
    data.setdefault("parameters", {})["dem_k"] = {"dist": "pert", "low": 0.7, "mode": 1.0, "high": 1.6}
    data["parameters"]["esc_k"] = {"dist": "uniform", "low": 0.0, "high": 0.08}
    for drv in data.get("drivers", {}).values():
        values = drv.get("values")
        if isinstance(values, dict):
            for year, v in values.items():
                if isinstance(v, int | float):
                    values[year] = f"{v} * dem_k"
    for i, opt in enumerate(data.get("options", [])):
        for j, item in enumerate(opt.get("items", [])):
            p = item.get("price")
            if isinstance(p, int | float) and p > 0:
                kind = ("pert", "triangular", "uniform", "lognormal", "normal")[(i + j) % 5]
                if kind in ("lognormal", "normal"):
                    item["price"] = {"dist": kind, "mean": p, "sd": 0.1 * p}
                elif kind == "uniform":
                    item["price"] = {"dist": kind, "low": 0.8 * p, "high": 1.3 * p}
                else:
                    item["price"] = {"dist": kind, "low": 0.8 * p, "mode": p, "high": 1.3 * p}
            if j % 3 == 1 and "escalation" not in item:
                item["escalation"] = "esc_k"
    if rate:
        data["scenario"]["discount_rate"] = {"dist": "uniform", "low": 0.03, "high": 0.12}
        data["scenario"].pop("real_discount_rate", None)
    if inflation:
        data["scenario"]["inflation"] = {"dist": "uniform", "low": 0.0, "high": 0.08}
    return data


@pytest.mark.parametrize("variant", ["prices", "inflation", "rate"])
@pytest.mark.parametrize("scenario", cost_scenarios(), ids=lambda s: s.source.rsplit("/", 1)[-1])
def test_compiled_equals_general_on_shipped_scenarios_made_uncertain(scenario, variant):
    data = _uncertain(dict(scenario.data), rate=variant == "rate", inflation=variant == "inflation")
    uncertain = parse_scenario(data, source=scenario.source, base_dir=scenario.base_dir)
    values = draw_values(uncertain, 500, np.random.default_rng(7))
    assert_paths_agree(uncertain, values)
    if variant == "rate":  # a discount rate that varies between draws: the general path does everything
        assert compile_plan(uncertain) is None


def test_the_dic_plan_is_small():
    """Three factors of the rental, fx over shared module counts, two products and colocation: 13 numbers a draw."""
    plan = compile_plan(load_scenario(DIC))
    assert plan.n_columns == 13 and not plan.fallbacks
    xkeys = [b.xkey for b in plan._order if b.xkey is not None]
    assert {k[1] for k in xkeys} == {("driver", "vcpu"), ("driver", "storage_tb")}  # invest and hybrid share them


# ---------------------------------------------------------------------------
# Random scenarios (hypothesis), module purchases at their breakpoints
# ---------------------------------------------------------------------------

START, END = 2024, 2028
YEARS = [str(y) for y in range(START, END + 1)]


def _number_or_dist(draw, low: float, high: float):
    """A number, a distribution, or an expression of the named parameters."""
    value = draw(st.floats(low, high))
    kind = draw(st.sampled_from(["number", "pert", "uniform", "normal", "lognormal", "expr", "sum", "ratio"]))
    if kind == "number":
        return value
    if kind == "pert":
        return {"dist": "pert", "low": 0.5 * value, "mode": value, "high": 1.5 * value}
    if kind == "uniform":
        return {"dist": "uniform", "low": 0.5 * value, "high": 1.5 * value}
    if kind == "normal":
        return {"dist": "normal", "mean": value, "sd": 0.4 * value + 1.0}
    if kind == "lognormal":
        return {"dist": "lognormal", "mean": value + 1.0, "sd": 0.3 * value + 0.1}
    if kind == "expr":
        return f"{value} * k"
    if kind == "sum":
        return f"{value} * k + c"
    return f"{value} * k / g"


@st.composite
def uncertain_items(draw):
    per = draw(st.sampled_from(["once", "year", "month", "added"]))
    item = {
        "name": f"i{draw(st.integers(0, 10**9))}",
        "category": draw(st.sampled_from(["equipment", "service", "staff"])),
        "price": _number_or_dist(draw, 0.0, 1e6),
        "per": per,
        "quantity": draw(st.one_of(st.just("need"), st.just("steps"), st.floats(0, 50), st.just("2 * k"))),
        "vat": draw(st.sampled_from([0.0, 0.1])),
        "timing": draw(st.sampled_from(["start", "mid", "end"])),
    }
    esc = draw(st.sampled_from(["none", "none", "number", "number", "dist"]))
    if esc == "number":
        item["escalation"] = draw(st.floats(-0.2, 0.2))
    elif esc == "dist":
        item["escalation"] = {"dist": "uniform", "low": -0.05, "high": 0.1}
    first = draw(st.integers(START, END))
    item["from"] = f"{first}-{draw(st.integers(1, 12)):02d}" if draw(st.booleans()) else first
    if per == "added":
        item["module"] = draw(st.sampled_from([1, 2.5, 8, 128]))
        item["existing"] = draw(st.sampled_from([0, 3]))
    if per in ("once", "added") and draw(st.booleans()):
        item["life"] = draw(st.integers(1, 6))
        item["residual"] = draw(st.sampled_from(["linear", "none", 0.3]))
    elif per in ("year", "month") and draw(st.booleans()):
        item["to"] = draw(st.integers(first, END))
    return item


@st.composite
def uncertain_scenarios(draw):
    module = draw(st.sampled_from([1, 2.5, 8, 128]))
    # "steps": whole numbers of modules times a factor within 1e-12 of 1 -> needs on both sides of each breakpoint
    steps = {y: f"{module * draw(st.integers(0, 6))} * near_one" for y in YEARS}
    need_kind = draw(st.sampled_from(["expr", "dist", "number", "formula"]))
    if need_kind == "formula":
        need = {"start": draw(st.floats(0, 200)) if draw(st.booleans()) else "100 * k", "growth": draw(st.floats(-0.1, 0.3))}
    else:
        need = {
            "values": {
                y: _number_or_dist(draw, 0, 300) if need_kind != "expr" else f"{20 * (i + 1)} * k" for i, y in enumerate(YEARS)
            }
        }
    options = []
    for o in range(draw(st.integers(1, 3))):
        items = draw(st.lists(uncertain_items(), min_size=1, max_size=4, unique_by=lambda i: i["name"]))
        for it in items:
            if it["per"] == "added" and it["quantity"] == "steps":
                it["module"] = module
        options.append({"id": f"o{o}", "name": f"Option {o}", "items": items})
    data = {
        "scenario": {
            "title": "compiled",
            "start_year": START,
            "end_year": END,
            "discount_rate": draw(st.floats(0.0, 0.2)),
            "inflation": (
                {"dist": "uniform", "low": 0.0, "high": 0.06} if draw(st.integers(0, 3)) == 0 else draw(st.floats(0.0, 0.08))
            ),
        },
        "parameters": {
            "k": {"dist": draw(st.sampled_from(["pert", "triangular"])), "low": 0.5, "mode": 1.0, "high": 2.0},
            "c": {"dist": "uniform", "low": 0.0, "high": 10.0},
            "g": {"dist": "pert", "low": 0.5, "mode": 1.0, "high": 1.5},
            "near_one": {"dist": "uniform", "low": 1 - 1e-12, "high": 1 + 1e-12},
        },
        "drivers": {"need": need, "steps": {"values": steps}},
        "options": options,
    }
    if draw(st.booleans()):
        category = options[0]["items"][0]["category"]
        data["optimism_bias"] = {category: {"dist": "uniform", "low": 0.0, "high": 0.5}}
    if draw(st.booleans()):
        data["contingency"] = {"share": 0.05}
    if draw(st.booleans()):
        data["correlation"] = {"parameters": ["k", "g"], "matrix": [[1.0, 0.5], [0.5, 1.0]]}
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(uncertain_scenarios(), st.integers(0, 2**32 - 1))
def test_compiled_equals_general_on_random_scenarios(data, seed):
    scenario = parse_scenario(data)
    values = draw_values(scenario, 64, np.random.default_rng(seed))
    assert_paths_agree(scenario, values)


@pytest.mark.parametrize("module", [1.0, 2.5, 8.0, 128.0])
@pytest.mark.parametrize("offset", [-2e-9, -1e-9, -5e-10, 0.0, 5e-10, 1e-9, 2e-9])
def test_module_purchases_at_their_breakpoints(module, offset):
    """A need of whole modules plus or minus a few tolerances: both paths buy the same modules."""
    values = {y: f"{module * (j + 1)} * (1 + {offset} * w)" for j, y in enumerate(YEARS)}
    data = {
        "scenario": {"title": "breakpoints", "start_year": START, "end_year": END, "discount_rate": 0.05},
        "parameters": {"w": {"dist": "uniform", "low": 0.0, "high": 2.0}},
        "drivers": {"need": {"values": values}},
        "options": [
            {
                "id": "own",
                "name": "Own",
                "items": [
                    {
                        "name": "kit",
                        "category": "equipment",
                        "price": 1000.0,
                        "per": "added",
                        "quantity": "need",
                        "module": module,
                    },
                    {
                        "name": "kit2",
                        "category": "equipment",
                        "price": "1000 * w",
                        "per": "added",
                        "quantity": "need",
                        "module": module,
                        "life": 2,
                    },
                ],
            }
        ],
    }
    scenario = parse_scenario(data)
    values_ = draw_values(scenario, 2000, np.random.default_rng(3))
    assert_paths_agree(scenario, values_)


# ---------------------------------------------------------------------------
# Forms: the values layer's separable view equals its values
# ---------------------------------------------------------------------------


def test_forms_give_the_values_of_the_values_layer():
    scenario = load_scenario(DIC)
    forms = Forms(scenario)
    values = draw_values(scenario, 1000, np.random.default_rng(0))
    for opt in scenario.options:
        for item in opt.items:
            np.testing.assert_allclose(
                np.broadcast_to(forms.price(opt.id, item).evaluate(values), (1000,)),
                np.broadcast_to(values.price(opt.id, item), (1000,)),
                rtol=1e-15,
            )
    for did in scenario.drivers:
        form = forms.driver(did)
        assert form is not None
        np.testing.assert_allclose(
            np.broadcast_to(form.evaluate(values), (1000, 5)), np.broadcast_to(values.driver(did), (1000, 5)), rtol=1e-15
        )
    assert forms.driver("vcpu").atoms == ((("param", "demand"), 1),)


def test_a_price_that_clipping_could_change_stays_opaque():
    data = {
        "scenario": {"title": "clip", "start_year": 2024, "end_year": 2025, "discount_rate": 0.0},
        "parameters": {"x": {"dist": "normal", "mean": 1.0, "sd": 2.0}},
        "options": [{"id": "a", "name": "A", "items": [{"name": "i", "category": "c", "price": "100 * x", "per": "year"}]}],
    }
    scenario = parse_scenario(data)
    form = Forms(scenario).price("a", scenario.options[0].items[0])
    assert form.atoms == ((("price", "a", 1), 1),)  # negative draws are clipped to 0: not 100 x x
    values = draw_values(scenario, 5000, np.random.default_rng(1))
    assert (values.price("a", scenario.options[0].items[0]) == 0).any()
    assert_paths_agree(scenario, values)


# ---------------------------------------------------------------------------
# Reproducibility, sampling and quantiles
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("draws", [5_000, 20_000])
def test_results_never_depend_on_the_chunk_size(draws):
    scenario = load_scenario(DIC)
    runs = [simulate(scenario, draws, seed=4, chunk=c) for c in (draws, 1_001, 4_096)]
    for other in runs[1:]:
        np.testing.assert_array_equal(runs[0].pv_cost, other.pv_cost)
        np.testing.assert_array_equal(runs[0].nominal, other.nominal)


def test_simulate_compiled_and_general_agree():
    scenario = load_scenario(DIC)
    a = simulate(scenario, 12_000, seed=8)
    b = simulate(scenario, 12_000, seed=8, compiled=False)
    np.testing.assert_allclose(a.pv_cost, b.pv_cost, rtol=RTOL)
    np.testing.assert_allclose(a.nominal, b.nominal, rtol=RTOL)
    np.testing.assert_array_equal(a.deterministic, b.deterministic)


def test_table_lookup_by_index_equals_np_interp():
    d = make_distribution({"dist": "pert", "low": 1.8, "mode": 2.0, "high": 2.5})
    grid, table, slopes = _pert_table(1.8, 2.0, 2.5)
    z = np.random.default_rng(0).standard_normal(200_000) * 3
    z[:6] = [-9.0, -8.5, 8.5, 9.0, 0.0, grid[4000]]
    expected = np.interp(z, grid, table)
    np.testing.assert_allclose(table_lookup(z, grid, table, slopes), expected, rtol=0, atol=1e-12 * (2.5 - 1.8))
    np.testing.assert_allclose(d.from_normal(z, table=True), expected, rtol=0, atol=1e-12 * (2.5 - 1.8))


def test_the_table_is_chosen_by_the_number_of_draws_not_the_chunk():
    """Seed policy: with more draws than the table has nodes every PERT value comes from the table."""
    scenario = load_scenario(DIC)
    a = simulate(scenario, PERT_TABLE_SIZE + 100, seed=2, chunk=PERT_TABLE_SIZE + 100)
    b = simulate(scenario, PERT_TABLE_SIZE + 100, seed=2, chunk=50)  # chunks smaller than the table
    np.testing.assert_array_equal(a.pv_cost, b.pv_cost)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 101, 4_000])
def test_quantiles_equal_numpy(n):
    rng = np.random.default_rng(n)
    x = rng.lognormal(size=n) * 1e9
    x[: n // 3] = x[0]  # ties
    for q in ([0.5, 0.8, 0.9], [0.1, 0.5, 0.9], np.linspace(0, 1, 1001)):
        q = np.asarray(q)
        np.testing.assert_array_equal(quantiles(x, q), np.quantile(x, q))
        np.testing.assert_array_equal(quantiles_of_sorted(np.sort(x), q), np.quantile(x, q))
    np.testing.assert_array_equal(quantiles(x, np.true_divide([50, 80, 90], 100)), np.percentile(x, [50, 80, 90]))


def test_summary_matches_its_definitions():
    scenario = load_scenario(DIC)
    sim = simulate(scenario, 3_000, seed=6)
    s = sim.summary
    for k in range(3):
        x = sim.pv_cost[:, k]
        np.testing.assert_array_equal(s.loc[k, ["p10", "p50", "p90"]].to_numpy(dtype=float), np.percentile(x, [10, 50, 90]))
        assert s.loc[k, "confidence_level"] == np.mean(x <= sim.deterministic[k] * (1 + 1e-12))
        assert s.loc[k, "prob_cheapest"] == np.mean(np.argmin(sim.pv_cost, axis=1) == k)
        probabilities, curve = sim.pv_curve(k)
        np.testing.assert_array_equal(curve, np.quantile(x, probabilities))


# ---------------------------------------------------------------------------
# The hand-written reference of benchmarks/ is the same computation
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from reference_dic import DicReference
    finally:
        sys.path.pop(0)
    return DicReference(load_scenario(DIC))


def test_hand_written_reference_equals_costmodel_at_the_central_values(reference):
    scenario = reference.s
    central = central_values(scenario)
    x = {name: central.parameters[name] for name in scenario.random_inputs}
    pv, nominal = np.empty((3, 1)), np.empty((3, 5, 1))
    reference.evaluate(x, pv, nominal)
    engine = general_option_arrays(scenario, central)
    np.testing.assert_allclose(pv.T, engine.pv_cost, rtol=4e-15)
    np.testing.assert_allclose(nominal.transpose(2, 0, 1), engine.nominal, rtol=4e-15, atol=1e-6)


def test_hand_written_reference_equals_costmodel_on_the_same_draws(reference):
    scenario = reference.s
    values = draw_values(scenario, 20_000, np.random.default_rng(5), True)
    x = {name: values.parameters[name] for name in scenario.random_inputs}
    pv, nominal = np.empty((3, 20_000)), np.empty((3, 5, 20_000))
    reference.evaluate(x, pv, nominal)
    engine = option_arrays(scenario, values)
    np.testing.assert_allclose(pv.T, engine.pv_cost, rtol=RTOL)
    np.testing.assert_allclose(nominal.transpose(2, 0, 1), engine.nominal, rtol=RTOL, atol=RTOL * float(np.max(engine.nominal)))


def test_hand_written_reference_draws_within_sampling_error(reference):
    """Its own draws (Cholesky copula) against costmodel's: the means agree within 5 standard errors."""
    n = 200_000
    pv, _ = reference.run(n, seed=11)
    sim = simulate(reference.s, n, seed=12)
    se = np.sqrt(pv.var(axis=0) / n + sim.pv_cost.var(axis=0) / n)
    assert np.all(np.abs(pv.mean(axis=0) - sim.pv_cost.mean(axis=0)) < 5 * se)
    assert np.all(np.abs(np.median(pv, axis=0) - np.median(sim.pv_cost, axis=0)) < 5 * 1.3 * se)


def test_plans_are_built_once_per_scenario():
    scenario = load_scenario(DIC)
    assert plan_for(scenario) is plan_for(scenario)
    assert plan_for(scenario, ("investment",)) is not plan_for(scenario)


def test_a_scenario_read_from_toml_text_gives_the_same_plan_numbers():
    data = tomllib.loads(DIC.read_text(encoding="utf-8"))
    scenario = parse_scenario(data, base_dir=SCENARIOS)
    a, b = compile_plan(scenario), compile_plan(load_scenario(DIC))
    np.testing.assert_array_equal(a.coef_pv, b.coef_pv)
    assert math.isclose(float(a.coef_pv.sum()), float(b.coef_pv.sum()))
