"""The built site in a real headless Chromium: maths typeset, figures drawn,
no JavaScript error, no request to another host, every internal link found."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest

from .conftest import site_pages, wait_until_shown, drain_logs

PAGES = site_pages()
LESSONS = [page for page in PAGES if page.startswith("day13/") and page[6:8].isdigit()]


@pytest.mark.parametrize("page", PAGES)
def test_page_shows_without_errors(visit, page):
    report = visit(page)
    assert report.ready, f"{page}: maths not typeset or a figure not drawn after 30 s"
    assert report.errors == [], f"{page} logged JavaScript errors: {report.errors}"
    assert report.info["rawMath"] == [], f"{page} shows untypeset maths: {report.info['rawMath'][:5]}"
    assert report.info["mathErrors"] == 0, f"{page}: MathJax could not parse some TeX"


@pytest.mark.parametrize("page", LESSONS)
def test_lesson_maths_is_typeset(visit, page):
    assert visit(page).info["math"] >= 5, f"{page} should show typeset formulas"


@pytest.mark.parametrize("page", PAGES)
def test_no_request_leaves_the_machine(visit, server, page):
    report = visit(page)
    foreign = [url for url in report.requests if not url.startswith((server, "data:", "blob:"))]
    assert foreign == [], f"{page} asked another host for {foreign}"


@pytest.mark.parametrize("page", PAGES)
def test_internal_links_resolve(visit, server, site, page):
    broken = []
    for link in sorted(set(visit(page).info["links"])):
        if not link.startswith(server):
            continue
        target, fragment = urldefrag(link)
        path = urlsplit(target).path.lstrip("/")
        file = site / path
        if path == "" or path.endswith("/"):
            file = file / "index.html"
        if not file.is_file():
            broken.append(f"{link} (no file {path})")
        elif fragment and file.suffix == ".html" and fragment not in visit(file.relative_to(site).as_posix()).info["ids"]:
            broken.append(f"{link} (no #{fragment} in {path})")
    assert broken == [], f"{page} links to missing targets: {broken}"


FIGURES = {
    # page: (figures at least, a slider somewhere, learning-rate buttons or traces)
    "day13/01-slopes.html": {"figures": 2, "sliders": 1},
    "day13/04-gradients.html": {"figures": 2, "sliders": 0},
    "day13/06-descent.html": {"figures": 2, "sliders": 0, "traces": 3},
    "day13/08-house-prices.html": {"figures": 2, "sliders": 0},
}


@pytest.mark.parametrize("page", sorted(FIGURES))
def test_figures_drew(visit, page):
    want = FIGURES[page]
    plots = visit(page).info["plots"]
    assert len(plots) >= want["figures"], f"{page}: {len(plots)} figures"
    for plot in plots:
        assert plot["drawn"] and plot["paths"] >= 3 and plot["traces"] >= 1, f"{page}: an empty figure {plot}"
    assert sum(plot["sliders"] for plot in plots) >= want["sliders"], f"{page}: no slider"
    assert max(plot["traces"] for plot in plots) >= want.get("traces", 1)


def test_instant_navigation_retypesets_and_redraws(browser, server):
    """Material swaps pages without reloading: maths and figures must follow."""
    browser.get(server + "day13/03-rules.html")
    assert wait_until_shown(browser)
    drain_logs(browser)
    browser.execute_script("window.__sameDocument = true;")
    # Click the sidebar link to a notebook lesson with figures.
    browser.execute_script(
        "document.querySelector('.md-nav a[href$=\"04-gradients.html\"]').click();"
    )
    browser.set_script_timeout(40)
    arrived = browser.execute_async_script(
        """const done = arguments[0];
        const end = Date.now() + 30000;
        (function poll() {
          if (location.pathname.endsWith('04-gradients.html') && document.querySelector('.course-plot')) return done(true);
          if (Date.now() > end) return done(false);
          setTimeout(poll, 50);
        })();"""
    )
    assert arrived, "the click did not reach the gradients lesson"
    assert wait_until_shown(browser), "after instant navigation the maths or the figures were not redone"
    assert browser.execute_script("return window.__sameDocument === true;"), "the page reloaded: navigation was not instant"
    math = browser.execute_script("return document.querySelectorAll('.md-content mjx-container').length;")
    drawn = browser.execute_script("return document.querySelectorAll('.course-plot[data-drawn=yes] .main-svg').length;")
    errors, _ = drain_logs(browser)
    assert math >= 5 and drawn >= 1 and errors == []


def test_palette_switch_recolours_figures(browser, server):
    browser.get(server + "day13/06-descent.html")
    assert wait_until_shown(browser)
    drain_logs(browser)
    before = browser.execute_script("return getComputedStyle(document.querySelector('.course-plot .main-svg text')).fill;")
    browser.execute_script("document.querySelector('label.md-header__button[for^=__palette]').click();")
    scheme = browser.execute_script("return document.body.getAttribute('data-md-color-scheme');")
    browser.implicitly_wait(0)
    after = browser.execute_async_script(
        """const done = arguments[0];
        setTimeout(() => done(getComputedStyle(document.querySelector('.course-plot .main-svg text')).fill), 500);"""
    )
    errors, _ = drain_logs(browser)
    assert scheme == "slate" and before != after and errors == []
    browser.execute_script("document.querySelector('label.md-header__button[for^=__palette]:not([hidden])').click();")


@pytest.mark.parametrize("page, name", [("day13/01-slopes.html", "01-slopes"), ("day13/06-descent.html", "06-descent")])
def test_screenshot(browser, server, screenshots, page, name):
    """Keep a picture of two lessons (CI artifacts) with their first figure in view."""
    browser.get(server + page)
    assert wait_until_shown(browser)
    browser.execute_script("document.querySelector('.course-plot').scrollIntoView({block: 'center'});")
    browser.execute_async_script("setTimeout(arguments[0], 600);")  # let the header's title swap finish
    path = screenshots / f"{name}.png"
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 20_000, "the screenshot is suspiciously small (blank page?)"


def test_site_opens_from_disk(browser, site):
    """A student can open site/index.html straight from a folder, no server."""
    drain_logs(browser)
    for page in ("index.html", "day13/02-activations.html", "day13/06-descent.html"):
        browser.get((site / page).as_uri())
        assert wait_until_shown(browser), page
    assert browser.execute_script("return document.querySelectorAll('.md-content mjx-container').length;") > 5
    assert browser.execute_script("return document.querySelectorAll('.course-plot[data-drawn=yes]').length;") >= 2
    errors, _ = drain_logs(browser)
    assert errors == []


def test_tangent_slider_moves_the_tangent_without_a_kernel(browser, server):
    """Drag the slider of lesson 1: the tangent, the point and the title follow."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.get(server + "day13/01-slopes.html")
    assert wait_until_shown(browser)
    drain_logs(browser)
    plot = "document.querySelector('.course-plot')"
    # _fullData holds the decoded arrays whether the figure came as lists or typed arrays.
    state = f"const gd = {plot}; return [Array.from(gd._fullData[1].x), gd.layout.title.text];"
    before = browser.execute_script(state)
    grip = browser.find_element(By.CSS_SELECTOR, ".course-plot g.slider-container .slider-grip-rect")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", grip)
    ActionChains(browser).click_and_hold(grip).move_by_offset(250, 0).release().perform()
    after = browser.execute_script(state)
    errors, _ = drain_logs(browser)
    assert errors == []
    assert after[0] != before[0] and after[1] != before[1], f"the tangent did not move: {before} -> {after}"
    a = float(after[1].split()[2])
    assert a > -1.0 and abs((after[0][0] + after[0][1]) / 2 - a) < 1e-9  # the tangent is centred on the new a


def test_learning_rate_buttons_show_one_run_at_a_time(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server + "day13/06-descent.html")
    assert wait_until_shown(browser)
    drain_logs(browser)
    buttons = browser.find_elements(By.CSS_SELECTOR, ".course-plot g.updatemenu-button")
    labels = [b.text for b in buttons]
    assert labels[:4] == ["all three", "too small", "about right", "too large"]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", buttons[3])
    buttons[3].click()
    visible = browser.execute_script(
        "return document.querySelector('.course-plot').data.map(t => t.visible === undefined ? true : t.visible);"
    )
    errors, _ = drain_logs(browser)
    assert visible == [True, False, False, True] and errors == []
