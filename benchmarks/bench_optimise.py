"""Benchmark of the own/rent optimiser: the DIC scenario with two demand futures and budget caps.

Run: ``.venv/bin/python benchmarks/bench_optimise.py [--repeat R] [--near-optimal K]``. Each repetition runs
in a fresh subprocess (after a warm-up in that process: imports, a first optimisation), so one run's
caches do not help the next; the table gives the fastest and the median of the repetitions, because a
shared machine adds noise only upwards. Results go to stdout as Markdown; the target (issue 17) is the
whole optimisation in under 2 s.

The problem: ``scenarios/data-integration-center.toml`` (options rent, invest, hybrid; capacities vCPU
and storage) with two futures -- the file's demand (probability 0.6) and a demand 30 % lower from 2025
(probability 0.4; 2024 is the present and the same in both) -- and caps on development investment of
2 bn VND in 2024 and 3.5 bn in 2025 and on total spending of 3.5 bn in 2026 (illustrative, not the
province's). No hand-made option meets these caps; the optimiser's plan does.

Timed steps (seconds):
* ``coefficients``: the engine runs that give every cost coefficient (unit scenario, fixed items of
  each future);
* ``optimise``: the whole call -- coefficients, the two-stage programme, the independent checks, the plan
  files evaluated by the engine, wait-and-see and expected-value solutions, one re-solve per cap (two with
  the cap lifted) and the near-optimal alternatives.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "data-integration-center.toml"

CHILD = r"""
import json, sys, time
import numpy as np
import costmodel
from costmodel.decision.optimise import analyse, normalise_futures, optimise
from costmodel.decision.optimise.engine import fixed_costs, unit_coefficients

path, near = sys.argv[1], int(sys.argv[2])
scenario = costmodel.load_scenario(path)
low = {d: np.where(scenario.years >= 2025, 0.7, 1.0) * scenario.drivers[d].values for d in ("vcpu", "storage_tb")}
futures = {"base": (None, 0.6), "low": (low, 0.4)}
caps = {"investment": {2024: 2e9, 2025: 3.5e9}, "total": {2026: 3.5e9}}
optimise(scenario, near_optimal=0)  # warm-up
out = {}
t = time.perf_counter()
structure = analyse(scenario)
unit_coefficients(structure)
for f in normalise_futures(scenario, futures):
    fixed_costs(structure, f)
out["coefficients"] = time.perf_counter() - t
t = time.perf_counter()
result = optimise(scenario, futures=futures, budget_caps=caps, near_optimal=near)
out["optimise"] = time.perf_counter() - t
evaluation = costmodel.evaluate(scenario).summary.set_index("option")["pv_cost"]
print(json.dumps({
    "seconds": out,
    "repr": repr(result),
    "summary": result.summary().astype({"pv_cost": "float"}).to_dict("records"),
    "binding": result.binding.to_dict("records"),
    "plan": result.plan.to_dict("records"),
    "alternatives": result.alternatives.groupby("alternative").first().reset_index()[
        ["alternative", "expected_pv_cost", "gap", "distance", "options"]].to_dict("records"),
    "handmade": {o: float(v) for o, v in evaluation.items()},
    "notes": list(result.notes),
}, default=float))
"""

STEPS = ["coefficients", "optimise"]


def run(near: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(SCENARIO), str(near)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def vnd(x: float) -> str:
    return "–" if x != x else f"{x:,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes")
    parser.add_argument("--near-optimal", type=int, default=2, help="alternative plans to look for")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print()
    runs = [run(args.near_optimal) for _ in range(args.repeat)]
    print(f"DIC scenario, 2 futures, 3 caps, {args.near_optimal} alternatives, {args.repeat} fresh processes:")
    print()
    print("| step | fastest (s) | median (s) |")
    print("|---|---:|---:|")
    for step in STEPS:
        times = [r["seconds"][step] for r in runs]
        print(f"| {step} | {min(times):.3f} | {statistics.median(times):.3f} |")
    print()
    first = runs[0]
    print(first["repr"])
    print()
    print("Hand-made options (file demand, no caps): " + ", ".join(f"{o} {vnd(v)}" for o, v in first["handmade"].items()))
    print()
    print("| measure | future | pv_cost (VND) | option |")
    print("|---|---|---:|---|")
    for row in first["summary"]:
        print(f"| {row['measure']} | {row['future']} | {vnd(row['pv_cost'])} | {row['option']} |")
    print()
    print("| year | budget | cap (VND) | most spent (VND) | binding | saving per 1 M (VND) | saving without the cap (VND) |")
    print("|---:|---|---:|---:|---|---:|---:|")
    for row in first["binding"]:
        print(
            f"| {row['year']} | {row['budget']} | {vnd(row['cap'])} | {vnd(row['spent'])} | {row['binding']} "
            f"| {vnd(row['saving_per_million'])} | {vnd(row['saving_without_cap'])} |"
        )
    print()
    print("| future | year | capacity | need | rented | owned | installed | modules bought | options |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---|")
    for row in first["plan"]:
        print(
            f"| {row['future']} | {row['year']} | {row['capacity']} | {row['need']:g} | {row['rented']:g} | {row['owned']:g} "
            f"| {row['installed']:g} | {row['modules_bought']} | {row['options']} |"
        )
    print()
    print("| alternative | expected pv_cost (VND) | gap | distance | options |")
    print("|---:|---:|---:|---:|---|")
    for row in first["alternatives"]:
        print(
            f"| {row['alternative']} | {vnd(row['expected_pv_cost'])} | {row['gap']:.2%} | {row['distance']:.3f} | {row['options']} |"
        )
    if first["notes"]:
        print()
        print("Notes: " + "; ".join(first["notes"]))


if __name__ == "__main__":
    main()
