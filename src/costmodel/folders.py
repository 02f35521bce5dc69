"""What a folder of inputs holds: cost scenarios, procurement plans, progress folders, compliance data.

``costmodel report`` and ``costmodel assumptions`` read a whole folder; the
kind of each TOML file is told by its top-level table: ``[scenario]`` (or
``[[options]]``) for a cost scenario, ``[project]`` for a procurement plan.
Other files (criteria, contracts) belong to their own commands.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

__all__ = [
    "compliance_inputs",
    "criteria_files",
    "is_contract",
    "futures_files",
    "is_cost_scenario",
    "is_futures",
    "is_criteria",
    "is_plan",
    "plan_files",
    "scenario_files",
]

_STATUS_NAME = re.compile(r"^status-(\d{4}-\d{2}-\d{2})\.csv$")


def _tables(path: Path) -> dict | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError):
        return None


def is_plan(path: Path) -> bool:
    """True for TOML files with a top-level ``[project]`` table (procurement plans)."""
    data = _tables(Path(path))
    return data is not None and "project" in data


def is_cost_scenario(path: Path) -> bool:
    """True for TOML files with a top-level ``[scenario]`` table or ``[[options]]`` (cost scenarios).

    A file that cannot be read is treated as a scenario so that its problem is reported.
    """
    data = _tables(Path(path))
    return data is None or "scenario" in data or "options" in data


def is_criteria(path: Path) -> bool:
    """True for TOML files with a top-level ``[criteria]`` table (multi-criteria evaluations)."""
    data = _tables(Path(path))
    return data is not None and "criteria" in data


def is_contract(path: Path) -> bool:
    """True for TOML files with a top-level ``[contract]`` table (a past contract's terms)."""
    data = _tables(Path(path))
    return data is not None and "contract" in data


def is_futures(path: Path) -> bool:
    """True for TOML files with a top-level ``[futures]`` table (one option set in several futures)."""
    data = _tables(Path(path))
    return data is not None and "futures" in data


def futures_files(folder: Path) -> list[Path]:
    """The futures files of a folder, sorted by name."""
    return sorted(p for p in Path(folder).glob("*.toml") if is_futures(p))


def criteria_files(folder: Path) -> list[Path]:
    """The criteria files of a folder, sorted by name."""
    return sorted(p for p in Path(folder).glob("*.toml") if is_criteria(p))


def scenario_files(folder: Path) -> list[Path]:
    """The cost scenarios of a folder, sorted by name."""
    return sorted(p for p in Path(folder).glob("*.toml") if is_cost_scenario(p))


def plan_files(folder: Path) -> list[Path]:
    """The procurement plans of a folder, sorted by name."""
    return sorted(p for p in Path(folder).glob("*.toml") if is_plan(p))


def compliance_inputs(folder: Path) -> tuple[Path, list[tuple[str, Path]]] | None:
    """``catalogue.csv`` and the ``status-YYYY-MM-DD.csv`` files (sorted by date) of a folder, or None."""
    folder = Path(folder)
    catalogue = folder / "catalogue.csv"
    statuses = sorted((m.group(1), p) for p in folder.glob("status-*.csv") if (m := _STATUS_NAME.match(p.name)))
    if not catalogue.exists() or not statuses:
        return None
    return catalogue, statuses
