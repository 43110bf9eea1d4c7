"""The HTML report in a real browser: headless Chromium from the system's packages,
driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``: the
browser reads commands on fd 3 and answers on fd 4, NUL-separated JSON), so no
WebSocket library and nothing that downloads a browser is needed.

The sample corpus is written here and checked by the real ``textsieve check
--format json``; the report is rendered from its findings. Under CI=true a
missing Chromium fails; elsewhere these tests are skipped with the reason.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from helpers import textsieve, write


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless browser and one page, spoken to in DevTools protocol commands."""

    def __init__(self, executable: str, profile: str, width: int = 1280, height: int = 900):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The child's ends sit above 9 first, so that moving them to 3 and 4 cannot clobber.
        child_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def remap():
            os.dup2(child_r, 3)
            os.dup2(child_w, 4)

        args = [executable, "--headless", "--remote-debugging-pipe", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--metrics-recording-only", "--mute-audio",
                f"--user-data-dir={profile}", f"--window-size={width},{height}", "about:blank"]
        self.process = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=remap,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        os.close(child_r)
        os.close(child_w)
        self._next_id = 0
        self._answers: dict[int, queue.Queue] = {}
        self._lock = threading.Lock()
        self.events: list[dict] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=True)
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._from_browser, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    for waiting in self._answers.values():
                        waiting.put({"error": {"message": "the browser closed the pipe"}})
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                with self._lock:
                    waiting = self._answers.pop(message["id"], None) if "id" in message else None
                    if waiting is None:
                        self.events.append(message)
                if waiting is not None:
                    waiting.put(message)

    def send(self, method: str, session: bool = False, timeout: float = 60, **params):
        with self._lock:
            self._next_id += 1
            ident = self._next_id
            answer: queue.Queue = queue.Queue()
            self._answers[ident] = answer
        message = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        reply = answer.get(timeout=timeout)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error'].get('message')}")
        return reply.get("result", {})

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", session=True, expression=expression,
                           returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60):
        """Polls until the page says the expression is true (the page's own state, not a clock)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.05)
        raise AssertionError(f"the page never satisfied: {expression}")

    def open(self, url: str) -> None:
        with self._lock:
            self.events.clear()
        self.send("Page.navigate", session=True, url=url)
        self.wait_for("document.readyState === 'complete' && "
                      "document.documentElement.hasAttribute('data-ready')")

    def events_named(self, method: str) -> list[dict]:
        with self._lock:
            return [e for e in self.events if e.get("method") == method]

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, log errors (CSP violations) and dialogs."""
        out = []
        for event in self.events_named("Runtime.consoleAPICalled"):
            if event["params"]["type"] in ("error", "warning", "assert"):
                out.append(f"console.{event['params']['type']}: {event['params']['args']}")
        for event in self.events_named("Runtime.exceptionThrown"):
            out.append(f"exception: {event['params']['exceptionDetails']}")
        for event in self.events_named("Log.entryAdded"):
            entry = event["params"]["entry"]
            if entry["level"] in ("error", "warning"):
                out.append(f"log {entry['level']}: {entry.get('text')}")
        for event in self.events_named("Page.javascriptDialogOpening"):
            out.append(f"dialog: {event['params'].get('message')}")
        return out

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events_named("Network.requestWillBeSent")]

    def click(self, selector: str) -> None:
        """A real mouse click at the middle of the first element the selector finds."""
        box = self.evaluate(f"""(() => {{
            const e = document.querySelector({json.dumps(selector)});
            if (!e) return null;
            e.scrollIntoView({{block: 'center', inline: 'center'}});
            const r = e.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2];
        }})()""")
        assert box is not None, f"nothing matches {selector}"
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", session=True, type=kind, x=box[0], y=box[1],
                      button="left", clickCount=1)

    def key(self, key: str, code: str | None = None, key_code: int = 0) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", session=True, type=kind, key=key,
                      code=code or key, windowsVirtualKeyCode=key_code)

    def screenshot(self, path: Path, full_page: bool = False) -> bytes:
        params = {"format": "png"}
        if full_page:
            params["captureBeyondViewport"] = True
            size = self.evaluate("[document.documentElement.scrollWidth, "
                                 "document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
        data = base64.b64decode(self.send("Page.captureScreenshot", session=True, **params)["data"])
        path.write_bytes(data)
        return data

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, queue.Empty, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = find_chromium()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("no Chromium on PATH (apt-get install chromium to run the browser tests)")
    chrome = Chromium(executable, str(tmp_path_factory.mktemp("chromium-profile")))
    yield chrome
    chrome.close()


# -- the sample corpus ---------------------------------------------------------------------
SCRIPT_NAME = "<script>alert(1)</script>.md"  # a directory "<script>alert(1)<" and "script>.md"

NEAR_A = ("Before each release the on call engineer freezes the main branch, reads the open "
          "incident list, and confirms that every dashboard shows green for a full hour.")
NEAR_B = ("Before every release the on call engineer freezes the main branch, reads the open "
          "incident list, and checks that every dashboard shows green for a whole hour.")
EXACT = ("Rollbacks are rehearsed once a quarter so that nobody meets the rollback script for "
         "the first time during an outage at three in the morning.")
# Written as entities: raw inline HTML is markup, not prose, and no finding quotes it.
SCRIPT_TEXT = ("The sample payload &lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; must stay text in "
               "every report that quotes it, never markup in the page.")

CORPUS = {
    "docs/alpha.md": f"# Alpha deployment notes\n\n{NEAR_A}\n\nAlpha has its own staging cluster.\n",
    "docs/beta.md": f"# Beta deployment notes\n\n{NEAR_B}\n\nBeta ships on Thursdays only.\n",
    "docs/gamma.md": f"# Gamma runbook\n\n{EXACT}\n\nGamma keeps its secrets in the vault.\n",
    "docs/delta.md": f"# Delta runbook\n\nDelta pages the database team.\n\n{EXACT}\n",
    "docs/epsilon.md": "# Epsilon\n\nEpsilon is the the only service without a pager.\n",
    f"docs/{SCRIPT_NAME}": f"# Payload notes\n\n{SCRIPT_TEXT}\n\nIt is quoted again.\n\n"
                         f"{SCRIPT_TEXT}\n",
}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    from textsieve.report_html import load_findings_json, render_html, summarise_documents

    root = tmp_path_factory.mktemp("corpus")
    for name, text in CORPUS.items():
        write(root / name, text)
    result = textsieve("check", "--format", "json", "--no-cache", "--extend-select", "DUP101,DUP102",
                       "-o", "findings.json", "docs", cwd=root)
    assert result.code == 1, result.err
    data = load_findings_json(str(root / "findings.json"))
    sources = {name: text for name, text in CORPUS.items()}
    paths = sorted(CORPUS)
    documents, readability = summarise_documents(paths, data["findings"], sources=sources)
    page = render_html(data["findings"], documents, readability=readability, sources=sources,
                       read_files=False, generated="2024-01-01T00:00:00+00:00")
    out = root / "report.html"
    out.write_text(page, encoding="utf-8")
    return out, data


def test_loads_without_console_errors_or_network_requests(browser, report):
    path, _ = report
    browser.open(path.as_uri())
    assert browser.problems() == []
    assert browser.requests() == [path.as_uri()]
    # The hostile file name and text are shown as text, and no script of theirs ran.
    assert browser.evaluate("document.scripts.length") == 2
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    assert browser.evaluate(f"document.body.textContent.includes({json.dumps('docs/' + SCRIPT_NAME)})")
    assert browser.evaluate("document.body.textContent.includes('&lt;/script&gt;&lt;img src=x')")


def test_map_shows_the_expected_cells(browser, report):
    path, _ = report
    browser.open(path.as_uri())
    cells = browser.evaluate("""Array.from(document.querySelectorAll('#map-svg rect.cell'))
        .map(r => [r.dataset.a, r.dataset.b, +r.dataset.count])""")
    pairs = {(a, b): n for a, b, n in cells}
    expected = {("docs/alpha.md", "docs/beta.md"), ("docs/beta.md", "docs/alpha.md"),
                ("docs/gamma.md", "docs/delta.md"), ("docs/delta.md", "docs/gamma.md"),
                (f"docs/{SCRIPT_NAME}", f"docs/{SCRIPT_NAME}")}
    assert set(pairs) == expected
    assert all(n == 1 for n in pairs.values())
    assert browser.evaluate("document.querySelector('#map-body .legend').textContent.trim()") == \
        "Shared passages:  1"
    # Documents sharing nothing are left out of the map and said to be.
    assert browser.evaluate("document.querySelector('#map-body').textContent"
                            ".includes('1 document sharing no passage left out')")


def test_clicking_a_cell_reveals_the_twin_pair(browser, report):
    path, _ = report
    browser.open(path.as_uri())
    assert "No cell selected" in browser.evaluate("document.querySelector('#map-detail').textContent")
    browser.click('#map-svg rect.cell[data-a="docs/alpha.md"][data-b="docs/beta.md"]')
    detail = browser.evaluate("document.querySelector('#map-detail').textContent")
    assert "docs/alpha.md × docs/beta.md" in detail
    assert "docs/alpha.md:3:1" in detail and "docs/beta.md:3:1" in detail
    # The edited words are marked on each side.
    deleted = browser.evaluate("Array.from(document.querySelectorAll('#map-detail del'))"
                               ".map(e => e.textContent)")
    inserted = browser.evaluate("Array.from(document.querySelectorAll('#map-detail ins'))"
                                ".map(e => e.textContent)")
    assert deleted == ["each", "confirms", "full"] and inserted == ["every", "checks", "whole"]
    assert browser.evaluate("document.activeElement.dataset.a") == "docs/alpha.md"
    # The keyboard reaches the other cells: arrow keys move, Enter selects. The mirror
    # cell shows the same pair with its row's document on the left.
    browser.key("ArrowDown", key_code=40)
    browser.key("Enter", key_code=13)
    assert browser.evaluate("document.activeElement.dataset.a") == "docs/beta.md"
    detail = browser.evaluate("document.querySelector('#map-detail').textContent")
    assert "docs/beta.md × docs/alpha.md" in detail
    assert detail.index("docs/beta.md:3:1") < detail.index("docs/alpha.md:3:1")
    assert browser.evaluate("Array.from(document.querySelectorAll('#map-detail del'))"
                            ".map(e => e.textContent)") == ["every", "checks", "whole"]
    browser.key("End", key_code=35)
    browser.key("Enter", key_code=13)
    detail = browser.evaluate("document.querySelector('#map-detail').textContent")
    assert f"docs/{SCRIPT_NAME} (inside one document)" in detail


def test_filters_and_sorting_change_the_table(browser, report):
    path, data = report
    browser.open(path.as_uri())
    rows = "Array.from(document.querySelectorAll('#findings-table tr.finding'))"
    everything = browser.evaluate(f"{rows}.map(r => r.dataset.code)")
    assert len(everything) == len(data["findings"])
    browser.evaluate("""(() => { const s = document.querySelector('#f-code');
        s.value = Array.from(s.options).find(o => o.textContent.startsWith('DUP102')).value;
        s.dispatchEvent(new Event('change')); })()""")
    assert set(browser.evaluate(f"{rows}.map(r => r.dataset.code)")) == {"DUP102"}
    assert browser.evaluate(f"{rows}.length") == sum(f["code"] == "DUP102" for f in data["findings"])
    assert "(%d in all)" % len(data["findings"]) in browser.evaluate(
        "document.querySelector('#findings-count').textContent")
    # Each row shows its source line with the span marked.
    marked = browser.evaluate("Array.from(document.querySelectorAll('#findings-table mark'))"
                              ".map(m => m.textContent)")
    assert marked and all(m.startswith(("Rollbacks are rehearsed", "The sample payload")) for m in marked)
    browser.evaluate("""(() => { const s = document.querySelector('#f-code'); s.value = '';
        s.dispatchEvent(new Event('change'));
        const p = document.querySelector('#f-path'); p.value = 'epsilon';
        p.dispatchEvent(new Event('input')); })()""")
    browser.wait_for(f"{rows}.length > 0 && {rows}.every(r => "
                     "r.querySelector('.loc').textContent.startsWith('docs/epsilon.md'))")
    # Sorting by code, descending after a second click.
    browser.evaluate("const p = document.querySelector('#f-path'); p.value = '';"
                     "p.dispatchEvent(new Event('input'))")
    browser.wait_for(f"{rows}.length === {len(data['findings'])}")
    browser.click("#findings-table th:nth-child(2) button")
    browser.click("#findings-table th:nth-child(2) button")
    codes = browser.evaluate(f"{rows}.map(r => r.dataset.code)")
    assert codes == sorted(everything, reverse=True)
    assert browser.evaluate("document.querySelector('#findings-table th:nth-child(2)')"
                            ".getAttribute('aria-sort')") == "descending"


def test_a_document_shows_its_own_findings_and_figures(browser, report):
    path, data = report
    browser.open(path.as_uri())
    words, dup = browser.evaluate("""(() => {
        const row = Array.from(document.querySelectorAll('#documents-body tr'))
            .find(r => r.querySelector('th') && r.querySelector('th').textContent === 'docs/alpha.md');
        const cells = row.querySelectorAll('td');
        row.querySelector('th button').click();
        return [cells[0].textContent, cells[2].textContent]; })()""")
    chip = browser.evaluate("document.querySelector('#findings-body .chip').textContent")
    assert chip.startswith(f"Only the findings of docs/alpha.md ({words} words, ")
    assert f"{dup} duplicated)" in chip
    rows = browser.evaluate("Array.from(document.querySelectorAll('#findings-table tr.finding'))"
                            ".map(r => r.querySelector('.loc').textContent)")
    assert rows and len(rows) == sum(f["path"] == "docs/alpha.md" for f in data["findings"])
    assert all(r.startswith("docs/alpha.md:") for r in rows)


def test_screenshot(browser, report, tmp_path):
    path, _ = report
    browser.open(path.as_uri())
    browser.click('#map-svg rect.cell[data-a="docs/gamma.md"][data-b="docs/delta.md"]')
    data = browser.screenshot(tmp_path / "report.png", full_page=True)
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 10_000
