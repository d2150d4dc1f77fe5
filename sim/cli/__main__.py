"""``python -m sim.cli``: the ``followup`` command line."""

from sim.cli import main

main()
