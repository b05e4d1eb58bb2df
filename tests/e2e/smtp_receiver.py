#!/usr/bin/env python3
"""A test SMTP receiver (aiosmtpd) on 127.0.0.1 that requires STARTTLS and
writes each message, as received, to DIR/N.eml. Prints "listening PORT".

  smtp_receiver.py PORT CERT KEY DIR [USER PASSWORD_FILE]

With USER and PASSWORD_FILE, AUTH (over TLS) with that login is required
too, and each failed AUTH is counted in DIR/auth-failures."""
import os, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

port, cert, key, outdir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
login = None
if len(sys.argv) > 6:
    login = (sys.argv[5].encode(), open(sys.argv[6], "rb").read().strip())


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = (auth_data.login, auth_data.password) == login
    if not ok:
        with open(os.path.join(outdir, "auth-failures"), "a") as f:
            f.write(mechanism + "\n")
    return AuthResult(success=ok, auth_data=auth_data)


class Handler:
    n = 0

    async def handle_DATA(self, server, session, envelope):
        Handler.n += 1
        with open(os.path.join(outdir, f"{Handler.n}.eml"), "wb") as f:
            f.write(b"X-Envelope-From: " + envelope.mail_from.encode() + b"\r\n")
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(b"X-TLS: " + (b"yes" if session.ssl else b"no") + b"\r\n")
            f.write(b"X-Auth: " + (session.auth_data.login if login and session.authenticated else b"-") + b"\r\n")
            f.write(envelope.original_content)
        return "250 OK queued as test"


ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
extra = dict(authenticator=authenticate, auth_required=True, auth_require_tls=True) if login else {}
c = Controller(Handler(), hostname="127.0.0.1", port=port, tls_context=ctx, require_starttls=True, **extra)
c.start()
print("listening", port, flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    c.stop()
