"""Plain nginx: the upgrade map for http{} and a server block, or one standalone nginx.conf."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import Result, render
from ..params import Setup
from . import steps

if TYPE_CHECKING:
    from jinja2 import Environment

MAP_FILE = "conf.d/websocket-map.conf"
TRIAL_DIR = "/tmp/wsguide-{name}"


def sticky_why(setup: Setup) -> str:
    if setup.socketio:
        return "the polling requests of a socket.io session must reach the backend that holds it"
    return "each client keeps reaching the same backend"


def https_port_suffix(setup: Setup) -> str:
    listen = setup.listens[0]
    return "" if listen.unix or listen.port == 443 else f":{listen.port}"


def context(setup: Setup, **extra: object) -> dict[str, object]:
    scheme = "https" if setup.backend_tls else "http"
    return {"s": setup, "proxy_target": setup.upstream_name, "scheme": scheme,
            "sticky_why": sticky_why(setup), "https_port_suffix": https_port_suffix(setup),
            **extra}


def build(setup: Setup, env: Environment) -> Result:
    if setup.standalone:
        return _standalone(setup, env)
    site_file = f"sites-available/{setup.name}.conf"
    debug_log = f"/var/log/nginx/{setup.name}.ws.log"
    files = {
        MAP_FILE: render(env, "nginx/map.conf.j2", **context(
            setup, where=f"{MAP_FILE}  (http context: nginx.conf includes conf.d/*.conf "
                         "inside http)")),
        site_file: render(env, "nginx/site.conf.j2", **context(
            setup, debug_log=debug_log,
            where=f"{site_file}  (http context, enabled by a symlink in sites-enabled/)")),
    }
    verify = [
        steps.step("Install: save each file where its first line says, then enable the site",
                   f"sudo ln -sf /etc/nginx/{site_file} /etc/nginx/sites-enabled/{setup.name}.conf",
                   "a symlink in sites-enabled/ (Debian/Ubuntu layout; elsewhere include the "
                   "server block from http{})"),
        steps.step("Test the configuration", "sudo nginx -t",
                   "'syntax is ok' and 'test is successful'. 'duplicate \"connection_upgrade\" "
                   "variable' means an older map exists: keep only one"),
        steps.step("Log idle drops while testing: uncomment the error_log ... info line in the "
                   "server block", f"sudo tail -F {debug_log}",
                   "at info level nginx logs 'upstream timed out (110: Connection timed out) "
                   "while proxying upgraded connection' when it closes an idle socket"),
        steps.step("Reload nginx", "sudo nginx -s reload   (or: sudo systemctl reload nginx)",
                   "no output; `sudo nginx -T | grep proxy_read_timeout` shows "
                   f"{setup.idle_timeout}"),
    ]
    verify += _client_steps(setup, local=False, log_hint=debug_log)
    return Result(files=files, verify=verify)


def _standalone(setup: Setup, env: Environment) -> Result:
    trial = TRIAL_DIR.format(name=setup.name)
    text = render(env, "nginx/standalone.conf.j2", **context(
        setup, debug_log="", where="the WebSocket server: upstream, then server blocks"))
    run = f"nginx -p {trial} -c {trial}/nginx.conf -e {trial}/error.log"
    verify = [
        steps.step("Put the config in a directory of its own",
                   f"mkdir -p {trial} && cp nginx.conf {trial}/", "no output"),
        steps.step("Test the configuration (as a normal user)", f"{run} -t",
                   "'syntax is ok' and 'test is successful'"),
        steps.step("Start it (stop later with -s stop)", run,
                   f"no output; {trial}/nginx.pid appears"),
        steps.step("Watch the log (error_log is at info, so idle drops show)",
                   f"tail -F {trial}/error.log",
                   "'... while proxying upgraded connection' lines when nginx closes a socket"),
    ]
    verify += _client_steps(setup, local=True, log_hint=f"{trial}/error.log")
    return Result(files={"nginx.conf": text}, verify=verify)


def _client_steps(setup: Setup, local: bool, log_hint: str) -> list[dict[str, str]]:
    ep = steps.endpoint(setup, setup.paths[0], local)
    out = [steps.handshake(setup, ep), steps.h2c_closed(setup, ep), steps.echo(setup, ep),
           steps.idle(setup, ep, log_hint)]
    if setup.redirect_from and not setup.redirect_from.unix:
        port = setup.redirect_from.port
        url = f"http://{ep.host}{'' if port == 80 else f':{port}'}/"
        route = ""
        if local:
            addr = setup.redirect_from.connect_host
            route = f"--resolve {ep.host}:{port}:{f'[{addr}]' if ':' in addr else addr} "
        out.append(steps.step("http redirects to https", f"curl -sS -o /dev/null -w "
                              f"'%{{http_code}} %{{redirect_url}}\\n' {route}'{url}'",
                              f"301 https://{ep.host}{https_port_suffix(setup)}/"))
    if setup.backend_tls_verify:
        out.append(steps.step("The backend's certificate checks out",
                              f"grep -i 'upstream SSL certificate' {log_hint}",
                              "nothing; 'upstream SSL certificate verify error' means "
                              "--backend-ca or --backend-tls-name does not match the backend"))
    out.append(steps.devtools(setup))
    return out
