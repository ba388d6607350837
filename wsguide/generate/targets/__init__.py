"""Output targets: plain nginx, ingress-nginx, Nginx Proxy Manager.

Each module has `build(setup, env) -> Result`. One reviewable table, not whatever is in the
folder; a new platform is a module here plus one line below.
"""

from __future__ import annotations

from types import ModuleType

from . import ingress, nginx, npm

TARGETS: dict[str, ModuleType] = {
    "nginx": nginx,
    "ingress-nginx": ingress,
    "nginx-proxy-manager": npm,
}
