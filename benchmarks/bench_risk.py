"""Benchmark of the Monte Carlo engine against the right thing: a hand-written numpy program for the same scenario.

Run: ``.venv/bin/python benchmarks/bench_risk.py [--quick] [--report]``. Results go to
stdout as Markdown tables; docs/performance.md records them with the machine they came
from. Speed is measured here, never asserted in tests.

* **In-process**: ``costmodel.simulate`` and the hand-written reference
  (``benchmarks/reference_dic.py``, verified equal to the engine in
  ``tests/test_compiled.py``) on ``scenarios/data-integration-center.toml``, each in
  fresh subprocesses so that peak resident memory (``ru_maxrss``) belongs to one run;
  each child warms up (imports, PERT tables, the compiled plan) and then times
  :data:`REPEATS` runs. Engine and reference children alternate and the best time of
  each is kept, so that a busy machine slows both alike.
* **Whole command**: ``costmodel simulate --draws 1000000`` against the whole
  hand-written process (numpy only, its numbers typed in: read from a ``.npz``).
* the per-draw loop an analyst would write without vectorising, for scale;
* how time grows with draws, options, items and years; Sobol indices; ``costmodel run``;
  with ``--report``, ``costmodel report`` (what ``make report`` runs).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "data-integration-center.toml"
BIN = Path(sys.executable).parent
REPEATS = 3

ENGINE_CHILD = r"""
import json, resource, sys, time
import costmodel
from costmodel.risk.simulate import simulate
scenario = costmodel.load_scenario(sys.argv[1])
draws, repeats = int(sys.argv[2]), int(sys.argv[3])
simulate(scenario, 10_000, seed=0)  # warm-up: imports, PERT tables, the compiled plan
times = []
for _ in range(repeats):
    t = time.perf_counter()
    result = simulate(scenario, draws, seed=1)
    times.append(time.perf_counter() - t)
    del result
print(json.dumps({"seconds": times, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

REFERENCE_CHILD = r"""
import json, resource, sys, time
import numpy as np
sys.path.insert(0, sys.argv[4])
from reference_dic import Program
with np.load(sys.argv[1]) as f:
    program = Program(dict(f))
draws, repeats = int(sys.argv[2]), int(sys.argv[3])
program.run(10_000)  # warm-up
times = []
for _ in range(repeats):
    t = time.perf_counter()
    result = program.run(draws)
    times.append(time.perf_counter() - t)
    del result
print(json.dumps({"seconds": times, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

SCALING_CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
from bench_risk import SCENARIO, scaled
from costmodel import parse_scenario
from costmodel.risk.simulate import simulate
options, items, years, own, draws = map(int, sys.argv[2:7])
scenario = parse_scenario(scaled(options, items, years, own), source=str(SCENARIO), base_dir=SCENARIO.parent)
simulate(scenario, 10_000, seed=0)
times = []
for _ in range(3):
    t = time.perf_counter()
    simulate(scenario, draws, seed=1)
    times.append(time.perf_counter() - t)
print(json.dumps({"seconds": min(times)}))
"""


def child(code: str, *args: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *map(str, args)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def constants_file(folder: Path) -> Path:
    """The reference's numbers, computed from the scenario once (setup, not timed)."""
    import numpy as np

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from reference_dic import DicReference

    import costmodel

    path = folder / "dic-constants.npz"
    np.savez(path, **DicReference(costmodel.load_scenario(SCENARIO)).constants())
    return path


def in_process(sizes: list[int], constants: Path) -> list[dict]:
    rows = []
    for draws in sizes:
        engine, reference = [], []
        engine_mb = reference_mb = 0.0
        for _ in range(2):  # alternate, keep the best of each
            e = child(ENGINE_CHILD, SCENARIO, draws, REPEATS)
            r = child(REFERENCE_CHILD, constants, draws, REPEATS, ROOT / "benchmarks")
            engine += e["seconds"]
            reference += r["seconds"]
            engine_mb, reference_mb = max(engine_mb, e["peak_mb"]), max(reference_mb, r["peak_mb"])
        rows.append(
            {
                "draws": draws,
                "engine": min(engine),
                "engine_median": statistics.median(engine),
                "reference": min(reference),
                "reference_median": statistics.median(reference),
                "engine_mb": engine_mb,
                "reference_mb": reference_mb,
            }
        )
    return rows


def wall(cmd: list[str], repeats: int = REPEATS, cwd: Path = ROOT) -> tuple[float, float]:
    """Best wall time of a whole process, and its user + system CPU time."""
    best, cpu = float("inf"), float("inf")
    for _ in range(repeats):
        before = os.times()
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, cwd=cwd)
        elapsed = time.perf_counter() - t
        after = os.times()
        used = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        if elapsed < best:
            best, cpu = elapsed, used
    return best, cpu


def whole_command(constants: Path, folder: Path) -> dict:
    out = folder / "simulate-out"
    engine = []
    reference = []
    for i in range(REPEATS):
        target = out.with_name(f"simulate-out-{i}")
        engine.append(wall([str(BIN / "costmodel"), "simulate", str(SCENARIO), "--draws", "1000000", "-o", str(target)], 1))
        reference.append(wall([sys.executable, str(ROOT / "benchmarks" / "reference_dic.py"), str(constants), "1000000"], 1))
    peak = peak_of([str(BIN / "costmodel"), "simulate", str(SCENARIO), "--draws", "1000000", "-o", str(out.with_name("peak"))])
    return {"engine": min(engine), "reference": min(reference), "engine_mb": peak}


def peak_of(cmd: list[str]) -> float:
    """Peak resident memory of a whole process (MB), from GNU time when present, else the children's maximum."""
    code = "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
    code += "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    out = subprocess.run([sys.executable, "-c", code, *cmd], check=True, capture_output=True, text=True, cwd=ROOT)
    return float(out.stdout)


def import_time() -> tuple[float, float]:
    """``import costmodel.cli``: -X importtime's cumulative microseconds, and the whole process's wall time."""
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import costmodel.cli"], capture_output=True, text=True, check=True
    )
    total = 0
    for line in out.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == "costmodel.cli":
            total = int(parts[1])
    return total / 1e6, wall([sys.executable, "-c", "import costmodel.cli"])[0]


def per_draw_loop(draws: int) -> dict:
    """The notebook way: draw inputs, then for each draw build the yearly cash flows and call a scalar NPV."""
    import numpy as np
    import numpy_financial as npf

    import costmodel
    from costmodel.ledger import general_option_arrays
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
        nominal = general_option_arrays(scenario, one).nominal[0]  # scalar model, one draw
        for k in range(nominal.shape[0]):
            pv[i, k] = npf.npv(rate, np.concatenate(([0.0], nominal[k])))  # scalar NPV per option
    return {"draws": draws, "seconds": time.perf_counter() - t}


# ---------------------------------------------------------------------------
# Scaling: the DIC scenario with more options, items or years
# ---------------------------------------------------------------------------


def scaled(options: int = 1, items: int = 1, years: int = 5, own_factors: int = 0) -> dict:
    """The DIC scenario with its options or items repeated, or a longer horizon.

    Repeated items are the same lines again: the compiled plan sums them with the
    originals (same factors), so they cost nothing per draw. With ``own_factors``,
    every repeated item's price is multiplied by an uncertain factor of its own
    (a PERT parameter), so each adds a factor to draw and to evaluate.
    """
    data = tomllib.loads(SCENARIO.read_text(encoding="utf-8"))
    if items > 1:
        for opt in data["options"]:
            extra = []
            for copy_no in range(2, items + 1):
                for it in opt["items"]:
                    twin = copy.deepcopy(it)
                    twin["name"] = f"{it['name']} ({copy_no})"
                    if own_factors:
                        name = f"f_{opt['id']}_{len(extra)}_{copy_no}"
                        data["parameters"][name] = {"dist": "pert", "low": 0.9, "mode": 1.0, "high": 1.2}
                        twin["price"] = f"({twin['price']}) * {name}"
                    extra.append(twin)
            opt["items"] = opt["items"] + extra
    if options > 1:
        extra = []
        for copy_no in range(2, options + 1):
            for opt in data["options"]:
                twin = copy.deepcopy(opt)
                twin["id"] = f"{opt['id']}-{copy_no}"
                twin["name"] = f"{opt['name']} ({copy_no})"
                twin.pop("short_name", None)
                extra.append(twin)
        data["options"] = data["options"] + extra
    if years > 5:
        start = data["scenario"]["start_year"]
        data["scenario"]["end_year"] = start + years - 1
        for drv in data["drivers"].values():
            values = drv["values"]
            last = values[str(start + 4)]
            for y in range(start + 5, start + years):
                values[str(y)] = last
    return data


def scaling(quick: bool) -> list[tuple[str, float]]:
    draws = 100_000
    configs = [("DIC as shipped: 3 options, 26 items, 5 years, 6 uncertain inputs", (1, 1, 5, 0))]
    configs += [("options x 2 (6 options)", (2, 1, 5, 0)), ("options x 4 (12 options)", (4, 1, 5, 0))]
    configs += [("items x 2, repeated lines (52 items)", (1, 2, 5, 0)), ("items x 4, repeated lines (104 items)", (1, 4, 5, 0))]
    configs += [
        ("items x 2, each repeated line with its own uncertain factor (52 items, 32 inputs)", (1, 2, 5, 1)),
        ("items x 4, each repeated line with its own uncertain factor (104 items, 84 inputs)", (1, 4, 5, 1)),
    ]
    configs += [("10 years", (1, 1, 10, 0)), ("20 years", (1, 1, 20, 0))]
    if quick:
        configs = configs[:1]
    rows = []
    for label, (options, items, years, own) in configs:
        result = child(SCALING_CHILD, ROOT / "benchmarks", options, items, years, own, draws)
        rows.append((label, result["seconds"]))
    return rows


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
    parser.add_argument("--quick", action="store_true", help="10k and 100k draws only, no scaling table")
    parser.add_argument("--report", action="store_true", help="also time `costmodel report` (what `make report` runs)")
    args = parser.parse_args()
    sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.2f} at the start"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        constants = constants_file(folder)

        print("\n## In-process: costmodel.simulate against the hand-written reference (best of 6 runs each)\n")
        print(
            "| draws | costmodel (s) | draws per second | hand-written (s) | ratio | peak memory costmodel / hand-written (MB) |"
        )
        print("|---:|---:|---:|---:|---:|---:|")
        rows = in_process(sizes, constants)
        for r in rows:
            print(
                f"| {r['draws']:,} | {r['engine']:.3f} (median {r['engine_median']:.3f}) | {r['draws'] / r['engine']:,.0f} | "
                f"{r['reference']:.3f} (median {r['reference_median']:.3f}) | {r['engine'] / r['reference']:.2f}x | "
                f"{r['engine_mb']:.0f} / {r['reference_mb']:.0f} |"
            )
        loop = per_draw_loop(2_000)
        loop_rate = loop["draws"] / loop["seconds"]
        best = rows[-1]["draws"] / rows[-1]["engine"]
        print(
            f"\nper-draw loop (numpy-financial npv): {loop['draws']:,} draws in {loop['seconds']:.3f} s = {loop_rate:,.0f} draws/s"
        )
        print(f"costmodel at {rows[-1]['draws']:,} draws: {best:,.0f} draws/s = {best / loop_rate:,.0f}x the per-draw loop")

        if not args.quick:
            print("\n## Whole command: `costmodel simulate --draws 1000000` against the whole hand-written process\n")
            w = whole_command(constants, folder)
            print("| process | wall (s) | CPU (s) |")
            print("|---|---:|---:|")
            print(
                f"| `costmodel simulate ... --draws 1000000` (peak {w['engine_mb']:.0f} MB) | {w['engine'][0]:.2f} | {w['engine'][1]:.2f} |"
            )
            print(f"| hand-written program, numpy only | {w['reference'][0]:.2f} | {w['reference'][1]:.2f} |")
            print(f"| ratio | {w['engine'][0] / w['reference'][0]:.1f}x | |")
            seconds, process = import_time()
            print(
                f"\n`import costmodel.cli`: {seconds:.3f} s (-X importtime, cumulative); whole `python -c` process {process:.2f} s"
            )
            run = wall([str(BIN / "costmodel"), "run", str(SCENARIO), "-o", str(folder / "run-out")])
            print(f"`costmodel run {SCENARIO.name}`: {run[0]:.2f} s wall, {run[1]:.2f} s CPU")

            print("\n## Scaling: `simulate` at 100,000 draws (best of 3)\n")
            print("| scenario | seconds |")
            print("|---|---:|")
            for r in rows:
                print(f"| draws {r['draws']:,} (DIC) | {r['engine']:.3f} |")
            for label, seconds in scaling(args.quick):
                print(f"| {label} | {seconds:.3f} |")
            print(f"\nSobol indices (first and total order, N = 4096): {sobol_time(4096):.2f} s")
        if args.report:
            report = wall([str(BIN / "costmodel"), "report", "-o", str(folder / "report-out")], repeats=1)
            print(
                f"\n`costmodel report` (what `make report` runs, notebooks included): {report[0]:.1f} s wall, {report[1]:.1f} s CPU"
            )


if __name__ == "__main__":
    main()
