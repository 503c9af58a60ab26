"""The outcome of an analysis: the JSON of ``ig analyze --format json`` plus
pandas views of it for notebooks."""
from __future__ import annotations

import copy
import html
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# Sections whose value is a list of records: shown as DataFrames.
TABLE_SECTIONS = (
    "people",
    "departments",
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
            if name.startswith("_"):  # copy, pickle and IPython probe for these
                raise AttributeError(name)
            raise AttributeError(f"the analysis has no {name!r}; it has: {', '.join(sorted(data))}")
        if name in TABLE_SECTIONS:
            return self._frame(name)
        return copy.deepcopy(data[name])

    def _frame(self, name: str) -> pd.DataFrame:
        """A table section for reading: reasons as one text, each id beside its name."""
        import pandas as pd  # here, not at the top: the CLI never needs it, and it costs 0.25 s to import

        frame = pd.DataFrame.from_records(copy.deepcopy(self._data[name]))
        if "reasons" in frame.columns:
            frame["reasons"] = frame["reasons"].map(lambda r: "; ".join(r) if isinstance(r, list) else r)
        if "id" in frame.columns and "name" not in frame.columns:
            names = {p["id"]: p["name"] for p in self._data.get("people", [])}
            frame.insert(1, "name", frame["id"].map(names))
        for column in frame.columns:
            # A count with gaps ("days since" for someone never met) stays whole, not 49.0.
            given = [row[column] for row in self._data[name] if row.get(column) is not None]
            if 0 < len(given) < len(frame) and all(type(value) is int for value in given):
                frame[column] = frame[column].astype("Int64")
        if "id" in frame.columns and name == "people":
            frame = frame.set_index("id", drop=False)
        return frame

    def person_properties(self) -> dict[str, dict[str, Any]]:
        """What a graph store keeps of the analysis, per person id: ``influence``,
        ``category``, ``coach_score``, ``faction`` (1 = the biggest faction, None for
        someone in none) and ``in_decision_unit``. Plain values, for ``Store.write_analysis``.

        >>> result = AnalysisResult({"decision_unit": ["a"], "factions": [["b", "a"]], "people": [
        ...     {"id": "a", "influence": 0.6, "category": "aligned", "coach_score": 0.0},
        ...     {"id": "c", "influence": 0.4, "category": "peripheral", "coach_score": 0.25}]})
        >>> result.person_properties()["c"]
        {'influence': 0.4, 'category': 'peripheral', 'coach_score': 0.25, 'faction': None, 'in_decision_unit': False}
        """
        faction_of = {pid: number for number, members in enumerate(self._data["factions"], 1) for pid in members}
        dmu = set(self._data["decision_unit"])
        return {
            p["id"]: {
                "influence": p["influence"],
                "category": p["category"],
                "coach_score": p["coach_score"],
                "faction": faction_of.get(p["id"]),
                "in_decision_unit": p["id"] in dmu,
            }
            for p in self._data["people"]
        }

    def summary(self) -> list[tuple[str, str]]:
        """The headlines, as (label, text) pairs: what a cell shows for a result."""
        data = self._data
        names = {p["id"]: p["name"] for p in data.get("people", [])}

        def listed(ids: list[str], top: int = 3) -> str:
            more = len(ids) - top
            return ", ".join(names.get(i, i) for i in ids[:top]) + (f" and {more} more" if more > 0 else "") or "none"

        lines = [
            ("Account", f"{data['account']['name']} as of {data.get('as_of', '?')}, {len(data.get('people', []))} people"),
            ("Real power", listed(data.get("power_ranking", []))),
            ("Hidden power", listed([h["id"] for h in data.get("hidden_power", [])])),
            ("Figureheads", listed([f["id"] for f in data.get("figureheads", [])])),
            ("Coach candidates", listed([c["id"] for c in data.get("coach_candidates", [])])),
            ("Uncovered decision makers", listed([u["id"] for u in data.get("uncovered_decision_makers", [])])),
            ("Relationship depth", str((data.get("relationship_depth") or {}).get("tier", "?"))),
            ("Risks", str(len(data.get("risks", [])))),
        ]
        support = (data.get("forecast") or {}).get("support")
        if support is not None:
            lines.append(("Forecast support", f"{support:+.2f}"))
        return lines

    def __repr__(self) -> str:
        return "<AnalysisResult\n" + "\n".join(f"  {label}: {text}" for label, text in self.summary()) + "\n>"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{html.escape(label)}</th><td style='text-align:left'>{html.escape(text)}</td></tr>"
            for label, text in self.summary()
        )
        return f"<table><caption style='text-align:left'><b>AnalysisResult</b></caption>{rows}</table>"

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._data))

    def __getitem__(self, key: str) -> Any:
        return copy.deepcopy(self._data[key])

    def keys(self):
        return self._data.keys()
