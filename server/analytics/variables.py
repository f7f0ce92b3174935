"""The variables the correlation analytic offers, and the checking of a request's variables.

A variable is the final score, an indicator (by its name) or a connector metric (by its
key); server/analytics/observations.py says what each one's value is for one person in one
plan. ``analyticsVariables`` lists those present in the scope's observations, with how many
observations carry each, so a client offers only what can be correlated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from server.analytics import memo
from server.analytics.observations import Observation, load_fresh, metric_counts, stamp
from server.analytics.periods import Period
from server.analytics.scope import Reach
from server.errors import BadInput
from server.metrics import MetricRegistry

MAX_VARIABLES = 20  # a 20 x 20 matrix is 190 pairs: beyond it nobody reads the figures
MAX_PERIODS = 24  # two years of months
FINAL_SCORE_LABEL = {"en": "Final score", "zh": "最终得分"}


class VariableKind(StrEnum):
    INDICATOR = "INDICATOR"
    METRIC = "METRIC"
    FINAL_SCORE = "FINAL_SCORE"


@dataclass(frozen=True)
class VariableRef:
    kind: VariableKind
    name: str | None = None  # the indicator's name or the metric's key; None for FINAL_SCORE


@dataclass(frozen=True)
class Variable:
    kind: VariableKind
    name: str
    label: str
    observations: int  # observations with a value for it


def value_of(observation: Observation, ref: VariableRef) -> float | None:
    if ref.kind is VariableKind.FINAL_SCORE:
        return observation.total
    assert ref.name is not None
    if ref.kind is VariableKind.INDICATOR:
        return observation.indicators.get(ref.name)
    return observation.metrics.get(ref.name)


def series_of(ref: VariableRef, observations: Sequence[Observation]) -> list[float | None]:
    """``value_of`` for every observation, in their order."""
    if ref.kind is VariableKind.FINAL_SCORE:
        return [o.total for o in observations]
    name = ref.name
    if ref.kind is VariableKind.INDICATOR:
        return [o.indicators.get(name) for o in observations]  # type: ignore[arg-type]
    return [o.metrics.get(name) for o in observations]  # type: ignore[arg-type]


def check_periods(periods: Sequence[Period]) -> None:
    if not periods:
        raise BadInput("required", field="periods")
    if len(periods) > MAX_PERIODS:
        raise BadInput("too_many_items", field="periods", max=MAX_PERIODS)
    if len({p.kind for p in periods}) != 1:
        raise BadInput("invalid_format", field="periods", hint="periods of one kind")


def check_refs(refs: Sequence[VariableRef], registry: MetricRegistry) -> list[VariableRef]:
    """The variables asked for, checked one by one (metrics against the installed ones;
    indicator names are checked against the observations by ``known_indicators``)."""
    if len(refs) < 2:
        raise BadInput("too_few_items", field="variables", min=2)
    if len(refs) > MAX_VARIABLES:
        raise BadInput("too_many_items", field="variables", max=MAX_VARIABLES)
    checked: list[VariableRef] = []
    for i, ref in enumerate(refs):
        field = f"variables[{i}].name"
        kind = VariableKind(ref.kind)
        name = None if ref.name is None else ref.name.strip()
        if kind is VariableKind.FINAL_SCORE:
            if name:
                raise BadInput("invalid_format", field=field, hint="null for FINAL_SCORE")
            name = None
        elif not name:
            raise BadInput("required", field=field)
        elif kind is VariableKind.METRIC and name not in registry:
            raise BadInput("unknown_metric", field=field, metric=name[:64])
        found = VariableRef(kind, name)
        if found in checked:
            raise BadInput(
                "duplicate_name", field=f"variables[{i}]", name=(name or kind.value)[:64]
            )
        checked.append(found)
    return checked


def known_indicators(refs: Sequence[VariableRef], observations: Sequence[Observation]) -> None:
    """BAD_USER_INPUT for an indicator no assignment of the observations carries."""
    carried = {name for o in observations for name in o.weights}
    for i, ref in enumerate(refs):
        if ref.kind is VariableKind.INDICATOR and ref.name not in carried:
            raise BadInput(
                "invalid_format",
                field=f"variables[{i}].name",
                hint="an indicator of the periods' plans within the scope",
            )


def label_of(ref: VariableRef, registry: MetricRegistry, lang: str) -> str:
    if ref.kind is VariableKind.FINAL_SCORE:
        return FINAL_SCORE_LABEL["zh" if lang.lower().startswith("zh") else "en"]
    assert ref.name is not None
    if ref.kind is VariableKind.METRIC:
        spec = registry.specs.get(ref.name)
        return spec.name if spec else ref.name
    return ref.name


def described(
    refs: Sequence[VariableRef],
    series: Sequence[Sequence[float | None]],
    registry: MetricRegistry,
    lang: str,
) -> list[Variable]:
    """The variables ``refs`` with their observations (``series``: one per ref, aligned)."""
    counts = [len(values) - values.count(None) for values in series]
    return [
        Variable(
            ref.kind,
            ref.name or ref.kind.value,
            label_of(ref, registry, lang),
            count,
        )
        for ref, count in zip(refs, counts, strict=True)
    ]


async def analytics_variables(
    registry: MetricRegistry, reach: Reach, periods: Sequence[Period], lang: str
) -> list[Variable]:
    """The final score, then the scope's indicators by name, then the installed metrics with
    facts in the periods, each with its observations (a metric's count is of observations
    with a fact inside their period; none is listed with zero). Kept for the process while
    the stamp of the periods' rows and facts holds (server/analytics/memo.py)."""
    check_periods(periods)
    fresh = await stamp(reach, periods, metrics=True)
    key = ("variables", reach, tuple(periods))
    kept: tuple[list[VariableRef], list[int]] | None = memo.recall(key, fresh, registry)
    if kept is None:
        observations = await load_fresh(reach, periods, indicators=True, names=None)
        counted = await metric_counts(reach, periods)
        metrics = {k: n for k, n in counted.items() if k in registry and n}
        indicators: Counter[str] = Counter()
        carried: set[str] = set()
        for observation in observations:
            carried.update(observation.weights)
            indicators.update(observation.indicators.keys())
        refs = [VariableRef(VariableKind.FINAL_SCORE)]
        refs += [VariableRef(VariableKind.INDICATOR, name) for name in sorted(carried)]
        refs += [VariableRef(VariableKind.METRIC, k) for k in sorted(metrics)]
        counts = [len(observations), *(indicators[n] for n in sorted(carried))]
        counts += [metrics[k] for k in sorted(metrics)]
        kept = (refs, counts)
        memo.remember(key, fresh, registry, kept)
    refs, counts = kept
    return [
        Variable(ref.kind, ref.name or ref.kind.value, label_of(ref, registry, lang), count)
        for ref, count in zip(refs, counts, strict=True)
    ]
