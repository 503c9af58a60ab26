"""Merging accounts: colleagues' maps of one account into one (:func:`merge_maps`),
and a stale save with what was saved since (:func:`merge3`, three-way).

Items are matched as in :mod:`.diff` (people by id, a channel by from/to/kind …);
:func:`merge_maps` also matches people and team members by email, then by name,
when colleagues gave the same person different ids.

Rules of :func:`merge_maps` (the first map is the starting point; each further
map is merged into it in the order given):

- everything in any map is kept: people, channels, relationships and touches
  are united (identical touches once); lists (roles, tags, interests, the decision
  unit) are united; a value one map leaves out is taken from the map that has it;
- free text (notes, personality, evidence, summaries) that differs is kept from
  every map, each later one marked with its source;
- a disagreement is listed (:class:`Conflict`): different stances for one person,
  different reporting lines or levels, any other field given differently, channel
  (or department relation) strengths more than 0.3 apart, a rivalry in one map
  where another has a positive channel between the same two people, relationship
  strengths more than 0.3 apart;
- strengths: a channel's is the mean of the maps' values (a colleague's estimate
  is as good as another's); our relationship with a person keeps the weaker
  (coverage we cannot be sure of is not coverage); a competitor's the stronger;
- ``prefer=SOURCE`` resolves every disagreement with that map's value. Otherwise
  the more cautious stance is kept (the least favourable to us), other fields keep
  the earlier map's value, and each disagreement is written into the item's notes
  (a channel's evidence) as ``[merge] …``; a person whose stance is disputed is
  tagged :data:`DISPUTED_STANCE_TAG`, which the analysis reports as a risk.

:func:`merge3` merges field by field against the common base: a field changed on
one side only takes that change; changed the same way on both, too; changed
differently (or deleted on one side and edited on the other) is a conflict,
resolved by ``prefer="mine"|"theirs"`` or left for the user. Lists of values
(roles, tags …) merge element-wise. The order of items is theirs, with our new
items after.
"""
from __future__ import annotations

import copy
import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .account import (  # noqa: F401  (DISPUTED_STANCE_TAG: merge's word, kept with the account for the analysis)
    DISPUTED_STANCE_TAG, FORMAT, Account, Closeness, StanceLabel, closeness_value, signed, stance_value,
)
from .checks import REFERENCES, SECTION_NOUN
from .diff import SECTIONS, SINGLETONS, TEXT_FIELDS, Change, _Names, diff_data, keyed_items, people_of
from .errors import AccountFileError, InfluenceGraphError
from .loader import parse_account

STRENGTH_GAP = 0.3  # strengths further apart than this are a disagreement
MERGE_NOTE = "[merge]"
# Where a conflict note goes on an item of each section.
NOTE_FIELD = {"channels": "evidence", "department_relations": "evidence", "touches": "summary"}


@dataclass(frozen=True)
class Conflict:
    """One disagreement: the same field given differently.

    ``kind``: ``stance``, ``reports_to``, ``level``, ``strength``, ``rivalry``,
    ``field`` (any other field), ``deleted`` (removed on one side, edited on the
    other; three-way only) or ``invalid`` (the merged account would break a rule).
    ``values`` maps each source (file names; ``base``/``mine``/``theirs`` three-way)
    to its value; ``kept`` is the merged value when ``resolved``.
    """

    kind: str
    section: str
    key: tuple
    field: str | None
    values: dict[str, Any]
    kept: Any
    resolved: bool
    ids: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "section": self.section, "key": list(self.key), "field": self.field,
                "values": self.values, "kept": self.kept, "resolved": self.resolved, "ids": list(self.ids),
                "message": self.message}


@dataclass
class MergeResult:
    """A merged account and every disagreement met on the way.

    ``account`` is None when a conflict is left unresolved. ``matched`` says which
    differently-named items were taken to be the same (:func:`merge_maps`);
    ``mine`` and ``theirs`` are each side's changes since the base (:func:`merge3`).
    """

    account: Account | None
    conflicts: list[Conflict]
    sources: list[str]
    matched: list[dict[str, Any]] = field(default_factory=list)
    mine: list[Change] = field(default_factory=list)
    theirs: list[Change] = field(default_factory=list)

    @property
    def unresolved(self) -> list[Conflict]:
        return [c for c in self.conflicts if not c.resolved]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources,
            "matched": self.matched,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "unresolved": len(self.unresolved),
            "mine": [c.to_dict() for c in self.mine],
            "theirs": [c.to_dict() for c in self.theirs],
        }


# -- shared --------------------------------------------------------------------------


def _shown(field_name: str | None, value: Any, names: _Names) -> str:
    if value is None:
        return "none" if field_name != "stance" else "unknown"
    if field_name == "stance":
        return signed(value) if isinstance(value, (int, float)) else str(value)
    if field_name == "reports_to":
        return names.person(value)
    if field_name in ("department", "parent", "member"):
        return names.other(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def _conflict_kind(section: str, field_name: str | None) -> str:
    if section == "people" and field_name in ("stance", "reports_to", "level"):
        return field_name
    if field_name == "strength":
        return "strength"
    return "field"


# -- three-way -------------------------------------------------------------------------


class _ThreeWay:
    def __init__(self, prefer: str | None, names: _Names):
        if prefer not in (None, "mine", "theirs"):
            raise InfluenceGraphError(f"prefer must be 'mine' or 'theirs', not {prefer!r}")
        self.prefer = prefer
        self.names = names
        self.conflicts: list[Conflict] = []
        self.ids: tuple[str, ...] = ()  # the people the item being merged is about

    def conflict(self, kind: str, section: str, key: tuple, field_name: str | None, base: Any, mine: Any,
                 theirs: Any, label: str) -> Any:
        """Record a conflict; the value kept (theirs until resolved)."""
        kept = mine if self.prefer == "mine" else theirs
        if kind == "deleted":
            message = f"{label}: {'you edited it and they deleted it' if mine is not None else 'you deleted it and they edited it'}"
        else:
            show = lambda v: _shown(field_name, v, self.names)  # noqa: E731
            where = f"{label}: {field_name.replace('_', ' ')}" if field_name else label
            message = f"{where} — yours {show(mine)}, theirs {show(theirs)} (was {show(base)})"
        if self.prefer:
            message += f"; kept {self.prefer}"
        self.conflicts.append(Conflict(kind, section, key, field_name, {"base": base, "mine": mine, "theirs": theirs},
                                       kept, self.prefer is not None, self.ids, message))
        return kept

    def value(self, section: str, key: tuple, field_name: str, base: Any, mine: Any, theirs: Any, label: str) -> Any:
        if mine == theirs or mine == base:
            return theirs
        if theirs == base:
            return mine
        if isinstance(base, list) or isinstance(mine, list) or isinstance(theirs, list):
            return _merge_list3(base or [], mine or [], theirs or [])
        if isinstance(base, dict) or isinstance(mine, dict) or isinstance(theirs, dict):
            b, m, t = base or {}, mine or {}, theirs or {}
            merged = {k: self.value(section, key, f"{field_name}.{k}", b.get(k), m.get(k), t.get(k), label)
                      for k in dict.fromkeys([*t, *m, *b])}
            return {k: v for k, v in merged.items() if v is not None} or None
        return self.conflict(_conflict_kind(section, field_name), section, key, field_name, base, mine, theirs, label)

    def item(self, section: str, key: tuple, base: dict | None, mine: dict | None, theirs: dict | None) -> dict | None:
        if mine == theirs or mine == base:
            return theirs
        if theirs == base:
            return mine
        label = self.names.item(section, mine or theirs)
        self.ids = people_of(section, mine or theirs)
        if mine is None or theirs is None:
            return self.conflict("deleted", section, key, None, base, mine, theirs, label)
        base = base or {}
        merged = {}
        for name in dict.fromkeys([*theirs, *mine, *base]):
            value = self.value(section, key, name, base.get(name), mine.get(name), theirs.get(name), label)
            if value is not None:
                merged[name] = value
        return merged


def _merge_list3(base: list, mine: list, theirs: list) -> list:
    """Theirs, less what we removed, plus what we added (each once)."""
    removed = [v for v in base if v not in mine]
    kept = [v for v in theirs if v not in removed]
    return kept + [v for v in mine if v not in base and v not in kept]


def merge3(base: Account, mine: Account, theirs: Account, prefer: str | None = None) -> MergeResult:
    """Merge our changes since ``base`` (``mine``) with those saved since (``theirs``).

    >>> from influence_graph.model import parse_account
    >>> people = [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}]
    >>> base = parse_account({"account": {"id": "x", "name": "X"}, "people": people})
    >>> mine = parse_account({"account": {"id": "x", "name": "X"}, "people": [{**people[0], "stance": "supporter"}, people[1]]})
    >>> theirs = parse_account({"account": {"id": "x", "name": "X"}, "people": [people[0], {**people[1], "title": "CFO"}]})
    >>> merged = merge3(base, mine, theirs)
    >>> merged.conflicts, merged.account.person("a").stance.value, merged.account.person("b").title
    ([], 'supporter', 'CFO')
    """
    b, m, t = base.to_data(), mine.to_data(), theirs.to_data()
    names = _Names(b, t, m)
    merger = _ThreeWay(prefer, names)
    out: dict[str, Any] = {"format": FORMAT}
    for section in SECTIONS:
        if section in SINGLETONS:
            value = merger.item(section, (section,), b.get(section), m.get(section), t.get(section))
            if value is not None:
                out[section] = value
            continue
        kb, km, kt = (keyed_items(section, d.get(section, [])) for d in (b, m, t))
        items = []
        for key in dict.fromkeys([*kt, *(k for k in km if k not in kb), *kb]):
            value = merger.item(section, key, kb.get(key), km.get(key), kt.get(key))
            if value is not None:
                items.append(value)
        if items:
            out[section] = items
    conflicts = merger.conflicts
    account = None
    if not any(not c.resolved for c in conflicts):
        try:
            account = parse_account(out, f"account {theirs.id!r} (merged)")
        except AccountFileError as exc:
            conflicts += [Conflict("invalid", "", (), None, {}, None, False, (),
                                   f"{p.where}: {p.message} once both sides' changes are combined")
                          for p in exc.problems]
    return MergeResult(account, conflicts, ["base", "mine", "theirs"], mine=diff_data(b, m), theirs=diff_data(b, t))


# -- colleagues' maps -------------------------------------------------------------------

_PUNCTUATION = re.compile(r"[\s()（）\[\]【】,，.。·・、/\\\-_'\"]+")
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff"  # CJK ideographs, kana, hangul
_CJK_GAP = re.compile(f"(?<=[{_CJK}])\\s+(?=[{_CJK}])")
_CJK_CHARS = re.compile(f"[{_CJK}]")


def name_keys(name: str) -> tuple[str, str, str | None]:
    """The keys a name is matched by, strictest first: the name as written (case,
    width, punctuation and spacing aside), its words in any order, its CJK characters.

    >>> name_keys("Zhao Ming (赵 明)")
    ('zhao ming 赵明', 'ming zhao 赵明', '赵明')
    >>> name_keys("ＺＨＡＯ  ming") == name_keys("Zhao Ming")
    True
    """
    text = _CJK_GAP.sub("", unicodedata.normalize("NFKC", name).casefold())
    words = [w for w in _PUNCTUATION.split(text) if w]
    cjk = "".join(_CJK_CHARS.findall("".join(words)))
    return " ".join(words), " ".join(sorted(words)), cjk or None


def _email(item: dict[str, Any]) -> str | None:
    email = item.get("email") or (item.get("contact") or {}).get("email")
    return email.strip().casefold() if isinstance(email, str) and email.strip() else None


_MATCH_SECTIONS = ("departments", "people", "team", "competitors")
_REFERS = {(section, name): target for section, name, target, _ in REFERENCES}
_STRENGTH_SECTIONS = ("channels", "department_relations", "relationships", "competitor_relationships")


def _key_at(item: dict[str, Any], index: int) -> str | None:
    return _name_keys(item["name"])[index] if item.get("name") else None


@functools.lru_cache(maxsize=65536)
def _name_keys(name: str) -> tuple[str, str, str | None]:
    return name_keys(name)


def _default_strength(section: str) -> Any:
    return "zipper" if section in ("relationships", "competitor_relationships") else 0.5


def _strength_number(section: str, value: Any) -> float:
    if section in ("relationships", "competitor_relationships"):
        return closeness_value(Closeness(value) if isinstance(value, str) else value)
    return float(value)


def _stance_number(value: Any) -> float:
    return stance_value(StanceLabel(value) if isinstance(value, str) else value)


class _MapMerger:
    """Merges maps one after another into ``data``, remembering what each map gave."""

    def __init__(self, sources: Sequence[str], prefer: str | None):
        self.sources = list(sources)
        self.prefer = prefer
        self.data: dict[str, Any] = {}
        self.matched: list[dict[str, Any]] = []
        self.origin: dict[tuple, list[str]] = {}  # (section, key) -> the maps holding the item
        self.given: dict[tuple, dict[str, Any]] = {}  # (section, key, field) -> {map: value}
        # (section, key, field) -> (the merged item, the conflict, the note it gets without --prefer)
        self.open: dict[tuple, tuple[dict, Conflict, str]] = {}

    # -- the same item under another id ---------------------------------------------
    def renames(self, source: str, data: dict[str, Any]) -> dict[str, dict[str, str]]:
        """For each id section, ``{id in source: id in the merged map}``: by id, then
        email (people, team), then name; a new item whose id another section of the
        merged map holds gets a suffix."""
        renames: dict[str, dict[str, str]] = {}
        taken = {i["id"] for s in ("people", "team", "competitors") for i in self.data.get(s, [])}
        for section in _MATCH_SECTIONS:
            merged, theirs = self.data.get(section, []), data.get(section, [])
            merged_ids = {i["id"] for i in merged}
            mapping = {i["id"]: i["id"] for i in theirs if i["id"] in merged_ids}
            used = set(mapping.values())
            rules = [("the same email", _email)] if section in ("people", "team") else []
            rules += [("the same name", lambda item: _key_at(item, 0)),
                      ("the same name in another order", lambda item: _key_at(item, 1)),
                      ("the same name in Chinese, Japanese or Korean script", lambda item: _key_at(item, 2))]
            for reason, key_of in rules:
                candidates: dict[Any, list[str]] = {}
                for m in merged:
                    key = key_of(m)
                    if key is not None:
                        candidates.setdefault(key, []).append(m["id"])
                for item in theirs:
                    key = None if item["id"] in mapping else key_of(item)
                    found = [i for i in candidates.get(key, []) if i not in used] if key is not None else []
                    if len(found) == 1:
                        mapping[item["id"]] = found[0]
                        used.add(found[0])
                        first = self.origin[(section, (found[0],))][0]
                        self.matched.append({
                            "section": section, "source": source, "id": item["id"], "as": found[0], "reason": reason,
                            "message": f"{source}'s {SECTION_NOUN[section]} {item['id']!r} is {first}'s "
                                       f"{found[0]!r} ({reason})"})
            for item in theirs:
                if item["id"] not in mapping:
                    new_id, n = item["id"], 2
                    while section != "departments" and new_id in taken:
                        new_id, n = f"{item['id']}-{n}", n + 1
                    taken.add(new_id)
                    mapping[item["id"]] = new_id
            renames[section] = {k: v for k, v in mapping.items() if k != v}
        return renames

    @staticmethod
    def renamed(data: dict[str, Any], renames: dict[str, dict[str, str]]) -> dict[str, Any]:
        """``data`` with every id and every reference to one replaced as ``renames`` says."""
        data = copy.deepcopy(data)
        for section in _MATCH_SECTIONS:
            for item in data.get(section, []):
                item["id"] = renames[section].get(item["id"], item["id"])
        for (section, name), target in _REFERS.items():
            for item in data.get(section, []):
                value = item.get(name)
                if isinstance(value, list):
                    item[name] = [renames[target].get(v, v) for v in value]
                elif isinstance(value, str):
                    item[name] = renames[target].get(value, value)
        opportunity = data.get("opportunity")
        if opportunity and opportunity.get("decision_unit"):
            opportunity["decision_unit"] = [renames["people"].get(p, p) for p in opportunity["decision_unit"]]
        return data

    # -- values ----------------------------------------------------------------------
    def record(self, section: str, key: tuple, given: dict[str, Any], source: str) -> None:
        self.origin.setdefault((section, key), []).append(source)
        if section in _STRENGTH_SECTIONS:  # a strength left out is the format's default, not unknown
            given = {"strength": _default_strength(section), **given}
        for name, value in given.items():
            self.given.setdefault((section, key, name), {})[source] = value

    def conflict(self, kind: str, section: str, key: tuple, item: dict[str, Any], name: str, kept: Any,
                 rule: str, names: _Names) -> None:
        values = self.given[(section, key, name)]
        shown = ", ".join(f"{_shown(name, v, names)} in {s}" for s, v in values.items())
        if self.prefer in values:
            rule = f"kept {self.prefer}'s"
        what = name.replace("_", " ")
        conflict = Conflict(kind, section, key, name, dict(values), kept, True, people_of(section, item),
                            f"{names.item(section, item)}: {what} — {shown}; {rule}")
        self.open[(section, key, name)] = (item, conflict, f"{what}: {shown}; {rule}")

    def value(self, section: str, key: tuple, item: dict[str, Any], name: str, names: _Names) -> Any:
        """The merged value of one field from every value the maps gave it."""
        values = self.given[(section, key, name)]
        had = item.get(name)
        given = list(values.values())
        if name == "strength":
            return self.strength(section, key, item, names)
        if len({repr(v) for v in given}) == 1:
            return given[0]
        if isinstance(given[-1], list):
            return (had or []) + [v for v in given[-1] if v not in (had or [])]
        if name in TEXT_FIELDS:
            text = given[-1]
            return had if had and text in had else f"{had}\n[{list(values)[-1]}] {text}" if had else text
        if name == "contact":
            merged = {}
            for k in dict.fromkeys(k for c in given for k in c):
                self.given[(section, key, f"contact.{k}")] = {s: c[k] for s, c in values.items() if k in c}
                merged[k] = self.value(section, key, item, f"contact.{k}", names)
            return merged
        preferred = values.get(self.prefer) if self.prefer else None
        if name == "name" and section in _MATCH_SECTIONS and len({_key_at({"name": v}, 1) for v in given}) == 1:
            return had  # the same name written another way (how the items were matched): not a dispute
        if name == "stance":
            if len({_stance_number(v) for v in given}) == 1:
                return had
            kept = preferred if preferred is not None else min(given, key=_stance_number)
            self.conflict("stance", section, key, item, name, kept,
                          f"kept {_shown(name, kept, names)} (the more cautious)", names)
            return kept
        kept = preferred if preferred is not None else given[0]
        if name == "reports_to" and kept != had and self.cycle(item["id"], kept):
            kept = had
        self.conflict(_conflict_kind(section, name), section, key, item, name, kept,
                      f"kept {_shown(name, kept, names)} (from {next(iter(values))})", names)
        return kept

    def strength(self, section: str, key: tuple, item: dict[str, Any], names: _Names) -> Any:
        values = self.given[(section, key, "strength")]
        numbers = [_strength_number(section, v) for v in values.values()]
        if section == "relationships":
            rule = "kept the weaker (the more cautious)"
            chosen = min(values.values(), key=lambda v: _strength_number(section, v))
        elif section == "competitor_relationships":
            rule = "kept the stronger (the more cautious)"
            chosen = max(values.values(), key=lambda v: _strength_number(section, v))
        else:
            chosen = round(sum(numbers) / len(numbers), 3)
            rule = f"kept the mean, {chosen:g}"
        if self.prefer in values:
            chosen = values[self.prefer]
        if max(numbers) - min(numbers) > STRENGTH_GAP + 1e-9:
            self.conflict("strength", section, key, item, "strength", chosen, rule, names)
        return chosen

    def cycle(self, person: str, boss: str | None) -> bool:
        """Would ``person`` reporting to ``boss`` close a reporting cycle in the merged map?"""
        bosses = {p["id"]: p.get("reports_to") for p in self.data.get("people", [])}
        seen = set()
        while boss and boss not in seen:
            if boss == person:
                return True
            seen.add(boss)
            boss = bosses.get(boss)
        return False

    # -- items -----------------------------------------------------------------------
    def merge_item(self, section: str, key: tuple, item: dict[str, Any], given: dict[str, Any], source: str,
                   names: _Names) -> None:
        self.record(section, key, given, source)
        fields = [*given] + (["strength"] if section in _STRENGTH_SECTIONS and "strength" not in given else [])
        for name in fields:
            value = self.value(section, key, item, name, names)
            if section == "people" and name == "reports_to" and value != item.get(name) and self.cycle(item["id"], value):
                continue  # a line that would close a cycle with the other maps' lines is left out
            item[name] = value
        if section in _STRENGTH_SECTIONS and item.get("strength") == _default_strength(section):
            del item["strength"]

    def add(self, source: str, data: dict[str, Any]) -> None:
        names = _Names(data, self.data)  # items named as the merged map names them
        for section in SECTIONS:
            if section in SINGLETONS:
                given = data.get(section)
                if given is not None and section not in self.data:
                    self.data[section] = copy.deepcopy(given)
                    self.record(section, (section,), given, source)
                elif given is not None:
                    self.merge_item(section, (section,), self.data[section], given, source, names)
                continue
            items = self.data.setdefault(section, [])
            index = keyed_items(section, items)
            for key, given in keyed_items(section, data.get(section, [])).items():
                found = self.find(section, key, given, index)
                if found is None:
                    item = copy.deepcopy(given)
                    items.append(item)
                    index[key] = item
                    self.record(section, key, given, source)
                else:
                    self.merge_item(section, found, index[found], given, source, names)

    @staticmethod
    def find(section: str, key: tuple, given: dict[str, Any], index: dict[tuple, dict]) -> tuple | None:
        if key in index:
            return key
        if section == "channels":  # a mutual channel is the same whichever way it was written
            reverse = (given["to"], given["from"], given["kind"])
            if reverse in index and (index[reverse].get("mutual") or given.get("mutual")):
                return reverse
        return None

    def rivalries(self, names: _Names) -> None:
        """A rivalry in one map where another has a positive channel between the same two people."""
        order = {p["id"]: i for i, p in enumerate(self.data.get("people", []))}
        by_pair: dict[tuple, list[dict]] = {}
        for channel in self.data.get("channels", []):
            pair = tuple(sorted((channel["from"], channel["to"]), key=lambda p: (order.get(p, 0), p)))
            by_pair.setdefault(pair, []).append(channel)
        for pair, found in by_pair.items():
            sources = {kind: {s for c in found if (c["kind"] == "rivalry") == (kind == "rivalry")
                              for s in self.origin[("channels", (c["from"], c["to"], c["kind"]))]}
                       for kind in ("rivalry", "positive")}
            if not sources["rivalry"] or not sources["positive"] or (
                    sources["rivalry"] == sources["positive"] and len(sources["rivalry"]) == 1):
                continue  # no dispute; or one colleague saw both (rivals who still consult each other)
            kinds = ", ".join(dict.fromkeys(c["kind"] for c in found if c["kind"] != "rivalry"))
            values = {", ".join(sorted(sources["rivalry"], key=self.sources.index)): "rivalry",
                      ", ".join(sorted(sources["positive"], key=self.sources.index)): kinds}
            rule = "kept both"
            if self.prefer in sources["rivalry"] ^ sources["positive"]:
                keep_rivalry = self.prefer in sources["rivalry"]
                drop = [c for c in found if (c["kind"] == "rivalry") != keep_rivalry]
                self.data["channels"] = [c for c in self.data["channels"] if not any(c is d for d in drop)]
                found = [c for c in found if not any(c is d for d in drop)]
                rule = f"kept {self.prefer}'s"
            shown = "; ".join(f"{v} in {s}" for s, v in values.items())
            message = f"{names.person(pair[0])} and {names.person(pair[1])}: {shown}; {rule}"
            conflict = Conflict("rivalry", "channels", pair, "kind", values, rule, True, pair, message)
            for channel in found:
                self.open[("channels", (channel["from"], channel["to"], channel["kind"]), "rivalry")] = (
                    channel, conflict, f"colleagues disagree: {shown}; {rule}")

    def conflicts(self) -> list[Conflict]:
        """Every disagreement, once each; without ``prefer``, also written into the items' notes."""
        seen: dict[int, Conflict] = {}
        for (section, _, _), (item, conflict, note) in self.open.items():
            seen.setdefault(id(conflict), conflict)
            if self.prefer is not None:
                continue
            _append_note(item, NOTE_FIELD.get(section, "notes"), f"{MERGE_NOTE} {note}")
            if conflict.kind == "stance" and DISPUTED_STANCE_TAG not in item.get("tags", []):
                item["tags"] = [*item.get("tags", []), DISPUTED_STANCE_TAG]
        return list(seen.values())


def _append_note(item: dict[str, Any], name: str, line: str) -> None:
    current = item.get(name)
    if not current or line not in current:
        item[name] = f"{current}\n{line}" if current else line


def merge_maps(accounts: Sequence[Account], sources: Sequence[str], prefer: str | None = None) -> MergeResult:
    """Colleagues' maps of one account, as one map (rules in the module docstring).

    ``sources`` name the maps (file names) in messages; ``prefer`` is one of them.

    >>> from influence_graph.model import parse_account
    >>> a = parse_account({"account": {"id": "x", "name": "X"}, "people": [{"id": "zhao", "name": "Zhao Ming", "stance": "supporter"}]})
    >>> b = parse_account({"account": {"id": "x", "name": "X"}, "people": [{"id": "zm", "name": "Ming Zhao", "stance": "skeptic"}]})
    >>> merged = merge_maps([a, b], ["a.yaml", "b.yaml"])
    >>> [p.id for p in merged.account.people], merged.account.person("zhao").stance.value
    (['zhao'], 'skeptic')
    >>> print(merged.conflicts[0].message)
    Zhao Ming: stance — supporter in a.yaml, skeptic in b.yaml; kept skeptic (the more cautious)
    """
    if len(accounts) != len(sources) or len(accounts) < 2:
        raise InfluenceGraphError("give at least two maps to merge, each with a name")
    if prefer is not None and prefer not in sources:
        raise InfluenceGraphError(f"--prefer {prefer}: not one of the maps being merged ({', '.join(sources)})")
    ids = {a.id for a in accounts}
    if len(ids) > 1:
        listed = ", ".join(f"{s} is {a.id!r}" for s, a in zip(sources, accounts))
        raise InfluenceGraphError(
            f"these maps are of different accounts ({listed}); give them the same account.id if they are one account"
        )
    merger = _MapMerger(sources, prefer)
    for source, account in zip(sources, accounts):
        data = account.to_data()
        if merger.data:
            data = merger.renamed(data, merger.renames(source, data))
        merger.add(source, data)
    merger.rivalries(_Names(merger.data))
    conflicts = merger.conflicts()
    out = {"format": FORMAT, **{k: v for k, v in merger.data.items() if v not in ([], None)}}
    # Every rule holds by construction (references renamed, cycles left out): a failure here is a bug.
    return MergeResult(parse_account(out, "the merged account"), conflicts, list(sources), matched=merger.matched)
