"""Futures of one decision: the same options evaluated in several futures, and the choice that holds across them.

A **futures file** (TOML with a ``[futures]`` table, documented in
``docs/futures-format.md``) names the scenario files that describe one option
set in different futures — the base demand, an administrative restructuring —
with an optional probability for each::

    [futures]
    title = "Hội nghị truyền hình: giữ nguyên hay sắp xếp đơn vị hành chính"

    [[future]]
    id = "base"
    name = "Giữ nguyên các đơn vị hành chính"
    scenario = "video-conferencing.toml"
    probability = 0.5
    source = "VC-FUTURE-P: assumption"

:func:`robust` evaluates every scenario with the engine
(:func:`costmodel.evaluate`, ledgers rounded to the đồng as readers see them)
and computes the regret table, the minimax-regret option and, with
probabilities, the expected cost and the option that minimises it
(:mod:`costmodel.decision.robust`, Savage 1951). The futures must evaluate
the same options (ids); the regret table is always shown with the full option
set it was computed on, since adding an option can change the minimax-regret
choice (Chernoff 1954).
"""

from __future__ import annotations

import hashlib
import math
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from costmodel._pydantic import by_id, pydantic_problems
from costmodel.decision.robust import PROBABILITY_TOLERANCE
from costmodel.problems import InputError, Problem, read_text, text_problems

__all__ = ["Future", "Futures", "FuturesError", "RobustResult", "load_futures", "parse_futures", "robust"]

_ID = r"^[a-z0-9][a-z0-9_-]*$"


class FuturesError(InputError):
    """A futures file that cannot be used, with every problem found."""


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Head(_Schema):
    title: Annotated[str, Field(min_length=1)]
    description: str = ""


class _Future(_Schema):
    id: Annotated[str, Field(pattern=_ID)]
    name: Annotated[str, Field(min_length=1)]
    scenario: Annotated[str, Field(min_length=1)]
    probability: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] | None = None
    source: str = ""
    note: str = ""


class _File(_Schema):
    futures: _Head
    future: Annotated[list[_Future], Field(min_length=2)]


@dataclass(frozen=True)
class Future:
    """One future: a scenario file and its probability.

    Attributes
    ----------
    id, name : str
        Identifier and the reader's name.
    scenario : pathlib.Path
        The scenario file, resolved against the futures file's folder.
    probability : float or None
        Probability of the future (all or none of the futures have one). [-]
    source : str
        Where the probability comes from (register ids first).
    """

    id: str
    name: str
    scenario: Path
    probability: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Futures:
    """A validated futures file."""

    title: str
    futures: tuple[Future, ...]
    description: str = ""
    source: str = "<dict>"
    sha256: str = ""

    @property
    def probabilities(self) -> dict[str, float] | None:
        """Probability by future id, or None when the file gives none."""
        if self.futures[0].probability is None:
            return None
        return {f.id: float(f.probability) for f in self.futures}


def parse_futures(data: Mapping[str, Any], source: str = "<dict>", base_dir: str | os.PathLike | None = None) -> Futures:
    """Validate a futures file's content (the parsed TOML).

    Raises
    ------
    FuturesError
        Every problem with its key path: types, unknown keys, duplicate ids,
        probabilities given for some futures only or not summing to 1, a
        scenario file that does not exist.
    """
    control = text_problems(data, source)
    if control:
        raise FuturesError(control)
    try:
        model = _File.model_validate(dict(data))
    except ValidationError as exc:
        raise FuturesError(
            pydantic_problems(
                exc,
                data,
                source,
                _File,
                labels={("future",): by_id(_ID)},
                patterns={_ID: "lowercase letters, digits, '_' and '-'"},
                empty={"future": "at least two futures are needed ([[future]] tables)"},
                missing={"future": "at least two futures are needed ([[future]] tables)"},
            )
        ) from None
    folder = Path(base_dir) if base_dir is not None else (Path(source).parent if not source.startswith("<") else Path("."))
    problems = []
    seen: dict[str, int] = {}
    futures = []
    for n, f in enumerate(model.future, start=1):
        where = f"future.{f.id}"
        if f.id in seen:
            problems.append(Problem(source, f"{where}.id", f"duplicate id {f.id!r} (also future {seen[f.id]})"))
        seen.setdefault(f.id, n)
        path = folder / f.scenario
        if not path.is_file():
            problems.append(Problem(source, f"{where}.scenario", f"no scenario file {f.scenario!r} beside the futures file"))
        futures.append(Future(f.id, f.name, path, f.probability, f.source))
    given = [f.probability is not None for f in model.future]
    if any(given) and not all(given):
        missing = ", ".join(f.id for f in model.future if f.probability is None)
        problems.append(
            Problem(source, "future[*].probability", f"give a probability for every future or none (missing: {missing})")
        )
    elif all(given):
        total = sum(float(f.probability) for f in model.future)
        if not math.isclose(total, 1.0, abs_tol=PROBABILITY_TOLERANCE):
            parts = " + ".join(f"{f.probability:g}" for f in model.future)
            problems.append(Problem(source, "future[*].probability", f"the probabilities sum to {total:g} ({parts}), not 1"))
    if problems:
        raise FuturesError(problems)
    return Futures(model.futures.title, tuple(futures), model.futures.description, source)


def load_futures(path: str | os.PathLike) -> Futures:
    """Read and validate a futures file (see :func:`parse_futures`)."""
    path = Path(path)
    text = read_text(path, FuturesError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FuturesError([Problem(str(path), "", f"TOML syntax error: {exc}")]) from None
    except RecursionError:
        raise FuturesError([Problem(str(path), "", "TOML nested too deeply")]) from None
    futures = parse_futures(data, str(path), path.parent)
    return Futures(
        futures.title, futures.futures, futures.description, futures.source, hashlib.sha256(path.read_bytes()).hexdigest()
    )


@dataclass(frozen=True, repr=False)
class RobustResult:
    """The options evaluated in every future, and the choice that holds across them.

    Attributes
    ----------
    futures : Futures
    evaluations : dict of str to Evaluation
        By future id, ledgers rounded to the đồng (what readers see). [VND]
    choice : costmodel.decision.robust.RobustChoice
        Costs, regret, maximum regret, expected cost; the minimax-regret and
        minimum-expected-cost options.
    """

    futures: Futures
    evaluations: dict
    choice: object

    @property
    def scenario(self):
        """The first future's scenario (option names come from it)."""
        return next(iter(self.evaluations.values())).scenario

    @property
    def tables(self) -> dict:
        """Machine tables by CSV stem: regret (future x option rows) and robust (one row per option)."""
        return {"regret": self.choice.table(), "robust": self.choice.summary}

    def __repr__(self) -> str:
        expected = f", min expected cost {self.choice.min_expected_cost!r}" if self.choice.min_expected_cost else ""
        return (
            f"<RobustResult {self.futures.title[:60]!r}: {len(self.evaluations)} futures x {len(self.choice.options)} options; "
            f"minimax regret {self.choice.minimax_regret!r}{expected}>"
        )

    def _repr_html_(self) -> str:
        from costmodel.reports.robust_report import robust_html

        return robust_html(self)

    def to_excel(self, path, lang: str | None = None):
        """Write the regret workbook to ``path``. Returns the path."""
        from costmodel.reports.outputs import workbook_for, write_file

        return write_file(path, workbook_for(self, lang))

    def write(self, folder, lang: str | None = None):
        """Write the regret tables (CSV), the Markdown/HTML section and the workbook to ``folder``."""
        from costmodel.reports.outputs import files_for, write_files

        return write_files(folder, files_for(self, lang))


def robust(futures: str | os.PathLike | Futures) -> RobustResult:
    """Evaluate the option set in every future and choose across them (minimax regret, expected cost).

    Parameters
    ----------
    futures : path or Futures
        A futures file (``docs/futures-format.md``) or one already read.

    Returns
    -------
    RobustResult

    Raises
    ------
    FuturesError, ScenarioError
        A bad futures file or scenario; futures that do not evaluate the same
        options (naming the scenario file that differs).

    Examples
    --------
    >>> import costmodel
    >>> r = costmodel.robust("scenarios/video-conferencing-futures.toml")
    >>> r.choice.minimax_regret
    'hybrid'
    """
    from costmodel.decision.robust import costs_from_evaluations, robust_choice
    from costmodel.evaluation import evaluate

    if not isinstance(futures, Futures):
        futures = load_futures(futures)
    evaluations = {f.id: evaluate(f.scenario).rounded() for f in futures.futures}
    costs = costs_from_evaluations(evaluations)
    return RobustResult(futures, evaluations, robust_choice(costs, futures.probabilities))
