"""Tailored WebSocket configs for nginx, ingress-nginx and Nginx Proxy Manager.

The API the CLI and the wizard share (import the submodules; this package imports nothing):

    from wsguide.generate.params import Options, validate   # raw answers -> Setup (or UserError)
    from wsguide.generate.config import generate            # Setup -> Result(files, verify, notes)
    from wsguide.generate.nginx_check import check_result   # real `nginx -t` when nginx exists

`params` is cheap (no jinja2) so it can validate on every keystroke; `config` renders.
"""
