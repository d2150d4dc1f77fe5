"""The ``followup`` command line: run a scenario, trace one prospect, list the strategies,
re-draw a run's charts, read its funnel, explore a scenario in the browser, sweep parameters
and measure their sensitivity, calibrate a scenario to what is known about a market, import a
team's own export and check a calibration on prospects it has not seen, and search for the
best cadence under a team's constraints.

Each command lives in its own module and imports the simulator only when it runs, so
``followup --help`` starts fast. Bad input (a scenario file with problems, an unknown
strategy, an option out of range) prints one line per problem to stderr and exits with code
2, without a traceback.
"""

from __future__ import annotations

import typer

from sim.cli.calibrate import calibrate_command
from sim.cli.charts import charts
from sim.cli.explore import explore
from sim.cli.funnel import funnel
from sim.cli.import_ import import_command
from sim.cli.optimize import optimize_command
from sim.cli.run import run
from sim.cli.strategies import list_strategies
from sim.cli.sweep import sensitivity_command, sweep_command
from sim.cli.trace import trace
from sim.cli.validate import validate_command

app = typer.Typer(
    name="followup",
    help="Simulate sales follow-up strategies against busy prospects.",
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
)
app.command()(run)
app.command()(trace)
app.command()(charts)
app.command()(funnel)
app.command("app")(explore)
app.command("strategies")(list_strategies)
app.command("sweep")(sweep_command)
app.command("sensitivity")(sensitivity_command)
app.command("calibrate")(calibrate_command)
app.command("import")(import_command)
app.command("validate")(validate_command)
app.command("optimize")(optimize_command)
