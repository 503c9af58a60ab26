"""Accounts in and out of spreadsheets: contacts exported from a CRM (Salesforce,
HubSpot, Microsoft Dynamics 365, or any layout through a mapping file) and the
account as an Excel workbook to edit and import back.

Reads and writes accounts only: the model is the one thing it builds on, and
every import goes through :func:`~influence_graph.model.parse_account`.
"""
from .importer import Imported, import_table
from .layouts import LAYOUTS, described
from .merge import Change, MergeReport
from .slugs import slug, unique_slug
from .workbook import write_workbook

__all__ = ["Change", "Imported", "LAYOUTS", "MergeReport", "described", "import_table", "slug", "unique_slug", "write_workbook"]
