"""Calibration: fit a scenario's free parameters to what is known about a market, with the
uncertainty that remains.

``targets`` (the file), ``problem`` (the file resolved against its scenario), ``statistics``
(the catalogue of targetable statistics), ``space`` (free parameters and the scenario),
``evaluate`` (one simulation of a parameter set, its statistics, and the executor),
``store`` (evaluations on disk, for resume), ``objective`` (distance and synthetic
likelihood), ``fit`` (the Optuna point fit), ``posterior`` (emcee on a synthetic likelihood),
``api`` (the whole calibration), ``outputs``, ``charts`` and ``report`` (the files), and
``compare`` (strategies compared over posterior draws, ``followup run --posterior``).
"""
