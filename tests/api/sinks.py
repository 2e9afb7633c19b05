"""An SMTP sink and a webhook sink for the API tests: loopback servers on threads, standard library
only, that record what planwatch delivers, keyed by its stable ids (the e-mail's Message-ID, the
webhook's X-Planwatch-Delivery).

Both can be told to refuse the next N deliveries (SMTP 451 after the data, HTTP 503) and to hang:
take a delivery whole and never answer it, until released — so that a test can kill the server in
the middle of a delivery. A refused or hung delivery is not accepted: it is listed in `refused` or
`hung`, never in `messages` / `deliveries`. `accepted_ids` lists every accepted delivery in order,
so a duplicate shows there (at-least-once) while `messages` keeps one entry per id.
"""

import email
import email.policy
import hashlib
import hmac
import http.server
import json
import socketserver
import threading
import time


class _Sink:
    def __init__(self):
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._fail_next = 0
        self._hanging = False
        self._release = threading.Event()
        self.accepted_ids = []  # every accepted delivery's id, in order, duplicates included
        self.refused = []       # ids answered with a failure
        self.hung = []          # ids taken whole but never answered

    def fail_next(self, count):
        """Refuse the next `count` deliveries (SMTP 451 / HTTP 503)."""
        with self._lock:
            self._fail_next = count

    def hang(self):
        """Take every following delivery whole and never answer it, until release()."""
        with self._lock:
            self._hanging = True
            self._release.clear()

    def release(self):
        """Stop hanging; the hung connections are closed without an answer."""
        with self._lock:
            self._hanging = False
        self._release.set()

    def wait(self, predicate, timeout=30):
        """Waits until predicate(self) holds (checked under the sink's lock); False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def _outcome(self, delivery_id):
        """'accept', 'refuse' or 'hang' for the delivery just taken; records refusals and hangs."""
        with self._changed:
            if self._hanging:
                self.hung.append(delivery_id)
                self._changed.notify_all()
                return "hang"
            if self._fail_next > 0:
                self._fail_next -= 1
                self.refused.append(delivery_id)
                self._changed.notify_all()
                return "refuse"
            return "accept"


class SmtpMessage:
    def __init__(self, sender, recipients, data):
        self.sender = sender
        self.recipients = recipients  # envelope RCPT TO addresses, in order
        self.data = data              # the message bytes, un-dot-stuffed
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        self.message_id = str(parsed["Message-ID"]).strip()
        self.subject = str(parsed["Subject"])     # RFC 2047 decoded
        self.to = str(parsed["To"])
        self.from_ = str(parsed["From"])
        self.date = str(parsed["Date"])
        self.headers = parsed
        # base64 decoded, line ends as \n
        self.text = parsed.get_content().replace("\r\n", "\n")

    def __repr__(self):
        return f"<SmtpMessage {self.message_id} to={self.recipients} subject={self.subject!r}>"


class SmtpSink(_Sink):
    """An SMTP server on 127.0.0.1 (`port`). `messages`: Message-ID -> the last accepted
    SmtpMessage with that id."""

    def __init__(self):
        super().__init__()
        self.messages = {}
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 120

            def reply(self, text):
                self.wfile.write(text.encode("ascii") + b"\r\n")
                self.wfile.flush()

            def handle(self):
                sink._session(self)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _session(self, conn):
        conn.reply("220 sink.test ESMTP")
        sender, recipients = None, []
        while True:
            line = conn.rfile.readline()
            if not line:
                return
            command = line.decode("ascii", "replace").rstrip("\r\n")
            verb = command.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb == "EHLO":
                conn.reply("250-sink.test\r\n250-8BITMIME\r\n250 SIZE 10485760")
            elif verb == "HELO":
                conn.reply("250 sink.test")
            elif verb == "MAIL":
                sender, recipients = _angle(command), []
                conn.reply("250 2.1.0 Ok")
            elif verb == "RCPT":
                recipients.append(_angle(command))
                conn.reply("250 2.1.5 Ok")
            elif verb == "DATA":
                conn.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = conn.rfile.readline()
                    if not chunk:
                        return
                    if chunk == b".\r\n":
                        break
                    data += chunk[1:] if chunk.startswith(b".") else chunk
                message = SmtpMessage(sender, recipients, bytes(data))
                outcome = self._outcome(message.message_id)
                if outcome == "hang":
                    self._release.wait()
                    return
                if outcome == "refuse":
                    conn.reply("451 4.3.0 sink told to fail, try again later")
                else:
                    with self._changed:
                        self.messages[message.message_id] = message
                        self.accepted_ids.append(message.message_id)
                        self._changed.notify_all()
                    conn.reply("250 2.0.0 Ok: queued")
                sender, recipients = None, []
            elif verb == "RSET":
                sender, recipients = None, []
                conn.reply("250 2.0.0 Ok")
            elif verb == "NOOP":
                conn.reply("250 2.0.0 Ok")
            elif verb == "QUIT":
                conn.reply("221 2.0.0 Bye")
                return
            else:
                conn.reply("502 5.5.2 Error: command not recognized")

    def close(self):
        self.release()
        self._server.shutdown()
        self._server.server_close()


def _angle(command):
    start, end = command.find("<"), command.rfind(">")
    return command[start + 1:end] if 0 <= start < end else command.split(":", 1)[-1].strip()


class Delivery:
    def __init__(self, event, delivery_id, signature, body, path):
        self.event = event
        self.delivery_id = delivery_id
        self.signature = signature
        self.body = body          # bytes as received
        self.json = json.loads(body.decode("utf-8"))
        self.path = path

    def __repr__(self):
        return f"<Delivery {self.delivery_id} {self.event}>"


class WebhookSink(_Sink):
    """An HTTP server on 127.0.0.1 (`url`) that verifies X-Planwatch-Signature with `secret`
    (settable later, e.g. once the webhook is created). `deliveries`: delivery id -> the last
    accepted Delivery. A wrong signature is answered 401 and listed in `bad_signatures`."""

    def __init__(self, secret=None, path="/hooks/planwatch"):
        super().__init__()
        self.secret = secret
        self.deliveries = {}
        self.bad_signatures = []
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                sink._post(self)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def expected_signature(self, body):
        return "sha256=" + hmac.new(self.secret.encode("utf-8"), body, hashlib.sha256).hexdigest()

    def _answer(self, handler, status):
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.close_connection = True

    def _post(self, handler):
        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        delivery = Delivery(handler.headers.get("X-Planwatch-Event"),
                            handler.headers.get("X-Planwatch-Delivery"),
                            handler.headers.get("X-Planwatch-Signature"), body, handler.path)
        if self.secret is None or not hmac.compare_digest(
                delivery.signature or "", self.expected_signature(body)):
            with self._changed:
                self.bad_signatures.append(delivery)
                self._changed.notify_all()
            return self._answer(handler, 401)
        outcome = self._outcome(delivery.delivery_id)
        if outcome == "hang":
            self._release.wait()
            handler.close_connection = True
            return
        if outcome == "refuse":
            return self._answer(handler, 503)
        with self._changed:
            self.deliveries[delivery.delivery_id] = delivery
            self.accepted_ids.append(delivery.delivery_id)
            self._changed.notify_all()
        self._answer(handler, 204)

    def close(self):
        self.release()
        self._server.shutdown()
        self._server.server_close()
