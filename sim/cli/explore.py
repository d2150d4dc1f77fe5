"""``followup app``: the live explorer, a web page served on this machine (``sim.app``)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from sim.cli.common import ScenarioArg, fail, scenario_from_arg, strategy_list, user_errors

DEFAULT_STRATEGIES = "one-and-done,persistent-until-no,breakup-after-two,five-to-one"
MIN_PROSPECTS, MAX_PROSPECTS = 1_000, 200_000


def explore(
    scenario: ScenarioArg = None,
    port: Annotated[int, typer.Option(help="Port to serve the page on (1024 to 65535).")] = 5006,
    host: Annotated[
        str,
        typer.Option(
            help="Address to bind: 127.0.0.1 keeps the page on this machine; another address "
            "serves it to the network."
        ),
    ] = "127.0.0.1",
    strategies: Annotated[
        str, typer.Option(help="Comma-separated strategies ticked at the start.")
    ] = DEFAULT_STRATEGIES,
    prospects: Annotated[
        int,
        typer.Option(
            help=f"Prospects per strategy in each run ({MIN_PROSPECTS:,} to {MAX_PROSPECTS:,}); "
            "10,000 answers in about 2 s for four strategies."
        ),
    ] = 10_000,
    seed: Annotated[int, typer.Option(help="Random seed (0 to 2**63 - 1).")] = 0,
    show: Annotated[
        bool, typer.Option("--show/--no-show", help="Open the page in a browser.")
    ] = False,
) -> None:
    """Serve a live explorer of SCENARIO at http://HOST:PORT/: tick strategies, move eight
    sliders (inbox loads, pick-up chances, meetings, tolerance, share of buyers, saying no)
    and watch the ranking with its intervals and three charts follow. Stop it with Ctrl-C."""
    from sim.run.options import MAX_SEED

    if not 1024 <= port <= 65535:
        fail(f"--port: must be between 1024 and 65535, got {port}")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        fail(f"--host: {host!r} is not an IP address (127.0.0.1 keeps the page on this machine)")
    if not MIN_PROSPECTS <= prospects <= MAX_PROSPECTS:
        fail(
            f"--prospects: must be between {MIN_PROSPECTS:,} and {MAX_PROSPECTS:,}, "
            f"got {prospects:,}"
        )
    if not 0 <= seed <= MAX_SEED:
        fail(f"--seed: must be between 0 and {MAX_SEED:,}, got {seed}")
    with user_errors():
        scen = scenario_from_arg(scenario)
        chosen = strategy_list(strategies, scen)
    try:
        from sim.app.page import serve
    except ImportError as exc:
        fail(f"followup app needs Panel ({exc}); install it with: pip install -e '.[app]'")
    from sim.strategy.library import expand

    known = expand(["all"], scen)
    chosen = expand(chosen, scen)
    if not address.is_loopback:
        typer.echo(f"warning: serving to the network on {host}: anyone who can reach it can use it",
                   err=True)  # fmt: skip
    typer.echo(f"followup app: http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    serve(scen, known, chosen, prospects=prospects, seed=seed, host=host, port=port, show=show)


__all__ = ["explore"]
