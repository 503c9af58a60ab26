"""The account plan for the bid review (``ig report``): HTML or Markdown."""
from .plan import action_items, plan_sections, render_plan

__all__ = ["action_items", "plan_sections", "render_plan"]
