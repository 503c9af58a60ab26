"""The account plan for the bid review (``ig report``): HTML or Markdown."""
from .plan import action_rows, plan_sections, render_plan

__all__ = ["action_rows", "plan_sections", "render_plan"]
