"""The built book as a reader meets it, opened in headless Chromium with the network off.

The session's one book build (``book_html``) is served from a local HTTP server; every request to
anything else is blocked and fails the test. Run alone with ``python -m pytest -m browser``.
Screenshots go to ``_build/screenshots/``.
"""

import contextlib
import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import nbformat
import pytest
from nbclient import NotebookClient
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from site_checks import broken_links, is_blank

from bncourse.toc import ROOT, chapters_with_code, toc_files

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright downloads no browser
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHAPTERS = chapters_with_code()
MATHJAX_STARTED = "() => window.MathJax && MathJax.startup && MathJax.startup.promise && true"


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the site without logging each request."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def served(folder):
    """Serve ``folder`` on localhost; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def site(book_html):
    """Base URL of the built book, served on localhost."""
    with served(book_html) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


class Reader:
    """A browser context with the network off that records what went wrong on its pages."""

    def __init__(self, browser, site, **options):
        self.site, self.problems, self.outside = site, [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        self.context.route("**/*", self.route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))

    def route(self, route):
        """Let requests to the local server through; block and record every other one."""
        if route.request.url.startswith(self.site):
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def open(self, path: str):
        """Open a page of the book and wait until its formulas are typeset."""
        self.page.goto(self.site + path, wait_until="load")
        if self.page.locator('script[src*="mathjax"]').count():  # pages without formulas load no MathJax
            try:
                self.page.wait_for_function(MATHJAX_STARTED, timeout=10_000)
            except PlaywrightTimeout:
                self.problems.append(f"{path}: MathJax did not start within 10 s")
            else:
                self.page.evaluate("() => MathJax.startup.promise")
        return self.page

    def close(self):
        """Close the context."""
        self.context.close()


@pytest.fixture
def reader(browser, site):
    """A fresh offline reader; the test fails if it met an error or reached for the network."""
    opened = Reader(browser, site)
    yield opened
    opened.close()
    assert not opened.outside, f"requests that left the machine: {opened.outside}"


def test_the_offline_reader_catches_a_cdn_script_a_script_error_and_a_missing_image(browser, tmp_path):
    """On a tiny page that needs the network, the reader records the blocked request and the errors."""
    (tmp_path / "index.html").write_text(
        '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"></script>'
        '<script>notDefined()</script><img src="missing.png">')
    with served(tmp_path) as url:
        reader = Reader(browser, url)
        reader.open("index.html")
        reader.close()
    assert reader.outside == ["https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js"]
    assert any("MathJax did not start" in problem for problem in reader.problems), reader.problems
    assert any("notDefined" in problem for problem in reader.problems), reader.problems
    assert any("404" in problem and "missing.png" in problem for problem in reader.problems), reader.problems


def test_every_page_loads_offline_with_no_error_and_its_formulas_render(reader):
    """Each page of the table of contents loads with no console error, failed request or request to
    another host, and every formula on it is typeset by the bundled MathJax."""
    typeset = 0
    for page in toc_files():
        opened = reader.open(f"{page}.html")
        math = opened.eval_on_selector_all(
            "article .math", "els => els.map(e => [e.querySelector('mjx-container') !== null, e.textContent])")
        raw = [text for rendered, text in math if not rendered]
        assert not raw, f"{page}: formulas left as raw LaTeX: {raw[:3]}"
        typeset += len(math)
        assert not reader.problems, f"{page}: {reader.problems}"
    assert typeset > 20, f"only {typeset} formulas in the whole book: is the math check looking at the right place?"
    recipe = reader.open("book/recipe.html")
    assert recipe.locator("article mjx-container").count() > 0


def test_every_link_anchor_and_image_resolves(book_html):
    """Every href and src of every built page (chapters, index, search) points to a file or anchor of the site."""
    assert broken_links(book_html) == []


def test_every_figure_a_chapter_makes_is_shown_and_not_blank(reader, book_html):
    """Each chapter shows as many images as its executed notebook made, each loaded and not blank."""
    for page in CHAPTERS:
        executed = nbformat.read(book_html.parent / "jupyter_execute" / f"{page}.ipynb", as_version=4)
        made = sum("image/png" in out.get("data", {}) for cell in executed.cells for out in cell.get("outputs", []))
        opened = reader.open(f"{page}.html")
        images = opened.eval_on_selector_all(
            "article img", "els => els.map(e => [e.getAttribute('src'), e.complete && e.naturalWidth > 0])")
        shown = [src for src, loaded in images if "_images/" in src]
        assert len(shown) >= made, f"{page} made {made} figures and shows {len(shown)}"
        assert all(loaded for _, loaded in images), f"{page}: images that did not load: {images}"
        for src in shown:
            image = (book_html / page).parent / src
            assert not is_blank(image), f"{page}: {src} is blank"
        assert not reader.problems, f"{page}: {reader.problems}"


def test_search_finds_a_term_and_links_to_its_chapter(reader):
    """Searching for "covariate" lists the Batch Normalization chapter."""
    opened = reader.open("search.html?q=covariate")
    opened.wait_for_selector("#search-results ul.search li a", timeout=10_000)
    links = opened.eval_on_selector_all("#search-results ul.search li a", "els => els.map(e => e.href)")
    assert any("book/batch_normalization.html" in link for link in links), links
    assert not reader.problems, reader.problems


def test_chapters_have_download_buttons_and_no_launch_buttons(reader):
    """Each chapter offers its .ipynb and .md for download; no page offers a launch (Colab, Binder,
    JupyterHub, thebe) or a header button to another site."""
    for page in CHAPTERS:
        opened = reader.open(f"{page}.html")
        downloads = opened.eval_on_selector_all(
            ".dropdown-download-buttons a", "els => els.map(e => e.getAttribute('href'))")
        for suffix in (".ipynb", ".md"):
            assert any(link.endswith(suffix) for link in downloads), f"{page}: no {suffix} download in {downloads}"
        assert opened.locator(".dropdown-launch-buttons, .thebe-launch-button").count() == 0, f"{page}: launch button"
        outside = opened.eval_on_selector_all(
            ".article-header-buttons a[href^='http']", "els => els.map(e => e.href)")
        assert not outside, f"{page}: header buttons leading off the site: {outside}"


def test_a_downloaded_chapter_runs_top_to_bottom_in_a_fresh_kernel(reader, tmp_path):
    """The introduction's .ipynb, downloaded with its button, runs in a fresh kernel of this environment."""
    opened = reader.open("book/intro.html")
    opened.click(".dropdown-download-buttons button")
    with opened.expect_download() as download:
        opened.click(".dropdown-download-buttons a[href$='.ipynb']")
    notebook = tmp_path / download.value.suggested_filename
    download.value.save_as(notebook)
    assert notebook.suffix == ".ipynb"
    executed = NotebookClient(nbformat.read(notebook, as_version=4), timeout=300, kernel_name="python3",
                              resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert any(cell.get("outputs") for cell in executed.cells), "the notebook ran but printed nothing"


BUTTON_CONTRAST = """buttons => {
    document.getAnimations().forEach(a => a.finish());  // the theme fades its colours in
    const luminance = css => {
        const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(v => {
            v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = luminance(getComputedStyle(document.body).backgroundColor);
    return buttons.filter(b => b.getBoundingClientRect().width > 0).map(b => {
        const [hi, lo] = [luminance(getComputedStyle(b).color), background].sort((x, y) => y - x);
        return [b.getAttribute("aria-label") || b.title || b.className, (hi + 0.05) / (lo + 0.05)];
    });
}"""


def screenshot(reader, path: str, name: str, at: str | None = None):
    """Save a viewport screenshot of a page (scrolled to the element ``at``) as ``_build/screenshots/<name>``."""
    page = reader.open(path)
    if at:
        page.locator(at).evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=SCREENSHOTS / name, animations="disabled")  # colours as they settle, not mid-fade
    assert not is_blank(SCREENSHOTS / name), f"{name} is blank"
    return page


def test_screenshots_show_the_pages_as_a_reader_sees_them(browser, site):
    """Save the home page, the Figure 1 reproduction and a chapter in dark mode to _build/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    light, dark = Reader(browser, site), Reader(browser, site, color_scheme="dark")
    screenshot(light, "book/intro.html", "home.png")
    screenshot(light, "book/bn_in_networks.html", "bn_figure_1.png", at="#fig-bn-figure-1")
    page = screenshot(dark, "book/gap.html", "gap_dark.png")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    for mode, reader in (("light", light), ("dark", dark)):
        contrast = reader.page.eval_on_selector_all(".article-header-buttons .btn", BUTTON_CONTRAST)
        faint = {label: ratio for label, ratio in contrast if ratio < 3}
        assert contrast and not faint, f"header buttons too faint to see in {mode} mode (contrast < 3:1): {faint}"
    for reader in (light, dark):
        reader.close()
        assert not reader.problems and not reader.outside, (reader.problems, reader.outside)
