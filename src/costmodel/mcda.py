"""Multi-criteria evaluation of options: gates, swing-weighted scores, and how robust the choice is.

The cost model answers "which option costs least"; a deployment choice also
turns on things that are not prices (who owns the data, who runs the
service, what happens when a contract ends). This module scores the options
of a cost scenario against such criteria with the **linear additive model**
of multi-criteria decision analysis (MCDA), as the UK DCLG manual (2009,
§4.7 and chapter 6) and the HM Treasury Green Book MCDA guidance describe
it, and keeps cost **beside** the weighted score, not inside it:

1. **Gates**: an option that fails a gate (a pass/fail condition) is excluded,
   with the reason, and not scored.
2. **Scores**: each remaining option has a score per criterion on a stated
   scale ``[lo, hi]``, converted to a 0-100 value
   ``v = 100 (score - lo) / (hi - lo)``.
3. **Swing weights** ``w_k >= 0`` (normalised to sum to 1): the weight of a
   criterion is the value of moving from the bottom to the top of its scale,
   relative to the same swing on the other criteria.
4. **Weighted score** ``S_o = sum_k w_k v_ok`` in points (0-100); rank 1 is the
   highest. The present-value cost of each option (from the cost engine) is
   shown beside it, with a labelled **combined view** that adds cost as one
   more criterion (a linear value function between the cheapest and the
   dearest remaining option) with its own stated swing weight.
5. **Robustness**: for each criterion, the weight at which the top option
   changes (:func:`weight_sensitivity`); the probability that each option
   ranks first when the weights are uncertain (:func:`weight_uncertainty`);
   the extra cost per point of score of the top option (:func:`cost_per_point`).

The criteria file (TOML) is documented field by field in
``docs/criteria-format.md``; :func:`load_criteria` is the only code that
knows its format. Everything else takes and returns objects, arrays and
DataFrames with machine column names; weights, probabilities and changes of
weight are decimals.

References
----------
.. [1] Department for Communities and Local Government, *Multi-criteria
   analysis: a manual*, London, January 2009 (§3.5 monetary results in an
   MCA framework; §4.7 linear additive models; §6.2 stages of MCDA: scoring,
   swing weighting, combining, examining results, sensitivity analysis).
.. [2] HM Treasury, *Green Book supplementary guidance: multi-criteria
   decision analysis* ("Use of multi-criteria decision analysis in options
   appraisal of economic cases"), updated 16 May 2024.
.. [3] HM Treasury, *The Green Book: Central Government Guidance on
   Appraisal and Evaluation*, 2022.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from costmodel._pydantic import by_name, pydantic_problems
from costmodel.problems import InputError, Problem, read_text, text_problems
from costmodel.register import cited_ids

__all__ = [
    "COST_ID",
    "COST_PER_POINT_COLUMNS",
    "DEFAULT_DRAWS",
    "DEFAULT_SEED",
    "GATE_COLUMNS",
    "POINTS",
    "PROFILE_COLUMNS",
    "RANKING_COLUMNS",
    "SENSITIVITY_COLUMNS",
    "UNCERTAINTY_COLUMNS",
    "WEIGHT_COLUMNS",
    "Criteria",
    "CriteriaError",
    "CriteriaResult",
    "Criterion",
    "Gate",
    "GateResult",
    "Score",
    "WeightUncertainty",
    "check_criteria_citations",
    "cost_per_point",
    "cost_values",
    "evaluate_criteria",
    "load_criteria",
    "parse_criteria",
    "switching_weights",
    "weight_sensitivity",
    "weight_uncertainty",
    "weighted_scores",
]

#: The weighted score's scale: 0 (every criterion at the bottom of its scale) to 100 (all at the top). [point]
POINTS = 100.0
#: Default scale of the scores when neither the file nor the criterion states one.
DEFAULT_SCALE = (0.0, 10.0)
#: How far the weights of a normalised file may sum from 1.
WEIGHT_SUM_TOLERANCE = 1e-6
#: Fixed seed of :func:`weight_uncertainty` (reproducible results).
DEFAULT_SEED = 20240414
#: Default number of weight draws of :func:`weight_uncertainty`.
DEFAULT_DRAWS = 10_000
#: Id of cost when it enters the combined view as a criterion (reserved: no criterion may use it).
COST_ID = "cost"
ID_PATTERN = r"^[A-Za-z0-9_-]+$"

RANKING_COLUMNS = [
    "option",
    "eligible",
    "failed_gates",
    "exclusion_reason",
    "weighted_score",
    "rank",
    "pv_cost",
    "cost_value",
    "combined_score",
    "combined_rank",
]
GATE_COLUMNS = ["gate", "gate_name", "option", "passed", "reason", "source"]
PROFILE_COLUMNS = ["option", "criterion", "criterion_name", "weight", "score", "score_value", "contribution"]
WEIGHT_COLUMNS = ["criterion", "criterion_name", "weight", "weight_normalised", "weight_low", "weight_high", "source"]
SENSITIVITY_COLUMNS = [
    "criterion",
    "criterion_name",
    "weight",
    "top",
    "switch_down",
    "new_top_down",
    "switch_up",
    "new_top_up",
    "switch_weight",
    "weight_change",
    "new_top",
]
UNCERTAINTY_COLUMNS = ["option", "prob_first", "mean_rank"]
COST_PER_POINT_COLUMNS = [
    "top",
    "option",
    "score_difference",
    "cost_difference",
    "cost_per_point",
    "top_dominates",
    "break_even_cost",
]


class CriteriaError(InputError):
    """A criteria file (or dictionary) is not valid; ``problems`` lists why."""


# ---------------------------------------------------------------------------
# Schema (pass 1): what the file may contain
# ---------------------------------------------------------------------------

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Pair = Annotated[list[float], Field(min_length=2, max_length=2)]


class _Schema(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False, populate_by_name=True)


class _CostSection(_Schema):
    weight: Annotated[float, Field(ge=0, le=1)]
    source: Text
    value_per_point: Annotated[float, Field(gt=0)] | None = None


class _HeadSection(_Schema):
    title: Text
    description: str = ""
    scale: Pair | None = None
    normalised: bool = True
    cost_scenario: str = ""
    cost: _CostSection | None = None


class _ScoreSection(_Schema):
    score: float
    justification: Text
    source: Text


class _GateResultSection(_Schema):
    passed: bool = Field(alias="pass")
    reason: Text
    source: Text


class _GateSection(_Schema):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: Text
    rule: Text
    description: str = ""
    source: str = ""
    results: dict[str, _GateResultSection]


class _CriterionSection(_Schema):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    name: Text
    weight: Annotated[float, Field(ge=0)]
    weight_range: Pair | None = None
    scale: Pair | None = None
    description: str = ""
    source: Text
    scores: dict[str, _ScoreSection]


class _FileSchema(_Schema):
    criteria: _HeadSection
    gate: list[_GateSection] = []
    criterion: Annotated[list[_CriterionSection], Field(min_length=1)]


# ---------------------------------------------------------------------------
# Resolved model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    """One option's score on one criterion.

    Attributes
    ----------
    option : str
        Option id (of the cost scenario).
    score : float
        On the criterion's scale. [scale unit]
    justification : str
        Why this score: the reasoning a reviewer can check.
    source : str
        Register ids before the first ``:``, then free text.
    """

    option: str
    score: float
    justification: str
    source: str


@dataclass(frozen=True)
class Criterion:
    """A weighted criterion with every option's score.

    Attributes
    ----------
    position : int
        1-based position in the file (as in error messages).
    id, name, description : str
        Identifier, reader's name (Vietnamese) and definition.
    weight : float
        Swing weight as written in the file (normalised later). [-]
    weight_range : tuple of float or None
        ``(low, high)`` of the weight, for :func:`weight_uncertainty`, in the
        same units as ``weight``. [-]
    scale : tuple of float
        ``(lo, hi)``: the bottom and top of the score scale.
    source : str
        Where the weight comes from (register ids first).
    scores : dict of str to Score
        By option id.
    """

    position: int
    id: str
    name: str
    weight: float
    scale: tuple[float, float]
    source: str
    scores: dict[str, Score]
    weight_range: tuple[float, float] | None = None
    description: str = ""

    @property
    def label(self) -> str:
        """Position and name, as in messages: ``criterion[3] (Quyền sở hữu dữ liệu)``."""
        return f"criterion[{self.position}] ({self.name})"

    def value(self, option: str) -> float:
        """The option's score on the 0-100 value scale: ``100 (score - lo) / (hi - lo)``. [point]"""
        lo, hi = self.scale
        return POINTS * (self.scores[option].score - lo) / (hi - lo)


@dataclass(frozen=True)
class GateResult:
    """Whether one option passes one gate, and why.

    Attributes
    ----------
    option : str
    passed : bool
    reason, source : str
    """

    option: str
    passed: bool
    reason: str
    source: str


@dataclass(frozen=True)
class Gate:
    """A pass/fail condition: an option that fails it is excluded.

    Attributes
    ----------
    position : int
        1-based position in the file.
    id, name, rule : str
        Identifier, reader's name and the condition an option must meet.
    results : dict of str to GateResult
        By option id.
    description, source : str
    """

    position: int
    id: str
    name: str
    rule: str
    results: dict[str, GateResult]
    description: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        """Position and name, as in messages: ``gate[1] (Tuân thủ hướng dẫn)``."""
        return f"gate[{self.position}] ({self.name})"


@dataclass(frozen=True)
class Criteria:
    """A validated criteria file: gates and weighted criteria for a set of options.

    Attributes
    ----------
    title, description : str
    options : tuple of str
        Option ids in order (the cost scenario's order when given).
    criteria : tuple of Criterion
        In file order.
    gates : tuple of Gate
        In file order.
    normalised : bool
        Whether the file's weights were declared to sum to 1.
    cost_scenario : str
        The cost scenario file named in the file, relative to it ("" if none).
    cost_weight : float or None
        Swing weight of cost in the combined view (None: no combined view). [-]
    cost_source : str
        Source of ``cost_weight``.
    value_per_point : float or None
        A stated value of one point of weighted score, for
        :func:`cost_per_point`. [VND/point]
    source : str
        File name (``"<dict>"`` when built from a dictionary).
    sha256 : str
        SHA-256 of the file's bytes ("" when built from a dictionary).
    """

    title: str
    options: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    gates: tuple[Gate, ...] = ()
    normalised: bool = True
    description: str = ""
    cost_scenario: str = ""
    cost_weight: float | None = None
    cost_source: str = ""
    value_per_point: float | None = None
    source: str = "<dict>"
    sha256: str = ""

    @property
    def ids(self) -> list[str]:
        """Criterion ids in file order."""
        return [c.id for c in self.criteria]

    @property
    def weights(self) -> np.ndarray:
        """Weights normalised to sum to 1, in file order. [-]"""
        raw = np.array([c.weight for c in self.criteria], dtype=float)
        return raw / raw.sum()

    @property
    def cost_scenario_path(self) -> Path | None:
        """``cost_scenario`` resolved against the criteria file's folder (None if not given)."""
        if not self.cost_scenario:
            return None
        return Path(self.source).parent / self.cost_scenario

    def values(self, options: Sequence[str] | None = None) -> np.ndarray:
        """Score values on the 0-100 scale, one row per option, one column per criterion. [point]"""
        options = self.options if options is None else options
        return np.array([[c.value(o) for c in self.criteria] for o in options], dtype=float).reshape(
            len(options), len(self.criteria)
        )

    @property
    def eligible(self) -> tuple[str, ...]:
        """Options that pass every gate, in :attr:`options` order."""
        return tuple(o for o in self.options if all(g.results[o].passed for g in self.gates))


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


def load_criteria(path: str | Path, options: Iterable[str] | None = None) -> Criteria:
    """Read, validate and resolve a criteria TOML file.

    Parameters
    ----------
    path : str or pathlib.Path
        The criteria file, e.g. ``scenarios/ioc-criteria.toml``.
    options : iterable of str, optional
        The option ids the file must score (e.g. ``[o.id for o in
        scenario.options]`` of the cost scenario). Any other option id in the
        file is a problem, and so is an option without a score or gate
        result. Without it, the options are those the file uses, and every
        criterion and gate must cover all of them.

    Returns
    -------
    Criteria

    Raises
    ------
    CriteriaError
        An unreadable or non-UTF-8 file, a TOML syntax error (with its line
        and column), or every problem of the content, each with a key path.
    """
    path = Path(path)
    name = str(path)
    text = read_text(path, CriteriaError)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CriteriaError([Problem(name, "", f"TOML syntax error: {exc}")]) from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise CriteriaError(
            [Problem(name, "", "TOML nested too deeply (arrays or tables inside each other hundreds of levels deep)")]
        ) from None
    criteria = parse_criteria(data, source=name, options=options)
    return replace(criteria, sha256=hashlib.sha256(path.read_bytes()).hexdigest())


def parse_criteria(data: Mapping[str, Any], source: str = "<dict>", options: Iterable[str] | None = None) -> Criteria:
    """Validate and resolve criteria given as a dictionary (parsed TOML).

    Parameters
    ----------
    data : mapping
        The same structure as a criteria file.
    source : str
        Name used in messages.
    options : iterable of str, optional
        See :func:`load_criteria`.

    Returns
    -------
    Criteria

    Raises
    ------
    CriteriaError
        With every problem found.

    Examples
    --------
    >>> data = {
    ...     "criteria": {"title": "t", "scale": [0, 10]},
    ...     "criterion": [{"id": "C1", "name": "Dữ liệu", "weight": 1.0, "source": "X: y",
    ...                    "scores": {"a": {"score": 12, "justification": "j", "source": "X: y"}}}],
    ... }
    >>> parse_criteria(data, "c.toml")
    Traceback (most recent call last):
    ...
    costmodel.mcda.CriteriaError: c.toml: criterion[1] (Dữ liệu).scores.a.score: score 12 is outside the scale 0-10
    """
    control = text_problems(data, source)
    if control:
        raise CriteriaError(control)
    try:
        model = _FileSchema.model_validate(data)
    except ValidationError as exc:
        raise CriteriaError(_schema_problems(exc, data, source)) from None
    known = None if options is None else list(dict.fromkeys(options))
    problems = list(_consistency_problems(model, source, known))
    if problems:
        raise CriteriaError(problems)
    return _resolve(model, source, known)


def _option_set(model: _FileSchema, known: list[str] | None) -> list[str]:
    if known is not None:
        return known
    found: dict[str, None] = {}
    for c in model.criterion:
        found.update(dict.fromkeys(c.scores))
    for g in model.gate:
        found.update(dict.fromkeys(g.results))
    return list(found)


def _scale(head: _HeadSection, crit: _CriterionSection | None = None) -> tuple[float, float]:
    if crit is not None and crit.scale is not None:
        return (float(crit.scale[0]), float(crit.scale[1]))
    if head.scale is not None:
        return (float(head.scale[0]), float(head.scale[1]))
    return DEFAULT_SCALE


def _num(x: float) -> str:
    return f"{x:g}"


def _unknown_option(oid: str, options: list[str]) -> str:
    close = difflib.get_close_matches(oid, options, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown option {oid!r} ({hint}the options are {', '.join(options) or 'none'})"


def _consistency_problems(model: _FileSchema, source: str, known: list[str] | None) -> Iterable[Problem]:
    head = model.criteria
    options = _option_set(model, known)

    def p(path: str, message: str) -> Problem:
        return Problem(source, path, message)

    if head.scale is not None and not head.scale[0] < head.scale[1]:
        yield p("criteria.scale", f"must be [bottom, top] with bottom < top (got {[_num(x) for x in head.scale]})")
    seen: dict[str, str] = {}
    labels = [(f"gate[{i + 1}] ({g.name})", g.id) for i, g in enumerate(model.gate)]
    labels += [(f"criterion[{i + 1}] ({c.name})", c.id) for i, c in enumerate(model.criterion)]
    for label, cid in labels:
        if cid in seen:
            yield p(f"{label}.id", f"duplicate id {cid!r} (also {seen[cid]})")
        else:
            seen[cid] = label
        if cid == COST_ID and label.startswith("criterion"):
            yield p(f"{label}.id", f"the id {COST_ID!r} is reserved for cost in the combined view: choose another id")

    for i, g in enumerate(model.gate):
        label = f"gate[{i + 1}] ({g.name})"
        for oid in g.results:
            if known is not None and oid not in known:
                yield p(f"{label}.results.{oid}", _unknown_option(oid, options))
        for oid in options:
            if oid not in g.results:
                yield p(f"{label}.results", f"no result for option {oid!r}: a gate must say whether every option passes")

    weights = []
    for i, c in enumerate(model.criterion):
        label = f"criterion[{i + 1}] ({c.name})"
        weights.append(c.weight)
        lo, hi = _scale(head, c)
        if c.scale is not None and not lo < hi:
            yield p(f"{label}.scale", f"must be [bottom, top] with bottom < top (got {[_num(x) for x in c.scale]})")
        if c.weight_range is not None:
            wlo, whi = c.weight_range
            if not 0 <= wlo <= whi:
                yield p(f"{label}.weight_range", f"must be [low, high] with 0 <= low <= high (got [{_num(wlo)}, {_num(whi)}])")
            elif not wlo <= c.weight <= whi:
                yield p(f"{label}.weight_range", f"must contain the weight {_num(c.weight)} (got [{_num(wlo)}, {_num(whi)}])")
            elif head.normalised and whi > 1:
                yield p(f"{label}.weight_range", f"normalised weights are at most 1 (got high {_num(whi)})")
        if head.normalised and c.weight > 1:
            yield p(f"{label}.weight", f"a normalised weight is at most 1 (got {_num(c.weight)})")
        for oid, s in c.scores.items():
            if known is not None and oid not in known:
                yield p(f"{label}.scores.{oid}", _unknown_option(oid, options))
                continue
            if lo < hi and not lo <= s.score <= hi:
                yield p(f"{label}.scores.{oid}.score", f"score {_num(s.score)} is outside the scale {_num(lo)}-{_num(hi)}")
        for oid in options:
            if oid not in c.scores:
                yield p(f"{label}.scores", f"no score for option {oid!r}: every criterion must score every option")

    total = math.fsum(weights)
    if head.normalised and abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        terms = " + ".join(_num(w) for w in weights)
        yield p(
            "criterion[*].weight",
            f"the weights sum to {total:.6g} ({terms}), not 1, and criteria.normalised = true: "
            "correct them, or set normalised = false to have them rescaled to sum to 1",
        )
    elif total <= 0:
        yield p("criterion[*].weight", "the weights sum to 0: at least one criterion needs a weight > 0")


def _resolve(model: _FileSchema, source: str, known: list[str] | None) -> Criteria:
    head = model.criteria
    options = tuple(_option_set(model, known))
    criteria = tuple(
        Criterion(
            position=i + 1,
            id=c.id,
            name=c.name,
            weight=float(c.weight),
            scale=_scale(head, c),
            source=c.source,
            scores={o: Score(o, float(c.scores[o].score), c.scores[o].justification, c.scores[o].source) for o in options},
            weight_range=None if c.weight_range is None else (float(c.weight_range[0]), float(c.weight_range[1])),
            description=c.description,
        )
        for i, c in enumerate(model.criterion)
    )
    gates = tuple(
        Gate(
            position=i + 1,
            id=g.id,
            name=g.name,
            rule=g.rule,
            results={o: GateResult(o, g.results[o].passed, g.results[o].reason, g.results[o].source) for o in options},
            description=g.description,
            source=g.source,
        )
        for i, g in enumerate(model.gate)
    )
    return Criteria(
        title=head.title,
        options=options,
        criteria=criteria,
        gates=gates,
        normalised=head.normalised,
        description=head.description,
        cost_scenario=head.cost_scenario,
        cost_weight=None if head.cost is None else float(head.cost.weight),
        cost_source="" if head.cost is None else head.cost.source,
        value_per_point=None if head.cost is None or head.cost.value_per_point is None else float(head.cost.value_per_point),
        source=source,
    )


# ---------------------------------------------------------------------------
# Paths and messages of the schema pass
# ---------------------------------------------------------------------------

_MISSING = {
    "rule": "required key is missing: a gate needs a rule, the condition an option must meet to pass",
    "justification": "required key is missing: every score needs a written justification",
    "reason": "required key is missing: every gate result needs a reason",
    "source": "required key is missing: say where it comes from, starting with register ids (e.g. 'IOC-S-OWNERSHIP: ...')",
    "pass": "required key is missing: pass = true or false",
    "criterion": "at least one criterion is required ([[criterion]] table)",
    "criteria": "required table is missing: [criteria] with at least a title",
}
_EMPTY = {
    "rule": "must not be empty: a gate needs a rule, the condition an option must meet to pass",
    "justification": "must not be empty: every score needs a written justification",
    "reason": "must not be empty: every gate result needs a reason",
    "source": "must not be empty: say where it comes from, starting with register ids",
}
#: The elements of ``[[criterion]]`` and ``[[gate]]`` are named by position and name: ``criterion[3] (Name)``.
_LABELS = {("criterion",): by_name(strip=True), ("gate",): by_name(strip=True)}


def _pair_message(err: ErrorDetails) -> str | None:
    """[low, high] pairs: the number of values given."""
    ctx, value = err.get("ctx") or {}, err.get("input")
    if err["type"] == "too_long" or (err["type"] == "too_short" and ctx.get("min_length") == 2):
        return f"expected [low, high]: two numbers (got {len(value) if isinstance(value, list) else value!r})"
    return None


def _schema_problems(exc: ValidationError, data: Any, source: str) -> list[Problem]:
    """The schema pass's errors as problems (see :func:`costmodel._pydantic.pydantic_problems`)."""
    return pydantic_problems(
        exc,
        data,
        source,
        _FileSchema,
        labels=_LABELS,
        patterns={ID_PATTERN: "letters, digits, '_' and '-'"},
        missing=_MISSING,
        empty={**_EMPTY, "criterion": _MISSING["criterion"]},
        special=_pair_message,
    )


# ---------------------------------------------------------------------------
# The linear additive model
# ---------------------------------------------------------------------------


def weighted_scores(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted scores of the linear additive model.

    Parameters
    ----------
    values : numpy.ndarray
        Shape ``(n_options, n_criteria)``: each option's value on each
        criterion. [point, 0-100]
    weights : numpy.ndarray
        Shape ``(n_criteria,)`` or ``(n_draws, n_criteria)``: weights >= 0,
        in any units; each weight vector is normalised to sum to 1 first, so
        the result does not change when all weights are multiplied by the same
        positive number. [-]

    Returns
    -------
    numpy.ndarray
        ``S_o = sum_k w_k v_ok / sum_k w_k``: shape ``(n_options,)``, or
        ``(n_draws, n_options)`` for a 2-D ``weights``. [point]

    Notes
    -----
    DCLG (2009), §4.7 (linear additive models) and §6.2 (stages of MCDA).

    Examples
    --------
    >>> weighted_scores(np.array([[100.0, 0.0], [50.0, 50.0]]), np.array([3.0, 1.0]))
    array([75., 50.])
    """
    values = np.asarray(values, dtype=float)
    weights = np.asarray(weights, dtype=float)
    normalised = weights / weights.sum(axis=-1, keepdims=True)
    return normalised @ values.T


def cost_values(costs: np.ndarray) -> np.ndarray:
    """Linear value function of cost: 100 for the cheapest option, 0 for the dearest.

    ``v_o = 100 (C_max - C_o) / (C_max - C_min)`` over the options given;
    100 for every option when all costs are equal (there is no swing).

    Parameters
    ----------
    costs : numpy.ndarray
        Present-value cost of each option. [VND]

    Returns
    -------
    numpy.ndarray
        [point, 0-100]

    Examples
    --------
    >>> cost_values(np.array([10.0, 20.0, 15.0]))
    array([100.,   0.,  50.])
    """
    costs = np.asarray(costs, dtype=float)
    if costs.size == 0:
        return costs
    lo, hi = costs.min(), costs.max()
    if hi == lo:
        return np.full(costs.shape, POINTS)
    return POINTS * (hi - costs) / (hi - lo)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Rank 1 = highest; ties share the best rank ("min" method)."""
    return np.array([1 + int(np.sum(scores > s)) for s in scores], dtype=int)


@dataclass(frozen=True)
class CriteriaResult:
    """The evaluation of a criteria file (see :func:`evaluate_criteria`).

    Attributes
    ----------
    criteria : Criteria
        The criteria evaluated.
    ranking : pandas.DataFrame
        One row per option (all options, in :attr:`Criteria.options` order),
        columns :data:`RANKING_COLUMNS`: ``eligible`` (passes every gate),
        ``failed_gates`` (ids, ``", "``-joined), ``exclusion_reason`` (the
        failed gates' reasons, ``"; "``-joined), ``weighted_score`` [point,
        NaN when excluded], ``rank`` (1 = highest weighted score, ``<NA>``
        when excluded), ``pv_cost`` [VND, NaN without costs], ``cost_value``
        [point: 100 cheapest, 0 dearest eligible option], ``combined_score``
        ``= (1 - cost_weight) weighted_score + cost_weight cost_value``
        [point] and ``combined_rank`` (NaN / ``<NA>`` without costs or cost
        weight).
    gates : pandas.DataFrame
        One row per gate and option, columns :data:`GATE_COLUMNS`.
    profile : pandas.DataFrame
        One row per eligible option and criterion, columns
        :data:`PROFILE_COLUMNS`: normalised ``weight`` [-], ``score`` [scale
        unit], ``score_value`` [point] and ``contribution = weight x
        score_value`` [point]; an option's contributions add up to its weighted score.
    weights : pandas.DataFrame
        One row per criterion, columns :data:`WEIGHT_COLUMNS`.
    top : str or None
        The eligible option with the highest weighted score (the first in
        option order on a tie); None when every option is excluded.
    cost_weight : float or None
        The cost weight of the combined view, if it was computed. [-]
    """

    criteria: Criteria
    ranking: pd.DataFrame
    gates: pd.DataFrame
    profile: pd.DataFrame
    weights: pd.DataFrame
    top: str | None
    cost_weight: float | None = None
    costs: dict[str, float] = field(default_factory=dict)

    @property
    def order(self) -> list[str]:
        """Eligible option ids, best weighted score first."""
        eligible = self.ranking[self.ranking["eligible"]]
        return list(eligible.sort_values(["rank"], kind="stable")["option"])


def evaluate_criteria(
    criteria: Criteria, costs: Mapping[str, float] | None = None, cost_weight: float | None = None
) -> CriteriaResult:
    """Apply the gates, compute the weighted scores, and place cost beside them.

    Parameters
    ----------
    criteria : Criteria
        From :func:`load_criteria` or :func:`parse_criteria`.
    costs : mapping of str to float, optional
        Present-value cost of each option, from the cost engine (e.g.
        ``dict(zip(result.summary["option"], result.summary["pv_cost"]))``);
        every eligible option needs one. Shown beside the weighted score,
        never added into it. [VND]
    cost_weight : float, optional
        Swing weight of cost (from the dearest to the cheapest eligible
        option) in the combined view, a decimal in [0, 1]; default
        :attr:`Criteria.cost_weight`. No combined view when both are None.

    Returns
    -------
    CriteriaResult

    Raises
    ------
    ValueError
        When ``costs`` misses an eligible option or ``cost_weight`` is
        outside [0, 1].

    Notes
    -----
    An option that fails any gate is excluded and not scored: a
    non-compensatory screening before the compensatory weighted sum, so that
    no score on another criterion can make up for it (compare DCLG 2009, §4.5
    and chapter 5 on using the performance matrix without weights). For the
    others, ``S_o = sum_k w_k v_ok`` with weights normalised to sum to 1 and
    values on 0-100 (:meth:`Criterion.value`).

    The combined view treats cost as one more criterion with a local linear
    value function (:func:`cost_values`) and the swing weight ``cost_weight``;
    the other weights are scaled by ``1 - cost_weight``. A ratio such as
    "points per billion đồng" is not offered: a weighted score is on an
    interval scale whose zero is a convention (the bottom of each scale), so
    a ratio to it changes when the scales' bottoms move.

    Examples
    --------
    >>> crit = parse_criteria({
    ...     "criteria": {"title": "t"},
    ...     "gate": [{"id": "G", "name": "g", "rule": "r", "results": {
    ...         "a": {"pass": True, "reason": "ok", "source": "X: y"},
    ...         "b": {"pass": False, "reason": "no", "source": "X: y"}}}],
    ...     "criterion": [{"id": "C", "name": "c", "weight": 1.0, "source": "X: y", "scores": {
    ...         "a": {"score": 6, "justification": "j", "source": "X: y"},
    ...         "b": {"score": 9, "justification": "j", "source": "X: y"}}}],
    ... })
    >>> r = evaluate_criteria(crit)
    >>> r.top
    'a'
    >>> r.ranking[["option", "weighted_score", "rank", "exclusion_reason"]].values.tolist()
    [['a', 60.0, 1, ''], ['b', nan, <NA>, 'no']]
    """
    options = list(criteria.options)
    eligible = list(criteria.eligible)
    weights = criteria.weights
    cost_weight = criteria.cost_weight if cost_weight is None else float(cost_weight)
    if cost_weight is not None and not 0 <= cost_weight <= 1:
        raise ValueError(f"cost_weight must be between 0 and 1 (got {cost_weight!r})")

    gate_rows = [
        {
            "gate": g.id,
            "gate_name": g.name,
            "option": o,
            "passed": g.results[o].passed,
            "reason": g.results[o].reason,
            "source": g.results[o].source,
        }
        for g in criteria.gates
        for o in options
    ]
    gates = pd.DataFrame(gate_rows, columns=GATE_COLUMNS)

    values = criteria.values(eligible)
    scores = weighted_scores(values, weights) if eligible else np.array([])
    ranks = _ranks(scores)
    top = eligible[int(np.argmax(scores))] if eligible else None

    pv = np.full(len(options), np.nan)
    cost_value = np.full(len(options), np.nan)
    combined = np.full(len(options), np.nan)
    combined_rank: list[Any] = [pd.NA] * len(options)
    used_costs: dict[str, float] = {}
    if costs is not None:
        missing = [o for o in eligible if o not in costs]
        if missing:
            raise ValueError(f"no present-value cost for option(s) {', '.join(missing)}")
        used_costs = {o: float(costs[o]) for o in options if o in costs}
        pv = np.array([used_costs.get(o, np.nan) for o in options])
        elig_costs = np.array([used_costs[o] for o in eligible])
        cv = cost_values(elig_costs)
        for i, o in enumerate(eligible):
            cost_value[options.index(o)] = cv[i]
        if cost_weight is not None and eligible:
            comb = (1 - cost_weight) * scores + cost_weight * cv
            comb_ranks = _ranks(comb)
            for i, o in enumerate(eligible):
                combined[options.index(o)] = comb[i]
                combined_rank[options.index(o)] = int(comb_ranks[i])
    else:
        cost_weight = None

    rows = []
    for j, o in enumerate(options):
        failed = [g for g in criteria.gates if not g.results[o].passed]
        ok = o in eligible
        rows.append(
            {
                "option": o,
                "eligible": ok,
                "failed_gates": ", ".join(g.id for g in failed),
                "exclusion_reason": "; ".join(g.results[o].reason for g in failed),
                "weighted_score": float(scores[eligible.index(o)]) if ok else np.nan,
                "rank": int(ranks[eligible.index(o)]) if ok else pd.NA,
                "pv_cost": pv[j],
                "cost_value": cost_value[j],
                "combined_score": combined[j],
                "combined_rank": combined_rank[j],
            }
        )
    ranking = pd.DataFrame(rows, columns=RANKING_COLUMNS)
    ranking["rank"] = ranking["rank"].astype("Int64")
    ranking["combined_rank"] = ranking["combined_rank"].astype("Int64")
    ranking["eligible"] = ranking["eligible"].astype(bool)

    profile = pd.DataFrame(
        [
            {
                "option": o,
                "criterion": c.id,
                "criterion_name": c.name,
                "weight": float(weights[k]),
                "score": c.scores[o].score,
                "score_value": float(values[i, k]),
                "contribution": float(weights[k] * values[i, k]),
            }
            for i, o in enumerate(eligible)
            for k, c in enumerate(criteria.criteria)
        ],
        columns=PROFILE_COLUMNS,
    )
    weight_table = pd.DataFrame(
        [
            {
                "criterion": c.id,
                "criterion_name": c.name,
                "weight": c.weight,
                "weight_normalised": float(weights[k]),
                "weight_low": np.nan if c.weight_range is None else c.weight_range[0],
                "weight_high": np.nan if c.weight_range is None else c.weight_range[1],
                "source": c.source,
            }
            for k, c in enumerate(criteria.criteria)
        ],
        columns=WEIGHT_COLUMNS,
    )
    return CriteriaResult(
        criteria=criteria,
        ranking=ranking,
        gates=gates,
        profile=profile,
        weights=weight_table,
        top=top,
        cost_weight=cost_weight,
        costs=used_costs,
    )


# ---------------------------------------------------------------------------
# Weight sensitivity
# ---------------------------------------------------------------------------


def switching_weights(
    values: np.ndarray, weights: np.ndarray, k: int
) -> tuple[tuple[float, int] | None, tuple[float, int] | None]:
    """The weights of criterion ``k`` at which the top option changes, below and above its current weight.

    The weight of criterion ``k`` is moved to ``t`` in [0, 1] and the other
    weights are rescaled proportionally so that they sum to ``1 - t``:
    ``w_j(t) = w_j (1 - t) / (1 - w_k)``. Every option's score is then linear
    in ``t``::

        S_o(t) = t v_ok + (1 - t) R_ok,   R_ok = sum_{j != k} w_j v_oj / (1 - w_k)

    so the top option ``T`` (at the current weights) is overtaken by option
    ``o`` where ``S_T(t) = S_o(t)``:
    ``t* = d0 / (d0 - d1)`` with ``d0 = R_Tk - R_ok`` and ``d1 = v_Tk - v_ok``.
    The nearest crossing on each side of ``w_k`` at which ``T`` is *strictly*
    overtaken is returned, verified by evaluating the scores just beyond it
    (a tie at 0 or 1 itself is not a change). When the other weights are all
    0, they are rescaled equally. With fewer than two options or two
    criteria there is nothing to switch: ``(None, None)``.

    Parameters
    ----------
    values : numpy.ndarray
        ``(n_options, n_criteria)`` values of the eligible options. [point]
    weights : numpy.ndarray
        ``(n_criteria,)`` weights >= 0 (normalised here). [-]
    k : int
        Index of the criterion whose weight moves.

    Returns
    -------
    (down, up) : tuple
        Each ``(t, index of the new top option)`` or None when the top option
        does not change in that direction within [0, 1]. ``t`` is the weight
        (a decimal) at which the change happens.

    Examples
    --------
    Two options, two criteria of equal weight: A is best on the first
    criterion (100 against 0), B on the second (0 against 60); A leads 50 to
    30 and is overtaken when the first weight falls to 0.375 (``100 t = 60 (1 - t)``):

    >>> switching_weights(np.array([[100.0, 0.0], [0.0, 60.0]]), np.array([0.5, 0.5]), 0)
    ((0.375, 1), None)
    """
    values = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    w = w / w.sum()
    n, m = values.shape
    if n < 2 or m < 2:
        return None, None
    top = int(np.argmax(values @ w))
    wk = float(w[k])
    others = w.copy()
    others[k] = 0.0
    rest = others.sum()
    if rest > 0:
        r = values @ others / rest
    else:
        r = np.delete(values, k, axis=1).mean(axis=1)
    a = values[:, k]

    def scores(t: float) -> np.ndarray:
        return t * a + (1 - t) * r

    d0 = r[top] - r
    d1 = a[top] - a
    found: dict[str, tuple[float, int] | None] = {"down": None, "up": None}
    for direction, sign in (("down", -1.0), ("up", 1.0)):
        best: float | None = None
        for o in range(n):
            if o == top or d0[o] == d1[o]:
                continue
            t = float(d0[o] / (d0[o] - d1[o]))
            slope = d1[o] - d0[o]  # d/dt of S_T - S_o: o gains on T as t rises when it is negative
            overtakes_above = sign > 0 and slope < 0 and wk - 1e-12 <= t < 1
            overtakes_below = sign < 0 and slope > 0 and 0 < t <= wk + 1e-12
            if not (overtakes_above or overtakes_below):
                continue
            t = min(max(t, 0.0), 1.0)
            if best is None or abs(t - wk) < abs(best - wk):
                best = t
        if best is None:
            continue
        # verify: just beyond the crossing another option leads (the nearest step that shows it)
        room = (1.0 - best) if sign > 0 else best
        if room <= 1e-9:  # the crossing is at the end of the range (a tie at weight 0 or 1): no switch inside it
            continue
        for step in (1e-9, 1e-7, 1e-5):
            beyond = scores(best + sign * min(step, room / 2))
            new = int(np.argmax(beyond))
            if new != top and beyond[new] > beyond[top]:
                found[direction] = (best, new)
                break
        else:  # pragma: no cover - a crossing the scores do not confirm (a slope below rounding)
            raise ArithmeticError(f"switching weight {best!r} of criterion {k} failed verification")
    return found["down"], found["up"]


def _combined_inputs(
    criteria: Criteria, costs: Mapping[str, float] | None, cost_weight: float | None
) -> tuple[list[str], np.ndarray, np.ndarray, list[str], list[str]]:
    eligible = list(criteria.eligible)
    values = criteria.values(eligible)
    weights = criteria.weights
    ids = criteria.ids
    names = [c.name for c in criteria.criteria]
    if costs is not None and cost_weight is not None:
        missing = [o for o in eligible if o not in costs]
        if missing:
            raise ValueError(f"no present-value cost for option(s) {', '.join(missing)}")
        cv = cost_values(np.array([float(costs[o]) for o in eligible]))
        values = np.column_stack([values, cv])
        weights = np.append((1 - cost_weight) * weights, cost_weight)
        ids = [*ids, COST_ID]
        names = [*names, ""]
    return eligible, values, weights, ids, names


def weight_sensitivity(
    criteria: Criteria, costs: Mapping[str, float] | None = None, cost_weight: float | None = None
) -> pd.DataFrame:
    """For each criterion, the smallest change of its weight that changes the top option.

    Parameters
    ----------
    criteria : Criteria
    costs : mapping of str to float, optional
        Present-value costs [VND]. With a cost weight (argument or
        :attr:`Criteria.cost_weight`) the analysis is of the **combined
        view**: cost is one more criterion (id :data:`COST_ID`) and the top
        option is the combined one. Without costs, of the weighted score.
    cost_weight : float, optional
        See :func:`evaluate_criteria`.

    Returns
    -------
    pandas.DataFrame
        One row per criterion (plus ``cost`` in the combined view), columns
        :data:`SENSITIVITY_COLUMNS`: ``weight`` the current normalised weight;
        ``top`` the top option; ``switch_down`` / ``switch_up`` the weight
        below / above the current one at which another option takes the lead
        (NaN: no change within 0-100 %), with ``new_top_down`` /
        ``new_top_up`` (None when there is no change); ``switch_weight``
        and ``new_top`` the nearer of the two, ``weight_change =
        switch_weight - weight`` (signed decimal). Weights are decimals; in
        the combined view they are the combined weights (the criteria's
        scaled by ``1 - cost_weight``). Empty when fewer than two options are
        eligible.

    Notes
    -----
    One-way sensitivity of the weights with proportional rescaling of the
    others (DCLG 2009, §6.2, sensitivity analysis; Green Book MCDA guidance:
    test how robust the ranking is to the weights). Solved exactly by
    :func:`switching_weights`.

    Examples
    --------
    >>> crit = parse_criteria({"criteria": {"title": "t"}, "criterion": [
    ...     {"id": "C1", "name": "c1", "weight": 0.5, "source": "X: y", "scores": {
    ...         "a": {"score": 10, "justification": "j", "source": "X: y"},
    ...         "b": {"score": 0, "justification": "j", "source": "X: y"}}},
    ...     {"id": "C2", "name": "c2", "weight": 0.5, "source": "X: y", "scores": {
    ...         "a": {"score": 0, "justification": "j", "source": "X: y"},
    ...         "b": {"score": 6, "justification": "j", "source": "X: y"}}}]})
    >>> weight_sensitivity(crit)[["criterion", "switch_weight", "weight_change", "new_top"]].values.tolist()
    [['C1', 0.375, -0.125, 'b'], ['C2', 0.625, 0.125, 'b']]
    """
    cost_weight = criteria.cost_weight if cost_weight is None else float(cost_weight)
    eligible, values, weights, ids, names = _combined_inputs(criteria, costs, cost_weight)
    if len(eligible) < 2:
        return pd.DataFrame(columns=SENSITIVITY_COLUMNS)
    w = weights / weights.sum()
    top = eligible[int(np.argmax(values @ w))]
    rows = []
    for k, (cid, name) in enumerate(zip(ids, names, strict=True)):
        down, up = switching_weights(values, w, k)
        candidates = [x for x in (down, up) if x is not None]
        nearest = min(candidates, key=lambda x: abs(x[0] - w[k])) if candidates else None
        rows.append(
            {
                "criterion": cid,
                "criterion_name": name,
                "weight": float(w[k]),
                "top": top,
                "switch_down": np.nan if down is None else down[0],
                "new_top_down": None if down is None else eligible[down[1]],
                "switch_up": np.nan if up is None else up[0],
                "new_top_up": None if up is None else eligible[up[1]],
                "switch_weight": np.nan if nearest is None else nearest[0],
                "weight_change": np.nan if nearest is None else nearest[0] - float(w[k]),
                "new_top": None if nearest is None else eligible[nearest[1]],
            }
        )
    table = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    for col in ("new_top_down", "new_top_up", "new_top"):  # option ids, None where there is no change
        table[col] = pd.Series([None if v is None else v for v in (r[col] for r in rows)], dtype=object)
    return table


# ---------------------------------------------------------------------------
# Weight uncertainty
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WeightUncertainty:
    """Rankings under uncertain weights (see :func:`weight_uncertainty`).

    Attributes
    ----------
    summary : pandas.DataFrame
        One row per eligible option, columns :data:`UNCERTAINTY_COLUMNS`:
        ``prob_first`` the share of draws in which it ranks first (decimal),
        ``mean_rank`` its average rank.
    options : tuple of str
        The eligible options, the columns of ``scores``.
    weights : numpy.ndarray
        ``(draws, n_criteria)`` normalised weights drawn. [-]
    scores : numpy.ndarray
        ``(draws, n_options)`` weighted scores. [point]
    top : numpy.ndarray
        ``(draws,)`` id of the top option in each draw.
    method : str
        ``"ranges"`` (uniform within each ``weight_range``) or ``"simplex"``
        (uniform on the simplex, Dirichlet(1, ..., 1)).
    seed : int
    draws : int
    """

    summary: pd.DataFrame
    options: tuple[str, ...]
    weights: np.ndarray
    scores: np.ndarray
    top: np.ndarray
    method: str
    seed: int
    draws: int


def weight_uncertainty(criteria: Criteria, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED) -> WeightUncertainty:
    """Probability that each option ranks first when the weights are uncertain.

    Parameters
    ----------
    criteria : Criteria
    draws : int
        Number of weight vectors drawn (> 0).
    seed : int
        Seed of :func:`numpy.random.default_rng`; fixed by default so that
        results are reproducible.

    Returns
    -------
    WeightUncertainty

    Notes
    -----
    When at least one criterion has a ``weight_range``, each such weight is
    drawn uniformly within its range, the others are kept at their stated
    weight, and each draw is normalised to sum to 1. When no criterion has a
    range, the weight vectors are drawn uniformly on the simplex
    (Dirichlet(1, ..., 1)): every set of weights summing to 1 is equally
    likely. Gates are applied first; only eligible options are ranked. Ties
    go to the first option in order (probability zero for continuous draws).
    The sampling standard error of a probability ``p`` is
    ``sqrt(p (1 - p) / draws)`` (at most 0.005 for 10,000 draws).

    Examples
    --------
    One criterion favours A, the other B, and their weights are uniform on
    the simplex: each ranks first half of the time.

    >>> crit = parse_criteria({"criteria": {"title": "t"}, "criterion": [
    ...     {"id": "C1", "name": "c1", "weight": 0.5, "source": "X: y", "scores": {
    ...         "a": {"score": 10, "justification": "j", "source": "X: y"},
    ...         "b": {"score": 0, "justification": "j", "source": "X: y"}}},
    ...     {"id": "C2", "name": "c2", "weight": 0.5, "source": "X: y", "scores": {
    ...         "a": {"score": 0, "justification": "j", "source": "X: y"},
    ...         "b": {"score": 10, "justification": "j", "source": "X: y"}}}]})
    >>> u = weight_uncertainty(crit)
    >>> u.method, [round(p, 1) for p in u.summary["prob_first"]]
    ('simplex', [0.5, 0.5])
    """
    if draws < 1:
        raise ValueError(f"draws must be >= 1 (got {draws!r})")
    rng = np.random.default_rng(seed)
    eligible = list(criteria.eligible)
    k = len(criteria.criteria)
    ranged = [c.weight_range is not None for c in criteria.criteria]
    if any(ranged):
        method = "ranges"
        lo = np.array([c.weight_range[0] if c.weight_range else c.weight for c in criteria.criteria])
        hi = np.array([c.weight_range[1] if c.weight_range else c.weight for c in criteria.criteria])
        raw = lo + (hi - lo) * rng.random((draws, k))
        sums = raw.sum(axis=1, keepdims=True)
        raw = np.where(sums > 0, raw, criteria.weights)  # a draw of all zeros (probability 0) keeps the stated weights
        w = raw / raw.sum(axis=1, keepdims=True)
    else:
        method = "simplex"
        w = rng.dirichlet(np.ones(k), size=draws)
    values = criteria.values(eligible)
    scores = w @ values.T if eligible else np.zeros((draws, 0))
    if eligible:
        first = np.argmax(scores, axis=1)
        order = np.argsort(-scores, axis=1, kind="stable")
        ranks = np.empty_like(order)
        np.put_along_axis(ranks, order, np.arange(1, len(eligible) + 1)[None, :].repeat(draws, axis=0), axis=1)
        prob = np.bincount(first, minlength=len(eligible)) / draws
        mean_rank = ranks.mean(axis=0)
        top = np.array(eligible, dtype=object)[first]
    else:
        prob = mean_rank = np.array([])
        top = np.array([], dtype=object)
    summary = pd.DataFrame({"option": eligible, "prob_first": prob, "mean_rank": mean_rank}, columns=UNCERTAINTY_COLUMNS)
    return WeightUncertainty(summary, tuple(eligible), w, scores, top, method, seed, draws)


# ---------------------------------------------------------------------------
# Cost per point
# ---------------------------------------------------------------------------


def cost_per_point(result: CriteriaResult, value_per_point: float | None = None) -> pd.DataFrame:
    """The extra cost of the top option per point of weighted score, against each other option.

    Parameters
    ----------
    result : CriteriaResult
        From :func:`evaluate_criteria` **with costs**.
    value_per_point : float, optional
        A stated value of one point of weighted score (what the decision maker
        would pay for it); default :attr:`Criteria.value_per_point`.
        [VND/point]

    Returns
    -------
    pandas.DataFrame
        One row per other eligible option, next-best first, columns
        :data:`COST_PER_POINT_COLUMNS`:

        * ``score_difference = S_top - S_o`` (>= 0) [point];
        * ``cost_difference = C_top - C_o`` (present values) [VND];
        * ``top_dominates``: the top option costs no more
          (``cost_difference <= 0``): it is better **and** not dearer, and
          there is no price to justify;
        * ``cost_per_point = cost_difference / score_difference`` when the
          top option is dearer and scores more (NaN otherwise: when it costs no more, or
          when it ties on score and costs more, there is no price per point)
          [VND/point]. This is the value of a point **above which** the top
          option is worth its extra price against ``o``: with a value ``V``
          per point, the top is worth it when ``V >= cost_per_point``;
        * ``break_even_cost = C_o + V x score_difference``: the present-value
          cost of the top option **at which it stops being worth its price**
          against ``o`` (above it, ``o`` gives more value per đồng at ``V``);
          NaN without ``V``. The smallest ``break_even_cost`` over all rows is
          the most the top option may cost. [VND]

    Raises
    ------
    ValueError
        When the result has no costs.

    Notes
    -----
    Follows the practice of showing cost beside the MCDA score and reading
    the trade-off from the difference (DCLG 2009, §3.5 and §6.2; Green Book
    MCDA guidance): the value of a point is a judgement stated separately,
    never hidden in the weights.
    """
    if not result.costs:
        raise ValueError("cost_per_point needs an evaluation with present-value costs (evaluate_criteria(..., costs=...))")
    value_per_point = result.criteria.value_per_point if value_per_point is None else float(value_per_point)
    order = result.order
    if len(order) < 2:
        return pd.DataFrame(columns=COST_PER_POINT_COLUMNS)
    ranking = result.ranking.set_index("option")
    top = order[0]
    s_top, c_top = float(ranking.loc[top, "weighted_score"]), result.costs[top]
    rows = []
    for o in order[1:]:
        ds = s_top - float(ranking.loc[o, "weighted_score"])
        dc = c_top - result.costs[o]
        dominates = dc <= 0
        if dominates:
            per_point = np.nan
        elif ds > 0:
            per_point = dc / ds
        else:  # a tie on score: the dearer option buys no point (every output stays finite)
            per_point = np.nan
        rows.append(
            {
                "top": top,
                "option": o,
                "score_difference": ds,
                "cost_difference": dc,
                "cost_per_point": per_point,
                "top_dominates": bool(dominates),
                "break_even_cost": np.nan if value_per_point is None else result.costs[o] + value_per_point * ds,
            }
        )
    return pd.DataFrame(rows, columns=COST_PER_POINT_COLUMNS)


# ---------------------------------------------------------------------------
# Citations of the assumptions register
# ---------------------------------------------------------------------------

_PAIRS = re.compile(r"^\s*[A-Za-z0-9_-]+\s*=\s*-?\d+(?:\.\d+)?\s*(?:;\s*[A-Za-z0-9_-]+\s*=\s*-?\d+(?:\.\d+)?\s*)*;?\s*$")
_SINGLE = re.compile(r"^\s*-?\d+(?:\.\d+)?\s*$")


def _register_number(value: str, option: str | None) -> float | None:
    """The number a register value gives for ``option``: a single number, or ``option=number`` in a ``;`` list."""
    if _SINGLE.match(value):
        return float(value)
    if option is not None and _PAIRS.match(value):
        pairs = dict(part.split("=", 1) for part in value.split(";") if part.strip())
        pairs = {k.strip(): v for k, v in pairs.items()}
        if option in pairs:
            return float(pairs[option])
    return None


def check_criteria_citations(criteria: Criteria, register: pd.DataFrame) -> list[Problem]:
    """Check that every weight, score and gate result cites existing register ids.

    Every criterion's ``source`` (its weight), every score's and every gate
    result's ``source``, and the cost weight's ``source`` must start with
    register ids (the comma list before the first ``:``, see
    :func:`costmodel.register.cited_ids`), and every id must exist. When the
    first id's register ``value`` is a single number, the weight (or score,
    or cost weight) must equal it; for a score it may also be a list
    ``rent=3; invest=9; hybrid=6``, whose entry for the option must equal
    the score. A gate's own ``source``, when given, must cite existing ids.

    Parameters
    ----------
    criteria : Criteria
    register : pandas.DataFrame
        From :func:`costmodel.register.read_register`.

    Returns
    -------
    list of Problem
        Empty when everything agrees.
    """
    values: Mapping[str, str] = dict(zip(register["id"], register["value"], strict=True))
    problems: list[Problem] = []

    def check(path: str, text: str, number: float | None, option: str | None = None, required: bool = True) -> None:
        ids = cited_ids(text)
        if not ids:
            if required:
                problems.append(
                    Problem(criteria.source, path, "cites no register id: start the source with ids, e.g. 'IOC-S-OWNERSHIP: ...'")
                )
            return
        unknown = [i for i in ids if i not in values]
        if unknown:
            problems.append(Problem(criteria.source, path, f"unknown register id(s): {', '.join(unknown)}"))
            return
        if number is None:
            return
        expected = _register_number(values[ids[0]], option)
        if expected is not None and not math.isclose(expected, number, rel_tol=1e-12, abs_tol=1e-12):
            problems.append(Problem(criteria.source, path, f"uses {number:g} but register {ids[0]} says {values[ids[0]]}"))

    for g in criteria.gates:
        if g.source:
            check(f"{g.label}.source", g.source, None, required=False)
        for o, res in g.results.items():
            check(f"{g.label}.results.{o}.source", res.source, None)
    for c in criteria.criteria:
        check(f"{c.label}.source", c.source, c.weight)
        for o, s in c.scores.items():
            check(f"{c.label}.scores.{o}.source", s.source, s.score, option=o)
    if criteria.cost_weight is not None:
        check("criteria.cost.source", criteria.cost_source, criteria.cost_weight)
    return problems
