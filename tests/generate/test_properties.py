"""Property tests: any valid input gives a config real `nginx -t` accepts; any input carrying
nginx syntax exits 2 and prints nothing."""

from __future__ import annotations

import pytest
from gen_support import PKI, run_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wsguide.errors import UserError
from wsguide.generate import nginx_check
from wsguide.generate.config import generate
from wsguide.generate.params import Options, validate

LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
HOST = st.builds(lambda labels, tld: ".".join([*labels, tld]),
                 st.lists(LABEL, min_size=1, max_size=3), st.sampled_from(["test", "example",
                                                                          "io", "xn--p1ai"]))
SERVER_NAME = st.one_of(HOST, HOST.map(lambda h: "*." + h), HOST.map(lambda h: "." + h),
                        HOST.map(lambda h: h + ".*"), st.just("localhost"),
                        st.just("203.0.113.7"), HOST.map(str.upper))
SEGMENT = st.from_regex(r"[A-Za-z0-9_~!&*+,=:@-][A-Za-z0-9._~!&*+,=:@-]{0,12}", fullmatch=True)
PATH = st.builds(lambda segs, slash: "/" + "/".join(segs) + ("/" if slash and segs else ""),
                 st.lists(SEGMENT, max_size=3), st.booleans())
PORT = st.integers(1, 65535)
BACKEND = st.one_of(
    PORT.map(lambda p: f"127.0.0.1:{p}"), PORT.map(lambda p: f"[::1]:{p}"),
    PORT.map(lambda p: f"localhost:{p}"), PORT.map(lambda p: f"http://10.1.2.3:{p}/"),
    st.from_regex(r"unix:/run/[a-z0-9_.-]{1,20}\.sock", fullmatch=True),
)
UNIT = st.sampled_from(["", "s", "m", "h", "ms"])
DURATION = st.one_of(st.integers(1, 86400).map(str),
                     st.builds(lambda n, u: f"{n}{u}", st.integers(1, 100), UNIT),
                     st.builds(lambda h, m: f"{h}h{m}m", st.integers(1, 23), st.integers(1, 59)))
LISTEN = st.one_of(st.integers(20000, 60000).map(str),
                   st.integers(20000, 60000).map(lambda p: f"127.0.0.1:{p}"),
                   st.integers(20000, 60000).map(lambda p: f"[::1]:{p}"))


@st.composite
def options(draw: st.DrawFn, pki: PKI) -> Options:
    names = draw(st.lists(SERVER_NAME, max_size=3))
    if draw(st.booleans()) and not names:
        names = ["_"]
    socketio = draw(st.booleans())
    tls = draw(st.booleans())
    backend_tls = draw(st.sampled_from(["off", "verify", "noverify"]))
    target = draw(st.sampled_from(["nginx", "nginx", "nginx-proxy-manager"]))
    listen = draw(st.lists(LISTEN, max_size=2, unique=True))
    return Options(
        server_names=names,
        paths=draw(st.lists(PATH, max_size=3, unique=True)),
        backends=draw(st.lists(BACKEND, min_size=1, max_size=3, unique=True)),
        sticky=draw(st.sampled_from([None, "ip_hash", "hash", "none"])),
        tls=tls, cert=str(pki.cert) if tls else None, key=str(pki.key) if tls else None,
        redirect=draw(st.booleans()),
        redirect_from=draw(st.one_of(st.none(), st.integers(20000, 60000).map(str))) if tls
        else None,
        backend_tls=backend_tls != "off", backend_tls_verify=backend_tls == "verify",
        backend_tls_name=draw(HOST) if backend_tls == "verify" else None,
        backend_ca=str(pki.ca) if backend_tls == "verify" and draw(st.booleans()) else None,
        idle_timeout=draw(st.one_of(st.none(), DURATION)),
        ping_interval=draw(st.one_of(st.none(), DURATION)),
        lb_timeout=draw(st.one_of(st.none(), DURATION)),
        max_body_size=draw(st.one_of(st.none(), st.sampled_from(["1m", "512k", "10M", "1g"]))),
        socketio=socketio, listen=listen,
        nginx_version=draw(st.one_of(st.none(), st.sampled_from(["1.18.0", "1.22.1", "1.25",
                                                                 "1.29.7", "1.30.0"]))),
        target=target, standalone=target == "nginx" and draw(st.booleans()),
    )


@pytest.mark.nginx
def test_valid_inputs_pass_nginx_t(nginx_bin: str, pki: PKI) -> None:
    @settings(max_examples=100, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(data=st.data())
    def prop(data: st.DataObject) -> None:
        opts = data.draw(options(pki))
        try:
            setup = validate(opts)
        except UserError:
            # Some drawn combinations are invalid by design (e.g. two listens that collide
            # with the redirect port); only valid setups make the nginx -t claim.
            return
        result = generate(setup)
        check = nginx_check.check_result(result, setup, nginx=nginx_bin)
        assert check.ok, f"{opts}\n{check.output}\n{result.text()}"

    prop()


BAD_CHARS = [";", "{", "}", '"', "'", "$", "\n", "#", "\\", " ;", "\r", "\x00"]
OPTIONS = ["--server-name", "--path", "--backend", "--listen", "--idle-timeout",
           "--ping-interval", "--lb-timeout", "--max-body-size", "--nginx-version",
           "--backend-tls-name", "--redirect-from", "--cert", "--key", "--backend-ca"]
GOOD = {"--server-name": "chat.test", "--path": "/ws", "--backend": "127.0.0.1:8000",
        "--listen": "8080", "--idle-timeout": "90s", "--ping-interval": "25",
        "--lb-timeout": "60", "--max-body-size": "1m", "--nginx-version": "1.22.1",
        "--backend-tls-name": "backend.test", "--redirect-from": "8081"}


@settings(max_examples=300, deadline=None, derandomize=True)
@given(option=st.sampled_from(OPTIONS), before=st.text(max_size=8), bad=st.sampled_from(BAD_CHARS),
       after=st.text(max_size=8), template=st.sampled_from(["{b}{x}{a}", "{g}{x}", "{x}{g}",
                                                            "{g}{x} include /etc/passwd"]))
def test_injection_exits_2_and_prints_nothing(option: str, before: str, bad: str, after: str,
                                              template: str) -> None:
    good = GOOD.get(option, "/tmp/x.pem")
    value = template.format(b=before, x=bad, a=after, g=good)
    argv = ["--backend", "127.0.0.1:8000", "--server-name", "chat.test"]
    if option in ("--cert", "--key", "--redirect-from"):
        argv += ["--tls", "--cert", "/tmp/x.pem", "--key", "/tmp/x.pem"]
    if option in ("--backend-tls-name", "--backend-ca"):
        argv += ["--backend-tls"]
    rc, out, err = run_config([*argv, f"{option}={value}"])
    assert rc == 2, (option, value, out)
    assert out == ""
    assert err.startswith("wsguide: error:") and err.count("\n") == 1


@settings(max_examples=300, deadline=None, derandomize=True)
@given(option=st.sampled_from(OPTIONS), value=st.text(max_size=30))
def test_any_text_is_accepted_or_refused_cleanly(option: str, value: str) -> None:
    """No traceback for any value: exit 0 with a config, or exit 2 with one line and no output."""
    argv = ["--backend", "127.0.0.1:8000"]
    if option in ("--cert", "--key", "--redirect-from"):
        argv += ["--tls", "--cert", "/nonexistent.pem", "--key", "/nonexistent.pem"]
    if option in ("--backend-tls-name", "--backend-ca"):
        argv += ["--backend-tls"]
    rc, out, err = run_config([*argv, f"{option}={value}"])
    assert rc in (0, 2)
    if rc == 2:
        assert out == "" and err.count("\n") == 1
