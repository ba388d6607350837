"""Nginx Proxy Manager: the proxy host's settings (the Websockets Support toggle), the Advanced
tab snippet, and the http-level map (and upstream) in NPM's custom include.

NPM writes its own `location /`; a WebSocket path other than / gets a location of ours with the
websocket-only map, while / relies on the toggle plus server-level timeouts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import Result, render
from ..params import Setup
from . import steps
from .nginx import context

if TYPE_CHECKING:
    from jinja2 import Environment

HOST_FILE = "npm/proxy-host.txt"
ADVANCED_FILE = "npm/advanced.conf"
HTTP_FILE = "data/nginx/custom/http_top.conf"


def build(setup: Setup, env: Environment) -> Result:
    locations = [p for p in setup.paths if p != "/"]
    first = setup.backends[0]
    notes = []
    if "/" in setup.paths:
        notes.append("Path / is NPM's own location: the Websockets Support toggle forwards any "
                     "Upgrade value there (also h2c), and only one backend is used. A dedicated "
                     "path such as /ws gets the websocket-only map and the upstream.")
    files = {
        HOST_FILE: render(env, "npm/proxy-host.txt.j2", s=setup,
                          hosts=[h for h in setup.server_names if h != "_"] or ["example.com"],
                          forward_host=first.unix and "(NPM cannot forward to a unix socket)"
                          or first.host, forward_port=first.port or "-",
                          where=f"{HOST_FILE}: what to set in the NPM web UI"),
        ADVANCED_FILE: render(env, "npm/advanced.conf.j2", **context(
            setup, locations=locations,
            where=f"{ADVANCED_FILE}: the proxy host Advanced tab (inside its server block)")),
        HTTP_FILE: render(env, "npm/http_top.conf.j2", **context(
            setup, with_upstream=bool(locations),
            where=f"{HTTP_FILE}: http context, in the NPM data volume (/data/nginx/custom/)")),
    }
    ep = steps.endpoint(setup, locations[0] if locations else "/", local=False)
    verify = [
        steps.step("Save and reload: NPM tests the config itself",
                   "docker exec -it <npm-container> nginx -t",
                   "'test is successful'; in the UI the host stays Online (a red Offline badge "
                   "means nginx rejected the Advanced snippet)"),
        steps.handshake(setup, ep),
        *([steps.h2c_closed(setup, ep)] if locations else []),
        steps.echo(setup, ep),
        steps.idle(setup, ep, "/data/logs/proxy-host-<id>_error.log"),
        steps.devtools(setup),
    ]
    return Result(files=files, verify=verify, notes=notes)
