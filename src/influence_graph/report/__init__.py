"""The account plan for the bid review (``ig report``): HTML or Markdown; the briefing is ``report.summary``."""
from .plan import action_rows, build_plan, render_plan

__all__ = ["action_rows", "build_plan", "render_plan"]
