"""The account: pydantic models of the file format ``influence-graph/1`` (DESIGN §3).

Only structure and single-field rules live here; rules that look across items
(dangling references, duplicate ids, reporting cycles) are in ``checks``.
"""
from __future__ import annotations

import datetime as dt
import html
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, field_validator

from .limits import MAX_ID_LENGTH, MAX_NUMBER

FORMAT = "influence-graph/1"
# The tag a merge puts on a person whose stance the sources disagree on; the analysis reports it as a risk.
DISPUTED_STANCE_TAG = "disputed-stance"

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=MAX_ID_LENGTH)]
NonEmpty = Annotated[str, StringConstraints(min_length=1)]


def _not_true_false(value: Any) -> Any:
    # Pydantic reads true as 1: `level: true` or `strength: yes` would pass silently.
    if isinstance(value, bool):
        raise ValueError(f"expected a number, not {str(value).lower()}")
    return value


Number = BeforeValidator(_not_true_false)
# The validator goes after Field: before it, the JSON Schema shows "gt" instead of "exclusiveMinimum".
Strength = Annotated[float, Field(gt=0, le=1), Number]
Unit = Annotated[float, Field(ge=0, le=1), Number]
Level = Annotated[int, Field(ge=1, le=6), Number]


class Role(str, Enum):
    decision_maker = "decision_maker"
    economic_buyer = "economic_buyer"
    technical_buyer = "technical_buyer"
    user_buyer = "user_buyer"
    influencer = "influencer"
    gatekeeper = "gatekeeper"
    coach = "coach"


class StanceLabel(str, Enum):
    champion = "champion"
    supporter = "supporter"
    neutral = "neutral"
    skeptic = "skeptic"
    opponent = "opponent"
    unknown = "unknown"


STANCE_VALUES: dict[str, float] = {
    "champion": 1.0,
    "supporter": 0.5,
    "neutral": 0.0,
    "skeptic": -0.5,
    "opponent": -1.0,
    "unknown": 0.0,
}


class ChannelKind(str, Enum):
    advice = "advice"
    trust = "trust"
    friendship = "friendship"
    expertise = "expertise"
    budget = "budget"
    political = "political"
    family = "family"
    alumni = "alumni"
    rivalry = "rivalry"


class DepartmentRelationKind(str, Enum):
    alliance = "alliance"
    rivalry = "rivalry"


class Closeness(str, Enum):
    clip = "clip"
    zipper = "zipper"
    velcro = "velcro"


CLOSENESS_VALUES: dict[str, float] = {"clip": 1 / 3, "zipper": 2 / 3, "velcro": 1.0}

Stance = StanceLabel | Annotated[float, Field(ge=-1, le=1)]
RelationshipStrength = Closeness | Strength


def stance_value(stance: Stance) -> float:
    """The number a stance stands for: champion +1 … opponent −1, unknown 0."""
    if isinstance(stance, StanceLabel):
        return STANCE_VALUES[stance.value]
    return float(stance)


def titled(person_name: str, title: str | None) -> str:
    """Name with title: ``Zhao Ming (CEO)``; ``Zhao Ming (赵明, CEO)`` when the name
    already ends in brackets (so lists stay readable); the name alone without a title.

    >>> titled("Zhao Ming", "CEO"), titled("Zhao Ming (赵明)", "CEO"), titled("Li", None)
    ('Zhao Ming (CEO)', 'Zhao Ming (赵明, CEO)', 'Li')
    """
    if not title:
        return person_name
    stripped = person_name.rstrip()
    if stripped.endswith(")"):
        return f"{stripped[:-1]}, {title})"
    return f"{person_name} ({title})"


MINUS = "\u2212"  # the one minus sign every output uses (not the hyphen "-")


def signed(value: float, digits: int = 2) -> str:
    """A number with its sign, as every output shows one: ``+0.25``, ``−0.02``; a value
    that rounds to zero is ``0.00`` (no sign, so "−0.00" never appears).

    >>> signed(0.2549), signed(-0.5), signed(-0.004), signed(1, 0)
    ('+0.25', '−0.50', '0.00', '+1')
    """
    shown = round(float(value), digits)
    if shown == 0:
        return f"{0:.{digits}f}"
    return f"{'+' if shown > 0 else MINUS}{abs(shown):.{digits}f}"


def closeness_value(strength: RelationshipStrength) -> float:
    """The number a relationship strength stands for: clip 1/3, zipper 2/3, velcro 1."""
    if isinstance(strength, Closeness):
        return CLOSENESS_VALUES[strength.value]
    return float(strength)


class Item(BaseModel):
    # Typos must not be silently dropped, so every model forbids unknown keys.
    # Numbers are finite whatever their spelling: a quoted "inf" would pass a float field otherwise.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, use_enum_values=False, allow_inf_nan=False)


class AccountInfo(Item):
    id: Slug
    name: NonEmpty
    industry: str | None = None
    notes: str | None = None


class Department(Item):
    id: Slug
    name: NonEmpty | None = None
    function: str | None = None
    parent: Slug | None = None
    notes: str | None = None


class Person(Item):
    id: Slug
    name: NonEmpty
    title: str | None = None
    department: Slug | None = None
    level: Level | None = None
    reports_to: Slug | None = None
    roles: list[Role] = []
    stance: Stance = StanceLabel.unknown
    susceptibility: Unit | None = None
    personality: str | None = None
    interests: list[str] = []
    contact: dict[str, str] = {}
    notes: str | None = None
    tags: list[str] = []

    @field_validator("stance", mode="before")
    @classmethod
    def _stance_label_or_number(cls, value: Any) -> Any:
        # Without this a misspelt label would be reported as "not a valid number".
        if isinstance(value, str):
            try:
                return StanceLabel(value)
            except ValueError:
                raise ValueError(
                    f"unknown stance {value!r}; use one of "
                    + ", ".join(s.value for s in StanceLabel)
                    + " or a number from -1 to 1"
                ) from None
        if isinstance(value, bool):
            raise ValueError("stance must be a label or a number from -1 to 1")
        return value

    @property
    def stance_value(self) -> float:
        return stance_value(self.stance)

    @property
    def stance_known(self) -> bool:
        return self.stance != StanceLabel.unknown


class Channel(Item):
    source: Slug = Field(alias="from")
    target: Slug = Field(alias="to")
    kind: ChannelKind
    strength: Strength = 0.5
    mutual: bool = False
    evidence: str | None = None

    @property
    def positive(self) -> bool:
        return self.kind != ChannelKind.rivalry


class DepartmentRelation(Item):
    a: Slug
    b: Slug
    kind: DepartmentRelationKind
    strength: Strength = 0.5
    evidence: str | None = None


class TeamMember(Item):
    id: Slug
    name: NonEmpty
    role: str | None = None
    title: str | None = None
    level: Level | None = None
    email: str | None = None
    notes: str | None = None


class _Closeness(Item):
    strength: RelationshipStrength = Closeness.zipper

    @field_validator("strength", mode="before")
    @classmethod
    def _label_or_number(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return Closeness(value)
            except ValueError:
                raise ValueError(
                    f"unknown strength {value!r}; use clip, zipper, velcro or a number in (0, 1]"
                ) from None
        if isinstance(value, bool):
            raise ValueError("strength must be clip, zipper, velcro or a number in (0, 1]")
        return value

    @property
    def value(self) -> float:
        return closeness_value(self.strength)


class Relationship(_Closeness):
    member: Slug
    person: Slug
    since: dt.date | None = None
    notes: str | None = None


class Competitor(Item):
    id: Slug
    name: NonEmpty
    notes: str | None = None


class CompetitorRelationship(_Closeness):
    competitor: Slug
    person: Slug
    notes: str | None = None


class Touch(Item):
    date: dt.date
    member: Slug | None = None
    people: list[Slug] = []
    kind: str | None = None
    summary: str | None = None
    next_step: str | None = None
    next_date: dt.date | None = None


class Opportunity(Item):
    name: NonEmpty
    value: Annotated[float, Field(ge=0, le=MAX_NUMBER), Number] | None = None
    currency: str | None = None
    close_date: dt.date | None = None
    stage: str | None = None
    decision_unit: list[Slug] | None = None
    notes: str | None = None


class Account(Item):
    """A whole account file. ``Account.model_validate(data)`` checks structure only;
    use :func:`influence_graph.model.parse_account` for the full set of rules."""

    format: Literal["influence-graph/1"] = FORMAT
    account: AccountInfo
    departments: list[Department] = []
    people: list[Person] = []
    channels: list[Channel] = []
    department_relations: list[DepartmentRelation] = []
    team: list[TeamMember] = []
    relationships: list[Relationship] = []
    competitors: list[Competitor] = []
    competitor_relationships: list[CompetitorRelationship] = []
    touches: list[Touch] = []
    opportunity: Opportunity | None = None

    # (store location, revision) a store last loaded or saved this account at, so the
    # store can refuse a stale overwrite. Not a file field, and not part of equality.
    _stored_revision: tuple[str, str] | None = PrivateAttr(default=None)
    # Set on a what-if copy (the assumptions, e.g. "zhao=champion"): stores refuse to
    # save it, so assumed stances never replace recorded ones.
    _hypothetical: str | None = PrivateAttr(default=None)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Account):
            return NotImplemented
        return self.__dict__ == other.__dict__

    @property
    def id(self) -> str:
        return self.account.id

    @property
    def name(self) -> str:
        return self.account.name

    def person(self, person_id: str) -> Person:
        for person in self.people:
            if person.id == person_id:
                return person
        raise KeyError(person_id)

    @property
    def decision_unit(self) -> list[str]:
        """The DMU: the opportunity's list, else everyone who decides or holds the budget."""
        if self.opportunity and self.opportunity.decision_unit is not None:
            return list(self.opportunity.decision_unit)
        return [
            p.id
            for p in self.people
            if Role.decision_maker in p.roles or Role.economic_buyer in p.roles
        ]

    def levels(self) -> dict[str, int]:
        """Each person's level: as given, else one below their boss (1 at the top, 6 at most).

        Walks up each reporting chain with a loop, not recursion, so a chain
        thousands deep is fine; a boss who is no one, or a cycle (refused by
        validation, but an account can be built in code), counts as the top.
        """
        bosses = {p.id: p.reports_to for p in self.people}
        given = {p.id: p.level for p in self.people}
        levels: dict[str, int] = {}
        for start in bosses:
            chain: list[str] = []  # people whose level waits for their boss's, lowest first
            on_chain: set[str] = set()
            pid = start
            while pid not in levels:
                if given.get(pid) is not None:
                    levels[pid] = given[pid]  # type: ignore[assignment]
                    break
                boss = bosses[pid]
                if boss is None or boss not in bosses or boss in on_chain or boss == pid:
                    levels[pid] = 1
                    break
                chain.append(pid)
                on_chain.add(pid)
                pid = boss
            for pid in reversed(chain):
                levels[pid] = min(6, levels[bosses[pid]] + 1)  # type: ignore[index]
        return {p.id: levels[p.id] for p in self.people}

    def to_data(self) -> dict[str, Any]:
        """Plain data in file form (``from``/``to`` keys, ISO dates), defaults left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)

    def summary(self) -> str:
        """One line on what is mapped, e.g. for a notebook cell's output."""
        text = (
            f"{self.name} ({self.id}): {len(self.people)} {'person' if len(self.people) == 1 else 'people'} "
            f"in {len(self.departments)} departments, "
            f"decision unit of {len(self.decision_unit)}, {len(self.team)} on our team, {len(self.touches)} touches"
        )
        if self.opportunity:
            close = f" closing {self.opportunity.close_date}" if self.opportunity.close_date else ""
            text += f"; opportunity {self.opportunity.name}{close}"
        return text

    def __repr__(self) -> str:
        return f"<Account {self.summary()}>"

    def _repr_html_(self) -> str:
        return f"<p><b>Account</b> {html.escape(self.summary())}</p>"
