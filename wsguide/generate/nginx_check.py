"""Run the real `nginx -t` on generated output, when an nginx binary is around.

Files meant for /etc/nginx are wrapped in a minimal standalone nginx.conf (relative pid, logs
and temp paths under a temporary prefix) so the test needs no root and touches no system
config. Binding a privileged or busy port is the one failure that says nothing about the
config: nginx reports it after "syntax is ok", and it is accepted here as a pass.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .config import Result
    from .params import Setup

ENV_VAR = "WSGUIDE_NGINX"
_CANDIDATES = ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx",
               "/opt/homebrew/bin/nginx", "/usr/local/bin/nginx")
_HARMLESS = ("(13: Permission denied)", "(98: Address already in use)",
             "(99: Cannot assign requested address)")

WRAPPER = """pid nginx.pid;
error_log error.log info;
events {{ worker_connections 64; }}
http {{
    access_log access.log;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
{http}
}}
"""


@dataclass
class Check:
    ok: bool
    output: str
    skipped: bool = False


def find_nginx() -> str | None:
    """$WSGUIDE_NGINX, then PATH, then the usual sbin places (not on a normal user's PATH)."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env
    found = shutil.which("nginx")
    if found:
        return found
    return next((c for c in _CANDIDATES if os.access(c, os.X_OK)), None)


def nginx_args(nginx: str, prefix: Path) -> list[str]:
    """The command line that runs nginx entirely inside `prefix`, as any user."""
    return [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"),
            "-e", str(prefix / "error.log")]


def _judge(rc: int, output: str) -> bool:
    if rc == 0:
        return True
    if "syntax is ok" not in output:
        return False
    emerg = [ln for ln in output.splitlines() if "[emerg]" in ln]
    return bool(emerg) and all("bind()" in ln and ln.endswith(_HARMLESS) for ln in emerg)


def check_conf(conf: str, extra: dict[str, str] | None = None, nginx: str | None = None,
               prefix: Path | None = None) -> Check:
    """`nginx -t` on a complete nginx.conf; `extra` files are written beside it (for includes).

    `prefix` keeps the directory (for a test that then starts nginx); otherwise it is removed.
    """
    nginx = nginx or find_nginx()
    if nginx is None:
        return Check(False, "nginx not found (set WSGUIDE_NGINX=/path/to/nginx)", skipped=True)
    own = prefix is None
    work = Path(tempfile.mkdtemp(prefix="wsguide-check-")) if own else prefix
    assert work is not None
    try:
        work.mkdir(parents=True, exist_ok=True)
        (work / "nginx.conf").write_text(conf, encoding="utf-8")
        for name, text in (extra or {}).items():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        proc = subprocess.run([*nginx_args(nginx, work), "-t"], capture_output=True, text=True,
                              timeout=30)
        output = (proc.stdout + proc.stderr).strip()
        return Check(_judge(proc.returncode, output), output)
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def wrapped(result: Result, setup: Setup) -> tuple[str, dict[str, str]] | None:
    """A standalone nginx.conf that includes `result`'s files the way they are installed,
    plus those files; None for output nginx cannot read (an Ingress manifest)."""
    from .targets import npm

    files = result.files
    if "nginx.conf" in files:
        return files["nginx.conf"], {}
    # The note about long names tells users to raise the bucket size; the wrapper does the same.
    bucket = "    server_names_hash_bucket_size 512;\n" if setup.long_names else ""
    if setup.target == "nginx":
        http = bucket + "\n".join(f"    include {name};" for name in files)
        return WRAPPER.format(http=http), dict(files)
    if setup.target == "nginx-proxy-manager":
        listens = "\n".join(f"        listen {a.nginx};" for a in setup.listens)
        http = (f"{bucket}    include {npm.HTTP_FILE};\n    server {{\n{listens}\n"
                f"        server_name {' '.join(setup.server_names)};\n"
                f"        include {npm.ADVANCED_FILE};\n    }}")
        return WRAPPER.format(http=http), {k: v for k, v in files.items()
                                           if k != npm.HOST_FILE}
    return None


def check_result(result: Result, setup: Setup, nginx: str | None = None) -> Check:
    conf = wrapped(result, setup)
    if conf is None:
        return Check(False, f"nginx cannot test a {setup.target} manifest", skipped=True)
    return check_conf(conf[0], conf[1], nginx=nginx)
