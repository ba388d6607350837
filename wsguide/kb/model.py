"""The shape of a knowledge-base entry (`knowledge/causes/<id>.yaml`) and the question bank.

Read this file to learn what an entry may contain; `knowledge/README.md` explains each part
with an example. Loaded entries are plain dicts of exactly this shape (JSON-ready, so the
compiled index can be cached and read back without PyYAML).
"""

from __future__ import annotations

from .shape import Bool, Enum, F, ListOf, MapOf, Num, Obj, Ref, Str

ID = r"[a-z0-9][a-z0-9-]*"
ID_HELP = "an id of lowercase letters, digits and '-'"

LAYERS = ("client", "cdn", "platform", "nginx", "backend", "network")
STAGES = ("handshake", "after-connect", "config-test", "intermittent", "setup")
KINDS = ("failure", "risk")
SOURCES = (
    "browser-console",
    "nginx-error-log",
    "nginx-access-log",
    "nginx-t",
    "backend-log",
    "client-exception",
    "curl",
    "platform-log",
    "http-response",
    "user-description",  # how people describe it ("drops every minute"): supporting only
    "probe",  # `wsguide probe`'s own evidence lines ("wsguide probe: ..."; wsguide/probe/evidence.py)
)
STRENGTHS = ("strong", "supporting")
VERDICTS = ("false", "partly", "true")

id_str = Str(pattern=ID, pattern_help=ID_HELP)
text = Str()

SIGNATURE = Obj(
    doc="A phrase a real program prints. Matched line by line, case-insensitively.",
    fields={
        "id": F(id_str, True, "Unique within the entry."),
        "source": F(Enum(SOURCES), True, "Which program prints this text."),
        "regex": F(Str(), doc="An RE2 regular expression (no backreferences or lookaround)."),
        "all": F(ListOf(Str(), min_items=1), doc="Literal phrases that must all appear in one line."),
        "none": F(ListOf(Str(), min_items=1), doc="Literal phrases that must not appear in that line."),
        "strength": F(Enum(STRENGTHS), True,
                      "strong: this text alone names the cause; supporting: only adds weight."),
        "weight": F(Num(minimum=0.05, maximum=0.99),
                    doc="Confidence this match gives on its own (default 0.9 strong, 0.35 supporting)."),
        "group": F(Str(pattern=ID, pattern_help=ID_HELP),
                   doc="Signatures of one cause in the same group are one fact seen by several programs "
                       "(a 502 in Chrome, curl and a client): they count once, at the highest weight."),
        "note": F(Str(), doc="What the text means, for reviewers."),
    },
    one_of=(("regex", "all"),),
)

MESSAGE = Obj(
    doc="An error message exactly as a program prints it (shown in runbooks and the wizard).",
    fields={
        "source": F(Enum(SOURCES), True),
        "program": F(Str(), True, "Who prints it, e.g. 'Chrome', 'nginx 1.22 error.log [info]'."),
        "text": F(Str(), True, "The exact output; with `silent`, words saying what is (not) printed."),
        "silent": F(Bool(), doc="The program prints nothing for this cause: `text` says so in words "
                                "('Nothing in the console; the close event has code 1006') and "
                                "runbooks show it as prose, not as quoted output."),
    },
)

EVIDENCE = Obj(
    doc="An edge of the decision graph: an answer to a question that argues for (or against) this cause.",
    fields={
        "question": F(id_str, True, "A question id from knowledge/questions.yaml."),
        "expect": F(ListOf(id_str, min_items=1), True, "Answer ids of that question."),
        "weight": F(Num(minimum=-5, maximum=5), True,
                    "Log-likelihood weight: +3 strong support, +1 mild, negative argues against."),
    },
)

VARIABLE = Obj(
    fields={
        "default": F(Str(), True, "Example value used in runbooks and tests."),
        "ask": F(Str(), True, "The question the wizard asks to fill it in."),
        "kind": F(Enum(("host", "path", "backend", "url", "duration", "size", "port", "text",
                        "number", "origin")),
                  doc="How the value is validated (see wsguide/generate/params.py)."),
    },
)

SNIPPET = Obj(
    doc="Application-side or platform-specific code that goes with the fix.",
    fields={
        "for": F(Str(), True, "The framework, library or platform, e.g. 'Node ws', 'ingress-nginx'."),
        "title": F(Str(), True),
        "lang": F(Str(pattern=r"[a-z0-9+-]+", pattern_help="a code-fence language"), True),
        "code": F(Str(), True),
    },
)

FIX = Obj(
    fields={
        "summary": F(Str(), True, "The fix in one line."),
        "variables": F(MapOf(VARIABLE), doc="Named values the template uses."),
        "template": F(Str(), doc="The nginx fix for server{} context (usually a location) as a jinja2 template."),
        "http_template": F(Str(), doc="Part of the fix for http{} context: upstream{}, limit_*_zone, map."),
        "main_template": F(Str(), doc="Part of the fix for the main context: worker_* directives, events{}."),
        "steps": F(ListOf(Str()), doc="Fix steps that are not config (commands, clicks); jinja2 variables allowed."),
        "app": F(ListOf(SNIPPET), doc="Application-side code, where the fix lives in the app."),
        "platforms": F(ListOf(SNIPPET), doc="Platform variants (ingress-nginx, NPM, Docker, ...)."),
    },
)

VERIFY = Obj(
    fields={
        "step": F(Str(), True),
        "run": F(Str(), doc="The exact command (jinja2 variables allowed)."),
        "expect": F(Str(), True, "What a good result looks like."),
    },
)

MYTH = Obj(
    fields={
        "claim": F(Str(), True, "What popular advice says."),
        "verdict": F(Enum(VERDICTS), True),
        "truth": F(Str(), True, "What was measured (research/nginx-behaviour.md or a lab)."),
    },
)

BACKEND_NOTE = Obj(fields={"backend": F(Str(), True), "note": F(Str(), True)})

TEST_TEXT = Obj(fields={"text": F(Str(), True), "why": F(Str(), doc="Why this text belongs here.")})

TESTS = Obj(
    fields={
        "lookup": F(Obj(fields={
            "match": F(ListOf(TEST_TEXT), doc="Texts that must rank this cause first."),
            "top3": F(ListOf(TEST_TEXT), doc="Texts that must rank this cause in the top three."),
            "no_match": F(ListOf(TEST_TEXT), doc="Look-alikes that must not rank it first."),
        })),
        "fix": F(Obj(fields={"vars": F(MapOf(Str()), True)}),
                 doc="Variables for the fix-render test."),
        "exempt": F(MapOf(Str(), key_pattern=r"breadth|examples"),
                    doc="Why a completeness bar cannot apply: breadth (4 signatures from 2 sources) or "
                        "examples (3 match / 2 no_match), e.g. only `nginx -t` ever reports it."),
    },
)

LAB_SOURCES = ("error_log", "exception", "status_line", "body", "config_test", "backend_log",
               "client_log", "config")
LAB_REQUIREMENTS = ("ipv6",)

LAB_EXPECT = Obj(
    doc="What a lab run must observe (every key given is checked; see tests/labs/README.md).",
    fields={
        "config_test": F(Str(), doc="`nginx -t` fails and its output contains this text."),
        "status": F(Num(integer=True, minimum=0, maximum=599),
                    doc="HTTP status of the handshake as curl sees it; 101 = upgraded, 0 = none."),
        "location": F(Str(), doc="Regex the Location header of that response matches."),
        "body": F(Str(), doc="Regex the response body matches."),
        "exception": F(Str(), doc="Text contained in the python client's exception."),
        "echo": F(Bool(), doc="A message was echoed back through nginx."),
        "close_code": F(Num(integer=True, minimum=1000, maximum=4999),
                        doc="Close code the client received."),
        "drop_after": F(Num(minimum=0), doc="Seconds of silence after which it dropped (+-0.75)."),
        "open_after": F(Num(minimum=0), doc="Still open after this many seconds of silence."),
        "error_log": F(ListOf(Str(), min_items=1),
                       doc="Regexes, each matching an error.log line written during the run."),
        "error_log_absent": F(ListOf(Str(), min_items=1),
                              doc="Regexes no error.log line of the run may match."),
        "backend_saw": F(ListOf(Str(), min_items=1),
                         doc="Regexes, each matching a request the backend logged "
                             "('GET /path upgrade=... connection=... host=...')."),
        "backend_not_saw": F(ListOf(Str(), min_items=1), doc="Regexes no backend request matches."),
        "backend_log": F(ListOf(Str(), min_items=1), doc="Regexes on the backend's own output."),
        "upstream_connections": F(Num(integer=True, minimum=0),
                                  doc="Distinct TCP connections nginx opened for the plain GETs."),
        "post_status": F(Num(integer=True, minimum=0, maximum=599),
                         doc="Status of the plain POST (client `big post=N`)."),
        "opened": F(Num(integer=True, minimum=0), doc="WebSockets opened (client `many`)."),
        "connected": F(Bool(), doc="socket.io client connected (client `sio`)."),
        "transport": F(Str(), doc="socket.io transport after connecting (client `sio`)."),
        "served_by": F(ListOf(Str(), min_items=1), doc="Backends that answered (client `sio`)."),
        "subprotocol": F(Str(), doc="Subprotocol the client negotiated."),
        "front_log": F(ListOf(Str(), min_items=1),
                       doc="Regexes, each matching an error.log line of the nginx in front (`front:`)."),
        "echo_after": F(Bool(), doc="The idle socket still echoed after the reload (client `idle reload=S`)."),
        "event_delay_min": F(Num(minimum=0),
                             doc="The first Server-Sent Event arrived no sooner than this (client `sse`)."),
        "event_delay_max": F(Num(minimum=0),
                             doc="The first Server-Sent Event arrived within this many seconds (client `sse`)."),
        "ws_rtt_max": F(Num(minimum=0),
                        doc="Every WebSocket echo round trip took at most this many seconds (client `sse`)."),
    },
)

LAB_BROKEN = Obj(
    doc="The broken variant: config (http{} body), optional main context, backend, client.",
    fields={
        "config": F(Str(), True, "http{} body as jinja2 ({{ listen }}, {{ upstream }}, {{ map }}, ...)."),
        "main": F(Str(), doc="Main-context lines (events{}, error_log); default worker_connections 256."),
        "backend": F(Str(), doc="Overrides the lab's backend for this variant."),
        "client": F(Str(), doc="Overrides the lab's client for this variant."),
        "front": F(Str(), doc="Overrides the lab's `front` (the nginx in front) for this variant."),
        "expect": F(LAB_EXPECT, True),
    },
)

LAB_FIXED = Obj(
    doc="The fixed variant; config defaults to `{{ map }} server { listen {{ listen }}; {{ fix }} }`.",
    fields={
        "config": F(Str(), doc="http{} body; {{ fix }} is the KB fix rendered, {{ broken }} the broken body."),
        "main": F(Str(), doc="Main context; default the broken one ({{ broken_main }})."),
        "backend": F(Str(), doc="Overrides the lab's backend (app-side fixes)."),
        "client": F(Str(), doc="Overrides the lab's client (client-side fixes)."),
        "front": F(Str(), doc="Overrides the lab's `front` (a platform fix in the hop in front)."),
        "expect": F(LAB_EXPECT, True),
    },
)

LAB = Obj(
    doc="A real-nginx lab: the broken config shows the symptom, the KB's fix cures it.",
    fields={
        "backend": F(Str(pattern=r"[a-z0-9-]+( [a-z_]+=\S+)*",
                         pattern_help="'kind key=value ...' (tests/labs/backends.py)"), True,
                     "Backend kind and options from tests/labs/backends.py, e.g. 'ws-echo ping=1'."),
        "client": F(Str(pattern=r"[a-z0-9-]+( [a-z_]+=\S+)*",
                        pattern_help="'scenario key=value ...' (tests/labs/clients.py)"), True,
                    "Client scenario from tests/labs/clients.py, e.g. 'idle secs=4'."),
        "fix_vars": F(MapOf(Str()), doc="Variables for the fix template (jinja2 placeholders allowed)."),
        "broken": F(LAB_BROKEN, True),
        "fixed": F(LAB_FIXED, True),
        "round_trip": F(Obj(fields={
            "sources": F(ListOf(Enum(LAB_SOURCES)),
                         doc="What the broken run printed that lookup must name this cause from "
                             "(top 3); default error_log, exception, status_line, config_test."),
            "first": F(ListOf(Enum(LAB_SOURCES)), doc="Sources specific enough to rank it first."),
            "why": F(Str(), doc="Why sources are left out (required when sources is empty)."),
        }), doc="Lookup round trip on the broken run's output."),
        "skip_reason": F(Str(), doc="Why this lab cannot run everywhere (it is skipped)."),
        "front": F(Str(), doc="http{} body of a second nginx in front (a load balancer) listening "
                              "on {{ front_listen }}; the client then connects to it."),
        "dns": F(Bool(), doc="Start a DNS server answering 127.0.0.1 for every name, at {{ dns }} "
                             "(for `resolver {{ dns }}`)."),
        "requires": F(ListOf(Enum(LAB_REQUIREMENTS)),
                      doc="What the machine must have; the lab is skipped without it (ipv6: ::1)."),
    },
)

# -- audit: static checks of nginx configs (wsguide audit; the language is in docs/audit-rules.md) --

AUDIT_SCOPES = ("ws-location", "location", "server", "upstream", "map", "http", "events", "main")
SEVERITIES = ("error", "warning", "info")
AUDIT_CHECKS = ("slash-redirect", "client-path-redirected", "undefined-variable")
"""Named checks for what the condition language cannot say (wsguide/audit/checks.py)."""
AUDIT_KINDS = ("present", "missing", "duration", "size", "number", "path", "parent", "maps", "follow",
               "nginx", "complete", "check", "any", "all", "not")
"""Each condition has exactly one of these keys; the others are its modifiers."""
AUDIT_FROM = ("effective", "here", "enclosing", "inside", "anywhere")
AUDIT_PLACEHOLDERS = ("location", "directive", "value", "upstream", "server", "ws_path")
"""What `{...}` in a rule's message and fix may name."""

directive = Str(pattern=r"[a-z_][a-z0-9_]*", pattern_help="an nginx directive name")
regex_list = ListOf(Str(nonempty=False), min_items=1)
_condition = Ref("audit_condition")
VERSION = Str(pattern=r"\d+\.\d+(\.\d+)?", pattern_help="an nginx version such as 1.29.7")

AUDIT_CONDITION = Obj(
    doc="One test of a config block. Exactly one kind key (present, missing, duration, ...); "
        "the other keys modify it. Regexes are Python syntax, case-insensitive, and must match "
        "a whole argument.",
    fields={
        "present": F(directive, doc="The directive is in effect (see from) with matching arguments."),
        "missing": F(directive, doc="No instance of the directive with matching arguments is in effect."),
        "duration": F(directive, doc="Compare the directive's time value (90s, 1h, 500ms; bare = seconds)."),
        "size": F(directive, doc="Compare the directive's size value (1k, 8m; bare = bytes; 0 = unlimited)."),
        "number": F(directive, doc="Compare the directive's numeric value."),
        "path": F(Str(), doc="Regex the location's match (modifier and path, e.g. '= /ws', '/ws/') fully matches."),
        "parent": F(Str(), doc="Regex the name of the enclosing block (http, server, location, if ...) fully "
                               "matches; a snippet's top level counts as http."),
        "maps": F(Str(nonempty=False),
                  doc="Inside follow: header-map: the value the map gives for this input key ('' = empty "
                      "header, default = anything else); compared with `to`."),
        "to": F(Str(nonempty=False), doc="Regex the map value of `maps` fully matches."),
        "follow": F(Enum(("upstream", "header-map")),
                    doc="Test another block: upstream = the upstream{} this location's proxy_pass names; "
                        "header-map = the map{} defining the variable `proxy_set_header HEADER` uses."),
        "header": F(Str(), doc="With follow: header-map, the request header (Upgrade, Connection)."),
        "when": F(ListOf(_condition, min_items=1),
                  doc="With follow: conditions on that block (all must hold); without, follow holds when "
                      "the block exists."),
        "nginx": F(Obj(fields={
            "below": F(VERSION, doc="True when the nginx version (--nginx-version) is older."),
            "at_least": F(VERSION, doc="True when the nginx version is this or newer."),
            "unknown": F(Bool(), doc="The result when no version was given (default false)."),
        }), doc="Compare the nginx version the user named with --nginx-version."),
        "complete": F(Bool(), doc="true: only when the input is a whole nginx.conf (main context seen)."),
        "check": F(Enum(AUDIT_CHECKS), doc="A named check in wsguide/audit/checks.py."),
        "any": F(ListOf(_condition, min_items=2), doc="At least one of these conditions holds."),
        "all": F(ListOf(_condition, min_items=2), doc="All of these hold (to group conditions inside any)."),
        "not": F(_condition, doc="This condition does not hold."),
        "args": F(regex_list, doc="Regexes for the first arguments, in order (each must match its whole argument)."),
        "any_arg": F(Str(), doc="Regex that some argument of the instance matches (listen ... ssl)."),
        "no_arg": F(Str(), doc="Regex that no argument of the instance may match."),
        "from": F(Enum(AUDIT_FROM),
                  doc="Where to look: effective (default: this block, else the nearest enclosing block "
                      "that has the directive at all, which is nginx's inheritance for proxy_set_header "
                      "and plain directives alike), here (this block only), enclosing (any enclosing "
                      "block), inside (anywhere within this block), anywhere (the whole config)."),
        "count": F(Num(integer=True, minimum=1), doc="With present: at least this many matching instances."),
        "duplicate": F(Bool(), doc="With present: two matching instances share their first argument (a header "
                                   "set twice); the finding points at the later one."),
        "below": F(Str(), doc="With duration/size/number: the value is less than this."),
        "above": F(Str(), doc="With duration/size/number: the value is more than this."),
        "default": F(Str(), doc="With duration/size/number: nginx's value when the directive is not set."),
        "at": F(Bool(), doc="The finding points at the directive this condition found "
                            "(default: at the block in scope)."),
    },
    one_of=(AUDIT_KINDS,),
)
_condition.target = AUDIT_CONDITION

AUDIT_RULE = Obj(
    doc="One static check: in every block of `scope` where all `when` conditions hold, report a finding.",
    fields={
        "id": F(id_str, True, "Unique within the entry."),
        "scope": F(Enum(AUDIT_SCOPES), True,
                   "Which blocks to test: ws-location (a location with proxy_pass that looks like a "
                   "WebSocket one: it sets Upgrade, its path names ws/socket/socket.io/cable/hub, or it "
                   "serves --ws-path), location (any with proxy_pass), server, upstream, map, http, "
                   "events, main."),
        "severity": F(Enum(SEVERITIES), True),
        "when": F(ListOf(_condition, min_items=1), True, "Conditions that must all hold."),
        "message": F(Str(), True, "What is wrong, for people. Placeholders: {location} {directive} {value} "
                                  "{upstream} {server} {ws_path}."),
        "fix": F(Str(), doc="The fix in one line (same placeholders); default: the entry's fix.summary."),
        "weight": F(Num(minimum=0.05, maximum=0.99),
                    doc="How strongly a finding names the cause as evidence (default error 0.8, "
                        "warning 0.5, info 0.3)."),
        "flag": F(Str(), True, "A config this rule must report (a first line '# audit: --ws-path /x "
                                "--nginx-version 1.2.3' passes options)."),
        "pass": F(Str(), True, "A look-alike config this rule must not report."),
    },
)

AUDIT = Obj(
    doc="Static checks of nginx configs, run by `wsguide audit` (rules are tried in order; the "
        "first that matches a block reports it for this cause).",
    fields={
        "rules": F(ListOf(AUDIT_RULE, min_items=1), True),
        "lab": F(Str(), doc="Why the lab's broken config shows nothing a static check can see "
                            "(otherwise audit must flag it and not the fixed one)."),
    },
)

CAUSE = Obj(
    doc="One root cause of a WebSocket failure through nginx.",
    fields={
        "id": F(id_str, True, "Equals the file name without .yaml."),
        "title": F(Str(), True),
        "summary": F(Str(), True, "Two or three sentences."),
        "kind": F(Enum(KINDS), doc="failure (default) or risk (an audit finding that is not a failure)."),
        "layer": F(Enum(LAYERS), True),
        "stage": F(Enum(STAGES), True),
        "prior": F(Num(minimum=0.01, maximum=10),
                   doc="How common the cause is relative to others (default 1)."),
        "related": F(ListOf(id_str), doc="Cause ids to compare with."),
        "references": F(ListOf(Str(pattern=r"https?://\S+", pattern_help="a URL")), True),
        "messages": F(ListOf(MESSAGE), doc="Real error messages, for people."),
        "signatures": F(ListOf(SIGNATURE), doc="Matchers used by lookup."),
        "problem": F(Str(), True),
        "why": F(Str(), True),
        "evidence": F(ListOf(EVIDENCE), doc="Decision-graph edges."),
        "audit": F(AUDIT, doc="Static config checks for `wsguide audit`."),
        "fix": F(FIX, True),
        "verify": F(ListOf(VERIFY, min_items=1), True),
        "gotchas": F(ListOf(Str())),
        "myths": F(ListOf(MYTH)),
        "backend_notes": F(ListOf(BACKEND_NOTE)),
        "lab": F(LAB),
        "tests": F(TESTS, True),
        "draft": F(Bool(), doc="Incomplete entry: loaded, excluded from completeness checks."),
    },
)

ANSWER = Obj(fields={
    "id": F(id_str, True),
    "label": F(Str(), True),
    "detect": F(ListOf(Str(), min_items=1),
                doc="RE2 patterns (case-insensitive, per line): a pasted line that matches one gives this "
                    "answer without asking, e.g. 'Unexpected response code: 400' answers handshake-status."),
    "cues": F(ListOf(Str(), min_items=1),
              doc="RE2 patterns (case-insensitive, per line) for context a paste states in words rather "
                  "than in an error line: a platform ('cloudflare'), a library ('socket.io'), a timing "
                  "('every 100 seconds'). Like detect they answer the question without asking (the wizard "
                  "and diagnose; lookup ranks by error lines only: measured on 440 labelled pastes, "
                  "re-ranking lookup by these cues lost 3 and gained none)."),
})

QUESTION = Obj(
    fields={
        "id": F(id_str, True),
        "ask": F(Str(), True, "The question as the wizard asks it."),
        "help": F(Str(), doc="Where to look to answer it."),
        "why": F(Str(), doc="Why an expert asks this."),
        "answers": F(ListOf(ANSWER, min_items=2), True),
    },
)

QUESTION_BANK = ListOf(QUESTION, doc="The question bank.", min_items=1)
