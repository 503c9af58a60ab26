"""The ``influence-graph`` / ``ig`` command line.

Each command opens its input, makes one library call, prints, and turns the
library's errors into click errors; nothing below this package imports click.
Commands live in one module per concern and register on :data:`cli` here.
"""
from __future__ import annotations

from ._common import cli, main
from . import account_cmds  # noqa: F401  (registers demo, init, validate, schema, analyze, map)
from . import report_cmd  # noqa: F401  (registers report)
from . import store_cmds  # noqa: F401  (registers push, pull, history, accounts, query)
from . import map_cmd  # noqa: F401
from . import team_cmds  # noqa: F401  (registers merge, diff)
from . import interchange_cmds  # noqa: F401  (registers import, export)

__all__ = ["cli", "main"]
