"""ingress-nginx: one Ingress manifest with the annotations for timeouts, affinity and TLS.

ingress-nginx writes the upgrade headers itself, so only what it cannot guess is emitted.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from ...errors import UserError
from ..config import Result, render
from ..params import Setup
from . import steps
from .nginx import sticky_why

if TYPE_CHECKING:
    from jinja2 import Environment

FILE = "ingress.yaml"


def _hosts(setup: Setup) -> list[str]:
    hosts = []
    for name in setup.server_names:
        if name == "_":
            continue
        if name.startswith(".") or name.endswith(".*") or re.fullmatch(r"[0-9.]+", name):
            raise UserError(f"--server-name {name!r}: an Ingress host is a DNS name or *.name "
                            "(no .name, name.* or IP address)")
        hosts.append(name)
    return hosts


def _service(setup: Setup) -> tuple[str, int, list[str]]:
    backend = setup.backends[0]
    notes = []
    if backend.unix:
        raise UserError("--backend: a unix socket cannot be a Kubernetes Service; give "
                        "SERVICE:PORT")
    label = backend.host.split(".")[0]
    if backend.is_name and re.fullmatch(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", label):
        service = label
    else:
        service = "my-app"
        notes.append(f"--backend {backend.nginx} is not a Service name: the Ingress names "
                     "Service 'my-app'; give --backend SERVICE:PORT")
    if len(setup.backends) > 1:
        notes.append("Several --backend values: an Ingress path goes to one Service, which "
                     "spreads over its pods; only the first backend is used.")
    return service, backend.port, notes


def build(setup: Setup, env: Environment) -> Result:
    hosts = _hosts(setup)
    service, port, notes = _service(setup)
    name = re.sub(r"[^a-z0-9-]+", "-", setup.name)[:50].strip("-") + "-ws"
    # Annotations take whole seconds; round up so the socket never gets less than asked for.
    idle_s = math.ceil(setup.idle_timeout_ms / 1000)
    paths = [p.rstrip("/") or "/" for p in setup.paths]
    text = render(env, "ingress.yaml.j2", s=setup, name=name, idle_s=idle_s, hosts=hosts,
                  paths=paths, service=service, port=port, sticky_why=sticky_why(setup),
                  where=f"{FILE}: kubectl apply -f {FILE} (in the app namespace, ingress-nginx "
                        "controller)")
    notes.append("ingress-nginx forwards any Upgrade value (also h2c) to the pods; make sure "
                 "the app does not accept h2c, or block it at the controller.")
    if setup.sticky != "none":
        notes.append("Affinity uses a cookie: browsers keep it; non-browser clients must send "
                     "it back (socket.io's Node client needs withCredentials or a cookie jar).")
    ep = steps.endpoint(setup, setup.paths[0], local=False)
    verify = []
    if setup.tls:
        verify.append(steps.step("Create the TLS secret",
                                 f"kubectl create secret tls {name}-tls --cert='{setup.cert}' "
                                 f"--key='{setup.key}'", f"secret/{name}-tls created"))
    if setup.backend_tls_verify:
        verify.append(steps.step("Create the backend CA secret",
                                 f"kubectl create secret generic {name}-backend-ca "
                                 f"--from-file=ca.crt='{setup.backend_ca}'",
                                 f"secret/{name}-backend-ca created (in namespace default; edit "
                                 "proxy-ssl-secret for another)"))
    verify += [
        steps.step("Apply the Ingress", f"kubectl apply -f {FILE}",
                   f"ingress.networking.k8s.io/{name} created (or configured)"),
        steps.step("The controller accepted it",
                   f"kubectl describe ingress {name}",
                   "Events show 'Sync ... Scheduled for sync' and no 'error' lines"),
        steps.handshake(setup, ep), steps.echo(setup, ep),
        steps.idle(setup, ep, "the controller log (kubectl logs -n ingress-nginx "
                              "deploy/ingress-nginx-controller)"),
        steps.devtools(setup),
    ]
    return Result(files={FILE: text}, verify=verify, notes=notes)
