#!/usr/bin/env python3
"""A test receiver for alert delivery: HTTP(S) on 127.0.0.1 that records
every request as one JSON line (path, headers, body in base64, time), and
answers from a per-path script:

  --script /r429=429:3,200   first request 429 with Retry-After: 3, then 200
  --script /r400=400         always 400

Paths without a script get 200 (Telegram's paths get {"ok":true}).
--hmac-key FILE verifies Standard Webhooks signatures on its own (python's
hmac, not pamsignal's code) and records sig_ok. --delay S sleeps per request.
Prints "listening PORT" once ready."""
import argparse, base64, hashlib, hmac, json, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, default=0)
ap.add_argument("--log", required=True)
ap.add_argument("--cert")
ap.add_argument("--key")
ap.add_argument("--hmac-key")
ap.add_argument("--script", action="append", default=[])
ap.add_argument("--delay", type=float, default=0)
args = ap.parse_args()

scripts = {}
for s in args.script:
    path, steps = s.split("=", 1)
    scripts[path] = [st.split(":") for st in steps.split(",")]
counts = {}
lock = threading.Lock()

key = None
if args.hmac_key:
    secret = open(args.hmac_key).read().strip()
    key = base64.b64decode(secret[6:]) if secret.startswith("whsec_") else secret.encode()


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if args.delay:
            time.sleep(args.delay)
        with lock:
            n = counts.get(self.path, 0)
            counts[self.path] = n + 1
        steps = scripts.get(self.path)
        status, extra = 200, None
        if steps:
            st = steps[min(n, len(steps) - 1)]
            status = int(st[0])
            extra = st[1] if len(st) > 1 else None
        rec = {"t": time.time(), "path": self.path, "status": status,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": base64.b64encode(body).decode()}
        if key is not None and "webhook-signature" in self.headers:
            msg = f"{self.headers['webhook-id']}.{self.headers['webhook-timestamp']}.".encode() + body
            want = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
            got = [s.split(",", 1)[1] for s in self.headers["webhook-signature"].split() if s.startswith("v1,")]
            rec["sig_ok"] = any(hmac.compare_digest(want, g) for g in got)
        with lock:
            with open(args.log, "a") as f:
                f.write(json.dumps(rec) + "\n")
        out = b'{"ok":true}' if status == 200 else b'{"ok":false,"description":"scripted"}'
        self.send_response(status)
        if status == 429 and extra:
            self.send_header("Retry-After", extra)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


srv = ThreadingHTTPServer(("127.0.0.1", args.port), H)
if args.cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("listening", srv.server_address[1], flush=True)
srv.serve_forever()
