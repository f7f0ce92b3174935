"""A frozen score's ``inputs`` and ``result`` as JSON text, joined from cached pieces.

Freezing a plan writes every person's snapshot and explanations; dumping 10,000 people's
dicts whole took seconds. The people of a plan share their indicators (``loading.Spec``) and,
through the recompute's ``Scorer``, the engine's answer for each distinct value: so each
indicator's part of the snapshot, and each answer's item and explanations, become text once,
and each person's texts are joined from those. The texts parse to exactly
``PersonInputs.to_json()`` and ``snapshot.result_json`` with ``explanations`` (tests/server/
test_score_snapshot_text.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from server.scoring import snapshot, sql
from server.scoring.compute import PersonScore
from server.scoring.engine import LANGS, IndicatorScore
from server.scoring.inputs import IndicatorInput
from server.scoring.loading import VALUE_PLACES, Source, actual_provenance
from server.scoring.specs import Spec

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_UNIT = 10**VALUE_PLACES


def _plain(value: Decimal) -> str:
    """As ``inputs._plain`` writes a value."""
    return format(value.normalize(), "f")


def _plain_units(units: Any) -> str:
    """An actual's stored units as ``inputs._plain`` writes its value."""
    if isinstance(units, int) and units % _UNIT == 0:
        return str(units // _UNIT)
    return _plain(Decimal(units).scaleb(-VALUE_PLACES))


class FrozenTexts:
    """The texts of the people frozen in one go (one setup, one ``Scorer``)."""

    def __init__(self, formula: str | None, bands: list[dict[str, Any]]) -> None:
        self._formula = formula
        self._bands = _ENCODE(bands)
        self._heads: dict[Spec, str] = {}
        # id of an engine answer: (the answer, kept so the id stays its own; its item; its
        # explanation as a ``"key":"text"`` member, per language)
        self._items: dict[int, tuple[IndicatorScore, str, dict[str, str]]] = {}

    def _head(self, spec: Spec) -> str:
        """The indicator's snapshot up to its value: ``IndicatorInput.to_json``'s order."""
        data = IndicatorInput(
            key=spec.key,
            name=spec.name,
            weight=spec.weight,
            target=spec.target,
            rule=spec.rule,
            data_source=spec.data_source,
            qualitative=spec.qualitative,
            personal=spec.personal,
        ).to_json()
        del data["value"], data["provenance"]
        head = self._heads[spec] = _ENCODE(data)[:-1] + ',"value":'
        return head

    def inputs(self, source: Source) -> str:
        """``loading.inputs_of(source).to_json()`` as text."""
        assignment_id, _, _, _, revision = source.place
        actuals = {row[0]: row for row in sql.as_json(source.actuals) or ()}
        evaluation = source.evaluation
        ratings, overall = source.evaluated()
        rated = ""
        found = []
        for spec in source.specs.items:
            head = self._heads.get(spec) or self._head(spec)
            value, provenance = "null", "{}"
            if spec.qualitative:
                if evaluation is not None:
                    rating = (ratings.get(spec.key) or {}).get("rating")
                    if rating is not None:
                        value = '"' + _plain(Decimal(str(rating))) + '"'
                        rated = rated or _ENCODE(
                            {
                                "source": "rating",
                                "evaluation_id": str(evaluation[1]),
                                "submitted_at": sql.as_iso(evaluation[4]),
                            }
                        )
                        provenance = rated
            else:
                row = actuals.get(spec.key)
                if row is not None:
                    if row[1] is not None:
                        value = '"' + _plain_units(row[1]) + '"'
                    provenance = _ENCODE(actual_provenance(row))
            found.append(head + value + ',"provenance":' + provenance + "}")
        rating = "null" if overall is None else str(overall)
        # As PersonInputs.to_json: a peer rating only when there is one.
        peer = "" if source.peer is None else ',"peer_rating":"' + _plain(source.peer) + '"'
        return (
            f'{{"assignment_id":"{sql.as_uuid(assignment_id)}","assignment_revision":'
            f'{int(revision)},"indicators":[{",".join(found)}],"manager_rating":{rating}{peer}}}'
        )

    def _item(self, item: IndicatorScore) -> tuple[IndicatorScore, str, dict[str, str]]:
        found = self._items.get(id(item))
        if found is None:
            key = _ENCODE(item.key)
            explained = {lang: key + ":" + _ENCODE(item.explanation(lang)) for lang in LANGS}
            found = self._items[id(item)] = (item, _ENCODE(snapshot.item_json(item)), explained)
        return found

    def result(self, score: PersonScore, digest: str) -> str:
        """``snapshot.result_json`` with ``explanations_json`` as text."""
        part = score.indicators
        items = [self._item(i) for i in part.items]
        explained = ",".join(
            f'"{lang}":{{"total":{_ENCODE(part.explanation(lang))},"items":'
            f"{{{','.join(i[2][lang] for i in items)}}}}}"
            for lang in LANGS
        )
        return (
            _ENCODE(snapshot.head_json(score, self._formula, digest))[:-1]
            + ',"indicators":'
            + _ENCODE(snapshot.indicators_json(part))
            + ',"items":['
            + ",".join(i[1] for i in items)
            + '],"grade_bands":'
            + self._bands
            + ',"explanations":{'
            + explained
            + "}}"
        )
