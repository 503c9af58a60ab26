"""The JSON Schema of the account file, for editors (``ig schema``)."""
from __future__ import annotations

from typing import Any

from .account import FORMAT, Account


def account_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``influence-graph/1`` files, in file form (``from``/``to``)."""
    schema = Account.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://influence-graph.dev/schema/influence-graph-1.json"
    schema["title"] = f"influence-graph account file ({FORMAT})"
    return schema
