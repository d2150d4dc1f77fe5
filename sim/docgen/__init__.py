"""Documentation generated from the code, so that it cannot drift from it.

- ``docs/strategies/<name>.md``: one page per strategy of the built-in library
  (``sim/data/library.yaml``), and ``docs/strategies/index.md`` (``strategy_pages``);
- regions of the user guide between ``<!-- BEGIN GENERATED: <region> ...`` and
  ``<!-- END GENERATED: <region> -->`` lines (``regions.REGIONS``): the field reference of
  the scenario file (``docs/guide/scenario-file.md``, from the pydantic models of
  ``sim/scenario.py``: every field's path, type, default, bounds and description, its
  ``Field(description=...)`` or the docstring under it; ``scenario_fields``), the fields of
  a cadence and the Python strategy interface (``docs/guide/strategies.md``) and the columns
  of the printed table (``docs/guide/outputs.md``; ``reference``).

The public functions: ``pages(docs)`` (every generated file and its content), ``stale(docs)``
(what is out of date, one line per file), ``write(docs)`` (write what changed) and
``main(argv)`` (the command line).

Run ``python -m sim.docgen`` after changing the library or the scenario's fields;
``python -m sim.docgen --check`` (run by ``tests/project/test_docs.py``) exits with code 1 and names
every page that is out of date.
"""

from sim.docgen.build import main, pages, stale, write

__all__ = ["main", "pages", "stale", "write"]
