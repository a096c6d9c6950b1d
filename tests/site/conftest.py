"""Fixtures for the lessons site: one strict build per session, a local
static server for it, and a real headless Chromium driven by selenium.

Nothing here is mocked: the notebooks are executed by the build (with
mkdocs-jupyter's cache off, so their outputs come from this run), the pages
are served over HTTP from 127.0.0.1 like any static host, and Debian's
Chromium loads them with every other host unreachable.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@dataclass
class Build:
    returncode: int
    output: str
    site: Path
    url: str


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def _httpd(tmp_path_factory):
    """A static file server on a free port of 127.0.0.1, bound before the build.

    Material's instant navigation only follows links whose host and port
    match site_url (it reads them from sitemap.xml), so the site is built
    for the address it will be served from.
    """
    site = tmp_path_factory.mktemp("site")
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    yield httpd, site
    httpd.server_close()


@pytest.fixture(scope="session")
def build(_httpd) -> Build:
    """`mkdocs build --strict` of the real docs, notebooks executed afresh."""
    httpd, site = _httpd
    url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    env = dict(os.environ, MKDOCS_JUPYTER_CACHE="false", NO_MKDOCS_2_WARNING="1", SITE_URL=url)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    return Build(done.returncode, done.stdout + done.stderr, site, url)


@pytest.fixture(scope="session")
def site(build) -> Path:
    """The built site; tests that need it fail (not skip) when the build failed."""
    if build.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{build.output[-4000:]}")
    return build.site


@pytest.fixture(scope="session")
def server(_httpd, build, site):
    """Serve the built site as a static host would; yields its base URL."""
    httpd, _ = _httpd
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield build.url
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    """Debian's headless Chromium through chromedriver; no browser is ever downloaded."""
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1280,900",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
        # Every host but this machine is unreachable: a CDN request fails loudly.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


# What one page looks like once loaded: gathered in the page by one script.
INSPECT_PAGE = r"""
const content = document.querySelector(".md-content") || document.body;
const copy = content.cloneNode(true);
copy.querySelectorAll("pre, code, script, style, mjx-container, .course-plot, .headerlink, .anchor-link")
    .forEach(el => el.remove());
const text = copy.textContent;
const raw = [];
for (const pattern of [/\$[^]{0,40}/g, /\\[(\[][^]{0,40}/g]) {
  for (const m of text.matchAll(pattern)) raw.push(m[0]);
}
const plots = Array.from(document.querySelectorAll(".course-plot")).map(el => ({
  drawn: el.getAttribute("data-drawn") === "yes",
  paths: el.querySelectorAll(".main-svg path").length,
  traces: el.querySelectorAll(".main-svg g.trace").length,
  sliders: el.querySelectorAll("g.slider-container").length,
  buttons: el.querySelectorAll("g.updatemenu-container").length,
}));
return {
  title: document.title,
  math: content.querySelectorAll("mjx-container").length,
  mathErrors: content.querySelectorAll("mjx-merror, [data-mjx-error]").length,
  rawMath: raw,
  plots: plots,
  links: Array.from(document.querySelectorAll("a[href]")).map(a => a.href),
  ids: Array.from(document.querySelectorAll("[id]")).map(el => el.id),
};
"""

WAIT_FOR_PAGE = r"""
const done = arguments[arguments.length - 1];
const deadline = Date.now() + 30000;
(function poll() {
  const mathDone = document.body.getAttribute("data-math") === "typeset";
  const plots = Array.from(document.querySelectorAll(".course-plot"));
  const plotsDone = plots.every(el => el.getAttribute("data-drawn") === "yes");
  if (document.readyState === "complete" && mathDone && plotsDone) return done(true);
  if (Date.now() > deadline) return done(false);
  setTimeout(poll, 50);
})();
"""


@dataclass
class PageReport:
    path: str
    ready: bool
    info: dict
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def wait_until_shown(driver) -> bool:
    """True once the maths is typeset and every figure drawn (30 s at most)."""
    driver.set_script_timeout(40)
    return bool(driver.execute_async_script(WAIT_FOR_PAGE))


def drain_logs(driver) -> tuple[list[str], list[str]]:
    """(console errors, requested URLs) logged since the last call."""
    errors = [
        entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")
    ]
    requests = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requests.append(message["params"]["request"]["url"])
    return errors, requests


@pytest.fixture(scope="session")
def visit(browser, server):
    """visit("day13/01-slopes.html") -> PageReport, each page loaded once per session."""
    drain_logs(browser)

    @functools.cache
    def load(path: str) -> PageReport:
        drain_logs(browser)
        browser.get(server + path)
        ready = wait_until_shown(browser)
        info = browser.execute_script(INSPECT_PAGE)
        errors, requests = drain_logs(browser)
        return PageReport(path, ready, info, errors, requests)

    return load


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def site_pages() -> list[str]:
    """Every page the site should have: docs sources plus one per exercise stub."""
    from grader import course

    pages = []
    for source in sorted(DOCS.rglob("*")):
        relative = source.relative_to(DOCS)
        if relative.parts[0] in ("hooks", "assets") or source.suffix not in (".md", ".ipynb"):
            continue
        pages.append(relative.with_suffix(".html").as_posix())
    for day_id in course.available_days():
        day = course.load_day(day_id)
        pages.extend(f"exercises/{day.id}/{ex.id}.html" for ex in day.exercises)
    return pages


def copy_docs(target: Path) -> Path:
    """A copy of docs/ to break on purpose (vendored assets left out)."""
    shutil.copytree(DOCS, target, ignore=shutil.ignore_patterns("vendor", "__pycache__"))
    return target
