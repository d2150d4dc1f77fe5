"""The live explorer in a real browser: ``followup app`` serves on loopback, Debian's headless
Chromium (driven by Selenium through Debian's chromedriver) loads the page, a slider and a
strategy box are changed as a user would (keyboard and click), and the shown ranking follows;
a screenshot is taken and checked. Also the explorer's options and its knobs, without a
browser.

Chromium and chromedriver are required, not optional: ``.ci/run`` installs Debian's
``chromium`` and ``chromium-driver`` where they are missing, and this test fails (it is never
skipped) when it cannot find them, saying how to install them.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import matplotlib.image
import pytest

from sim.app.knobs import KNOBS, apply, usable_knobs
from sim.io.errors import ScenarioError
from sim.io.loader import load_scenario
from tests.helpers import ROOT, followup
from tests.viz.test_report_browser import CHROMIUM_FLAGS, chromium_path

DRIVER_HINT = (
    "chromedriver is needed for the explorer's browser test and was not found; install it "
    "with `apt-get update -qq && apt-get install -y -qq chromium-driver` (as root; .ci/run "
    "does this), or set CHROMEDRIVER to its path"
)

DEEP = """
function roots(r) { let out = [r];
  for (const el of r.querySelectorAll('*'))
    if (el.shadowRoot) out = out.concat(roots(el.shadowRoot));
  return out; }
function inside(host, sel) {
  const start = host.shadowRoot ? [host, ...roots(host.shadowRoot)] : [host];
  return start.flatMap(r => [...r.querySelectorAll(sel)]); }
const hosts = roots(document).flatMap(r => [...r.querySelectorAll(arguments[0])]);
const found = hosts.flatMap(h => inside(h, arguments[1]));
return arguments[2] ? found.map(e => e.textContent).join('|') : found;
"""
"""Elements matching arguments[1] inside the Panel components with CSS class arguments[0],
through Bokeh's shadow roots (or, with arguments[2], their text joined)."""


def chromedriver_path() -> str:
    found = os.environ.get("CHROMEDRIVER") or "/usr/bin/chromedriver"
    if not Path(found).is_file():
        pytest.fail(DRIVER_HINT, pytrace=False)
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    chromium_path()
    chromedriver_path()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "app", "baseline", "--port", str(port),
         "--prospects", "4000", "--strategies", "one-and-done,breakup-after-two"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"followup app exited: {proc.stdout.read() if proc.stdout else ''}")
            try:
                with urllib.request.urlopen(url, timeout=5) as page:
                    if page.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("followup app did not answer within 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path()
    profile = tempfile.mkdtemp(prefix="followup-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,1400"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(chromedriver_path()), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: object, timeout: float = 60.0) -> bool:
    assert callable(check)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return False


@pytest.mark.slow
def test_the_explorer_follows_a_slider_and_a_strategy(
    server: str, browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    driver = browser

    def ranking() -> str:
        return str(driver.execute_script(DEEP, ".followup-ranking", "table", True) or "")

    def status() -> str:
        return str(driver.execute_script(DEEP, ".followup-status", "p", True) or "")

    driver.get(server)
    assert wait_for(lambda: "one-and-done" in ranking() and "strategies on the same" in status())
    first = ranking()
    assert "breakup-after-two" in first and "[" in first  # intervals are shown
    handle = driver.execute_script(DEEP, ".knob-pick_up_sales", ".noUi-handle", False)[0]
    handle.click()
    for _ in range(4):  # a sales number picked up more often (keys, as a user without a mouse)
        handle.send_keys(Keys.ARROW_RIGHT)
    assert wait_for(lambda: ranking() != first), "the ranking did not follow the slider"
    assert wait_for(lambda: "strategies on the same" in status())
    boxes = driver.execute_script(DEEP, ".strategies", "input[type=checkbox]", False)
    labels = driver.execute_script(DEEP, ".strategies", "label", True).split("|")
    assert len(boxes) >= 20 and "no-follow-up" in labels[0]
    boxes[0].click()  # tick no-follow-up
    assert wait_for(lambda: "no-follow-up" in ranking()), "the new strategy did not appear"
    assert wait_for(lambda: "3 strategies on the same" in status())
    time.sleep(1.0)  # let the charts paint
    keep = os.environ.get("FOLLOWUP_SCREENSHOTS")  # a folder to keep the screenshot in
    shot = (Path(keep) if keep else tmp_path) / "explorer.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(shot))
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[1] == 1280 and pixels.shape[0] > 600
    assert float(pixels.std()) > 0.05, "the screenshot is blank"
    images = driver.execute_script(DEEP, ".chart-ranking", "img", False)
    assert images and driver.execute_script("return arguments[0].naturalWidth", images[0]) > 300


def test_the_explorer_binds_to_loopback_by_default() -> None:
    from sim.cli.explore import explore

    defaults = explore.__defaults__ or ()
    assert "127.0.0.1" in defaults


def test_bad_explorer_options_fail_with_one_line() -> None:
    for args, words in (
        (["--port", "80"], "--port"),
        (["--host", "my-laptop"], "--host"),
        (["--prospects", "10"], "--prospects"),
        (["--strategies", "one-and-dun"], "did you mean 'one-and-done'"),
    ):
        r = followup("app", "baseline", *args)
        assert r.returncode == 2, (args, r.stderr)
        assert words in r.stderr and "Traceback" not in r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_knobs_change_the_scenario_and_stay_valid() -> None:
    scenario = load_scenario("baseline")
    knobs = usable_knobs(scenario)
    assert len(knobs) == len(KNOBS) == 8
    moved = apply(scenario, {"email_load": 300, "buyers": 0.7, "say_no": 0.9})
    assert moved.population.loads.email.median == 300  # type: ignore[union-attr]
    seg = moved.population.segments
    assert seg.buyer == 0.7 and abs(seg.buyer + seg.info_seeker + seg.non_fit - 1) < 1e-9
    assert moved.population.fear.say_no == 0.9
    assert scenario.population.fear.say_no != 0.9  # the original is untouched
    with pytest.raises(ScenarioError):
        apply(scenario, {"meetings": 0.99})  # beyond what the scenario allows
