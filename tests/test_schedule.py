"""Procurement schedule: working days, critical path, weekly progress, Gantt — checked by hand.

Vietnamese holidays used below (from the `holidays` package, 0.109): Tết 2025 is Mon 27/01 to
Fri 31/01 (plus Sat 01/02); in 2025, 30/04, 01/05 and Fri 02/05 (moved from Sat 26/04, which
becomes a make-up working day) are off; in 2024, 18/04, 29/04-01/05 are off and Sat 04/05 is a
make-up working day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from conftest import SCENARIOS
from costmodel import evaluate, parse_scenario
from costmodel.cli import main
from costmodel.reports.gantt import gantt_figure
from costmodel.reports.schedule_report import weekly_markdown
from costmodel.schedule.calendar import WorkCalendar
from costmodel.schedule.cpm import schedule_plan
from costmodel.schedule.plan import PlanError, parse_plan, parse_progress
from costmodel.schedule.progress import forecast, week_over_week
from costmodel.schedule.service import service_months

D = dt.date


def plan_of(tasks, start="2025-01-22", deadline=None, **calendar):
    project = {"title": "t", "start": D.fromisoformat(start)}
    if deadline:
        project["deadline"] = D.fromisoformat(deadline)
    data = {"project": project, "tasks": tasks}
    if calendar:
        data["calendar"] = calendar
    return parse_plan(data)


def task(tid, duration, after=(), lag=0):
    return {"id": tid, "name": tid.upper(), "duration": duration, "after": list(after), "lag": lag}


def rows(schedule):
    return schedule.table.set_index("id")


def test_calendar_vietnam_2024_2025():
    cal = WorkCalendar("VN")
    assert not any(cal.is_working(D(2025, 1, d)) for d in range(27, 32))  # Tết 2025
    assert cal.is_working(D(2025, 4, 26))  # make-up Saturday
    assert not cal.is_working(D(2025, 5, 2))  # its substitute day off
    assert cal.is_working(D(2024, 5, 4)) and not cal.is_working(D(2024, 4, 29))
    assert cal.working_days_after(D(2025, 1, 24), D(2025, 2, 3)) == 1
    assert cal.working_days_after(D(2025, 2, 3), D(2025, 1, 24)) == -1
    extra = WorkCalendar("VN", extra_holidays=[D(2025, 2, 3)], extra_workdays=[D(2025, 2, 1)])
    assert extra.is_working(D(2025, 2, 1)) and not extra.is_working(D(2025, 2, 3))
    with pytest.raises(ValueError, match="both"):
        WorkCalendar("VN", [D(2025, 2, 3)], [D(2025, 2, 3)])


def test_plan_across_tet_2025_by_hand():
    plan = plan_of([task("a", 5), task("b", 3, ["a"], lag=2), task("m", 0, ["b"]), task("c", 4, ["m"], lag=1)])
    s = rows(schedule_plan(plan))
    # a: Wed 22/01, 23, 24, [27-31 Tết, weekend], Mon 03/02, Tue 04/02 -> 5th working day 04/02
    assert (s.loc["a", "early_start"], s.loc["a", "early_finish"]) == (D(2025, 1, 22), D(2025, 2, 4))
    # b: lag 2 -> the 3rd working day after 04/02 = Fri 07/02; 07, 10, 11 -> 11/02
    assert (s.loc["b", "early_start"], s.loc["b", "early_finish"]) == (D(2025, 2, 7), D(2025, 2, 11))
    # m: milestone, lag 0 -> the same day as b's finish
    assert (s.loc["m", "early_start"], s.loc["m", "early_finish"]) == (D(2025, 2, 11), D(2025, 2, 11))
    # c: lag 1 after a milestone -> 2nd working day after 11/02 = 13/02; 13, 14, 17, 18
    assert (s.loc["c", "early_start"], s.loc["c", "early_finish"]) == (D(2025, 2, 13), D(2025, 2, 18))
    assert s["critical"].all() and (s["total_float"] == 0).all()


def test_plan_across_30_april_2025_by_hand_with_float_and_slack():
    tasks = [task("p", 4), task("q", 3, ["p"]), task("r", 2, ["p"]), task("end", 0, ["q", "r"])]
    plan = plan_of(tasks, start="2025-04-24", deadline="2025-05-09")
    sched = schedule_plan(plan)
    s = rows(sched)
    # p: Thu 24/04, Fri 25/04, Sat 26/04 (make-up working day), Mon 28/04
    assert s.loc["p", "early_finish"] == D(2025, 4, 28)
    # q: Tue 29/04, [30/04, 01/05, 02/05 off, weekend], Mon 05/05, Tue 06/05
    assert (s.loc["q", "early_start"], s.loc["q", "early_finish"]) == (D(2025, 4, 29), D(2025, 5, 6))
    assert s.loc["r", "early_finish"] == D(2025, 5, 5)
    assert sched.finish == D(2025, 5, 6)
    # backward: r's late finish 06/05 -> late start 05/05; float = working days after 29/04 up to 05/05 = 1
    assert (s.loc["r", "late_start"], s.loc["r", "late_finish"], s.loc["r", "total_float"]) == (
        D(2025, 5, 5),
        D(2025, 5, 6),
        1,
    )
    # p: late finish = min(1st working day before q's LS 29/04 = 28/04, before r's LS 05/05 = 29/04) = 28/04
    assert (s.loc["p", "late_start"], s.loc["p", "late_finish"]) == (D(2025, 4, 24), D(2025, 4, 28))
    assert sched.critical_path == ["p", "q", "end"]
    assert sched.slack == 3  # 07, 08, 09 May
    late = schedule_plan(plan_of(tasks, start="2025-04-24", deadline="2025-05-02"))
    assert late.slack == -2  # finish 06/05 is 2 working days (05, 06) after the deadline


def test_critical_path_switches_after_progress_update():
    plan = plan_of([task("a", 5), task("b", 3), task("end", 0, ["a", "b"])], start="2024-06-03", deadline="2024-06-14")
    base = schedule_plan(plan)
    assert base.critical_path == ["a", "end"]
    assert rows(base).loc["b", "total_float"] == 2
    progress = parse_progress(
        "task_id,percent_complete,actual_start,actual_finish,note\na,60,2024-06-03,,\n", plan, D(2024, 6, 5)
    )
    f = forecast(plan, base, progress, D(2024, 6, 5))
    t = f.table.set_index("id")
    # a: 60 % of 5 -> 2 days left from Thu 06/06: 06, 07. b never started: 06, 07, Mon 10/06.
    assert t.loc["a", "forecast_finish"] == D(2024, 6, 7)
    assert (t.loc["b", "forecast_start"], t.loc["b", "forecast_finish"]) == (D(2024, 6, 6), D(2024, 6, 10))
    assert f.finish == D(2024, 6, 10)
    assert f.critical_path == ["b", "end"]
    assert t.loc["a", "total_float"] == 1
    # planned %: a 3 of 5 days elapsed (03-05/06) = 60 %; b 3 of 3 = 100 %
    assert (t.loc["a", "planned_percent"], t.loc["b", "planned_percent"]) == (60.0, 100.0)
    # b: 3 working days later than its baseline finish (05/06 -> 10/06) > float 2 -> late
    assert (t.loc["b", "delay"], t.loc["b", "status"]) == (3, "late")
    assert t.loc["a", "status"] == "on_track"
    # earned schedule: PV(k) = min(5, k) + min(3, k) = 0, 2, 4, 6, 7, 8; EV = 5 x 0.6 = 3
    # ES = 1 + (3 - 2) / (4 - 2) = 1.5; AT = 3 working days -> SV(t) = -1.5, SPI(t) = 0.5; PV(3) = 6
    assert f.earned_value == 3.0 and f.planned_value == 6.0
    assert f.earned_schedule == pytest.approx(1.5)
    assert f.schedule_variance == pytest.approx(-1.5)
    assert f.spi == pytest.approx(0.5)
    assert f.slack == 4  # 11, 12, 13, 14 June


def test_weekly_report_for_a_sample_week_by_hand():
    plan = plan_of([task("a", 5), task("b", 3), task("end", 0, ["a", "b"])], start="2024-06-03", deadline="2024-06-14")
    base = schedule_plan(plan)
    week1 = forecast(
        plan,
        base,
        parse_progress("task_id,percent_complete,actual_start,actual_finish,note\na,20,2024-06-03,,\n", plan, D(2024, 6, 3)),
        D(2024, 6, 3),
    )
    week2 = forecast(
        plan,
        base,
        parse_progress("task_id,percent_complete,actual_start,actual_finish,note\na,60,2024-06-03,,\n", plan, D(2024, 6, 5)),
        D(2024, 6, 5),
    )
    changes = week_over_week(week2, week1, plan).set_index("id")
    # week 1 (03/06): a 20 % -> 4 days left from 04/06: 04, 05, 06, 07; b 04, 05, 06 -> finish 07/06
    assert week1.finish == D(2024, 6, 7)
    # a moved from 07/06 to 07/06 (0); b from 06/06 to 10/06: 07, 10 -> +2 working days
    assert changes.loc["a", "percent_change"] == 40.0 and changes.loc["a", "finish_change"] == 0
    assert changes.loc["b", "finish_change"] == 2 and changes.loc["b", "status_now"] == "late"
    md = weekly_markdown(plan, base, week2, week1, week_over_week(week2, week1, plan), lang="vi")
    assert "Dự báo hoàn thành: **10/06/2024** (kế hoạch ban đầu 07/06/2024; chậm 1 ngày làm việc)." in md
    assert "Hạn hoàn thành: 14/06/2024: còn 4 ngày làm việc dự trữ." in md
    # work done 3 of 8 task-days = 37.5 %, planned PV(3) = 6 of 8 = 75 %
    assert "Khối lượng đã thực hiện 37,5\u00a0% so với kế hoạch 75,0\u00a0%" in md
    assert "so với kế hoạch 75,0\u00a0%: **chậm 1,5 ngày làm việc** (chênh lệch tiến độ SV(t) = -1,5 ngày làm việc:" in md
    assert "chỉ số tiến độ SPI(t) = 0,50: tốc độ thực hiện so với kế hoạch, nhỏ hơn 1 là chậm)." in md  # explained
    assert "So với kỳ báo cáo trước (03/06/2024): ngày hoàn thành dự báo lùi 1 ngày làm việc" in md
    en = weekly_markdown(plan, base, week2, None, None, lang="en")
    assert "late by 1.5 working days" in en


def test_gantt_has_one_bar_per_task_and_the_deadline_line():
    plan = plan_of([task("a", 5), task("b", 3), task("end", 0, ["a", "b"])], start="2024-06-03", deadline="2024-06-14")
    base = schedule_plan(plan)
    f = forecast(plan, base, {}, D(2024, 6, 3))
    fig = gantt_figure(plan, base, f, lang="vi")
    ax = fig.axes[0]
    gids = [a.get_gid() for a in ax.get_children() if a.get_gid()]
    assert sorted(g for g in gids if g.startswith("baseline:")) == ["baseline:a", "baseline:b", "baseline:end"]
    assert sorted(g for g in gids if g.startswith(("forecast:", "milestone:"))) == [
        "forecast:a",
        "forecast:b",
        "milestone:end",
    ]
    assert "deadline" in gids and "status-date" in gids
    assert {"arrow:a->end", "arrow:b->end"} <= set(gids)
    labels = sorted((t.get_position()[1], t.get_text()) for t in ax.get_yticklabels())
    assert [text for _, text in labels] == ["END", "B", "A"]  # first task at the top


@pytest.mark.parametrize(
    ("tasks", "message"),
    [
        (
            [task("a", 2, ["c"]), task("b", 1, ["a"]), task("c", 1, ["b"])],
            "tasks.a.after: dependency cycle: a -> b -> c -> a",
        ),
        ([task("a", 2, ["zz"])], "tasks.a.after: unknown predecessor 'zz'"),
        ([task("a", 2), task("a", 3)], "tasks[2].id: duplicate task id 'a' (also tasks[1])"),
        ([task("a", -1)], "tasks.a.duration: must be >= 0 (got -1)"),
        ([task("a", 2, lag=1)], "tasks.a.lag: lag needs predecessors ('after')"),
        ([{"id": "a", "name": "A", "duration": 2, "afer": []}], "tasks.a.afer: unknown key (did you mean 'after'?)"),
    ],
)
def test_plan_errors_name_the_task(tasks, message):
    with pytest.raises(PlanError) as info:
        plan_of(tasks)
    assert f"<dict>: {message}" in [str(p) for p in info.value.problems]


def test_progress_errors_name_the_line():
    plan = plan_of([task("a", 5), task("b", 3)])
    bad = "task_id,percent_complete,actual_start,actual_finish,note\nzz,10,2025-01-22,,\na,100,2025-01-22,,\nb,150,,,\n"
    with pytest.raises(PlanError) as info:
        parse_progress(bad, plan, D(2025, 2, 10), "p.csv")
    msgs = [str(p) for p in info.value.problems]
    assert "p.csv: line 2: unknown task_id 'zz'" in msgs
    assert "p.csv: line 3: task 'a': actual_finish is given exactly when percent_complete is 100" in msgs
    assert "p.csv: line 4: percent_complete must be a number 0-100 (got '150')" in msgs


def test_cli_schedule_outputs_and_bad_plan_exit_2(tmp_path, capsys):
    plan = SCENARIOS / "dic-rental-procurement.toml"
    out = tmp_path / "out"
    assert main(["schedule", str(plan), "-o", str(out), "--progress", str(SCENARIOS / "dic-rental-procurement-progress")]) == 0
    table = pd.read_csv(out / "schedule.csv")
    assert list(table.columns) == [
        "id",
        "name",
        "owner",
        "duration",
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "total_float",
        "critical",
    ]
    assert set(table["critical"]) <= {True, False}
    for name in (
        "gantt.png",
        "gantt.svg",
        "weekly-report.md",
        "weekly-report.html",
        "weekly-report.xlsx",
        "status.csv",
        "service_start.csv",
    ):
        assert (out / name).exists(), name
    printed = capsys.readouterr().out
    assert "Ngày hoàn thành dự kiến" in printed
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[project]\ntitle = "x"\nstart = 2024-04-15\n\n[[tasks]]\nid = "a"\nname = "A"\nduration = 2\nafter = ["a"]\n',
        encoding="utf-8",
    )
    assert main(["schedule", str(bad), "-o", str(tmp_path / "bad-out")]) == 2
    err = capsys.readouterr().err
    assert "tasks.a.after: a task cannot follow itself" in err and "Traceback" not in err
    assert not (tmp_path / "bad-out").exists()


def test_a_slip_moves_rental_spending_between_budget_years():
    # Link to the money (docs/schedule-format.md): the rental is billed from the 1st of the month
    # after signing; the share of each year in service scales the rented capacity, and the pilot
    # arrangement covers the rest of the year.
    on_time = service_months(D(2024, 9, 1), range(2024, 2026))  # signed in August: 4 months in 2024
    slipped = service_months(D(2024, 11, 1), range(2024, 2026))  # signed in October: 2 months
    assert on_time["months_in_service"].tolist() == [4, 12] and slipped["months_in_service"].tolist() == [2, 12]

    def spend(months):
        share = dict(zip(months["year"], months["share_of_year"], strict=True))
        data = {
            "scenario": {"title": "link", "start_year": 2024, "end_year": 2025, "discount_rate": 0.0},
            "drivers": {
                "rented": {"values": {str(y): 10 * share[y] for y in share}},
                "pilot": {"values": {str(y): 1 - share[y] for y in share}},
            },
            "options": [
                {
                    "id": "rent",
                    "name": "Rent",
                    "items": [
                        {
                            "name": "racks",
                            "category": "service",
                            "price": 1_000_000,
                            "per": "month",
                            "quantity": "rented",
                        },
                        {
                            "name": "pilot",
                            "category": "service",
                            "price": 5_000_000,
                            "per": "month",
                            "quantity": "pilot",
                        },
                    ],
                }
            ],
        }
        return evaluate(parse_scenario(data)).budget.groupby("year")["nominal"].sum()

    a, b = spend(on_time), spend(slipped)
    # 2024: racks 12 x 1 M x 10 x 4/12 = 40 M + pilot 12 x 5 M x 8/12 = 40 M = 80 M on time;
    # slipped: 20 M + 50 M = 70 M. 2025 is the same.
    assert a[2024] == pytest.approx(80e6) and b[2024] == pytest.approx(70e6)
    assert a[2025] == b[2025] == pytest.approx(120e6)


def test_unknown_calendar_country_is_reported():
    with pytest.raises(PlanError) as info:
        plan_of([task("a", 1)], country="XX")
    assert "<dict>: calendar.country: unknown country 'XX'" in [str(p) for p in info.value.problems]


def test_weekly_workbook_slip_table_has_native_amounts_and_a_difference_formula(tmp_path):
    # the Department of Finance adds up the weekly report's cost table in Excel: amounts are numbers, each
    # difference is the formula forecast - baseline, and the table's rows agree with slip.csv line by line
    import openpyxl

    from conftest import copy_dic

    folder = tmp_path / "in"
    scenario = copy_dic(folder)
    out = tmp_path / "out"
    plan = folder / "dic-rental-procurement.toml"
    args = ["schedule", str(plan), "-o", str(out), "--progress", str(folder / "dic-rental-procurement-progress")]
    assert main([*args, "--scenario", str(scenario)]) == 0
    slip = pd.read_csv(out / "slip.csv")
    assert len(slip) >= 1
    book = openpyxl.load_workbook(out / "weekly-report.xlsx")
    sheet = book.worksheets[0]
    rows = [[c for c in row] for row in sheet.iter_rows()]
    head = next(i for i, row in enumerate(rows) if row[0].value == "Phương án")
    found = []
    for row in rows[head + 1 : head + 1 + len(slip)]:
        planned, forecast_amount, difference = row[6], row[8], row[9]
        assert isinstance(planned.value, int | float) and isinstance(forecast_amount.value, int | float)  # not text
        assert planned.number_format == "#,##0"
        assert difference.value == f"={forecast_amount.coordinate}-{planned.coordinate}"
        found.append((row[3].value, planned.value, forecast_amount.value))
    # in words: a lower total caused by a late service is not a saving; the table says what its amounts include;
    # the owners' "Sở TT&TT" is written as such in the Markdown, not "&amp;"
    md = (out / "weekly-report.md").read_text(encoding="utf-8")
    assert "Khoản giảm này là do dịch vụ mới bắt đầu muộn, không phải khoản tiết kiệm" in md
    assert "*Đơn vị tính: đồng (đã có thuế GTGT; mỗi khoản mục gồm chi phí dự phòng" in md
    assert "Sở TT&TT" in md and "&amp;" not in md
    expected = list(zip(slip["item"], slip["baseline"], slip["forecast"], strict=True))
    assert len(found) == len(expected)
    for (_item, planned, forecasted), (_code, baseline, forecast_value) in zip(found, expected, strict=True):
        assert planned == pytest.approx(baseline, rel=1e-12) and forecasted == pytest.approx(forecast_value, rel=1e-12)
