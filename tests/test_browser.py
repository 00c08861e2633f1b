"""What a student sees in JupyterLab, checked in a real browser: the widgets of the 01, 02 and 05
masters respond, and a failing visible test of the 03 release shows its hint.

The tests start JupyterLab on copies of the notebooks in a temporary folder, so that nothing is
written into the checkout (05's run cache included, which starts cold), and drive Debian's
`chromium` with the `playwright` package: `executable_path` names the system browser, and
`playwright install` (which downloads browsers) is never used. `.ci/run` installs chromium with
apt. Without chromium or playwright the tests are skipped, except in CI (the environment
variable CI is set), where they fail.

Every page is screenshotted when its test ends, into `test-artifacts/browser/` at the top of the
checkout, beside JupyterLab's log; CI keeps that folder when a test fails.
"""

import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import psutil
import pytest

from autograder.course import REPO, master_path
from autograder.master import cell_id
from autograder.mistakes import catalog
from autograder.samples import blank

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # the `browser` fixture skips, or in CI fails, with the reason
    sync_playwright = None

ARTIFACTS = REPO / "test-artifacts" / "browser"
RELEASE = "03_vectorized_backprop"
MISTAKE = "linear_db_not_summed"  # the catalog's wrong Linear: db not summed over the batch
STARTUP = 120  # seconds for JupyterLab to answer, or for a notebook's kernel to be ready
RUN_ALL = 300  # seconds for Run All: the course's budget is 120 s for all masters together
RESPONSE = 120  # seconds for a widget's output to be redrawn (05's Train trains a network)

# The text of every output a widget draws into (interact's and 05's Output): what must change
WIDGET_OUTPUT = """cell => [...cell.querySelectorAll('.widget-output')]
    .map(o => o.innerText + [...o.querySelectorAll('img')].map(img => img.src).join())
    .join('|')"""


def _needed(message):
    """Skip a run that lacks what the test needs; in CI, where it must run, fail."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _as_root():
    """Whether the tests run as root, as in CI: JupyterLab and chromium then need a flag."""
    return os.geteuid() == 0


# JupyterLab, isolated from the user's own configuration, settings and workspaces


def _lab_settings(folder):
    """Settings for JupyterLab: every cell in the page (not only those in view, so that cells
    are found by their position in the notebook) and no question about news."""
    settings = {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false"},
    }
    for plugin, values in settings.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _lab_environment(home):
    """The environment JupyterLab and its kernels run in: every Jupyter and IPython folder in
    `home`, so that nothing of the user's is read or written."""
    env = dict(os.environ)
    # tests/conftest.py chooses Agg for the tests' own plots; a kernel with it draws nothing
    env.pop("MPLBACKEND", None)
    folders = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
               "JUPYTER_RUNTIME_DIR": "runtime", "JUPYTERLAB_SETTINGS_DIR": "settings",
               "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "IPYTHONDIR": "ipython"}
    for variable, name in folders.items():
        (home / name).mkdir(parents=True, exist_ok=True)
        env[variable] = str(home / name)
    _lab_settings(home / "settings")
    return env


class Lab:
    """A JupyterLab server serving `root`, started in its own session so it can be stopped with
    everything it started."""

    def __init__(self, root, home, log):
        self.root, self.token = root, secrets.token_hex(16)
        env = _lab_environment(home)
        # port 0: the server picks a free port and writes it into its runtime file
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--port=0",
                   "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={self.token}",
                   f"--ServerApp.root_dir={root}"]
        if _as_root():
            command.append("--allow-root")
        self.process = subprocess.Popen(command, env=env, cwd=root, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        runtime = Path(env["JUPYTER_RUNTIME_DIR"]) / f"jpserver-{self.process.pid}.json"
        try:
            self.url = self._wait_for_url(runtime)
        except BaseException:
            self.stop()
            raise

    def _wait_for_url(self, info):
        """The server's address, read from its runtime file `info`, once it answers."""
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (f"JupyterLab exited with {self.process.returncode}"
                                                 f"; see {ARTIFACTS / 'jupyterlab.log'}")
            if info.is_file():
                url = f"http://127.0.0.1:{json.loads(info.read_text())['port']}/"
                try:
                    self.api("GET", "status", url=url)
                    return url
                except OSError:  # written, but not answering yet
                    pass
            time.sleep(0.5)
        raise AssertionError(f"JupyterLab did not answer within {STARTUP} s")

    def api(self, method, path, url=None):
        """Call the server's REST API; return the decoded JSON answer (None when empty)."""
        request = urllib.request.Request(f"{url or self.url}api/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def address(self, notebook, workspace):
        """The page that opens `notebook` (relative to root) in a workspace of its own, so
        that no notebook opened by an earlier test is restored beside it."""
        return f"{self.url}lab/workspaces/{workspace}/tree/{notebook}?token={self.token}"

    def shut_down_kernels(self):
        """End every notebook's kernel: each test's kernel is done when its test is."""
        for session in self.api("GET", "sessions"):
            self.api("DELETE", f"sessions/{session['id']}")

    def stop(self):
        """Stop the server and everything it started. Kernels run in sessions of their own,
        so they are found as the server's descendants, not by its process group."""
        if self.process.poll() is not None:  # it ended by itself; its log says why
            return
        descendants = psutil.Process(self.process.pid).children(recursive=True)
        os.killpg(self.process.pid, signal.SIGTERM)  # the server shuts its kernels down
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        _, alive = psutil.wait_procs(descendants, timeout=10)
        for process in alive:
            process.kill()


# The notebooks JupyterLab serves: copies, in a temporary folder


def _wrong_release():
    """The 03 release with the catalog's wrong Linear in its Linear cell, and every other
    exercise left as handed out."""
    wrong = catalog()[MISTAKE].apply()
    notebook = blank(RELEASE)
    exercise = next(cell for cell in notebook.cells if cell_id(cell) == "linear")
    exercise.source = next(cell.source for cell in wrong.cells if cell_id(cell) == "linear")
    return notebook


def _copy_notebooks(root):
    """Copy the masters the tests open and write the wrong release, each in its own folder as
    in the checkout."""
    for assignment in ("01_derivations", "02_single_neuron", "05_hyperparameters"):
        (root / "source" / assignment).mkdir(parents=True)
        shutil.copy(master_path(assignment), root / "source" / assignment)
    (root / "notebooks" / RELEASE).mkdir(parents=True)
    nbformat.write(_wrong_release(), root / "notebooks" / RELEASE / f"{RELEASE}.ipynb")


# Fixtures: one server and one browser for the module, a page per test


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium and the playwright package, or a skip (a failure in CI)."""
    if sync_playwright is None:
        _needed("the browser tests need the playwright package (pip install -r requirements.txt)")
    path = shutil.which("chromium")
    if path is None:
        _needed("the browser tests need Debian's chromium (apt-get install chromium)")
    return path


@pytest.fixture(scope="module")
def lab(chromium, tmp_path_factory):
    """JupyterLab serving copies of the notebooks; stopped, with its kernels, at the end."""
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    root = tmp_path_factory.mktemp("lab-root")
    _copy_notebooks(root)
    with open(ARTIFACTS / "jupyterlab.log", "wb") as log:
        server = Lab(root, tmp_path_factory.mktemp("lab-home"), log)
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="module")
def browser(chromium):
    """Headless chromium; as root it runs without its sandbox, which refuses root."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox"] if _as_root() else [])
        yield browser
        browser.close()


@pytest.fixture
def page(lab, browser, request):
    """A fresh page; its screenshot is kept when the test ends, passed or failed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        yield page
    finally:
        name = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        context.close()
        lab.shut_down_kernels()


# What a student does in JupyterLab


def _open(lab, page, notebook):
    """Open `notebook` (a path under the server's root) and wait until its kernel is idle;
    return the notebook's panel."""
    page.goto(lab.address(notebook, workspace=Path(notebook).stem))
    _wait_until_idle(page, STARTUP)
    return page.locator(".jp-NotebookPanel")


def _wait_until_idle(page, seconds):
    """Wait until the status bar says the kernel is idle (it says so only once connected)."""
    status = page.locator("#jp-main-statusbar [title^='Change kernel']")
    expect(status).to_have_text(re.compile(r"\| Idle$"), timeout=seconds * 1000)


def _menu(page, menu, item):
    """Choose `item` from the menu bar's `menu`, as a student does."""
    page.get_by_role("menuitem", name=menu, exact=True).click()
    # by its label: an item's accessible name also holds its keyboard shortcut
    page.locator(".lm-Menu-item").filter(has=page.get_by_text(item, exact=True)).click()


def _wait_for_cells(panel, seconds, count=None):
    """Wait until no code cell of `panel` is queued or running; assert that the first `count`
    code cells (all when None) ran.

    JupyterLab shows "[*]:" for a cell that is queued or running, "[3]:" for one that ran and
    "[ ]:" for one that did not; a run stops at a cell that raises, leaving the rest unrun.
    """
    prompts = panel.locator(".jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + seconds
    while "[*]:" in (shown := prompts.all_inner_texts()):
        assert time.monotonic() < deadline, f"cells still running after {seconds} s: {shown}"
        time.sleep(0.5)
    unrun = [i for i, prompt in enumerate(shown[:count]) if not re.fullmatch(r"\[\d+\]:", prompt)]
    assert not unrun, (f"the run stopped: code cells {unrun} did not run; the one before the "
                       "first of them raised (see the screenshot)")


def _run_all(page, panel):
    """Run > Run All Cells, and wait until every code cell has run."""
    _menu(page, "Run", "Run All Cells")
    _wait_for_cells(panel, RUN_ALL)


def _widget_output(cell):
    """What the widgets of `cell` have drawn: their text and their images."""
    return cell.evaluate(WIDGET_OUTPUT)


def _wait_for_redraw(page, cell, before):
    """Wait until the widgets of `cell` have drawn something other than `before`, and the
    kernel is idle again; return what they show then."""
    page.wait_for_function(f"([cell, before]) => {{ const now = ({WIDGET_OUTPUT})(cell); "
                           "return now !== before && now !== ''; }",
                           arg=[cell.element_handle(), before], timeout=RESPONSE * 1000)
    _wait_until_idle(page, RESPONSE)
    return _widget_output(cell)


# The tests


@pytest.mark.parametrize("assignment", ["01_derivations", "02_single_neuron"])
def test_moving_a_slider_redraws(lab, page, assignment):
    """Run All in a master, then one step of its first slider: the readout and the plot change."""
    panel = _open(lab, page, f"source/{assignment}/{assignment}.ipynb")
    _run_all(page, panel)
    cell = panel.locator(".jp-CodeCell").filter(has=page.locator(".widget-slider")).first
    slider = cell.locator(".widget-slider").first
    slider.scroll_into_view_if_needed()
    readout, before = slider.locator(".widget-readout").inner_text(), _widget_output(cell)
    assert "data:image/png" in before, "the slider's plot was not drawn by Run All"

    handle = slider.locator(".noUi-handle")
    handle.focus()
    handle.press("ArrowRight")  # one step, as from the keyboard

    after = _wait_for_redraw(page, cell, before)
    assert slider.locator(".widget-readout").inner_text() != readout
    assert "data:image/png" in after and after != before


def test_train_button_trains(lab, page):
    """Run All in 05's master (its run cache starts empty), then Train: curves appear."""
    panel = _open(lab, page, "source/05_hyperparameters/05_hyperparameters.ipynb")
    _run_all(page, panel)
    train = page.get_by_role("button", name="Train", exact=True)
    cell = panel.locator(".jp-CodeCell").filter(has=train)
    button = cell.get_by_role("button", name="Train", exact=True)
    button.scroll_into_view_if_needed()
    before = _widget_output(cell)
    assert "data:image/png" not in before, "the curves were drawn before Train was pressed"

    button.click()

    assert "data:image/png" in _wait_for_redraw(page, cell, before)


def test_wrong_linear_shows_the_hint(lab, page):
    """The 03 release with the catalog's wrong Linear (db not summed over the batch): run the
    cells up to its db test, which fails with the hint the catalog expects for this mistake."""
    notebook = nbformat.read(lab.root / "notebooks" / RELEASE / f"{RELEASE}.ipynb", as_version=4)
    index = next(i for i, cell in enumerate(notebook.cells) if cell_id(cell) == "test_linear_db")
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells[:index + 1])
    panel = _open(lab, page, f"notebooks/{RELEASE}/{RELEASE}.ipynb")
    test = panel.locator(".jp-Cell").nth(index)
    # the page shows the cell the notebook holds there (its last line tells the Linear tests apart)
    last_line = notebook.cells[index].source.splitlines()[-1]
    expect(test.locator(".jp-InputArea")).to_contain_text(last_line)

    test.locator(".jp-InputPrompt").click()  # selects the cell without editing it
    _menu(page, "Run", "Run All Above Selected Cell")  # the setup, the wrong Linear, its tests
    _menu(page, "Run", "Run Selected Cell")
    _wait_for_cells(panel, RUN_ALL, count=code_cells)

    output = test.locator(".jp-OutputArea")
    expect(output).to_contain_text("AssertionError")
    # a hint line says what the catalog says this mistake looks like
    expect(output).to_contain_text(re.compile(rf"hint[^\n]*(?:{catalog()[MISTAKE].symptom})"))
