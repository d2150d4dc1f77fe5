"""The ``followup`` command line: ``main`` is the entry point, ``app`` the Typer application.

Ctrl-C prints one line and exits 130 from the first moment: when the program is the
``followup`` script, the handler is installed before the command line's libraries are
imported (an import interrupted otherwise ends in a traceback); ``main`` installs it in any
case. The commands that write files take Ctrl-C over while they work, to clean up first.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

INTERRUPTED = 130


def _interrupted(signum: int, frame: FrameType | None) -> None:
    sys.stderr.write("\ninterrupted\n")
    sys.stderr.flush()
    os._exit(INTERRUPTED)


def main() -> None:
    """``followup``: run the command line."""
    signal.signal(signal.SIGINT, _interrupted)
    app()


if os.path.basename(sys.argv[0]).removesuffix(".exe") == "followup":
    signal.signal(signal.SIGINT, _interrupted)

from sim.cli.app import app  # noqa: E402 - after the handler

__all__ = ["app", "main"]
