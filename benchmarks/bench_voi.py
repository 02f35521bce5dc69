"""Benchmark of the value of information: EVPPI for every input of the DIC scenario from 100,000 draws.

Run: ``.venv/bin/python benchmarks/bench_voi.py [--draws N] [--repeat R] [--no-variant]``. Each
repetition runs in a fresh subprocess (after a warm-up in that process), so one run's caches and
memory do not help the next; the table gives the fastest and the median of the repetitions,
because a shared machine adds noise only upwards. Results go to stdout as Markdown; the target
(issue 17) is EVPPI for all inputs from 100,000 draws in under 5 s on a 2-core machine.

Timed steps (seconds):
* ``draws + engine``: drawing the inputs and evaluating every option (``draw_values`` and
  ``option_arrays``, as ``costmodel simulate``), keeping the input draws;
* ``evppi, no se``: the regressions for every input (knots chosen by GCV), no standard error;
* ``evppi + se``: the same with the standard error (100 draws of the coefficients, the default);
* ``evppi + group``: every input plus the group of all inputs (additive model), no standard error;
* ``value_of_information``: the whole call (draws, engine, EVPI, EVPPI with standard errors).

Also printed: the EVPI and per-input EVPPI of the DIC scenario, and of an illustrative variant of
it (not a shipped scenario) whose colocation price and demand ranges are widened so that the
choice is no longer settled in every draw.
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
import json, sys, time, tomllib
import numpy as np
import costmodel
from costmodel.decision import evppi, input_draws, value_of_information
from costmodel.ledger import option_arrays
from costmodel.risk.sampling import draw_values

path, draws, variant = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "variant"
if variant:
    data = tomllib.loads(open(path, encoding="utf-8").read())
    data["parameters"]["colo_factor"] = {"dist": "pert", "low": 0.7, "mode": 1.0, "high": 3.0}
    data["parameters"]["demand"] = {"dist": "pert", "low": 0.6, "mode": 1.0, "high": 1.6}
    import pathlib

    scenario = costmodel.parse_scenario(data, path, pathlib.Path(path).parent)  # its folder: the dates link to the plan
else:
    scenario = costmodel.load_scenario(path)
value_of_information(scenario, 2_000, seed=0)  # warm-up: imports, PERT tables
out = {}
t = time.perf_counter()
values = draw_values(scenario, draws, np.random.default_rng(1))
pv = option_arrays(scenario, values).pv_cost
inputs = input_draws(scenario, values)
out["draws + engine"] = time.perf_counter() - t
t = time.perf_counter()
evppi(pv, inputs, se_draws=0)
out["evppi, no se"] = time.perf_counter() - t
t = time.perf_counter()
evppi(pv, inputs)
out["evppi + se"] = time.perf_counter() - t
t = time.perf_counter()
evppi(pv, inputs, {"all inputs": list(inputs.columns)}, se_draws=0)
out["evppi + group"] = time.perf_counter() - t
t = time.perf_counter()
voi = value_of_information(scenario, draws, seed=1)
out["value_of_information"] = time.perf_counter() - t
table = voi.evppi[["input", "evppi", "evppi_se", "evppi_share_of_evpi", "knots", "r_squared", "capped"]]
print(json.dumps({
    "seconds": out,
    "evpi": voi.evpi,
    "evpi_se": voi.evpi_se,
    "decision": voi.decision,
    "summary": voi.summary().to_dict("records"),
    "evppi": table.to_dict("records"),
}))
"""

STEPS = ["draws + engine", "evppi, no se", "evppi + se", "evppi + group", "value_of_information"]


def run(draws: int, variant: bool) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(SCENARIO), str(draws), "variant" if variant else "dic"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def million(x: float) -> str:
    return f"{x / 1e6:,.3f}"


def print_values(title: str, result: dict) -> None:
    print(f"### {title}")
    print()
    print(
        f"decision without more information: {result['decision']}; EVPI = {million(result['evpi'])} million VND "
        f"(standard error {million(result['evpi_se'])})"
    )
    print()
    print("| option | expected pv_cost (million VND) | P(cheapest) |")
    print("|---|---:|---:|")
    for row in result["summary"]:
        print(f"| {row['option']} | {million(row['expected_cost'])} | {row['prob_cheapest']:.5f} |")
    print()
    print("| input | EVPPI (million VND) | se (million VND) | share of EVPI | knots | R² | capped |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for row in result["evppi"]:
        share = row["evppi_share_of_evpi"]
        share_text = "–" if share is None or share != share else f"{share:.1%}"
        print(
            f"| {row['input']} | {million(row['evppi'])} | {million(row['evppi_se'])} | {share_text} | {row['knots']} "
            f"| {row['r_squared']:.3f} | {row['capped']} |"
        )
    print()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--draws", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="fresh processes per measurement")
    parser.add_argument("--no-variant", action="store_true", help="skip the illustrative variant")
    args = parser.parse_args()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print()
    runs = [run(args.draws, variant=False) for _ in range(args.repeat)]
    print(f"DIC scenario, {args.draws:,} draws, {len(runs[0]['evppi'])} inputs, {args.repeat} fresh processes:")
    print()
    print("| step | fastest (s) | median (s) |")
    print("|---|---:|---:|")
    for step in STEPS:
        times = [r["seconds"][step] for r in runs]
        print(f"| {step} | {min(times):.3f} | {statistics.median(times):.3f} |")
    print()
    print_values("DIC scenario (scenarios/data-integration-center.toml)", runs[0])
    if not args.no_variant:
        variant = run(args.draws, variant=True)
        print_values(
            "Illustrative variant (not a shipped scenario): colo_factor PERT(0.7, 1.0, 3.0), demand PERT(0.6, 1.0, 1.6)", variant
        )
        print(f"variant value_of_information: {variant['seconds']['value_of_information']:.3f} s")


if __name__ == "__main__":
    main()
