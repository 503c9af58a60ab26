"""Visualization: the interactive influence map (DESIGN §7)."""
from .influence_map import InfluenceMap, influence_map

__all__ = ["InfluenceMap", "influence_map"]
