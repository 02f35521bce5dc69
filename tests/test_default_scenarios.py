"""The shipped scenarios validate, run, and cite a source for every item."""

from __future__ import annotations

import pytest

from conftest import SCENARIOS
from costmodel import evaluate, load_scenario

COST_SCENARIOS = sorted(p for p in SCENARIOS.glob("*.toml") if "[scenario]" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", COST_SCENARIOS, ids=[p.stem for p in COST_SCENARIOS])
def test_default_scenario_runs_and_every_item_has_a_source(path):
    scenario = load_scenario(path)
    result = evaluate(scenario)
    assert len(result.summary) == len(scenario.options) >= 2
    for option in scenario.options:
        for item in option.items:
            assert item.source.strip(), f"{path.name}: {option.id}.{item.label} has no source"


def test_dic_power_cost_is_kw_times_pue_times_hours_times_tariff():
    # domain-costs: 8,760 h/yr; PUE 2.0 for a small provincial server room (DC17);
    # 2,200 VND/kWh for administrative units (EC5); 10 % VAT; IT load 4 kW in 2024.
    scenario = load_scenario(SCENARIOS / "data-integration-center.toml")
    led = evaluate(scenario).ledger
    row = led[(led["option"] == "invest") & (led["category"] == "energy") & (led["year"] == 2024)].iloc[0]
    assert row["nominal"] == pytest.approx(4 * 2.0 * 8760 * 2200 * 1.10)
