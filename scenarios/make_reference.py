"""Regenerate the reference scenarios ``cold-outbound.yaml`` and ``web-leads.yaml``.

Each reference scenario is the defaults (``scenarios/baseline.yaml``, i.e. ``Scenario()``) plus
the few overrides below, each with its reason; the YAML files spell every parameter out
(``sim.io.loader.scenario_to_yaml``) under a header listing the overrides. Edit this script, not
the YAML files, and re-run it:

    .venv/bin/python scenarios/make_reference.py          # write both files
    .venv/bin/python scenarios/make_reference.py --check  # exit 1 if a file is out of date

The facts each scenario should land near (``MODEL.md``, "Published facts") are tested in
``tests/validation/test_stylized_facts.py``; ``docs/model.md`` section 11 gives the measured
values. This script is a tool of the repository, never imported by the ``sim`` package.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from sim.calibrate.space import apply_values  # noqa: E402
from sim.io.loader import deep_update, scenario_from_dict, scenario_to_yaml  # noqa: E402
from sim.model.scenario import Scenario  # noqa: E402

HERE = Path(__file__).resolve().parent

# -- strategies defined in the scenarios -----------------------------------------------------

EMAIL_SOURCE = "Woodpecker; Belkins 2023 (a first follow-up lifts replies by 40-50%); Yesware"


def _email_sequence(follow_ups: int) -> dict[str, Any]:
    """A personalised opener, then ``follow_ups`` short bumps in its thread 3 business days
    apart. A bump is a reply to the opener's thread, the opener quoted below it (what sequence
    tools such as Woodpecker send by default): the same message resurfacing, so it carries the
    opener's template and habituates with each read of the thread (docs/model.md 4.10)."""
    steps: list[dict[str, Any]] = [
        {"day": 0, "time": "10:00", "channel": "email", "template": "opener", "value": True}
    ]
    for k in range(1, follow_ups + 1):
        steps.append({"day": 3 * k, "time": "10:00", "channel": "email", "template": "opener"})
    if follow_ups == 0:
        what = "A personalised opening email with an insight for the prospect, and nothing else."
    else:
        what = (
            "The same personalised opener, then "
            + ("one short bump" if follow_ups == 1 else f"{follow_ups} short bumps")
            + " in its thread ('just bumping this up', the opener quoted below: no new"
            " content), 3 business days apart."
        )
    return {
        "description": what + " Stops at the first reply (positive or no).",
        "source": EMAIL_SOURCE,
        "claim": "Each follow-up adds replies, the first one the most.",
        "mechanisms": ["inbox competition", "value", "recall"],
        "phases": [{"name": "sequence", "steps": steps}],
    }


def _cold_calls(channel: str) -> dict[str, Any]:
    """Eight dials over 15 business days at varied hours, a voicemail on every other dial."""
    where = {
        "call_desk": "the desk phone (the number on the list)",
        "call_cell": "the mobile number (a direct dial, which reaches people out of the office)",
    }[channel]
    return {
        "description": (
            f"An SDR's cold-call block to {where}: a call every 2 business days at varied "
            "hours, a voicemail on every other call, 8 dials in all; stops at a reply."
        ),
        "source": (
            "Gong and 30MPC 2024 (cold calls: connect rate about 5% a dial, 13% for the best "
            "quartile)"
        ),
        "claim": (
            "A few percent of cold dials connect; direct mobile numbers connect about twice as "
            "often."
        ),
        "mechanisms": ["screening", "availability", "recall"],
        "phases": [
            {
                "name": "dials",
                "steps": [
                    {"day": 0, "time": ["09:15", "11:45"], "channel": channel,
                     "leave_voicemail": True, "template": "intro-call"},
                    {"day": 2, "time": ["16:30", "14:15"], "channel": channel,
                     "template": "intro-call"},
                ],
                "repeat_every": 4,
                "cycles": 4,
            }
        ],
    }  # fmt: skip


def _lead_call(
    day: int, time: str | list[str], voicemail: bool = False, after: int | None = None
) -> dict[str, Any]:
    step: dict[str, Any] = {"day": day, "time": time, "channel": "call_cell"}
    if after is not None:
        step["after"] = after
    if voicemail:
        step["leave_voicemail"] = True
    step["template"] = "your-inquiry"
    return step


SPEED_TO_LEAD: dict[str, Any] = {
    "description": (
        "A fresh web inquiry called on the mobile number it left at once (5 minutes after the "
        "inquiry) and every business day of its first week at varied hours, with a voicemail on "
        "the first, third and fifth call; then a call with a voicemail every 3 business days."
    ),
    "source": "Velocify (web inquiries: about 93% of converted leads are reached by the 6th call)",
    "claim": (
        "Calling a web lead at once and daily in its first week reaches it while it is in market."
    ),
    "mechanisms": ["urgency", "screening", "availability", "competitors"],
    "phases": [
        {
            "name": "first-week",
            "steps": [
                _lead_call(0, "10:00", voicemail=True, after=5),
                _lead_call(1, "16:30"),
                _lead_call(2, "11:00", voicemail=True),
                _lead_call(3, "16:00"),
                _lead_call(4, "14:00", voicemail=True),
            ],
            "then": "later",
        },
        {
            "name": "later",
            "steps": [_lead_call(3, ["16:30", "10:30"], voicemail=True)],
            "repeat_every": 3,
        },
    ],
}


def _slower(minutes: int) -> dict[str, Any]:
    """speed-to-lead with its first call ``minutes`` after the inquiry instead of 5."""
    first, later = SPEED_TO_LEAD["phases"]
    steps = [{**first["steps"][0], "after": minutes}, *first["steps"][1:]]
    return {
        **SPEED_TO_LEAD,
        "description": SPEED_TO_LEAD["description"].replace("at once (5 minutes", f"{minutes} "
                                                            "minutes after the inquiry (not 5"),
        "source": "Oldroyd, InsideSales.com and MIT (2007): the Lead Response Management study",
        "claim": "The same cadence, its first call later: fewer contacts and fewer qualified.",
        "phases": [{**first, "steps": steps}, later],
    }  # fmt: skip


LEAD_HOURS = {
    8: 0.6,
    9: 1.0,
    10: 1.1,
    11: 1.1,
    12: 0.9,
    13: 1.0,
    14: 1.1,
    15: 1.0,
    16: 0.8,
    17: 0.5,
}
"""When web inquiries arrive: business hours, fewer at lunch and at the day's ends (a
modelling choice: the speed-to-lead facts compare calls timed from the inquiry, whatever its
hour)."""

# -- the scenarios ---------------------------------------------------------------------------

# Per scenario: its description, its overrides of the defaults (a nested dict, merged into
# Scenario().model_dump()), and the reasons written into the header: (dotted path, value, why).
WEB_KAPPA = 0.1

REFERENCE: dict[str, dict[str, Any]] = {
    "cold-outbound": {
        "description": (
            "A cold list: prospects who have never heard of you (no recall, your number unknown), "
            "few real buyers. Cold calls to desk and mobile numbers, and cold email sequences. "
            "MODEL.md's facts: connect rate about 5% a dial (13% for the best quartile); a first "
            "email follow-up lifts total replies by roughly 40-50%, later ones add less each."
        ),
        "overrides": {
            "population": {
                "segments": {"buyer": 0.10, "info_seeker": 0.10, "non_fit": 0.80},
                "initial_recall": {"kind": "constant", "value": 0.0},
                "number_known": 0.0,
                "acquainted": 0.0,
            },
            "strategies": [
                "opener-only",
                "opener-plus-1",
                "opener-plus-2",
                "opener-plus-3",
                "cold-call-desk",
                "cold-call-cell",
                "one-and-done",
                "persistent-until-no",
                "five-to-one",
                "breakup-after-two",
                "channel-mix",
                "referral-intro",
            ],
            "custom_strategies": {
                "opener-only": _email_sequence(0),
                "opener-plus-1": _email_sequence(1),
                "opener-plus-2": _email_sequence(2),
                "opener-plus-3": _email_sequence(3),
                "cold-call-desk": _cold_calls("call_desk"),
                "cold-call-cell": _cold_calls("call_cell"),
            },
        },
        "reasons": [
            (
                "population.segments",
                "buyer 0.10, info_seeker 0.10, non_fit 0.80",
                "a cold list: few real fits (MODEL.md: few buyers)",
            ),
            (
                "population.initial_recall",
                "constant 0",
                "they have never heard of you: nothing to recall",
            ),
            (
                "population.number_known",
                "0",
                "your number is unknown: screened as an unknown number (pick-up 0.357, not 0.25)",
            ),
            (
                "population.acquainted",
                "0",
                "you have never talked: a stranger's message is owed no answer",
            ),
            (
                "custom_strategies",
                "opener-only, opener-plus-1..3",
                "the email sequences of the follow-up fact: a personalised opener with an insight "
                "(value) and short bumps in its thread without new content (MODEL.md's 'just "
                "checking in'): the opener resurfacing, so its template",
            ),
            (
                "custom_strategies",
                "cold-call-desk, cold-call-cell",
                "an SDR's block of 8 cold dials, to desk numbers and to direct mobile numbers",
            ),
        ],
    },
    "web-leads": {
        "description": (
            "Fresh web inquiries: they just asked for information, so every buyer is in market "
            "on day 0, but the interest fades within days unless someone engages them; they "
            "know your company's name (moderate recall), not your number. MODEL.md's fact: "
            "about 93% of converted leads are first reached by the 6th call (Velocify)."
        ),
        "overrides": {
            "population": {
                "segments": {"buyer": 0.35, "info_seeker": 0.25, "non_fit": 0.40},
                "initial_recall": {"kind": "constant", "value": 0.75},
                "number_known": 0.0,
                "acquainted": 0.0,
            },
            "urgency": {
                "kappa": WEB_KAPPA,
                "sigma": 0.447,
                "initial": {"kind": "uniform", "low": 1.6, "high": 2.6},
            },
            "leads": {"arrival_hours": LEAD_HOURS},
            "strategies": [
                "speed-to-lead",
                "call-in-30",
                "one-and-done",
                "persistent-until-no",
                "five-to-one",
                "promise-0815",
                "channel-mix",
                "breakup-after-two",
                "knowledge-broker",
            ],
            "custom_strategies": {"speed-to-lead": SPEED_TO_LEAD, "call-in-30": _slower(30)},
        },
        "reasons": [
            (
                "population.segments",
                "buyer 0.35, info_seeker 0.25, non_fit 0.40",
                "people who asked: more real fits than a cold list, and more who only want the "
                "information (MODEL.md's info seekers)",
            ),
            (
                "population.initial_recall",
                "constant 0.75",
                "moderate recall: they just visited your site (half the warm baseline's 1.5)",
            ),
            ("population.number_known", "0", "they have never had a call from your number"),
            (
                "population.acquainted",
                "0",
                "they asked for information, but have never talked with you",
            ),
            (
                "urgency.initial",
                "uniform 1.6 to 2.6",
                "in market on day 0: a narrow band above theta (1.405)",
            ),
            (
                "urgency.kappa",
                f"{WEB_KAPPA}",
                "the interest fades within days: the excess over mu halves in about 7 business "
                "days, so a lead stays in market for about 1 to 6 business days",
            ),
            (
                "urgency.sigma",
                "0.447",
                "sqrt(2 * kappa): keeps the defaults' stationary sd of 1, so in the long run the "
                "same 8% of buyers are in market as in the baseline, only with faster turnover",
            ),
            (
                "custom_strategies",
                "speed-to-lead",
                "the call-led cadence of web-lead teams: call at once, daily in the first week",
            ),
            (
                "leads.arrival_hours",
                "8:00 to 17:59, fewer at lunch and at the day's ends",
                "inquiries arrive during the day, so a first call can be timed from the inquiry",
            ),
            (
                "custom_strategies",
                "call-in-30",
                "speed-to-lead with its first call 30 minutes after the inquiry, not 5 (the "
                "Lead Response Management study's comparison)",
            ),
        ],
    },
}

HEADER = """\
# Reference scenario {name!r}: {start}
# Generated by scenarios/make_reference.py from the defaults (scenarios/baseline.yaml) and the
# overrides below; edit that script and re-run it rather than editing this file.
# Every parameter of the model is spelled out. Unknown keys are errors.
# Units: times of day in minutes after midnight or "HH:MM"; days are business days.
# Distributions: {{kind: lognormal, median, sigma}} | {{kind: uniform, low, high}} |
#   {{kind: constant, value}}.
# The published facts it should land near are tested in tests/test_stylized_facts.py; the
# measured values are in docs/model.md, section 11.
#
# Overrides of the defaults, and why:
"""

START = {
    "cold-outbound": 'a cold list (MODEL.md, "Where the prospects start").',
    "web-leads": 'fresh web inquiries (MODEL.md, "Where the prospects start").',
}


FITS = HERE / "fits"
DEFAULT_FITS = ("calendar", "cold-outbound", "cold-follow-ups", "baseline")
"""Fits whose posterior medians are the model's defaults (``sim/model/scenario.py``; a test
checks that they agree): the calendar (contact by weekday and hour), the cold list's levels
(inbox load, reply intercepts, screening of unknown numbers, time at the desk) and follow-ups
(habituation to a repeated message), traits of a busy prospect, not of one list, and the warm
list's known-sender term. Every reference scenario inherits them; only a scenario's own fit
(web-leads: a fresh lead's attention) is written into it as overrides."""


def fitted(name: str) -> dict[str, dict[str, Any]]:
    """The parameters ``followup calibrate <name>`` fitted (``scenarios/fits/<name>.yaml``,
    written by ``scenarios/record_fit.py``) that the reference scenario ``name`` overrides:
    none before the first fit, none for a fit of the defaults (``DEFAULT_FITS``)."""
    path = FITS / f"{name}.yaml"
    if name in DEFAULT_FITS or not path.exists():
        return {}
    params: dict[str, dict[str, Any]] = yaml.safe_load(path.read_text("utf-8"))["parameters"]
    return params


def fit_reasons(name: str) -> list[tuple[str, str, str]]:
    return [
        (path, f"{p['median']:g}", f"fitted (posterior median, 90% interval {p['ci90'][0]:g} "
         f"to {p['ci90'][1]:g}) by followup calibrate {name} to the published figures of "
         f"scenarios/targets/{name}.yaml")
        for path, p in fitted(name).items()
    ]  # fmt: skip


def build(name: str) -> Scenario:
    """The reference scenario ``name``: the defaults plus its overrides and its fitted
    parameters, validated."""
    spec = REFERENCE[name]
    data = deep_update(Scenario().model_dump(mode="json"), spec["overrides"])
    data = apply_values(data, {path: p["median"] for path, p in fitted(name).items()})
    data["name"] = name
    data["description"] = spec["description"]
    return scenario_from_dict(data, f"<reference:{name}>")


def render(name: str) -> str:
    """The YAML text of the reference scenario ``name``, header included."""
    lines = [HEADER.format(name=name, start=START[name])]
    for path, value, why in [*REFERENCE[name]["reasons"], *fit_reasons(name)]:
        wrapped = textwrap.wrap(f"{path} = {value}: {why}.", width=96)
        lines.append("#   " + wrapped[0] + "\n")
        lines.extend("#     " + w + "\n" for w in wrapped[1:])
    return "".join(lines) + scenario_to_yaml(build(name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only check the files are current")
    args = parser.parse_args(argv)
    stale = []
    for name in REFERENCE:
        path = HERE / f"{name}.yaml"
        text = render(name)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}")
    if stale:
        print(f"out of date: {', '.join(stale)} (run scenarios/make_reference.py)")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
