"""`wsguide config`: a tailored, tested-shape nginx config for WebSockets.

Validation happens before anything is rendered: a bad value exits 2 with one line naming the
option and the rule, and nothing reaches stdout.
"""

from __future__ import annotations

import argparse
import json
import sys

NAME = "config"
HELP = "print a tailored nginx config for WebSockets (plus how to verify it)"
EXAMPLES = """examples:
  wsguide config --server-name chat.example.com --path /ws --backend 127.0.0.1:8000
  wsguide config --server-name chat.example.com --socketio --backend 10.0.0.5:3000 \\
      --backend 10.0.0.6:3000 --tls --cert fullchain.pem --key privkey.pem
  wsguide config --backend 127.0.0.1:8000 --standalone --listen 8080 --out /tmp/t/nginx.conf
  wsguide config --target ingress-nginx --server-name chat.example.com --backend chat:8000
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("what to proxy")
    g.add_argument("--server-name", action="append", default=[], metavar="NAME",
                   help="host name clients use (repeatable; *.example.com allowed)")
    g.add_argument("--path", action="append", default=[], metavar="/ws",
                   help="WebSocket location path (repeatable; default /ws, or /socket.io/)")
    g.add_argument("--backend", action="append", default=[], metavar="HOST:PORT",
                   help="backend address, [IPv6]:PORT or unix:/path (repeatable; several make "
                        "a load-balanced upstream)")
    g.add_argument("--sticky", choices=("ip_hash", "hash", "none"), default=None,
                   help="client affinity (default: ip_hash with --socketio or several backends)")
    g.add_argument("--socketio", action="store_true",
                   help="the app uses socket.io (long-polling first, then upgrade)")
    g = p.add_argument_group("TLS")
    g.add_argument("--tls", action="store_true", help="terminate TLS (wss://) in nginx")
    g.add_argument("--cert", metavar="PATH", help="certificate chain (PEM), with --tls")
    g.add_argument("--key", metavar="PATH", help="private key (PEM), with --tls")
    g.add_argument("--redirect-from", metavar="[ADDR:]PORT",
                   help="plain-http port that redirects to https (default 80; 8080 standalone)")
    g.add_argument("--no-redirect", dest="redirect", action="store_false",
                   help="no http->https redirect server")
    g.add_argument("--backend-tls", action="store_true", help="the backends speak TLS")
    g.add_argument("--backend-tls-verify", action=argparse.BooleanOptionalAction, default=True,
                   help="check the backend's certificate (default: on)")
    g.add_argument("--backend-tls-name", metavar="NAME",
                   help="name on the backend's certificate (SNI and verification)")
    g.add_argument("--backend-ca", metavar="PATH",
                   help="CA bundle that signs the backend certificates (default: system CAs)")
    g = p.add_argument_group("timeouts and limits")
    g.add_argument("--idle-timeout", metavar="SECONDS",
                   help="close a socket idle this long (seconds, or nginx units: 90s, 1h)")
    g.add_argument("--ping-interval", metavar="SECONDS",
                   help="how often the app pings (the idle timeout is derived from it)")
    g.add_argument("--lb-timeout", metavar="SECONDS",
                   help="idle timeout of a load balancer/CDN in front (AWS ALB 60, Cloudflare 100)")
    g.add_argument("--max-body-size", metavar="SIZE",
                   help="client_max_body_size for plain requests (default 1m with --socketio)")
    g = p.add_argument_group("output")
    g.add_argument("--listen", action="append", default=[], metavar="[ADDR:]PORT",
                   help="listen address (repeatable; default 80, 443 with --tls, 8080/8443 "
                        "standalone)")
    g.add_argument("--nginx-version", metavar="X.Y.Z", help="target nginx version (nginx -v)")
    g.add_argument("--target", choices=("nginx", "ingress-nginx", "nginx-proxy-manager"),
                   default="nginx", help="what to generate for (default nginx)")
    g.add_argument("--standalone", action="store_true",
                   help="one complete nginx.conf runnable as a normal user (nginx -p DIR)")
    g.add_argument("--check", action="store_true",
                   help="also run `nginx -t` on the output if nginx is installed (exit 1 if it "
                        "fails)")
    g.add_argument("--out", metavar="FILE", help="write the config here instead of stdout")
    g.add_argument("--json", action="store_true",
                   help='print {"files", "verify", "notes"} as JSON')


def options_from_args(args: argparse.Namespace):  # -> params.Options
    from ..generate.params import Options

    return Options(
        server_names=args.server_name, paths=args.path, backends=args.backend,
        sticky=args.sticky, tls=args.tls, cert=args.cert, key=args.key,
        backend_tls=args.backend_tls, backend_tls_verify=args.backend_tls_verify,
        backend_tls_name=args.backend_tls_name, backend_ca=args.backend_ca,
        idle_timeout=args.idle_timeout, ping_interval=args.ping_interval,
        lb_timeout=args.lb_timeout, max_body_size=args.max_body_size, socketio=args.socketio,
        listen=args.listen, redirect_from=args.redirect_from, redirect=args.redirect,
        nginx_version=args.nginx_version, target=args.target, standalone=args.standalone,
    )


def _steps_text(verify: list[dict[str, str]], notes: list[str]) -> str:
    lines = []
    if notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in notes]
    lines.append("Verify:")
    for i, s in enumerate(verify, 1):
        lines += [f"  {i}. {s['step']}", f"     $ {s['run']}", f"     expect: {s['expect']}"]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    # Deferred: jinja2 and the templates load only when a config is actually rendered.
    from ..generate.config import generate
    from ..generate.params import validate

    setup = validate(options_from_args(args))
    result = generate(setup)
    status = 0
    if args.check:
        from ..generate.nginx_check import check_result

        check = check_result(result, setup)
        if check.skipped:
            result.notes.append(f"--check skipped: {check.output}")
        elif not check.ok:
            print(f"wsguide: nginx -t failed:\n{check.output}", file=sys.stderr)
            status = 1
        else:
            result.notes.append("--check: nginx -t accepted this config.")
    if args.json:
        out = json.dumps(result.to_json(), indent=2) + "\n"
    else:
        out = result.text()
        print(_steps_text(result.verify, result.notes), file=sys.stderr)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(out)
    else:
        sys.stdout.write(out)
    return status
