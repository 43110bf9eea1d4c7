"""A real LanguageTool server for the LT tests, and a proxy to put in front of it.

The server is the one ``scripts/languagetool/setup.sh`` assembles from Maven Central
(Maven's local repository keeps the download between runs). ``start_server`` starts it
on a free loopback port and waits until ``/v2/languages`` answers; the session-scoped
fixture in ``test_languagetool.py`` uses ``session_server``, which yields its URL and
stops it afterwards.

Environment:
  TEXTSIEVE_LT_URL         use this running server instead of starting one
  TEXTSIEVE_SKIP_LT_TESTS  set to 1 to skip the tests that need a real server (they fail
                           otherwise when no server can be assembled: CI must not skip them
                           silently)

``Proxy`` forwards to a server and records what it is sent; it can also misbehave
(hang, drop the connection, answer garbage) for the protocol's corner cases.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SETUP = REPO / "scripts" / "languagetool" / "setup.sh"
START = REPO / "scripts" / "languagetool" / "start.sh"


def server_dir() -> Path:
    """The assembled ``LanguageTool-VERSION`` directory (assembled now if missing)."""
    proc = subprocess.run([str(SETUP), "--print-dir"], capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"{SETUP} --print-dir failed ({proc.returncode}):\n"
                           f"{proc.stderr.strip()}")
    return Path(proc.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url.rstrip("/") + "/v2/languages", timeout=timeout) as r:
            return r.status == 200 and isinstance(json.load(r), list)
    except (OSError, ValueError):
        return False


class Server:
    """A LanguageTool HTTP server process on 127.0.0.1."""

    def __init__(self, process: subprocess.Popen, port: int, log: Path):
        self.process = process
        self.port = port
        self.log = log
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def start_server(log_dir: Path, wait: float = 180.0) -> Server:
    """Start the assembled server on a free loopback port; return once it answers."""
    server_dir()  # assembles it first if needed, with Maven's output on failure
    port = free_port()
    log = log_dir / f"languagetool-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([str(START), "--port", str(port)], stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = Server(process, port, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"LanguageTool server exited with {process.returncode}:\n"
                               + log.read_text(errors="replace")[-3000:])
        if answers(server.url):
            return server
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"LanguageTool server on port {port} did not answer within {wait:g} s")


def warm_up(url: str) -> None:
    """One check, so that LanguageTool loads its rules before the first test (≈4-20 s)."""
    data = urllib.parse.urlencode({"language": "en-US", "text": "This are a tset."}).encode()
    with urllib.request.urlopen(url + "/v2/check", data, timeout=300) as response:
        json.load(response)


def session_server(tmp_path_factory):
    """Generator for the session fixture: the URL of a real, warmed-up server."""
    if os.environ.get("TEXTSIEVE_SKIP_LT_TESTS") == "1":
        pytest.skip("TEXTSIEVE_SKIP_LT_TESTS=1: tests that need a LanguageTool server skipped")
    given = os.environ.get("TEXTSIEVE_LT_URL", "").rstrip("/")
    if given:
        if not answers(given):
            pytest.fail(f"TEXTSIEVE_LT_URL={given}: no LanguageTool server answers there")
        warm_up(given)
        yield given
        return
    try:
        server = start_server(tmp_path_factory.mktemp("languagetool"))
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"cannot start a LanguageTool server for the LT tests: {exc}\n"
                    "(run scripts/languagetool/setup.sh; or set TEXTSIEVE_LT_URL to a "
                    "running server; or TEXTSIEVE_SKIP_LT_TESTS=1 to skip these tests)")
    try:
        warm_up(server.url)
        yield server.url
    finally:
        server.stop()


class Proxy:
    """An HTTP server on a free loopback port that forwards to ``upstream`` and records.

    ``mode`` applies to ``/v2/check`` requests after the first ``after`` of them
    (``/v2/languages`` is always forwarded unless ``mode`` is "garbage-all"):
    "forward"; "hang" (no answer until the proxy closes); "drop" (close the connection
    without an answer); "garbage" (an HTML page with status 200); "bad-json" (JSON that
    is not a LanguageTool result); "error" (status 500 with LanguageTool's error text);
    "fake" (answer ``fake_answer``, a LanguageTool JSON result, without any upstream).
    """

    def __init__(self, upstream: str | None = None, mode: str = "forward", after: int = 0):
        self.upstream = upstream.rstrip("/") if upstream else None
        self.mode = mode
        self.after = after
        self.fake_answer: dict = {"matches": []}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy._handle(self, "GET", b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                proxy._handle(self, "POST", self.rfile.read(length))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    # -- what it saw ------------------------------------------------------------------
    def checks(self) -> list[dict[str, str]]:
        return [params for method, path, params in self.requests if path.endswith("/check")]

    def sent_text(self) -> str:
        return "\n".join(params.get("text", "") for params in self.checks())

    # -- serving ----------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str, body: bytes) -> None:
        path = urllib.parse.urlsplit(handler.path).path
        params = {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode("utf-8")).items()}
        with self._lock:
            self.requests.append((method, path, params))
            number = len(self.checks()) if path.endswith("/check") else 0
        mode = self.mode if (path.endswith("/check") and number > self.after) else "forward"
        if self.mode == "garbage-all":
            mode = "garbage"
        if mode == "forward" and self.upstream is None:
            mode = "fake" if path.endswith("/check") else "languages"
        if mode == "hang":
            self.release.wait(120)
            handler.close_connection = True
            return
        if mode == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "garbage":
            return self._reply(handler, 200, b"<html><body>Service unavailable</body></html>",
                               "text/html")
        if mode == "bad-json":
            return self._reply(handler, 200, b'{"matches": [{"offset": "x"}]}')
        if mode == "error":
            return self._reply(handler, 500, b"Error: Internal Error: something broke", "text/plain")
        if mode == "fake":
            return self._reply(handler, 200, json.dumps(self.fake_answer).encode())
        if mode == "languages":
            return self._reply(handler, 200, json.dumps(
                [{"name": "English (US)", "code": "en", "longCode": "en-US"}]).encode())
        request = urllib.request.Request(self.upstream + handler.path, data=body or None,
                                         method=method)
        if body:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                self._reply(handler, response.status, response.read(),
                            response.headers.get("Content-Type", "application/json"))
        except urllib.error.HTTPError as exc:
            self._reply(handler, exc.code, exc.read(), "text/plain")

    @staticmethod
    def _reply(handler, status: int, payload: bytes, content_type: str = "application/json"):
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
