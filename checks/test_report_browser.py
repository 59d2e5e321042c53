"""The HTML report in a real headless Chromium: it loads with no request leaving the page,
the math is rendered as MathML with real size, the plots are inline SVG with content,
and a screenshot is kept as a test artefact (``DLVERIFY_ARTEFACTS``, default
``reports/out/artefacts``).

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).  Under
CI the test fails rather than skips when they are missing, so a green CI means the page
was really opened.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _require_browser():
    missing = [p for p in (CHROMIUM, DRIVER) if not Path(p).exists()]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium")
    if missing:
        msg = f"headless browser test needs {missing} (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A real run of every registered theorem (no property checks), rendered to HTML."""
    from dlverify import theorems
    from dlverify.numerics.device import RunContext
    from dlverify.reports.runner import run

    out = tmp_path_factory.mktemp("report")
    results = run(list(theorems.REGISTRY), RunContext("cpu", 20261123, "ci"), out, progress=lambda s: None,
                  with_checks=False)
    assert results["status"] == "complete"
    return out


@pytest.fixture(scope="module")
def driver():
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1280,2000"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    d = webdriver.Chrome(service=Service(DRIVER), options=opts)
    yield d
    d.quit()


def test_report_renders_offline_in_chromium(report, driver):
    driver.get((report / "report.html").as_uri())
    # no request other than the page itself (no CDN, no fonts, no scripts)
    requests = []
    for entry in driver.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] == "Network.requestWillBeSent":
            requests.append(msg["params"]["request"]["url"])
        if msg["method"] == "Network.loadingFailed":
            pytest.fail(f"failed request: {msg['params']}")
    assert all(u.startswith("file://") and u.endswith("report.html") for u in requests), requests
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0

    # math: MathML elements laid out with real size
    n_math, sized = driver.execute_script(
        "const m=[...document.querySelectorAll('math')];"
        "return [m.length, m.filter(e=>{const r=e.getBoundingClientRect(); return r.width>4 && r.height>4}).length];")
    assert n_math > 30 and sized > 0.9 * n_math, (n_math, sized)
    # plots: inline SVG with drawn paths, visible size
    plots = driver.execute_script(
        "return [...document.querySelectorAll('.plot svg')].map(s=>[s.getBoundingClientRect().width, s.querySelectorAll('path').length]);")
    assert len(plots) >= 3 and all(w > 200 and p > 10 for w, p in plots), plots
    # every theorem's section: statement (display math), every derivation step marked ✔,
    # at least one plot, a verdict, and every wrong variant shown as false
    from dlverify import theorems
    from dlverify.theorems.core import check_derivation

    text = driver.find_element("tag name", "body").text
    assert "verified" in text and "needs an assumption" in text
    for tid in theorems.REGISTRY:
        th = theorems.load(tid).THEOREM
        sec = driver.execute_script(
            "const s=document.getElementById(arguments[0]); if(!s) return null;"
            "return {title: s.querySelector('h2').textContent, statement: s.querySelectorAll('.statement math').length,"
            " ok: s.querySelectorAll('td.mark-ok').length, bad: s.querySelectorAll('td.mark-bad').length,"
            " plots: s.querySelectorAll('.plot svg').length,"
            " variants: s.querySelectorAll('table.variants td.ok').length,"
            " variant_rows: s.querySelectorAll('table.variants tr').length - 1}", tid)
        assert sec, tid
        assert th.title in sec["title"] and "—" in sec["title"], sec
        assert sec["statement"] == 1 and sec["bad"] == 0 and sec["ok"] == len(check_derivation(th)), (tid, sec)
        assert sec["plots"] >= 1 and sec["variants"] == sec["variant_rows"] >= 1, (tid, sec)
    art = Path(os.environ.get("DLVERIFY_ARTEFACTS", "reports/out/artefacts"))
    art.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(1280, int(driver.execute_script("return document.body.scrollHeight")) + 50)
    assert driver.save_screenshot(str(art / "report.png"))
