"""The IOC decision report (issue 14): cost, criteria beyond cost, survey, robustness, evidence, in the reader's words."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import costmodel
from costmodel.cli import main
from costmodel.reports import vocabulary as voc
from costmodel.reports.choice_report import ranking_frame, recommendation_text, survey_text
from costmodel.survey import read_survey
from reader_scan import scan

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
CRITERIA = SCENARIOS / "ioc-criteria.toml"
BAD = Path(__file__).parent / "bad-criteria"


@pytest.fixture(scope="module")
def choice():
    return costmodel.choose(CRITERIA, draws=2000)


@pytest.fixture(scope="module")
def written(choice, tmp_path_factory):
    folder = tmp_path_factory.mktemp("choice")
    choice.write(folder)
    return folder


def test_costs_beside_the_scores_come_from_the_cost_engine(choice):
    """The present-value cost shown is the cost scenario's own (rounded ledger), never recomputed."""
    cost = costmodel.evaluate(SCENARIOS / "ioc.toml").rounded().summary.set_index("option")["pv_cost"]
    ranking = choice.result.ranking.set_index("option")
    for oid in cost.index:
        assert ranking.loc[oid, "pv_cost"] == cost[oid]
    assert repr(choice).startswith("<ModelChoice") and len(repr(choice)) < 500


def test_the_report_states_the_status_of_2333_and_names_every_surveyed_province(written):
    text = (written / "decision.md").read_text(encoding="utf-8")
    assert "2333/BTTTT-CĐSQG" in text and "chưa tìm được" in text
    for province in read_survey(SCENARIOS / "ioc-provinces.csv")["province"]:
        assert province in text, province
    for words in (
        "Tiêu chí",
        "Trọng số",
        "Điều kiện bắt buộc",
        "Lý do cho điểm",
        "Trọng số đổi phương án",
        "Xác suất xếp thứ nhất",
    ):
        assert words in text, words
    assert "giả định" in text.split("## 1.")[0]  # the first page says the weights and scores are assumptions


def test_every_output_passes_the_reader_scan(written):
    found = scan(written, SCENARIOS)
    assert found.count == 0, found.report()
    assert {"decision.html", "decision.xlsx", "profile.png", "uncertainty.png", "ranking.csv"} <= {
        p.name for p in written.iterdir()
    }


def test_survey_summary_counts_by_hand():
    """ioc-provinces.csv: 23 rows; 4 invest, 8 vendor pilots, 2 socialised, 1 ODA, 1 hybrid, 7 unknown (counted in the file)."""
    text = survey_text(read_survey(SCENARIOS / "ioc-provinces.csv"), "vi")
    assert text.startswith("Đã khảo sát 23 trung tâm IOC")
    for part in (
        "4 đầu tư từ ngân sách",
        "8 doanh nghiệp tài trợ, hỗ trợ thí điểm",
        "2 xã hội hóa",
        "1 vốn ODA, viện trợ",
        "7 chưa rõ",
    ):
        assert part in text
    assert "10.000.000 USD" in text  # a cost in dollars stays in dollars, never read as đồng


def test_recommendation_names_what_would_change_it(choice):
    text = recommendation_text(choice, "vi")
    top = choice.cost.scenario.option(choice.top).name
    assert text.startswith(f"Phương án {top} có điểm tổng hợp cao nhất")
    nearest = choice.sensitivity.dropna(subset=["weight_change"])
    row = nearest.loc[nearest["weight_change"].abs().idxmin()]
    assert f"“{row['criterion_name']}”" in text and voc.percent(row["switch_weight"], "vi") in text
    assert "giả định" in text


def test_per_point_sentence_by_hand(choice):
    """hybrid vs rent: (pv_hybrid − pv_rent) / (S_hybrid − S_rent), from the numbers on the page."""
    r = choice.result.ranking.set_index("option")
    per_point = (r.loc["hybrid", "pv_cost"] - r.loc["rent", "pv_cost"]) / (
        r.loc["hybrid", "weighted_score"] - r.loc["rent", "weighted_score"]
    )
    assert choice.top == "hybrid"
    assert f"{voc.money(per_point, 'vi')} đồng cho mỗi điểm" in recommendation_text(choice, "vi")


def test_combined_view_is_labelled(choice):
    frame = ranking_frame(choice, "vi")
    combined = [c for c in frame.columns if "kết hợp" in c.lower()]
    assert combined and all("tham khảo" in c or "Thứ hạng" in c for c in combined)


def test_evidence_from_the_latest_compliance_run(choice):
    assert choice.compliance is not None and choice.compliance.report.as_of.isoformat() == "2024-09-30"
    from costmodel.reports.choice_report import evidence_text

    text = evidence_text(choice, "vi")
    assert "30/09/2024" in text and "dữ liệu mẫu" in text


def test_english_switch(choice):
    text = recommendation_text(choice, "en")
    assert "has the highest weighted score" in text


@pytest.mark.parametrize("path", sorted(BAD.glob("*.toml")), ids=lambda p: p.stem)
def test_bad_criteria_files_exit_2_naming_the_key_path(path, tmp_path, capsys):
    """Each file of tests/bad-criteria, scored against ioc.toml: `costmodel choose` exits 2 with its expected lines."""
    text = path.read_text(encoding="utf-8")
    expected = [m.group(1) for m in re.finditer(r"^# expect: (.*)$", text, re.M)]
    if "[criteria]" in text and "TOML syntax" not in "".join(expected):
        text = text.replace("[criteria]", '[criteria]\ncost_scenario = "ioc.toml"', 1)
    (tmp_path / path.name).write_text(text, encoding="utf-8")
    shutil.copy(SCENARIOS / "ioc.toml", tmp_path)
    assert main(["choose", str(tmp_path / path.name), "-o", str(tmp_path / "out"), "--draws", "100"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    for line in expected:
        assert line in err, (line, err)
    assert not (tmp_path / "out").exists()
