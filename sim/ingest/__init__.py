"""A team's own data: an export of a sales engagement tool or CRM turned into the calibration's
targets, the cadence the team ran, its funnel and a held-out part to check the fit on.

The pipeline, one module per step:

- ``source``: reading an export file (CSV or Parquet) by logical column, only the columns a
  format needs (so names, email addresses and phone numbers are never even read), with
  errors that name the file, the row, the column and the value;
- ``vocab``: the outcome and disposition vocabularies of each tool, their default mappings
  and ``--map`` overrides;
- ``times``: timestamps in any time zone to the team's business days and minutes;
- ``formats``: one adapter per tool, each turning its files into the tidy activity log
  (``log``) and able to write a run's log back in that tool's layout (the planted truth);
- ``log``: the tidy activity log and its checks (duplicates, sequences);
- ``tables``: the log as the run's outcome table and touch log (``sim.model.outcomes``), so
  that the calibration catalogue's own functions compute every statistic
  (``prospect_tables``: the same from the ``prospects`` format's one row per prospect);
- ``measure``: which catalogue statistics the data supports, and their values;
- ``cadence``: the cadence the team ran, reconstructed from steps, channels and spacing;
- ``funnel``: per step and channel, what the touches did (``sim.results.funnel``);
- ``holdout``: the split into a part to calibrate on and a part held out;
- ``api`` and ``writer``: the whole import and its files; ``check``: the held-out
  statistics against the calibrated model's predictions (``followup validate``);
- ``synthetic``: a simulated run written as an export (the planted truth, the example).
"""

FORMAT_NAMES = ("activities", "prospects", "outreach", "salesloft", "hubspot", "salesforce")
"""The formats, by name (``sim.ingest.formats.FORMATS`` has their adapters); here so that the
command line lists them without importing the readers."""
