"""The outcome of an analysis: the JSON of ``ig analyze --format json`` plus
pandas views of it for notebooks."""
from __future__ import annotations

import copy
import json
from typing import Any

import pandas as pd

# Sections whose value is a list of records: shown as DataFrames.
TABLE_SECTIONS = (
    "people",
    "hidden_power",
    "figureheads",
    "coach_candidates",
    "uncovered_decision_makers",
    "department_relations",
    "follow_ups",
    "risks",
)


class AnalysisResult:
    """One account's analysis. ``to_dict()`` is exactly the CLI's JSON; table
    sections (``people``, ``coach_candidates`` …) are DataFrames, the rest plain objects."""

    def __init__(self, data: dict[str, Any]):
        self._data = data

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self._data)

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self._data, indent=indent, ensure_ascii=False)

    def __getattr__(self, name: str) -> Any:
        data = self.__dict__.get("_data", {})
        if name not in data:
            raise AttributeError(name)
        if name in TABLE_SECTIONS:
            frame = pd.DataFrame.from_records(data[name])
            if "id" in frame.columns and name == "people":
                frame = frame.set_index("id", drop=False)
            return frame
        return copy.deepcopy(data[name])

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._data))

    def __getitem__(self, key: str) -> Any:
        return copy.deepcopy(self._data[key])

    def keys(self):
        return self._data.keys()
