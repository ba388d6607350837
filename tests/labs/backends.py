"""Lab backends, each run as its own process: `python backends.py KIND --port P --name N --log F`.

Every backend appends one JSON line per request it sees to `--log` (method, path, the
Upgrade/Connection headers, the TCP source port nginx used), so a lab can assert what nginx
forwarded. Options come as `key=value` words after the kind (see `lab:` in tests/labs/README.md).

Kinds:
  ws-echo    python websockets echo server (opts: ping, max_size, subprotocols, origins, tls,
             check_origin=host: Jupyter's same-origin check, Origin's host:port must equal Host;
             flood=SIZE: after the handshake send SIZE-byte messages as fast as the connection
             takes them, a producer faster than its consumer; stall=S: wait S seconds before
             reading anything, a backend whose message loop is blocked; term=1001|1012: on
             SIGTERM close every socket with that code, then exit; without it SIGTERM kills
             the process with no close frame, like a crash)
  aiohttp    aiohttp: plain HTTP and WebSocket echo on every path (opts: max_size, ws_only=1:
             every request goes to the WebSocket handler, so a plain GET gets aiohttp's 400);
             /auth/check answers 200 when X-Original-URI has ticket=good or Cookie has
             session=good, else 401; /events is a Server-Sent Events stream (8 events, 0.25 s apart);
             mw=http-only: a middleware written for plain HTTP (adds a header to each response)
             that returns without passing WebSocket upgrades on, the aiohttp form of an ASGI
             middleware that drops `websocket` scopes (aiohttp answers 500 and logs "Missing return
             statement on request handler"); mw=pass: the same middleware passing them on
  http-plain http.server answering 200 "hello from plain http.server" (not a WebSocket server)
  sink       accepts TCP connections, reads, never answers
  sio        python-socketio server (polling first, then upgrade); keeps sessions in memory
  tls-ws     ws-echo behind TLS with the lab's trustme certificate
  none       nothing listens (the harness starts no process)
  dns        (lab `dns: true`) a UDP DNS server: every A query gets 127.0.0.1 (TTL 10), any
             other type an empty answer; it logs each query as "dns query NAME TYPE"
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import time
from urllib.parse import urlsplit


class Log:
    def __init__(self, path: str, name: str) -> None:
        self.path = path
        self.name = name

    def write(self, **fields) -> None:
        fields = {"t": round(time.time(), 3), "backend": self.name, **fields}
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(fields) + "\n")


def opts_of(words: list[str]) -> dict[str, str]:
    out = {}
    for w in words:
        k, _, v = w.partition("=")
        out[k] = v
    return out


def ssl_context(args):
    import ssl

    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(args.cert, args.key)
    return ctx


async def ws_echo(args, opts, log: Log, tls: bool = False) -> None:
    from websockets.asyncio.server import serve

    def process_request(connection, request):
        h = request.headers
        log.write(method="GET", path=request.path, upgrade=h.get("Upgrade"),
                  connection=h.get("Connection"), origin=h.get("Origin"),
                  host=h.get("Host"), protocol=h.get("Sec-WebSocket-Protocol"),
                  forwarded_proto=h.get("X-Forwarded-Proto"),
                  peer_port=connection.remote_address[1])
        if opts.get("check_origin") == "host" and h.get("Origin"):
            # jupyter_server's check_origin (tornado's default is the same comparison): the
            # Origin's host[:port] must equal the Host header, else 403 and this warning.
            origin, host = h["Origin"], h.get("Host", "")
            if urlsplit(origin).netloc.lower() != host.lower():
                stamp = time.strftime("%Y-%m-%d %H:%M:%S")
                print(f"[W {stamp}.000 ServerApp] Blocking Cross Origin WebSocket Attempt.  "
                      f"Origin: {origin}, Host: {host}", flush=True)
                return connection.respond(403, "Cross origin websockets not allowed\n")
        return None

    async def handler(ws):
        if "stall" in opts:  # a blocked message loop: reads nothing for `stall` seconds
            await asyncio.sleep(float(opts["stall"]))
        if "flood" in opts:  # a fast producer: each send waits only for the library's drain()
            payload, sent, t0 = b"x" * int(opts["flood"]), 0, time.monotonic()
            try:
                while True:
                    await ws.send(payload)
                    sent += 1
            finally:  # what the producer saw, then the library's own log of the exception
                print(f"flood: {sent} messages of {len(payload)} bytes sent, connection ended "
                      f"{time.monotonic() - t0:.2f} s after the first", flush=True)
        async for message in ws:
            await ws.send(message)

    kw = {}
    if "ping" in opts:
        kw["ping_interval"] = float(opts["ping"])
        kw["ping_timeout"] = float(opts["ping"]) * 5
    else:
        kw["ping_interval"] = None
    if "max_size" in opts:
        kw["max_size"] = int(opts["max_size"])
    if opts.get("subprotocols"):
        kw["subprotocols"] = opts["subprotocols"].split(",")
    if opts.get("origins"):
        kw["origins"] = opts["origins"].split(",")
    if tls:
        kw["ssl"] = ssl_context(args)
    async with serve(handler, "127.0.0.1", args.port, process_request=process_request,
                     compression=None, **kw) as server:
        if "term" in opts:  # `term=1001|1012`: a graceful SIGTERM, every socket closed with CODE
            import signal

            code = int(opts["term"])
            reason = {1001: "going away", 1012: "service restart"}.get(code, "")
            asyncio.get_running_loop().add_signal_handler(
                signal.SIGTERM, lambda: server.close(code=code, reason=reason))
            await server.wait_closed()
        else:  # no handler: SIGTERM ends the process at once, like a crash (no close frame)
            await server.serve_forever()


async def aio(args, opts, log: Log) -> None:
    from aiohttp import WSMsgType, web

    max_size = int(opts.get("max_size", 4 * 2**20))

    async def handle(request: web.Request):
        peer = request.transport.get_extra_info("peername") if request.transport else None
        h = request.headers
        body = await request.read() if request.can_read_body else b""
        log.write(method=request.method, path=request.path_qs, upgrade=h.get("Upgrade"),
                  connection=h.get("Connection"), host=h.get("Host"),
                  peer_port=peer[1] if peer else None, body_bytes=len(body),
                  version=f"{request.version.major}.{request.version.minor}")
        if request.path.endswith("/events") and "upgrade" not in h:  # Server-Sent Events
            resp = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                               "Cache-Control": "no-cache"})
            await resp.prepare(request)
            for i in range(8):
                await resp.write(f"data: {{\"n\": {i}, \"t\": {time.time():.3f}}}\n\n".encode())
                await asyncio.sleep(0.25)
            await resp.write_eof()
            return resp
        if request.path == "/auth/check":  # auth_request target: a ticket in the URI or a cookie
            uri, cookie = h.get("X-Original-URI", ""), h.get("Cookie", "")
            ok = "ticket=good" in uri or "session=good" in cookie
            return web.Response(status=200 if ok else 401)
        if h.get("Upgrade", "").lower() == "websocket" or opts.get("ws_only"):
            ws = web.WebSocketResponse(max_msg_size=max_size, compress=False)
            await ws.prepare(request)
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await ws.send_str(msg.data)
                elif msg.type == WSMsgType.BINARY:
                    await ws.send_bytes(msg.data)
            return ws
        return web.Response(text=f"plain ok from {args.name} peer_port={peer[1] if peer else 0} "
                                 f"body_bytes={len(body)}\n")

    middlewares = []
    if opts.get("mw") in ("http-only", "pass"):  # an app middleware in front of every route
        logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                            format="%(name)s %(levelname)s %(message)s")

        @web.middleware
        async def security_headers(request, handler):
            if h_upgrade(request) and opts["mw"] == "http-only":
                h = request.headers  # the handler never runs, so record what nginx sent here
                log.write(method=request.method, path=request.path_qs, upgrade=h.get("Upgrade"),
                          connection=h.get("Connection"), host=h.get("Host"),
                          version=f"{request.version.major}.{request.version.minor}")
                return None  # "not plain HTTP, not ours": the upgrade never reaches the handler
            resp = await handler(request)
            if not h_upgrade(request):
                resp.headers["X-Frame-Options"] = "DENY"
            return resp

        def h_upgrade(request) -> bool:
            return request.headers.get("Upgrade", "").lower() == "websocket"

        middlewares.append(security_headers)
    app = web.Application(client_max_size=64 * 2**20, middlewares=middlewares)
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    await asyncio.Event().wait()


def http_plain(args, opts, log: Log) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class H(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802
            log.write(method="GET", path=self.path, upgrade=self.headers.get("Upgrade"),
                      connection=self.headers.get("Connection"),
                      peer_port=self.client_address[1])
            body = b"hello from plain http.server\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    ThreadingHTTPServer(("127.0.0.1", args.port), H).serve_forever()


async def sink(args, opts, log: Log) -> None:
    async def on_conn(reader, writer):
        log.write(method="TCP", path="", peer_port=writer.get_extra_info("peername")[1])
        while await reader.read(65536):
            pass
        writer.close()

    server = await asyncio.start_server(on_conn, "127.0.0.1", args.port)
    async with server:
        await server.serve_forever()


async def sio(args, opts, log: Log) -> None:
    import socketio
    from aiohttp import web

    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(name)s %(levelname)s %(message)s")
    server = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
    app = web.Application()

    @web.middleware
    async def record(request, handler):
        peer = request.transport.get_extra_info("peername") if request.transport else None
        log.write(method=request.method, path=request.path_qs,
                  upgrade=request.headers.get("Upgrade"), peer_port=peer[1] if peer else None)
        return await handler(request)

    app.middlewares.append(record)
    server.attach(app)

    @server.event
    async def whoami(sid):
        return args.name

    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", args.port).start()
    await asyncio.Event().wait()


async def dns(args, opts, log: Log) -> None:
    import struct

    class Proto(asyncio.DatagramProtocol):
        def connection_made(self, transport):
            self.transport = transport

        def datagram_received(self, data, addr):
            qid, _flags, qd = struct.unpack(">HHH", data[:6])
            i, labels = 12, []
            while data[i]:
                labels.append(data[i + 1:i + 1 + data[i]].decode())
                i += 1 + data[i]
            qtype = struct.unpack(">H", data[i + 1:i + 3])[0]
            question = data[12:i + 5]
            name = ".".join(labels)
            print(f"dns query {name} {dict([(1, 'A'), (28, 'AAAA')]).get(qtype, qtype)}",
                  flush=True)
            answer = b""
            if qtype == 1:
                answer = struct.pack(">HHHLH", 0xC00C, 1, 1, 10, 4) + bytes([127, 0, 0, 1])
            head = struct.pack(">HHHHHH", qid, 0x8180, 1, 1 if answer else 0, 0, 0)
            self.transport.sendto(head + question + answer, addr)

    loop = asyncio.get_running_loop()
    await loop.create_datagram_endpoint(Proto, local_addr=("127.0.0.1", args.port))
    await asyncio.Event().wait()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("kind")
    p.add_argument("opts", nargs="*")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--name", default="b1")
    p.add_argument("--log", required=True)
    p.add_argument("--cert")
    p.add_argument("--key")
    args = p.parse_args()
    opts = opts_of(args.opts)
    log = Log(args.log, args.name)
    if args.kind == "ws-echo":
        asyncio.run(ws_echo(args, opts, log, tls=bool(opts.get("tls"))))
    elif args.kind == "tls-ws":
        asyncio.run(ws_echo(args, opts, log, tls=True))
    elif args.kind == "aiohttp":
        asyncio.run(aio(args, opts, log))
    elif args.kind == "http-plain":
        http_plain(args, opts, log)
    elif args.kind == "sink":
        asyncio.run(sink(args, opts, log))
    elif args.kind == "sio":
        asyncio.run(sio(args, opts, log))
    elif args.kind == "dns":
        asyncio.run(dns(args, opts, log))
    else:
        sys.exit(f"unknown backend kind {args.kind!r}")


if __name__ == "__main__":
    main()
