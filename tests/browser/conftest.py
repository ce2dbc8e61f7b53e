"""Headless Chromium driven over the DevTools protocol (no Selenium, no Node).

``chromium`` is the Debian package (``.ci/run`` installs it); the tests skip cleanly when
it is absent. Each test session starts one browser with a fresh profile and no
background networking, so any request a report makes is the report's own.
"""
from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-default-apps", "--disable-extensions",
                  "--mute-audio", "--hide-scrollbars", "--remote-debugging-port=0"]


def chromium_binary() -> str | None:
    for name in (os.environ.get("SMM_NB_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome", "google-chrome-stable"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@dataclass
class PageVisit:
    """What happened while a page loaded."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


class Chromium:
    def __init__(self, binary: str, profile: Path):
        self.proc = subprocess.Popen([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                                      "about:blank"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.is_file() or not port_file.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()
                pytest.skip("chromium did not start")
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                                   timeout=10))
        page = next(t for t in targets if t["type"] == "page")
        import websocket

        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60,
                                              suppress_origin=True)
        self._id = 0
        self.events: list[dict] = []
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        # an alert() that slipped through would be recorded here even if it ran silently
        self.send("Page.addScriptToEvaluateOnNewDocument", source=(
            "window.__alerts = [];"
            "window.alert = (m) => window.__alerts.push(String(m));"))

    def send(self, method: str, **params) -> dict:
        self._id += 1
        self.ws.send(json.dumps({"id": self._id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self._id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def _wait_event(self, name: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not any(e["method"] == name for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(name)
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                self.events.append(msg)

    def open(self, path: Path, settle: float = 0.5) -> PageVisit:
        url = Path(path).resolve().as_uri()
        self.events.clear()
        self.send("Page.navigate", url=url)
        self._wait_event("Page.loadEventFired")
        time.sleep(settle)  # let late console messages / requests arrive
        self.evaluate("1")  # drains pending events
        visit = PageVisit(url)
        for e in self.events:
            m, p = e["method"], e.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                visit.console_errors.append(json.dumps(p.get("args", []))[:300])
            elif m == "Runtime.exceptionThrown":
                visit.console_errors.append(json.dumps(p.get("exceptionDetails", {}))[:300])
            elif m == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                visit.console_errors.append(p["entry"].get("text", "")[:300])
            elif m == "Network.requestWillBeSent":
                visit.requests.append(p["request"]["url"])
            elif m == "Page.javascriptDialogOpening":
                visit.dialogs.append(p.get("message", ""))
                self.send("Page.handleJavaScriptDialog", accept=True)
        return visit

    def evaluate(self, expression: str):
        r = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return r.get("result", {}).get("value")

    def screenshot(self) -> bytes:
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

    def print_pdf(self) -> bytes:
        return base64.b64decode(self.send("Page.printToPDF", printBackground=False)["data"])

    def phone(self, width: int = 390, height: int = 844) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=2, mobile=True)

    def desktop(self) -> None:
        self.send("Emulation.clearDeviceMetricsOverride")

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:  # noqa: BLE001
            pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture(scope="session")
def chromium(tmp_path_factory):
    binary = chromium_binary()
    if binary is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    pytest.importorskip("websocket", reason="websocket-client is needed to drive chromium")
    browser = Chromium(binary, tmp_path_factory.mktemp("chromium-profile"))
    yield browser
    browser.close()
