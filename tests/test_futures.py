"""Futures files and the choice across futures (issue 17, part 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

import costmodel
from costmodel.futures import FuturesError, parse_futures
from costmodel.reports.robust_report import robust_html, robust_markdown, robust_workbook
from reader_scan import scan

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
FUTURES = SCENARIOS / "video-conferencing-futures.toml"


def _data(**changes):
    data = {
        "futures": {"title": "t"},
        "future": [
            {"id": "base", "name": "Cơ sở", "scenario": "video-conferencing.toml", "probability": 0.5},
            {"id": "merger", "name": "Sắp xếp", "scenario": "video-conferencing-restructuring.toml", "probability": 0.5},
        ],
    }
    for k, v in changes.items():
        data["future"][1][k] = v
    return data


def test_regret_is_cost_minus_the_best_cost_of_each_future_by_hand():
    """Regret[f, o] = pv[f, o] − min_o pv[f, o] (Savage 1951), from each scenario's own rounded summary."""
    result = costmodel.robust(FUTURES)
    for f in result.futures.futures:
        pv = costmodel.evaluate(f.scenario).rounded().summary.set_index("option")["pv_cost"]
        for option in pv.index:
            assert result.choice.regret.loc[f.id, option] == pv[option] - pv.min()
    # the hybrid is cheapest in both futures: no regret, chosen by both criteria
    assert result.choice.minimax_regret == "hybrid" and result.choice.min_expected_cost == "hybrid"
    expected = 0.5 * result.choice.costs["rent"].sum()
    assert result.choice.summary.set_index("option").loc["rent", "expected_cost"] == pytest.approx(expected, rel=1e-15)
    assert len(repr(result)) < 500


def test_reader_outputs_pass_the_reader_scan(tmp_path):
    result = costmodel.robust(FUTURES)
    (tmp_path / "robust.md").write_text(robust_markdown(result, "vi"), encoding="utf-8")
    (tmp_path / "robust.html").write_text(robust_html(result, "vi", standalone=True), encoding="utf-8")
    (tmp_path / "robust.xlsx").write_bytes(robust_workbook(result, "vi"))
    found = scan(tmp_path, SCENARIOS)
    assert found.count == 0, found.report()
    text = (tmp_path / "robust.md").read_text(encoding="utf-8")
    assert "rẻ nhất trong cả 2 kịch bản tương lai" in text and "VC-FUTURE-P" in text


@pytest.mark.parametrize(
    ("changes", "where", "message"),
    [
        ({"probability": 0.4}, "future[*].probability", "sum to 0.9"),
        ({"probability": None}, "future[*].probability", "for every future or none"),
        ({"scenario": "nowhere.toml"}, "future.merger.scenario", "no scenario file 'nowhere.toml'"),
        ({"id": "base"}, "future.base.id", "duplicate id 'base'"),
        ({"id": "Bad Id"}, "future[2].id", "lowercase letters"),
        ({"probability": 1.5}, "future.merger.probability", "<= 1"),
        ({"probabilty": 0.5}, "future.merger.probabilty", "unknown key"),
    ],
)
def test_bad_futures_files_name_the_key_path(changes, where, message):
    data = _data(**changes)
    if changes.get("probability", 0) is None:
        del data["future"][1]["probability"]
    with pytest.raises(FuturesError) as info:
        parse_futures(data, "f.toml", SCENARIOS)
    text = str(info.value)
    assert f"f.toml: {where}: " in text and message in text, text


def test_one_future_is_not_enough():
    data = _data()
    data["future"] = data["future"][:1]
    with pytest.raises(FuturesError, match="at least two futures"):
        parse_futures(data, "f.toml", SCENARIOS)


def test_futures_with_different_options_name_the_file(tmp_path):
    import shutil

    text = (SCENARIOS / "video-conferencing.toml").read_text(encoding="utf-8")
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    assert text.count('id = "buy"') == 1
    renamed = text.replace('id = "buy"', 'id = "own"').replace('option = "buy"', 'option = "own"')
    (tmp_path / "b.toml").write_text(renamed, encoding="utf-8")
    shutil.copy(SCENARIOS / "price-index.csv", tmp_path)
    data = {
        "futures": {"title": "t"},
        "future": [{"id": "a", "name": "A", "scenario": "a.toml"}, {"id": "b", "name": "B", "scenario": "b.toml"}],
    }
    with pytest.raises(costmodel.InputError) as info:
        costmodel.robust(parse_futures(data, str(tmp_path / "f.toml"), tmp_path))
    assert "b.toml: options: future 'b' lacks option(s) buy and has option(s) own" in str(info.value)


def test_value_of_information_sentence_names_the_input_worth_most(tmp_path):
    """Two options whose ranking turns on one uncertain price: EVPI > 0 and the sentence quotes the EVPPI in đồng."""
    from costmodel.reports.voi_report import voi_markdown, voi_text

    data = {
        "scenario": {"title": "t", "start_year": 2024, "end_year": 2024, "discount_rate": 0.0},
        "parameters": {"q": {"dist": "uniform", "low": 80, "high": 120, "label": "Đơn giá báo giá"}},
        "options": [
            {
                "id": "rent",
                "name": "Thuê",
                "items": [{"name": "a", "category": "service", "price": "q * 1_000_000", "per": "once"}],
            },
            {"id": "buy", "name": "Mua", "items": [{"name": "b", "category": "equipment", "price": 100_000_000, "per": "once"}]},
        ],
    }
    voi = costmodel.value_of_information(costmodel.parse_scenario(data), draws=4000, seed=3)
    # closed form: cost difference q·1e6 − 1e8 with q ~ U(80, 120); EVPI = E[max(0, 1e8 − q·1e6)] = 5e6 (end of year, rate 0)
    assert voi.evpi == pytest.approx(5e6, rel=0.1)
    text = voi_text(voi, "vi")
    assert "Đơn giá báo giá" in text and "đáng giá tối đa" in text
    (tmp_path / "voi.md").write_text(voi_markdown(voi, "vi"), encoding="utf-8")
    assert scan(tmp_path).count == 0


def test_cli_robust_and_optimise_write_reader_outputs(tmp_path, capsys):
    from costmodel.cli import main

    assert main(["robust", str(FUTURES), "-o", str(tmp_path / "robust")]) == 0
    assert {"regret.csv", "robust.csv", "robust.md", "robust.html", "robust.xlsx"} <= {
        p.name for p in (tmp_path / "robust").iterdir()
    }
    args = [
        "optimise",
        str(SCENARIOS / "video-conferencing.toml"),
        "--futures",
        str(FUTURES),
        "--budget-cap",
        "investment:2024=2e9",
    ]
    assert main([*args, "-o", str(tmp_path / "plan")]) == 0
    names = {p.name for p in (tmp_path / "plan").iterdir()}
    assert {"plan.csv", "optimise.csv", "plan-base.toml", "plan-restructuring.toml", "binding.csv", "optimise.md"} <= names
    # optimise.md is read by people; plan.csv and plan-*.toml by machines
    (tmp_path / "plan" / "plan.csv").unlink()
    for p in (tmp_path / "plan").glob("*.toml"):
        p.unlink()
    for folder in ("robust", "plan"):
        found = scan(tmp_path / folder, SCENARIOS)
        assert found.count == 0, found.report()
    capsys.readouterr()
    assert (
        main(
            [
                "optimise",
                str(SCENARIOS / "video-conferencing.toml"),
                "--budget-cap",
                "investment:20x4=1",
                "-o",
                str(tmp_path / "x"),
            ]
        )
        == 2
    )
    assert "--budget-cap: investment:20x4=1: expected a year" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_the_optimiser_reads_the_scenarios_own_caps():
    """One mechanism: [risk] budget_cap is the Monte Carlo's appropriation and the optimiser's cap."""
    s = costmodel.load_scenario(SCENARIOS / "data-integration-center.toml")
    s = s.with_changes({"risk.budget_cap": {"investment": {"2025": 3_500_000_000}}})
    assert s.budget_cap == {(2025, "investment"): 3.5e9}
    own = costmodel.optimise(s, near_optimal=0)
    assert own.caps == {(2025, "investment"): 3.5e9}
    assert own.expected == costmodel.optimise(s, budget_caps=s.budget_cap, near_optimal=0).expected
    assert costmodel.optimise(s, budget_caps={}, near_optimal=0).caps == {}
