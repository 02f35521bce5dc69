"""Benchmark of the Monte Carlo engine and of the per-draw loop an analyst would write.

Run: ``.venv/bin/python benchmarks/bench_risk.py [--quick]``. Each measurement of
the vectorised engine runs in a fresh subprocess so its peak resident memory
(``ru_maxrss``) belongs to that run alone. Results go to stdout as a Markdown
table; docs/performance.md records them with the machine they came from.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "data-integration-center.toml"

CHILD = r"""
import json, resource, sys, time
import costmodel
from costmodel.risk.simulate import simulate
scenario = costmodel.load_scenario(sys.argv[1])
draws = int(sys.argv[2])
simulate(scenario, 1000, seed=0)  # warm-up: imports, PERT tables
t = time.perf_counter()
simulate(scenario, draws, seed=1)
elapsed = time.perf_counter() - t
print(json.dumps({"draws": draws, "seconds": elapsed, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def vectorised(draws: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(SCENARIO), str(draws)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def per_draw_loop(draws: int) -> dict:
    """The notebook way: draw inputs, then for each draw build the yearly cash flows and call a scalar NPV."""
    import numpy as np
    import numpy_financial as npf

    import costmodel
    from costmodel.ledger import option_arrays
    from costmodel.risk.sampling import draw_values
    from costmodel.values import InputValues

    scenario = costmodel.load_scenario(SCENARIO)
    sampled = draw_values(scenario, draws, np.random.default_rng(1))
    random = {label: sampled._random[label] for label in scenario.random_inputs}
    rate = scenario.discount_rate
    t = time.perf_counter()
    pv = np.empty((draws, len(scenario.options)))
    for i in range(draws):
        one = InputValues(scenario, {k: v[i : i + 1] for k, v in random.items()}, 1)
        nominal = option_arrays(scenario, one).nominal[0]  # scalar model, one draw
        for k in range(nominal.shape[0]):
            pv[i, k] = npf.npv(rate, np.concatenate(([0.0], nominal[k])))  # scalar NPV per option
    return {"draws": draws, "seconds": time.perf_counter() - t}


def sobol_time(n: int) -> float:
    import costmodel
    from costmodel.risk.sensitivity import sobol_indices

    scenario = costmodel.load_scenario(SCENARIO)
    sobol_indices(scenario, 256)  # warm-up and SALib import
    t = time.perf_counter()
    sobol_indices(scenario, n)
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10k and 100k draws only")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print()
    print("| draws | seconds | draws per second | peak memory (MB, whole process) |")
    print("|---:|---:|---:|---:|")
    rows = [vectorised(n) for n in sizes]
    for r in rows:
        print(f"| {r['draws']:,} | {r['seconds']:.3f} | {r['draws'] / r['seconds']:,.0f} | {r['peak_mb']:.0f} |")
    loop = per_draw_loop(2_000)
    loop_rate = loop["draws"] / loop["seconds"]
    best = rows[-1]["draws"] / rows[-1]["seconds"]
    print()
    print(f"per-draw loop (numpy-financial npv): {loop['draws']:,} draws in {loop['seconds']:.3f} s = {loop_rate:,.0f} draws/s")
    print(f"vectorised engine at {rows[-1]['draws']:,} draws: {best:,.0f} draws/s; ratio {best / loop_rate:,.0f}x")
    print(f"Sobol indices (first and total order, N = 4096): {sobol_time(4096):.2f} s")


if __name__ == "__main__":
    main()
