"""The report in a real browser: headless Chromium renders ``report.html`` of a ``followup run``
with every chart image decoded, and the page is not blank.

Chromium is required, not optional: ``.ci/run`` installs Debian's ``chromium`` where
``/usr/bin/chromium`` is missing, and this test fails (it is never skipped) when it cannot
find it, saying how to install it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import matplotlib.image
import pytest

from sim.viz.render import CHART_NAMES
from tests.helpers import followup

pytestmark = pytest.mark.slow

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
"""As /work/.library/env/machines/python.md says Chromium must start here (as root, closed
network); each run also gets a new empty ``--user-data-dir``."""

INSTALL_HINT = (
    "headless Chromium is needed for the report's browser test and was not found; install it "
    "with `apt-get update -qq && apt-get install -y -qq chromium` (as root; .ci/run does this), "
    "or set CHROMIUM to its path"
)

IMAGE_CHECK = """
<script>
window.addEventListener("load", function () {
  var images = Array.prototype.slice.call(document.images);
  var loaded = images.filter(function (img) { return img.complete && img.naturalWidth > 0; });
  var out = document.createElement("div");
  out.id = "image-check";
  out.setAttribute("data-loaded", String(loaded.length));
  out.setAttribute("data-total", String(images.length));
  document.body.appendChild(out);
});
</script>
"""
"""Appended to a copy of the report: once the page has loaded, it writes into the DOM how many
``img`` elements decoded (``complete`` with a natural width) out of how many."""


def chromium_path() -> str:
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).is_file():
        pytest.fail(INSTALL_HINT, pytrace=False)
    return found


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="followup-chromium-") as profile:
        return subprocess.run(
            [chromium_path(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    chromium_path()  # fail early, before the run
    out = tmp_path_factory.mktemp("browser") / "run"
    r = followup("run", "baseline", "--strategies", "one-and-done,persistent-until-no,channel-mix",
                 "--prospects", "1500", "--seed", "5", "--out", str(out))  # fmt: skip
    assert r.returncode == 0, r.stderr
    yield out / "report.html"


def test_report_renders_with_every_image_loaded(report: Path, tmp_path: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.count("<img ") == len(CHART_NAMES)
    probe = tmp_path / "report-probe.html"
    probe.write_text(page.replace("</body>", IMAGE_CHECK + "</body>"), encoding="utf-8")
    r = chromium("--virtual-time-budget=10000", "--dump-dom", probe.as_uri())
    assert r.returncode == 0, r.stderr[-2000:]
    found = re.search(r'<div id="image-check" data-loaded="(\d+)" data-total="(\d+)"', r.stdout)
    assert found, f"the page did not finish loading in Chromium: {r.stderr[-2000:]}"
    loaded, total = int(found.group(1)), int(found.group(2))
    assert total == len(CHART_NAMES)
    assert loaded == total, f"only {loaded} of {total} images rendered"
    assert "books the most meetings" in r.stdout  # the finding is in the rendered DOM


def test_report_screenshot_is_not_blank(report: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    r = chromium("--window-size=1280,1600", f"--screenshot={shot}", report.as_uri())
    assert r.returncode == 0 and shot.is_file(), r.stderr[-2000:]
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[:2] == (1600, 1280)
    assert float(pixels.std()) > 0, "the screenshot is blank"


LAYOUT = """
const wrap = document.querySelector('table.summary').parentElement;
const table = document.querySelector('table.summary');
const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent);
return {
  page: document.documentElement.scrollWidth, view: window.innerWidth,
  table: table.scrollWidth, box: wrap.clientWidth,
  scrolls: getComputedStyle(wrap).overflowX, heads: heads,
  note: wrap.nextElementSibling.textContent,
};
"""
"""The report's layout as the browser computed it: the page's and the viewport's widths, the
summary table's width and its box's, the box's overflow rule, the headings and the note."""


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height", "name"), [(1280, 900, "desktop"), (390, 844, "phone")])
def test_report_fits_a_laptop_and_a_phone(
    report: Path, tmp_path: Path, width: int, height: int, name: str
) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from tests.app.test_app_browser import chromedriver_path

    options = webdriver.ChromeOptions()
    options.binary_location = chromium_path()
    with tempfile.TemporaryDirectory(prefix="followup-chromium-") as profile:
        for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service(chromedriver_path()), options=options)
        try:
            driver.execute_cdp_cmd(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
            )
            driver.get(report.as_uri())
            layout = driver.execute_script(LAYOUT)
            keep = os.environ.get("FOLLOWUP_SCREENSHOTS")
            shot = (Path(keep) if keep else tmp_path) / f"report-{name}.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            assert driver.save_screenshot(str(shot))
        finally:
            driver.quit()
    assert layout["page"] <= layout["view"], f"the page is wider than the {name} screen"
    if width >= 1280:
        assert layout["table"] <= layout["box"], "the table is cut off at 1280 px"
    else:
        assert layout["scrolls"] == "auto"  # the table scrolls inside its box
    heads = " ".join(layout["heads"])
    assert "rep minutes per meeting" in heads and "cost per meeting" in heads
    assert heads.count("rep minutes") == 1  # no duplicate column
    assert "rep minutes and cost per meeting" in layout["note"]
    assert "cost per prospect" not in layout["note"]
    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[1] == width and float(pixels.std()) > 0.05
