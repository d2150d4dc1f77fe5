"""The ``followup`` command line (``sim.cli.app``)."""

from sim.cli.app import app, main

__all__ = ["app", "main"]
