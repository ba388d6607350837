"""Named checks: what the condition language of `audit:` rules cannot say.

A rule uses one as `- check: NAME`. Each takes the evaluator and the block in scope and returns
a Match (the check holds; the match is what the finding names) or None. Keep this list short:
anything expressible as present/missing/compare/follow belongs in the YAML. The names are
listed in `wsguide/kb/model.py` (AUDIT_CHECKS) so that `wsguide kb check` can validate them
without importing this package; tests/audit checks the two lists agree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from .rules import Match, effective

if TYPE_CHECKING:
    from .parse import Node
    from .rules import Evaluator


def slash_redirect(ev: Evaluator, loc: Node) -> Match | None:
    """`location /ws/ { proxy_pass ...; }` answers a request for /ws with a 301 to /ws/ (nginx's
    special handling of prefix locations ending in '/' with proxy_pass), unless another
    location is exactly /ws. WebSocket clients do not follow redirects."""
    if loc.name != "location" or not loc.args:
        return None
    args = loc.args
    if not (len(args) == 1 or (len(args) == 2 and args[0] == "^~")):
        return None  # exact and regex locations get no automatic redirect
    path = args[-1]
    if len(path) < 2 or not path.endswith("/"):
        return None
    bare = path[:-1]
    parent = loc.parent
    for sibling in parent.block or () if parent else ():
        if sibling.name == "location" and sibling is not loc and sibling.args and sibling.args[-1] == bare:
            return None  # `location = /ws` or `location /ws` takes the request instead
    return Match(loc, bare, loc.text)


def client_path_redirected(ev: Evaluator, loc: Node) -> Match | None:
    """slash-redirect, and a path the user gave with --ws-path is the one that gets the 301."""
    match = slash_redirect(ev, loc)
    if match is None or match.value not in ev.options.ws_paths:
        return None
    return match


# Variables nginx (and its common modules) define; $http_*, $arg_* and the like by prefix.
BUILTIN_VARIABLES = frozenset(
    """
ancient_browser arg_ args binary_remote_addr body_bytes_sent bytes_received bytes_sent connection
connection_requests connection_time connections_active connections_reading connections_waiting
connections_writing content_length content_type cookie_ date_gmt date_local document_root
document_uri fastcgi_path_info fastcgi_script_name gzip_ratio host hostname http_ https
invalid_referer is_args jwt_ limit_conn_status limit_rate limit_req_status modern_browser msec
msie nginx_version pid pipe proxy_add_x_forwarded_for proxy_host proxy_port proxy_protocol_addr
proxy_protocol_port proxy_protocol_server_addr proxy_protocol_server_port proxy_protocol_tlv_
query_string realip_remote_addr realip_remote_port realpath_root remote_addr remote_port
remote_user request request_body request_body_file request_completion request_filename
request_id request_length request_method request_time request_uri scheme secure_link
secure_link_expires sent_http_ sent_trailer_ server_addr server_name server_port
server_protocol session_log_binary_id session_log_id slice_range spdy spdy_request_priority
ssl_alpn_protocol ssl_cipher ssl_ciphers ssl_client_cert ssl_client_escaped_cert
ssl_client_fingerprint ssl_client_i_dn ssl_client_i_dn_legacy ssl_client_raw_cert
ssl_client_s_dn ssl_client_s_dn_legacy ssl_client_serial ssl_client_v_end ssl_client_v_remain
ssl_client_v_start ssl_client_verify ssl_curve ssl_curves ssl_early_data ssl_preread_alpn_protocols
ssl_preread_protocol ssl_preread_server_name ssl_protocol ssl_server_name ssl_session_id
ssl_session_reused status tcpinfo_rcv_space tcpinfo_rtt tcpinfo_rttvar tcpinfo_snd_cwnd time_iso8601
time_local uid_got uid_reset uid_set upstream_addr upstream_bytes_received upstream_bytes_sent
upstream_cache_status upstream_connect_time upstream_cookie_ upstream_header_time upstream_http_
upstream_queue_time upstream_response_length upstream_response_time upstream_status
upstream_trailer_ uri http2 http3 geoip_ geoip2_ realip_ auth_ cookie_
""".split()  # noqa: SIM905 - a word list reads better than 130 quoted strings
)
_PREFIXES = tuple(v for v in BUILTIN_VARIABLES if v.endswith("_"))
_USED = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_CAPTURE = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")
_DEFINES_LAST = {"map": 1, "split_clients": 1, "set": 0, "perl_set": 0, "js_set": 0, "auth_request_set": 0,
                 "auth_jwt_claim_set": 0}


def _defined(ev: Evaluator) -> set[str]:
    """Variables the config defines: map, geo, set, split_clients, *_set, named regex captures."""
    cached = ev.memo.get("defined")
    if cached is not None:
        return cached
    out: set[str] = set()
    ev.memo["defined"] = out
    for n in ev.config.nodes:
        if n.name == "geo" and n.args:
            out.add(n.args[-1].lstrip("$").lower())
        elif n.name in _DEFINES_LAST and len(n.args) > _DEFINES_LAST[n.name]:
            out.add(n.args[_DEFINES_LAST[n.name]].lstrip("$").lower())
        for a in [n.name, *n.args]:
            out.update(c.lower() for c in _CAPTURE.findall(a))
    return out


def undefined_variable(ev: Evaluator, node: Node) -> Match | None:
    """A variable in this location's proxy_pass or proxy_set_header that nothing defines:
    `nginx -t` fails with 'unknown "connection_upgrade" variable'. Complete configs only."""
    defined = _defined(ev)
    for inst in [*node.own("proxy_pass"), *effective(node, "proxy_set_header")]:
        for arg in inst.args[1:] if inst.name == "proxy_set_header" else inst.args:
            for var in _USED.findall(arg):
                low = var.lower()
                if low.isdigit() or low in BUILTIN_VARIABLES or low.startswith(_PREFIXES) or low in defined:
                    continue
                return Match(inst, f"${var}", inst.text)
    return None


CHECKS: dict[str, Callable[[Evaluator, Node], Match | None]] = {
    "slash-redirect": slash_redirect,
    "client-path-redirected": client_path_redirected,
    "undefined-variable": undefined_variable,
}
