"""``python -m sim.docgen [--check]``: regenerate the documentation, or check it is current."""

from .build import main

raise SystemExit(main())
