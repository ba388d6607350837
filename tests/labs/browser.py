"""Drive headless Chromium over the DevTools protocol (CDP, with the `websockets` library) and
record what its console prints for each case of browser_cases.yaml.

`record(workdir)` starts the backends, one nginx (harness.nginx_conf), and Chromium with
--remote-debugging-port=0, loads each case's page, and returns
{"chromium": version, "cases": {id: {"cause", "chrome": [lines Chromium printed],
"page": [the page's own console.log lines]}}}. Cases with extra Chromium `flags` (a forward
proxy, say) get a Chromium process of their own, one per distinct flag list. Everything started
is stopped by PID in `finally`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import jinja2
import yaml
from helpers import free_port, listening

from . import harness

HERE = Path(__file__).resolve().parent
CASES = HERE / "browser_cases.yaml"
WORDING = HERE / "browser_wording.json"
CANONICAL = {"port": 8080, "tls_port": 8443, "port2": 8081, "old_tls_port": 9443,
             "down_port": 3000}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>{id}</title></head><body>
<script>
const log = (s) => console.log("wsguide-lab: " + s);
const ws = new WebSocket({ws});
ws.onopen = () => {{ log("open"); ws.send("hello"); }};
ws.onmessage = (e) => log("message " + e.data);
ws.onerror = () => log("error event");
ws.onclose = (e) => log("close code=" + e.code + " clean=" + e.wasClean);
</script></body></html>
"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def load_cases() -> dict[str, Any]:
    return yaml.safe_load(CASES.read_text())


class CDP:
    """A minimal CDP session on one page target."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.pending: dict[int, asyncio.Future] = {}
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg and msg["id"] in self.pending:
                self.pending.pop(msg["id"]).set_result(msg)
            elif "method" in msg:
                self.events.append(msg)

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        await self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        return await asyncio.wait_for(fut, 10)


def chrome_lines(events: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """(what Chromium printed, what the page logged) from CDP events."""
    chrome, page = [], []
    for ev in events:
        p = ev.get("params", {})
        if ev["method"] == "Log.entryAdded":
            e = p["entry"]
            chrome.append(f"[{e.get('level')}] {e.get('text')}")
        elif ev["method"] == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            text = d.get("exception", {}).get("description") or d.get("text", "")
            chrome.append(f"[exception] {text.splitlines()[0] if text else ''}")
        elif ev["method"] == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            if text.startswith("wsguide-lab: "):
                page.append(text[len("wsguide-lab: "):])
            else:
                chrome.append(f"[{p.get('type')}] {text}")
    return chrome, page


def normalise(text: str, ports: dict[str, int]) -> str:
    for name, port in ports.items():
        text = text.replace(f":{port}", f":{CANONICAL[name]}")
    return text


async def record(workdir: Path) -> dict[str, Any]:
    nginx, chromium = harness.find_nginx(), find_chromium()
    if not nginx or not chromium:
        raise harness.LabError(f"needs nginx and chromium (found {nginx}, {chromium})")
    data = load_cases()
    procs = harness.Procs()
    prefix = workdir / "nginx"
    pages = workdir / "pages"
    for d in (workdir, prefix, prefix / "logs", prefix / "tmp", pages):
        d.mkdir(parents=True, exist_ok=True)
        os.chmod(d, 0o755)
    certs = harness.certificates(workdir)
    values: dict[str, Any] = {k: free_port() for k in CANONICAL}
    echo_port, aio_port = free_port(), free_port()
    values.update(echo=f"127.0.0.1:{echo_port}", aio=f"127.0.0.1:{aio_port}",
                  down=f"127.0.0.1:{values['down_port']}", pages=str(pages), **certs)
    ports = {k: values[k] for k in CANONICAL}
    out: dict[str, Any] = {"cases": {}}
    try:
        for case in data["cases"]:
            ws_url = jinja2.Template(case["ws"]).render(values)
            (pages / f"{case['id']}.html").write_text(
                PAGE.format(id=case["id"], ws=json.dumps(ws_url)))
            os.chmod(pages / f"{case['id']}.html", 0o644)
        conf = harness.nginx_conf(prefix, harness.DEFAULT_MAIN,
                                  jinja2.Template(data["nginx"]).render(values))
        (prefix / "nginx.conf").write_text(conf)
        blog = str(workdir / "backend.jsonl")
        bout = open(workdir / "backend.out", "w")  # noqa: SIM115
        for kind, opts, port in (("ws-echo", [], echo_port), ("aiohttp", ["ws_only=1"], aio_port)):
            proc = subprocess.Popen([sys.executable, str(HERE / "backends.py"), kind, *opts,
                                     "--port", str(port), "--log", blog],
                                    stdout=bout, stderr=subprocess.STDOUT, start_new_session=True)
            procs.add(kind, proc)
            procs.ports.append(port)
            await harness.wait_port(port, proc, kind)
        base = [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
                "-e", str(prefix / "logs" / "error.log")]
        test = subprocess.run([*base, "-t"], capture_output=True, text=True, timeout=20)
        if test.returncode:
            raise harness.LabError(f"nginx -t failed:\n{test.stderr}\n{conf}")
        proc = subprocess.Popen([*base, "-g", "daemon off;"], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        procs.add("nginx", proc)
        procs.ports += [values[k] for k in ("port", "port2", "tls_port", "old_tls_port")]
        await harness.wait_port(values["port"], proc, "nginx")
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for case in data["cases"]:
            flags = tuple(jinja2.Template(f).render(values) for f in case.get("flags", []))
            groups.setdefault(flags, []).append(case)
        results: dict[str, Any] = {}
        for n, (flags, cases) in enumerate(groups.items()):
            out["chromium"] = await _browse(chromium, workdir / f"chromium-profile-{n}", flags,
                                            cases, values, ports, procs, results)
        out["cases"] = {c["id"]: results[c["id"]] for c in data["cases"]}
        bout.close()
    finally:
        left = list(procs.ports)
        procs.stop()
        out["left_listening"] = [p for p in left if listening(p)]
    return out


async def _browse(chromium: str, profile: Path, flags: tuple[str, ...],
                  cases: list[dict[str, Any]], values: dict[str, Any], ports: dict[str, int],
                  procs: harness.Procs, results: dict[str, Any]) -> str:
    """One Chromium process (the common flags plus `flags`) loads `cases` one after another;
    returns its version. The process group is killed before returning."""
    chrome = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
         "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--ignore-certificate-errors", "--host-resolver-rules=MAP lab.test 127.0.0.1",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", *flags, "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        devtools_port = await _devtools_port(profile, chrome)
        procs.ports.append(devtools_port)
        version = _json(f"http://127.0.0.1:{devtools_port}/json/version")["Browser"]
        target = next(t for t in _json(f"http://127.0.0.1:{devtools_port}/json/list")
                      if t["type"] == "page")
        from websockets.asyncio.client import connect

        async with connect(target["webSocketDebuggerUrl"], max_size=None,
                           ping_interval=None) as ws:
            cdp = CDP(ws)
            for domain in ("Page", "Runtime", "Log"):
                await cdp.send(f"{domain}.enable")
            for case in cases:
                await cdp.send("Page.navigate", url="about:blank")
                await asyncio.sleep(0.3)
                cdp.events.clear()
                page = jinja2.Template(case["page"]).render(values)
                await cdp.send("Page.navigate", url=f"{page}/{case['id']}.html")
                await asyncio.sleep(float(case.get("wait", 1.5)))
                chrome_said, page_said = chrome_lines(list(cdp.events))
                results[case["id"]] = {
                    "cause": case["cause"],
                    "chrome": [normalise(x, ports) for x in chrome_said],
                    "page": [normalise(x, ports) for x in page_said],
                }
            cdp.reader.cancel()
    finally:  # renderer and zygote processes share chromium's process group
        with contextlib.suppress(ProcessLookupError):
            os.killpg(chrome.pid, signal.SIGKILL)
        chrome.wait(10)
    return version


async def _devtools_port(profile: Path, proc: subprocess.Popen, timeout: float = 20) -> int:
    f = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise harness.LabError(f"chromium exited with {proc.returncode}")
        with contextlib.suppress(OSError, ValueError, IndexError):
            return int(f.read_text().splitlines()[0])
        await asyncio.sleep(0.1)
    raise harness.LabError("chromium did not open its DevTools port")


def _json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 (loopback only)
        return json.loads(r.read())


def save(result: dict[str, Any]) -> None:
    doc = {"chromium": result.get("chromium"), "cases": result["cases"],
           "note": "recorded by tests/labs/test_browser_lab.py (WSGUIDE_BROWSER_LAB=1); "
                   "ports normalised: 8080 http, 8443 https, 8081 second http port, "
                   "9443 TLS 1.0/1.1-only https, 3000 nothing listens"}
    WORDING.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
