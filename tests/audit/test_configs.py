"""What a user notices when auditing real config trees: includes, globs, snippets, inheritance."""

from __future__ import annotations

import pytest

from .conftest import causes

WS_LOCATION = """
location /ws {
    proxy_pass http://127.0.0.1:8000;
    proxy_http_version 1.1;
    proxy_set_header Upgrade $ws_upgrade;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $host;
    proxy_read_timeout 1h;
}
"""
MAPS = """
map $http_upgrade $ws_upgrade { default ""; ~*^websocket$ $http_upgrade; }
map $http_upgrade $connection_upgrade { default ""; ~*^websocket$ upgrade; }
"""
MAIN = """
error_log logs/error.log info;
events { worker_connections 4096; }
http {
    include conf.d/*.conf;
    include sites-enabled/*;
}
"""


def test_includes_and_globs_are_followed_with_the_right_file_and_line(audit_conf):
    site = "server {\n    listen 80;\n    location /ws {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n"
    result = audit_conf({"nginx.conf": MAIN, "conf.d/maps.conf": MAPS, "sites-enabled/chat": site})
    assert [f.rsplit("/", 2)[-1] for f in result.files] == ["nginx.conf", "maps.conf", "chat"]
    missing = [f for f in result.findings if f.cause == "missing-upgrade-headers"]
    assert len(missing) == 1
    assert missing[0].file.endswith("sites-enabled/chat") and missing[0].line == 3
    assert missing[0].location == "/ws"


def test_a_clean_tree_with_includes_has_no_findings(audit_conf):
    site = f"server {{\n    listen 80;\n    server_name chat.example.com;\n{WS_LOCATION}}}\n"
    result = audit_conf({"nginx.conf": MAIN, "conf.d/maps.conf": MAPS, "sites-enabled/chat": site})
    assert result.findings == []
    assert result.ws_locations == 1


def test_the_map_in_another_included_file_defines_the_variable(audit_conf):
    site = f"server {{\n{WS_LOCATION}}}\n"
    result = audit_conf({"nginx.conf": MAIN, "conf.d/maps.conf": MAPS, "sites-enabled/chat": site})
    assert "map-outside-http" not in causes(result)
    result = audit_conf({"nginx.conf": MAIN, "conf.d/maps.conf": "# no maps\n", "sites-enabled/chat": site})
    undefined = [f for f in result.findings if f.cause == "map-outside-http"]
    assert undefined and "$ws_upgrade" in undefined[0].message


def test_include_of_proxy_params_counts_as_the_locations_own_headers(audit_conf):
    conf = """
server {
    proxy_http_version 1.1;
    proxy_set_header Upgrade $http_upgrade;
    proxy_set_header Connection "upgrade";
    location /ws {
        proxy_pass http://127.0.0.1:8000;
        include proxy_params;
    }
}
"""
    result = audit_conf({"site.conf": conf, "proxy_params": "proxy_set_header Host $http_host;\n"})
    hit = [f for f in result.findings if f.cause == "proxy-set-header-inheritance"]
    assert hit and hit[0].file.endswith("proxy_params") and hit[0].line == 1
    assert "missing-upgrade-headers" not in causes(result)  # one cause for one mistake


def test_a_missing_include_is_a_note_not_a_failure(audit_conf):
    conf = "events {}\nhttp {\n    include /etc/nginx/mime.types.does-not-exist;\n}\n"
    result = audit_conf(conf)
    assert result.notes and "mime.types.does-not-exist: not found, skipped" in result.notes[0]
    assert ":3: include" in result.notes[0]


def test_absolute_etc_nginx_includes_resolve_inside_a_copied_tree(audit_conf):
    main = MAIN.replace("include conf.d/*.conf;", "include /etc/nginx/conf.d/*.conf;")
    result = audit_conf({"nginx.conf": main, "conf.d/maps.conf": MAPS,
                         "sites-enabled/chat": f"server {{\n{WS_LOCATION}}}\n"})
    assert any(f.endswith("conf.d/maps.conf") for f in result.files)
    assert result.findings == []


def test_an_include_loop_is_reported_and_stops(audit_conf):
    result = audit_conf({"a.conf": "server { include b.conf; }\n", "b.conf": "include b.conf;\n"})
    assert any("includes itself" in n for n in result.notes)


@pytest.mark.parametrize("snippet", [
    "server {\n    listen 80;\n    location /ws { proxy_pass http://127.0.0.1:8000; }\n}\n",
    "location /ws {\n    proxy_pass http://127.0.0.1:8000;\n}\n",
    "listen 80;\nlocation /ws {\n    proxy_pass http://127.0.0.1:8000;\n}\n",
])
def test_snippets_are_audited_in_their_context(audit_conf, snippet):
    result = audit_conf({"snippet.conf": snippet})
    assert "missing-upgrade-headers" in causes(result)
    assert not any(f.cause == "worker-connections" for f in result.findings)  # no events{} in a snippet


def test_a_location_body_snippet_needs_ws_path(audit_conf):
    body = "proxy_pass http://127.0.0.1:8000;\nproxy_http_version 1.1;\n"
    assert audit_conf({"ws-body.conf": body}).findings == []
    result = audit_conf({"ws-body.conf": body}, ws_paths=["/ws"])
    assert "missing-upgrade-headers" in causes(result)


def test_snippet_files_given_together_share_one_http(audit_conf):
    upstream = "upstream app { server 127.0.0.1:8001; server 127.0.0.1:8002; }\n"
    site = ("server {\n    location /socket.io/ {\n        proxy_pass http://app;\n"
            "        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n")
    result = audit_conf({"up.conf": upstream, "site.conf": site}, "up.conf", "site.conf")
    sticky = [f for f in result.findings if f.cause == "sticky-sessions"]
    assert sticky and sticky[0].severity == "error" and "upstream app" in sticky[0].message


def test_ws_path_brings_any_location_into_scope_and_names_the_redirect(audit_conf):
    conf = "server {\n    location /live/ {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n"
    assert audit_conf(conf).findings == []  # /live is not a WebSocket-looking path
    result = audit_conf(conf, ws_paths=["/live"])
    path = [f for f in result.findings if f.cause == "path-mismatch"]
    assert path and path[0].severity == "error" and "/live" in path[0].message


def test_inheritance_from_server_and_http_levels(audit_conf):
    conf = """
events {}
http {
    proxy_read_timeout 30s;
    server {
        location /ws {
            proxy_pass http://127.0.0.1:8000;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
        }
        location /feed/ws {
            proxy_pass http://127.0.0.1:8000;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_read_timeout 1h;
        }
    }
}
"""
    timeouts = [f for f in audit_conf(conf).findings if f.cause == "proxy-read-timeout"]
    assert [(t.location, t.line, t.severity) for t in timeouts] == [("/ws", 4, "warning")]


def test_http_version_rule_depends_on_the_nginx_version(audit_conf):
    conf = ("location /ws {\n    proxy_pass http://127.0.0.1:8000;\n"
            "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection upgrade;\n}\n")
    assert "http10-upstream" in causes(audit_conf(conf))
    assert "http10-upstream" in causes(audit_conf(conf, nginx_version=(1, 28, 0)))
    assert "http10-upstream" not in causes(audit_conf(conf, nginx_version=(1, 29, 7)))


def test_findings_are_sorted_by_file_then_line(audit_conf):
    conf = MAIN.replace("worker_connections 4096", "worker_connections 16")
    site = "server {\n    location /ws {\n        proxy_pass http://localhost:8000;\n    }\n}\n"
    result = audit_conf({"nginx.conf": conf, "conf.d/maps.conf": MAPS, "sites-enabled/a": site})
    keys = [(result.files.index(f.file), f.line) for f in result.findings]
    assert keys == sorted(keys)
    assert {"worker-connections", "ipv6-localhost-mismatch", "missing-upgrade-headers"} <= causes(result)


def test_nginx_syntax_that_trips_naive_parsers(audit_conf):
    conf = """
server {
    location /ws {  # the socket
        if ($http_upgrade != "websocket") { return 426; }
        add_header X-Test "a } b ; c" always;
        content_by_lua_block {
            ngx.say("}")
        }
        proxy_pass http://127.0.0.1:8000;
        proxy_http_version 1.1;
    }
}
"""
    result = audit_conf(conf)
    missing = [f for f in result.findings if f.cause == "missing-upgrade-headers"]
    assert missing and missing[0].line == 3


def test_a_header_set_twice_points_at_the_line_to_delete(audit_conf):
    """include proxy_params (which sets Host) plus the location's own Host line: nginx sends
    both; the finding names the location's line, not the shared proxy_params file."""
    site = ("server {\n    location /ws {\n        include proxy_params;\n"
            "        proxy_pass http://127.0.0.1:8000;\n        proxy_http_version 1.1;\n"
            "        proxy_set_header Host $host;\n        proxy_set_header Upgrade $ws_upgrade;\n"
            "        proxy_set_header Connection $connection_upgrade;\n    }\n}\n")
    result = audit_conf({"nginx.conf": MAIN, "conf.d/maps.conf": MAPS, "sites-enabled/chat": site,
                         "proxy_params": "proxy_set_header Host $http_host;\n"})
    dup = [f for f in result.findings if f.cause == "duplicate-proxy-headers"]
    assert len(dup) == 1 and dup[0].severity == "error"
    assert dup[0].file.endswith("sites-enabled/chat") and dup[0].line == 6
    once = site.replace("        proxy_set_header Host $host;\n", "")
    clean = audit_conf({"nginx.conf": MAIN, "conf.d/maps.conf": MAPS, "sites-enabled/chat": once,
                        "proxy_params": "proxy_set_header Host $http_host;\n"})
    assert "duplicate-proxy-headers" not in causes(clean)
