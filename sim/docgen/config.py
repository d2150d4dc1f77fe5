"""Where the documentation lives, and the command that regenerates it."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
"""The documentation folder of the repository."""
COMMAND = "python -m sim.docgen"
"""The command that regenerates the pages, named in their do-not-edit notes."""
