"""The optimised plan and the value of information in what readers get (#17 item 4).

`costmodel report` adds, for a scenario with a capacity to own or rent, the cheapest
own/rent plan (files in ``optimised-plan/``, a workbook sheet, a chart) and, for an
uncertain scenario, the value of information (``voi.csv``, ``voi.md``, a table on the
risk sheet). Expected values come from the scenario files, written out here.
"""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from conftest import SCENARIOS, copy_dic
from costmodel import evaluate, load_scenario
from costmodel.decision.optimise import optimise
from costmodel.reports.optimise_report import outside_note, plan_figure
from costmodel.reports.outputs import evaluation_workbook

DIC = SCENARIOS / "data-integration-center.toml"


@pytest.fixture(scope="module")
def dic_plan():
    return optimise(DIC, near_optimal=0)


def test_report_writes_the_plan_and_the_value_of_information(rendered_report):
    dic = rendered_report / "data-integration-center"
    for name in ("voi.csv", "voi.md", "optimised-plan/plan.csv", "optimised-plan/plan.png", "optimised-plan/plan.toml"):
        assert (dic / name).is_file(), name
    # the plan file runs to the optimiser's objective, to the đồng (the round trip, from the report;
    # machine precision as in summary.csv: the workbook's lines rounded one by one may differ by a đồng or two)
    objective = pd.read_csv(dic / "optimised-plan" / "optimise.csv")
    pv = objective.loc[objective["measure"] == "plan", "pv_cost"].iloc[0]
    assert round(float(evaluate(load_scenario(dic / "optimised-plan" / "plan.toml")).summary["pv_cost"].iloc[0])) == pv
    # value of information: one row per uncertain input of the scenario, each at most the EVPI (0 here)
    voi = pd.read_csv(dic / "voi.csv")
    # DIC file: fx, tariff, pue, rent_factor, colo_factor and demand have distributions
    assert sorted(voi["input"]) == ["colo_factor", "demand", "fx", "pue", "rent_factor", "tariff"]
    assert (voi["evppi"] >= 0).all()
    assert "EVPI" in (dic / "voi.md").read_text(encoding="utf-8")
    # video conferencing: capacities (points) but no distributions: a plan, no value of information
    vc = rendered_report / "video-conferencing"
    assert (vc / "optimised-plan" / "plan.csv").is_file() and not (vc / "voi.csv").exists()
    # the IOC scenario has no capacity to own or rent: no plan
    assert not (rendered_report / "ioc" / "optimised-plan").exists()


def test_workbook_plan_sheet_holds_the_plan_as_numbers(rendered_report):
    book = openpyxl.load_workbook(rendered_report / "data-integration-center" / "workbook.xlsx")
    assert book.sheetnames[:3] == ["Tổng hợp", "Dự toán", "Kế hoạch tối ưu"]
    rows = [r for r in book["Kế hoạch tối ưu"].iter_rows(values_only=True) if isinstance(r[0], int)]
    # DIC file: need 200, 280, 360, 440, 520 vCPU and 40..120 TB; own equipment from 2025-01 (DIC-HYBRID-START)
    need = {(r[0], r[1]): r[2] for r in rows}
    assert need[(2024, "Nhu cầu vCPU")] == 200 and need[(2028, "Nhu cầu vCPU")] == 520
    assert need[(2026, "Nhu cầu lưu trữ (TB)")] == 80
    plan = pd.read_csv(rendered_report / "data-integration-center" / "optimised-plan" / "plan.csv")
    assert sorted(r[6] for r in rows) == sorted(plan["installed"].astype(int))  # installed capacity as numbers
    # 2024: no service of the plan yet, so the whole need is outside it; each row adds up to the need
    assert (rows[0][3], rows[0][4], rows[0][5]) == (0, 0, 200)
    assert all(r[3] + r[4] + r[5] == r[2] for r in rows)
    text = [c for r in book["Kế hoạch tối ưu"].iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any("năm 2024" in t and "hệ thống hiện có" in t for t in text)  # who meets the 2024 need
    risk = [c for r in book["Rủi ro"].iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert "Giá trị của thông tin (EVPI, EVPPI)" in risk


def test_plan_chart_series(dic_plan):
    fig = plan_figure(dic_plan, "vi")
    bars = {}
    for ax in fig.axes:
        for patch in ax.patches:
            gid = patch.get_gid()
            if gid:
                bars.setdefault(gid, []).append(patch)
    # 2024: no service of the plan yet (hybrid from 2025-01): the whole need outside, 200 vCPU and 40 TB
    assert [p.get_height() for p in bars["plan:vcpu:outside"]] == [200.0]
    assert [p.get_height() for p in bars["plan:storage_tb:outside"]] == [40.0]
    # from 2025 own equipment meets all of it: 280 + 360 + 440 + 520 vCPU
    assert sum(p.get_height() for p in bars["plan:vcpu:owned"]) == pytest.approx(1600.0)
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert sorted(labels) == sorted(
        [
            "Dùng thiết bị riêng",
            "Thuê",
            "Ngoài thời gian dịch vụ mới (hệ thống hiện có đáp ứng)",
            "Nhu cầu",
            "Năng lực thiết bị riêng đã lắp đặt",
        ]
    )


def test_plan_table_need_is_rented_plus_owned_plus_outside(dic_plan):
    plan = dic_plan.plan.set_index(["year", "capacity"])
    # DIC file: hybrid own equipment from 2025-01, so all of 2024's 200 vCPU and 40 TB are outside the plan
    assert plan.loc[(2024, "vcpu"), "outside"] == 200.0 and plan.loc[(2024, "storage_tb"), "outside"] == 40.0
    assert (plan.loc[[2025, 2026, 2027, 2028], "outside"] == 0.0).all()
    total = plan["rented"] + plan["owned"] + plan["outside"]
    assert np.allclose(total, plan["need"], rtol=1e-12, atol=0.0)


def test_outside_note_names_only_the_years_before_the_services(dic_plan):
    assert "(năm 2024)" in outside_note(dic_plan, "vi")
    assert "(in 2024)" in outside_note(dic_plan, "en")
    restructured = optimise(SCENARIOS / "video-conferencing-restructuring.toml", near_optimal=0)
    assert outside_note(restructured, "vi") == ""  # every point served by renting or own kits in every year


def test_workbook_plan_sheet_in_english(dic_plan):
    data = evaluation_workbook(evaluate(DIC), "en", plan=dic_plan)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert "Optimised plan" in book.sheetnames
    assert load_scenario(DIC).title in [c.value for c in book["Optimised plan"]["A"] if c.value]


def test_plan_chart_from_the_result_object(dic_plan):
    fig = dic_plan.plot.plan(lang="en")
    # one panel per capacity, titled by the driver's label as the file writes it (the author's text)
    assert [ax.get_title() for ax in fig.axes] == ["Nhu cầu vCPU", "Nhu cầu lưu trữ (TB)"]
    assert fig.axes[0].get_ylabel() == "Units"
    assert "plan(" in repr(dic_plan.plot)


def test_plan_chart_into_the_callers_axes(dic_plan):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 4))
    axes = fig.subplots(1, 3)
    assert dic_plan.plot.plan(lang="vi", ax=axes[:2]) is fig  # one Axes per capacity, drawn where the caller says
    assert [ax.get_title() for ax in axes[:2]] == ["Nhu cầu vCPU", "Nhu cầu lưu trữ (TB)"]
    assert len(axes[2].patches) == 0 and not fig.legends  # the third is left alone; the legend sits by the last panel
    assert axes[1].get_legend() is not None
    heights = [p.get_height() for p in axes[0].patches if p.get_gid() == "plan:vcpu:outside"]
    assert heights == [200.0]  # the same series as the chart of its own
    with pytest.raises(ValueError, match="one panel per capacity: ax must be 2 Axes"):
        plan_figure(dic_plan, "vi", ax=axes[0])


def test_a_cap_no_plan_meets_leaves_the_plan_out_and_the_report_stands(tmp_path, capsys):
    """A yearly cap of 1,000,000 đồng on the DIC total: every plan must spend more in every year (2024 alone
    needs the rented rack, the migration and the current systems: well over a billion), so there is no plan;
    the Monte Carlo still reports the probability over the cap, and the report is written without the plan."""
    from costmodel.cli import main
    from costmodel.decision.optimise.structure import OptimiseError

    path = copy_dic(tmp_path / "sc")
    text = path.read_text(encoding="utf-8")
    assert "[risk]" not in text
    path.write_text(text + "\n[risk]\nbudget_cap = 1_000_000\n", encoding="utf-8")
    with pytest.raises(OptimiseError) as info:
        optimise(path, near_optimal=0)
    assert info.value.problems[0].path == "risk.budget_cap.total.2024"  # where the file sets the cap
    out = tmp_path / "out"
    assert main(["report", "--scenarios", str(tmp_path / "sc"), "-o", str(out), "--no-notebooks"]) == 0
    err = capsys.readouterr().err
    assert "note: no optimised plan in the report: risk.budget_cap.total.2024: the cap of 1,000,000 VND" in err
    dic = out / "data-integration-center"
    assert (dic / "workbook.xlsx").is_file() and (dic / "simulation_budget.csv").is_file()
    assert not (dic / "optimised-plan").exists()
    assert (pd.read_csv(dic / "simulation_budget.csv")["prob_over_cap"] == 1.0).all()
