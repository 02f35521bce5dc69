"""Assumptions register, citations of the default scenarios, and the peer comparison."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import SCENARIOS
from costmodel import evaluate, load_scenario, parse_scenario
from costmodel.cli import main
from costmodel.peers import (
    index_factor,
    parse_peer_costs,
    parse_price_index,
    peer_positions,
    peers_at_base_year,
    read_peer_costs,
    read_price_index,
    scenario_unit_costs,
)
from costmodel.register import (
    RegisterError,
    check_citations,
    citations_by_id,
    parse_register,
    read_register,
    register_markdown,
)

REGISTER = SCENARIOS / "assumptions.csv"
DEFAULTS = [
    "data-integration-center",
    "video-conferencing",
    "video-conferencing-restructuring",
    "ioc",
    "video-conferencing-past-rental",
]


def test_all_five_default_scenarios_are_shipped():
    for name in DEFAULTS:
        assert (SCENARIOS / f"{name}.toml").exists(), name


@pytest.mark.parametrize("name", DEFAULTS)
def test_every_item_cites_existing_register_ids_and_agrees_with_them(name):
    register = read_register(REGISTER)
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    assert check_citations(scenario, register) == []


def test_citation_check_catches_unknown_ids_and_disagreements():
    register = parse_register(
        "id,parameter,value,unit,source,type,confidence,note\n"
        "P1,price,100,VND,somewhere,published,high,\n"
        "P2,range,10-20,VND,somewhere,assumption,low,\n"
    )
    data = {
        "scenario": {"title": "t", "start_year": 2024, "end_year": 2024, "discount_rate": 0.0},
        "options": [
            {
                "id": "a",
                "name": "A",
                "items": [
                    {"name": "ok", "category": "c", "price": 100, "per": "year", "source": "P1: fine"},
                    {"name": "ok-range", "category": "c", "price": 15, "per": "year", "source": "P2"},
                    {"name": "drift", "category": "c", "price": 101, "per": "year", "source": "P1, P2: drifted"},
                    {"name": "ghost", "category": "c", "price": 1, "per": "year", "source": "NOPE-1: missing"},
                    {"name": "none", "category": "c", "price": 1, "per": "year", "source": "just text"},
                ],
            }
        ],
    }
    problems = [str(p) for p in check_citations(parse_scenario(data), register)]
    assert problems == [
        "<dict>: options.a.items[3] (drift).source: uses 101 but register P1 says 100",
        "<dict>: options.a.items[4] (ghost).source: unknown register id(s): NOPE-1",
        "<dict>: options.a.items[5] (none).source: cites no register id: start the source with ids, e.g. 'DC2, EC9: ...'",
    ]


def test_register_problems_name_the_line():
    text = (
        "id,parameter,value,unit,source,type,confidence,note\n"
        "A1,x,1,u,s,published,high,\n"
        "A1,y,2,u,s,published,high,\n"
        "bad id,z,3,u,s,guess,sure,\n"
    )
    with pytest.raises(RegisterError) as info:
        parse_register(text, "reg.csv")
    msgs = [str(p) for p in info.value.problems]
    assert "reg.csv: line 3: duplicate id 'A1' (also line 2)" in msgs
    assert "reg.csv: line 4: id must be upper-case letters, digits and '-' (got 'bad id')" in msgs
    assert "reg.csv: line 4: type must be one of published, derived, assumption (got 'guess')" in msgs
    assert "reg.csv: line 4: confidence must be one of high, medium, low (got 'sure')" in msgs


def test_register_rows_have_type_confidence_and_source():
    register = read_register(REGISTER)
    assert set(register["type"]) <= {"published", "derived", "assumption"}
    assert (register["source"].str.len() > 0).all()
    # honesty: where no Vietnamese price was found, the register says so
    no_price = register[register["source"].str.contains("no .*price.* found|not found|no source found", regex=True)]
    assert len(no_price) >= 10


def test_docs_assumptions_md_is_generated_from_the_csv():
    register = read_register(REGISTER)
    scenarios = [load_scenario(SCENARIOS / f"{n}.toml") for n in sorted(DEFAULTS)]
    expected = register_markdown(register, citations_by_id(scenarios))
    assert (SCENARIOS.parent / "docs" / "assumptions.md").read_text(encoding="utf-8") == expected, (
        "docs/assumptions.md is out of date: run 'costmodel assumptions'"
    )
    for row in register.itertuples():
        assert f"| {row.id} | " in expected


def test_assumptions_command_check_mode(tmp_path, capsys):
    out = tmp_path / "assumptions.md"
    args = ["assumptions", "--register", str(REGISTER), "-o", str(out)]
    assert main([*args, "--check"]) == 2
    assert main(args) == 0
    assert main([*args, "--check"]) == 0
    assert "up to date" in capsys.readouterr().out


# --- sanity checks written from the published benchmarks, not from the model ---


def test_buy_equipment_cost_per_vc_point_inside_benchmark_range():
    # Hand calculation from the register (VAT 10 %): MCU 2,032 M + 23 rooms x (152.4 M + 50 M)
    # + 82 communes x (76.2 M + 20 M), over 105 points.
    per_point = 1.10 * (2_032e6 + 23 * (152.4e6 + 50e6) + 82 * (76.2e6 + 20e6)) / 105
    # Benchmarks at 2024 prices: Hà Giang 2017 software point 30 M VND (VC15), the cheapest;
    # Thăng Bình 2021 146 M VND/point (VC16) x CPI 2022-2024 (1.0315 x 1.0325 x 1.0363), the dearest.
    low, high = (
        30e6 * 1.0354 * 1.0279 * 1.0323 * 1.0184 * 1.0315 * 1.0325 * 1.0363,
        145_833_333 * 1.0315 * 1.0325 * 1.0363,
    )
    assert low < per_point < high
    result = evaluate(load_scenario(SCENARIOS / "video-conferencing.toml"))
    model = scenario_unit_costs(result).set_index("option").loc["buy", "value"]
    assert model == pytest.approx(per_point, rel=1e-12)


def test_peer_positions_against_hand_computed_values():
    # Real VC scenario: peers brought to 2024 prices by hand (scenarios/price-index.csv):
    hg = 30_000_000 * 1.0354 * 1.0279 * 1.0323 * 1.0184 * 1.0315 * 1.0325 * 1.0363  # 2017 -> 2024
    qb = 130_357_143 * 1.0323 * 1.0184 * 1.0315 * 1.0325 * 1.0363  # 2019 -> 2024
    tb = 145_833_333 * 1.0315 * 1.0325 * 1.0363  # 2021 -> 2024
    result = evaluate(load_scenario(SCENARIOS / "video-conferencing.toml"))
    peers = peers_at_base_year(
        read_peer_costs(SCENARIOS / "peer-costs.csv"), read_price_index(SCENARIOS / "price-index.csv"), 2024
    )
    assert sorted(peers["value_at_base"]) == pytest.approx(sorted([hg, qb, tb]), rel=1e-12)
    pos = peer_positions(scenario_unit_costs(result), peers).set_index("option")
    buy = 1.10 * (2_032e6 + 23 * (152.4e6 + 50e6) + 82 * (76.2e6 + 20e6)) / 105  # 152.70 M
    assert pos.loc["buy", "rank"] == 3  # above Hà Giang (37.0 M) and Quảng Bình (151.3 M), below Thăng Bình (161.0 M)
    assert pos.loc["buy", "position"] == "within"
    assert pos.loc["buy", "ratio_to_median"] == pytest.approx(buy / qb, rel=1e-12)
    # hybrid: gateway 500 M (no VAT) + 23 rooms x 202.4 M x 1.1 + 82 kits x 30 M (2017, indexed to 2024
    # like Hà Giang's peer figure: price_year = 2017) x 1.1, over 105 points
    hybrid = (500e6 + 1.1 * (23 * (152.4e6 + 50e6) + 82 * hg)) / 105  # 85.36 M
    assert pos.loc["hybrid", "value"] == pytest.approx(hybrid, rel=1e-12)
    assert pos.loc["hybrid", "rank"] == 2


def test_peer_positions_synthetic_below_within_above():
    peers = parse_peer_costs(
        "id,place,year,metric,value,unit,source,note\nA,a,2024,m,100,VND,s,\nB,b,2023,m,200,VND,s,\nC,c,2024,m,300,VND,s,\n"
    )
    index = parse_price_index("year,inflation,source,type\n2024,0.10,s,assumption\n")
    at_base = peers_at_base_year(peers, index, 2024)
    assert at_base["value_at_base"].tolist() == pytest.approx([100.0, 220.0, 300.0])
    costs = pd.DataFrame(
        {
            "metric": ["m", "m", "m", "x"],
            "label": "",
            "option": ["lo", "mid", "hi", "none"],
            "value": [50.0, 250.0, 301.0, 1.0],
        }
    )
    pos = peer_positions(costs, at_base).set_index("option")
    assert pos.loc["lo", "position"] == "below" and pos.loc["lo", "rank"] == 1
    assert pos.loc["mid", "position"] == "within" and pos.loc["mid", "rank"] == 3
    assert pos.loc["mid", "ratio_to_median"] == pytest.approx(250 / 220)
    assert pos.loc["hi", "position"] == "above" and pos.loc["hi", "rank"] == 4
    assert pos.loc["none", "peers"] == 0 and pd.isna(pos.loc["none", "rank"])


def test_index_factor_backwards_and_missing_years():
    index = parse_price_index("year,inflation,source,type\n2023,0.05,s,a\n2024,0.10,s,a\n")
    assert index_factor(index, 2022, 2024) == pytest.approx(1.05 * 1.10)
    assert index_factor(index, 2024, 2022) == pytest.approx(1 / (1.05 * 1.10))
    assert index_factor(index, 2024, 2024) == 1.0
    with pytest.raises(KeyError, match="2022"):
        index_factor(index, 2020, 2024)


def test_peers_command_writes_positions(tmp_path, capsys):
    assert main(["peers", str(SCENARIOS / "video-conferencing.toml"), "-o", str(tmp_path), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Rank 3 of 4" in out and "within the peers' range" in out
    table = pd.read_csv(tmp_path / "peers.csv")
    assert table["option"].tolist() == ["buy", "hybrid"]
    assert main(["peers", str(SCENARIOS / "ioc.toml"), "-o", str(tmp_path)]) == 2


def test_readme_restructuring_paragraph_uses_the_models_numbers():
    # The README states the ranking and margins of both VC scenarios in billion VND (tỷ đồng,
    # two decimals); every number quoted must be what the model computes today.
    readme = (SCENARIOS.parent / "README.md").read_text(encoding="utf-8")
    for name in ("video-conferencing", "video-conferencing-restructuring"):
        s = evaluate(load_scenario(SCENARIOS / f"{name}.toml")).summary.set_index("option")
        for option in ("rent", "buy", "hybrid"):
            assert f"{s.loc[option, 'pv_cost'] / 1e9:.2f}" in readme, (name, option)
        margin = s.loc["rent", "pv_cost"] - s.loc["hybrid", "pv_cost"]
        assert f"{margin / 1e9:.2f}" in readme, (name, "margin")


def test_readme_counts_of_assumptions_match_the_register():
    register = read_register(REGISTER)
    assumptions = register[register["type"] == "assumption"]
    low = int((assumptions["confidence"] == "low").sum())
    readme = (SCENARIOS.parent / "README.md").read_text(encoding="utf-8")
    assert f"{len(assumptions)} of its rows are\nassumptions ({low} with low confidence)" in readme


def test_price_index_missing_a_year_is_bad_input_not_a_crash(tmp_path, capsys):
    import shutil

    for name in ("video-conferencing.toml", "peer-costs.csv", "assumptions.csv"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    (tmp_path / "price-index.csv").write_text("year,inflation,source,type\n2024,0.0363,EC1,published\n", encoding="utf-8")
    assert main(["peers", str(tmp_path / "video-conferencing.toml"), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    # the hybrid's commune kit is a 2017 price (price_year = 2017): the scenario itself needs the index
    assert "price_year: price index has no inflation for year(s) 2018" in err
    assert f"in {tmp_path / 'price-index.csv'}" in err
    assert main(["run", str(tmp_path / "video-conferencing.toml"), "-o", str(tmp_path / "out2")]) == 2
    assert not (tmp_path / "out2").exists() or not any((tmp_path / "out2").iterdir())
