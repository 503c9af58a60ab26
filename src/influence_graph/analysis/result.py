"""The outcome of an analysis, as typed models: the contract every renderer reads.

:class:`Analysis` is the whole answer; ``Analysis.model_dump(mode="json")`` is
exactly the JSON of ``ig analyze --format json`` and ``ig schema --result``
publishes its JSON Schema. Every model forbids unknown fields and requires the
ones it declares, so a renamed or missing field fails loudly where the analysis
builds it, instead of printing blanks in a report.

Facts about a person that several renderers need (their label, stance word, the
closest member of our team, their place in the power ranking) are computed once
in the analysis and carried on :class:`PersonRow`; renderers read them, never
recompute them.

:class:`AnalysisResult` wraps an :class:`Analysis` for notebooks: table sections
as pandas DataFrames, the rest as the typed models.
"""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ..model.account import signed

if TYPE_CHECKING:
    import pandas as pd

RESULT_FORMAT = "influence-graph-analysis/1"

Category = Literal["hidden_power", "figurehead", "aligned", "peripheral"]
FollowUpStatus = Literal["never", "overdue", "due", "ok"]
Tier = Literal["ordinary", "partner", "strategic"]
ActionKind = Literal["introduction", "follow_up", "coach", "risk", "win_over"]
Stance = str | float


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AccountRef(_Model):
    id: str
    name: str


class DepartmentRef(_Model):
    id: str
    name: str


class TeamMemberRef(_Model):
    """One of us, as the renderers name them."""

    id: str
    name: str
    role: str | None = None
    title: str | None = None
    lead: bool = Field(False, description="our account lead: the key account manager, else the first team member")


class CompetitorRef(_Model):
    id: str
    name: str


class OpportunityInfo(_Model):
    name: str
    value: float | None = None
    currency: str | None = None
    stage: str | None = None
    close_date: dt.date | None = None
    days_to_close: int | None = Field(None, description="days from as_of to close_date (negative once past)")


class ClosestMember(_Model):
    """The member of our team with the strongest relationship to a person."""

    id: str
    name: str
    strength: float
    closeness: str = Field(description="clip, zipper, velcro, or the number when it is none of those")


class PersonRow(_Model):
    """One customer person with every per-person answer (the ``people`` key)."""

    id: str
    name: str
    title: str | None
    label: str = Field(description="name with title, as every sentence names the person")
    department: str | None
    level: int
    roles: list[str]
    in_dmu: bool
    key: bool = Field(description="a key person: coverage, follow-ups and actions are about them")
    influence: float = Field(description="social power: the share of everyone's settled opinion that is this person's view")
    brokerage: float
    formal: float
    category: Category
    power_rank: int = Field(description="1-based place in power_ranking")
    coach_score: float
    coverage: float = Field(description="our strongest relationship with them, 0 when none")
    closest_member: ClosestMember | None
    stance: Stance
    stance_value: float
    stance_known: bool
    stance_word: str = Field(description="champion … opponent, 'unknown stance', or a signed number")


class Flag(_Model):
    id: str
    reasons: list[str]


class CoachParts(_Model):
    """The three conditions a coach needs at once; the score is their geometric mean."""

    customer: float = Field(description="credibility with the customer: access to the decision unit × (1 + standing) / 2, 0–1")
    us: float = Field(description="credibility with us: our strongest relationship (clip 1/3, zipper 2/3, velcro 1; 0.2 with none)")
    favour: float = Field(description="wanting us to win: the stance clipped at 0 (champion 1, supporter 0.5)")


class CoachCandidate(_Model):
    id: str
    score: float
    reasons: list[str] = Field(description="the facts, ending with the weakest of the three parts")
    confirmed: bool
    likely: bool = Field(description="one of the best unconfirmed candidates: a key person, marked on the map")
    parts: CoachParts


class ExactBrokerage(_Model):
    method: Literal["exact"]


class SampledBrokerage(_Model):
    """Brokerage estimated from a seeded sample of source people: with probability at
    least 1 − delta, every person's brokerage is within epsilon of the exact value."""

    method: Literal["sampled"]
    sources: int = Field(description="source people sampled")
    people: int
    epsilon: float = Field(description="the bound on every person's absolute error")
    delta: float = Field(description="the chance the bound fails")
    seed: int
    bound: float = Field(description="the error bound the sample reached (at most epsilon)")


class UncoveredPerson(_Model):
    id: str
    path: list[str] = Field(description="[member_id, …, id]; empty when there is no warm path")
    path_strength: float
    reasons: list[str]


class ChannelIn(_Model):
    id: str
    strength: float
    kinds: list[str]
    reachable: bool
    reached_by: str | None


class DepartmentRelationRow(_Model):
    a: str
    b: str
    kind: Literal["alliance", "rivalry"]
    strength: float
    source: Literal["declared", "inferred"]
    evidence: str | None = None


class RelationshipDepth(_Model):
    tier: Tier
    reasons: list[str]
    coverage: dict[str, dict[str, float]] = Field(description="{member_id: {dm_id: strength}}")


class FollowUp(_Model):
    id: str
    touches: int
    last_touch: dt.date | None
    days_since: int | None
    status: FollowUpStatus
    next_step: str | None
    next_step_source: Literal["recorded", "planned", "suggested"] | None


class Risk(_Model):
    kind: str
    ids: list[str]
    message: str


class Move(_Model):
    id: str
    gain: float
    reasons: list[str]


class Forecast(_Model):
    support: float | None
    initial_support: float | None
    members: dict[str, float]
    next_best_moves: list[Move]


class Action(_Model):
    """One thing to do about one customer person: the single action list."""

    person: str
    owner: str | None = Field(description="the member of our team who acts")
    what: str
    by: dt.date
    why: list[str] = Field(description="every reason, merged")
    worth: float = Field(description="forecast gain + decision-unit coverage + risk removed, in support points")
    kinds: list[ActionKind]


class HolderShare(_Model):
    id: str
    share: float


class TopCoachStability(_Model):
    id: str
    share: float
    alternatives: list[HolderShare]


class ForecastSign(_Model):
    sign: Literal["positive", "negative", "zero"]
    share: float
    support_range: list[float]


class Perturbation(_Model):
    strength: float
    stance: float
    unknown_stance: float


class Confidence(_Model):
    samples: int
    seed: int
    perturbation: Perturbation
    top_power_holders: list[HolderShare]
    top_coach: TopCoachStability | None
    forecast_sign: ForecastSign | None


class Assumption(_Model):
    id: str
    stance: Stance
    was: Stance


class Change(_Model):
    kind: str
    ids: list[str]
    message: str


# Keys left out of the JSON when the analysis did not compute them.
_OPTIONAL_KEYS = ("confidence", "assumptions", "changes")


class Analysis(_Model):
    """One account's analysis: every answer of DESIGN §4, lists ordered best first."""

    format: Literal["influence-graph-analysis/1"] = RESULT_FORMAT
    account: AccountRef
    as_of: dt.date
    opportunity: OpportunityInfo | None
    decision_unit: list[str]
    departments: list[DepartmentRef]
    team: list[TeamMemberRef]
    competitors: list[CompetitorRef]
    people: list[PersonRow]
    power_ranking: list[str]
    hidden_power: list[Flag]
    figureheads: list[Flag]
    coach_candidates: list[CoachCandidate]
    uncovered_decision_makers: list[UncoveredPerson]
    influence_channels: dict[str, list[ChannelIn]]
    factions: list[list[str]]
    department_relations: list[DepartmentRelationRow]
    relationship_depth: RelationshipDepth
    follow_ups: list[FollowUp]
    risks: list[Risk]
    forecast: Forecast
    key_people: list[str]
    actions: list[Action]
    brokerage_method: ExactBrokerage | SampledBrokerage = Field(discriminator="method")
    confidence: Confidence | None = None
    assumptions: list[Assumption] | None = None
    changes: list[Change] | None = None

    _lookups: dict[str, dict[str, Any]] | None = PrivateAttr(None)

    def to_json_data(self) -> dict[str, Any]:
        """The JSON of ``ig analyze --format json`` as data: every field, optional ones only when computed."""
        return self.model_dump(mode="json", exclude=self._not_computed())

    def to_json_text(self, indent: int | None = 2) -> str:
        """The JSON of ``ig analyze --format json`` as text, straight from the typed model
        (pydantic's compiled serializer: no intermediate dicts; 20× faster than
        ``json.dumps`` of :meth:`to_json_data` at 1,000 people, the same data)."""
        return self.model_dump_json(indent=indent, exclude=self._not_computed())

    def _not_computed(self) -> set[str]:
        return {k for k in _OPTIONAL_KEYS if getattr(self, k) is None}

    def person_properties(self) -> dict[str, dict[str, Any]]:
        """What a graph store keeps of the analysis, per person id: ``influence``,
        ``category``, ``coach_score``, ``faction`` (1 = the biggest faction, None for
        someone in none) and ``in_decision_unit``. Plain values, for ``Store.write_analysis``.

        >>> from influence_graph.analysis import analyze
        >>> from influence_graph.model import parse_account
        >>> account = parse_account({"account": {"id": "x", "name": "X"}, "people": [
        ...     {"id": "a", "name": "A", "roles": ["decision_maker"]}, {"id": "b", "name": "B", "reports_to": "a"},
        ...     {"id": "c", "name": "C"}], "channels": [{"from": "b", "to": "a", "kind": "advice"}]})
        >>> properties = analyze(account, as_of="2026-11-20").person_properties()
        >>> {pid: (p["faction"], p["in_decision_unit"]) for pid, p in properties.items()}
        {'a': (1, True), 'b': (1, False), 'c': (None, False)}
        >>> sorted(properties["a"])
        ['category', 'coach_score', 'faction', 'in_decision_unit', 'influence']
        """
        faction_of = {pid: number for number, members in enumerate(self.factions, 1) for pid in members}
        dmu = set(self.decision_unit)
        return {
            p.id: {
                "influence": p.influence,
                "category": p.category,
                "coach_score": p.coach_score,
                "faction": faction_of.get(p.id),
                "in_decision_unit": p.id in dmu,
            }
            for p in self.people
        }

    # -- look-ups the renderers share (not part of the JSON) ---------------------------
    def person(self, person_id: str) -> PersonRow:
        """The customer person's row; KeyError if there is none."""
        return self._index()["people"][person_id]

    def member(self, member_id: str) -> TeamMemberRef:
        """The team member; KeyError if there is none."""
        return self._index()["team"][member_id]

    def name_of(self, any_id: str) -> str:
        """The name of a customer person, team member or competitor (the id if none)."""
        index = self._index()
        for section in ("people", "team", "competitors"):
            if any_id in index[section]:
                return index[section][any_id].name
        return any_id

    def label_of(self, any_id: str) -> str:
        """A customer person's label (name with title), else :meth:`name_of`."""
        row = self._index()["people"].get(any_id)
        return row.label if row else self.name_of(any_id)

    @property
    def lead(self) -> TeamMemberRef | None:
        return next((m for m in self.team if m.lead), None)

    def _index(self) -> dict[str, dict[str, Any]]:
        if self._lookups is None:
            self._lookups = {
                "people": {p.id: p for p in self.people},
                "team": {m.id: m for m in self.team},
                "competitors": {c.id: c for c in self.competitors},
            }
        return self._lookups


def as_analysis(result: AnalysisResult | Analysis | Mapping[str, Any]) -> Analysis:
    """The typed analysis of an :class:`AnalysisResult`, an :class:`Analysis`, or the
    JSON of ``ig analyze --format json`` (validated, so a renamed key is an error here)."""
    if isinstance(result, Analysis):
        return result
    if isinstance(result, AnalysisResult):
        return result.analysis
    return Analysis.model_validate(result)


def result_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``ig analyze --format json`` (``ig schema --result``)."""
    schema = Analysis.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "influence-graph analysis result"
    return schema


# Sections whose value is a list of records: shown as DataFrames in notebooks.
TABLE_SECTIONS = (
    "people",
    "departments",
    "team",
    "hidden_power",
    "figureheads",
    "coach_candidates",
    "uncovered_decision_makers",
    "department_relations",
    "follow_ups",
    "risks",
    "actions",
)


class AnalysisResult:
    """One account's analysis for notebooks and scripts. ``analysis`` is the typed
    :class:`Analysis`; ``to_dict()`` is exactly the CLI's JSON; table sections
    (``people``, ``coach_candidates``, ``actions`` …) are DataFrames and the rest
    the typed models (``result.forecast.support``)."""

    def __init__(self, analysis: Analysis):
        self._analysis = analysis

    @property
    def analysis(self) -> Analysis:
        return self._analysis

    def to_dict(self) -> dict[str, Any]:
        return self._analysis.to_json_data()

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict()`` as JSON text (UTF-8 characters as they are, not ``\\u`` escapes)."""
        return self._analysis.to_json_text(indent)

    def __getattr__(self, name: str) -> Any:
        analysis = self.__dict__.get("_analysis")
        if analysis is None or name.startswith("_"):  # copy, pickle and IPython probe for these
            raise AttributeError(name)
        if name not in type(analysis).model_fields:
            known = ", ".join(sorted(analysis.to_json_data()))
            raise AttributeError(f"the analysis has no {name!r}; it has: {known}")
        if name in TABLE_SECTIONS:
            return self._frame(name)
        return getattr(analysis, name)

    def _frame(self, name: str) -> pd.DataFrame:
        """A table section for reading: reasons as one text, each id beside its name."""
        import pandas as pd  # here, not at the top: the CLI never needs it, and it costs 0.25 s to import

        records = self.to_dict()[name]
        frame = pd.DataFrame.from_records(records)
        for column in ("reasons", "why"):
            if column in frame.columns:
                frame[column] = frame[column].map(lambda r: "; ".join(r) if isinstance(r, list) else r)
        for id_column, name_column in (("id", "name"), ("person", "person_name"), ("owner", "owner_name")):
            if id_column in frame.columns and name_column not in frame.columns:
                at = list(frame.columns).index(id_column) + 1
                frame.insert(at, name_column, frame[id_column].map(lambda i: None if i is None else self._analysis.name_of(i)))
        for column in frame.columns:
            # A count with gaps ("days since" for someone never met) stays whole, not 49.0.
            given = [row[column] for row in records if row.get(column) is not None]
            if 0 < len(given) < len(frame) and all(type(value) is int for value in given):
                frame[column] = frame[column].astype("Int64")
        if name == "people" and "id" in frame.columns:
            frame = frame.set_index("id", drop=False)
        return frame

    def person_properties(self) -> dict[str, dict[str, Any]]:
        """:meth:`Analysis.person_properties`: what a graph store keeps of the analysis."""
        return self._analysis.person_properties()

    def summary(self) -> list[tuple[str, str]]:
        """The headlines, as (label, text) pairs: what a cell shows for a result."""
        a = self._analysis

        def listed(ids: list[str], top: int = 3) -> str:
            more = len(ids) - top
            return ", ".join(a.name_of(i) for i in ids[:top]) + (f" and {more} more" if more > 0 else "") or "none"

        lines = [
            ("Account", f"{a.account.name} as of {a.as_of.isoformat()}, {len(a.people)} people"),
            ("Real power", listed(a.power_ranking)),
            ("Hidden power", listed([h.id for h in a.hidden_power])),
            ("Figureheads", listed([f.id for f in a.figureheads])),
            ("Coach candidates", listed([c.id for c in a.coach_candidates])),
            ("Uncovered decision makers", listed([u.id for u in a.uncovered_decision_makers])),
            ("Relationship depth", a.relationship_depth.tier),
            ("Risks", str(len(a.risks))),
        ]
        if a.forecast.support is not None:
            lines.append(("Forecast support", signed(a.forecast.support)))
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
        return sorted(set(super().__dir__()) | set(self.to_dict()))

    def __getitem__(self, key: str) -> Any:
        return self.to_dict()[key]

    def keys(self):
        return self.to_dict().keys()
