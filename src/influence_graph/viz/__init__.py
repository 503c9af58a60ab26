"""Visualization: the interactive influence map (DESIGN §7) and its vector picture for print."""
from .influence_map import InfluenceMap, influence_map
from .map_svg import map_svg

__all__ = ["InfluenceMap", "influence_map", "map_svg"]
