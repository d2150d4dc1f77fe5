"""``python -m sim.docgen [--check]``: regenerate the documentation, or check it is current."""

from sim.docgen.build import main

raise SystemExit(main())
