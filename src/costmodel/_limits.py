"""How much memory a run needs, checked by the command line before anything large is allocated.

The estimates are deliberately generous (numpy float64 arrays, 8 bytes a
number, with room for the temporary copies the engine and the summaries make):

* Monte Carlo (``simulate``): the arrays kept for every draw — present value
  per option and spending per option and year, ``draws x options x (years + 1)``
  numbers — twice (the percentiles of the budget table sort a copy), plus one
  chunk of the engine's working arrays (:func:`engine_row_bytes` per draw).
* Sobol indices (``sensitivity --sobol N``): ``N x (inputs + 2)`` engine rows at
  once, the sample matrices, and SALib's 100 bootstrap resamples of ``N``.
* Two-way grid (``sensitivity --steps N``): ``N x N`` engine rows and the grid table.
* Weight draws (``choose --draws N``): ``N x (3 criteria + 4 options + 2)`` numbers.

The memory available is the smallest of ``MemAvailable`` (``/proc/meminfo``),
the free physical pages (``os.sysconf``) and the control group's limit less
its usage (containers); :data:`FALLBACK_AVAILABLE` when none can be read. A
run may use :data:`USABLE_SHARE` of it.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "FALLBACK_AVAILABLE",
    "USABLE_SHARE",
    "available_memory",
    "engine_row_bytes",
    "grid_bytes",
    "human_bytes",
    "most_units",
    "simulation_bytes",
    "sobol_bytes",
    "weight_draw_bytes",
]

#: Memory assumed available when the system does not say (bytes).
FALLBACK_AVAILABLE = 4 * 2**30
#: Share of the available memory one run may plan to use.
USABLE_SHARE = 0.8
#: Bootstrap resamples of SALib's Sobol analysis (its default).
_SOBOL_RESAMPLES = 100
_F8 = 8


def _meminfo_available() -> int | None:
    try:
        text = Path("/proc/meminfo").read_text(encoding="ascii")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            parts = line.split()
            try:
                return int(parts[1]) * 1024
            except (IndexError, ValueError):
                return None
    return None


def _sysconf_available() -> int | None:
    try:
        pages, size = os.sysconf("SC_AVPHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def _reclaimable(stat_file: str) -> int:
    """The control group's inactive file cache (reclaimable, counted in its usage)."""
    try:
        text = Path(stat_file).read_text(encoding="ascii")
    except OSError:
        return 0
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if key in ("inactive_file", "total_inactive_file"):
            try:
                return int(value)
            except ValueError:
                return 0
    return 0


def _cgroup_available() -> int | None:
    """The control group's memory limit less its usage (cgroup v2, then v1), when there is a limit."""
    for limit_file, usage_file, stat_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current", "/sys/fs/cgroup/memory.stat"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
            "/sys/fs/cgroup/memory/memory.stat",
        ),
    ):
        try:
            limit_text = Path(limit_file).read_text(encoding="ascii").strip()
            usage = int(Path(usage_file).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            continue
        if limit_text == "max":
            return None
        try:
            limit = int(limit_text)
        except ValueError:
            continue
        if limit >= 2**60:  # v1 writes a huge number for "no limit"
            return None
        return max(limit - max(usage - _reclaimable(stat_file), 0), 0)
    return None


def available_memory() -> int:
    """Bytes of memory a new allocation can use now (see the module docstring)."""
    found = [v for v in (_meminfo_available(), _sysconf_available(), _cgroup_available()) if v is not None]
    return min(found) if found else FALLBACK_AVAILABLE


def engine_row_bytes(n_options: int, n_years: int, n_items: int, n_inputs: int) -> int:
    """Working memory of the cost engine for one draw (or one grid point): every item's flows and the totals."""
    return _F8 * (2 * n_items * n_years + 2 * n_inputs + 4 * n_options * (n_years + 1)) + 64


def simulation_bytes(
    draws: int, chunk: int, n_options: int, n_years: int, n_items: int, n_inputs: int, n_sources: int = 0
) -> tuple[int, int]:
    """``(fixed, per_draw)`` bytes of a Monte Carlo run: needs ``fixed + draws x per_draw``.

    ``n_sources`` budget sources with a cap keep their yearly spending per draw too.
    """
    per_draw = 2 * _F8 * n_options * (n_years + 1) + n_sources * _F8 * n_options * n_years
    fixed = min(chunk, draws) * engine_row_bytes(n_options, n_years, n_items, n_inputs)
    return fixed, per_draw


def sobol_bytes(n_options: int, n_years: int, n_items: int, n_inputs: int, n_random: int) -> int:
    """Bytes per unit of the Sobol base sample ``N`` (the run needs ``N`` times this)."""
    rows = n_random + 2
    per_row = 2 * _F8 * n_random + engine_row_bytes(n_options, n_years, n_items, n_inputs) + _F8 * (n_options + 1)
    return rows * per_row + 6 * _F8 * _SOBOL_RESAMPLES


def grid_bytes(n_options: int, n_years: int, n_items: int, n_inputs: int) -> int:
    """Bytes per point of the two-way grid (the run needs ``steps x steps`` times this)."""
    return engine_row_bytes(n_options, n_years, n_items, n_inputs) + 3 * _F8 * (n_options + 2) + 128


def weight_draw_bytes(n_criteria: int, n_options: int) -> int:
    """Bytes per weight draw of the IOC decision's weight uncertainty."""
    return _F8 * (3 * n_criteria + 4 * n_options + 2)


def most_units(per_unit: int, fixed: int = 0, available: int | None = None) -> int:
    """How many units of ``per_unit`` bytes fit beside ``fixed`` bytes in the usable share of ``available``."""
    available = available_memory() if available is None else available
    usable = int(available * USABLE_SHARE) - fixed
    return max(usable // max(per_unit, 1), 0)


def human_bytes(n: float) -> str:
    """``1.5 GB``: bytes in decimal units, one decimal."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if abs(n) < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} PB"  # pragma: no cover
