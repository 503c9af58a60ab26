"""Run influence-graph from a checkout: ``python cli.py demo``."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from influence_graph.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
