"""The cadence optimiser (``followup optimize``): the best cadence under a team's constraints,
searched in the library's own cadence language on common random numbers and proved against
the library on fresh prospects.

``space`` (the search space), ``objective`` (goals, constraints, measures), ``evaluate``
(evaluations on common random numbers, stored), ``search`` (Optuna), ``halving`` (successive
halving and the pick), ``confirm`` (the confirmation run), ``outputs``, ``charts`` and
``report`` (the files), ``problem`` (what to optimise) and ``api`` (the whole search).
"""
