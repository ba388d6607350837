"""`tui.state.Wizard` without a terminal: which setup fields apply, and what they generate."""

from __future__ import annotations

import pytest

from wsguide.errors import UserError
from wsguide.tui.state import Field, Wizard, check_value


def _field(wizard: Wizard, name: str, cid: str | None = None) -> Field:
    return next(f for f in wizard.fields(cid) if f.name == name)


def test_site_fields_apply_only_when_relevant(test_kb):
    w = Wizard(test_kb)
    cert, sticky, name = _field(w, "cert"), _field(w, "sticky"), _field(w, "backend_tls_name")
    assert not w.relevant(cert, {"tls": "no"}) and w.relevant(cert, {"tls": "yes"})
    assert not w.relevant(sticky, {"more_backends": " "})
    assert w.relevant(sticky, {"more_backends": "10.0.0.2:80"}) and w.relevant(sticky, {"socketio": "yes"})
    # An https:// backend is backend TLS even when the box is not ticked.
    assert w.relevant(name, {"upstream": "https://app.internal:8443"})
    assert not w.relevant(name, {"backend_tls": "yes", "backend_tls_verify": "no"})


def test_a_cause_form_asks_its_variables_then_only_the_uncovered_site_options(test_kb):
    w = Wizard(test_kb)
    names = [f.name for f in w.fields("proxy-read-timeout")]
    assert names[:4] == ["host", "ws_path", "upstream", "timeout"]  # the fix's own, first
    assert names.count("host") == 1 and names.count("timeout") == 1  # not asked twice
    assert {"tls", "cert", "socketio", "more_backends", "backend_tls", "listen"} <= set(names)


def test_example_values_are_placeholders_not_values(test_kb):
    w = Wizard(test_kb)
    host = _field(w, "host")
    assert host.initial == "" and host.example == "e.g. chat.example.com"
    assert _field(w, "ws_path").initial == "/ws"  # a working default stays a value


def test_hidden_fields_are_not_used(test_kb):
    w = Wizard(test_kb)
    config = w.build_config(None, {"host": "a.example.com", "ws_path": "/ws", "upstream": "127.0.0.1:8000",
                                   "tls": "no", "cert": "/nonexistent", "socketio": "no", "sticky": "hash"})
    assert "ssl_certificate" not in config.text() and "hash $remote_addr" not in config.text()


@pytest.mark.parametrize(("kind", "value", "says"), [
    ("host", "a;b}", "host name"), ("backend", "127.0.0.1:99999", "1 to 65535"), ("listen", "99999", "65535"),
    ("backends", "10.0.0.2:80 nope", "HOST:PORT"), ("cert", "/nonexistent.pem", "readable file"),
    ("hostname", "bad_name", "host name"),
])
def test_bad_values_say_what_to_write(kind, value, says):
    with pytest.raises(UserError, match=says):
        check_value(kind, value)


def test_live_test_options(tmp_path):
    """The live screen's options: Origin, skip TLS verification, an nginx error.log as typed."""
    log = tmp_path / "error.log"
    log.write_text("old line\n")
    target, options = Wizard.probe_target("wss://10.0.0.5/ws", "3", origin=" https://chat.internal ",
                                          insecure=True, error_log=f" {log} ")
    assert (target.port, options.idle, options.origin, options.insecure, options.error_logs) == (
        443, 3.0, "https://chat.internal", True, (str(log),))
    assert Wizard.probe_target("ws://h/ws", "")[1].error_logs == ()
    assert Wizard.error_log_problem("") == "" and Wizard.error_log_problem(str(log)) == ""
    assert "no such file" in Wizard.error_log_problem(str(tmp_path / "nope.log"))
    assert "is a directory" in Wizard.error_log_problem(str(tmp_path))
    with pytest.raises(UserError, match="error log: .*no such file"):
        Wizard.probe_target("ws://h/ws", "0", error_log=str(tmp_path / "nope.log"))
    with pytest.raises(UserError, match="is not an origin"):
        Wizard.probe_target("ws://h/ws", "0", origin="a\nb")
