"""Where the time of one ``ig analyze`` goes: seconds per stage, in process.

Each stage is a set of package functions. :func:`stage_times` wraps every one of
them wherever the package refers to it (``from .power import influence`` makes a
second reference in ``influence_graph.analysis``), runs load → analyze → JSON on
one account file, and charges each stretch of time to the innermost stage running
(a tie graph that the coach module builds is "graphs", not "coaches"); what no
stage covers is "other analysis". Functions a stage names that the package does
not have (yet, or any more) are skipped, so the profile follows the code as it changes.
"""
from __future__ import annotations

import functools
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# stage -> "module:function" (a "module:Class.method" for a classmethod)
STAGES: dict[str, list[str]] = {
    "graphs": [
        "influence_graph.graph:account_graph", "influence_graph.graph:deference_graph",
        "influence_graph.graph:tie_graph", "influence_graph.graph:warm_graph", "influence_graph.graph:rivalry_graph",
        "influence_graph.analysis._igraph:to_igraph",
    ],
    "power": [
        "influence_graph.analysis.power:influence", "influence_graph.analysis.power:social_power",
        "influence_graph.analysis.power:formal_position", "influence_graph.analysis.power:classify_power",
        "influence_graph.analysis.power:power_ranking",
    ],
    # starting the workers, and then waiting for them (the rest of the analysis runs meanwhile)
    "brokerage": ["influence_graph.analysis.brokerage:start_brokerage",
                  "influence_graph.analysis.brokerage:BrokerageRun.result"],
    "factions": ["influence_graph.analysis.factions:factions", "influence_graph.analysis.factions:department_relations"],
    "coaches": ["influence_graph.analysis.coaches:coach_candidates"],
    "coverage": [
        "influence_graph.analysis.coverage:coverage_by_person", "influence_graph.analysis.coverage:closest_members",
        "influence_graph.analysis.coverage:uncovered_decision_makers",
        "influence_graph.analysis.coverage:relationship_depth",
    ],
    "channels": ["influence_graph.analysis.channels:influence_channels"],
    "follow-ups": ["influence_graph.analysis.followups:follow_ups"],
    "risks": ["influence_graph.analysis.risks:risks"],
    "forecast": ["influence_graph.analysis.forecast:forecast"],
    "confidence": ["influence_graph.analysis.confidence:confidence", "influence_graph.analysis.confidence:resample"],
    "actions": ["influence_graph.analysis.actions:action_list"],
    "typed result": ["influence_graph.analysis.result:Analysis.model_validate"],
}
LOAD, JSON, OTHER = "load", "JSON", "other analysis"
_INHERITED = object()  # marks a classmethod the class inherited: undone by deleting the override


class _Clock:
    """Exclusive time per stage: a nested stage's time is taken off the stage that called it."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stack: list[list[Any]] = []  # [stage, start, time spent in nested stages]

    def wrap(self, stage: str, function: Callable) -> Callable:
        @functools.wraps(function)
        def timed(*args, **kwargs):
            self._stack.append([stage, time.perf_counter(), 0.0])
            try:
                return function(*args, **kwargs)
            finally:
                name, start, nested = self._stack.pop()
                spent = time.perf_counter() - start
                self.seconds[name] = self.seconds.get(name, 0.0) + spent - nested
                if self._stack:
                    self._stack[-1][2] += spent

        return timed


def _patch_everywhere(original: Callable, replacement: Callable) -> list[tuple[Any, str, Any]]:
    """Point every package module's reference to ``original`` at ``replacement``; the undo list."""
    undo = []
    for name, module in list(sys.modules.items()):
        if not name.startswith("influence_graph") or module is None:
            continue
        for attribute, value in list(vars(module).items()):
            if value is original:
                undo.append((module, attribute, value))
                setattr(module, attribute, replacement)
    return undo


def _instrument(clock: _Clock) -> list[tuple[Any, str, Any]]:
    import influence_graph.analysis  # noqa: F401  (every module of the analysis, so every reference is patched)

    undo: list[tuple[Any, str, Any]] = []
    for stage, targets in STAGES.items():
        for target in targets:
            module_name, _, qualified = target.partition(":")
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            owner_name, _, attribute = qualified.rpartition(".")
            owner = getattr(module, owner_name, None) if owner_name else module
            original = getattr(owner, attribute, None) if owner is not None else None
            if original is None:
                continue
            if owner_name and isinstance(getattr(owner, "__dict__", {}).get(attribute), type(lambda: None)):
                # a method: replace it on the class (the wrapper binds like the method did)
                undo.append((owner, attribute, owner.__dict__[attribute]))
                setattr(owner, attribute, clock.wrap(stage, owner.__dict__[attribute]))
            elif owner_name:  # a classmethod: replace it on the class
                undo.append((owner, attribute, owner.__dict__.get(attribute, _INHERITED)))
                setattr(owner, attribute, classmethod(lambda cls, *a, _f=clock.wrap(stage, original), **k: _f(*a, **k)))
            else:
                undo += _patch_everywhere(original, clock.wrap(stage, original))
    return undo


def stage_times(path: Path, as_of: str) -> dict[str, float]:
    """Seconds per stage for load → analyze → JSON of the account file at ``path``."""
    from influence_graph.analysis import analyze
    from influence_graph.model import load_account

    clock = _Clock()
    undo = _instrument(clock)
    try:
        start = time.perf_counter()
        account = load_account(path)
        loaded = time.perf_counter()
        result = analyze(account, as_of=as_of)
        analyzed = time.perf_counter()
        result.to_json()
        done = time.perf_counter()
    finally:
        for owner, attribute, value in reversed(undo):
            if value is _INHERITED:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, value)
    times = {LOAD: loaded - start, **clock.seconds}
    times[OTHER] = (analyzed - loaded) - sum(clock.seconds.values())
    times[JSON] = done - analyzed
    return times


def median_stage_times(path: Path, as_of: str, runs: int) -> dict[str, float]:
    """Per stage, the median over ``runs`` profiles."""
    import statistics

    profiles = [stage_times(path, as_of) for _ in range(runs)]
    stages = list(dict.fromkeys(name for profile in profiles for name in profile))
    return {name: statistics.median(p.get(name, 0.0) for p in profiles) for name in stages}
