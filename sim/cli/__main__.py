"""``python -m sim.cli``: the ``followup`` command line."""

from sim.cli.app import main

main()
