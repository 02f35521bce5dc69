"""Fuzz test over every shipped input format (issue 15, part 7; docs/fuzzing.md).

Each shipped input file is mutated (seeded, deterministic: lines deleted, duplicated and
swapped; values replaced by values of other types, huge and tiny numbers, NaN, odd dates;
carriage returns, random bytes and byte-order marks inserted; truncated, emptied) and
run through the library and the command line. Every outcome must be success with finite
outputs or the project's input error naming the file (exit 2 on the command line).

* ``make test``: a fixed number of seeds per format (``COSTMODEL_FUZZ_EXAMPLES``, default 30).
* Soak: ``COSTMODEL_FUZZ_SECONDS=600 .venv/bin/pytest tests/test_fuzz.py -k soak -s`` runs random
  seeds for that many seconds in all, shared among the formats (``COSTMODEL_FUZZ_SEED`` fixes the
  first seed; ``COSTMODEL_FUZZ_FORMATS=scenario,plan`` restricts the formats).
* Every input that ever failed is kept in ``tests/fuzz/regressions/`` and replayed here.
"""

from __future__ import annotations

import os
import random
import sys
import time

import pytest

from fuzz import harness
from fuzz.mutate import dump_toml, mutate

FORMATS = list(harness.FORMATS.values())
EXAMPLES = int(os.environ.get("COSTMODEL_FUZZ_EXAMPLES", "30"))
SOAK_SECONDS = float(os.environ.get("COSTMODEL_FUZZ_SECONDS", "0") or 0)
ONLY = {f.strip() for f in os.environ.get("COSTMODEL_FUZZ_FORMATS", "").split(",") if f.strip()}
CASES = harness.regression_cases()


def test_mutations_are_deterministic():
    data = (harness.SCENARIOS / "video-conferencing.toml").read_bytes()
    for seed in range(20):
        assert mutate(data, "toml", random.Random(seed)) == mutate(data, "toml", random.Random(seed))
    ex1 = harness.make_example(harness.FORMATS["register"], 7)
    ex2 = harness.make_example(harness.FORMATS["register"], 7)
    assert (ex1.data, ex1.mutations, ex1.stages) == (ex2.data, ex2.mutations, ex2.stages)


@pytest.mark.parametrize("name", [p.name for p in sorted(harness.SCENARIOS.glob("*.toml"))])
def test_toml_writer_round_trips_shipped_files(name):
    import tomllib

    data = tomllib.loads((harness.SCENARIOS / name).read_text(encoding="utf-8"))
    assert tomllib.loads(dump_toml(data)) == data


@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_shipped_inputs_pass_the_oracle(fmt, tmp_path):
    """The oracle's own check: every shipped file passes its cheap stages unmutated."""
    for rel in fmt.files:
        stages = [s.name for s in fmt.stages if not s.expensive]
        ex = harness.run_example(harness.shipped_example(fmt, rel, stages), tmp_path / "shipped")
        assert not ex.failures, "\n".join(f.summary() + "\n" + f.traceback for f in ex.failures)
        assert set(ex.outcomes.values()) == {"ok"}, ex.outcomes


@pytest.mark.skipif(SOAK_SECONDS > 0, reason="soak run: see test_fuzz_soak")
@pytest.mark.parametrize("fmt", FORMATS, ids=[f.name for f in FORMATS])
def test_fuzz(fmt, tmp_path):
    """A bounded run: EXAMPLES fixed seeds per format, at most 3 expensive stages (workbooks, charts, documents)."""
    if ONLY and fmt.name not in ONLY:
        pytest.skip("not in COSTMODEL_FUZZ_FORMATS")
    report = harness.fuzz_format(fmt, tmp_path, range(EXAMPLES), expensive_cap=3, stage_seconds=20)
    print(report.text())
    if report.failures:
        pytest.fail(report.text(), pytrace=False)


@pytest.mark.skipif(SOAK_SECONDS <= 0, reason="set COSTMODEL_FUZZ_SECONDS for a soak run")
def test_fuzz_soak(tmp_path):
    """Random seeds until COSTMODEL_FUZZ_SECONDS have passed, shared among the formats by weight."""
    formats = [f for f in FORMATS if not ONLY or f.name in ONLY]
    first = int(os.environ.get("COSTMODEL_FUZZ_SEED") or random.SystemRandom().randrange(10**9))
    total = sum(f.weight for f in formats)
    start = time.monotonic()
    reports = []
    spent = 0.0
    for fmt in formats:
        share = SOAK_SECONDS * fmt.weight / total
        deadline = start + spent + share
        spent += share

        def log(line):
            print(line, file=sys.stderr, flush=True)

        print(f"fuzz soak {fmt.name}: seeds from {first}, {share:.0f} s", file=sys.stderr, flush=True)
        seeds = range(first, first + 10**9)
        report = harness.fuzz_format(fmt, tmp_path / fmt.name, seeds, deadline=deadline, stage_seconds=20, log=log)
        print(report.text(), flush=True)
        reports.append(report)
    print(f"\nfuzz soak summary (first seed {first}):")
    for r in reports:
        print(f"  {r.format}: {r.examples} examples, {len({f.key for _, f, _ in r.failures})} failure classes")
    failed = [r for r in reports if r.failures]
    if failed:
        pytest.fail("\n".join(r.text() for r in failed), pytrace=False)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_regression(case, tmp_path):
    """Every input that ever failed, through the same stages and oracle."""
    ex = harness.run_example(harness.load_regression(case), tmp_path / "case")
    if ex.failures:
        pytest.fail("\n\n".join(f"{f.summary()}\n{f.traceback}" for f in ex.failures), pytrace=False)
